//! The coordinator's phone, offline first: the local store, the change feed pulled into it,
//! the intents queued in it and pushed, and the read models the screens show. Plain Rust:
//! `ffi` wraps it for the apps, `tests/` drive it against a real server.
//!
//! What the coordinator does is queued as an intent in one local transaction with its local
//! echo (so the agenda and the queue show it at once), and sent in order. The server answers
//! each: applied (its records replace the echo), rejected (the echo goes, the intent stays
//! with the reason until the coordinator discards it, and later intents on the same
//! situation or appointment are held behind it), retry later, or skipped. Nothing is dropped
//! silently: a wipe reports how many intents it lost.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use relais_domain::dto::{
    Absence, Appointment, AppointmentInput, AppointmentStatus, AppointmentType, AttemptInput,
    BusySpan, CancelInput, ContactAttempt, Intent, IntentAction, IntentAnswer, IntentOutcome,
    InterviewInput, MoveInput, OpeningWindow, OrientationInput, OutcomeInput, PushRequest,
    ScheduleException, Site, Situation, SituationEventInput, Slot, SyncChange, SyncPerson,
    SyncRecord, SyncSituation, SyncTable,
};
use relais_domain::outreach::{self, AttemptChannel, AttemptResult, QueueItem, State};
use relais_domain::problem::ProblemCode;
use relais_domain::schedule::{self, Calendar, DateException, Interval, WeeklyWindow};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::client::{Client, ClientError};
use crate::store::{Row, Store, StoreError, Tx, decode_hex, encode_hex, parse_id};

/// Without a successful sync for this long, the phone forgets everything it holds.
pub const WIPE_AFTER_HOURS: i64 = 72;
/// Intents sent in one push.
const PUSH_BATCH: usize = 50;
/// Changes asked for in one page.
const PAGE: u32 = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Refused on the phone, before anything is queued: the same rule the server applies.
    #[error("{reason}")]
    Refused {
        code: ProblemCode,
        field: Option<String>,
        reason: String,
    },
    #[error("introuvable sur ce téléphone")]
    NotHere,
}

impl From<rusqlite::Error> for CoreError {
    fn from(e: rusqlite::Error) -> Self {
        CoreError::Store(StoreError::Sqlite(e))
    }
}

pub type CoreResult<T> = Result<T, CoreError>;

fn refused(code: ProblemCode, field: Option<&str>, reason: impl Into<String>) -> CoreError {
    CoreError::Refused {
        code,
        field: field.map(str::to_owned),
        reason: reason.into(),
    }
}

fn json<T: Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

fn from_json<T: for<'de> Deserialize<'de>>(b: &[u8]) -> CoreResult<T> {
    serde_json::from_slice(b).map_err(|e| CoreError::Store(StoreError::Corrupt(e.to_string())))
}

/// Where a queued intent stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntentState {
    /// Waiting to be sent (or sent, without an answer yet).
    Pending,
    /// Refused by the server; kept with the reason until the coordinator discards it.
    Rejected,
    /// Waits behind a rejected intent on the same situation or appointment.
    Held,
}

impl IntentState {
    fn as_str(self) -> &'static str {
        match self {
            IntentState::Pending => "pending",
            IntentState::Rejected => "rejected",
            IntentState::Held => "held",
        }
    }
    fn parse(s: &str) -> IntentState {
        match s {
            "rejected" => IntentState::Rejected,
            "held" => IntentState::Held,
            _ => IntentState::Pending,
        }
    }
}

/// A queued intent, as the sync screen lists it.
#[derive(Debug, Clone)]
pub struct QueuedIntent {
    pub id: Uuid,
    pub seq: i64,
    pub kind: String,
    pub target: Uuid,
    pub state: IntentState,
    pub code: Option<String>,
    pub reason: Option<String>,
    pub tries: i64,
}

/// What the sync screen shows.
#[derive(Debug, Clone, Default)]
pub struct SyncStatus {
    pub last_success: Option<DateTime<Utc>>,
    pub pending: usize,
    pub rejected: Vec<QueuedIntent>,
    pub held: usize,
    /// Intents lost by the last wipe (device revoked, or no sync for 72 h).
    pub lost_by_last_wipe: usize,
    pub last_error: Option<String>,
}

/// One sync's outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pulled: usize,
    pub pages: usize,
    pub applied: usize,
    pub rejected: usize,
    pub waiting: usize,
}

/// A line of the agenda: the person by initials until the file is opened.
#[derive(Debug, Clone)]
pub struct AgendaLine {
    pub appointment_id: Uuid,
    pub type_id: Uuid,
    pub site_id: Uuid,
    pub coordinator_id: Uuid,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub status: AppointmentStatus,
    pub person_ids: Vec<Uuid>,
    pub initials: Vec<String>,
    pub version: i32,
    /// Changed on the phone, not yet applied by the server.
    pub pending: bool,
}

/// A line of the call-back queue, in `domain::outreach` order.
#[derive(Debug, Clone)]
pub struct QueueLine {
    pub situation_id: Uuid,
    pub person_id: Uuid,
    pub initials: String,
    pub state: State,
    pub priority: outreach::Priority,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
    pub callback_open: bool,
    pub callback: Option<outreach::CallbackWindow>,
    pub safe_contact_stale: bool,
    pub pending: usize,
}

/// A situation's file on the phone: opening it shows the person's details.
#[derive(Debug, Clone)]
pub struct SituationFile {
    pub situation: Situation,
    pub person: Option<SyncPerson>,
    /// The attempts, the pending ones (logged on the phone) included and marked.
    pub attempts: Vec<(ContactAttempt, bool)>,
    pub intents: Vec<QueuedIntent>,
}

/// The table word under which a record is kept. Busy time shares the appointments' ids: an
/// appointment that moves to another site becomes busy time in place.
fn tbl(t: SyncTable) -> &'static str {
    match t {
        SyncTable::Busy | SyncTable::Appointment => "appointment",
        other => other.as_str(),
    }
}

/// A stored appointment: in full, or times only.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "as", rename_all = "snake_case")]
enum HeldAppointment {
    Full(Appointment),
    Busy(BusySpan),
}

