//! The durable outbox of reminders: jobs written in the appointment's own transaction
//! (`replan`), a dispatcher that claims due jobs under a lease (`claim`, `SKIP LOCKED` on
//! PostgreSQL), checks everything again just before sending (`check`), sends outside any
//! transaction (`providers`), and records the outcome with writes fenced on its lease
//! (`finish`). One instance at a time leads (`leader`): it rescues expired leases, reconciles
//! ambiguous sends with the provider and runs the daily jobs. tokio-cron-scheduler only
//! wakes things up; the database decides who does what.
//!
//! Without a configured provider, messages go to the development outbox (a table an admin
//! reads at `/api/v1/dev-outbox`) and nothing leaves the machine.

pub mod compose;
pub mod invite;
pub mod leader;
pub mod providers;
pub mod receipts;
pub mod templates;

pub use providers::{Gateways, Lookup, Outgoing, Sent};

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use relais_domain::sms::{self, MessageKind, QuietHours};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, Set, Statement,
};
use uuid::Uuid;

use crate::crypto::FieldCipher;
use crate::outbox::compose::{Batch, Check, channels, profile_of};
use crate::state::AppState;
use crate::store::entities::{
    appointment, appointment_participant, appointment_type, notification, person, site,
};
use crate::store::{OrgScoped, is_postgres};
use relais_domain::delivery::JobState;
use relais_domain::dto::AppointmentChange;

/// The messages a change of an appointment sends (after cancelling those still pending).
pub fn messages_for(change: AppointmentChange) -> &'static [MessageKind] {
    use AppointmentChange::*;
    match change {
        Booked | ForceBooked | Moved | ForceMoved | BookedByPerson | MovedByPerson => {
            &[MessageKind::Confirmation, MessageKind::Reminder]
        }
        Revoked => &[MessageKind::Cancellation],
        Excused | CancelledByPerson | Seen | NoShow => &[],
    }
}

/// The first instant at or after `t` outside the quiet hours, in the site's zone.
pub fn after_quiet(t: DateTime<Utc>, tz: Tz, quiet: QuietHours) -> DateTime<Utc> {
    use chrono::TimeZone;
    let local = t.with_timezone(&tz);
    if !quiet.contains(local.time()) {
        return t;
    }
    let day = if local.time() >= quiet.end {
        local.date_naive() + Duration::days(1)
    } else {
        local.date_naive()
    };
    tz.from_local_datetime(&day.and_time(quiet.end))
        .earliest()
        .map(|x| x.with_timezone(&Utc))
        .unwrap_or(t)
}

/// What planning an appointment's messages reads besides the appointment: its type, its
/// site and its persons. A new booking has them in hand already.
pub struct Parties<'a> {
    pub ty: &'a appointment_type::Model,
    pub site: &'a site::Model,
    pub persons: &'a [person::Model],
}

