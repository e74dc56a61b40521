//! Booking: book, move, cancel, outcomes, the messages of an appointment and the calendar feed.

use crate::audit::{self, Action};
use crate::error::{ServiceError, ServiceResult};
use crate::scheduling::{
    find_coordinator, find_site, find_type_site_coordinator, load_search, rules_of,
};
use crate::scope::Scope;
use crate::store::entities::{
    appointment, appointment_event, appointment_participant, appointment_type, idempotency_key,
    person, site,
};
use crate::store::{OrgScoped, Stamp};
use crate::zone::site_tz;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use data_encoding::HEXLOWER;
use relais_domain::Validator;
use relais_domain::delivery::JobState;
use relais_domain::dto::{
    Appointment, AppointmentChange, AppointmentEvent, AppointmentInput, AppointmentStatus,
    CancelInput, CancelledBy, MoveInput, OutcomeInput,
};
use relais_domain::problem::ProblemCode;
use relais_domain::schedule;
use relais_domain::sms::MessageKind;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use uuid::Uuid;

pub(crate) fn slot_taken() -> ServiceError {
    ServiceError::new(ProblemCode::SlotTaken, "Créneau indisponible")
        .detail("Ce créneau vient d'être pris ou chevauche un autre rendez-vous de l'intervenant.")
}

pub(crate) fn is_overlap_violation(e: &sea_orm::DbErr) -> bool {
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
pub(crate) async fn not_delivered(
    t: &Scope,
    rows: &[appointment::Model],
) -> Result<std::collections::HashSet<Uuid>, sea_orm::DbErr> {
    use crate::store::entities::notification;
    if rows.is_empty() {
        return Ok(Default::default());
    }
    let failed = t
        .scoped::<notification::Entity>()
        .filter(notification::Column::AppointmentId.is_in(rows.iter().map(|m| m.id)))
        .filter(
            notification::Column::State
                .is_in([JobState::Failed.as_str(), JobState::Undelivered.as_str()]),
        )
        .filter(notification::Column::Kind.ne(MessageKind::Cancellation.as_str()))
        .all(t.db())
        .await?;
    Ok(rows
        .iter()
        .filter(|m| {
            failed
                .iter()
                .any(|n| n.appointment_id == Some(m.id) && n.appointment_version == m.version)
        })
        .map(|m| m.id)
        .collect())
}

/// Outside an emergency, `start` must be one of the free slots of that day.
pub(crate) async fn check_free_slot(
    t: &Scope,
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
        schedule::free_slots(&cal, &rules_of(ty), date, date, t.now(), &mut free);
    }
    if free.iter().any(|slot| slot.start == start) {
        Ok(())
    } else {
        Err(ServiceError::field(
            ProblemCode::SlotUnavailable,
            "start",
            (
                "Ce créneau n'est pas libre (horaires, délai, absence ou autre rendez-vous).",
                "This time is not free (hours, notice, absence or another appointment).",
            ),
        ))
    }
}

pub(crate) fn emergency_reason(v: &mut Validator, reason: Option<&str>) -> Option<String> {
    reason.and_then(|r| v.required_text("emergency_reason", r, relais_domain::limits::REASON))
}

