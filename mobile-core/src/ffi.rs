//! The uniffi surface the apps call: `RelaisCore` (opened with the key from the platform
//! keystore, handed over through `KeyProvider`) and one object per area — `Session`,
//! `Agenda`, `CallBackQueue`, `Situations`, `Booking`, `SyncCenter`. Listeners get the
//! current value first, then every change, until the handle they were given is dropped.
//! One small error enum. No rule here: every decision is in `phone` or `relais-domain`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::SystemTime;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::client::ClientError;
use crate::phone::{CoreError, IntentState, Phone};

/// What the apps can act on. No field is called `message`: it would clash with
/// `Throwable.message` in Kotlin.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum RelaisError {
    #[error("adresse du serveur invalide : {reason}")]
    InvalidServerUrl { reason: String },
    #[error("serveur injoignable")]
    Offline { reason: String },
    #[error("identifiants invalides")]
    InvalidCredentials,
    #[error("code de l'application d'authentification requis")]
    SecondFactorRequired,
    #[error("session terminée : reconnectez-vous")]
    SessionEnded,
    #[error("accès refusé")]
    Forbidden,
    #[error("trop de tentatives")]
    TooManyAttempts,
    #[error("{field} : {reason}")]
    InvalidInput { field: String, reason: String },
    /// Refused on the phone by the rule the server applies (safe contact, state, …).
    #[error("{reason}")]
    Refused {
        code: String,
        field: Option<String>,
        reason: String,
    },
    #[error("introuvable sur ce téléphone")]
    NotFound,
    #[error("stockage local : {reason}")]
    Storage { reason: String },
    #[error("erreur du serveur ({status})")]
    Server { status: u16, reason: String },
}

impl From<ClientError> for RelaisError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::ServerUrl(reason) => RelaisError::InvalidServerUrl { reason },
            ClientError::Unreachable(reason) => RelaisError::Offline { reason },
            ClientError::InvalidCredentials => RelaisError::InvalidCredentials,
            ClientError::SecondFactorRequired => RelaisError::SecondFactorRequired,
            ClientError::SessionEnded => RelaisError::SessionEnded,
            ClientError::Forbidden => RelaisError::Forbidden,
            ClientError::TooManyAttempts => RelaisError::TooManyAttempts,
            ClientError::InvalidInput { field, message } => RelaisError::InvalidInput {
                field,
                reason: message,
            },
            ClientError::Server { status, message } => RelaisError::Server {
                status,
                reason: message,
            },
        }
    }
}

impl From<CoreError> for RelaisError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::Client(c) => c.into(),
            CoreError::Store(s) => RelaisError::Storage {
                reason: s.to_string(),
            },
            CoreError::Refused {
                code,
                field,
                reason,
            } => RelaisError::Refused {
                code: code.as_str().to_owned(),
                field,
                reason,
            },
            CoreError::NotHere => RelaisError::NotFound,
        }
    }
}

type R<T> = Result<T, RelaisError>;

fn uuid(field: &str, s: &str) -> R<Uuid> {
    s.parse().map_err(|_| RelaisError::InvalidInput {
        field: field.into(),
        reason: "UUID attendu".into(),
    })
}

fn utc(t: SystemTime) -> DateTime<Utc> {
    t.into()
}

fn date(field: &str, s: &str) -> R<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| RelaisError::InvalidInput {
        field: field.into(),
        reason: "date AAAA-MM-JJ attendue".into(),
    })
}

/// The host app's keystore: a random 256-bit key, created once and kept in the Android
/// Keystore or the iOS Keychain, never in the app's files.
#[uniffi::export(with_foreign)]
pub trait KeyProvider: Send + Sync {
    fn database_key(&self) -> Vec<u8>;
}

// ------------------------------------------------------------------ records

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Role {
    Admin,
    Coordinator,
    Referrer,
}

