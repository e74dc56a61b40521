//! Appointments: book into a free slot (or force-book in an emergency), move, cancel, mark
//! seen or no-show, with a version every change bumps and a full history. The database
//! guarantees no double booking: an exclusion constraint on PostgreSQL, triggers on SQLite;
//! their refusal is the 409 a client sees.

use relais_domain::problem::ProblemCode;
use std::collections::HashMap;

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use data_encoding::HEXLOWER;
use relais_domain::Validator;
use relais_domain::dto::{
    AgendaEntry, Appointment, AppointmentEvent, AppointmentInput, AppointmentStatus, CalendarFeed,
    CalendarFeedInput, CancelInput, CancelledBy, MoveInput, OutcomeInput,
};
use relais_domain::schedule;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::error::{ServiceError, ServiceResult};
use super::extract::{ApiJson, ApiQuery, JsonBytes, PathId, parse_json};
use crate::api::caller::{FileReaders, Staff};
use crate::audit::{self, Action};
use crate::crypto::{random_token, token_hash};
use crate::scheduling::{find_coordinator, find_site, find_type, load_search, rules_of, site_tz};
use crate::store::entities::{
    appointment, appointment_event, appointment_participant, appointment_type, calendar_feed,
    idempotency_key, person, site,
};
use crate::store::{OrgScoped, next_change_seq};

fn slot_taken() -> ServiceError {
    ServiceError::new(ProblemCode::SlotTaken, "Créneau indisponible")
        .detail("Ce créneau vient d'être pris ou chevauche un autre rendez-vous de l'intervenant.")
}

fn is_overlap_violation(e: &sea_orm::DbErr) -> bool {
    e.to_string().contains("appointment_no_overlap")
}

pub(crate) fn appointment_dto(
    m: appointment::Model,
    person_ids: Vec<Uuid>,
    tz: Tz,
    history: Vec<AppointmentEvent>,
) -> Appointment {
    Appointment {
        id: m.id,
        type_id: m.type_id,
        site_id: m.site_id,
        coordinator_id: m.coordinator_id,
        person_ids,
        start: m.starts_at.with_timezone(&tz).fixed_offset(),
        end: m.ends_at.with_timezone(&tz).fixed_offset(),
        status: AppointmentStatus::parse(&m.status).unwrap_or(AppointmentStatus::Planned),
        version: m.version,
        emergency: m.emergency,
        updated_at: m.updated_at,
        change_seq: m.change_seq,
        reminder_not_delivered: false,
        history,
    }
}

/// The appointments among `ids` whose current version has a message that did not reach
/// the person.
async fn not_delivered(
    t: &Staff<FileReaders>,
    rows: &[appointment::Model],
) -> Result<std::collections::HashSet<Uuid>, sea_orm::DbErr> {
    use crate::store::entities::notification;
    if rows.is_empty() {
        return Ok(Default::default());
    }
    let failed = t
        .scoped::<notification::Entity>()
        .filter(notification::Column::AppointmentId.is_in(rows.iter().map(|m| m.id)))
        .filter(notification::Column::State.is_in(["failed", "undelivered"]))
        .filter(notification::Column::Kind.ne("cancellation"))
        .all(t.db())
        .await?;
    Ok(rows
        .iter()
        .filter(|m| {
            failed
                .iter()
                .any(|n| n.appointment_id == m.id && n.appointment_version == m.version)
        })
        .map(|m| m.id)
        .collect())
}

/// Outside an emergency, `start` must be one of the free slots of that day.
async fn check_free_slot(
    t: &Staff<FileReaders>,
    ty: &appointment_type::Model,
    s: site::Model,
    coordinator: Uuid,
    start: DateTime<Utc>,
    exclude: Option<Uuid>,
) -> ServiceResult<()> {
    let date = start.with_timezone(&site_tz(&s)).date_naive();
    let data = load_search(
        t.db(),
        t.organisation_id(),
        s,
        Some(coordinator),
        date,
        date,
        exclude,
    )
    .await?;
    let mut free = Vec::new();
    for (_, cal) in data.calendars() {
        schedule::free_slots(&cal, &rules_of(ty), date, date, Utc::now(), &mut free);
    }
    if free.iter().any(|slot| slot.start == start) {
        Ok(())
    } else {
        Err(ServiceError::field(
            ProblemCode::SlotUnavailable,
            "start",
            "Ce créneau n'est pas libre (horaires, délai, absence ou autre rendez-vous).",
        ))
    }
}

