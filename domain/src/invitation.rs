//! Invitations (issue 27), pure: reaching the person by a message they can safely receive —
//! a self-booking link or a "call us" text —, following up once, expiring, and handing
//! silence back to a coordinator. What an invitation is and may become, when its one
//! follow-up is due, when a message may go out, why one is refused, and the outreach status
//! a situation's queue line reads. The records, the outbox and the pages are the server's.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Said;
use crate::safe_contact::{Channel, SafeContactProfile};
use crate::sms::QuietHours;

/// What an invitation asks of the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InvitationKind {
    /// A single-use link to choose a slot.
    Link,
    /// A text with no link: the service's neutral number and when to call it.
    CallUs,
}

words!(InvitationKind {
    Link = "link" => ("Lien de prise de rendez-vous", "Self-booking link"),
    CallUs = "call_us" => ("Message « rappelez-nous »", "\"Call us\" message"),
});

/// How an invitation reaches the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InvitationChannel {
    Sms,
    Email,
    /// Read out or handed over on paper: nothing is sent.
    InPerson,
}

words!(InvitationChannel {
    Sms = "sms" => ("Par SMS", "By text message"),
    Email = "email" => ("Par courriel", "By e-mail"),
    InPerson = "in_person" => ("Lu ou remis en main propre", "Read out or handed over"),
});

impl InvitationChannel {
    /// The safe-contact channel a message on it uses (none: nothing is sent).
    pub fn message_channel(self) -> Option<Channel> {
        match self {
            InvitationChannel::Sms => Some(Channel::Sms),
            InvitationChannel::Email => Some(Channel::Email),
            InvitationChannel::InPerson => None,
        }
    }
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InvitationState {
    /// Written, its message waiting for the next safe moment.
    Scheduled,
    Sent,
    /// The person opened the link.
    Opened,
    Booked,
    Expired,
    Revoked,
    /// The provider said the message never arrived.
    Undeliverable,
}

words!(InvitationState {
    Scheduled = "scheduled" => ("Programmée", "Scheduled"),
    Sent = "sent" => ("Envoyée", "Sent"),
    Opened = "opened" => ("Ouverte", "Opened"),
    Booked = "booked" => ("Rendez-vous pris", "Booked"),
    Expired = "expired" => ("Expirée sans réponse", "Expired unanswered"),
    Revoked = "revoked" => ("Retirée", "Revoked"),
    Undeliverable = "undeliverable" => ("Message non remis", "Not delivered"),
});

impl InvitationState {
    /// What the invitation reads at `now`: an open one past its expiry has expired (the
    /// stored state is written when something next happens to it; the reading never waits).
    pub fn at(self, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> InvitationState {
        if self.is_open() && now >= expires_at {
            InvitationState::Expired
        } else {
            self
        }
    }
}

/// The messages an invitation causes: the invitation itself, then at most one follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InvitationMessage {
    Invitation,
    FollowUp,
}

words!(InvitationMessage {
    Invitation = "invitation" => ("Invitation", "Invitation"),
    FollowUp = "follow_up" => ("Relance", "Follow-up"),
});

/// The text of an invitation's message in the default neutral wording, proper French (an
/// SMS is transliterated afterwards): no service, no reason, no sender; `until` is the
/// link's last day ("mardi 15 décembre"), `link` the self-booking link (a link invitation),
/// `tel` the service's neutral call-back number (a "call us" one). One GSM-7 segment with a
/// link of 50 characters.
pub fn text(
    kind: InvitationKind,
    message: InvitationMessage,
    until: &str,
    link: Option<&str>,
    tel: Option<&str>,
) -> String {
    let again = if message == InvitationMessage::FollowUp {
        "Rappel : "
    } else {
        "Bonjour, "
    };
    match kind {
        InvitationKind::Link => format!(
            "{again}vous pouvez choisir un rendez-vous ici jusqu'au {until} : {}",
            link.unwrap_or("")
        ),
        InvitationKind::CallUs => format!(
            "{again}merci de rappeler le {} en semaine de 9 h à 17 h, jusqu'au {until}.",
            tel.unwrap_or("")
        ),
    }
}

/// "mardi 15 décembre": the last day an invitation may be answered, in the person's zone.
pub fn until_fr(expires_at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    use chrono::Datelike;
    let l = (expires_at - Duration::seconds(1)).with_timezone(&tz);
    format!(
        "{} {} {}",
        crate::sms::DAYS[l.weekday().num_days_from_monday() as usize],
        l.day(),
        crate::sms::MONTHS[l.month0() as usize]
    )
}

/// What happens to an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationEvent {
    /// Its message went out (or, in person, it was handed over).
    Send,
    Open,
    /// An appointment was booked: from its link, by staff, or on the phone.
    Book,
    Expire,
    /// Withdrawn by staff, or ended by closing the situation, anonymisation or a new one.
    Revoke,
    Undeliverable,
}

