//! Invitations, as staff send, list, preview and revoke them (issue 27).

use super::prelude::*;
use crate::invitation::{InvitationChannel, InvitationKind, InvitationMessage, InvitationState};

/// An invitation for a situation's person: a self-booking link (an appointment type the
/// person may book, one or more sites, optionally some coordinators) or a "call us" text,
/// sent by SMS or e-mail to the safe number or address, or read out / handed over.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationInput {
    pub kind: InvitationKind,
    pub channel: InvitationChannel,
    /// A link invitation's appointment type (bookable by the person).
    #[serde(default)]
    pub type_id: Option<Uuid>,
    /// A link invitation's sites (one at least).
    #[serde(default)]
    pub site_ids: Vec<Uuid>,
    /// None: any coordinator at those sites.
    #[serde(default)]
    pub coordinator_ids: Vec<Uuid>,
}

/// One message an invitation caused.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationSend {
    pub id: Uuid,
    pub message: InvitationMessage,
    /// sms or email.
    pub channel: String,
    /// As the outbox's jobs: scheduled, running, sent, delivered, undelivered, failed, skipped, cancelled…
    pub state: String,
    pub due_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: Uuid,
    pub situation_id: Uuid,
    pub person_id: Uuid,
    pub kind: InvitationKind,
    pub channel: InvitationChannel,
    /// As it reads now (an open one past its expiry reads `expired`).
    pub state: InvitationState,
    /// When its message goes (went) out: the next moment the person's profile allows.
    pub send_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub opened_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// The appointment booked that ended it.
    pub appointment_id: Option<Uuid>,
    pub booking_link_id: Option<Uuid>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub messages: Vec<InvitationSend>,
    /// The link to read out or hand over, in the answer that created an invitation in
    /// person; never shown again.
    pub url: Option<String>,
}

/// What an invitation would send, before it is sent: the exact text (its link as a
/// placeholder address of the same length), when it would go, when it would expire.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationPreview {
    /// None in person: nothing is sent.
    pub text: Option<String>,
    pub follow_up_text: Option<String>,
    pub send_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// When the one follow-up would go, if it will.
    pub follow_up_at: Option<DateTime<Utc>>,
    /// gsm7 or ucs2, for an SMS.
    pub encoding: Option<String>,
    pub segments: Option<u32>,
}

/// The person's "no more messages" switch: while on, no invitation, follow-up or reminder
/// goes out (a STOP from their safe number does the same).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessagesInput {
    pub stopped: bool,
}

/// Where the person's "no more messages" switch stands.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessagesSwitch {
    pub stopped: bool,
    pub since: Option<DateTime<Utc>>,
}