fn emergency_reason(v: &mut Validator, reason: Option<&str>) -> Option<String> {
    reason.and_then(|r| v.required_text("emergency_reason", r, 500))
}

async fn event<C: ConnectionTrait>(
    db: &C,
    m: &appointment::Model,
    account: Uuid,
    kind: &str,
) -> Result<(), sea_orm::DbErr> {
    appointment_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        appointment_id: Set(m.id),
        organisation_id: Set(m.organisation_id),
        at: Set(Utc::now()),
        account_id: Set(account),
        kind: Set(kind.into()),
        starts_at: Set(Some(m.starts_at)),
        site_id: Set(Some(m.site_id)),
        coordinator_id: Set(Some(m.coordinator_id)),
        version: Set(m.version),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn request_hash(body: &[u8]) -> String {
    HEXLOWER.encode(&Sha256::digest(body))
}

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
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
                        "1 à 200 caractères visibles.",
                    )
                })?
                .to_owned(),
        ),
    };
    let hash = request_hash(&body);
    if let Some(k) = &key
        && let Some(prev) = idempotency_key::Entity::find_by_id((t.caller.account_id, k.clone()))
            .one(t.db())
            .await?
    {
        if prev.request_hash != hash {
            return Err(ServiceError::field(
                ProblemCode::IdempotencyKeyReused,
                "Idempotency-Key",
                "Clé déjà utilisée pour une autre requête.",
            ));
        }
        return Ok(json_response(
            StatusCode::from_u16(prev.status as u16).unwrap_or(StatusCode::OK),
            prev.body,
        ));
    }
    let i: AppointmentInput = parse_json(&body)?;
    let mut v = Validator::new();
    let reason = emergency_reason(&mut v, i.emergency_reason.as_deref());
    v.finish().map_err(ServiceError::validation)?;
    let ty = find_type(&t, i.type_id, "type_id").await?;
    let s = find_site(&t, i.site_id, "site_id").await?;
    find_coordinator(&t, i.coordinator_id, "coordinator_id").await?;
    t.find_live::<person::Entity>(i.person_id)
        .await?
        .ok_or_else(|| {
            ServiceError::field(ProblemCode::Unknown, "person_id", "Personne inconnue.")
        })?;
    let start = i.start.with_timezone(&Utc);
    let rules = rules_of(&ty);
    let tz = site_tz(&s);
    if reason.is_none() {
        check_free_slot(&t, &ty, s, i.coordinator_id, start, None).await?;
    } else if start + rules.duration < Utc::now() - Duration::hours(12) {
        return Err(ServiceError::field(
            ProblemCode::InPast,
            "start",
            "Rendez-vous dans le passé.",
        ));
    }
    let busy = rules.busy_span(start);
    let now = Utc::now();
    let (_turn, txn) = t.state.begin_write().await?;
    // Takes the write lock (SQLite) or the counter's row lock (PostgreSQL) first, so the
    // overlap check below and the insert are serialized with every other booking.
    let seq = next_change_seq(&txn).await?;
    super::partners::check_linked_apart(
        &txn,
        t.organisation_id(),
        i.person_id,
        i.site_id,
        start,
        start + rules.duration,
        tz,
        None,
    )
    .await?;
    // No overlap check here: the exclusion constraint (PostgreSQL) or the trigger (SQLite)
    // refuses an overlapping row, and that refusal becomes the 409 below.
    let id = Uuid::new_v4();
    let m = appointment::ActiveModel {
        id: Set(id),
        organisation_id: Set(t.organisation_id()),
        type_id: Set(ty.id),
        site_id: Set(i.site_id),
        coordinator_id: Set(i.coordinator_id),
        starts_at: Set(start),
        ends_at: Set(start + rules.duration),
        busy_start: Set(busy.start),
        busy_end: Set(busy.end),
        status: Set("planned".into()),
        version: Set(1),
        emergency: Set(reason.is_some()),
        reason: Set(reason.as_ref().map(|r| {
            t.state
                .cipher()
                .seal("appointment", "reason", id, r.as_bytes())
        })),
        created_by: Set(t.caller.account_id),
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(seq),
        deleted_at: Set(None),
    }
    .insert(&txn)
    .await;
    let m = match m {
        Ok(m) => m,
        Err(e) if is_overlap_violation(&e) => return Err(slot_taken()),
        Err(e) => return Err(e.into()),
    };
    appointment_participant::ActiveModel {
        appointment_id: Set(id),
        person_id: Set(i.person_id),
        organisation_id: Set(t.organisation_id()),
    }
    .insert(&txn)
    .await?;
    event(
        &txn,
        &m,
        t.caller.account_id,
        if reason.is_some() {
            "force_booked"
        } else {
            "booked"
        },
    )
    .await?;
    crate::outbox::replan(
        &txn,
        t.state.cipher(),
        &m,
        if reason.is_some() {
            "force_booked"
        } else {
            "booked"
        },
        t.state.quiet_hours(),
    )
    .await?;
    if reason.is_some() {
        audit::record(
            &txn,
            t.audit_event(
                Action::AppointmentForceBooked,
                Some("appointment"),
                Some(id),
                "ok",
            ),
        )
        .await?;
    }
    let dto = appointment_dto(m, vec![i.person_id], tz, Vec::new());
    let body = serde_json::to_string(&dto).map_err(ServiceError::internal)?;
    if let Some(k) = key {
        let stored = idempotency_key::ActiveModel {
            account_id: Set(t.caller.account_id),
            key: Set(k.clone()),
            request_hash: Set(hash),
            status: Set(201),
            body: Set(body.clone()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await;
        if stored.is_err() {
            // The same key won a race in another request: answer what it answered.
            drop(txn);
            if let Some(prev) = idempotency_key::Entity::find_by_id((t.caller.account_id, k))
                .one(t.db())
                .await?
            {
                return Ok(json_response(
                    StatusCode::from_u16(prev.status as u16).unwrap_or(StatusCode::OK),
                    prev.body,
                ));
            }
            return Err(ServiceError::conflict(
                "Requête concurrente avec la même clé.",
            ));
        }
    }
    txn.commit().await.map_err(|e| {
        if is_overlap_violation(&e) {
            slot_taken()
        } else {
            e.into()
        }
    })?;
    t.state.wake_outbox();
    Ok(json_response(StatusCode::CREATED, body))
}

async fn find(t: &Staff<FileReaders>, id: Uuid) -> ServiceResult<appointment::Model> {
    t.find_live::<appointment::Entity>(id)
        .await?
        .ok_or_else(ServiceError::not_found)
}

async fn participants<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, sea_orm::DbErr> {
    let mut map: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for p in appointment_participant::Entity::scoped(org)
        .filter(appointment_participant::Column::AppointmentId.is_in(ids.to_vec()))
        .all(db)
        .await?
    {
        map.entry(p.appointment_id).or_default().push(p.person_id);
    }
    Ok(map)
}

async fn tz_of<C: ConnectionTrait>(db: &C, org: Uuid, site_id: Uuid) -> Result<Tz, sea_orm::DbErr> {
    Ok(site::Entity::scoped(org)
        .filter(site::Column::Id.eq(site_id))
        .one(db)
        .await?
        .map(|s| site_tz(&s))
        .unwrap_or(chrono_tz::Europe::Paris))
}

#[utoipa::path(get, path = "/api/v1/appointments/{id}", tag = "appointments", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Appointment), (status = 404, body = super::error::Problem)))]
pub async fn get(t: Staff<FileReaders>, PathId(id): PathId) -> ServiceResult<Json<Appointment>> {
    let m = find(&t, id).await?;
    let history = t
        .scoped::<appointment_event::Entity>()
        .filter(appointment_event::Column::AppointmentId.eq(id))
        .order_by_asc(appointment_event::Column::At)
        .all(t.db())
        .await?
        .into_iter()
        .map(|e| AppointmentEvent {
            at: e.at,
            account_id: e.account_id,
            kind: e.kind,
            start: e.starts_at,
            site_id: e.site_id,
            coordinator_id: e.coordinator_id,
            version: e.version,
        })
        .collect();
    let people = participants(t.db(), t.organisation_id(), &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let tz = tz_of(t.db(), t.organisation_id(), m.site_id).await?;
    let flagged = not_delivered(&t, std::slice::from_ref(&m)).await?;
    let mut dto = appointment_dto(m, people, tz, history);
    dto.reminder_not_delivered = flagged.contains(&dto.id);
    Ok(Json(dto))
}

fn stale(current: i32) -> ServiceError {
    ServiceError::new(ProblemCode::StaleVersion, "Version périmée").detail(format!(
        "Le rendez-vous a changé entre-temps (version actuelle {current})."
    ))
}

/// Where a move puts an appointment: the keep-apart rule is checked there, inside the
/// write transaction.
struct Destination {
    site_id: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    tz: Tz,
}

/// Apply `change` to a live appointment at `version`, bumping the version, with a history
/// event; the fenced update makes a concurrent change of the same version lose. A move
/// (`to`) checks the linked people of every participant in the same transaction.
async fn change_appointment(
    t: &Staff<FileReaders>,
    id: Uuid,
    version: i32,
    kind: &str,
    to: Option<Destination>,
    change: impl FnOnce(&mut appointment::ActiveModel, &appointment::Model),
) -> ServiceResult<appointment::Model> {
    let current = find(t, id).await?;
    if current.version != version {
        return Err(stale(current.version));
    }
    if current.status != "planned" {
        return Err(
            ServiceError::new(ProblemCode::NotPlanned, "Rendez-vous clos")
                .detail(format!("Statut actuel : {}.", current.status)),
        );
    }
    let (_turn, txn) = t.state.begin_write().await?;
    let seq = next_change_seq(&txn).await?;
    if let Some(d) = to {
        for p in participants(&txn, t.organisation_id(), &[id])
            .await?
            .remove(&id)
            .unwrap_or_default()
        {
            super::partners::check_linked_apart(
                &txn,
                t.organisation_id(),
                p,
                d.site_id,
                d.start,
                d.end,
                d.tz,
                Some(id),
            )
            .await?;
        }
    }
    let mut am: appointment::ActiveModel = current.clone().into();
    change(&mut am, &current);
    am.version = Set(version + 1);
    am.updated_at = Set(Utc::now());
    am.change_seq = Set(seq);
    let res = appointment::Entity::update_many()
        .set(am)
        .filter(appointment::Column::Id.eq(id))
        .filter(appointment::Column::Version.eq(version))
        .exec(&txn)
        .await;
    match res {
        Ok(r) if r.rows_affected == 1 => {}
        Ok(_) => return Err(stale(version + 1)),
        Err(e) if is_overlap_violation(&e) => return Err(slot_taken()),
        Err(e) => return Err(e.into()),
    }
    let m = appointment::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    event(&txn, &m, t.caller.account_id, kind).await?;
    crate::outbox::replan(&txn, t.state.cipher(), &m, kind, t.state.quiet_hours()).await?;
    txn.commit().await?;
    t.state.wake_outbox();
    Ok(m)
}

async fn respond(
    t: &Staff<FileReaders>,
    m: appointment::Model,
) -> ServiceResult<Json<Appointment>> {
    let people = participants(t.db(), t.organisation_id(), &[m.id])
        .await?
        .remove(&m.id)
        .unwrap_or_default();
    let tz = tz_of(t.db(), t.organisation_id(), m.site_id).await?;
    Ok(Json(appointment_dto(m, people, tz, Vec::new())))
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/move", tag = "appointments", security(("bearer" = [])), request_body = MoveInput,
    params(("id" = Uuid, Path)), responses((status = 200, body = Appointment), (status = 409, body = super::error::Problem)))]
pub async fn move_appointment(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<MoveInput>,
) -> ServiceResult<Json<Appointment>> {
    let mut v = Validator::new();
    let reason = emergency_reason(&mut v, i.emergency_reason.as_deref());
    v.finish().map_err(ServiceError::validation)?;
    let current = find(&t, id).await?;
    let ty = appointment_type::Entity::scoped(t.organisation_id())
        .filter(appointment_type::Column::Id.eq(current.type_id))
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let site_id = i.site_id.unwrap_or(current.site_id);
    let coordinator = i.coordinator_id.unwrap_or(current.coordinator_id);
    let s = find_site(&t, site_id, "site_id").await?;
    let s_for_tz = s.clone();
    find_coordinator(&t, coordinator, "coordinator_id").await?;
    let start = i.start.with_timezone(&Utc);
    if reason.is_none() {
        check_free_slot(&t, &ty, s, coordinator, start, Some(id)).await?;
    }
    let tz = site_tz(&s_for_tz);
    let rules = rules_of(&ty);
    let busy = rules.busy_span(start);
    let m = change_appointment(
        &t,
        id,
        i.version,
        if reason.is_some() {
            "force_moved"
        } else {
            "moved"
        },
        Some(Destination {
            site_id,
            start,
            end: start + rules.duration,
            tz,
        }),
        |am, _| {
            am.site_id = Set(site_id);
            am.coordinator_id = Set(coordinator);
            am.starts_at = Set(start);
            am.ends_at = Set(start + rules.duration);
            am.busy_start = Set(busy.start);
            am.busy_end = Set(busy.end);
        },
    )
    .await?;
    if reason.is_some() {
        t.state
            .audit(t.audit_event(
                Action::AppointmentForceBooked,
                Some("appointment"),
                Some(id),
                "ok",
            ))
            .await?;
    }
    respond(&t, m).await
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/cancel", tag = "appointments", security(("bearer" = [])), request_body = CancelInput,
    params(("id" = Uuid, Path)), responses((status = 200, body = Appointment), (status = 409, body = super::error::Problem)))]