fn row_of(r: &SyncRecord) -> Row {
    let mut row = Row {
        tbl: tbl(r.table()),
        id: r.id(),
        ..Row::default()
    };
    match r {
        SyncRecord::Appointment(a) => {
            row.body = json(&HeldAppointment::Full(a.clone()));
            row.site_id = Some(a.site_id);
            row.coordinator_id = Some(a.coordinator_id);
            row.starts_at = Some(a.start.timestamp());
            row.ends_at = Some(a.end.timestamp());
        }
        SyncRecord::Busy(b) => {
            row.body = json(&HeldAppointment::Busy(b.clone()));
            row.coordinator_id = Some(b.coordinator_id);
            row.starts_at = Some(b.start.timestamp());
            row.ends_at = Some(b.end.timestamp());
        }
        SyncRecord::Site(x) => row.body = json(x),
        SyncRecord::AppointmentType(x) => row.body = json(x),
        SyncRecord::OpeningWindow(x) => {
            row.body = json(x);
            row.site_id = Some(x.site_id);
            row.coordinator_id = Some(x.coordinator_id);
        }
        SyncRecord::ScheduleException(x) => {
            row.body = json(x);
            row.site_id = Some(x.site_id);
            row.coordinator_id = Some(x.coordinator_id);
        }
        SyncRecord::Absence(x) => {
            row.body = json(x);
            row.coordinator_id = Some(x.coordinator_id);
        }
        SyncRecord::Situation(x) => row.body = json(x),
        SyncRecord::Person(x) => row.body = json(x),
        SyncRecord::Partner(x) => row.body = json(x),
    }
    row
}

/// What an intent is about: later intents on the same target wait behind a rejected one.
fn target_of(a: &IntentAction, own_id: Uuid) -> Uuid {
    match a {
        IntentAction::LogAttempt { situation_id, .. }
        | IntentAction::SituationEvent { situation_id, .. }
        | IntentAction::Interview { situation_id, .. }
        | IntentAction::Orient { situation_id, .. } => *situation_id,
        IntentAction::Move { appointment_id, .. }
        | IntentAction::Cancel { appointment_id, .. }
        | IntentAction::Seen { appointment_id, .. }
        | IntentAction::NoShow { appointment_id, .. } => *appointment_id,
        IntentAction::Book { .. } => own_id,
    }
}

/// The version an intent expects, for those fenced on one.
fn version_mut(a: &mut IntentAction) -> Option<&mut i32> {
    match a {
        IntentAction::SituationEvent { input, .. } => Some(&mut input.version),
        IntentAction::Move { input, .. } => Some(&mut input.version),
        IntentAction::Cancel { input, .. } => Some(&mut input.version),
        IntentAction::Seen { input, .. } | IntentAction::NoShow { input, .. } => {
            Some(&mut input.version)
        }
        _ => None,
    }
}

/// Whether an applied intent bumps its target's version (so later intents on it expect one
/// more). Every situation change does; on an appointment, every change does.
fn bumps_version(a: &IntentAction) -> bool {
    !matches!(a, IntentAction::Book { .. })
}

fn appointment_target(a: &mut IntentAction) -> Option<&mut Uuid> {
    match a {
        IntentAction::Move { appointment_id, .. }
        | IntentAction::Cancel { appointment_id, .. }
        | IntentAction::Seen { appointment_id, .. }
        | IntentAction::NoShow { appointment_id, .. } => Some(appointment_id),
        _ => None,
    }
}

pub struct Phone {
    client: Client,
    store: std::sync::Arc<Store>,
    sync_lock: tokio::sync::Mutex<()>,
    wake: tokio::sync::Notify,
}

