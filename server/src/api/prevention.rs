//! Prevention actions (stands, school sessions, forum theatre, film debates, trainings):
//! recorded by the service's staff, counted by the report. No person is named in one.

use axum::Json;
use axum::http::StatusCode;
use relais_domain::dto::{PreventionAction, PreventionActionInput};
use serde::Deserialize;

use super::error::ServiceResult;
use super::extract::{ApiJson, ApiQuery, PathId};
use super::report::date_param;
use crate::api::caller::{FileReaders, Staff};
use crate::casework::prevention as svc;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreventionQuery {
    /// First day, `YYYY-MM-DD`.
    #[serde(default)]
    from: Option<String>,
    /// Last day (included).
    #[serde(default)]
    to: Option<String>,
}

/// The actions held in a period, the latest first: to `to` (today when not given) from
/// `from` (the first day of the year before `to`'s when not given); none when `to` comes
/// before `from`.
#[utoipa::path(get, path = "/api/v1/prevention-actions", tag = "prevention", security(("bearer" = [])),
    params(("from" = Option<String>, Query, description = "YYYY-MM-DD"), ("to" = Option<String>, Query, description = "YYYY-MM-DD, included")),
    responses((status = 200, body = Vec<PreventionAction>), (status = 400, body = super::error::Problem)))]
pub async fn list(
    t: Staff<FileReaders>,
    ApiQuery(q): ApiQuery<PreventionQuery>,
) -> ServiceResult<Json<Vec<PreventionAction>>> {
    let date =
        |field, v: &Option<String>| v.as_deref().map(|v| date_param(field, Some(v))).transpose();
    let (from, to) = (date("from", &q.from)?, date("to", &q.to)?);
    svc::list(&t, from, to).await.map(Json)
}

/// Record an action once held. A date in the future or more than three calendar years back,
/// or a partner not in the directory: 409, naming the field.
#[utoipa::path(post, path = "/api/v1/prevention-actions", tag = "prevention", security(("bearer" = [])),
    request_body = PreventionActionInput,
    responses((status = 201, body = PreventionAction), (status = 409, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn record(
    t: Staff<FileReaders>,
    ApiJson(i): ApiJson<PreventionActionInput>,
) -> ServiceResult<(StatusCode, Json<PreventionAction>)> {
    svc::record(&t, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

/// Remove an action entered by mistake: it leaves the report.
#[utoipa::path(delete, path = "/api/v1/prevention-actions/{id}", tag = "prevention", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn remove(t: Staff<FileReaders>, PathId(id): PathId) -> ServiceResult<StatusCode> {
    svc::remove(&t, id).await.map(|()| StatusCode::NO_CONTENT)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![list, record, remove]
}