pub async fn cancel(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<CancelInput>,
) -> ServiceResult<Json<Appointment>> {
    let mut v = Validator::new();
    let reason = v.optional_text("reason", i.reason.as_deref(), 500);
    if i.by == CancelledBy::Service && reason.is_none() {
        v.push(
            "reason",
            "required",
            "Une annulation par le service a un motif.",
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    let (status, kind) = match i.by {
        CancelledBy::Person => ("excused", "excused"),
        CancelledBy::Service => ("revoked", "revoked"),
    };
    let sealed = reason.map(|r| {
        t.state
            .cipher()
            .seal("appointment", "reason", id, r.as_bytes())
    });
    let m = change_appointment(&t, id, i.version, kind, None, |am, _| {
        am.status = Set(status.into());
        am.reason = Set(sealed);
    })
    .await?;
    respond(&t, m).await
}

async fn outcome(
    t: Staff<FileReaders>,
    id: Uuid,
    version: i32,
    status: &'static str,
) -> ServiceResult<Json<Appointment>> {
    let current = find(&t, id).await?;
    if current.starts_at > Utc::now() + Duration::minutes(15) {
        return Err(
            ServiceError::new(ProblemCode::NotStarted, "Rendez-vous à venir")
                .detail("Un rendez-vous à venir ne peut être marqué honoré ou manqué."),
        );
    }
    let m = change_appointment(&t, id, version, status, None, |am, _| {
        am.status = Set(status.into())
    })
    .await?;
    respond(&t, m).await
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/seen", tag = "appointments", security(("bearer" = [])), request_body = OutcomeInput,
    params(("id" = Uuid, Path)), responses((status = 200, body = Appointment), (status = 409, body = super::error::Problem)))]
pub async fn seen(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<OutcomeInput>,
) -> ServiceResult<Json<Appointment>> {
    outcome(t, id, i.version, "seen").await
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/no-show", tag = "appointments", security(("bearer" = [])), request_body = OutcomeInput,
    params(("id" = Uuid, Path)), responses((status = 200, body = Appointment), (status = 409, body = super::error::Problem)))]
