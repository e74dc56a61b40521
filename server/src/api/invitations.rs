//! Invitations, staff side (issue 27): invite a situation's person by a message they can
//! safely receive, see exactly what would go out first, list a situation's invitations
//! with their messages, withdraw one; and the person's "no more messages" switch.

use axum::Json;
use axum::http::StatusCode;
use relais_domain::dto::{
    Invitation, InvitationInput, InvitationPreview, MessagesInput, MessagesSwitch,
};

use super::caller::{FileReaders, Staff};
use super::error::ServiceResult;
use super::extract::{ApiJson, PathId};
use crate::scheduling::invitations as svc;

/// Invite the situation's person: a self-booking link (`kind: link`, with an appointment
/// type the person may book and its sites) or a "call us" text, by SMS or e-mail to the
/// safe number or address the checked profile allows, or in person (`in_person`: nothing is
/// sent, the answer carries the link to read out). The message goes at the next moment the
/// profile allows; one follow-up later if nothing was booked. Refused with its reason and
/// nothing written: no checked profile, the channel not allowed, no safe address, no more
/// messages, no free slot before the link expires, an invitation already open.
#[utoipa::path(post, path = "/api/v1/situations/{id}/invitations", tag = "invitations", security(("bearer" = [])),
    request_body = InvitationInput, params(("id" = Uuid, Path)),
    responses((status = 201, body = Invitation), (status = 404, body = super::error::Problem),
        (status = 409, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn create_invitation(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<InvitationInput>,
) -> ServiceResult<(StatusCode, Json<Invitation>)> {
    svc::create(&t, id, i)
        .await
        .map(|v| (StatusCode::CREATED, Json(v)))
}

/// What that invitation would send, checked the same way, nothing written: the exact
/// texts, when they would go, when the invitation would expire.
#[utoipa::path(post, path = "/api/v1/situations/{id}/invitations/preview", tag = "invitations", security(("bearer" = [])),
    request_body = InvitationInput, params(("id" = Uuid, Path)),
    responses((status = 200, body = InvitationPreview), (status = 404, body = super::error::Problem),
        (status = 409, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn preview_invitation(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<InvitationInput>,
) -> ServiceResult<Json<InvitationPreview>> {
    svc::preview(&t, id, i).await.map(Json)
}

/// The situation's invitations, newest first, each with its messages and their states.
#[utoipa::path(get, path = "/api/v1/situations/{id}/invitations", tag = "invitations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Invitation>), (status = 404, body = super::error::Problem)))]
pub async fn list_invitations(
    t: Staff<FileReaders>,
    PathId(id): PathId,
) -> ServiceResult<Json<Vec<Invitation>>> {
    svc::list(&t, id).await.map(Json)
}

/// Withdraw an invitation: its link opens the neutral page, its follow-up does not go.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/revoke", tag = "invitations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Invitation), (status = 404, body = super::error::Problem)))]
pub async fn revoke_invitation(
    t: Staff<FileReaders>,
    PathId(id): PathId,
) -> ServiceResult<Json<Invitation>> {
    svc::revoke(&t, id).await.map(Json)
}

/// The person's "no more messages" switch: on, no invitation, follow-up or reminder goes out.
#[utoipa::path(put, path = "/api/v1/persons/{id}/messages", tag = "invitations", security(("bearer" = [])),
    request_body = MessagesInput, params(("id" = Uuid, Path)),
    responses((status = 200, body = MessagesSwitch), (status = 404, body = super::error::Problem)))]
pub async fn set_messages(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<MessagesInput>,
) -> ServiceResult<Json<MessagesSwitch>> {
    svc::set_messages(&t, id, i.stopped).await.map(Json)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![
        create_invitation,
        preview_invitation,
        list_invitations,
        revoke_invitation,
        set_messages
    ]
}
