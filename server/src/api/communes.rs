//! The official list of communes, searched by name: what a form offers as the person's
//! commune of residence is typed against it.

use axum::Json;
use relais_domain::dto::Commune;
use serde::Deserialize;

use super::error::ServiceResult;
use super::extract::ApiQuery;
use crate::api::caller::Staff;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommuneQuery {
    /// The start of a name ("villef"), or an INSEE code.
    #[serde(default)]
    q: Option<String>,
}

/// At most 20 communes (none when nothing is typed): the one of an INSEE code, or those whose name starts with the words
/// typed, then those that contain them (accents and hyphens aside, "st" read "saint").
#[utoipa::path(get, path = "/api/v1/communes", tag = "persons", security(("bearer" = [])),
    params(("q" = Option<String>, Query, description = "the start of a name, or an INSEE code")),
    responses((status = 200, body = Vec<Commune>), (status = 400, body = super::error::Problem)))]
pub async fn search(
    _t: Staff,
    ApiQuery(q): ApiQuery<CommuneQuery>,
) -> ServiceResult<Json<Vec<Commune>>> {
    // Nothing typed finds nothing; a long text, what starts so (nothing, most likely).
    let typed: String =
        q.q.as_deref()
            .unwrap_or("")
            .trim()
            .chars()
            .take(100)
            .collect();
    let typed = typed.as_str();
    if let Some(c) = relais_domain::commune::by_code(typed) {
        return Ok(Json(vec![c]));
    }
    Ok(Json(relais_domain::commune::search(typed, 20)))
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![search]
}