pub async fn no_show(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(i): ApiJson<OutcomeInput>,
) -> ServiceResult<Json<Appointment>> {
    outcome(t, id, i.version, "no_show").await
}

// ---------- agenda ----------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgendaQuery {
    #[serde(default)]
    coordinator_id: Option<String>,
    #[serde(default)]
    site_id: Option<String>,
    from: String,
    #[serde(default)]
    days: Option<String>,
}

/// A coordinator's or a site's agenda over `days` days from `from` (1 = a day, 7 = a week),
/// persons shown by initials.
#[utoipa::path(get, path = "/api/v1/agenda", tag = "appointments", security(("bearer" = [])),
    params(("coordinator_id" = Option<Uuid>, Query), ("site_id" = Option<Uuid>, Query), ("from" = String, Query), ("days" = Option<u32>, Query)),
    responses((status = 200, body = Vec<AgendaEntry>)))]
pub async fn agenda(
    t: Staff<FileReaders>,
    ApiQuery(q): ApiQuery<AgendaQuery>,
) -> ServiceResult<Json<Vec<AgendaEntry>>> {
    let parse_id = |v: &Option<String>, f: &str| {
        v.as_deref()
            .map(|s| {
                Uuid::parse_str(s).map_err(|_| {
                    ServiceError::field(ProblemCode::InvalidParameter, f, "UUID attendu.")
                })
            })
            .transpose()
    };
    let coordinator = parse_id(&q.coordinator_id, "coordinator_id")?;
    let site_id = parse_id(&q.site_id, "site_id")?;
    if coordinator.is_some() == site_id.is_some() {
        return Err(ServiceError::field(
            ProblemCode::InvalidParameter,
            "coordinator_id",
            "Donnez coordinator_id ou site_id, l'un des deux.",
        ));
    }
    let from = NaiveDate::parse_from_str(&q.from, "%Y-%m-%d").map_err(|_| {
        ServiceError::field(
            ProblemCode::InvalidParameter,
            "from",
            "Date AAAA-MM-JJ attendue.",
        )
    })?;
    let days: i64 = match q.days.as_deref() {
        None => 1,
        Some(d) => d
            .parse()
            .ok()
            .filter(|d| (1..=31).contains(d))
            .ok_or_else(|| {
                ServiceError::field(ProblemCode::InvalidParameter, "days", "Entre 1 et 31.")
            })?,
    };
    let tz = match site_id {
        Some(s) => site_tz(&find_site(&t, s, "site_id").await?),
        None => chrono_tz::Europe::Paris,
    };
    let lo = schedule::rule_instant(tz, from.and_time(NaiveTime::MIN), schedule::Edge::Start);
    let hi = schedule::rule_instant(
        tz,
        (from + Duration::days(days)).and_time(NaiveTime::MIN),
        schedule::Edge::Start,
    );
    let mut sel = t
        .scoped::<appointment::Entity>()
        .filter(appointment::Column::DeletedAt.is_null())
        .filter(appointment::Column::StartsAt.gte(lo))
        .filter(appointment::Column::StartsAt.lt(hi));
    if let Some(c) = coordinator {
        sel = sel.filter(appointment::Column::CoordinatorId.eq(c));
    }
    if let Some(s) = site_id {
        sel = sel.filter(appointment::Column::SiteId.eq(s));
    }
    let rows = sel
        .order_by_asc(appointment::Column::StartsAt)
        .limit(2000)
        .all(t.db())
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let people = participants(t.db(), t.organisation_id(), &ids).await?;
    let person_ids: Vec<Uuid> = people.values().flatten().copied().collect();
    let persons = t
        .scoped::<person::Entity>()
        .filter(person::Column::Id.is_in(person_ids))
        .all(t.db())
        .await?;
    let mut initials = HashMap::new();
    for p in persons {
        initials.insert(p.id, super::persons::initials_of(t.state.cipher(), &p)?);
    }
    let sites: HashMap<Uuid, Tz> = t
        .scoped::<site::Entity>()
        .all(t.db())
        .await?
        .into_iter()
        .map(|s| (s.id, site_tz(&s)))
        .collect();
    let flagged = not_delivered(&t, &rows).await?;
    Ok(Json(
        rows.into_iter()
            .map(|m| {
                let ps = people.get(&m.id).cloned().unwrap_or_default();
                let person_initials = ps.iter().filter_map(|p| initials.get(p).cloned()).collect();
                let tz = sites.get(&m.site_id).copied().unwrap_or(tz);
                let mut appointment = appointment_dto(m, ps, tz, Vec::new());
                appointment.reminder_not_delivered = flagged.contains(&appointment.id);
                AgendaEntry {
                    appointment,
                    person_initials,
                }
            })
            .collect(),
    ))
}

