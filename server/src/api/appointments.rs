//! Appointments: book into a free slot (or force-book in an emergency), move, cancel, mark
//! seen or no-show, with a version every change bumps and a full history. The database
//! guarantees no double booking: an exclusion constraint on PostgreSQL, triggers on SQLite;
//! their refusal is the 409 a client sees.

use relais_domain::problem::ProblemCode;

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use relais_domain::dto::{
    AgendaEntry, Appointment, AppointmentInput, CalendarFeed, CalendarFeedInput, CancelInput,
    MoveInput, OutcomeInput,
};

use super::error::{ServiceError, ServiceResult};
use super::extract::{ApiJson, ApiQuery, JsonBytes, PathId, parse_body};
use crate::api::caller::{FileReaders, Staff};
use crate::scheduling::booking as svc;
use crate::scheduling::booking::request_hash;
use crate::scheduling::messages;
use crate::scheduling::{agenda, feed};
use agenda::AgendaQuery;

pub(crate) fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A calendar feed, `/api/v1/calendar/{token}.ics`: no login (calendar apps cannot); the
/// token is the secret. Revoked, unknown, or its owner no longer reads files: 404.
#[utoipa::path(get, path = "/api/v1/calendar/{file}", tag = "appointments",
    params(("file" = String, Path, description = "the feed's token followed by .ics")),
    responses((status = 200, description = "iCalendar (RFC 5545)", content_type = "text/calendar", body = String),
        (status = 404, body = super::error::Problem)))]
pub async fn feed(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> ServiceResult<Response> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let out = feed::feed(&state, token).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        out,
    )
        .into_response())
}

/// Book. With an `Idempotency-Key` header, a retried request returns the first answer.
#[utoipa::path(post, path = "/api/v1/appointments", tag = "appointments", security(("bearer" = [])), request_body = AppointmentInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "makes a retried POST return the first result")),
    responses((status = 201, body = Appointment), (status = 409, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn book(
    t: Staff<FileReaders>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> ServiceResult<Response> {
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .map(str::trim)
                .filter(|k| !k.is_empty() && k.len() <= 200)
                .ok_or_else(|| {
                    ServiceError::field(
                        ProblemCode::InvalidHeader,
                        "Idempotency-Key",
                        (
                            "1 à 200 caractères visibles.",
                            "1 to 200 visible characters.",
                        ),
                    )
                })?
                .to_owned(),
        ),
    };
    let idem = key.map(|key| svc::Idempotency {
        key,
        request_hash: request_hash(&body),
    });
    let i: AppointmentInput = parse_body(&body)?;
    Ok(match svc::book(&t, i, idem).await? {
        svc::Booked::Created(body) => json_response(StatusCode::CREATED, body),
        svc::Booked::Replayed { status, body } => {
            json_response(StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body)
        }
    })
}

#[utoipa::path(get, path = "/api/v1/appointments/{id}", tag = "appointments", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Appointment), (status = 404, body = super::error::Problem)))]
pub async fn get(t: Staff<FileReaders>, PathId(id): PathId) -> ServiceResult<Json<Appointment>> {
    svc::get(&t, id).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/move", tag = "appointments", security(("bearer" = [])), request_body = MoveInput,
    params(("id" = Uuid, Path)), responses((status = 200, body = Appointment), (status = 409, body = super::error::Problem)))]
pub async fn move_appointment(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<MoveInput>,
) -> ServiceResult<Json<Appointment>> {
    svc::move_appointment(&t, id, i).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/cancel", tag = "appointments", security(("bearer" = [])), request_body = CancelInput,
    params(("id" = Uuid, Path)), responses((status = 200, body = Appointment), (status = 409, body = super::error::Problem)))]
pub async fn cancel(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<CancelInput>,
) -> ServiceResult<Json<Appointment>> {
    svc::cancel(&t, id, i).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/seen", tag = "appointments", security(("bearer" = [])), request_body = OutcomeInput,
    params(("id" = Uuid, Path)), responses((status = 200, body = Appointment), (status = 409, body = super::error::Problem)))]
