//! The durable outbox of reminders (issue 4, first part): jobs written in the appointment's
//! own transaction, a dispatcher that claims due jobs under a lease, checks everything again
//! just before sending, sends outside any transaction, and records the outcome with writes
//! fenced on its lease. Without a configured provider, messages go to the development outbox
//! (a table an admin reads at `/api/v1/dev-outbox`) and nothing leaves the machine.
//!
//! Not here yet (issue 4 continues): the HTTP SMS gateways and SMTP, delivery receipts, STOP
//! opt-outs, the rescue/reconcile leader, tokio-cron-scheduler, rate limits.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use relais_domain::safe_contact::{Channel, SafeContactProfile};
use relais_domain::sms::{self, MessageKind, QuietHours};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, Statement,
};
use uuid::Uuid;

use crate::app::AppState;
use crate::crypto::FieldCipher;
use crate::store::entities::{
    appointment, appointment_participant, appointment_type, dev_outbox, notification, person, site,
};
use crate::store::{OrgScoped, is_postgres};

/// What happened to an appointment, as `appointment_event.kind` spells it.
pub fn messages_for(change: &str) -> &'static [MessageKind] {
    match change {
        "booked" | "force_booked" | "moved" | "force_moved" => {
            &[MessageKind::Confirmation, MessageKind::Reminder]
        }
        "revoked" => &[MessageKind::Cancellation],
        _ => &[],
    }
}

fn kind_str(k: MessageKind) -> &'static str {
    match k {
        MessageKind::Confirmation => "confirmation",
        MessageKind::Reminder => "reminder",
        MessageKind::Cancellation => "cancellation",
    }
}

fn kind_parse(s: &str) -> Option<MessageKind> {
    match s {
        "confirmation" => Some(MessageKind::Confirmation),
        "reminder" => Some(MessageKind::Reminder),
        "cancellation" => Some(MessageKind::Cancellation),
        _ => None,
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

fn profile_of(c: &FieldCipher, p: &person::Model) -> Option<SafeContactProfile> {
    if p.anonymised_at.is_some() {
        return None;
    }
    c.open_json("person", "safe_contact", p.id, &p.safe_contact)
        .ok()
}

/// The channels the profile allows for written messages, in principle (windows and quiet
/// hours are checked at send time).
fn channels(p: &SafeContactProfile) -> Vec<&'static str> {
    let mut v = Vec::new();
    if p.checked_at.is_some() && p.sms && p.safe_phone.is_some() {
        v.push("sms");
    }
    if p.checked_at.is_some() && p.email && p.safe_email.is_some() {
        v.push("email");
    }
    v
}

/// Inside the appointment's transaction: cancel its live jobs, and schedule the messages
/// this change calls for. A job already running is caught by the pre-send check (the
/// appointment's version moved on).
pub async fn replan<C: ConnectionTrait>(
    txn: &C,
    c: &FieldCipher,
    m: &appointment::Model,
    change: &str,
    quiet: QuietHours,
) -> Result<u32, DbErr> {
    let now = Utc::now();
    notification::Entity::update_many()
        .col_expr(notification::Column::State, Expr::value("cancelled"))
        .col_expr(notification::Column::UpdatedAt, Expr::value(now))
        .filter(notification::Column::AppointmentId.eq(m.id))
        .filter(notification::Column::State.is_in(["scheduled", "retryable"]))
        .exec(txn)
        .await?;
    let kinds = messages_for(change);
    if kinds.is_empty() {
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
    let Some(s) = site::Entity::scoped(org)
        .filter(site::Column::Id.eq(m.site_id))
        .one(txn)
        .await?
    else {
        return Ok(0);
    };
    let tz = crate::api::schedule::site_tz(&s);
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
    let mut n = 0;
    for p in persons {
        let Some(profile) = profile_of(c, &p) else {
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
                    appointment_id: Set(m.id),
                    appointment_version: Set(m.version),
                    person_id: Set(p.id),
                    kind: Set(kind_str(*k).into()),
                    channel: Set(ch.into()),
                    state: Set("scheduled".into()),
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
                }
                .insert(txn)
                .await?;
                n += 1;
            }
        }
    }
    Ok(n)
}

/// A message ready to leave.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub notification_id: Uuid,
    pub organisation_id: Uuid,
    pub channel: String,
    pub recipient: String,
    pub body: String,
    pub idempotency_key: String,
}

/// Where messages go. Only the development outbox exists so far.
pub enum Provider {
    /// Keep the message in `dev_outbox`, sealed; nothing leaves the machine.
    Development,
}