// ---------- iCalendar feeds ----------

#[utoipa::path(post, path = "/api/v1/calendar-feeds", tag = "appointments", security(("bearer" = [])), request_body = CalendarFeedInput,
    responses((status = 201, body = CalendarFeed)))]
pub async fn create_feed(
    t: Staff<FileReaders>,
    ApiJson(i): ApiJson<CalendarFeedInput>,
) -> ServiceResult<(StatusCode, Json<CalendarFeed>)> {
    let token = random_token(32);
    let now = Utc::now();
    let (_turn, txn) = t.state.begin_write().await?;
    let m = calendar_feed::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(t.organisation_id()),
        coordinator_id: Set(t.caller.account_id),
        token_hash: Set(token_hash(&token)),
        show_names: Set(i.show_names),
        revoked_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(next_change_seq(&txn).await?),
        deleted_at: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(CalendarFeed {
            id: m.id,
            path: Some(format!("/api/v1/calendar/{token}.ics")),
            show_names: m.show_names,
            created_at: now,
            account_id: Some(m.coordinator_id),
        }),
    ))
}

/// The caller's live feeds; an admin sees every account's, to revoke them.
#[utoipa::path(get, path = "/api/v1/calendar-feeds", tag = "appointments", security(("bearer" = [])),
    responses((status = 200, body = Vec<CalendarFeed>)))]
