//! The safe-contact profile: how a person may be reached without exposing them to someone
//! who reads their phone. The default allows nothing; every outgoing channel asks `decide`.

use chrono::{DateTime, Datelike, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::validation::Validator;

pub mod windows;

/// A profile not confirmed with the person for this long is flagged stale.
pub const STALE_AFTER_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Channel {
    PhoneCall,
    Voicemail,
    Sms,
    Email,
    Letter,
}

words!(Channel {
    PhoneCall = "phone_call" => ("Appel", "Call"),
    Voicemail = "voicemail" => ("Messagerie vocale", "Voicemail"),
    Sms = "sms" => ("SMS", "Text message"),
    Email = "email" => ("Courriel", "E-mail"),
    Letter = "letter" => ("Courrier", "Letter"),
});

/// A time range, in the person's local wall-clock time, on some days of the week, when
/// contact is safe (e.g. weekdays 10:00–12:00, while the partner is at work).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SafeWindow {
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    pub days: Vec<u8>,
    /// "HH:MM", local time.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "10:00"))]
    pub start: NaiveTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12:00"))]
    pub end: NaiveTime,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SafeContactProfile {
    pub phone_call: bool,
    pub voicemail: bool,
    pub sms: bool,
    pub email: bool,
    /// Whether letters may be sent to the postal address.
    pub letter: bool,
    /// The number that is safe to call or text (E.164 once stored).
    pub safe_phone: Option<String>,
    pub safe_email: Option<String>,
    /// Empty means "any time" for the allowed channels.
    pub windows: Vec<SafeWindow>,
    /// Agreed word that tells the person the call is genuine.
    pub code_word: Option<String>,
    /// Whether messages may name the service; neutral wording otherwise.
    pub may_name_service: bool,
    /// When the person last confirmed this profile.
    pub checked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    ChannelNotAllowed,
    NoSafeAddress,
    OutsideSafeWindow,
    NeverChecked,
}

impl Refusal {
    /// Why, in English (the English console).
    pub fn reason_en(self) -> &'static str {
        match self {
            Refusal::ChannelNotAllowed => "the person has not allowed this channel",
            Refusal::NoSafeAddress => "no safe number or address is known",
            Refusal::OutsideSafeWindow => "outside the safe hours the person gave",
            Refusal::NeverChecked => "the safe-contact profile was never checked with the person",
        }
    }

    /// Why, in the coordinator's words (the server's answer and the phone's are the same).
    pub fn reason_fr(self) -> &'static str {
        match self {
            Refusal::ChannelNotAllowed => "ce canal n'est pas autorisé par la personne",
            Refusal::NoSafeAddress => "aucun numéro ou adresse sûr n'est connu",
            Refusal::OutsideSafeWindow => "hors des horaires sûrs indiqués par la personne",
            Refusal::NeverChecked => {
                "le profil de contact sûr n'a jamais été vérifié avec la personne"
            }
        }
    }
}

impl SafeContactProfile {
    /// May a contact attempt on `channel` at local wall-clock `local` go ahead? A first call
    /// on the number the referral gave is how contact starts; once the person has set a
    /// profile, calls follow it too. Written messages always need it.
    pub fn check_attempt(
        &self,
        channel: crate::outreach::AttemptChannel,
        local: chrono::NaiveDateTime,
    ) -> Result<(), Refusal> {
        use crate::outreach::AttemptChannel;
        let c = match channel {
            AttemptChannel::Call => Channel::PhoneCall,
            AttemptChannel::Sms => Channel::Sms,
            AttemptChannel::Email => Channel::Email,
            AttemptChannel::Letter => Channel::Letter,
        };
        let must_check = channel != AttemptChannel::Call || self.checked_at.is_some();
        if must_check {
            self.decide(c, local)
        } else {
            Ok(())
        }
    }

    /// May we use `channel` at local wall-clock `local`? `Ok` only if the profile says so
    /// explicitly; an unconfirmed profile allows nothing.
    pub fn decide(&self, channel: Channel, local: chrono::NaiveDateTime) -> Result<(), Refusal> {
        if self.checked_at.is_none() {
            return Err(Refusal::NeverChecked);
        }
        let (allowed, has_address) = match channel {
            Channel::PhoneCall => (self.phone_call, self.safe_phone.is_some()),
            Channel::Voicemail => (self.voicemail && self.phone_call, self.safe_phone.is_some()),
            Channel::Sms => (self.sms, self.safe_phone.is_some()),
            Channel::Email => (self.email, self.safe_email.is_some()),
            Channel::Letter => (self.letter, true),
        };
        if !allowed {
            return Err(Refusal::ChannelNotAllowed);
        }
        if !has_address {
            return Err(Refusal::NoSafeAddress);
        }
        if !self.windows.is_empty() && !self.windows.iter().any(|w| w.contains(local)) {
            return Err(Refusal::OutsideSafeWindow);
        }
        Ok(())
    }