/// Inside the appointment's transaction: cancel its live jobs, and schedule the messages
/// this change calls for. A job already running is caught by the pre-send check (the
/// appointment's version moved on). Returns how many are due at once, as `plan`.
pub async fn replan<C: ConnectionTrait>(
    txn: &C,
    c: &FieldCipher,
    m: &appointment::Model,
    change: AppointmentChange,
    quiet: QuietHours,
    now: DateTime<Utc>,
) -> Result<u32, DbErr> {
    notification::Entity::update_many()
        .col_expr(
            notification::Column::State,
            Expr::value(JobState::Cancelled.as_str()),
        )
        .col_expr(notification::Column::UpdatedAt, Expr::value(now))
        .filter(notification::Column::AppointmentId.eq(m.id))
        .filter(
            notification::Column::State
                .is_in([JobState::Scheduled.as_str(), JobState::Retryable.as_str()]),
        )
        .exec(txn)
        .await?;
    if messages_for(change).is_empty() {
        return Ok(0);
    }
    let org = m.organisation_id;
    let Some(ty) = appointment_type::Entity::scoped(org)
        .filter(appointment_type::Column::Id.eq(m.type_id))
        .one(txn)
        .await?
    else {
        return Ok(0);
    };
    if !ty.reminders {
        return Ok(0);
    }
    let Some(site) = site::Entity::scoped(org)
        .filter(site::Column::Id.eq(m.site_id))
        .one(txn)
        .await?
    else {
        return Ok(0);
    };
    let people: Vec<Uuid> = appointment_participant::Entity::scoped(org)
        .filter(appointment_participant::Column::AppointmentId.eq(m.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|p| p.person_id)
        .collect();
    let persons = person::Entity::scoped(org)
        .filter(person::Column::Id.is_in(people))
        .all(txn)
        .await?;
    plan(
        txn,
        c,
        m,
        change,
        quiet,
        Parties {
            ty: &ty,
            site: &site,
            persons: &persons,
        },
        now,
    )
    .await
}

/// Inside a new appointment's transaction (no jobs yet to cancel): schedule the messages
/// this change calls for, from the rows the booking already holds. Returns how many are
/// due at once: only those are worth waking the dispatcher for (its tick finds the rest).
pub async fn plan<C: ConnectionTrait>(
    txn: &C,
    c: &FieldCipher,
    m: &appointment::Model,
    change: AppointmentChange,
    quiet: QuietHours,
    parties: Parties<'_>,
    now: DateTime<Utc>,
) -> Result<u32, DbErr> {
    let kinds = messages_for(change);
    let ty = parties.ty;
    if kinds.is_empty() || !ty.reminders {
        return Ok(0);
    }
    let org = m.organisation_id;
    let tz = crate::zone::site_tz(parties.site);
    let mut n = 0;
    for p in parties.persons {
        let Some(profile) = profile_of(c, p) else {
            continue;
        };
        for ch in channels(&profile) {
            for k in kinds {
                let due = match k {
                    MessageKind::Reminder => {
                        let offset = Duration::hours(ty.reminder_offset_hours.clamp(1, 168).into());
                        let q = if ch == "sms" {
                            quiet
                        } else {
                            QuietHours {
                                start: chrono::NaiveTime::MIN,
                                end: chrono::NaiveTime::MIN,
                            }
                        };
                        match sms::reminder_at(m.starts_at, now, offset, tz, q) {
                            Some(t) => t,
                            None => continue,
                        }
                    }
                    // A confirmation or notice booked at night waits for the morning.
                    _ if ch == "sms" => after_quiet(now, tz, quiet),
                    _ => now,
                };
                if due >= m.starts_at {
                    continue;
                }
                let id = Uuid::new_v4();
                notification::ActiveModel {
                    id: Set(id),
                    organisation_id: Set(org),
                    appointment_id: Set(Some(m.id)),
                    appointment_version: Set(m.version),
                    person_id: Set(p.id),
                    kind: Set(k.as_str().into()),
                    channel: Set(ch.into()),
                    state: Set(JobState::Scheduled.as_str().into()),
                    due_at: Set(due),
                    expires_at: Set(m.starts_at),
                    attempt: Set(0),
                    locked_by: Set(None),
                    lease_until: Set(None),
                    send_started_at: Set(None),
                    sent_at: Set(None),
                    provider: Set(None),
                    provider_message_id: Set(None),
                    encoding: Set(None),
                    segments: Set(None),
                    reason: Set(None),
                    idempotency_key: Set(format!("relais-{}", id.simple())),
                    created_at: Set(now),
                    updated_at: Set(now),
                    delivered_at: Set(None),
                    invitation_id: Set(None),
                }
                .insert(txn)
                .await?;
                if due <= now {
                    n += 1;
                }
            }
        }
    }
    Ok(n)
}

/// Claim up to `limit` due jobs for `instance`, under a lease, in one statement: on
/// PostgreSQL the due rows are locked with `SKIP LOCKED`, so instances never claim the same
/// job and never wait on each other; on SQLite the write lock serialises claimers. The
/// provider's token bucket, shared by every instance, is read and paid in the same
/// transaction: no more jobs are claimed than the rate allows.
pub async fn claim(
    state: &AppState,
    instance: &str,
    now: DateTime<Utc>,
    limit: u64,
    lease: Duration,
) -> Result<Vec<notification::Model>, DbErr> {
    let (_turn, txn) = state.begin_write().await?;
    let backend = txn.get_database_backend();
    let pg = is_postgres(&txn);
    let bucket = state.gateways().name("sms");
    let rate = state.config().sms_rate_per_second;
    let limit = if rate == 0 {
        limit
    } else {
        limit.min(leader::tokens(&txn, bucket, rate, now).await?)
    };
    if limit == 0 {
        txn.commit().await?;
        return Ok(Vec::new());
    }
    let p: [&str; 5] = if pg {
        ["$1", "$2", "$3", "$4", "$5"]
    } else {
        ["?", "?", "?", "?", "?"]
    };
    let sql = format!(
        "UPDATE notification SET state = 'running', attempt = attempt + 1, locked_by = {}, \
         lease_until = {}, updated_at = {} WHERE id IN ({}) RETURNING *",
        p[0],
        p[1],
        p[2],
        claimable_sql(pg, p[3], p[4])
    );
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                instance.into(),
                (now + lease).into(),
                state.now().into(),
                now.into(),
                (limit as i64).into(),
            ],
        ))
        .await?;
    let mut jobs = rows
        .iter()
        .map(|r| notification::Model::from_query_result(r, ""))
        .collect::<Result<Vec<_>, _>>()?;
    jobs.sort_by_key(|j| j.due_at);
    if rate > 0 {
        leader::pay(&txn, bucket, jobs.len() as u64).await?;
    }
    txn.commit().await?;
    Ok(jobs)
}