pub async fn list_feeds(t: Staff<FileReaders>) -> ServiceResult<Json<Vec<CalendarFeed>>> {
    let mut q = calendar_feed::Entity::scoped(t.organisation_id())
        .filter(calendar_feed::Column::RevokedAt.is_null());
    if t.caller.role != relais_domain::Role::Admin {
        q = q.filter(calendar_feed::Column::CoordinatorId.eq(t.caller.account_id));
    }
    let rows = q
        .order_by_asc(calendar_feed::Column::CreatedAt)
        .limit(1000)
        .all(t.db())
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|m| CalendarFeed {
                id: m.id,
                path: None,
                show_names: m.show_names,
                created_at: m.created_at,
                account_id: Some(m.coordinator_id),
            })
            .collect(),
    ))
}

#[utoipa::path(delete, path = "/api/v1/calendar-feeds/{id}", tag = "appointments", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn revoke_feed(t: Staff<FileReaders>, PathId(id): PathId) -> ServiceResult<StatusCode> {
    let mut q = calendar_feed::Entity::update_many()
        .col_expr(
            calendar_feed::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(calendar_feed::Column::OrganisationId.eq(t.organisation_id()));
    // An admin revokes anyone's feed in the organisation; others only their own.
    if t.caller.role != relais_domain::Role::Admin {
        q = q.filter(calendar_feed::Column::CoordinatorId.eq(t.caller.account_id));
    }
    let r = q
        .filter(calendar_feed::Column::Id.eq(id))
        .filter(calendar_feed::Column::RevokedAt.is_null())
        .exec(t.db())
        .await?;
    if r.rows_affected == 0 {
        return Err(ServiceError::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

fn ics_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Fold lines at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.
fn ics_line(out: &mut String, line: &str) {
    let mut count = 0;
    for c in line.chars() {
        if count + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            count = 1;
        }
        out.push(c);
        count += c.len_utf8();
    }
    out.push_str("\r\n");
}

fn ics_time(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The feed itself: no login (calendar apps cannot), the unguessable token is the secret;
/// revoking the feed ends it. 30 days back, 180 days ahead.
pub async fn feed(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> ServiceResult<Response> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let db = state.db();
    let f = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TokenHash.eq(token_hash(token)))
        .filter(calendar_feed::Column::RevokedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let org = f.organisation_id;
    // The feed dies with its owner's right to see these files: disabled, deleted, or no
    // longer a role that reads files.
    let owner = crate::store::entities::account::Entity::find_by_id(f.coordinator_id)
        .one(db)
        .await?
        .filter(|a| a.organisation_id == org && !a.disabled && a.deleted_at.is_none())
        .filter(|a| relais_domain::Role::parse(&a.role).is_some_and(|r| r.may_read_person_files()));
    if owner.is_none() {
        return Err(ServiceError::not_found());
    }
    let now = Utc::now();
    let rows = appointment::Entity::scoped(org)
        .filter(appointment::Column::CoordinatorId.eq(f.coordinator_id))
        .filter(appointment::Column::DeletedAt.is_null())
        .filter(appointment::Column::StartsAt.gte(now - Duration::days(30)))
        .filter(appointment::Column::StartsAt.lt(now + Duration::days(180)))
        .order_by_asc(appointment::Column::StartsAt)
        .limit(5000)
        .all(db)
        .await?;
    let sites: HashMap<Uuid, site::Model> = site::Entity::scoped(org)
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let types: HashMap<Uuid, String> = appointment_type::Entity::scoped(org)
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.public_label))
        .collect();
    let mut initials: HashMap<Uuid, String> = HashMap::new();
    if f.show_names {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let people = participants(db, org, &ids).await?;
        let pids: Vec<Uuid> = people.values().flatten().copied().collect();
        let persons: HashMap<Uuid, person::Model> = person::Entity::scoped(org)
            .filter(person::Column::Id.is_in(pids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        for (appt, ps) in people {
            let names: Vec<String> = ps
                .iter()
                .filter_map(|p| persons.get(p))
                .filter_map(|p| super::persons::initials_of(state.cipher(), p).ok())
                .collect();
            initials.insert(appt, names.join(", "));
        }
    }
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Relais//Agenda//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Relais",
    ] {
        ics_line(&mut out, l);
    }
    for m in rows {
        let site = sites.get(&m.site_id);
        let mut summary = types
            .get(&m.type_id)
            .cloned()
            .unwrap_or_else(|| "Rendez-vous".into());
        if let Some(n) = initials.get(&m.id).filter(|n| !n.is_empty()) {
            summary = format!("{summary} – {n}");
        }
        ics_line(&mut out, "BEGIN:VEVENT");
        ics_line(&mut out, &format!("UID:{}@relais", m.id));
        ics_line(&mut out, &format!("DTSTAMP:{}", ics_time(m.updated_at)));
        ics_line(&mut out, &format!("DTSTART:{}", ics_time(m.starts_at)));
        ics_line(&mut out, &format!("DTEND:{}", ics_time(m.ends_at)));
        ics_line(&mut out, &format!("SEQUENCE:{}", m.version));
        ics_line(&mut out, &format!("SUMMARY:{}", ics_escape(&summary)));
        if let Some(s) = site {
            ics_line(
                &mut out,
                &format!(
                    "LOCATION:{}",
                    ics_escape(&format!("{}, {}", s.name, s.address))
                ),
            );
        }
        let status =
            if AppointmentStatus::parse(&m.status).is_some_and(AppointmentStatus::takes_time) {
                "CONFIRMED"
            } else {
                "CANCELLED"
            };
        ics_line(&mut out, &format!("STATUS:{status}"));
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        out,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ics_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(60));
        ics_line(&mut out, &long);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), long);
        assert_eq!(ics_escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}

/// The messages of an appointment and their states: what the coordinator checks when a
/// reminder was not delivered.
#[utoipa::path(get, path = "/api/v1/appointments/{id}/notifications", tag = "appointments", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Vec<relais_domain::dto::Notification>), (status = 404, body = super::error::Problem)))]
pub async fn notifications(
    t: Staff<FileReaders>,
    PathId(id): PathId,
) -> ServiceResult<Json<Vec<relais_domain::dto::Notification>>> {
    use crate::store::entities::notification;
    find(&t, id).await?;
    let rows = t
        .scoped::<notification::Entity>()
        .filter(notification::Column::AppointmentId.eq(id))
        .order_by_asc(notification::Column::CreatedAt)
        .order_by_asc(notification::Column::Kind)
        .all(t.db())
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|n| relais_domain::dto::Notification {
                id: n.id,
                person_id: n.person_id,
                kind: n.kind,
                channel: n.channel,
                state: n.state,
                due_at: n.due_at,
                sent_at: n.sent_at,
                reason: n.reason,
                encoding: n.encoding,
                segments: n.segments,
                attempt: n.attempt,
            })
            .collect(),
    ))
}