impl Phone {
    /// Open the phone's store at `db_path` with the key from the platform keystore. A store
    /// sealed under another key (the keystore was reset) is wiped and opened afresh.
    pub fn open(server_url: &str, db_path: &Path, key: &[u8]) -> CoreResult<Phone> {
        let client = Client::new(server_url)?;
        let store = match Store::open(db_path, key) {
            Err(StoreError::Key) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = db_path.as_os_str().to_owned();
                    p.push(suffix);
                    let _ = std::fs::remove_file(std::path::PathBuf::from(p));
                }
                Store::open(db_path, key)?
            }
            other => other?,
        };
        let store = std::sync::Arc::new(store);
        // Every new refresh token is sealed and kept at once.
        let keep = std::sync::Arc::clone(&store);
        client.on_grant(std::sync::Arc::new(move |g| {
            let _ = keep_grant(&keep, g);
        }));
        let phone = Phone {
            client,
            store,
            sync_lock: tokio::sync::Mutex::new(()),
            wake: tokio::sync::Notify::new(),
        };
        phone.resume_stored()?;
        Ok(phone)
    }

    fn resume_stored(&self) -> CoreResult<()> {
        let Some(d) = self.store.meta("device_id")? else {
            return Ok(());
        };
        let device = parse_id(&d)?;
        // The tokens are sealed: they open the account's data on the server.
        let open = |key: &str| -> CoreResult<Option<String>> {
            Ok(match self.store.meta(key)? {
                Some(v) => self
                    .store
                    .open_sealed("meta", key, &decode_hex(&v).unwrap_or_default())
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned()),
                None => None,
            })
        };
        let Some(refresh) = open("refresh")? else {
            return Ok(());
        };
        let access = open("access")?;
        let until = self
            .store
            .meta("access_until")?
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
            .map(|t| t.with_timezone(&Utc));
        match (access, until) {
            (Some(a), Some(u)) => self.client.resume_with_access(device, &refresh, &a, u),
            _ => self.client.resume(device, &refresh),
        }
        Ok(())
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Sign this phone in. Another account's data, if any, is wiped first.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        totp_code: Option<String>,
        device_name: &str,
    ) -> CoreResult<relais_domain::dto::DeviceGrant> {
        let g = self
            .client
            .login_device(email, password, totp_code, None, device_name)
            .await?;
        let p = self.client.profile().await?;
        let account = p.account_id.to_string();
        if self.store.meta("account_id")?.is_some_and(|a| a != account) {
            self.wipe("account")?;
            keep_grant(&self.store, &g)?;
        }
        self.store.set_meta("account_id", &account)?;
        Ok(g)
    }

    /// Sign out: the device is revoked on the server when it can be reached, and the phone
    /// forgets everything (reporting the intents it could not send).
    pub async fn logout(&self) -> CoreResult<usize> {
        let _ = self.client.logout().await;
        self.wipe("logout")
    }

    /// Forget everything this phone holds. Returns how many intents were lost.
    pub fn wipe(&self, why: &str) -> CoreResult<usize> {
        let lost: i64 = self.store.conn().query_row(
            "SELECT COUNT(*) FROM intent WHERE state <> 'rejected'",
            [],
            |r| r.get(0),
        )?;
        self.store.wipe()?;
        self.store
            .set_meta("lost_by_last_wipe", &lost.to_string())?;
        self.store.set_meta("wiped_because", why)?;
        Ok(lost as usize)
    }

    /// Wipe when the last successful sync is older than 72 hours (checked before every read).
    pub fn check_age(&self, now: DateTime<Utc>) -> CoreResult<bool> {
        let last = self.last_success()?;
        let holds = self.store.meta("cursor")?.is_some();
        if holds && last.is_none_or(|t| now - t > Duration::hours(WIPE_AFTER_HOURS)) {
            self.wipe("stale")?;
            return Ok(true);
        }
        Ok(false)
    }

    fn last_success(&self) -> CoreResult<Option<DateTime<Utc>>> {
        Ok(self
            .store
            .meta("last_success")?
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
            .map(|t| t.with_timezone(&Utc)))
    }

    // ------------------------------------------------------------------ sync

    /// Push what is queued, pull what changed, push again what a pull unblocked. Resumable
    /// at any point: each page and each answer is applied in one local transaction.
    pub async fn sync(&self) -> CoreResult<SyncReport> {
        let _one = self.sync_lock.lock().await;
        let mut report = SyncReport::default();
        let r = async {
            self.push_all(&mut report).await?;
            self.pull_all(&mut report).await?;
            self.push_all(&mut report).await?;
            CoreResult::Ok(())
        }
        .await;
        match r {
            Ok(()) => {
                self.store
                    .set_meta("last_success", &Utc::now().to_rfc3339())?;
                self.store.set_meta("last_error", "")?;
                Ok(report)
            }
            Err(CoreError::Client(ClientError::SessionEnded)) => {
                // The device was revoked (or its session ended for good): nothing personal
                // stays on a phone that can no longer sync.
                self.wipe("revoked")?;
                Err(CoreError::Client(ClientError::SessionEnded))
            }
            Err(e) => {
                self.store.set_meta("last_error", &e.to_string())?;
                Err(e)
            }
        }
    }

    /// Keep the phone in sync until the future is dropped: every `every`, at once when
    /// something is queued or the network comes back (`wake`), and after a failure with a
    /// growing pause (5 s, 10 s, … up to `every`). `on_sync` is told of each attempt. Ends
    /// when the session has ended for good (the phone is then wiped).
    pub async fn keep_synced(
        &self,
        every: std::time::Duration,
        on_sync: impl Fn(&CoreResult<SyncReport>),
    ) -> CoreError {
        let mut failures = 0u32;
        loop {
            let r = self.sync().await;
            on_sync(&r);
            let pause = match r {
                Ok(_) => {
                    failures = 0;
                    every
                }
                Err(CoreError::Client(ClientError::SessionEnded)) => {
                    return CoreError::Client(ClientError::SessionEnded);
                }
                Err(_) => {
                    failures = failures.saturating_add(1);
                    (std::time::Duration::from_secs(5) * 2u32.saturating_pow(failures - 1))
                        .min(every)
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = self.wake.notified() => {}
            }
        }
    }

    /// Something changed (an intent queued, the network back): a `keep_synced` loop syncs
    /// now rather than at its next tick.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    async fn pull_all(&self, report: &mut SyncReport) -> CoreResult<()> {
        loop {
            let since = self.store.meta("cursor")?;
            let page = self.client.pull(since.as_deref(), PAGE).await?;
            report.pages += 1;
            report.pulled += page.changes.len();
            self.store.transaction(|tx| {
                if page.reset {
                    tx.tx.execute("UPDATE record SET stale = 1", [])?;
                }
                for c in &page.changes {
                    match c {
                        SyncChange::Put { record } => put_record(tx, record)?,
                        SyncChange::Remove { table, id } => remove_record(tx, *table, *id)?,
                    }
                }
                if !page.has_more {
                    tx.tx.execute("DELETE FROM record WHERE stale = 1", [])?;
                }
                tx.set_meta("cursor", &page.cursor)?;
                Ok(())
            })?;
            if !page.has_more {
                return Ok(());
            }
        }
    }

    async fn push_all(&self, report: &mut SyncReport) -> CoreResult<()> {
        loop {
            let batch = self.pending_batch()?;
            if batch.is_empty() {
                return Ok(());
            }
            let ids: Vec<Uuid> = batch.iter().map(|i| i.id).collect();
            self.store.conn().execute(
                &format!(
                    "UPDATE intent SET tries = tries + 1 WHERE id IN ({})",
                    ids.iter()
                        .map(|i| format!("'{i}'"))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                [],
            )?;
            let res = self.client.push(&PushRequest { intents: batch }).await?;
            let mut progress = false;
            let mut later = false;
            self.store.transaction(|tx| {
                for a in &res.answers {
                    match a.outcome {
                        IntentOutcome::Applied => {
                            applied(tx, a)?;
                            report.applied += 1;
                            progress = true;
                        }
                        IntentOutcome::Rejected => {
                            rejected(tx, a)?;
                            report.rejected += 1;
                            progress = true;
                        }
                        IntentOutcome::RetryLater => later = true,
                        IntentOutcome::Skipped => {}
                    }
                }
                Ok(())
            })?;
            if later || !progress {
                report.waiting = self.count("pending")?;
                return Ok(());
            }
        }
    }

    fn pending_batch(&self) -> CoreResult<Vec<Intent>> {
        let c = self.store.conn();
        let mut st = c.prepare_cached(
            "SELECT seq, id, body FROM intent WHERE state = 'pending' ORDER BY seq LIMIT ?1",
        )?;
        let rows = st.query_map(params![PUSH_BATCH as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, id, body) = row?;
            let action: IntentAction = from_json(&self.store.open_sealed("intent", &id, &body)?)?;
            out.push(Intent {
                id: parse_id(&id)?,
                seq,
                action,
            });
        }
        Ok(out)
    }

    fn count(&self, state: &str) -> CoreResult<usize> {
        let n: i64 = self.store.conn().query_row(
            "SELECT COUNT(*) FROM intent WHERE state = ?1",
            params![state],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// What the sync screen shows.
    pub fn status(&self) -> CoreResult<SyncStatus> {
        let intents = self.intents(None)?;
        Ok(SyncStatus {
            last_success: self.last_success()?,
            pending: intents
                .iter()
                .filter(|i| i.state == IntentState::Pending)
                .count(),
            held: intents
                .iter()
                .filter(|i| i.state == IntentState::Held)
                .count(),
            rejected: intents
                .into_iter()
                .filter(|i| i.state == IntentState::Rejected)
                .collect(),
            lost_by_last_wipe: self
                .store
                .meta("lost_by_last_wipe")?
                .and_then(|s| s.parse().ok())
                .unwrap_or(0),
            last_error: self.store.meta("last_error")?.filter(|s| !s.is_empty()),
        })
    }

    /// The queued intents, of one target or all, in order.
    pub fn intents(&self, target: Option<Uuid>) -> CoreResult<Vec<QueuedIntent>> {
        let c = self.store.conn();
        let mut st = c.prepare_cached(
            "SELECT id, seq, kind, target, state, code, reason, tries FROM intent ORDER BY seq",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<Vec<u8>>>(6)?,
                r.get::<_, i64>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, seq, kind, t, state, code, reason, tries) = row?;
            let t = parse_id(&t)?;
            if target.is_some_and(|x| x != t) {
                continue;
            }
            let reason = reason
                .map(|r| self.store.open_sealed("intent_reason", &id, &r))
                .transpose()?
                .map(|b| String::from_utf8_lossy(&b).into_owned());
            out.push(QueuedIntent {
                id: parse_id(&id)?,
                seq,
                kind,
                target: t,
                state: IntentState::parse(&state),
                code,
                reason,
                tries,
            });
        }
        Ok(out)
    }

    /// The coordinator has read a rejection and lets it go: the intents held behind it are
    /// queued again, after everything sent so far.
    pub fn discard(&self, intent_id: Uuid) -> CoreResult<()> {
        self.store.transaction(|tx| {
            let row: Option<(String, String)> = tx
                .tx
                .query_row(
                    "SELECT target, state FROM intent WHERE id = ?1",
                    params![intent_id.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((target, state)) = row else {
                return Ok(());
            };
            if state != "rejected" {
                return Err(StoreError::Corrupt(
                    "only a rejected intent can be discarded".into(),
                ));
            }
            tx.tx.execute(
                "DELETE FROM intent WHERE id = ?1",
                params![intent_id.to_string()],
            )?;
            let held: Vec<i64> = {
                let mut st = tx.tx.prepare(
                    "SELECT seq FROM intent WHERE target = ?1 AND state = 'held' ORDER BY seq",
                )?;
                st.query_map(params![target], |r| r.get(0))?
                    .collect::<Result<_, _>>()?
            };
            for old in held {
                let seq = next_seq(tx)?;
                tx.tx.execute(
                    "UPDATE intent SET seq = ?1, state = 'pending' WHERE seq = ?2",
                    params![seq, old],
                )?;
            }
            Ok(())
        })?;
        Ok(())
    }

    // ------------------------------------------------------------------ intents

    fn queue(&self, action: IntentAction, echoes: Vec<Row>) -> CoreResult<Uuid> {
        self.queue_as(Uuid::new_v4(), action, echoes)
    }

    /// Queue an intent under a known id (a booking's echo carries it) with its echoes.
    fn queue_as(&self, id: Uuid, action: IntentAction, echoes: Vec<Row>) -> CoreResult<Uuid> {
        let target = target_of(&action, id);
        self.store.transaction(|tx| {
            // Behind a rejected or held intent on the same target, it waits too.
            let blocked: bool = tx.tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM intent WHERE target = ?1 AND state <> 'pending')",
                params![target.to_string()],
                |r| r.get(0),
            )?;
            let seq = next_seq(tx)?;
            let sid = id.to_string();
            tx.tx.execute(
                "INSERT INTO intent (seq, id, kind, target, body, state, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    seq,
                    sid,
                    action.kind(),
                    target.to_string(),
                    tx.seal("intent", &sid, &json(&action)),
                    if blocked { IntentState::Held } else { IntentState::Pending }.as_str(),
                    Utc::now().timestamp()
                ],
            )?;
            for e in &echoes {
                let eid = e.id.to_string();
                tx.tx.execute(
                    "INSERT OR REPLACE INTO echo (intent_id, tbl, id, body) VALUES (?1, ?2, ?3, ?4)",
                    params![sid, e.tbl, eid, tx.seal(&format!("echo/{}", e.tbl), &eid, &e.body)],
                )?;
            }
            Ok(())
        })?;
        self.wake();
        Ok(id)
    }

    fn situation_record(&self, id: Uuid) -> CoreResult<SyncSituation> {
        let b = self.store.get("situation", id)?.ok_or(CoreError::NotHere)?;
        from_json(&b)
    }

    fn person_record(&self, id: Uuid) -> CoreResult<Option<SyncPerson>> {
        self.store
            .get("person", id)?
            .map(|b| from_json(&b))
            .transpose()
    }

    fn zone_of(&self, site_id: Option<Uuid>) -> CoreResult<Tz> {
        let site: Option<Site> = match site_id {
            Some(s) => self
                .store
                .get("site", s)?
                .map(|b| from_json(&b))
                .transpose()?,
            None => None,
        };
        Ok(site
            .and_then(|s| s.time_zone.parse::<Tz>().ok())
            .unwrap_or(chrono_tz::Europe::Paris))
    }

    /// Log a contact attempt. Refused here, with the server's reason, when the person's
    /// safe-contact profile forbids the channel now, or outside their callback window.
    pub fn log_attempt(
        &self,
        situation_id: Uuid,
        channel: AttemptChannel,
        result: AttemptResult,
        note: Option<String>,
        now: DateTime<Utc>,
    ) -> CoreResult<Uuid> {
        let s = self.situation_record(situation_id)?.situation;
        if s.state == State::Closed {
            return Err(refused(
                ProblemCode::SituationClosed,
                None,
                "Situation close : rouvrez-la pour la reprendre.",
            ));
        }
        let tz = self.zone_of(s.site_id)?;
        if s.state == State::CallbackScheduled
            && let Some(w) = s.callback
            && !w.allows(now)
        {
            return Err(refused(
                ProblemCode::OutsideCallbackWindow,
                None,
                format!(
                    "La personne a demandé à être rappelée entre {} et {}.",
                    w.start.with_timezone(&tz).format("%d/%m %H:%M"),
                    w.end.with_timezone(&tz).format("%d/%m %H:%M")
                ),
            ));
        }
        let file = self
            .person_record(s.person_id)?
            .and_then(|p| p.file)
            .ok_or_else(|| {
                refused(
                    ProblemCode::Forbidden,
                    None,
                    "Dossier de la personne absent de ce téléphone.",
                )
            })?;
        if let Err(r) = file
            .safe_contact
            .check_attempt(channel, now.with_timezone(&tz).naive_local())
        {
            return Err(refused(
                ProblemCode::UnsafeChannel,
                Some("channel"),
                format!("Contact refusé : {}.", r.reason_fr()),
            ));
        }
        let account = self.account_id()?;
        let echo = ContactAttempt {
            id: Uuid::new_v4(),
            at: now,
            channel,
            result,
            account_id: account,
            note: note.clone(),
        };
        let mut echoes = vec![Row {
            tbl: "attempt",
            id: situation_id,
            body: json(&echo),
            ..Row::default()
        }];
        // Calling starts the contacting phase, as on the server.
        if matches!(s.state, State::Received | State::ToQualify) {
            let mut next = s.clone();
            next.state = State::Contacting;
            next.allowed_events = outreach::allowed(next.state);
            echoes.push(Row {
                tbl: "situation",
                id: situation_id,
                body: json(&next),
                ..Row::default()
            });
        }
        self.queue(
            IntentAction::LogAttempt {
                situation_id,
                input: AttemptInput {
                    channel,
                    result,
                    note,
                    at: Some(now),
                },
            },
            echoes,
        )
    }

    /// Move a situation on (schedule a callback, close, …): only the changes its state allows.
    pub fn situation_event(
        &self,
        situation_id: Uuid,
        input: SituationEventInput,
    ) -> CoreResult<Uuid> {
        let s = self.current_situation(situation_id)?;
        let next = outreach::apply(s.state, input.event).map_err(|_| {
            refused(
                ProblemCode::InvalidTransition,
                Some("event"),
                format!(
                    "Changement impossible depuis l'état « {} ».",
                    s.state.label(relais_domain::words::Lang::Fr)
                ),
            )
        })?;
        let mut input = input;
        input.version = self.base_version("situation", situation_id, s.version)?;
        let mut echo = s.clone();
        echo.state = next;
        echo.allowed_events = outreach::allowed(next);
        if let Some(cb) = input.callback {
            echo.callback = Some(cb);
        }
        self.queue(
            IntentAction::SituationEvent {
                situation_id,
                input,
            },
            vec![Row {
                tbl: "situation",
                id: situation_id,
                body: json(&echo),
                ..Row::default()
            }],
        )
    }

    pub fn interview(&self, situation_id: Uuid, input: InterviewInput) -> CoreResult<Uuid> {
        self.situation_record(situation_id)?;
        self.queue(
            IntentAction::Interview {
                situation_id,
                input,
            },
            Vec::new(),
        )
    }

    pub fn orient(&self, situation_id: Uuid, input: OrientationInput) -> CoreResult<Uuid> {
        self.situation_record(situation_id)?;
        if !input.consent
            && input
                .override_reason
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
        {
            return Err(refused(
                ProblemCode::Required,
                Some("override_reason"),
                "Sans l'accord de la personne, dites pourquoi.",
            ));
        }
        self.queue(
            IntentAction::Orient {
                situation_id,
                input,
            },
            Vec::new(),
        )
    }

    /// Book into a slot the phone shows free. The server decides: a slot taken meanwhile
    /// comes back rejected with its reason.
    pub fn book(&self, input: AppointmentInput) -> CoreResult<Uuid> {
        let ty: AppointmentType = from_json(
            &self
                .store
                .get("appointment_type", input.type_id)?
                .ok_or(CoreError::NotHere)?,
        )?;
        let rules = ty.slot_rules();
        let tz = self.zone_of(Some(input.site_id))?;
        let start = input.start.with_timezone(&Utc);
        let echo = Appointment {
            id: Uuid::nil(),
            type_id: input.type_id,
            site_id: input.site_id,
            coordinator_id: input.coordinator_id,
            person_ids: vec![input.person_id],
            start: start.with_timezone(&tz).fixed_offset(),
            end: (start + rules.duration).with_timezone(&tz).fixed_offset(),
            status: AppointmentStatus::Planned,
            version: 1,
            emergency: input.emergency_reason.is_some(),
            updated_at: Utc::now(),
            change_seq: 0,
            reminder_not_delivered: false,
            history: Vec::new(),
        };
        // The echo's id is the intent's, until the server's appointment replaces it.
        let id = Uuid::new_v4();
        let mut echo = echo;
        echo.id = id;
        self.queue_as(
            id,
            IntentAction::Book { input },
            vec![appointment_row(&echo)],
        )
    }

    fn appointment_change(
        &self,
        appointment_id: Uuid,
        change: impl FnOnce(&mut Appointment, i32) -> IntentAction,
    ) -> CoreResult<Uuid> {
        let mut a = self.current_appointment(appointment_id)?;
        let base = self.base_version("appointment", appointment_id, a.version)?;
        let action = change(&mut a, base);
        self.queue(action, vec![appointment_row(&a)])
    }

    pub fn move_appointment(&self, appointment_id: Uuid, input: MoveInput) -> CoreResult<Uuid> {
        let tz_site = input.site_id;
        let tz = self.zone_of(tz_site)?;
        self.appointment_change(appointment_id, |a, v| {
            let len = a.end - a.start;
            let start = input.start.with_timezone(&Utc);
            a.start = start.with_timezone(&tz).fixed_offset();
            a.end = (start + len).with_timezone(&tz).fixed_offset();
            if let Some(s) = input.site_id {
                a.site_id = s;
            }
            if let Some(c) = input.coordinator_id {
                a.coordinator_id = c;
            }
            IntentAction::Move {
                appointment_id,
                input: MoveInput {
                    version: v,
                    ..input
                },
            }
        })
    }

    pub fn cancel(&self, appointment_id: Uuid, input: CancelInput) -> CoreResult<Uuid> {
        self.appointment_change(appointment_id, |a, v| {
            a.status = match input.by {
                relais_domain::dto::CancelledBy::Person => AppointmentStatus::Excused,
                relais_domain::dto::CancelledBy::Service => AppointmentStatus::Revoked,
            };
            IntentAction::Cancel {
                appointment_id,
                input: CancelInput {
                    version: v,
                    ..input
                },
            }
        })
    }

    pub fn seen(&self, appointment_id: Uuid) -> CoreResult<Uuid> {
        self.appointment_change(appointment_id, |a, v| {
            a.status = AppointmentStatus::Seen;
            IntentAction::Seen {
                appointment_id,
                input: OutcomeInput { version: v },
            }
        })
    }

    pub fn no_show(&self, appointment_id: Uuid) -> CoreResult<Uuid> {
        self.appointment_change(appointment_id, |a, v| {
            a.status = AppointmentStatus::NoShow;
            IntentAction::NoShow {
                appointment_id,
                input: OutcomeInput { version: v },
            }
        })
    }

    /// The version the server holds now, as the coordinator saw it: pending intents on the
    /// same row raise it when they apply (see `applied`).
    fn base_version(&self, tbl: &str, id: Uuid, shown: i32) -> CoreResult<i32> {
        let server: Option<i32> = match tbl {
            "situation" => self
                .store
                .get("situation", id)?
                .map(|b| from_json::<SyncSituation>(&b))
                .transpose()?
                .map(|s| s.situation.version),
            _ => match self.store.get("appointment", id)? {
                Some(b) => match from_json::<HeldAppointment>(&b)? {
                    HeldAppointment::Full(a) => Some(a.version),
                    HeldAppointment::Busy(_) => None,
                },
                None => None,
            },
        };
        Ok(server.unwrap_or(shown))
    }

    fn account_id(&self) -> CoreResult<Uuid> {
        self.store
            .meta("account_id")?
            .map(|s| parse_id(&s))
            .transpose()?
            .ok_or(CoreError::Client(ClientError::SessionEnded))
    }

    // ------------------------------------------------------------------ read models

    fn echoes(&self, tbl: &str) -> CoreResult<BTreeMap<(i64, Uuid), Vec<u8>>> {
        // Keyed by (intent seq, row id): the latest echo of a row wins.
        let c = self.store.conn();
        let mut st = c.prepare_cached(
            "SELECT i.seq, e.id, e.body FROM echo e JOIN intent i ON i.id = e.intent_id WHERE e.tbl = ?1 AND i.state <> 'rejected'",
        )?;
        let rows = st.query_map(params![tbl], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (seq, id, body) = row?;
            let plain = self.store.open_sealed(&format!("echo/{tbl}"), &id, &body)?;
            out.insert((seq, parse_id(&id)?), plain);
        }
        Ok(out)
    }

    fn current_situation(&self, id: Uuid) -> CoreResult<Situation> {
        let mut s = self.situation_record(id)?.situation;
        for ((_, eid), body) in self.echoes("situation")? {
            if eid == id {
                s = from_json(&body)?;
            }
        }
        Ok(s)
    }

    fn current_appointment(&self, id: Uuid) -> CoreResult<Appointment> {
        let mut found = match self.store.get("appointment", id)? {
            Some(b) => match from_json::<HeldAppointment>(&b)? {
                HeldAppointment::Full(a) => Some(a),
                HeldAppointment::Busy(_) => None,
            },
            None => None,
        };
        for ((_, eid), body) in self.echoes("appointment")? {
            if eid == id {
                found = Some(from_json(&body)?);
            }
        }
        found.ok_or(CoreError::NotHere)
    }

    /// The agenda from `from` to `to`, of one site or all, with what the phone changed.
    pub fn agenda(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        site_id: Option<Uuid>,
    ) -> CoreResult<Vec<AgendaLine>> {
        let mut by_id: HashMap<Uuid, (Appointment, bool)> = HashMap::new();
        for (id, b) in self
            .store
            .between("appointment", from.timestamp(), to.timestamp())?
        {
            if let HeldAppointment::Full(a) = from_json::<HeldAppointment>(&b)? {
                by_id.insert(id, (a, false));
            }
        }
        for (_, body) in self.echoes("appointment")? {
            let a: Appointment = from_json(&body)?;
            let start = a.start.with_timezone(&Utc);
            if start >= from && start < to {
                by_id.insert(a.id, (a, true));
            } else {
                by_id.remove(&a.id);
            }
        }
        let mut initials: HashMap<Uuid, String> = HashMap::new();
        let mut lines = Vec::new();
        for (a, pending) in by_id.into_values() {
            if site_id.is_some_and(|s| s != a.site_id) {
                continue;
            }
            let mut ini = Vec::new();
            for p in &a.person_ids {
                if !initials.contains_key(p) {
                    let i = match self.store.get("initials", *p)? {
                        Some(b) => from_json::<InitialsIndex>(&b)?.initials,
                        None => "—".into(),
                    };
                    initials.insert(*p, i);
                }
                ini.push(initials[p].clone());
            }
            lines.push(AgendaLine {
                appointment_id: a.id,
                type_id: a.type_id,
                site_id: a.site_id,
                coordinator_id: a.coordinator_id,
                start: a.start,
                end: a.end,
                status: a.status,
                person_ids: a.person_ids,
                initials: ini,
                version: a.version,
                pending,
            });
        }
        lines.sort_by_key(|l| (l.start, l.appointment_id));
        Ok(lines)
    }

    /// The call-back queue: situations on the queue or assigned to this coordinator, in the
    /// order `domain::outreach` gives, overdue callbacks and stale profiles flagged.
    pub fn call_back_queue(&self, now: DateTime<Utc>) -> CoreResult<Vec<QueueLine>> {
        let mut lines: HashMap<Uuid, QueueIndex> = self
            .store
            .all("queue_line")?
            .into_iter()
            .map(|(id, b)| from_json::<QueueIndex>(&b).map(|q| (id, q)))
            .collect::<CoreResult<_>>()?;
        for ((_, id), body) in self.echoes("situation")? {
            if let Some(q) = lines.get_mut(&id) {
                *q = QueueIndex::of(&from_json::<Situation>(&body)?);
            }
        }
        let mut pending: HashMap<Uuid, usize> = HashMap::new();
        {
            let c = self.store.conn();
            let mut st = c.prepare_cached("SELECT target, COUNT(*) FROM intent GROUP BY target")?;
            let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (t, n) = row?;
                pending.insert(parse_id(&t)?, n as usize);
            }
        }
        let mut items: Vec<QueueItem<Uuid>> = lines
            .iter()
            .map(|(id, q)| QueueItem {
                key: *id,
                state: q.state,
                priority: q.priority,
                due: q.due_at,
                callback: q.callback,
            })
            .collect();
        outreach::order_queue(&mut items, now);
        Ok(items
            .into_iter()
            .map(|i| {
                let q = &lines[&i.key];
                QueueLine {
                    situation_id: i.key,
                    person_id: q.person_id,
                    initials: q.initials.clone(),
                    state: q.state,
                    priority: q.priority,
                    due_at: q.due_at,
                    overdue: q.due_at < now && !q.first_contact,
                    callback_open: q.callback.is_some_and(|w| w.allows(now)),
                    callback: q.callback,
                    safe_contact_stale: q.stale,
                    pending: pending.get(&i.key).copied().unwrap_or(0),
                }
            })
            .collect())
    }

    /// A situation's file: the person's details (audited on the server when they came),
    /// the attempts with those logged here, and what is queued on it.
    pub fn situation(&self, id: Uuid) -> CoreResult<SituationFile> {
        let rec = self.situation_record(id)?;
        let situation = self.current_situation(id)?;
        let mut attempts: Vec<(ContactAttempt, bool)> =
            rec.attempts.into_iter().map(|a| (a, false)).collect();
        for ((_, sid), body) in self.echoes("attempt")? {
            if sid == id {
                attempts.push((from_json(&body)?, true));
            }
        }
        attempts.sort_by_key(|(a, _)| a.at);
        Ok(SituationFile {
            person: self.person_record(situation.person_id)?,
            situation,
            attempts,
            intents: self.intents(Some(id))?,
        })
    }

    /// Free slots of a type at a site, for one coordinator or all, from `from` to `to`
    /// (local dates): the server's search, on what the phone holds.
    pub fn free_slots(
        &self,
        type_id: Uuid,
        site_id: Uuid,
        coordinator: Option<Uuid>,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> CoreResult<Vec<Slot>> {
        let ty: AppointmentType = from_json(
            &self
                .store
                .get("appointment_type", type_id)?
                .ok_or(CoreError::NotHere)?,
        )?;
        let site: Site = from_json(&self.store.get("site", site_id)?.ok_or(CoreError::NotHere)?)?;
        let tz: Tz = site.time_zone.parse().unwrap_or(chrono_tz::Europe::Paris);
        let rules = ty.slot_rules();
        let types: HashMap<Uuid, AppointmentType> = self
            .store
            .all("appointment_type")?
            .into_iter()
            .map(|(id, b)| from_json(&b).map(|t| (id, t)))
            .collect::<CoreResult<_>>()?;
        let mut windows: BTreeMap<Uuid, Vec<WeeklyWindow>> = BTreeMap::new();
        for (_, b) in self.store.all("opening_window")? {
            let w: OpeningWindow = from_json(&b)?;
            if w.site_id == site_id && coordinator.is_none_or(|c| c == w.coordinator_id) {
                windows.entry(w.coordinator_id).or_default().push(w.rule());
            }
        }
        let active: HashSet<Uuid> = windows.keys().copied().collect();
        let mut exceptions: HashMap<Uuid, Vec<DateException>> = HashMap::new();
        for (_, b) in self.store.all("schedule_exception")? {
            let e: ScheduleException = from_json(&b)?;
            if e.site_id == site_id
                && active.contains(&e.coordinator_id)
                && e.date >= from
                && e.date <= to
            {
                exceptions
                    .entry(e.coordinator_id)
                    .or_default()
                    .push(e.rule());
            }
        }
        let mut recurring: HashMap<Uuid, Vec<WeeklyWindow>> = HashMap::new();
        let mut absences: HashMap<Uuid, Vec<Interval>> = HashMap::new();
        for (_, b) in self.store.all("absence")? {
            let a: Absence = from_json(&b)?;
            if !active.contains(&a.coordinator_id) {
                continue;
            }
            if let Some(w) = a.weekly() {
                recurring.entry(a.coordinator_id).or_default().push(w);
            }
            if let Some(i) = a.span() {
                absences.entry(a.coordinator_id).or_default().push(i);
            }
        }
        // Busy: held appointments with their type's buffers, others' busy time as sent, and
        // what the phone changed (a pending booking takes its slot; a cancellation frees it).
        let lo = Utc.from_utc_datetime(&from.and_hms_opt(0, 0, 0).unwrap_or_default())
            - Duration::hours(24);
        let hi = Utc.from_utc_datetime(&to.and_hms_opt(0, 0, 0).unwrap_or_default())
            + Duration::hours(48);
        let mut spans: HashMap<Uuid, (Uuid, Interval)> = HashMap::new();
        let busy_of = |a: &Appointment| -> Option<(Uuid, Interval)> {
            let counts = matches!(
                a.status,
                AppointmentStatus::Planned | AppointmentStatus::Seen | AppointmentStatus::NoShow
            );
            let t = types.get(&a.type_id)?;
            counts.then(|| {
                (
                    a.coordinator_id,
                    t.slot_rules().busy_span(a.start.with_timezone(&Utc)),
                )
            })
        };
        for (id, b) in self
            .store
            .between("appointment", lo.timestamp() - 86_400, hi.timestamp())?
        {
            match from_json::<HeldAppointment>(&b)? {
                HeldAppointment::Full(a) => {
                    if let Some(s) = busy_of(&a) {
                        spans.insert(id, s);
                    }
                }
                HeldAppointment::Busy(x) => {
                    spans.insert(
                        id,
                        (
                            x.coordinator_id,
                            Interval {
                                start: x.start,
                                end: x.end,
                            },
                        ),
                    );
                }
            }
        }
        for (_, body) in self.echoes("appointment")? {
            let a: Appointment = from_json(&body)?;
            match busy_of(&a) {
                Some(s) => spans.insert(a.id, s),
                None => spans.remove(&a.id),
            };
        }
        let mut busy: HashMap<Uuid, Vec<Interval>> = HashMap::new();
        for (c, i) in spans.into_values() {
            if active.contains(&c) && i.end > lo && i.start < hi {
                busy.entry(c).or_default().push(i);
            }
        }
        for v in busy.values_mut() {
            v.sort();
        }
        let holidays = relais_domain::holidays::holiday_dates(from, to, site.alsace_moselle);
        let none_w: Vec<WeeklyWindow> = Vec::new();
        let none_e: Vec<DateException> = Vec::new();
        let none_i: Vec<Interval> = Vec::new();
        let cals: Vec<(Uuid, Calendar<'_>)> = windows
            .iter()
            .map(|(c, w)| {
                (
                    *c,
                    Calendar {
                        tz,
                        windows: w,
                        exceptions: exceptions.get(c).unwrap_or(&none_e),
                        recurring_absences: recurring.get(c).unwrap_or(&none_w),
                        absences: absences.get(c).unwrap_or(&none_i),
                        busy: busy.get(c).unwrap_or(&none_i),
                        holidays: &holidays,
                    },
                )
            })
            .collect();
        Ok(schedule::free_slots_many(&cals, &rules, from, to, now)
            .into_iter()
            .map(|s| Slot {
                coordinator_id: s.coordinator,
                start: s.slot.start.with_timezone(&tz).fixed_offset(),
                end: s.slot.end.with_timezone(&tz).fixed_offset(),
            })
            .collect())
    }

    /// The appointment types, by name.
    pub fn types(&self) -> CoreResult<Vec<AppointmentType>> {
        let mut v: Vec<AppointmentType> = self
            .store
            .all("appointment_type")?
            .into_iter()
            .map(|(_, b)| from_json(&b))
            .collect::<CoreResult<_>>()?;
        v.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(v)
    }

    /// The organisation's sites, by name.
    pub fn sites(&self) -> CoreResult<Vec<Site>> {
        let mut v: Vec<Site> = self
            .store
            .all("site")?
            .into_iter()
            .map(|(_, b)| from_json(&b))
            .collect::<CoreResult<_>>()?;
        v.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(v)
    }

    /// The store, for tests that read the raw file.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// Keep a new grant, sealed: the device, its refresh token, and the access token while it
/// lasts.
fn keep_grant(store: &Store, g: &relais_domain::dto::DeviceGrant) -> Result<(), StoreError> {
    store.transaction(|tx| {
        tx.set_meta("device_id", &g.device_id.to_string())?;
        tx.set_meta(
            "refresh",
            &encode_hex(&tx.seal("meta", "refresh", g.refresh_token.as_bytes())),
        )?;
        tx.set_meta(
            "access",
            &encode_hex(&tx.seal("meta", "access", g.access_token.as_bytes())),
        )?;
        tx.set_meta("access_until", &g.access_expires_at.to_rfc3339())?;
        Ok(())
    })
}

fn appointment_row(a: &Appointment) -> Row {
    Row {
        tbl: "appointment",
        id: a.id,
        body: json(a),
        ..Row::default()
    }
}

/// A person's initials, kept apart from the file so the agenda opens a few bytes a line.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct InitialsIndex {
    initials: String,
}

/// What the call-back queue shows of a situation, kept apart from the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct QueueIndex {
    person_id: Uuid,
    initials: String,
    state: State,
    priority: outreach::Priority,
    due_at: DateTime<Utc>,
    callback: Option<outreach::CallbackWindow>,
    first_contact: bool,
    stale: bool,
}