    /// The profile after a coordinator changed it to `next`: confirmed with the person now
    /// (`confirmed`), it counts as checked from `now`; changed without that, it no longer
    /// counts as checked (no message goes on what the person has not confirmed); unchanged,
    /// it keeps its date.
    pub fn revised(
        &self,
        mut next: SafeContactProfile,
        confirmed: bool,
        now: DateTime<Utc>,
    ) -> Self {
        next.checked_at = if confirmed {
            Some(now)
        } else if (SafeContactProfile {
            checked_at: self.checked_at,
            ..next.clone()
        }) == *self
        {
            self.checked_at
        } else {
            None
        };
        next
    }

    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        match self.checked_at {
            None => true,
            Some(t) => (now - t).num_days() >= STALE_AFTER_DAYS,
        }
    }

    /// Validate and normalise in place (phone to E.164, e-mail lower-cased). Field names are
    /// prefixed with `prefix` so the error points into the enclosing document.
    pub fn validate(&mut self, prefix: &str, now: DateTime<Utc>, v: &mut Validator) {
        let f = |name: &str| format!("{prefix}.{name}");
        if let Some(p) = self
            .safe_phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match crate::phone::normalise(p) {
                Ok(e164) => self.safe_phone = Some(e164),
                Err(e) => v.push(f("safe_phone"), "invalid_phone", e.said()),
            }
        } else {
            self.safe_phone = None;
        }
        if let Some(e) = self
            .safe_email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            match crate::email::normalise(e) {
                Some(n) => self.safe_email = Some(n),
                None => v.push(
                    f("safe_email"),
                    "invalid_email",
                    ("Adresse e-mail invalide.", "Invalid e-mail address."),
                ),
            }
        } else {
            self.safe_email = None;
        }
        if (self.sms || self.phone_call || self.voicemail) && self.safe_phone.is_none() {
            v.push(
                f("safe_phone"),
                "required",
                (
                    "Un numéro sûr est nécessaire pour appeler ou écrire par SMS.",
                    "A safe number is needed to call or to text.",
                ),
            );
        }
        if self.email && self.safe_email.is_none() {
            v.push(
                f("safe_email"),
                "required",
                (
                    "Une adresse sûre est nécessaire pour écrire par e-mail.",
                    "A safe address is needed to write by e-mail.",
                ),
            );
        }
        if self.windows.len() > crate::limits::SAFE_WINDOWS {
            v.push(
                f("windows"),
                "too_many",
                ("14 plages au plus.", "14 windows at most."),
            );
        }
        for (i, w) in self.windows.iter().enumerate() {
            if w.start >= w.end {
                v.push(
                    format!("{prefix}.windows[{i}].end"),
                    "end_before_start",
                    (
                        "La fin doit suivre le début.",
                        "The end must come after the start.",
                    ),
                );
            }
            if w.days.is_empty() || w.days.iter().any(|d| !(1..=7).contains(d)) {
                v.push(
                    format!("{prefix}.windows[{i}].days"),
                    "invalid_day",
                    (
                        "Jours de 1 (lundi) à 7 (dimanche).",
                        "Days from 1 (Monday) to 7 (Sunday).",
                    ),
                );
            }
        }
        self.code_word = v.optional_text(
            &f("code_word"),
            self.code_word.as_deref(),
            crate::limits::CODE_WORD,
        );
        if let Some(t) = self.checked_at
            && t > now + chrono::Duration::minutes(5)
        {
            v.push(
                f("checked_at"),
                "in_future",
                (
                    "La date de vérification est dans le futur.",
                    "The date checked is in the future.",
                ),
            );
        }
    }
}

impl SafeWindow {
    pub fn contains(&self, local: chrono::NaiveDateTime) -> bool {
        let day = iso_day(local.weekday());
        let t = local.time();
        self.days.contains(&day) && self.start <= t && t < self.end
    }
}

fn iso_day(d: Weekday) -> u8 {
    // number_from_monday is 1..=7, which fits in u8.
    d.number_from_monday() as u8
}

#[cfg(test)]
mod tests;
