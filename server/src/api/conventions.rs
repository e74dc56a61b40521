//! The conventions that fund the post (an admin's): funder, communes, sites, period.

use axum::Json;
use axum::http::StatusCode;
use relais_domain::dto::{Convention, ConventionInput};

use super::error::ServiceResult;
use super::extract::{ApiJson, PathId};
use crate::api::caller::{Admins, Staff};
use crate::casework::conventions as svc;

/// The organisation's conventions, the latest period first, each with those it overlaps.
#[utoipa::path(get, path = "/api/v1/conventions", tag = "report", security(("bearer" = [])),
    responses((status = 200, body = Vec<Convention>)))]
pub async fn list(t: Staff<Admins>) -> ServiceResult<Json<Vec<Convention>>> {
    svc::list(&t).await.map(Json)
}

/// Record a convention. Overlapping another (the same commune or site over the same days)
/// is allowed and said in `overlaps`; a site not the organisation's is a 409.
#[utoipa::path(post, path = "/api/v1/conventions", tag = "report", security(("bearer" = [])),
    request_body = ConventionInput,
    responses((status = 201, body = Convention), (status = 409, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn create(
    t: Staff<Admins>,
    ApiJson(i): ApiJson<ConventionInput>,
) -> ServiceResult<(StatusCode, Json<Convention>)> {
    svc::create(&t, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

#[utoipa::path(delete, path = "/api/v1/conventions/{id}", tag = "report", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn remove(t: Staff<Admins>, PathId(id): PathId) -> ServiceResult<StatusCode> {
    svc::remove(&t, id).await.map(|()| StatusCode::NO_CONTENT)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![list, create, remove]
}