/// The ids a claim takes: due, claimable jobs in due order, `limit` of them, skipping those
/// another instance holds (PostgreSQL). Read through the partial index
/// `notification_claimable` (m0010), which gives them already in due order: the claim stops
/// after `limit` index entries however many jobs are due (the tests check the plan).
/// SQLite's planner, given statistics, preferred the `(state, due_at)` index and a sort:
/// `INDEXED BY` holds it to the partial index (and fails loudly should it ever not apply).
pub fn claimable_sql(pg: bool, due: &str, limit: &str) -> String {
    let (index, lock) = if pg {
        ("", " FOR UPDATE SKIP LOCKED")
    } else {
        (" INDEXED BY notification_claimable", "")
    };
    format!(
        "SELECT id FROM notification{index} WHERE state IN ('scheduled', 'retryable') \
         AND due_at <= {due} ORDER BY due_at LIMIT {limit}{lock}"
    )
}

/// Write the outcome of a job this instance holds; `false` if the lease was lost.
async fn finish(
    state: &AppState,
    id: Uuid,
    instance: &str,
    set: notification::ActiveModel,
) -> Result<bool, DbErr> {
    let r = notification::Entity::update_many()
        .set(set)
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::State.eq(JobState::Running.as_str()))
        .filter(notification::Column::LockedBy.eq(instance))
        .exec(state.db())
        .await?;
    Ok(r.rows_affected == 1)
}

