//! Retention runs, outbox jobs (reminders and confirmations), message templates.

use super::prelude::*;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionInput {
    /// List what would go without changing anything.
    pub dry_run: bool,
}

/// Why a file is due for anonymisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RetentionRule {
    InactiveTwoYears,
    NeverReachedSixMonths,
}

words!(RetentionRule {
    InactiveTwoYears = "inactive_two_years" => ("Sans activité depuis deux ans", "Inactive for two years"),
    NeverReachedSixMonths = "never_reached_six_months" => ("Jamais joint en six mois", "Never reached in six months"),
});

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionItem {
    pub person_id: Uuid,
    pub rule: RetentionRule,
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