pub(crate) async fn event<C: ConnectionTrait>(
    db: &C,
    m: &appointment::Model,
    account: Uuid,
    kind: AppointmentChange,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    appointment_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        appointment_id: Set(m.id),
        organisation_id: Set(m.organisation_id),
        at: Set(now),
        account_id: Set(account),
        kind: Set(kind.as_str().into()),
        starts_at: Set(Some(m.starts_at)),
        site_id: Set(Some(m.site_id)),
        coordinator_id: Set(Some(m.coordinator_id)),
        version: Set(m.version),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub(crate) fn request_hash(body: &[u8]) -> String {
    HEXLOWER.encode(&Sha256::digest(body))
}

pub(crate) async fn find(t: &Scope, id: Uuid) -> ServiceResult<appointment::Model> {
    t.find_live::<appointment::Entity>(id)
        .await?
        .ok_or_else(ServiceError::not_found)
}

pub(crate) async fn participants<C: ConnectionTrait>(
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

pub(crate) fn stale(current: i32) -> ServiceError {
    ServiceError::new(ProblemCode::StaleVersion, "Version périmée").detail(format!(
        "Le rendez-vous a changé entre-temps (version actuelle {current})."
    ))
}

/// Where a move puts an appointment: the keep-apart rule is checked there, inside the
/// write transaction.
pub(crate) struct Destination {
    pub(crate) site_id: Uuid,
    pub(crate) start: DateTime<Utc>,
    pub(crate) end: DateTime<Utc>,
    pub(crate) tz: Tz,
}

/// Apply `change` to a live appointment at `version`, bumping the version, with a history
/// event; the fenced update makes a concurrent change of the same version lose. A move
/// (`to`) checks the linked people of every participant in the same transaction.
pub(crate) async fn change_appointment(
    t: &Scope,
    id: Uuid,
    version: i32,
    kind: AppointmentChange,
    to: Option<Destination>,
    change: impl FnOnce(&mut appointment::ActiveModel, &appointment::Model),
) -> ServiceResult<appointment::Model> {
    let current = find(t, id).await?;
    if current.version != version {
        return Err(stale(current.version));
    }
    if current.status != AppointmentStatus::Planned.as_str() {
        return Err(
            ServiceError::new(ProblemCode::NotPlanned, "Rendez-vous clos")
                .detail(format!("Statut actuel : {}.", current.status)),
        );
    }
    let (turn, txn) = t.begin_write().await?;
    let stamp = Stamp::take(&txn, t.now()).await?;
    if let Some(d) = to {
        for p in participants(&txn, t.organisation_id(), &[id])
            .await?
            .remove(&id)
            .unwrap_or_default()
        {
            if let Err(e) = crate::casework::partners::check_linked_apart(
                &txn,
                t.organisation_id(),
                p,
                d.site_id,
                d.start,
                d.end,
                d.tz,
                Some(id),
            )
            .await
            {
                drop((txn, turn));
                crate::casework::partners::audit_linked_refusal(t, p, &e).await?;
                return Err(e);
            }
        }
    }
    let mut am: appointment::ActiveModel = current.clone().into();
    change(&mut am, &current);
    am.version = Set(version + 1);
    stamp.changed(&mut am);
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
    event(&txn, &m, t.recording_account()?, kind, t.now()).await?;
    let due_now = crate::outbox::replan(
        &txn,
        t.state.cipher(),
        &m,
        kind,
        t.state.quiet_hours(),
        t.now(),
    )
    .await?;
    txn.commit().await?;
    if due_now > 0 {
        t.state.wake_outbox();
    }
    Ok(m)
}

pub(crate) async fn respond(t: &Scope, m: appointment::Model) -> ServiceResult<Appointment> {
    let people = participants(t.db(), t.organisation_id(), &[m.id])
        .await?
        .remove(&m.id)
        .unwrap_or_default();
    let tz = crate::zone::of_site_id(t.db(), t.organisation_id(), Some(m.site_id))
        .await?
        .tz;
    Ok(appointment_dto(m, people, tz, Vec::new()))
}

pub(crate) async fn outcome(
    t: &Scope,
    id: Uuid,
    version: i32,
    status: AppointmentStatus,
    kind: AppointmentChange,
) -> ServiceResult<Appointment> {
    let current = find(t, id).await?;
    if current.starts_at > t.now() + Duration::minutes(15) {
        return Err(
            ServiceError::new(ProblemCode::NotStarted, "Rendez-vous à venir")
                .detail("Un rendez-vous à venir ne peut être marqué honoré ou manqué."),
        );
    }
    let m = change_appointment(t, id, version, kind, None, |am, _| {
        am.status = Set(status.as_str().into())
    })
    .await?;
    respond(t, m).await
}

pub async fn get(t: &Scope, id: Uuid) -> ServiceResult<Appointment> {
    let m = find(t, id).await?;
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
    let tz = crate::zone::of_site_id(t.db(), t.organisation_id(), Some(m.site_id))
        .await?
        .tz;
    let flagged = not_delivered(t, std::slice::from_ref(&m)).await?;
    let mut dto = appointment_dto(m, people, tz, history);
    dto.reminder_not_delivered = flagged.contains(&dto.id);
    Ok(dto)
}

pub async fn move_appointment(t: &Scope, id: Uuid, i: MoveInput) -> ServiceResult<Appointment> {
    let mut v = Validator::new();
    let reason = emergency_reason(&mut v, i.emergency_reason.as_deref());
    v.finish().map_err(ServiceError::validation)?;
    let current = find(t, id).await?;
    let ty = appointment_type::Entity::scoped(t.organisation_id())
        .filter(appointment_type::Column::Id.eq(current.type_id))
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let site_id = i.site_id.unwrap_or(current.site_id);
    let coordinator = i.coordinator_id.unwrap_or(current.coordinator_id);
    let s = find_site(t, site_id, "site_id").await?;
    let s_for_tz = s.clone();
    find_coordinator(t, coordinator, "coordinator_id").await?;
    let start = i.start.with_timezone(&Utc);
    if reason.is_none() {
        check_free_slot(t, &ty, s, coordinator, start, Some(id)).await?;
    }
    let tz = site_tz(&s_for_tz);
    let rules = rules_of(&ty);
    let busy = rules.busy_span(start);
    let m = change_appointment(
        t,
        id,
        i.version,
        if reason.is_some() {
            AppointmentChange::ForceMoved
        } else if t.is_person() {
            AppointmentChange::MovedByPerson
        } else {
            AppointmentChange::Moved
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
    respond(t, m).await
}

pub async fn cancel(t: &Scope, id: Uuid, i: CancelInput) -> ServiceResult<Appointment> {
    let mut v = Validator::new();
    let reason = v.optional_text("reason", i.reason.as_deref(), relais_domain::limits::REASON);
    if i.by == CancelledBy::Service && reason.is_none() {
        v.push(
            "reason",
            "required",
            (
                "Une annulation par le service a un motif.",
                "A cancellation by the service has a reason.",
            ),
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    let (status, kind) = match i.by {
        CancelledBy::Person if t.is_person() => (
            AppointmentStatus::Excused,
            AppointmentChange::CancelledByPerson,
        ),
        CancelledBy::Person => (AppointmentStatus::Excused, AppointmentChange::Excused),
        CancelledBy::Service => (AppointmentStatus::Revoked, AppointmentChange::Revoked),
    };
    let sealed = reason.map(|r| {
        t.state
            .cipher()
            .seal("appointment", "reason", id, r.as_bytes())
    });
    let m = change_appointment(t, id, i.version, kind, None, |am, _| {
        am.status = Set(status.as_str().into());
        am.reason = Set(sealed);
    })
    .await?;
    respond(t, m).await
}

pub async fn seen(t: &Scope, id: Uuid, i: OutcomeInput) -> ServiceResult<Appointment> {
    outcome(
        t,
        id,
        i.version,
        AppointmentStatus::Seen,
        AppointmentChange::Seen,
    )
    .await
}

pub async fn no_show(t: &Scope, id: Uuid, i: OutcomeInput) -> ServiceResult<Appointment> {
    outcome(
        t,
        id,
        i.version,
        AppointmentStatus::NoShow,
        AppointmentChange::NoShow,
    )
    .await
}

/// A booking request's idempotency: the key the client sent and the hash of its body.
pub struct Idempotency {
    pub key: String,
    pub request_hash: String,
}

/// What a booking answered. A retry with the same key gets the first answer as it was
/// stored (its status and JSON body), whatever has happened since.
pub enum Booked {
    Created(String),
    Replayed { status: u16, body: String },
}

/// Book into a free slot, or force-book with an emergency reason. Linked parties are kept
/// apart and the overlap is refused by the database, inside one write transaction that also
/// plans the reminders and stores the idempotent answer.
pub async fn book(
    t: &Scope,
    i: AppointmentInput,
    idem: Option<Idempotency>,
) -> ServiceResult<Booked> {
    let account_id = t.recording_account()?;
    if let Some(Idempotency {
        key: k,
        request_hash: hash,
    }) = &idem
        && let Some(prev) = idempotency_key::Entity::find_by_id((account_id, k.clone()))
            .one(t.db())
            .await?
    {
        if prev.request_hash != *hash {
            return Err(ServiceError::field(
                ProblemCode::IdempotencyKeyReused,
                "Idempotency-Key",
                (
                    "Clé déjà utilisée pour une autre requête.",
                    "Key already used for another request.",
                ),
            ));
        }
        return Ok(Booked::Replayed {
            status: prev.status as u16,
            body: prev.body,
        });
    }
    let mut v = Validator::new();
    let reason = emergency_reason(&mut v, i.emergency_reason.as_deref());
    v.finish().map_err(ServiceError::validation)?;
    let (ty, s) = find_type_site_coordinator(t, i.type_id, i.site_id, i.coordinator_id).await?;
    let person = t
        .find_live::<person::Entity>(i.person_id)
        .await?
        .ok_or_else(|| {
            ServiceError::field(
                ProblemCode::Unknown,
                "person_id",
                ("Personne inconnue.", "Unknown person."),
            )
        })?;
    let start = i.start.with_timezone(&Utc);
    let rules = rules_of(&ty);
    let tz = site_tz(&s);
    if reason.is_none() {
        check_free_slot(t, &ty, s.clone(), i.coordinator_id, start, None).await?;
    } else if start + rules.duration < t.now() - Duration::hours(12) {
        return Err(ServiceError::field(
            ProblemCode::InPast,
            "start",
            ("Rendez-vous dans le passé.", "Appointment in the past."),
        ));
    }
    let busy = rules.busy_span(start);
    let now = t.now();
    let (turn, txn) = t.begin_write().await?;
    // Takes the write lock (SQLite) or the counter's row lock (PostgreSQL) first, so the
    // overlap check below and the insert are serialized with every other booking.
    let stamp = Stamp::take(&txn, now).await?;
    if let Err(e) = crate::casework::partners::check_linked_apart(
        &txn,
        t.organisation_id(),
        i.person_id,
        i.site_id,
        start,
        start + rules.duration,
        tz,
        None,
    )
    .await
    {
        drop((txn, turn));
        crate::casework::partners::audit_linked_refusal(t, i.person_id, &e).await?;
        return Err(e);
    }
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
        status: Set(AppointmentStatus::Planned.as_str().into()),
        version: Set(1),
        emergency: Set(reason.is_some()),
        reason: Set(reason.as_ref().map(|r| {
            t.state
                .cipher()
                .seal("appointment", "reason", id, r.as_bytes())
        })),
        created_by: Set(account_id),
        ..stamp.new_row()
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
    let change = if reason.is_some() {
        AppointmentChange::ForceBooked
    } else if t.is_person() {
        AppointmentChange::BookedByPerson
    } else {
        AppointmentChange::Booked
    };
    event(&txn, &m, account_id, change, now).await?;
    let due_now = crate::outbox::plan(
        &txn,
        t.state.cipher(),
        &m,
        change,
        t.state.quiet_hours(),
        crate::outbox::Parties {
            ty: &ty,
            site: &s,
            persons: std::slice::from_ref(&person),
        },
        now,
    )
    .await?;
    // The person's open invitations are answered (booked through one, or by staff).
    crate::scheduling::invitations::end_for_person(&txn, t.organisation_id(), i.person_id, id, now)
        .await?;
    // Every booking gets the person's manage link, written into its messages as {lien}.
    crate::scheduling::link_rows::manage_link(
        &txn,
        t.state.cipher(),
        &m,
        i.person_id,
        account_id,
        now,
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
    if let Some(Idempotency {
        key: k,
        request_hash,
    }) = idem
    {
        let stored = idempotency_key::ActiveModel {
            account_id: Set(account_id),
            key: Set(k.clone()),
            request_hash: Set(request_hash),
            status: Set(201),
            body: Set(body.clone()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await;
        if stored.is_err() {
            // The same key won a race in another request: answer what it answered.
            drop(txn);
            if let Some(prev) = idempotency_key::Entity::find_by_id((account_id, k))
                .one(t.db())
                .await?
            {
                return Ok(Booked::Replayed {
                    status: prev.status as u16,
                    body: prev.body,
                });
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
    if due_now > 0 {
        t.state.wake_outbox();
    }
    Ok(Booked::Created(body))
}