fn outcome(state: &str, reason: Option<&str>, now: DateTime<Utc>) -> notification::ActiveModel {
    notification::ActiveModel {
        state: Set(state.into()),
        reason: Set(reason.map(Into::into)),
        locked_by: Set(None),
        lease_until: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
}

fn jitter() -> f64 {
    rand::random::<f64>()
}

/// Check, send and record a batch of claimed jobs, then settle the invitations whose
/// messages they were. Returns how many were sent.
pub async fn process_batch(
    state: &AppState,
    instance: &str,
    jobs: &[notification::Model],
    now: DateTime<Utc>,
    quiet: QuietHours,
) -> Result<usize, DbErr> {
    let sent = send_batch(state, instance, jobs, now, quiet).await?;
    let invitations: Vec<Uuid> = jobs.iter().filter_map(|n| n.invitation_id).collect();
    if !invitations.is_empty() {
        invite::settle(state, Some(invitations)).await?;
    }
    Ok(sent)
}

async fn send_batch(
    state: &AppState,
    instance: &str,
    jobs: &[notification::Model],
    now: DateTime<Utc>,
    quiet: QuietHours,
) -> Result<usize, DbErr> {
    let batch = Batch::load(state, jobs).await?;
    let mut ready = Vec::new();
    for n in jobs {
        match batch.check(state, n, now, quiet) {
            Check::Send(o) => ready.push((n.clone(), o)),
            Check::Wait(later) => {
                // Back in the queue for the end of the quiet hours, if still in time.
                let again = if later < n.expires_at {
                    let mut a = outcome(JobState::Scheduled.as_str(), Some("quiet_hours"), now);
                    a.due_at = Set(later);
                    a.attempt = Set((n.attempt - 1).max(0));
                    a
                } else {
                    outcome(JobState::Failed.as_str(), Some("quiet_hours"), now)
                };
                finish(state, n.id, instance, again).await?;
            }
            Check::Skip(reason) => {
                finish(
                    state,
                    n.id,
                    instance,
                    outcome(JobState::Skipped.as_str(), Some(reason), now),
                )
                .await?;
            }
            Check::Fail(reason) => {
                finish(
                    state,
                    n.id,
                    instance,
                    outcome(JobState::Failed.as_str(), Some(reason), now),
                )
                .await?;
            }
        }
    }
    if ready.is_empty() {
        return Ok(0);
    }
    // Recorded before the sends, in one write: a crash after this point is an ambiguous
    // send, which the leader reconciles instead of retrying blindly.
    let ids: Vec<Uuid> = ready.iter().map(|(n, _)| n.id).collect();
    let held: HashSet<Uuid> = notification::Entity::update_many()
        .col_expr(
            notification::Column::SendStartedAt,
            Expr::value(state.now()),
        )
        .filter(notification::Column::Id.is_in(ids))
        .filter(notification::Column::State.eq(JobState::Running.as_str()))
        .filter(notification::Column::LockedBy.eq(instance))
        .exec_with_returning(state.db())
        .await?
        .into_iter()
        .map(|n| n.id)
        .collect();
    let mut set = tokio::task::JoinSet::new();
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(32));
    for (n, out) in ready.into_iter().filter(|(n, _)| held.contains(&n.id)) {
        let state = state.clone();
        let permits = permits.clone();
        set.spawn(async move {
            let _p = permits.acquire_owned().await;
            let r = state.gateways().send(&state.dev_outbox(), &out).await;
            (n, out, r)
        });
    }
    let mut accepted = Vec::new();
    while let Some(r) = set.join_next().await {
        let (n, out, r) = match r {
            Ok(x) => x,
            Err(e) => {
                tracing::error!(error = %e, "outbox send task failed");
                continue;
            }
        };
        match r {
            Sent::Accepted(provider_id) => accepted.push((n, out, provider_id)),
            other => {
                finish(state, n.id, instance, not_sent(&n, other, state.now())).await?;
            }
        }
    }
    record_sent(state, instance, &accepted).await
}

/// A send the provider accepted: the job, its message, the provider's id.
type Accepted = (notification::Model, Outgoing, Option<String>);

/// Record the accepted sends of a batch in one statement, fenced on the lease like
/// `finish`. Returns how many were recorded.
async fn record_sent(
    state: &AppState,
    instance: &str,
    accepted: &[Accepted],
) -> Result<usize, DbErr> {
    if accepted.is_empty() {
        return Ok(0);
    }
    let db = state.db();
    let pg = is_postgres(db);
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut p = |v: sea_orm::Value| {
        values.push(v);
        if pg {
            format!("${}", values.len())
        } else {
            "?".to_owned()
        }
    };
    let now = state.now();
    let mut head = format!(
        "UPDATE notification SET state = 'sent', reason = NULL, locked_by = NULL, lease_until = NULL, \
         sent_at = {}, updated_at = {}",
        p(now.into()),
        p(now.into())
    );
    let mut case = |col: &str, f: &dyn Fn(&Accepted) -> sea_orm::Value| {
        let mut c = format!(", {col} = CASE id");
        for a in accepted {
            let w = p(a.0.id.into());
            let t = p(f(a));
            c.push_str(&format!(" WHEN {w} THEN {t}"));
        }
        c.push_str(" END");
        c
    };
    let gw = state.gateways();
    head.push_str(&case("provider", &|a| gw.name(&a.0.channel).into()));
    head.push_str(&case("provider_message_id", &|a| a.2.clone().into()));
    let sms_size = |a: &Accepted| (a.0.channel == "sms").then(|| sms::size(&a.1.body));
    head.push_str(&case("encoding", &|a| {
        sms_size(a).map(|s| s.encoding.as_str().to_owned()).into()
    }));
    head.push_str(&case("segments", &|a| {
        sms_size(a).map(|s| s.segments as i32).into()
    }));
    let ids: Vec<String> = accepted.iter().map(|a| p(a.0.id.into())).collect();
    let sql = format!(
        "{head} WHERE id IN ({}) AND state = 'running' AND locked_by = {}",
        ids.join(", "),
        p(instance.into())
    );
    let r = db
        .execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?;
    Ok(r.rows_affected() as usize)
}