impl QueueIndex {
    fn of(s: &Situation) -> QueueIndex {
        QueueIndex {
            person_id: s.person_id,
            initials: s.person_initials.clone(),
            state: s.state,
            priority: s.priority,
            due_at: s.due_at,
            callback: s.callback,
            first_contact: s.first_contact_at.is_some(),
            stale: s.safe_contact_stale,
        }
    }
}

fn put_record(tx: &Tx<'_>, r: &SyncRecord) -> Result<(), StoreError> {
    tx.put(&row_of(r))?;
    match r {
        SyncRecord::Person(p) => tx.put(&Row {
            tbl: "initials",
            id: p.id,
            body: json(&InitialsIndex {
                initials: p.initials.clone(),
            }),
            ..Row::default()
        }),
        SyncRecord::Situation(x) => tx.put(&Row {
            tbl: "queue_line",
            id: x.situation.id,
            body: json(&QueueIndex::of(&x.situation)),
            ..Row::default()
        }),
        _ => Ok(()),
    }
}

fn remove_record(tx: &Tx<'_>, t: SyncTable, id: Uuid) -> Result<(), StoreError> {
    tx.remove(tbl(t), id)?;
    match t {
        SyncTable::Person => tx.remove("initials", id),
        SyncTable::Situation => tx.remove("queue_line", id),
        _ => Ok(()),
    }
}

