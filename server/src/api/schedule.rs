//! Appointment types, opening windows, date exceptions, absences, public holidays and the
//! availability search. Rules are stored in local wall-clock time; the search runs in
//! `relais_domain::schedule` over data loaded in a fixed number of indexed queries.

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use relais_domain::dto::{
    Absence, AbsenceInput, AppointmentType, AppointmentTypeInput, HolidayDto, OpeningWindow,
    OpeningWindowInput, Page, ScheduleException, ScheduleExceptionInput, Slot, SlotRuns,
};

use super::conditional::Tagged;
use super::error::ServiceResult;
use super::extract::{ApiJson, ApiQuery, Paging, PathId};
use crate::api::caller::{Admins, AnyRole, FileReaders, Staff};
use crate::scheduling::{calendar, search, types};
use calendar::{CalendarQuery, HolidayQuery};
use search::{AvailabilityQuery, NextQuery};

// ---------- appointment types ----------

#[utoipa::path(get, path = "/api/v1/appointment-types", tag = "scheduling", security(("bearer" = [])),
    params(("limit" = Option<u64>, Query), ("after" = Option<String>, Query)), responses((status = 200, body = Page<AppointmentType>)))]
pub async fn list_types(
    t: Staff<AnyRole>,
    ApiQuery(p): ApiQuery<Paging>,
) -> ServiceResult<Json<Page<AppointmentType>>> {
    types::list_types(&t, p).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/appointment-types", tag = "scheduling", security(("bearer" = [])), request_body = AppointmentTypeInput,
    responses((status = 201, body = AppointmentType), (status = 422, body = super::error::Problem)))]
pub async fn create_type(
    t: Staff<Admins>,
    ApiJson(i): ApiJson<AppointmentTypeInput>,
) -> ServiceResult<(StatusCode, Json<AppointmentType>)> {
    types::create_type(&t, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

#[utoipa::path(put, path = "/api/v1/appointment-types/{id}", tag = "scheduling", security(("bearer" = [])), request_body = AppointmentTypeInput,
    params(("id" = Uuid, Path)), responses((status = 200, body = AppointmentType), (status = 404, body = super::error::Problem)))]
pub async fn update_type(
    t: Staff<Admins>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<AppointmentTypeInput>,
) -> ServiceResult<Json<AppointmentType>> {
    types::update_type(&t, id, i).await.map(Json)
}

// ---------- opening windows ----------

#[utoipa::path(get, path = "/api/v1/opening-windows", tag = "scheduling", security(("bearer" = [])),
    params(("coordinator_id" = Option<Uuid>, Query), ("site_id" = Option<Uuid>, Query)), responses((status = 200, body = Vec<OpeningWindow>)))]
pub async fn list_windows(
    t: Staff<FileReaders>,
    ApiQuery(q): ApiQuery<CalendarQuery>,
) -> ServiceResult<Json<Vec<OpeningWindow>>> {
    calendar::list_windows(&t, q).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/opening-windows", tag = "scheduling", security(("bearer" = [])), request_body = OpeningWindowInput,
    responses((status = 201, body = OpeningWindow), (status = 409, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn create_window(
    t: Staff<FileReaders>,
    ApiJson(i): ApiJson<OpeningWindowInput>,
) -> ServiceResult<(StatusCode, Json<OpeningWindow>)> {
    calendar::create_window(&t, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

#[utoipa::path(delete, path = "/api/v1/opening-windows/{id}", tag = "scheduling", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn delete_window(t: Staff<FileReaders>, PathId(id): PathId) -> ServiceResult<StatusCode> {
    calendar::delete_window(&t, id)
        .await
        .map(|()| StatusCode::NO_CONTENT)
}

// ---------- exceptions ----------

#[utoipa::path(get, path = "/api/v1/schedule-exceptions", tag = "scheduling", security(("bearer" = [])),
    params(("coordinator_id" = Option<Uuid>, Query), ("site_id" = Option<Uuid>, Query)), responses((status = 200, body = Vec<ScheduleException>)))]
pub async fn list_exceptions(
    t: Staff<FileReaders>,
    ApiQuery(q): ApiQuery<CalendarQuery>,
) -> ServiceResult<Json<Vec<ScheduleException>>> {
    calendar::list_exceptions(&t, q).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/schedule-exceptions", tag = "scheduling", security(("bearer" = [])), request_body = ScheduleExceptionInput,
    responses((status = 201, body = ScheduleException), (status = 422, body = super::error::Problem)))]
pub async fn create_exception(
    t: Staff<FileReaders>,
    ApiJson(i): ApiJson<ScheduleExceptionInput>,
) -> ServiceResult<(StatusCode, Json<ScheduleException>)> {
    calendar::create_exception(&t, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

#[utoipa::path(delete, path = "/api/v1/schedule-exceptions/{id}", tag = "scheduling", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn delete_exception(
    t: Staff<FileReaders>,
    PathId(id): PathId,
) -> ServiceResult<StatusCode> {
    calendar::delete_exception(&t, id)
        .await
        .map(|()| StatusCode::NO_CONTENT)
}

// ---------- absences ----------

#[utoipa::path(get, path = "/api/v1/absences", tag = "scheduling", security(("bearer" = [])),
    params(("coordinator_id" = Option<Uuid>, Query)), responses((status = 200, body = Vec<Absence>)))]
