//! Sites (a brigade, a police station, a town hall) and the caller's organisation.

use axum::Json;
use axum::http::StatusCode;
use relais_domain::dto::{Organisation, OrganisationInput, Page, Site, SiteInput};

use super::error::ServiceResult;
use super::extract::{ApiJson, ApiQuery, Paging, PathId};
use crate::api::caller::{Admins, AnyRole, Staff};
use crate::organisation as svc;

#[utoipa::path(get, path = "/api/v1/sites", tag = "sites", security(("bearer" = [])),
    params(("limit" = Option<u64>, Query), ("after" = Option<String>, Query)),
    responses((status = 200, body = Page<Site>)))]
pub async fn list(
    t: Staff<AnyRole>,
    ApiQuery(p): ApiQuery<Paging>,
) -> ServiceResult<Json<Page<Site>>> {
    svc::list(&t, p).await.map(Json)
}

#[utoipa::path(get, path = "/api/v1/sites/{id}", tag = "sites", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Site), (status = 404, body = super::error::Problem)))]
pub async fn get(t: Staff<AnyRole>, PathId(id): PathId) -> ServiceResult<Json<Site>> {
    svc::get(&t, id).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/sites", tag = "sites", security(("bearer" = [])), request_body = SiteInput,
    responses((status = 201, body = Site), (status = 422, body = super::error::Problem)))]
pub async fn create(
    t: Staff<Admins>,
    ApiJson(input): ApiJson<SiteInput>,
) -> ServiceResult<(StatusCode, Json<Site>)> {
    svc::create(&t, input)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

#[utoipa::path(put, path = "/api/v1/sites/{id}", tag = "sites", security(("bearer" = [])), request_body = SiteInput,
    params(("id" = Uuid, Path)), responses((status = 200, body = Site), (status = 404, body = super::error::Problem)))]
pub async fn update(
    t: Staff<Admins>,
    PathId(id): PathId,
    ApiJson(input): ApiJson<SiteInput>,
) -> ServiceResult<Json<Site>> {
    svc::update(&t, id, input).await.map(Json)
}

#[utoipa::path(delete, path = "/api/v1/sites/{id}", tag = "sites", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn delete(t: Staff<Admins>, PathId(id): PathId) -> ServiceResult<StatusCode> {
    svc::delete(&t, id).await.map(|()| StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/organisation", tag = "organisation", security(("bearer" = [])),
    responses((status = 200, body = Organisation)))]
pub async fn get_organisation(t: Staff<AnyRole>) -> ServiceResult<Json<Organisation>> {
    svc::get_organisation(&t).await.map(Json)
}

#[utoipa::path(put, path = "/api/v1/organisation", tag = "organisation", security(("bearer" = [])), request_body = OrganisationInput,
    responses((status = 200, body = Organisation), (status = 422, body = super::error::Problem)))]
pub async fn update_organisation(
    t: Staff<Admins>,
    ApiJson(input): ApiJson<OrganisationInput>,
) -> ServiceResult<Json<Organisation>> {
    svc::update_organisation(&t, input).await.map(Json)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![
        get_organisation,
        update_organisation,
        list,
        get,
        create,
        update,
        delete
    ]
}