fn next_seq(tx: &Tx<'_>) -> Result<i64, StoreError> {
    let last: i64 = tx
        .meta("last_seq")?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let max: i64 = tx
        .tx
        .query_row("SELECT COALESCE(MAX(seq), 0) FROM intent", [], |r| r.get(0))?;
    let seq = last.max(max) + 1;
    tx.set_meta("last_seq", &seq.to_string())?;
    Ok(seq)
}

/// The server applied an intent: its records replace the echo; later intents on the same
/// row expect the version it raised; a booking's later intents name the real appointment.
fn applied(tx: &Tx<'_>, a: &IntentAnswer) -> Result<(), StoreError> {
    let sid = a.id.to_string();
    let row: Option<(String, i64, Vec<u8>)> = tx
        .tx
        .query_row(
            "SELECT target, seq, body FROM intent WHERE id = ?1",
            params![sid],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    for r in &a.records {
        put_record(tx, r)?;
    }
    tx.tx
        .execute("DELETE FROM echo WHERE intent_id = ?1", params![sid])?;
    tx.tx
        .execute("DELETE FROM intent WHERE id = ?1", params![sid])?;
    let Some((target, seq, body)) = row else {
        return Ok(());
    };
    let action: IntentAction = serde_json::from_slice(&tx.open_sealed("intent", &sid, &body)?)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let booked = match (
        &action,
        a.records
            .iter()
            .find(|r| r.table() == SyncTable::Appointment),
    ) {
        (IntentAction::Book { .. }, Some(r)) => Some(r.id()),
        _ => None,
    };
    let later: Vec<(String, Vec<u8>)> = {
        let mut st = tx
            .tx
            .prepare("SELECT id, body FROM intent WHERE target = ?1 AND seq > ?2")?;
        st.query_map(params![target, seq], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    for (id, body) in later {
        let mut act: IntentAction = serde_json::from_slice(&tx.open_sealed("intent", &id, &body)?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if bumps_version(&action)
            && let Some(v) = version_mut(&mut act)
        {
            *v += 1;
        }
        let mut new_target = target.clone();
        if let Some(real) = booked
            && let Some(t) = appointment_target(&mut act)
        {
            *t = real;
            new_target = real.to_string();
        }
        tx.tx.execute(
            "UPDATE intent SET body = ?1, target = ?2 WHERE id = ?3",
            params![tx.seal("intent", &id, &json(&act)), new_target, id],
        )?;
    }
    Ok(())
}

/// The server refused an intent: the echo goes, the reason stays, and what depends on it
/// waits.
fn rejected(tx: &Tx<'_>, a: &IntentAnswer) -> Result<(), StoreError> {
    let sid = a.id.to_string();
    let reason = a.reason.clone().unwrap_or_default();
    tx.tx
        .execute("DELETE FROM echo WHERE intent_id = ?1", params![sid])?;
    tx.tx.execute(
        "UPDATE intent SET state = 'rejected', code = ?1, reason = ?2 WHERE id = ?3",
        params![
            a.code.map(|c| c.as_str().to_owned()),
            tx.seal("intent_reason", &sid, reason.as_bytes()),
            sid
        ],
    )?;
    tx.tx.execute(
        "UPDATE intent SET state = 'held' WHERE state = 'pending' AND target = (SELECT target FROM intent WHERE id = ?1) AND seq > (SELECT seq FROM intent WHERE id = ?1)",
        params![sid],
    )?;
    Ok(())
}
