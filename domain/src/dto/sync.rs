//! The phone's sync: a change feed it pulls (`GET /api/v1/sync/changes`) and the intents it
//! pushes (`POST /api/v1/sync/intents`). Records are the API's own types; a person's file
//! travels only to a role that may read it, and a linked party's never.

use super::prelude::*;
use super::{
    Absence, AppointmentType, ContactAttempt, OpeningWindow, Partner, Person, ScheduleException,
    Site, Situation,
};
use super::{
    Appointment, AppointmentInput, AttemptInput, CancelInput, InterviewInput, MoveInput,
    OrientationInput, OutcomeInput, SituationEventInput,
};

/// What a phone holds, one kind per local table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SyncTable {
    Site,
    AppointmentType,
    OpeningWindow,
    ScheduleException,
    Absence,
    Appointment,
    Busy,
    Situation,
    Person,
    Partner,
}

words!(SyncTable {
    Site = "site" => ("Sites", "Sites"),
    AppointmentType = "appointment_type" => ("Types de rendez-vous", "Appointment types"),
    OpeningWindow = "opening_window" => ("Plages d'ouverture", "Opening hours"),
    ScheduleException = "schedule_exception" => ("Exceptions au planning", "Schedule exceptions"),
    Absence = "absence" => ("Absences", "Absences"),
    Appointment = "appointment" => ("Rendez-vous", "Appointments"),
    Busy = "busy" => ("Indisponibilités", "Busy times"),
    Situation = "situation" => ("Situations", "Situations"),
    Person = "person" => ("Personnes", "People"),
    Partner = "partner" => ("Partenaires", "Partners"),
});

/// Another coordinator's time taken, or this one's at another site: times only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BusySpan {
    pub id: Uuid,
    pub coordinator_id: Uuid,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// A person as the phone holds them: initials always; the file only for a role that may
/// read it (every file sent is audited as a read).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncPerson {
    pub id: Uuid,
    pub initials: String,
    pub safe_contact_stale: bool,
    #[serde(default)]
    pub file: Option<Person>,
}

/// A situation with the contact attempts its file shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncSituation {
    pub situation: Situation,
    pub attempts: Vec<ContactAttempt>,
}

/// One record of the feed, tagged by its table.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "table", content = "record", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[allow(clippy::large_enum_variant)]
pub enum SyncRecord {
    Site(Site),
    AppointmentType(AppointmentType),
    OpeningWindow(OpeningWindow),
    ScheduleException(ScheduleException),
    Absence(Absence),
    Appointment(Appointment),
    Busy(BusySpan),
    Situation(SyncSituation),
    Person(SyncPerson),
    Partner(Partner),
}

impl SyncRecord {
    pub fn table(&self) -> SyncTable {
        match self {
            SyncRecord::Site(_) => SyncTable::Site,
            SyncRecord::AppointmentType(_) => SyncTable::AppointmentType,
            SyncRecord::OpeningWindow(_) => SyncTable::OpeningWindow,
            SyncRecord::ScheduleException(_) => SyncTable::ScheduleException,
            SyncRecord::Absence(_) => SyncTable::Absence,
            SyncRecord::Appointment(_) => SyncTable::Appointment,
            SyncRecord::Busy(_) => SyncTable::Busy,
            SyncRecord::Situation(_) => SyncTable::Situation,
            SyncRecord::Person(_) => SyncTable::Person,
            SyncRecord::Partner(_) => SyncTable::Partner,
        }
    }

    pub fn id(&self) -> Uuid {
        match self {
            SyncRecord::Site(r) => r.id,
            SyncRecord::AppointmentType(r) => r.id,
            SyncRecord::OpeningWindow(r) => r.id,
            SyncRecord::ScheduleException(r) => r.id,
            SyncRecord::Absence(r) => r.id,
            SyncRecord::Appointment(r) => r.id,
            SyncRecord::Busy(r) => r.id,
            SyncRecord::Situation(r) => r.situation.id,
            SyncRecord::Person(r) => r.id,
            SyncRecord::Partner(r) => r.id,
        }
    }
}

/// A change: a record to hold (insert or replace), or one to drop (deleted, or out of the
/// device's scope now).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[allow(clippy::large_enum_variant)] // Removals are rare; boxing would cost every record.
pub enum SyncChange {
    Put {
        #[serde(flatten)]
        record: SyncRecord,
    },
    Remove {
        table: SyncTable,
        id: Uuid,
    },
}