impl From<relais_domain::Role> for Role {
    fn from(r: relais_domain::Role) -> Self {
        match r {
            relais_domain::Role::Admin => Role::Admin,
            relais_domain::Role::Coordinator => Role::Coordinator,
            relais_domain::Role::Referrer => Role::Referrer,
        }
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub address: String,
    pub phone: Option<String>,
    pub time_zone: String,
}

fn site(s: relais_domain::dto::Site) -> Site {
    Site {
        id: s.id.to_string(),
        name: s.name,
        address: s.address,
        phone: s.phone,
        time_zone: s.time_zone,
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct Profile {
    pub account_id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_name: String,
    pub sites: Vec<Site>,
}

/// The reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Language {
    French,
    English,
}

/// The lists of stored words the apps show (`relais_domain::words`: the one table of labels,
/// shared with the server's console and report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum WordList {
    SituationState,
    Priority,
    AppointmentStatus,
    AttemptChannel,
    AttemptResult,
    IntentKind,
}

/// The label of a stored word (`appointment_set`, `no_answer`…) in the reader's language; the
/// word itself if the list does not know it (a newer server's word is shown, never hidden).
#[uniffi::export]
pub fn word_label(list: WordList, word: String, language: Language) -> String {
    use relais_domain::words::{Lang, label_of};
    use relais_domain::{dto, outreach};
    let lang = match language {
        Language::French => Lang::Fr,
        Language::English => Lang::En,
    };
    match list {
        WordList::SituationState => label_of::<outreach::State>(&word, lang),
        WordList::Priority => label_of::<outreach::Priority>(&word, lang),
        WordList::AppointmentStatus => label_of::<dto::AppointmentStatus>(&word, lang),
        WordList::AttemptChannel => label_of::<outreach::AttemptChannel>(&word, lang),
        WordList::AttemptResult => label_of::<outreach::AttemptResult>(&word, lang),
        WordList::IntentKind => label_of::<dto::IntentKind>(&word, lang),
    }
    .into_owned()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AttemptChannel {
    Call,
    Sms,
    Email,
    Letter,
}

impl From<AttemptChannel> for relais_domain::outreach::AttemptChannel {
    fn from(c: AttemptChannel) -> Self {
        use relais_domain::outreach::AttemptChannel as D;
        match c {
            AttemptChannel::Call => D::Call,
            AttemptChannel::Sms => D::Sms,
            AttemptChannel::Email => D::Email,
            AttemptChannel::Letter => D::Letter,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AttemptResult {
    Answered,
    NoAnswer,
    NoMessageLeft,
    SomeoneElseAnswered,
    WrongNumber,
    Refused,
}

impl From<AttemptResult> for relais_domain::outreach::AttemptResult {
    fn from(r: AttemptResult) -> Self {
        use relais_domain::outreach::AttemptResult as D;
        match r {
            AttemptResult::Answered => D::Answered,
            AttemptResult::NoAnswer => D::NoAnswer,
            AttemptResult::NoMessageLeft => D::NoMessageLeft,
            AttemptResult::SomeoneElseAnswered => D::SomeoneElseAnswered,
            AttemptResult::WrongNumber => D::WrongNumber,
            AttemptResult::Refused => D::Refused,
        }
    }
}

/// An agenda line. `status` is the stored word (`planned`, `seen`, …).
#[derive(Debug, Clone, uniffi::Record)]
pub struct AgendaLine {
    pub appointment_id: String,
    pub site_id: String,
    pub coordinator_id: String,
    pub start: SystemTime,
    pub end: SystemTime,
    pub status: String,
    /// The persons by initials, until a file is opened.
    pub initials: Vec<String>,
    pub pending: bool,
}

/// A call-back queue line. `state` and `priority` are the stored words.
#[derive(Debug, Clone, uniffi::Record)]
pub struct QueueLine {
    pub situation_id: String,
    pub initials: String,
    pub state: String,
    pub priority: String,
    pub due_at: SystemTime,
    pub overdue: bool,
    pub callback_open: bool,
    pub safe_contact_stale: bool,
    pub pending: u32,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct Attempt {
    pub at: SystemTime,
    pub channel: String,
    pub result: String,
    pub note: Option<String>,
    pub pending: bool,
}

/// A situation's file as the phone holds it; the person's details only for a role that may
/// read them (the server audited their sending).
#[derive(Debug, Clone, uniffi::Record)]
pub struct SituationFile {
    pub situation_id: String,
    pub person_id: String,
    pub state: String,
    pub allowed_events: Vec<String>,
    pub version: i32,
    pub initials: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    /// What the safe-contact profile allows, in words (`appel`, `SMS`, …).
    pub safe_channels: Vec<String>,
    pub code_word: Option<String>,
    pub safe_contact_stale: bool,
    pub attempts: Vec<Attempt>,
    pub pending_intents: u32,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct AppointmentType {
    pub id: String,
    pub name: String,
    pub duration_minutes: i32,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct FreeSlot {
    pub coordinator_id: String,
    pub start: SystemTime,
    pub end: SystemTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum IntentStatus {
    Pending,
    Rejected,
    Held,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct QueuedIntent {
    pub id: String,
    pub kind: String,
    pub status: IntentStatus,
    /// The server's problem code of a rejection (`slot_taken`, `situation_closed`, …).
    pub code: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncStatus {
    pub last_success: Option<SystemTime>,
    pub pending: u32,
    pub held: u32,
    pub rejected: Vec<QueuedIntent>,
    pub lost_by_last_wipe: u32,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncReport {
    pub pulled: u32,
    pub applied: u32,
    pub rejected: u32,
    pub waiting: u32,
}

// ------------------------------------------------------------------ listeners

#[uniffi::export(with_foreign)]
pub trait SyncStatusListener: Send + Sync {
    fn on_status(&self, status: SyncStatus);
}

#[uniffi::export(with_foreign)]
pub trait QueueListener: Send + Sync {
    fn on_queue(&self, lines: Vec<QueueLine>);
}

enum Listener {
    Status(Arc<dyn SyncStatusListener>),
    Queue(Arc<dyn QueueListener>),
}

struct Inner {
    phone: Phone,
    listeners: Mutex<HashMap<u64, Listener>>,
    next: AtomicU64,
}

impl Inner {
    fn add(self: &Arc<Self>, l: Listener) -> Arc<ListenerHandle> {
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        self.listeners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, l);
        self.notify_one(id);
        Arc::new(ListenerHandle {
            inner: Arc::downgrade(self),
            id,
        })
    }

    fn notify_one(&self, id: u64) {
        let l = {
            let g = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
            match g.get(&id) {
                Some(Listener::Status(l)) => Listener::Status(Arc::clone(l)),
                Some(Listener::Queue(l)) => Listener::Queue(Arc::clone(l)),
                None => return,
            }
        };
        match l {
            Listener::Status(l) => {
                if let Ok(s) = self.status() {
                    l.on_status(s);
                }
            }
            Listener::Queue(l) => {
                if let Ok(q) = self.queue() {
                    l.on_queue(q);
                }
            }
        }
    }

    /// Tell every listener what changed (after a sync, a queued intent, a discard).
    fn notify(&self) {
        let ids: Vec<u64> = self
            .listeners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .copied()
            .collect();
        for id in ids {
            self.notify_one(id);
        }
    }

    fn status(&self) -> R<SyncStatus> {
        let s = self.phone.status()?;
        Ok(SyncStatus {
            last_success: s.last_success.map(Into::into),
            pending: s.pending as u32,
            held: s.held as u32,
            rejected: s.rejected.into_iter().map(intent).collect(),
            lost_by_last_wipe: s.lost_by_last_wipe as u32,
            last_error: s.last_error,
        })
    }

    fn queue(&self) -> R<Vec<QueueLine>> {
        let now = Utc::now();
        self.phone.check_age(now)?;
        Ok(self
            .phone
            .call_back_queue(now)?
            .into_iter()
            .map(|l| QueueLine {
                situation_id: l.situation_id.to_string(),
                initials: l.initials,
                state: l.state.as_str().to_owned(),
                priority: l.priority.as_str().to_owned(),
                due_at: l.due_at.into(),
                overdue: l.overdue,
                callback_open: l.callback_open,
                safe_contact_stale: l.safe_contact_stale,
                pending: l.pending as u32,
            })
            .collect())
    }
}

fn intent(i: crate::phone::QueuedIntent) -> QueuedIntent {
    QueuedIntent {
        id: i.id.to_string(),
        kind: i.kind,
        status: match i.state {
            IntentState::Pending => IntentStatus::Pending,
            IntentState::Rejected => IntentStatus::Rejected,
            IntentState::Held => IntentStatus::Held,
        },
        code: i.code,
        reason: i.reason,
    }
}

/// Keeps a listener registered; dropping it (or calling `stop`) unregisters it.
#[derive(uniffi::Object)]
pub struct ListenerHandle {
    inner: Weak<Inner>,
    id: u64,
}

#[uniffi::export]
impl ListenerHandle {
    pub fn stop(&self) {
        if let Some(i) = self.inner.upgrade() {
            i.listeners
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&self.id);
        }
    }
}

impl Drop for ListenerHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

// ------------------------------------------------------------------ the core and its areas

#[derive(uniffi::Object)]
pub struct RelaisCore {
    inner: Arc<Inner>,
}

#[uniffi::export]
impl RelaisCore {
    /// `server_url`: `https://…`, or `http://` to this machine or the emulator's host.
    /// `database_path`: a file in the app's private storage.
    #[uniffi::constructor]
    pub fn new(
        server_url: String,
        database_path: String,
        keys: Arc<dyn KeyProvider>,
    ) -> R<Arc<Self>> {
        let key = keys.database_key();
        let phone = Phone::open(&server_url, &PathBuf::from(database_path), &key)?;
        Ok(Arc::new(RelaisCore {
            inner: Arc::new(Inner {
                phone,
                listeners: Mutex::new(HashMap::new()),
                next: AtomicU64::new(1),
            }),
        }))
    }

    pub fn session(&self) -> Arc<Session> {
        Arc::new(Session(Arc::clone(&self.inner)))
    }
    pub fn agenda(&self) -> Arc<Agenda> {
        Arc::new(Agenda(Arc::clone(&self.inner)))
    }
    pub fn queue(&self) -> Arc<CallBackQueue> {
        Arc::new(CallBackQueue(Arc::clone(&self.inner)))
    }
    pub fn situations(&self) -> Arc<Situations> {
        Arc::new(Situations(Arc::clone(&self.inner)))
    }
    pub fn booking(&self) -> Arc<Booking> {
        Arc::new(Booking(Arc::clone(&self.inner)))
    }
    pub fn sync(&self) -> Arc<SyncCenter> {
        Arc::new(SyncCenter(Arc::clone(&self.inner)))
    }
}

/// Signing in and out.
#[derive(uniffi::Object)]
pub struct Session(Arc<Inner>);

#[uniffi::export(async_runtime = "tokio")]
impl Session {
    /// Sign in with the password and the authenticator's code. The tokens are kept sealed in
    /// the store; another account's data is wiped first.
    pub async fn login(
        &self,
        email: String,
        password: String,
        totp_code: Option<String>,
        device_name: String,
    ) -> R<()> {
        self.0
            .phone
            .login(&email, &password, totp_code, &device_name)
            .await?;
        Ok(())
    }

    pub fn is_logged_in(&self) -> bool {
        self.0.phone.client().is_logged_in()
    }

    pub async fn profile(&self) -> R<Profile> {
        let p = self.0.phone.client().profile().await?;
        Ok(Profile {
            account_id: p.account_id.to_string(),
            email: p.email,
            display_name: p.display_name,
            role: p.role.into(),
            organisation_name: p.organisation.name,
            sites: p.sites.into_iter().map(site).collect(),
        })
    }

    /// Sign out: the device is revoked on the server and the phone forgets everything.
    /// Returns how many intents could not be sent.
    pub async fn logout(&self) -> R<u32> {
        let lost = self.0.phone.logout().await?;
        self.0.notify();
        Ok(lost as u32)
    }
}

/// The agenda, read from the phone's store.
#[derive(uniffi::Object)]
pub struct Agenda(Arc<Inner>);

#[uniffi::export]
impl Agenda {
    /// Appointments starting in `[from, to)`, of one site or all.
    pub fn between(
        &self,
        from: SystemTime,
        to: SystemTime,
        site_id: Option<String>,
    ) -> R<Vec<AgendaLine>> {
        self.0.phone.check_age(Utc::now())?;
        let site = site_id.map(|s| uuid("site_id", &s)).transpose()?;
        Ok(self
            .0
            .phone
            .agenda(utc(from), utc(to), site)?
            .into_iter()
            .map(|l| AgendaLine {
                appointment_id: l.appointment_id.to_string(),
                site_id: l.site_id.to_string(),
                coordinator_id: l.coordinator_id.to_string(),
                start: l.start.with_timezone(&Utc).into(),
                end: l.end.with_timezone(&Utc).into(),
                status: l.status.as_str().to_owned(),
                initials: l.initials,
                pending: l.pending,
            })
            .collect())
    }
}

/// The call-back queue.
#[derive(uniffi::Object)]
pub struct CallBackQueue(Arc<Inner>);

#[uniffi::export]
impl CallBackQueue {
    pub fn lines(&self) -> R<Vec<QueueLine>> {
        self.0.queue()
    }

    /// The queue now, then after every change, until the handle is dropped.
    pub fn observe(&self, listener: Arc<dyn QueueListener>) -> Arc<ListenerHandle> {
        self.0.add(Listener::Queue(listener))
    }
}

/// A situation's file, and what the coordinator does about it.
#[derive(uniffi::Object)]
pub struct Situations(Arc<Inner>);

#[uniffi::export]
impl Situations {
    pub fn open(&self, situation_id: String) -> R<SituationFile> {
        self.0.phone.check_age(Utc::now())?;
        let f = self
            .0
            .phone
            .situation(uuid("situation_id", &situation_id)?)?;
        let file = f.person.as_ref().and_then(|p| p.file.clone());
        let profile = file.as_ref().map(|p| p.safe_contact.clone());
        let mut channels = Vec::new();
        if let Some(p) = &profile {
            for (ok, word) in [
                (p.phone_call, "appel"),
                (p.voicemail, "messagerie"),
                (p.sms, "SMS"),
                (p.email, "e-mail"),
                (p.letter, "courrier"),
            ] {
                if ok {
                    channels.push(word.to_owned());
                }
            }
        }
        Ok(SituationFile {
            situation_id: f.situation.id.to_string(),
            person_id: f.situation.person_id.to_string(),
            state: f.situation.state.as_str().to_owned(),
            allowed_events: f
                .situation
                .allowed_events
                .iter()
                .map(|e| e.as_str().to_owned())
                .collect(),
            version: f.situation.version,
            initials: f.situation.person_initials.clone(),
            first_name: file.as_ref().map(|p| p.first_name.clone()),
            last_name: file.as_ref().map(|p| p.last_name.clone()),
            phone: file.as_ref().and_then(|p| p.phone.clone()),
            safe_channels: channels,
            code_word: profile.as_ref().and_then(|p| p.code_word.clone()),
            safe_contact_stale: f.situation.safe_contact_stale,
            attempts: f
                .attempts
                .into_iter()
                .map(|(a, pending)| Attempt {
                    at: a.at.into(),
                    channel: a.channel.as_str().to_owned(),
                    result: a.result.as_str().to_owned(),
                    note: a.note,
                    pending,
                })
                .collect(),
            pending_intents: f.intents.len() as u32,
        })
    }

    /// Log a call (or a message) in one step; refused here when the safe-contact profile
    /// forbids it. Returns the intent's id.
    pub fn log_attempt(
        &self,
        situation_id: String,
        channel: AttemptChannel,
        result: AttemptResult,
        note: Option<String>,
    ) -> R<String> {
        let id = self.0.phone.log_attempt(
            uuid("situation_id", &situation_id)?,
            channel.into(),
            result.into(),
            note,
            Utc::now(),
        )?;
        self.0.notify();
        Ok(id.to_string())
    }

    /// Plan a callback in the window the person chose.
    pub fn schedule_callback(
        &self,
        situation_id: String,
        start: SystemTime,
        end: SystemTime,
    ) -> R<String> {
        let id = self.0.phone.situation_event(
            uuid("situation_id", &situation_id)?,
            relais_domain::dto::SituationEventInput {
                event: relais_domain::outreach::Event::ScheduleCallback,
                version: 0,
                close_reason: None,
                callback: Some(relais_domain::outreach::CallbackWindow {
                    start: utc(start),
                    end: utc(end),
                }),
                appointment_id: None,
            },
        )?;
        self.0.notify();
        Ok(id.to_string())
    }
}

/// Free slots and booking.
#[derive(uniffi::Object)]
pub struct Booking(Arc<Inner>);

#[uniffi::export]
impl Booking {
    pub fn types(&self) -> R<Vec<AppointmentType>> {
        Ok(self
            .0
            .phone
            .types()?
            .into_iter()
            .map(|t| AppointmentType {
                id: t.id.to_string(),
                name: t.name,
                duration_minutes: t.duration_minutes,
            })
            .collect())
    }

    pub fn sites(&self) -> R<Vec<Site>> {
        Ok(self.0.phone.sites()?.into_iter().map(site).collect())
    }

    /// Free slots between two local dates (`AAAA-MM-JJ`), computed on the phone by the
    /// server's own search.
    pub fn free_slots(
        &self,
        type_id: String,
        site_id: String,
        coordinator_id: Option<String>,
        from: String,
        to: String,
    ) -> R<Vec<FreeSlot>> {
        self.0.phone.check_age(Utc::now())?;
        let slots = self.0.phone.free_slots(
            uuid("type_id", &type_id)?,
            uuid("site_id", &site_id)?,
            coordinator_id
                .map(|c| uuid("coordinator_id", &c))
                .transpose()?,
            date("from", &from)?,
            date("to", &to)?,
            Utc::now(),
        )?;
        Ok(slots
            .into_iter()
            .map(|s| FreeSlot {
                coordinator_id: s.coordinator_id.to_string(),
                start: s.start.with_timezone(&Utc).into(),
                end: s.end.with_timezone(&Utc).into(),
            })
            .collect())
    }

    pub fn book(
        &self,
        type_id: String,
        site_id: String,
        coordinator_id: String,
        person_id: String,
        start: SystemTime,
    ) -> R<String> {
        let id = self.0.phone.book(relais_domain::dto::AppointmentInput {
            type_id: uuid("type_id", &type_id)?,
            site_id: uuid("site_id", &site_id)?,
            coordinator_id: uuid("coordinator_id", &coordinator_id)?,
            person_id: uuid("person_id", &person_id)?,
            start: utc(start).fixed_offset(),
            emergency_reason: None,
        })?;
        self.0.notify();
        Ok(id.to_string())
    }

    pub fn cancel(&self, appointment_id: String, by_person: bool) -> R<String> {
        use relais_domain::dto::CancelledBy;
        let id = self.0.phone.cancel(
            uuid("appointment_id", &appointment_id)?,
            relais_domain::dto::CancelInput {
                by: if by_person {
                    CancelledBy::Person
                } else {
                    CancelledBy::Service
                },
                reason: None,
                version: 0,
            },
        )?;
        self.0.notify();
        Ok(id.to_string())
    }

    pub fn seen(&self, appointment_id: String) -> R<String> {
        let id = self
            .0
            .phone
            .seen(uuid("appointment_id", &appointment_id)?)?;
        self.0.notify();
        Ok(id.to_string())
    }

    pub fn no_show(&self, appointment_id: String) -> R<String> {
        let id = self
            .0
            .phone
            .no_show(uuid("appointment_id", &appointment_id)?)?;
        self.0.notify();
        Ok(id.to_string())
    }
}

/// Sync now, its status, and the refused intents.
#[derive(uniffi::Object)]
pub struct SyncCenter(Arc<Inner>);

#[uniffi::export(async_runtime = "tokio")]
impl SyncCenter {
    /// Push what is queued, pull what changed. Call on a timer and on reconnect.
    pub async fn sync_now(&self) -> R<SyncReport> {
        let r = self.0.phone.sync().await;
        self.0.notify();
        let r = r?;
        Ok(SyncReport {
            pulled: r.pulled as u32,
            applied: r.applied as u32,
            rejected: r.rejected as u32,
            waiting: r.waiting as u32,
        })
    }

    /// Keep the phone in sync until this call is cancelled (the app runs it in a coroutine
    /// or task tied to the signed-in session): every `every_seconds`, at once when something
    /// is queued or `network_available` is called, with a growing pause after a failure.
    /// Returns `SessionEnded` when the device was revoked (the phone is then wiped).
    pub async fn keep_synced(&self, every_seconds: u32) -> R<()> {
        let inner = Arc::clone(&self.0);
        let e = self
            .0
            .phone
            .keep_synced(
                std::time::Duration::from_secs(u64::from(every_seconds.max(5))),
                move |_| inner.notify(),
            )
            .await;
        Err(e.into())
    }

    /// The network is back: sync now.
    pub fn network_available(&self) {
        self.0.phone.wake();
    }

    pub fn status(&self) -> R<SyncStatus> {
        self.0.status()
    }

    /// The status now, then after every change, until the handle is dropped.
    pub fn observe(&self, listener: Arc<dyn SyncStatusListener>) -> Arc<ListenerHandle> {
        self.0.add(Listener::Status(listener))
    }

    /// The coordinator has read a rejection: let it go (what waited behind it is sent).
    pub fn discard(&self, intent_id: String) -> R<()> {
        self.0.phone.discard(uuid("intent_id", &intent_id)?)?;
        self.0.notify();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_apps_read_the_labels_the_console_shows() {
        let fr = |list, w: &str| word_label(list, w.to_owned(), Language::French);
        assert_eq!(fr(WordList::AppointmentStatus, "seen"), "Venu");
        assert_eq!(
            fr(WordList::SituationState, "callback_scheduled"),
            "Rappel convenu"
        );
        assert_eq!(fr(WordList::IntentKind, "no_show"), "Absence");
        assert_eq!(
            word_label(
                WordList::AttemptResult,
                "no_answer".into(),
                Language::English
            ),
            "No answer"
        );
        // A word a newer server sends is shown as it is, never hidden.
        assert_eq!(fr(WordList::Priority, "someday"), "someday");
    }
}