impl InvitationState {
    /// An open invitation may still be answered; one only per situation.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            InvitationState::Scheduled | InvitationState::Sent | InvitationState::Opened
        )
    }

    /// Where `event` takes it, or `None` when it cannot happen (an ended invitation stays).
    pub fn next(self, event: InvitationEvent) -> Option<InvitationState> {
        use InvitationEvent as E;
        use InvitationState as S;
        match (self, event) {
            (S::Scheduled, E::Send) => Some(S::Sent),
            (S::Sent | S::Opened, E::Open) => Some(S::Opened),
            // A message not delivered is known only once sent; opened, it was delivered.
            (S::Sent, E::Undeliverable) => Some(S::Undeliverable),
            (s, E::Book) if s.is_open() => Some(S::Booked),
            (s, E::Expire) if s.is_open() => Some(S::Expired),
            (s, E::Revoke) if s.is_open() => Some(S::Revoked),
            _ => None,
        }
    }
}

/// An invitation's validity, per organisation: a week by default, 2 to 30 days.
pub const DEFAULT_EXPIRY_DAYS: i64 = 7;
pub const MIN_EXPIRY_DAYS: i64 = 2;
pub const MAX_EXPIRY_DAYS: i64 = crate::booking_link::MAX_VALID_DAYS;
/// The one follow-up goes out this many days after the invitation, per organisation…
pub const DEFAULT_FOLLOW_UP_DAYS: i64 = 3;
/// …if the invitation is then still valid this much longer.
pub const FOLLOW_UP_MARGIN_DAYS: i64 = 2;

/// The organisation's settings: validity and follow-up delay, in days.
pub fn check_settings(expiry_days: i64, follow_up_days: i64) -> Result<(), (&'static str, Said)> {
    if !(MIN_EXPIRY_DAYS..=MAX_EXPIRY_DAYS).contains(&expiry_days) {
        return Err((
            "expiry_days",
            ("Entre 2 et 30 jours.", "Between 2 and 30 days.").into(),
        ));
    }
    if follow_up_days < 1 || follow_up_days + FOLLOW_UP_MARGIN_DAYS > expiry_days {
        return Err((
            "follow_up_days",
            (
                "Au moins un jour, et deux jours avant l'expiration de l'invitation.",
                "One day at least, and two days before the invitation expires.",
            )
                .into(),
        ));
    }
    Ok(())
}

/// When the one follow-up is due: `follow_up_days` after the invitation went out, if it is
/// then valid for two more days; `None`: no follow-up.
pub fn follow_up_due(
    sent_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    follow_up_days: i64,
) -> Option<DateTime<Utc>> {
    let due = sent_at + Duration::days(follow_up_days);
    (due + Duration::days(FOLLOW_UP_MARGIN_DAYS) <= expires_at).then_some(due)
}

/// Why an invitation is refused, before anything is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refused {
    /// The person asked for no more messages (staff, or their STOP).
    NoMoreMessages,
    /// The safe-contact profile was never checked with the person.
    NeverChecked,
    ChannelNotAllowed,
    /// No safe number (SMS) or address (e-mail).
    NoSafeAddress,
    /// The situation has an open invitation.
    AlreadyOpen,
    /// No free slot for the link's type, sites and coordinators within its validity.
    NoFreeSlot,
    /// The situation is closed.
    Closed,
    /// A "call us" invitation, and the organisation has no neutral call-back number.
    NoCallbackNumber,
}