/// What the development outbox kept (no provider configured), newest first, then what is
/// scheduled to go, as it would read now (so the demo shows a reminder days before it is
/// due). Admins only.
#[utoipa::path(get, path = "/api/v1/dev-outbox", tag = "appointments", security(("bearer" = [])),
    responses((status = 200, body = Vec<relais_domain::dto::DevMessage>)))]
pub async fn dev_outbox(
    t: crate::api::caller::Staff<crate::api::caller::Admins>,
) -> ServiceResult<Json<Vec<relais_domain::dto::DevMessage>>> {
    use crate::store::entities::{dev_outbox, notification};
    let c = t.state.cipher();
    let rows = t
        .scoped::<dev_outbox::Entity>()
        .order_by_desc(dev_outbox::Column::CreatedAt)
        .limit(200)
        .all(t.db())
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.notification_id).collect();
    let kinds: HashMap<Uuid, String> = t
        .scoped::<notification::Entity>()
        .filter(notification::Column::Id.is_in(ids))
        .all(t.db())
        .await?
        .into_iter()
        .map(|n| (n.id, n.kind))
        .collect();
    let open = |id, col, b: &[u8]| -> ServiceResult<String> {
        Ok(String::from_utf8_lossy(&c.open("dev_outbox", col, id, b)?).into_owned())
    };
    let mut out = rows
        .into_iter()
        .map(|m| {
            Ok(relais_domain::dto::DevMessage {
                at: m.created_at,
                notification_id: m.notification_id,
                state: "sent".into(),
                kind: kinds.get(&m.notification_id).cloned().unwrap_or_default(),
                channel: m.channel.clone(),
                recipient: open(m.id, "recipient", &m.recipient)?,
                body: open(m.id, "body", &m.body)?,
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    let upcoming = t
        .scoped::<notification::Entity>()
        .filter(notification::Column::State.is_in(["scheduled", "retryable"]))
        .order_by_asc(notification::Column::DueAt)
        .limit(200)
        .all(t.db())
        .await?;
    let batch = crate::outbox::Batch::load(&t.state, &upcoming).await?;
    for n in &upcoming {
        let gw = t.state.gateways();
        if gw.name(&n.channel) != "development" {
            continue;
        }
        if let Some((o, _, _)) = batch.compose(n) {
            out.push(relais_domain::dto::DevMessage {
                at: n.due_at,
                notification_id: n.id,
                state: "scheduled".into(),
                kind: n.kind.clone(),
                channel: n.channel.clone(),
                recipient: o.recipient,
                body: o.body,
            });
        }
    }
    Ok(Json(out))
}
