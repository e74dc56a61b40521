//! What one instance at a time does, elected by a lease row in the database: rescue jobs
//! whose lease expired (their instance died), reconcile ambiguous sends with the provider,
//! and the daily jobs (retention). Also the shared token bucket of each provider, and the
//! scheduler (tokio-cron-scheduler) that wakes all of it up.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement,
};
use tokio_cron_scheduler::{Job, JobScheduler};
use uuid::Uuid;

use super::providers::Lookup;
use super::{Batch, outcome, retry_or_fail};
use crate::state::AppState;
use crate::store::entities::{leader_lease, notification};
use crate::store::is_postgres;
use relais_domain::delivery::JobState;

fn params(pg: bool, n: usize) -> Vec<String> {
    (1..=n)
        .map(|i| if pg { format!("${i}") } else { "?".into() })
        .collect()
}

/// Tokens available in bucket `name` (refilled at `rate` per second, at most one second's
/// worth), inside the claim's transaction; the row stays locked until it commits.
pub(crate) async fn tokens(
    txn: &DatabaseTransaction,
    name: &str,
    rate: u32,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let pg = is_postgres(txn);
    let backend = txn.get_database_backend();
    let p = params(pg, 3);
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "INSERT INTO rate_bucket (name, tokens, refilled_at) VALUES ({}, {}, {}) ON CONFLICT (name) DO NOTHING",
            p[0], p[1], p[2]
        ),
        [name.into(), f64::from(rate).into(), now.into()],
    ))
    .await?;
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT tokens, refilled_at FROM rate_bucket WHERE name = {}{}",
                p[0],
                if pg { " FOR UPDATE" } else { "" }
            ),
            [name.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("rate_bucket".into()))?;
    let held: f64 = row.try_get("", "tokens")?;
    let at: DateTime<Utc> = row.try_get("", "refilled_at")?;
    let elapsed = (now - at).num_milliseconds().max(0) as f64 / 1000.0;
    let cap = f64::from(rate);
    let avail = (held + elapsed * f64::from(rate)).min(cap);
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "UPDATE rate_bucket SET tokens = {}, refilled_at = {} WHERE name = {}",
            p[0], p[1], p[2]
        ),
        [avail.into(), now.into(), name.into()],
    ))
    .await?;
    Ok(avail.floor().max(0.0) as u64)
}

/// Pay for `n` claimed jobs.
pub(crate) async fn pay(txn: &DatabaseTransaction, name: &str, n: u64) -> Result<(), DbErr> {
    if n == 0 {
        return Ok(());
    }
    let pg = is_postgres(txn);
    let p = params(pg, 2);
    txn.execute_raw(Statement::from_sql_and_values(
        txn.get_database_backend(),
        format!(
            "UPDATE rate_bucket SET tokens = tokens - {} WHERE name = {}",
            p[0], p[1]
        ),
        [(n as f64).into(), name.into()],
    ))
    .await?;
    Ok(())
}

