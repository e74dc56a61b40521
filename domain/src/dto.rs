//! Wire types of the JSON API under `/api/v1`, shared by the server and the phone core so
//! the two cannot drift. Request types reject unknown fields.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::role::Role;

/// RFC 3339 with the offset, formatted once and written as one string: chrono's own
/// `Serialize` goes through `fmt::Write`, which serde_json escapes a character at a time
/// (a fifth of the availability endpoint's time before this).
mod rfc3339 {
    use chrono::{DateTime, FixedOffset, SecondsFormat};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, false))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        DateTime::<FixedOffset>::deserialize(d)
    }
}
use crate::safe_contact::SafeContactProfile;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// Six-digit code from the authenticator app, once a second factor is enrolled.
    #[serde(default)]
    pub totp_code: Option<String>,
    /// One of the single-use recovery codes, instead of `totp_code`.
    #[serde(default)]
    pub recovery_code: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SecondFactor {
    /// The session is complete.
    Verified,
    /// No authenticator enrolled yet: the session may only enrol one.
    EnrolmentRequired,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionGrant {
    /// Opaque bearer token; the server keeps only its hash.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub idle_timeout_seconds: i64,
    pub second_factor: SecondFactor,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceLoginRequest {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub totp_code: Option<String>,
    #[serde(default)]
    pub recovery_code: Option<String>,
    /// Shown in the account's device list, e.g. "Pixel 8 de Marie".
    pub device_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// What a phone holds: a short-lived access token and a device-bound refresh token that
/// rotates on every use.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceGrant {
    pub device_id: Uuid,
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpEnrolment {
    /// Base32 secret to type into an authenticator app.
    pub secret: String,
    /// `otpauth://` URI to show as a QR code.
    pub otpauth_uri: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpConfirm {
    pub code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodes {
    /// Shown once; each works once.
    pub codes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
    /// Words this organisation adds to those no message may contain (its name and its
    /// sites' names are always added).
    pub message_words: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationInput {
    pub name: String,
    /// Replaces the organisation's own revealing words; absent: left as they are.
    #[serde(default)]
    pub message_words: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Site {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub phone: Option<String>,
    /// IANA zone, e.g. `Europe/Paris`.
    pub time_zone: String,
    /// Adds Good Friday and 26 December to the site's public holidays.
    pub alsace_moselle: bool,
    /// What messages to the person say of the place; none: the place is left out.
    pub message_place: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// Position in the organisation's change log, for sync.
    pub change_seq: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteInput {
    pub name: String,
    pub address: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// Defaults to `Europe/Paris`.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Bas-Rhin, Haut-Rhin, Moselle: two more public holidays.
    #[serde(default)]
    pub alsace_moselle: bool,
    /// A neutral place text for messages ("12 rue de la Paix, Melun"), checked like a
    /// template; never the site's name. Absent: messages do not name the place.
    #[serde(default)]
    pub message_place: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub account_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub organisation: Organisation,
    pub second_factor_enrolled: bool,
    /// The sites this account works at.
    pub sites: Vec<Site>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub site_ids: Vec<Uuid>,
    pub disabled: bool,
    pub second_factor_enrolled: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountInput {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Initial password, 12 to 128 characters; the person changes it at first login.
    pub password: String,
    #[serde(default)]
    pub site_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountPatch {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub site_ids: Option<Vec<Uuid>>,
    /// Disabling ends every session and revokes every device of the account.
    #[serde(default)]
    pub disabled: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Sex {
    Female,
    Male,
    Other,
    Unknown,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonInput {
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub birth_year: Option<i32>,
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub safe_contact: SafeContactProfile,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A person's whole file. Reading one is audited.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub birth_year: Option<i32>,
    pub sex: Sex,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub safe_contact: SafeContactProfile,
    pub safe_contact_stale: bool,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub change_seq: i64,
}

/// How lists show a person: initials only, until the file is opened.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonSummary {
    pub id: Uuid,
    pub initials: String,
    pub birth_year: Option<i32>,
    pub safe_contact_stale: bool,
    pub updated_at: DateTime<Utc>,
    pub change_seq: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub account_id: Option<Uuid>,
    pub role: Option<Role>,
    pub action: String,
    pub record_type: Option<String>,
    pub record_id: Option<Uuid>,
    pub outcome: String,
    pub ip: Option<String>,
}

/// A page of a list. Pass `next_cursor` back as `?after=` for the next page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PlaceKind {
    Site,
    Phone,
    HomeVisit,
    Partner,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum BookableBy {
    Staff,
    StaffAndReferrers,
    /// Also the person, through a booking link.
    Public,
}

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

impl AppointmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Planned => "planned",
            AppointmentStatus::Seen => "seen",
            AppointmentStatus::NoShow => "no_show",
            AppointmentStatus::Excused => "excused",
            AppointmentStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Planned,
            Self::Seen,
            Self::NoShow,
            Self::Excused,
            Self::Revoked,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

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

// ---------------------------------------------------------------------------------------
// Outreach: referrals, situations, the call-back queue, orientations, the report.

use crate::casework::{
    AgeBand, AnonymousAction, ChildReportRecipient, DocumentType, InterviewMode, LinkRelation,
    OrientationStatus, PartnerKind, PersonRole, Problem,
};
use crate::outreach::{
    AttemptChannel, AttemptResult, CallbackWindow, CloseReason, Event, Initiative, OriginChannel,
    Priority, ReferrerStatus, SituationKind, State, Urgency,
};

/// A "fiche de liaison": what a referrer hands over. The referrer then sees only a status.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralInput {
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub birth_year: Option<i32>,
    #[serde(default)]
    pub sex: Option<Sex>,
    /// The number the person gave; how to use it safely goes in `safe_contact`.
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub safe_contact: SafeContactProfile,
    /// Whether the person agreed to be contacted by the service.
    pub consent_to_contact: bool,
    pub kind: SituationKind,
    #[serde(default)]
    pub urgency: Urgency,
    pub person_role: PersonRole,
    #[serde(default)]
    pub problems: Vec<Problem>,
    /// The police document behind it, as a category only.
    pub document_type: DocumentType,
    /// gendarmerie, police_nationale, police_municipale or partner. Set by the partner
    /// unit for referrals sent with an API key.
    #[serde(default)]
    pub channel: Option<OriginChannel>,
    /// The referring unit (brigade, station, partner service).
    #[serde(default)]
    pub unit: Option<String>,
    /// Why it is handed over, in a few words. Sealed; never shown back to the referrer.
    #[serde(default)]
    pub note: Option<String>,
    /// The sender's own reference. A second referral with the same reference from the same
    /// sender returns the first instead of creating a duplicate.
    #[serde(default)]
    pub external_ref: Option<String>,
}

/// All a referrer ever sees of a referral.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralStatus {
    pub id: Uuid,
    pub submitted_at: DateTime<Utc>,
    pub unit: Option<String>,
    pub external_ref: Option<String>,
    pub status: ReferrerStatus,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerUnitInput {
    pub name: String,
    /// gendarmerie, police_nationale, police_municipale or partner.
    pub channel: OriginChannel,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerUnit {
    pub id: Uuid,
    pub name: String,
    pub channel: OriginChannel,
    /// The API key, shown once at creation. Send it as `Authorization: ApiKey <key>`.
    pub api_key: Option<String>,
    /// First characters of the key, to recognise it.
    pub key_prefix: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SituationInput {
    pub person_id: Uuid,
    pub kind: SituationKind,
    #[serde(default)]
    pub urgency: Urgency,
    pub channel: OriginChannel,
    pub initiative: Initiative,
    pub person_role: PersonRole,
    #[serde(default)]
    pub problems: Vec<Problem>,
    #[serde(default)]
    pub consent_to_contact: bool,
    #[serde(default)]
    pub document_type: Option<DocumentType>,
    #[serde(default)]
    pub site_id: Option<Uuid>,
    /// Defaults to the caller.
    #[serde(default)]
    pub assigned_to: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SituationEvent {
    pub at: DateTime<Utc>,
    pub account_id: Option<Uuid>,
    pub event: String,
    pub from_state: State,
    pub to_state: State,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactAttempt {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub channel: AttemptChannel,
    pub result: AttemptResult,
    pub account_id: Uuid,
    pub note: Option<String>,
}

/// What to do next about reaching the person.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactAdvice {
    /// `reached`, `try_again` or `propose_unreachable`.
    pub advice: String,
    /// Parts of the day not tried yet: morning, midday, afternoon.
    pub untried: Vec<String>,
    pub attempts: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Situation {
    pub id: Uuid,
    pub person_id: Uuid,
    /// Initials only: the file itself is opened at `/persons/{id}` (audited).
    pub person_initials: String,
    pub state: State,
    /// Events the current state allows.
    pub allowed_events: Vec<Event>,
    pub kind: SituationKind,
    pub channel: OriginChannel,
    pub initiative: Initiative,
    pub priority: Priority,
    pub due_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub consent_to_contact: bool,
    pub person_role: PersonRole,
    pub problems: Vec<Problem>,
    pub document_type: DocumentType,
    pub unit: Option<String>,
    pub site_id: Option<Uuid>,
    pub assigned_to: Option<Uuid>,
    pub callback: Option<CallbackWindow>,
    pub first_contact_at: Option<DateTime<Utc>>,
    pub close_reason: Option<CloseReason>,
    pub closed_at: Option<DateTime<Utc>>,
    pub reopened_from: Option<Uuid>,
    pub safe_contact_stale: bool,
    pub advice: ContactAdvice,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub change_seq: i64,
    /// On single reads only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<ContactAttempt>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<SituationEvent>,
    /// The referral's note, on single reads only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Other files of the organisation with the same name or phone number: perhaps the
    /// same person (single reads and walk-ins only). The coordinator decides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub possible_duplicates: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SituationEventInput {
    pub event: Event,
    /// The version the caller saw; a stale one gets 409.
    pub version: i32,
    /// Required to close.
    #[serde(default)]
    pub close_reason: Option<CloseReason>,
    /// Required to schedule a callback: the window the person chose.
    #[serde(default)]
    pub callback: Option<CallbackWindow>,
    /// Required to set an appointment: one of the person's planned appointments.
    #[serde(default)]
    pub appointment_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptInput {
    pub channel: AttemptChannel,
    pub result: AttemptResult,
    #[serde(default)]
    pub note: Option<String>,
    /// When it happened, for an attempt logged afterwards (at most 30 days ago); now if absent.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptLogged {
    pub attempt: ContactAttempt,
    pub situation: Situation,
}

/// One line of the call-back queue: initials only.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueEntry {
    pub situation_id: Uuid,
    pub person_id: Uuid,
    pub person_initials: String,
    pub state: State,
    pub priority: Priority,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
    pub callback: Option<CallbackWindow>,
    /// The person's callback window is open now: call.
    pub callback_open: bool,
    pub safe_contact_stale: bool,
    pub advice: ContactAdvice,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterviewInput {
    pub mode: InterviewMode,
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Interview {
    pub id: Uuid,
    pub situation_id: Uuid,
    pub at: DateTime<Utc>,
    pub mode: InterviewMode,
    pub duration_minutes: Option<u32>,
    pub account_id: Uuid,
}

/// A walk-in emergency: the person, the situation and the first interview in one request.
/// Only a first name (or an alias) is required.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WalkInInput {
    pub first_name: String,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub birth_year: Option<i32>,
    #[serde(default)]
    pub sex: Option<Sex>,
    pub kind: SituationKind,
    #[serde(default)]
    pub urgency: Urgency,
    pub person_role: PersonRole,
    #[serde(default)]
    pub problems: Vec<Problem>,
    #[serde(default)]
    pub site_id: Option<Uuid>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WalkInRecorded {
    pub person_id: Uuid,
    pub situation: Situation,
    pub interview: Interview,
}

/// Statistics only: no identity, no free text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnonymousContactInput {
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    pub channel: OriginChannel,
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub age_band: Option<AgeBand>,
    #[serde(default)]
    pub problems: Vec<Problem>,
    pub action: AnonymousAction,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnonymousContact {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub channel: OriginChannel,
    pub sex: Sex,
    pub age_band: AgeBand,
    pub problems: Vec<Problem>,
    pub action: AnonymousAction,
}

/// That a child-in-danger report was made, to whom and when. Never its content.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChildReportInput {
    pub reported_on: NaiveDate,
    pub recipient: ChildReportRecipient,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChildReport {
    pub id: Uuid,
    pub situation_id: Uuid,
    pub reported_on: NaiveDate,
    pub recipient: ChildReportRecipient,
    pub account_id: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerInput {
    pub name: String,
    pub kind: PartnerKind,
    /// How the service reaches the partner (phone, e-mail, address).
    #[serde(default)]
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Partner {
    pub id: Uuid,
    pub name: String,
    pub kind: PartnerKind,
    pub contact: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub change_seq: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrientationInput {
    pub partner_id: Uuid,
    /// Whether the person agreed to be oriented.
    pub consent: bool,
    /// Required without consent (e.g. a child in danger); audited.
    #[serde(default)]
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrientationStatusInput {
    pub status: OrientationStatus,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Orientation {
    pub id: Uuid,
    pub situation_id: Uuid,
    pub partner_id: Uuid,
    pub partner_kind: PartnerKind,
    pub status: OrientationStatus,
    pub consent: bool,
    /// Oriented without consent, with a (sealed, audited) reason.
    pub overridden: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonLinkInput {
    pub other_person_id: Uuid,
    pub relation: LinkRelation,
    /// Never booked at one site on one half-day. Defaults to true except parent and child.
    #[serde(default)]
    pub keep_apart: Option<bool>,
    /// Required (and audited) to turn keep-apart off for a relation that keeps apart.
    #[serde(default)]
    pub keep_apart_off_reason: Option<String>,
}

/// A link as seen from one person's file: the other person by initials, nothing else.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonLink {
    pub id: Uuid,
    pub other_person_id: Uuid,
    pub other_initials: String,
    pub relation: LinkRelation,
    pub keep_apart: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionInput {
    /// List what would go without changing anything.
    pub dry_run: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionItem {
    pub person_id: Uuid,
    /// `inactive_two_years` or `never_reached_six_months`.
    pub rule: String,
    pub last_activity_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionRun {
    pub dry_run: bool,
    pub items: Vec<RetentionItem>,
    /// Files anonymised (0 on a dry run).
    pub anonymised: u32,
}

/// A message of the outbox, as the coordinator sees it on an appointment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: Uuid,
    pub person_id: Uuid,
    /// confirmation, reminder or cancellation.
    pub kind: String,
    /// sms or email.
    pub channel: String,
    /// scheduled, running, sent, retryable, unknown, failed, skipped, cancelled.
    pub state: String,
    pub due_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Why it was skipped or failed (e.g. `appointment_changed`, `channel_not_allowed`).
    pub reason: Option<String>,
    pub encoding: Option<String>,
    pub segments: Option<i32>,
    pub attempt: i32,
}

/// A message kept by the development outbox (no provider configured): nothing left.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DevMessage {
    /// When it was "sent", or when it is due.
    pub at: DateTime<Utc>,
    pub notification_id: Uuid,
    /// `sent` (kept here instead of leaving), or `scheduled` (what will go, as it reads now).
    #[serde(default)]
    pub state: String,
    /// confirmation, reminder or cancellation.
    #[serde(default)]
    pub kind: String,
    pub channel: String,
    pub recipient: String,
    pub body: String,
}

/// An organisation's own wording for one kind of message on one channel. Placeholders:
/// `{quand}` (day and time, required), `{lieu}` (the place, only sent when the person's
/// profile allows it), `{lien}` (a link). Words that reveal the service are refused.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageTemplate {
    /// confirmation, reminder or cancellation.
    pub kind: String,
    /// sms or email.
    pub channel: String,
    pub body: String,
    pub updated_at: Option<DateTime<Utc>>,
    /// Whether this is the built-in neutral wording (no template of the organisation).
    pub default: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MessageTemplateInput {
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TemplatePreviewInput {
    pub kind: String,
    pub channel: String,
    /// The wording to try; absent: the organisation's current one.
    #[serde(default)]
    pub body: Option<String>,
    /// Preview as for a person whose profile allows the place to be named.
    #[serde(default)]
    pub with_place: bool,
}

/// What a message would look like, and what it costs as an SMS.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplatePreview {
    pub text: String,
    /// gsm7 or ucs2.
    pub encoding: String,
    pub units: usize,
    pub segments: usize,
}
