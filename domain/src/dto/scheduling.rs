//! Scheduling: appointment types, opening windows, exceptions, absences, slots, appointments and calendar feeds.

use super::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PlaceKind {
    Site,
    Phone,
    HomeVisit,
    Partner,
}

words!(PlaceKind {
    Site = "site" => ("Sur site", "On site"),
    Phone = "phone" => ("Par téléphone", "By telephone"),
    HomeVisit = "home_visit" => ("À domicile", "Home visit"),
    Partner = "partner" => ("Chez un partenaire", "At a partner"),
});

/// A dated exception to a coordinator's weekly hours at a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ExceptionKind {
    /// No appointment that day.
    Closed,
    /// Hours on top of the week's.
    Extra,
}

words!(ExceptionKind {
    Closed = "closed" => ("Fermeture", "Closed"),
    Extra = "extra" => ("Plage en plus", "Extra hours"),
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum BookableBy {
    Staff,
    StaffAndReferrers,
    /// Also the person, through a booking link.
    Public,
}

words!(BookableBy {
    Staff = "staff" => ("L'équipe seulement", "Staff only"),
    StaffAndReferrers = "staff_and_referrers" => ("L'équipe et les référents", "Staff and referrers"),
    Public = "public" => ("Les personnes elles-mêmes", "The people themselves"),
});

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentTypeInput {
    /// Shown to staff, e.g. "Premier entretien victime".
    pub name: String,
    /// Shown to the person and in reminders: neutral, e.g. "Rendez-vous".
    pub public_label: String,
    pub duration_minutes: i32,
    /// Defaults to the duration.
    #[serde(default)]
    pub step_minutes: Option<i32>,
    #[serde(default)]
    pub buffer_before_minutes: i32,
    #[serde(default)]
    pub buffer_after_minutes: i32,
    #[serde(default)]
    pub min_notice_minutes: i32,
    /// How far ahead it can be booked; defaults to 60 days.
    #[serde(default)]
    pub max_horizon_days: Option<i32>,
    pub place_kind: PlaceKind,
    pub bookable_by: BookableBy,
    #[serde(default)]
    pub reminders: bool,
    /// Hours before the appointment the reminder goes out; 48 by default. Booked later than
    /// that, it goes the next morning or 2 h before, whichever fits.
    #[serde(default)]
    pub reminder_offset_hours: Option<i32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentType {
    pub id: Uuid,
    pub name: String,
    pub public_label: String,
    pub duration_minutes: i32,
    pub step_minutes: i32,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub min_notice_minutes: i32,
    pub max_horizon_days: i32,
    pub place_kind: PlaceKind,
    pub bookable_by: BookableBy,
    pub reminders: bool,
    pub reminder_offset_hours: i32,
    pub updated_at: DateTime<Utc>,
    pub change_seq: i64,
}

/// A weekly opening window of one coordinator at one site, in the site's local time.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpeningWindowInput {
    pub coordinator_id: Uuid,
    pub site_id: Uuid,
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    pub days: Vec<u8>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "09:00"))]
    pub start: NaiveTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12:30"))]
    pub end: NaiveTime,
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpeningWindow {
    pub id: Uuid,
    pub coordinator_id: Uuid,
    pub site_id: Uuid,
    pub days: Vec<u8>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub start: NaiveTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub end: NaiveTime,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub change_seq: i64,
}

/// One date closed, or an extra window on one date (which also opens a public holiday).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleExceptionInput {
    pub coordinator_id: Uuid,
    pub site_id: Uuid,
    pub date: NaiveDate,
    /// `closed` or `extra`.
    pub kind: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub start: Option<NaiveTime>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub end: Option<NaiveTime>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleException {
    pub id: Uuid,
    pub coordinator_id: Uuid,
    pub site_id: Uuid,
    pub date: NaiveDate,
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub start: Option<NaiveTime>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub end: Option<NaiveTime>,
}

