//! Retention, run daily (and on demand, with a dry run that lists what would go):
//! - a file with no activity for 2 years is anonymised;
//! - a person none of whose situations ever reached them, the last received more than
//!   6 months ago, loses their identity (open situations are closed as unreachable).
//!
//! Anonymising keeps the statistics (situations, attempts, interviews, orientations, birth
//! year, sex) and removes the identity, contact details, safe-contact profile, notes, the
//! referral's note, external reference and unit, the notes of attempts, interviews and
//! orientation overrides, the sealed reasons of appointments, the reasons of links, the
//! development outbox's copies of messages; a future appointment is withdrawn with its
//! reminders (no message goes out). Appointments count as activity.
//!
//! Housekeeping, daily too: the development outbox keeps 30 days, idempotency keys (which
//! hold the first answer) 2 days, the audit log 12 months (`audit::prune`).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use relais_domain::dto::{RetentionItem, RetentionRule, RetentionRun};
use relais_domain::outreach::{CloseReason, Event, State};
use relais_domain::safe_contact::SafeContactProfile;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, Set,
};
use serde::Serialize;
use uuid::Uuid;

use crate::audit::{self, Action};
use crate::error::ServiceResult;
use crate::state::AppState;
use crate::store::entities::{
    appointment, appointment_participant, booking_link, contact_attempt, dev_outbox,
    idempotency_key, interview, notification, organisation, orientation, person, person_link,
    situation, sync_intent,
};
use crate::store::{OrgScoped, Stamp};
use relais_domain::delivery::JobState;
use relais_domain::dto::AppointmentStatus;

pub const INACTIVE_AFTER_DAYS: i64 = 730;
pub const NEVER_REACHED_AFTER_DAYS: i64 = 183;
pub const DEV_OUTBOX_DAYS: i64 = 30;
pub const IDEMPOTENCY_DAYS: i64 = 2;
pub const AUDIT_DAYS: i64 = 365;
/// How long a phone's intents are remembered (a retry after that is refused as out of
/// order: each device's latest intent is kept whatever its age).
pub const INTENT_DAYS: i64 = 90;

#[derive(Serialize)]
struct EmptyIdentity {
    first_name: &'static str,
    last_name: &'static str,
}

#[derive(Serialize, Default)]
struct EmptyContact {
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
}

/// What retention would do (or does) for one organisation at `now`.
pub async fn plan(
    state: &AppState,
    org: Uuid,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<RetentionItem>> {
    let db = state.db();
    let persons = person::Entity::scoped(org)
        .filter(person::Column::AnonymisedAt.is_null())
        .all(db)
        .await?;
    let situations = situation::Entity::scoped(org).all(db).await?;
    let mut by_person: HashMap<Uuid, Vec<&situation::Model>> = HashMap::new();
    for s in &situations {
        by_person.entry(s.person_id).or_default().push(s);
    }
    // An appointment is activity: booked, or held (a future one keeps the file alive).
    let appointments: HashMap<Uuid, DateTime<Utc>> = appointment::Entity::scoped(org)
        .filter(appointment::Column::DeletedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.starts_at.max(a.updated_at)))
        .collect();
    let mut appointment_activity: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    for pa in appointment_participant::Entity::scoped(org).all(db).await? {
        if let Some(at) = appointments.get(&pa.appointment_id) {
            let e = appointment_activity.entry(pa.person_id).or_insert(*at);
            *e = (*e).max(*at);
        }
    }
    let mut items = Vec::new();
    for p in &persons {
        let theirs = by_person.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
        let last = theirs
            .iter()
            .map(|s| s.last_activity_at)
            .chain([p.updated_at])
            .chain(appointment_activity.get(&p.id).copied())
            .max()
            .unwrap_or(p.updated_at);
        if now - last > Duration::days(INACTIVE_AFTER_DAYS) {
            items.push(RetentionItem {
                person_id: p.id,
                rule: RetentionRule::InactiveTwoYears,
                last_activity_at: last,
            });
            continue;
        }
        let never_reached = !theirs.is_empty()
            && appointment_activity
                .get(&p.id)
                .is_none_or(|at| now - *at > Duration::days(NEVER_REACHED_AFTER_DAYS))
            && theirs.iter().all(|s| {
                s.first_contact_at.is_none()
                    && now - s.received_at > Duration::days(NEVER_REACHED_AFTER_DAYS)
            });
        if never_reached {
            items.push(RetentionItem {
                person_id: p.id,
                rule: RetentionRule::NeverReachedSixMonths,
                last_activity_at: last,
            });
        }
    }
    Ok(items)
}