impl Provider {
    fn name(&self) -> &'static str {
        match self {
            Provider::Development => "development",
        }
    }

    async fn send(&self, state: &AppState, m: &Outgoing) -> Result<String, DbErr> {
        match self {
            Provider::Development => {
                let c = state.cipher();
                let id = Uuid::new_v4();
                dev_outbox::ActiveModel {
                    id: Set(id),
                    organisation_id: Set(m.organisation_id),
                    notification_id: Set(m.notification_id),
                    channel: Set(m.channel.clone()),
                    recipient: Set(c.seal("dev_outbox", "recipient", id, m.recipient.as_bytes())),
                    body: Set(c.seal("dev_outbox", "body", id, m.body.as_bytes())),
                    created_at: Set(Utc::now()),
                }
                .insert(state.db())
                .await?;
                Ok(id.to_string())
            }
        }
    }
}

/// Claim up to `limit` due jobs for `instance`, under a lease, in one statement: on
/// PostgreSQL the due rows are locked with `SKIP LOCKED`, so instances never claim the same
/// job and never wait on each other; on SQLite the write lock serialises claimers.
pub async fn claim(
    state: &AppState,
    instance: &str,
    now: DateTime<Utc>,
    limit: u64,
    lease: Duration,
) -> Result<Vec<notification::Model>, DbErr> {
    let (_turn, txn) = state.begin_write().await?;
    let backend = txn.get_database_backend();
    let (p, skip_locked) = if is_postgres(&txn) {
        (["$1", "$2", "$3", "$4", "$5"], "FOR UPDATE SKIP LOCKED")
    } else {
        (["?", "?", "?", "?", "?"], "")
    };
    let sql = format!(
        "UPDATE notification SET state = 'running', attempt = attempt + 1, locked_by = {}, \
         lease_until = {}, updated_at = {} WHERE id IN (SELECT id FROM notification \
         WHERE state IN ('scheduled', 'retryable') AND due_at <= {} ORDER BY due_at LIMIT {} {skip_locked}) \
         RETURNING id",
        p[0], p[1], p[2], p[3], p[4]
    );
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                instance.into(),
                (now + lease).into(),
                Utc::now().into(),
                now.into(),
                (limit as i64).into(),
            ],
        ))
        .await?;
    let ids: Vec<Uuid> = rows
        .iter()
        .map(|r| r.try_get::<Uuid>("", "id"))
        .collect::<Result<_, _>>()?;
    let jobs = if ids.is_empty() {
        Vec::new()
    } else {
        notification::Entity::find()
            .filter(notification::Column::Id.is_in(ids))
            .order_by_asc(notification::Column::DueAt)
            .all(&txn)
            .await?
    };
    txn.commit().await?;
    Ok(jobs)
}

/// Write the outcome of a job this instance holds; `false` if the lease was lost.
async fn finish(
    state: &AppState,
    n: &notification::Model,
    instance: &str,
    set: notification::ActiveModel,
) -> Result<bool, DbErr> {
    let r = notification::Entity::update_many()
        .set(set)
        .filter(notification::Column::Id.eq(n.id))
        .filter(notification::Column::State.eq("running"))
        .filter(notification::Column::LockedBy.eq(instance))
        .exec(state.db())
        .await?;
    Ok(r.rows_affected == 1)
}