/// A coordinator's absence: one-off (local date-times in `time_zone`) or weekly recurring.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AbsenceInput {
    pub coordinator_id: Uuid,
    /// `one_off` or `recurring`.
    pub kind: String,
    /// One-off: local start and end, e.g. "2026-12-24T14:00".
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub start_local: Option<NaiveDateTime>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub end_local: Option<NaiveDateTime>,
    /// IANA zone of the one-off local times; defaults to Europe/Paris.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Recurring: weekdays and local times, applied in each site's zone.
    #[serde(default)]
    pub days: Option<Vec<u8>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub start: Option<NaiveTime>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub end: Option<NaiveTime>,
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Absence {
    pub id: Uuid,
    pub coordinator_id: Uuid,
    pub kind: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub days: Option<Vec<u8>>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub start: Option<NaiveTime>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub end: Option<NaiveTime>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolidayDto {
    pub date: NaiveDate,
    pub name: String,
}

/// A free slot. Times carry the site's UTC offset of that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slot {
    pub coordinator_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "rfc3339")]
    pub start: DateTime<FixedOffset>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "rfc3339")]
    pub end: DateTime<FixedOffset>,
}

/// Free slots in runs, the compact answer of `/availability/runs`: each run is `count`
/// slots of one coordinator on one day, the first starting at `start`, each next one
/// `step_minutes` later; every slot lasts `duration_minutes`. Expanded, the same slots as
/// `/availability`, in 4 KB where the list takes 97 KB for a month of 15-minute slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotRuns {
    pub step_minutes: i32,
    pub duration_minutes: i32,
    pub runs: Vec<SlotRun>,
}

/// One run of free slots (see `SlotRuns`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotRun {
    pub coordinator_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "rfc3339")]
    pub start: DateTime<FixedOffset>,
    pub count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AppointmentStatus {
    Planned,
    Seen,
    NoShow,
    /// Cancelled by the person.
    Excused,
    /// Cancelled by the service.
    Revoked,
}

words!(AppointmentStatus {
    Planned = "planned" => ("Prévu", "Planned"),
    Seen = "seen" => ("Venu", "Attended"),
    NoShow = "no_show" => ("Absent", "No-show"),
    Excused = "excused" => ("Excusé", "Excused"),
    Revoked = "revoked" => ("Annulé", "Cancelled"),
});

/// What happened to an appointment: `appointment_event.kind`, the history's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AppointmentChange {
    Booked,
    /// Booked outside the free slots, with an emergency reason.
    ForceBooked,
    Moved,
    ForceMoved,
    /// Cancelled by the person.
    Excused,
    /// Cancelled by the service.
    Revoked,
    Seen,
    NoShow,
    /// Booked by the person, from their link.
    BookedByPerson,
    /// Moved by the person, from their link.
    MovedByPerson,
    /// Cancelled by the person, from their link (the appointment reads `excused`).
    CancelledByPerson,
}

words!(AppointmentChange {
    Booked = "booked" => ("Pris", "Booked"),
    ForceBooked = "force_booked" => ("Imposé (urgence)", "Forced (emergency)"),
    Moved = "moved" => ("Déplacé", "Moved"),
    ForceMoved = "force_moved" => ("Déplacé de force (urgence)", "Moved by force (emergency)"),
    Excused = "excused" => ("Excusé", "Excused"),
    Revoked = "revoked" => ("Annulé", "Cancelled"),
    Seen = "seen" => ("Venu", "Attended"),
    NoShow = "no_show" => ("Absent", "No-show"),
    BookedByPerson = "booked_by_person" => ("Pris par la personne", "Booked by the person"),
    MovedByPerson = "moved_by_person" => ("Déplacé par la personne", "Moved by the person"),
    CancelledByPerson = "cancelled_by_person" => ("Annulé par la personne", "Cancelled by the person"),
});

impl AppointmentStatus {
    /// Whether the appointment takes the coordinator's time.
    pub fn takes_time(self) -> bool {
        matches!(self, Self::Planned | Self::Seen | Self::NoShow)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentInput {
    pub type_id: Uuid,
    pub site_id: Uuid,
    pub coordinator_id: Uuid,
    pub person_id: Uuid,
    /// An instant with its offset, e.g. "2026-11-23T09:00:00+01:00".
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "rfc3339")]
    pub start: DateTime<FixedOffset>,
    /// Set to book outside the free slots (opening hours, notice, holidays) in an emergency.
    /// It never allows overlapping another appointment. Audited.
    #[serde(default)]
    pub emergency_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveInput {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "rfc3339")]
    pub start: DateTime<FixedOffset>,
    #[serde(default)]
    pub site_id: Option<Uuid>,
    #[serde(default)]
    pub coordinator_id: Option<Uuid>,
    /// The version the caller saw; a stale one gets 409.
    pub version: i32,
    #[serde(default)]
    pub emergency_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CancelledBy {
    Person,
    Service,
}