/// Anonymise one person's file and what hangs off it, in one transaction.
async fn anonymise(state: &AppState, org: Uuid, item: &RetentionItem) -> ServiceResult<()> {
    let c = state.cipher();
    let (_turn, txn) = state.begin_write().await?;
    let Some(p) = person::Entity::scoped(org)
        .filter(person::Column::Id.eq(item.person_id))
        .filter(person::Column::AnonymisedAt.is_null())
        .one(&txn)
        .await?
    else {
        return Ok(());
    };
    let now = state.now();
    let id = p.id;
    let mut am = p.into_active_model();
    am.identity = Set(c.seal_json(
        "person",
        "identity",
        id,
        &EmptyIdentity {
            first_name: "",
            last_name: "",
        },
    ));
    am.contact = Set(c.seal_json("person", "contact", id, &EmptyContact::default()));
    am.safe_contact =
        Set(c.seal_json("person", "safe_contact", id, &SafeContactProfile::default()));
    am.notes = Set(None);
    am.name_key = Set(format!("anonymised:{id}"));
    am.last_name_key = Set(format!("anonymised:{id}"));
    am.phone_key = Set(None);
    am.safe_contact_checked_at = Set(None);
    am.anonymised_at = Set(Some(now));
    // Nothing more reaches a person whose file is gone.
    crate::scheduling::invitations::revoke_open(&txn, org, None, Some(id), now).await?;
    // One stamp for everything the anonymisation changes: phones learn of every row.
    let stamp = Stamp::take(&txn, now).await?;
    stamp.changed(&mut am);
    am.update(&txn).await?;
    stamp
        .changed_many(situation::Entity::update_many())
        .col_expr(
            situation::Column::Note,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .col_expr(
            situation::Column::ExternalRef,
            Expr::value(Option::<String>::None),
        )
        .col_expr(situation::Column::Unit, Expr::value(Option::<String>::None))
        .filter(situation::Column::OrganisationId.eq(org))
        .filter(situation::Column::PersonId.eq(id))
        .exec(&txn)
        .await?;
    stamp
        .changed_many(contact_attempt::Entity::update_many())
        .col_expr(
            contact_attempt::Column::Note,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .filter(contact_attempt::Column::OrganisationId.eq(org))
        .filter(contact_attempt::Column::PersonId.eq(id))
        .exec(&txn)
        .await?;
    stamp
        .changed_many(interview::Entity::update_many())
        .col_expr(
            interview::Column::Note,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .filter(interview::Column::OrganisationId.eq(org))
        .filter(interview::Column::PersonId.eq(id))
        .exec(&txn)
        .await?;
    stamp
        .changed_many(orientation::Entity::update_many())
        .col_expr(
            orientation::Column::OverrideReason,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .filter(orientation::Column::OrganisationId.eq(org))
        .filter(orientation::Column::PersonId.eq(id))
        .exec(&txn)
        .await?;
    // The person's links open nothing any more.
    booking_link::Entity::update_many()
        .col_expr(booking_link::Column::RevokedAt, Expr::value(now))
        .filter(booking_link::Column::OrganisationId.eq(org))
        .filter(booking_link::Column::PersonId.eq(id))
        .filter(booking_link::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    // Appointments: sealed reasons go; a future one is withdrawn (its messages cancelled,
    // none sent: the person is no longer followed).
    let theirs: Vec<Uuid> = appointment_participant::Entity::scoped(org)
        .filter(appointment_participant::Column::PersonId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| p.appointment_id)
        .collect();
    if !theirs.is_empty() {
        stamp
            .changed_many(appointment::Entity::update_many())
            .col_expr(
                appointment::Column::Reason,
                Expr::value(Option::<Vec<u8>>::None),
            )
            .filter(appointment::Column::OrganisationId.eq(org))
            .filter(appointment::Column::Id.is_in(theirs.clone()))
            .exec(&txn)
            .await?;
        stamp
            .changed_many(appointment::Entity::update_many())
            .col_expr(
                appointment::Column::Status,
                Expr::value(AppointmentStatus::Revoked.as_str()),
            )
            .col_expr(
                appointment::Column::Version,
                sea_orm::sea_query::ExprTrait::add(Expr::col(appointment::Column::Version), 1),
            )
            .filter(appointment::Column::OrganisationId.eq(org))
            .filter(appointment::Column::Id.is_in(theirs))
            .filter(appointment::Column::Status.eq(AppointmentStatus::Planned.as_str()))
            .exec(&txn)
            .await?;
    }
    let jobs: Vec<Uuid> = notification::Entity::find()
        .filter(notification::Column::OrganisationId.eq(org))
        .filter(notification::Column::PersonId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|n| n.id)
        .collect();
    if !jobs.is_empty() {
        notification::Entity::update_many()
            .col_expr(
                notification::Column::State,
                Expr::value(JobState::Cancelled.as_str()),
            )
            .col_expr(notification::Column::Reason, Expr::value("anonymised"))
            .col_expr(notification::Column::UpdatedAt, Expr::value(now))
            .filter(notification::Column::Id.is_in(jobs.clone()))
            .filter(
                notification::Column::State
                    .is_in([JobState::Scheduled.as_str(), JobState::Retryable.as_str()]),
            )
            .exec(&txn)
            .await?;
        dev_outbox::Entity::delete_many()
            .filter(dev_outbox::Column::NotificationId.is_in(jobs))
            .exec(&txn)
            .await?;
    }
    stamp
        .changed_many(person_link::Entity::update_many())
        .col_expr(
            person_link::Column::KeepApartOffReason,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .filter(person_link::Column::OrganisationId.eq(org))
        .filter(
            sea_orm::Condition::any()
                .add(person_link::Column::PersonA.eq(id))
                .add(person_link::Column::PersonB.eq(id)),
        )
        .exec(&txn)
        .await?;
    // Open situations of a person nobody could reach are closed as unreachable.
    let open = situation::Entity::scoped(org)
        .filter(situation::Column::PersonId.eq(id))
        .filter(situation::Column::State.ne(State::Closed.as_str()))
        .all(&txn)
        .await?;
    for s in open {
        crate::casework::transitions::apply_event(
            &txn,
            &s,
            None,
            Event::Close,
            None,
            s.last_activity_at,
            |am| {
                am.close_reason = Set(Some(CloseReason::Unreachable.as_str().into()));
                am.closed_at = Set(Some(now));
            },
            now,
        )
        .await?;
    }
    audit::record(
        &txn,
        audit::Event {
            organisation_id: Some(org),
            account_id: None,
            role: None,
            ip: None,
            action: Action::PersonAnonymised,
            record_type: Some("person"),
            record_id: Some(id),
            outcome: "ok",
            at: state.now(),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Run retention for one organisation: list (dry run) or anonymise.
pub async fn run(
    state: &AppState,
    org: Uuid,
    account: Option<Uuid>,
    now: DateTime<Utc>,
    dry_run: bool,
) -> ServiceResult<RetentionRun> {
    let items = plan(state, org, now).await?;
    let mut done = 0;
    if !dry_run {
        for i in &items {
            anonymise(state, org, i).await?;
            done += 1;
        }
    }
    state
        .audit(audit::Event {
            organisation_id: Some(org),
            account_id: account,
            role: None,
            ip: None,
            action: Action::RetentionRun,
            record_type: None,
            record_id: None,
            outcome: if dry_run { "dry_run" } else { "ok" },
            at: state.now(),
        })
        .await?;
    Ok(RetentionRun {
        dry_run,
        items,
        anonymised: done,
    })
}

/// Every organisation, for the daily job and the command line; then the housekeeping.
pub async fn run_all(state: &AppState, dry_run: bool) -> ServiceResult<Vec<(Uuid, RetentionRun)>> {
    let orgs = organisation::Entity::find()
        .filter(organisation::Column::DeletedAt.is_null())
        .all(state.db())
        .await?;
    let mut out = Vec::new();
    for o in orgs {
        out.push((o.id, run(state, o.id, None, state.now(), dry_run).await?));
    }
    if !dry_run {
        housekeeping(state, state.now()).await?;
    }
    Ok(out)
}

/// What each store keeps, whoever it is about: the development outbox 30 days,
/// idempotency keys 2 days, phones' intents 90 days (each device's latest kept, so that an
/// older one sent again is refused, never applied twice), the audit log 12 months.
pub async fn housekeeping(state: &AppState, now: DateTime<Utc>) -> ServiceResult<()> {
    {
        let (_turn, txn) = state.begin_write().await?;
        dev_outbox::Entity::delete_many()
            .filter(dev_outbox::Column::CreatedAt.lt(now - Duration::days(DEV_OUTBOX_DAYS)))
            .exec(&txn)
            .await?;
        idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::CreatedAt.lt(now - Duration::days(IDEMPOTENCY_DAYS)))
            .exec(&txn)
            .await?;
        let latest: Vec<(Uuid, Option<i64>)> = sync_intent::Entity::find()
            .select_only()
            .column(sync_intent::Column::DeviceId)
            .column_as(sync_intent::Column::Seq.max(), "latest")
            .group_by(sync_intent::Column::DeviceId)
            .into_tuple()
            .all(&txn)
            .await?;
        for (device, latest) in latest {
            sync_intent::Entity::delete_many()
                .filter(sync_intent::Column::DeviceId.eq(device))
                .filter(sync_intent::Column::Seq.lt(latest.unwrap_or(0)))
                .filter(sync_intent::Column::CreatedAt.lt(now - Duration::days(INTENT_DAYS)))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
    }
    let _turn = state.write_lock().await;
    crate::audit::prune(state.db(), now - Duration::days(AUDIT_DAYS)).await?;
    Ok(())
}
