//! The person's links, staff side: create a booking link for a person (its address is in
//! the answer, once), list a person's links with their states, revoke one. What the person
//! does with a link is in `web::person`.

use axum::Json;
use axum::http::StatusCode;
use relais_domain::dto::{BookingLink, BookingLinkInput};

use super::caller::{FileReaders, Staff};
use super::error::ServiceResult;
use super::extract::{ApiJson, PathId};
use crate::scheduling::links as svc;

/// A booking link for the person: one appointment type bookable by the person
/// (`bookable_by: public`), one or more sites, optionally some coordinators. The answer
/// carries `url`, to send or read out; it is not shown again.
#[utoipa::path(post, path = "/api/v1/persons/{id}/booking-links", tag = "links", security(("bearer" = [])),
    request_body = BookingLinkInput, params(("id" = Uuid, Path)),
    responses((status = 201, body = BookingLink), (status = 404, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn create_link(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<BookingLinkInput>,
) -> ServiceResult<(StatusCode, Json<BookingLink>)> {
    svc::create(&t, id, i)
        .await
        .map(|l| (StatusCode::CREATED, Json(l)))
}

/// The person's links (booking and manage), newest first, with their states.
#[utoipa::path(get, path = "/api/v1/persons/{id}/booking-links", tag = "links", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<BookingLink>), (status = 404, body = super::error::Problem)))]
pub async fn list_links(
    t: Staff<FileReaders>,
    PathId(id): PathId,
) -> ServiceResult<Json<Vec<BookingLink>>> {
    svc::list(&t, id).await.map(Json)
}

/// Revoke a link: from now on it opens the same neutral page as an unknown one.
#[utoipa::path(post, path = "/api/v1/booking-links/{id}/revoke", tag = "links", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = BookingLink), (status = 404, body = super::error::Problem)))]
pub async fn revoke_link(
    t: Staff<FileReaders>,
    PathId(id): PathId,
) -> ServiceResult<Json<BookingLink>> {
    svc::revoke(&t, id).await.map(Json)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![create_link, list_links, revoke_link]
}
