//! Staff accounts of the caller's organisation (admins only).

use axum::Json;
use axum::http::StatusCode;
use relais_domain::dto::{Account, AccountInput, AccountPatch, Page};

use super::error::ServiceResult;
use super::extract::{ApiJson, ApiQuery, Paging, PathId};
use crate::accounts as svc;
use crate::api::caller::{Admins, Staff};

#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])),
    params(("limit" = Option<u64>, Query), ("after" = Option<String>, Query)), responses((status = 200, body = Page<Account>)))]
pub async fn list(
    t: Staff<Admins>,
    ApiQuery(p): ApiQuery<Paging>,
) -> ServiceResult<Json<Page<Account>>> {
    svc::list(&t, p).await.map(Json)
}

#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Account), (status = 404, body = super::error::Problem)))]
pub async fn get(t: Staff<Admins>, PathId(id): PathId) -> ServiceResult<Json<Account>> {
    svc::get(&t, id).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])), request_body = AccountInput,
    responses((status = 201, body = Account), (status = 409, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn create(
    t: Staff<Admins>,
    ApiJson(input): ApiJson<AccountInput>,
) -> ServiceResult<(StatusCode, Json<Account>)> {
    svc::create(&t, input)
        .await
        .map(|a| (StatusCode::CREATED, Json(a)))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{id}", tag = "accounts", security(("bearer" = [])), request_body = AccountPatch,
    params(("id" = Uuid, Path)), responses((status = 200, body = Account), (status = 404, body = super::error::Problem)))]
pub async fn update(
    t: Staff<Admins>,
    PathId(id): PathId,
    ApiJson(patch): ApiJson<AccountPatch>,
) -> ServiceResult<Json<Account>> {
    svc::update(&t, id, patch).await.map(Json)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![list, get, create, update]
}