/// A page of the feed. Apply `changes` and store `cursor` in one local transaction; ask
/// again with `since=cursor` while `has_more`. `reset`: the device's scope changed (sites,
/// role) or the cursor is unknown: drop every held record not sent again in this pass.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncPage {
    pub reset: bool,
    pub changes: Vec<SyncChange>,
    pub cursor: String,
    pub has_more: bool,
    pub server_time: DateTime<Utc>,
}

/// What a coordinator did on the phone, to be applied by the server's own services.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IntentAction {
    LogAttempt {
        situation_id: Uuid,
        input: AttemptInput,
    },
    SituationEvent {
        situation_id: Uuid,
        input: SituationEventInput,
    },
    Interview {
        situation_id: Uuid,
        input: InterviewInput,
    },
    Orient {
        situation_id: Uuid,
        input: OrientationInput,
    },
    Book {
        input: AppointmentInput,
    },
    Move {
        appointment_id: Uuid,
        input: MoveInput,
    },
    Cancel {
        appointment_id: Uuid,
        input: CancelInput,
    },
    Seen {
        appointment_id: Uuid,
        input: OutcomeInput,
    },
    NoShow {
        appointment_id: Uuid,
        input: OutcomeInput,
    },
}

/// What an intent does, as stored with it and shown to the coordinator whose action it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IntentKind {
    LogAttempt,
    SituationEvent,
    Interview,
    Orient,
    Book,
    Move,
    Cancel,
    Seen,
    NoShow,
}

words!(IntentKind {
    LogAttempt = "log_attempt" => ("Tentative de contact", "Contact attempt"),
    SituationEvent = "situation_event" => ("Changement de situation", "Situation change"),
    Interview = "interview" => ("Entretien", "Interview"),
    Orient = "orient" => ("Orientation", "Orientation"),
    Book = "book" => ("Rendez-vous", "Appointment"),
    Move = "move" => ("Déplacement de rendez-vous", "Appointment moved"),
    Cancel = "cancel" => ("Annulation de rendez-vous", "Appointment cancelled"),
    Seen = "seen" => ("Venue", "Attended"),
    NoShow = "no_show" => ("Absence", "No-show"),
});

impl IntentAction {
    /// What the intent does.
    pub fn intent_kind(&self) -> IntentKind {
        match self {
            IntentAction::LogAttempt { .. } => IntentKind::LogAttempt,
            IntentAction::SituationEvent { .. } => IntentKind::SituationEvent,
            IntentAction::Interview { .. } => IntentKind::Interview,
            IntentAction::Orient { .. } => IntentKind::Orient,
            IntentAction::Book { .. } => IntentKind::Book,
            IntentAction::Move { .. } => IntentKind::Move,
            IntentAction::Cancel { .. } => IntentKind::Cancel,
            IntentAction::Seen { .. } => IntentKind::Seen,
            IntentAction::NoShow { .. } => IntentKind::NoShow,
        }
    }

    /// The word stored with the intent.
    pub fn kind(&self) -> &'static str {
        self.intent_kind().as_str()
    }
}

/// One intent: a client UUID (a retry sends the same), the device's sequence number
/// (strictly increasing), and the action.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Intent {
    pub id: Uuid,
    pub seq: i64,
    pub action: IntentAction,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    pub intents: Vec<Intent>,
}

/// The server's answer to one intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IntentOutcome {
    /// Done; `records` holds the new versions.
    Applied,
    /// Refused for good; `reason` says why in the coordinator's words.
    Rejected,
    /// Not applied now (the server is busy or failed): send it again later.
    RetryLater,
    /// Not tried: an earlier intent of the same push was not applied, and the device decides
    /// what depends on it. Send it again.
    Skipped,
}

words!(IntentOutcome {
    Applied = "applied" => ("Appliquée", "Applied"),
    Rejected = "rejected" => ("Refusée", "Refused"),
    RetryLater = "retry_later" => ("À renvoyer plus tard", "To send again later"),
    Skipped = "skipped" => ("Non tentée (une action précédente attend)", "Not tried (an earlier action is waiting)"),
});

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntentAnswer {
    pub id: Uuid,
    pub seq: i64,
    pub outcome: IntentOutcome,
    /// The problem code of a rejection (`slot_taken`, `stale_version`, …).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub code: Option<crate::problem::ProblemCode>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub records: Vec<SyncRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub answers: Vec<IntentAnswer>,
}
