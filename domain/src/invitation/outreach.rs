//! The outreach status a situation's queue line reads: from its latest invitation and its
//! person's latest appointment, and whether it is a call to make.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::InvitationState;
use crate::dto::AppointmentStatus;

/// Where a situation's outreach stands, computed from its latest invitation and its latest
/// appointment: what the call-back queue reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OutreachStatus {
    NotInvited,
    Invited,
    Opened,
    Booked,
    Seen,
    NoShow,
    /// The person cancelled their appointment.
    Cancelled,
    Expired,
    Undeliverable,
}

words!(OutreachStatus {
    NotInvited = "not_invited" => ("Pas d'invitation", "Not invited"),
    Invited = "invited" => ("Invitée", "Invited"),
    Opened = "opened" => ("Invitation ouverte", "Invitation opened"),
    Booked = "booked" => ("Rendez-vous pris", "Booked"),
    Seen = "seen" => ("Reçue", "Seen"),
    NoShow = "no_show" => ("Rendez-vous manqué", "Missed appointment"),
    Cancelled = "cancelled" => ("Rendez-vous annulé par la personne", "Cancelled by the person"),
    Expired = "expired" => ("Invitation expirée sans réponse", "Invitation expired unanswered"),
    Undeliverable = "undeliverable" => ("Message non remis : la personne ne l'a pas reçu", "Message not delivered: the person never received it"),
});

/// The outreach status from the latest invitation and the latest appointment, each with
/// when it last changed: the later one tells.
pub fn outreach_status(
    invitation: Option<(DateTime<Utc>, InvitationState)>,
    appointment: Option<(DateTime<Utc>, AppointmentStatus)>,
) -> OutreachStatus {
    use OutreachStatus as O;
    let from_appointment = |s: AppointmentStatus| match s {
        AppointmentStatus::Planned => Some(O::Booked),
        AppointmentStatus::Seen => Some(O::Seen),
        AppointmentStatus::NoShow => Some(O::NoShow),
        AppointmentStatus::Excused => Some(O::Cancelled),
        // Cancelled by the service: the invitation's status, if any, tells.
        AppointmentStatus::Revoked => None,
    };
    let from_invitation = |s: InvitationState| match s {
        InvitationState::Scheduled | InvitationState::Sent => O::Invited,
        InvitationState::Opened => O::Opened,
        InvitationState::Booked => O::Booked,
        InvitationState::Expired => O::Expired,
        InvitationState::Undeliverable => O::Undeliverable,
        InvitationState::Revoked => O::NotInvited,
    };
    match (invitation, appointment) {
        (Some((ti, i)), Some((ta, a))) if ta >= ti => {
            from_appointment(a).unwrap_or_else(|| from_invitation(i))
        }
        (Some((_, i)), _) => from_invitation(i),
        (None, Some((_, a))) => from_appointment(a).unwrap_or(O::NotInvited),
        (None, None) => O::NotInvited,
    }
}

impl OutreachStatus {
    /// Whether the queue marks the situation "to call": the person was not reached by the
    /// message, did not answer it in time, or missed or cancelled their appointment. The
    /// reason is the status's label (an SMS that never arrived never reads as silence).
    pub fn to_call(self) -> bool {
        matches!(
            self,
            OutreachStatus::Expired
                | OutreachStatus::Undeliverable
                | OutreachStatus::NoShow
                | OutreachStatus::Cancelled
        )
    }
}
