//! The partner directory, orientations of a situation to partners (consent recorded; an
//! override needs a reason and is audited), and links between people (visible by initials,
//! never with the other's details; linked parties kept apart when booking).

use axum::Json;
use axum::http::StatusCode;
use relais_domain::dto::{
    Orientation, OrientationInput, OrientationStatusInput, Partner, PartnerInput, PersonLink,
    PersonLinkInput,
};

use super::error::ServiceResult;
use super::extract::{ApiJson, PathId};
use crate::api::caller::{Admins, FileReaders, Staff};
use crate::casework::partners as svc;

#[utoipa::path(get, path = "/api/v1/partners", tag = "partners", security(("bearer" = [])),
    responses((status = 200, body = Vec<Partner>)))]
pub async fn list(t: Staff<FileReaders>) -> ServiceResult<Json<Vec<Partner>>> {
    svc::list(&t).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/partners", tag = "partners", security(("bearer" = [])), request_body = PartnerInput,
    responses((status = 201, body = Partner), (status = 422, body = super::error::Problem)))]
pub async fn create(
    t: Staff<Admins>,
    ApiJson(i): ApiJson<PartnerInput>,
) -> ServiceResult<(StatusCode, Json<Partner>)> {
    svc::create(&t, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

#[utoipa::path(put, path = "/api/v1/partners/{id}", tag = "partners", security(("bearer" = [])), request_body = PartnerInput,
    params(("id" = Uuid, Path)), responses((status = 200, body = Partner), (status = 404, body = super::error::Problem)))]
pub async fn update(
    t: Staff<Admins>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<PartnerInput>,
) -> ServiceResult<Json<Partner>> {
    svc::update(&t, id, i).await.map(Json)
}

#[utoipa::path(delete, path = "/api/v1/partners/{id}", tag = "partners", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn delete(t: Staff<Admins>, PathId(id): PathId) -> ServiceResult<StatusCode> {
    svc::delete(&t, id).await.map(|()| StatusCode::NO_CONTENT)
}

/// Propose an orientation. It moves an assessed situation (or one in follow-up) to
/// "orientation". Without the person's consent it needs a reason, sealed and audited.
#[utoipa::path(post, path = "/api/v1/situations/{id}/orientations", tag = "partners", security(("bearer" = [])),
    request_body = OrientationInput, params(("id" = Uuid, Path)),
    responses((status = 201, body = Orientation), (status = 409, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn orient(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<OrientationInput>,
) -> ServiceResult<(StatusCode, Json<Orientation>)> {
    svc::orient(&t, id, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

#[utoipa::path(get, path = "/api/v1/situations/{id}/orientations", tag = "partners", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Vec<Orientation>)))]
pub async fn list_orientations(
    t: Staff<FileReaders>,
    PathId(id): PathId,
) -> ServiceResult<Json<Vec<Orientation>>> {
    svc::list_orientations(&t, id).await.map(Json)
}

/// proposed → accepted | refused; accepted → handed over. Anything else: 409 naming the
/// current status and the allowed ones.
#[utoipa::path(post, path = "/api/v1/orientations/{id}/status", tag = "partners", security(("bearer" = [])),
    request_body = OrientationStatusInput, params(("id" = Uuid, Path)),
    responses((status = 200, body = Orientation), (status = 409, body = super::error::Problem)))]
pub async fn set_status(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<OrientationStatusInput>,
) -> ServiceResult<Json<Orientation>> {
    svc::set_status(&t, id, i).await.map(Json)
}

// ------------------------------------------------------------------ links between people

/// Link two people. Each file then shows the other by initials only.
#[utoipa::path(post, path = "/api/v1/persons/{id}/links", tag = "persons", security(("bearer" = [])),
    request_body = PersonLinkInput, params(("id" = Uuid, Path)),
    responses((status = 201, body = PersonLink), (status = 409, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn link(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<PersonLinkInput>,
) -> ServiceResult<(StatusCode, Json<PersonLink>)> {
    svc::link(&t, id, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

#[utoipa::path(get, path = "/api/v1/persons/{id}/links", tag = "persons", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Vec<PersonLink>)))]
pub async fn links(
    t: Staff<FileReaders>,
    PathId(id): PathId,
) -> ServiceResult<Json<Vec<PersonLink>>> {
    svc::links(&t, id).await.map(Json)
}

#[utoipa::path(delete, path = "/api/v1/person-links/{id}", tag = "persons", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn unlink(t: Staff<FileReaders>, PathId(id): PathId) -> ServiceResult<StatusCode> {
    svc::unlink(&t, id).await.map(|()| StatusCode::NO_CONTENT)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![
        list,
        create,
        update,
        delete,
        orient,
        list_orientations,
        set_status,
        link,
        links,
        unlink
    ]
}
