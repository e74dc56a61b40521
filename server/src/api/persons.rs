//! Persons' files. Identity, contact details, the safe-contact profile and notes are sealed
//! at rest; lists show initials; every read of a whole file and every search is audited.

use axum::Json;
use axum::http::StatusCode;
use relais_domain::dto::{AuditEntry, Page, Person, PersonInput, PersonSummary};

use super::error::ServiceResult;
use super::extract::{ApiJson, ApiQuery, PathId};
use crate::api::caller::{Admins, FileReaders, Staff};
use crate::casework::persons as svc;
use crate::casework::persons::PersonQuery;

#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", security(("bearer" = [])),
    params(("limit" = Option<u64>, Query), ("after" = Option<String>, Query),
           ("name" = Option<String>, Query, description = "full name or last name, accents and case ignored"),
           ("phone" = Option<String>, Query)),
    responses((status = 200, body = Page<PersonSummary>), (status = 403, body = super::error::Problem)))]
pub async fn list(
    t: Staff<FileReaders>,
    ApiQuery(q): ApiQuery<PersonQuery>,
) -> ServiceResult<Json<Page<PersonSummary>>> {
    svc::list(&t, q).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", security(("bearer" = [])), request_body = PersonInput,
    responses((status = 201, body = Person), (status = 422, body = super::error::Problem)))]
pub async fn create(
    t: Staff<FileReaders>,
    ApiJson(input): ApiJson<PersonInput>,
) -> ServiceResult<(StatusCode, Json<Person>)> {
    svc::create(&t, input)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

/// Opening a file. Audited before the content is returned.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Person), (status = 404, body = super::error::Problem)))]
pub async fn get(t: Staff<FileReaders>, PathId(id): PathId) -> ServiceResult<Json<Person>> {
    svc::get(&t, id).await.map(Json)
}

#[utoipa::path(put, path = "/api/v1/persons/{id}", tag = "persons", security(("bearer" = [])), request_body = PersonInput,
    params(("id" = Uuid, Path)), responses((status = 200, body = Person), (status = 404, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn update(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(input): ApiJson<PersonInput>,
) -> ServiceResult<Json<Person>> {
    svc::update(&t, id, input).await.map(Json)
}

/// Soft deletion, admins only: the row stays for sync and retention, its content is kept
/// sealed until the retention job anonymises it.
#[utoipa::path(delete, path = "/api/v1/persons/{id}", tag = "persons", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn delete(t: Staff<Admins>, PathId(id): PathId) -> ServiceResult<StatusCode> {
    svc::delete(&t, id).await.map(|()| StatusCode::NO_CONTENT)
}

/// Who opened or changed this file, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/access-log", tag = "persons", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("limit" = Option<u64>, Query), ("after" = Option<i64>, Query, description = "audit sequence to continue below")),
    responses((status = 200, body = Page<AuditEntry>), (status = 404, body = super::error::Problem)))]
pub async fn access_log(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiQuery(p): ApiQuery<crate::paging::Paging>,
) -> ServiceResult<Json<Page<AuditEntry>>> {
    svc::access_log(&t, id, p).await.map(Json)
}

/// The organisation's audit log, newest first (admins).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])),
    params(("limit" = Option<u64>, Query), ("after" = Option<i64>, Query, description = "audit sequence to continue below")),
    responses((status = 200, body = Page<AuditEntry>)))]
pub async fn audit_log_view(
    t: Staff<Admins>,
    ApiQuery(p): ApiQuery<crate::paging::Paging>,
) -> ServiceResult<Json<Page<AuditEntry>>> {
    svc::audit_log_view(&t, p).await.map(Json)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![
        list,
        create,
        get,
        update,
        delete,
        access_log,
        audit_log_view
    ]
}