pub async fn seen(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<OutcomeInput>,
) -> ServiceResult<Json<Appointment>> {
    svc::seen(&t, id, i).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/no-show", tag = "appointments", security(("bearer" = [])), request_body = OutcomeInput,
    params(("id" = Uuid, Path)), responses((status = 200, body = Appointment), (status = 409, body = super::error::Problem)))]
pub async fn no_show(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<OutcomeInput>,
) -> ServiceResult<Json<Appointment>> {
    svc::no_show(&t, id, i).await.map(Json)
}

// ---------- agenda ----------

/// A coordinator's or a site's agenda over `days` days from `from` (1 = a day, 7 = a week),
/// persons shown by initials.
#[utoipa::path(get, path = "/api/v1/agenda", tag = "appointments", security(("bearer" = [])),
    params(("coordinator_id" = Option<Uuid>, Query), ("site_id" = Option<Uuid>, Query), ("from" = String, Query), ("days" = Option<u32>, Query)),
    responses((status = 200, body = Vec<AgendaEntry>)))]
pub async fn agenda(
    t: Staff<FileReaders>,
    ApiQuery(q): ApiQuery<AgendaQuery>,
) -> ServiceResult<Json<Vec<AgendaEntry>>> {
    agenda::agenda(&t, q).await.map(Json)
}

// ---------- iCalendar feeds ----------

#[utoipa::path(post, path = "/api/v1/calendar-feeds", tag = "appointments", security(("bearer" = [])), request_body = CalendarFeedInput,
    responses((status = 201, body = CalendarFeed)))]
pub async fn create_feed(
    t: Staff<FileReaders>,
    ApiJson(i): ApiJson<CalendarFeedInput>,
) -> ServiceResult<(StatusCode, Json<CalendarFeed>)> {
    feed::create_feed(&t, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

/// The caller's live feeds; an admin sees every account's, to revoke them.
#[utoipa::path(get, path = "/api/v1/calendar-feeds", tag = "appointments", security(("bearer" = [])),
    responses((status = 200, body = Vec<CalendarFeed>)))]
pub async fn list_feeds(t: Staff<FileReaders>) -> ServiceResult<Json<Vec<CalendarFeed>>> {
    feed::list_feeds(&t).await.map(Json)
}

#[utoipa::path(delete, path = "/api/v1/calendar-feeds/{id}", tag = "appointments", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn revoke_feed(t: Staff<FileReaders>, PathId(id): PathId) -> ServiceResult<StatusCode> {
    feed::revoke_feed(&t, id)
        .await
        .map(|()| StatusCode::NO_CONTENT)
}

/// The messages of an appointment and their states: what the coordinator checks when a
/// reminder was not delivered.
#[utoipa::path(get, path = "/api/v1/appointments/{id}/notifications", tag = "appointments", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Vec<relais_domain::dto::Notification>), (status = 404, body = super::error::Problem)))]
pub async fn notifications(
    t: Staff<FileReaders>,
    PathId(id): PathId,
) -> ServiceResult<Json<Vec<relais_domain::dto::Notification>>> {
    messages::notifications(&t, id).await.map(Json)
}

/// What the development outbox kept (no provider configured), newest first, then what is
/// scheduled to go, as it would read now (so the demo shows a reminder days before it is
/// due). Admins only.
#[utoipa::path(get, path = "/api/v1/dev-outbox", tag = "appointments", security(("bearer" = [])),
    responses((status = 200, body = Vec<relais_domain::dto::DevMessage>)))]
pub async fn dev_outbox(
    t: Staff<crate::api::caller::Admins>,
) -> ServiceResult<Json<Vec<relais_domain::dto::DevMessage>>> {
    messages::dev_outbox(&t).await.map(Json)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![
        book,
        get,
        move_appointment,
        cancel,
        seen,
        no_show,
        agenda,
        create_feed,
        list_feeds,
        revoke_feed,
        notifications,
        dev_outbox,
        feed
    ]
}