pub async fn list_absences(
    t: Staff<FileReaders>,
    ApiQuery(q): ApiQuery<CalendarQuery>,
) -> ServiceResult<Json<Vec<Absence>>> {
    calendar::list_absences(&t, q).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/absences", tag = "scheduling", security(("bearer" = [])), request_body = AbsenceInput,
    responses((status = 201, body = Absence), (status = 422, body = super::error::Problem)))]
pub async fn create_absence(
    t: Staff<FileReaders>,
    ApiJson(i): ApiJson<AbsenceInput>,
) -> ServiceResult<(StatusCode, Json<Absence>)> {
    calendar::create_absence(&t, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

#[utoipa::path(delete, path = "/api/v1/absences/{id}", tag = "scheduling", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn delete_absence(
    t: Staff<FileReaders>,
    PathId(id): PathId,
) -> ServiceResult<StatusCode> {
    calendar::delete_absence(&t, id)
        .await
        .map(|()| StatusCode::NO_CONTENT)
}

// ---------- holidays ----------

#[utoipa::path(get, path = "/api/v1/holidays", tag = "scheduling", security(("bearer" = [])),
    params(("year" = i32, Query), ("alsace_moselle" = Option<bool>, Query)), responses((status = 200, body = Vec<HolidayDto>)))]
pub async fn holidays(
    _t: Staff<AnyRole>,
    ApiQuery(q): ApiQuery<HolidayQuery>,
) -> ServiceResult<Json<Vec<HolidayDto>>> {
    calendar::holidays(&_t, q).await.map(Json)
}

// ---------- availability ----------

/// Free slots of one appointment type at one site, for one coordinator or all of them. The
/// answer carries an `ETag`; send it back in `If-None-Match` to get a 304 while nothing changed.
#[utoipa::path(get, path = "/api/v1/availability", tag = "scheduling", security(("bearer" = [])),
    params(("type_id" = Uuid, Query), ("site_id" = Uuid, Query), ("coordinator_id" = Option<Uuid>, Query),
           ("from" = String, Query, description = "first local date, YYYY-MM-DD"), ("to" = String, Query, description = "last local date, inclusive"),
           ("If-None-Match" = Option<String>, Header, description = "the ETag of an answer already held")),
    responses((status = 200, body = Vec<Slot>), (status = 304, description = "the answer held is still the answer"), (status = 400, body = super::error::Problem)))]
pub async fn availability(
    t: Staff<FileReaders>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<AvailabilityQuery>,
) -> ServiceResult<Response> {
    Tagged(search::availability(&t, q).await?).answer(&headers)
}

/// The same free slots in runs (each run: a coordinator, a first start, a count of slots one
/// step apart): 4 KB where the list takes 97 KB for a month of 15-minute slots. With an `ETag`.
#[utoipa::path(get, path = "/api/v1/availability/runs", tag = "scheduling", security(("bearer" = [])),
    params(("type_id" = Uuid, Query), ("site_id" = Uuid, Query), ("coordinator_id" = Option<Uuid>, Query),
           ("from" = String, Query, description = "first local date, YYYY-MM-DD"), ("to" = String, Query, description = "last local date, inclusive"),
           ("If-None-Match" = Option<String>, Header, description = "the ETag of an answer already held")),
    responses((status = 200, body = SlotRuns), (status = 304, description = "the answer held is still the answer"), (status = 400, body = super::error::Problem)))]
pub async fn availability_runs(
    t: Staff<FileReaders>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<AvailabilityQuery>,
) -> ServiceResult<Response> {
    Tagged(search::availability_runs(&t, q).await?).answer(&headers)
}

/// The first free slot from today up to the type's horizon, across the site's coordinators.
#[utoipa::path(get, path = "/api/v1/availability/next", tag = "scheduling", security(("bearer" = [])),
    params(("type_id" = Uuid, Query), ("site_id" = Uuid, Query), ("coordinator_id" = Option<Uuid>, Query)),
    responses((status = 200, body = Option<Slot>)))]
pub async fn next_available(
    t: Staff<FileReaders>,
    ApiQuery(q): ApiQuery<NextQuery>,
) -> ServiceResult<Json<Option<Slot>>> {
    search::next_available(&t, q).await.map(Json)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![
        list_types,
        create_type,
        update_type,
        list_windows,
        create_window,
        delete_window,
        list_exceptions,
        create_exception,
        delete_exception,
        list_absences,
        create_absence,
        delete_absence,
        holidays,
        availability,
        availability_runs,
        next_available
    ]
}