/// Take or keep the lease of duty `name` for `ttl`. `true`: this instance leads.
pub async fn try_lead(
    state: &AppState,
    name: &str,
    instance: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<bool, DbErr> {
    let db = state.db();
    let pg = is_postgres(db);
    let backend = db.get_database_backend();
    let p = params(pg, 1);
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "INSERT INTO leader_lease (name) VALUES ({}) ON CONFLICT (name) DO NOTHING",
            p[0]
        ),
        [name.into()],
    ))
    .await?;
    let r = leader_lease::Entity::update_many()
        .col_expr(leader_lease::Column::Holder, Expr::value(instance))
        .col_expr(leader_lease::Column::Until, Expr::value(now + ttl))
        .filter(leader_lease::Column::Name.eq(name))
        .filter(
            sea_orm::Condition::any()
                .add(leader_lease::Column::Holder.eq(instance))
                .add(leader_lease::Column::Until.is_null())
                .add(leader_lease::Column::Until.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Jobs whose lease expired go back: to `retryable` if their send never began, to `unknown`
/// if it did (the reconciler then asks the provider). Returns (retryable, unknown).
pub async fn rescue(state: &AppState, now: DateTime<Utc>) -> Result<(u64, u64), DbErr> {
    let mut counts = [0u64; 2];
    for (i, (started, to)) in [
        (false, JobState::Retryable.as_str()),
        (true, JobState::Unknown.as_str()),
    ]
    .into_iter()
    .enumerate()
    {
        let mut q = notification::Entity::update_many()
            .col_expr(notification::Column::State, Expr::value(to))
            .col_expr(notification::Column::Reason, Expr::value("lease_expired"))
            .col_expr(
                notification::Column::LockedBy,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                notification::Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(notification::Column::UpdatedAt, Expr::value(now))
            .filter(notification::Column::State.eq(JobState::Running.as_str()))
            .filter(notification::Column::LeaseUntil.lt(now));
        q = if started {
            q.filter(notification::Column::SendStartedAt.is_not_null())
        } else {
            q.filter(notification::Column::SendStartedAt.is_null())
        };
        counts[i] = q.exec(state.db()).await?.rows_affected;
    }
    if counts != [0, 0] {
        tracing::warn!(
            retryable = counts[0],
            unknown = counts[1],
            "rescued jobs of a stopped instance"
        );
    }
    Ok((counts[0], counts[1]))
}

/// Write the reconciler's verdict, only if the job is still `unknown`.
async fn settle(state: &AppState, id: Uuid, set: notification::ActiveModel) -> Result<bool, DbErr> {
    let r = notification::Entity::update_many()
        .set(set)
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::State.eq(JobState::Unknown.as_str()))
        .exec(state.db())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Ask the provider about every ambiguous send: found → sent; absent → retried (never past
/// the expiry, never beyond the attempt cap); cannot be asked → an SMS is not risked twice,
/// the coordinator is told; e-mail is retried with the same Message-ID.
/// Returns how many jobs were settled.
pub async fn reconcile(state: &AppState, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let jobs = notification::Entity::find()
        .filter(notification::Column::State.eq(JobState::Unknown.as_str()))
        .order_by_asc(notification::Column::UpdatedAt)
        .limit(100)
        .all(state.db())
        .await?;
    if jobs.is_empty() {
        return Ok(0);
    }
    let batch = Batch::load(state, &jobs).await?;
    let gw = state.gateways();
    let mut settled = 0;
    for n in &jobs {
        let since = n.send_started_at.unwrap_or(n.updated_at);
        let lookup = match batch.compose(n) {
            Some((out, _, _)) => gw.lookup(&state.dev_outbox(), &out, since).await,
            None => Lookup::Error("cannot compose".into()),
        };
        let set = match lookup {
            Lookup::Found(id) => {
                let mut a = outcome(JobState::Sent.as_str(), Some("reconciled"), now);
                a.sent_at = Set(Some(now));
                a.provider = Set(Some(gw.name(&n.channel).into()));
                a.provider_message_id = Set(id);
                a
            }
            Lookup::Absent => retry_or_fail(n, now, None, "not_received"),
            Lookup::Unsupported if n.channel == "email" => retry_or_fail(n, now, None, "ambiguous"),
            Lookup::Unsupported => outcome(
                JobState::Failed.as_str(),
                Some("ambiguous_not_retried"),
                now,
            ),
            Lookup::Error(e) if now >= n.expires_at => {
                tracing::warn!(error = %e, "reconciliation impossible before expiry");
                outcome(JobState::Failed.as_str(), Some("ambiguous_expired"), now)
            }
            Lookup::Error(e) => {
                tracing::info!(error = %e, "reconciliation postponed");
                continue;
            }
        };
        if settle(state, n.id, set).await? {
            settled += 1;
        }
    }
    Ok(settled)
}

/// The leader's round: keep the lease, rescue, reconcile, settle the invitations.
pub async fn duties(state: &AppState, instance: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let ttl = Duration::seconds(state.config().outbox_lease_seconds.max(6));
    if !try_lead(state, "outbox", instance, now, ttl).await? {
        return Ok(false);
    }
    let (back, unsure) = rescue(state, now).await?;
    let settled = reconcile(state, now).await?;
    // Invitations whose first message's outcome a stopped pass left unsettled.
    super::invite::settle(state, None).await?;
    if back + unsure > 0 || settled > 0 {
        state.wake_outbox();
    }
    Ok(true)
}

/// When the daily job runs: 03:30, Paris time (a cron line: seconds first).
pub const DAILY_AT: &str = "0 30 3 * * *";

/// What a night's job did on this instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Daily {
    /// This instance leads: retention ran for every organisation, then the housekeeping.
    Ran { anonymised: u32 },
    /// Another instance holds the lease: it runs the job.
    NotLeader,
    /// The job failed (logged without personal data); the next night tries again.
    Failed,
}

/// The daily job (`DAILY_AT`), on the leader only: retention for every organisation and the
/// housekeeping (`retention::run_all`).
pub async fn daily(state: &AppState, instance: &str) -> Daily {
    let now = state.now();
    let ttl = Duration::seconds(state.config().outbox_lease_seconds.max(6));
    match try_lead(state, "outbox", instance, now, ttl).await {
        Ok(true) => match crate::retention::run_all(state, false).await {
            Ok(runs) => {
                let anonymised: u32 = runs.iter().map(|r| r.1.anonymised).sum();
                tracing::info!(anonymised, "retention run");
                Daily::Ran { anonymised }
            }
            Err(e) => {
                tracing::error!(status = %e.status(), "retention run failed");
                Daily::Failed
            }
        },
        Ok(false) => Daily::NotLeader,
        Err(e) => {
            tracing::error!(error = %e, "retention: leader check failed");
            Daily::Failed
        }
    }
}

/// The running background work of one instance.
pub struct Background {
    scheduler: JobScheduler,
    dispatcher: tokio::task::JoinHandle<()>,
}

impl Background {
    pub async fn stop(mut self) {
        let _ = self.scheduler.shutdown().await;
        self.dispatcher.abort();
    }
}

/// Start the dispatcher and the scheduler: a tick every second wakes the dispatcher, the
/// leader's round every 5 s, retention every night at 03:30 (Paris), on the leader only.
pub async fn start(state: AppState) -> Result<Background, String> {
    let instance = format!("relais-{}", Uuid::new_v4().simple());
    let dispatcher = super::spawn_dispatcher(state.clone(), instance.clone());
    let scheduler = JobScheduler::new()
        .await
        .map_err(|e| format!("scheduler: {e}"))?;
    let st = state.clone();
    scheduler
        .add(
            Job::new_async("* * * * * *", move |_, _| {
                st.wake_outbox();
                Box::pin(async {})
            })
            .map_err(|e| format!("scheduler: {e}"))?,
        )
        .await
        .map_err(|e| format!("scheduler: {e}"))?;
    let busy = Arc::new(AtomicBool::new(false));
    let (st, me) = (state.clone(), instance.clone());
    scheduler
        .add(
            Job::new_async("*/5 * * * * *", move |_, _| {
                let (st, me, busy) = (st.clone(), me.clone(), busy.clone());
                Box::pin(async move {
                    if busy.swap(true, Ordering::AcqRel) {
                        return;
                    }
                    if let Err(e) = duties(&st, &me, st.now()).await {
                        tracing::error!(error = %e, "leader round failed");
                    }
                    busy.store(false, Ordering::Release);
                })
            })
            .map_err(|e| format!("scheduler: {e}"))?,
        )
        .await
        .map_err(|e| format!("scheduler: {e}"))?;
    let (st, me) = (state.clone(), instance.clone());
    scheduler
        .add(
            Job::new_async_tz(DAILY_AT, chrono_tz::Europe::Paris, move |_, _| {
                let (st, me) = (st.clone(), me.clone());
                Box::pin(async move {
                    let _ = daily(&st, &me).await;
                })
            })
            .map_err(|e| format!("scheduler: {e}"))?,
        )
        .await
        .map_err(|e| format!("scheduler: {e}"))?;
    scheduler
        .start()
        .await
        .map_err(|e| format!("scheduler: {e}"))?;
    tracing::info!(instance = %instance, "outbox dispatcher started");
    Ok(Background {
        scheduler,
        dispatcher,
    })
}