impl Refused {
    pub fn as_str(self) -> &'static str {
        match self {
            Refused::NoMoreMessages => "no_more_messages",
            Refused::NeverChecked => "never_checked",
            Refused::ChannelNotAllowed => "channel_not_allowed",
            Refused::NoSafeAddress => "no_safe_address",
            Refused::AlreadyOpen => "already_open",
            Refused::NoFreeSlot => "no_free_slot",
            Refused::Closed => "closed",
            Refused::NoCallbackNumber => "no_callback_number",
        }
    }

    /// The field a refusal is said of.
    pub fn field(self) -> &'static str {
        match self {
            Refused::NoMoreMessages | Refused::NeverChecked | Refused::AlreadyOpen => "person",
            Refused::Closed => "situation",
            Refused::ChannelNotAllowed | Refused::NoSafeAddress => "channel",
            Refused::NoFreeSlot => "type_id",
            Refused::NoCallbackNumber => "kind",
        }
    }

    /// Why, in the coordinator's words, French and English.
    pub fn said(self) -> Said {
        match self {
            Refused::NoMoreMessages => (
                "La personne ne veut plus de messages : aucune invitation ne part.",
                "The person wants no more messages: no invitation goes out.",
            ),
            Refused::NeverChecked => (
                "Le profil de contact sûr n'a jamais été vérifié avec la personne : vérifiez-le d'abord.",
                "The safe-contact profile was never checked with the person: check it first.",
            ),
            Refused::ChannelNotAllowed => (
                "La personne n'a pas autorisé ce canal.",
                "The person has not allowed this channel.",
            ),
            Refused::NoSafeAddress => (
                "Aucun numéro ou adresse sûr n'est connu pour ce canal.",
                "No safe number or address is known for this channel.",
            ),
            Refused::AlreadyOpen => (
                "Une invitation est déjà en cours pour cette situation : retirez-la d'abord.",
                "An invitation is already open for this situation: revoke it first.",
            ),
            Refused::NoFreeSlot => (
                "Aucun créneau libre pour ce type, ces sites et ces intervenants avant l'expiration du lien.",
                "No free slot for this type, these sites and these coordinators before the link expires.",
            ),
            Refused::Closed => ("La situation est close.", "The situation is closed."),
            Refused::NoCallbackNumber => (
                "Aucun numéro de rappel neutre n'est enregistré pour le service (réglages de l'organisation).",
                "The service has no neutral call-back number (organisation settings).",
            ),
        }
        .into()
    }
}

/// May an invitation on `channel` be made for a person with this profile? In person nothing
/// is sent, so nothing is asked of the profile; a message needs a checked profile that
/// allows its channel and gives its safe number or address (the send then waits for a safe
/// moment, `next_send_moment`).
pub fn check_channel(
    profile: &SafeContactProfile,
    no_more_messages: bool,
    channel: InvitationChannel,
) -> Result<(), Refused> {
    let Some(c) = channel.message_channel() else {
        return Ok(());
    };
    if no_more_messages {
        return Err(Refused::NoMoreMessages);
    }
    if profile.checked_at.is_none() {
        return Err(Refused::NeverChecked);
    }
    let (allowed, address) = match c {
        Channel::Sms => (profile.sms, profile.safe_phone.is_some()),
        _ => (profile.email, profile.safe_email.is_some()),
    };
    if !allowed {
        return Err(Refused::ChannelNotAllowed);
    }
    if !address {
        return Err(Refused::NoSafeAddress);
    }
    Ok(())
}

/// The first moment at or after `local` (the person's wall clock) when a message may go out:
/// inside one of their safe windows (any time, when they gave none) and outside quiet
/// hours. `None` when no such moment comes within a week (their windows all fall in quiet
/// hours): the send is refused rather than left waiting forever.
pub fn next_send_moment(
    profile: &SafeContactProfile,
    local: NaiveDateTime,
    quiet: QuietHours,
) -> Option<NaiveDateTime> {
    let allowed = |t: NaiveDateTime| {
        !quiet.contains(t.time())
            && (profile.windows.is_empty() || profile.windows.iter().any(|w| w.contains(t)))
    };
    // The earliest allowed moment is `local` itself or where an allowed stretch begins: a
    // window's start or the end of quiet hours, on one of the next eight days.
    let mut candidates = vec![local];
    for d in 0..8 {
        let day = local.date() + Duration::days(d);
        candidates.push(day.and_time(quiet.end));
        candidates.extend(profile.windows.iter().map(|w| day.and_time(w.start)));
    }
    candidates.retain(|t| *t >= local);
    candidates.sort();
    candidates.into_iter().find(|t| allowed(*t))
}

mod outreach;
pub use outreach::*;

#[cfg(test)]
mod tests;
