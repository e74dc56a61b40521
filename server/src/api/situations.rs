//! Situations and the outreach workflow: create, read (audited), move through the state
//! machine of `relais_domain::outreach`, log contact attempts (safe contact enforced), record
//! interviews, walk-ins, anonymous contacts and child-in-danger reports, reopen, and the
//! coordinator's call-back queue. The rules are in the domain; this module stores them.

use axum::Json;
use axum::http::StatusCode;
use relais_domain::dto::{
    AnonymousContact, AnonymousContactInput, AttemptInput, AttemptLogged, ChildReport,
    ChildReportInput, Interview, InterviewInput, Page, QueueEntry, Situation, SituationEventInput,
    SituationInput, WalkInInput, WalkInRecorded,
};

use super::error::ServiceResult;
use super::extract::{ApiJson, ApiQuery, PathId};
use crate::api::caller::{FileReaders, Staff};
use crate::casework::situations as svc;
use crate::casework::situations::SituationQuery;
use crate::casework::{attempts, interviews};

// ------------------------------------------------------------------ endpoints

#[utoipa::path(post, path = "/api/v1/situations", tag = "situations", security(("bearer" = [])), request_body = SituationInput,
    responses((status = 201, body = Situation), (status = 422, body = super::error::Problem)))]
pub async fn create(
    t: Staff<FileReaders>,
    ApiJson(i): ApiJson<SituationInput>,
) -> ServiceResult<(StatusCode, Json<Situation>)> {
    svc::create(&t, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

/// Situations of the organisation, by change sequence (initials only).
#[utoipa::path(get, path = "/api/v1/situations", tag = "situations", security(("bearer" = [])),
    params(("limit" = Option<u64>, Query), ("after" = Option<String>, Query), ("person_id" = Option<Uuid>, Query)),
    responses((status = 200, body = Page<Situation>)))]
pub async fn list(
    t: Staff<FileReaders>,
    ApiQuery(q): ApiQuery<SituationQuery>,
) -> ServiceResult<Json<Page<Situation>>> {
    svc::list(&t, q).await.map(Json)
}

/// Opening a situation: audited.
#[utoipa::path(get, path = "/api/v1/situations/{id}", tag = "situations", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Situation), (status = 404, body = super::error::Problem)))]
pub async fn get(t: Staff<FileReaders>, PathId(id): PathId) -> ServiceResult<Json<Situation>> {
    svc::get(&t, id).await.map(Json)
}

/// Move a situation through its states. Invalid changes get a 409 naming the current state
/// and the allowed events.
#[utoipa::path(post, path = "/api/v1/situations/{id}/events", tag = "situations", security(("bearer" = [])),
    request_body = SituationEventInput, params(("id" = Uuid, Path)),
    responses((status = 200, body = Situation), (status = 409, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn event(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<SituationEventInput>,
) -> ServiceResult<Json<Situation>> {
    svc::event(&t, id, i).await.map(Json)
}

/// Hand a situation over to another coordinator, or back to the shared queue.
#[utoipa::path(post, path = "/api/v1/situations/{id}/assign", tag = "situations", security(("bearer" = [])),
    request_body = relais_domain::dto::AssignInput, params(("id" = Uuid, Path)),
    responses((status = 200, body = Situation), (status = 409, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn assign(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<relais_domain::dto::AssignInput>,
) -> ServiceResult<Json<Situation>> {
    svc::assign(&t, id, i).await.map(Json)
}

/// Log a contact attempt in one call. SMS, e-mail and letters need a safe-contact profile
/// that allows them; calls need one that allows calls once the person has set one. In a
/// callback window, only inside it.
#[utoipa::path(post, path = "/api/v1/situations/{id}/attempts", tag = "situations", security(("bearer" = [])),
    request_body = AttemptInput, params(("id" = Uuid, Path)),
    responses((status = 201, body = AttemptLogged), (status = 409, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn attempt(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<AttemptInput>,
) -> ServiceResult<(StatusCode, Json<AttemptLogged>)> {
    attempts::attempt(&t, id, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

/// Record an interview (listening, assessment). Before assessment, it moves the situation
/// there; it is the first contact if none was recorded.
#[utoipa::path(post, path = "/api/v1/situations/{id}/interviews", tag = "situations", security(("bearer" = [])),
    request_body = InterviewInput, params(("id" = Uuid, Path)),
    responses((status = 201, body = Interview), (status = 409, body = super::error::Problem)))]
pub async fn record_interview(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<InterviewInput>,
) -> ServiceResult<(StatusCode, Json<Interview>)> {
    interviews::record_interview(&t, id, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

/// A walk-in emergency in one request: the person (a first name is enough), the situation
/// and the first interview.
#[utoipa::path(post, path = "/api/v1/walk-ins", tag = "situations", security(("bearer" = [])),
    request_body = WalkInInput, responses((status = 201, body = WalkInRecorded), (status = 422, body = super::error::Problem)))]
pub async fn walk_in(
    t: Staff<FileReaders>,
    ApiJson(i): ApiJson<WalkInInput>,
) -> ServiceResult<(StatusCode, Json<WalkInRecorded>)> {
    interviews::walk_in(&t, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

/// Reopening a closed situation creates a new one, linked to it, for the same person.
#[utoipa::path(post, path = "/api/v1/situations/{id}/reopen", tag = "situations", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 201, body = Situation), (status = 409, body = super::error::Problem)))]
pub async fn reopen(
    t: Staff<FileReaders>,
    PathId(id): PathId,
) -> ServiceResult<(StatusCode, Json<Situation>)> {
    svc::reopen(&t, id)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

/// That a child-in-danger report was made: date and recipient only.
#[utoipa::path(post, path = "/api/v1/situations/{id}/child-reports", tag = "situations", security(("bearer" = [])),
    request_body = ChildReportInput, params(("id" = Uuid, Path)),
    responses((status = 201, body = ChildReport), (status = 422, body = super::error::Problem)))]
pub async fn child_report(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<ChildReportInput>,
) -> ServiceResult<(StatusCode, Json<ChildReport>)> {
    interviews::child_report(&t, id, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

/// An anonymous contact: statistics only.
#[utoipa::path(post, path = "/api/v1/anonymous-contacts", tag = "situations", security(("bearer" = [])),
    request_body = AnonymousContactInput, responses((status = 201, body = AnonymousContact), (status = 422, body = super::error::Problem)))]
pub async fn anonymous(
    t: Staff<FileReaders>,
    ApiJson(i): ApiJson<AnonymousContactInput>,
) -> ServiceResult<(StatusCode, Json<AnonymousContact>)> {
    interviews::anonymous(&t, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

/// The caller's call-back queue: situations assigned to them or to nobody, not closed, what
/// is due now first. Initials only; opening a line is `GET /situations/{id}` (audited).
#[utoipa::path(get, path = "/api/v1/queue", tag = "situations", security(("bearer" = [])),
    responses((status = 200, body = Vec<QueueEntry>)))]
pub async fn queue(t: Staff<FileReaders>) -> ServiceResult<Json<Vec<QueueEntry>>> {
    attempts::queue(&t).await.map(Json)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![
        create,
        list,
        get,
        assign,
        event,
        attempt,
        record_interview,
        walk_in,
        reopen,
        child_report,
        anonymous,
        queue
    ]
}