words!(CancelledBy {
    Person = "person" => ("La personne", "The person"),
    Service = "service" => ("Le service", "The service"),
});

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelInput {
    pub by: CancelledBy,
    #[serde(default)]
    pub reason: Option<String>,
    pub version: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeInput {
    pub version: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentEvent {
    pub at: DateTime<Utc>,
    pub account_id: Uuid,
    pub kind: String,
    pub start: Option<DateTime<Utc>>,
    pub site_id: Option<Uuid>,
    pub coordinator_id: Option<Uuid>,
    pub version: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Appointment {
    pub id: Uuid,
    pub type_id: Uuid,
    pub site_id: Uuid,
    pub coordinator_id: Uuid,
    pub person_ids: Vec<Uuid>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "rfc3339")]
    pub start: DateTime<FixedOffset>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "rfc3339")]
    pub end: DateTime<FixedOffset>,
    pub status: AppointmentStatus,
    pub version: i32,
    pub emergency: bool,
    pub updated_at: DateTime<Utc>,
    pub change_seq: i64,
    /// A confirmation or reminder of this version did not reach the person ("rappel non
    /// remis"): failed, undelivered, or refused by the provider. On reads and the agenda.
    #[serde(default)]
    pub reminder_not_delivered: bool,
    /// Full history, on single reads only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<AppointmentEvent>,
}

/// An agenda line: the appointment and the person by initials.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgendaEntry {
    pub appointment: Appointment,
    pub person_initials: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarFeedInput {
    /// Show persons' initials in event titles; off by default.
    #[serde(default)]
    pub show_names: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarFeed {
    pub id: Uuid,
    /// Secret path of the iCalendar feed; shown once.
    pub path: Option<String>,
    pub show_names: bool,
    pub created_at: DateTime<Utc>,
    /// Whose appointments the feed shows.
    #[serde(default)]
    pub account_id: Option<Uuid>,
}

// The rules these records stand for, for the free-slot search (the server's and the phone's).

impl AppointmentType {
    pub fn slot_rules(&self) -> crate::schedule::SlotRules {
        use chrono::Duration;
        crate::schedule::SlotRules {
            duration: Duration::minutes(self.duration_minutes.into()),
            step: Duration::minutes(self.step_minutes.into()),
            buffer_before: Duration::minutes(self.buffer_before_minutes.into()),
            buffer_after: Duration::minutes(self.buffer_after_minutes.into()),
            min_notice: Duration::minutes(self.min_notice_minutes.into()),
            horizon: Duration::days(self.max_horizon_days.into()),
        }
    }
}

impl OpeningWindow {
    pub fn rule(&self) -> crate::schedule::WeeklyWindow {
        crate::schedule::WeeklyWindow {
            days: self.days.clone(),
            start: self.start,
            end: self.end,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
        }
    }
}

impl ScheduleException {
    pub fn rule(&self) -> crate::schedule::DateException {
        match (ExceptionKind::parse(&self.kind), self.start, self.end) {
            (Some(ExceptionKind::Extra), Some(start), Some(end)) => {
                crate::schedule::DateException::Extra {
                    date: self.date,
                    start,
                    end,
                }
            }
            _ => crate::schedule::DateException::Closed { date: self.date },
        }
    }
}

impl Absence {
    /// A one-off absence's span.
    pub fn span(&self) -> Option<crate::schedule::Interval> {
        match (self.kind.as_str(), self.starts_at, self.ends_at) {
            ("one_off", Some(start), Some(end)) => Some(crate::schedule::Interval { start, end }),
            _ => None,
        }
    }

    /// A recurring absence's weekly window.
    pub fn weekly(&self) -> Option<crate::schedule::WeeklyWindow> {
        (self.kind == "recurring").then(|| crate::schedule::WeeklyWindow {
            days: self.days.clone().unwrap_or_default(),
            start: self.start.unwrap_or(NaiveTime::MIN),
            end: self.end.unwrap_or(NaiveTime::MIN),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
        })
    }
}
