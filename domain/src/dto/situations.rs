//! Outreach: referrals, situations, contact attempts, the call-back queue, interviews, walk-ins, anonymous contacts and child-in-danger reports.

use super::prelude::*;

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
    /// The commune of residence, as `PersonInput::commune`.
    #[serde(default)]
    pub commune: Option<String>,
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
    /// Where the outreach stands: the latest invitation and appointment.
    pub outreach: crate::invitation::OutreachStatus,
    /// The person was not reached (an invitation expired unanswered, a message that never
    /// arrived), missed or cancelled their appointment: call them; `outreach` says why.
    pub to_call: bool,
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
    /// Where it was held: one of the organisation's sites. Absent: the situation's site for
    /// an interview in person or by telephone, none for a home visit or one at a partner's.
    #[serde(default)]
    pub site_id: Option<Uuid>,
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
    /// Where it was held, when at one of the organisation's sites.
    #[serde(default)]
    pub site_id: Option<Uuid>,
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
    /// The commune of residence, as `PersonInput::commune`.
    #[serde(default)]
    pub commune: Option<String>,
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

/// Hand a situation over to another coordinator, or back to the shared queue (`null`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignInput {
    pub assigned_to: Option<Uuid>,
    /// The version the caller saw; a stale one gets 409.
    pub version: i32,
}