fn outcome(state: &str, reason: Option<&str>) -> notification::ActiveModel {
    notification::ActiveModel {
        state: Set(state.into()),
        reason: Set(reason.map(Into::into)),
        locked_by: Set(None),
        lease_until: Set(None),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
}

/// What the pre-send check decides.
enum Check {
    Send(Outgoing),
    /// Not now: quiet hours until this instant.
    Wait(DateTime<Utc>),
    Skip(&'static str),
}

/// Everything checked again just before sending.
async fn prepare(
    state: &AppState,
    n: &notification::Model,
    now: DateTime<Utc>,
    quiet: QuietHours,
) -> Result<Check, DbErr> {
    if now >= n.expires_at {
        return Ok(Check::Skip("expired"));
    }
    let org = n.organisation_id;
    let Some(kind) = kind_parse(&n.kind) else {
        return Ok(Check::Skip("unknown_kind"));
    };
    let Some(a) = appointment::Entity::scoped(org)
        .filter(appointment::Column::Id.eq(n.appointment_id))
        .one(state.db())
        .await?
    else {
        return Ok(Check::Skip("appointment_gone"));
    };
    if a.version != n.appointment_version {
        return Ok(Check::Skip("appointment_changed"));
    }
    let expected = if kind == MessageKind::Cancellation {
        "revoked"
    } else {
        "planned"
    };
    if a.status != expected || a.deleted_at.is_some() {
        return Ok(Check::Skip("appointment_not_planned"));
    }
    let Some(p) = person::Entity::scoped(org)
        .filter(person::Column::Id.eq(n.person_id))
        .one(state.db())
        .await?
    else {
        return Ok(Check::Skip("person_gone"));
    };
    let Some(profile) = profile_of(state.cipher(), &p) else {
        return Ok(Check::Skip("no_profile"));
    };
    let Some(s) = site::Entity::scoped(org)
        .filter(site::Column::Id.eq(a.site_id))
        .one(state.db())
        .await?
    else {
        return Ok(Check::Skip("site_gone"));
    };
    let tz = crate::api::schedule::site_tz(&s);
    let local = now.with_timezone(&tz).naive_local();
    let (channel, recipient) = match n.channel.as_str() {
        "sms" => (Channel::Sms, profile.safe_phone.clone()),
        "email" => (Channel::Email, profile.safe_email.clone()),
        _ => return Ok(Check::Skip("unknown_channel")),
    };
    if profile.decide(channel, local).is_err() {
        return Ok(Check::Skip("channel_not_allowed"));
    }
    if channel == Channel::Sms && quiet.contains(local.time()) {
        return Ok(Check::Wait(after_quiet(now, tz, quiet)));
    }
    let Some(recipient) = recipient else {
        return Ok(Check::Skip("no_address"));
    };
    let place = profile.may_name_service.then_some(s.address.as_str());
    let body = sms::neutral_text(kind, a.starts_at, tz, place, None);
    Ok(Check::Send(Outgoing {
        notification_id: n.id,
        organisation_id: org,
        channel: n.channel.clone(),
        recipient,
        body,
        idempotency_key: n.idempotency_key.clone(),
    }))
}

/// Check, send and record one claimed job. `Ok(true)`: sent.
pub async fn process(
    state: &AppState,
    provider: &Provider,
    instance: &str,
    n: &notification::Model,
    now: DateTime<Utc>,
    quiet: QuietHours,
) -> Result<bool, DbErr> {
    let out = match prepare(state, n, now, quiet).await? {
        Check::Send(o) => o,
        Check::Wait(later) => {
            // Back in the queue for the end of the quiet hours, if still in time.
            let again = if later < n.expires_at {
                let mut a = outcome("scheduled", Some("quiet_hours"));
                a.due_at = Set(later);
                a
            } else {
                outcome("skipped", Some("quiet_hours"))
            };
            finish(state, n, instance, again).await?;
            return Ok(false);
        }
        Check::Skip(reason) => {
            finish(state, n, instance, outcome("skipped", Some(reason))).await?;
            return Ok(false);
        }
    };
    // Recorded before the send: a crash after this point is an ambiguous send.
    let mut started = outcome("running", None);
    started.locked_by = Set(Some(instance.to_owned()));
    started.lease_until = Set(n.lease_until);
    started.send_started_at = Set(Some(Utc::now()));
    if !finish(state, n, instance, started).await? {
        return Ok(false);
    }
    let size = sms::size(&out.body);
    match provider.send(state, &out).await {
        Ok(provider_id) => {
            let mut done = outcome("sent", None);
            done.sent_at = Set(Some(Utc::now()));
            done.provider = Set(Some(provider.name().into()));
            done.provider_message_id = Set(Some(provider_id));
            done.encoding = Set(Some(size.encoding.as_str().into()));
            done.segments = Set(Some(size.segments as i32));
            finish(state, n, instance, done).await
        }
        Err(e) => {
            tracing::warn!(error = %e, "development outbox write failed");
            finish(
                state,
                n,
                instance,
                outcome("retryable", Some("provider_error")),
            )
            .await?;
            Ok(false)
        }
    }
}

/// One pass: claim due jobs, then check, send and record each. Returns how many were sent.
pub async fn run_once(
    state: &AppState,
    provider: &Provider,
    instance: &str,
    now: DateTime<Utc>,
    quiet: QuietHours,
) -> Result<usize, DbErr> {
    let jobs = claim(state, instance, now, 200, Duration::minutes(5)).await?;
    let mut sent = 0;
    for n in &jobs {
        if process(state, provider, instance, n, now, quiet).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Run the dispatcher every `every` until the process stops.
pub fn spawn(state: AppState, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let instance = format!("relais-{}", Uuid::new_v4().simple());
        let provider = Provider::Development;
        loop {
            match run_once(
                &state,
                &provider,
                &instance,
                Utc::now(),
                state.quiet_hours(),
            )
            .await
            {
                Ok(n) if n > 0 => tracing::info!(sent = n, "outbox"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "outbox pass failed"),
            }
            tokio::time::sleep(every).await;
        }
    })
}