/// What to write for a send that was not accepted.
fn not_sent(n: &notification::Model, r: Sent, now: DateTime<Utc>) -> notification::ActiveModel {
    match r {
        Sent::Accepted(_) => outcome(JobState::Sent.as_str(), None, now),
        Sent::Retry { after, reason } => retry_or_fail(n, now, after, &reason),
        // E-mail carries a Message-ID derived from the job: a retry is recognisable, so it
        // is retried. An SMS is not: it waits for the reconciler.
        Sent::Ambiguous(reason) if n.channel == "email" => retry_or_fail(n, now, None, &reason),
        Sent::Ambiguous(reason) => {
            tracing::warn!(reason = %reason, "ambiguous send: to be reconciled");
            outcome(JobState::Unknown.as_str(), Some(&reason), now)
        }
        Sent::Permanent(reason) => {
            tracing::warn!(reason = %reason, "refused by the provider");
            outcome(JobState::Failed.as_str(), Some(&reason), now)
        }
    }
}

/// A try that surely did not go through: again later, or failed (the coordinator is told).
pub(crate) fn retry_or_fail(
    n: &notification::Model,
    now: DateTime<Utc>,
    after: Option<Duration>,
    reason: &str,
) -> notification::ActiveModel {
    match relais_domain::delivery::after_failure(
        n.attempt.max(0) as u32,
        now,
        n.expires_at,
        after,
        jitter(),
    ) {
        relais_domain::delivery::Next::RetryAt(at) => {
            let mut a = outcome(JobState::Retryable.as_str(), Some(reason), now);
            a.due_at = Set(at);
            a.send_started_at = Set(None);
            a
        }
        relais_domain::delivery::Next::Fail(why) => outcome(
            JobState::Failed.as_str(),
            Some(&format!("{reason}; {why}")),
            now,
        ),
    }
}

/// One pass: claim due jobs, then check, send and record them. Returns (claimed, sent).
pub async fn run_once(
    state: &AppState,
    instance: &str,
    now: DateTime<Utc>,
    quiet: QuietHours,
) -> Result<(usize, usize), DbErr> {
    let lease = Duration::seconds(state.config().outbox_lease_seconds);
    let jobs = claim(state, instance, now, BATCH, lease).await?;
    if jobs.is_empty() {
        return Ok((0, 0));
    }
    let pause = state.config().outbox_pause_after_claim_ms;
    if pause > 0 {
        // Fault injection for the crash tests only.
        tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
    }
    let sent = process_batch(state, instance, &jobs, now, quiet).await?;
    Ok((jobs.len(), sent))
}

/// Jobs claimed per pass.
pub const BATCH: u64 = 200;

/// Passes in flight per instance: while one sends a batch and waits for the gateway, the
/// next one claims and checks (graphile-worker's local queue, in the database's own terms:
/// each pass holds its own claimed jobs under the instance's lease, so nothing changes for
/// exactly-once).
pub const PASSES_IN_FLIGHT: usize = 2;

/// Run the dispatcher until the process stops: passes whenever woken (by the scheduler's
/// tick, or by a booking that enqueued something due now), and again at once while passes
/// come back full — a full pass also wakes a second one, so a burst is worked by
/// [`PASSES_IN_FLIGHT`] passes side by side.
pub fn spawn_dispatcher(state: AppState, instance: String) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut passes = tokio::task::JoinSet::new();
        for _ in 0..PASSES_IN_FLIGHT {
            passes.spawn(dispatch(state.clone(), instance.clone()));
        }
        while passes.join_next().await.is_some() {}
    })
}

async fn dispatch(state: AppState, instance: String) {
    loop {
        let r = run_once(&state, &instance, state.now(), state.quiet_hours()).await;
        let full = match r {
            Ok((claimed, sent)) => {
                if sent > 0 {
                    tracing::debug!(claimed, sent, "outbox pass");
                }
                claimed as u64 >= BATCH
            }
            Err(e) => {
                tracing::error!(error = %e, "outbox pass failed");
                false
            }
        };
        if full {
            state.wake_outbox();
        } else {
            let _ = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                state.outbox_wake().notified(),
            )
            .await;
        }
    }
}
