//! What the server takes in each field it is sent, in one place: the validators read these
//! numbers, and the API's document (`server::api::contract`) writes the same table into
//! its schemas, so that a request the document allows is a request the server takes, and
//! one it forbids is refused. What no schema can say (an end after its start, a date
//! within the last thirty days, a record that must exist) is refused by the server with a
//! 409 when only the present state or the clock says no (see `problem`), and named in the
//! contract run's hooks (`.ci/schemathesis_hooks.py`) when it is a relation between two
//! values of one request.

/// A person's first or last name.
pub const PERSON_NAME: usize = 100;
/// The name of a site, an organisation, a partner, a unit, an account, a type.
pub const NAME: usize = 200;
/// A postal address, a partner's contact.
pub const ADDRESS: usize = 500;
/// A site's neutral place text for messages.
pub const MESSAGE_PLACE: usize = 200;
/// A message's wording (`sms::check_template`).
pub const WORDING: usize = 480;
/// A file's notes, an interview's note.
pub const NOTES: usize = 10_000;
/// A short note: a call attempt's, a referral's; a traced reason.
pub const NOTE: usize = 2_000;
/// A reason given for a cancellation or an emergency booking.
pub const REASON: usize = 500;
/// A sender's own reference for a referral.
pub const EXTERNAL_REF: usize = 100;
/// A phone's name, given when it is paired.
pub const DEVICE_NAME: usize = 100;
/// The code word agreed with the person.
pub const CODE_WORD: usize = 64;
/// One word of an organisation's own list of words never to put in a message.
pub const MESSAGE_WORD: usize = 100;
/// How many such words.
pub const MESSAGE_WORDS: usize = 500;
/// How many problems a situation names.
pub const PROBLEMS: usize = 20;
/// How many safe windows a person's profile holds.
pub const SAFE_WINDOWS: usize = 14;
/// The communes and sites one convention covers.
pub const CONVENTION_COMMUNES: usize = 100;
pub const CONVENTION_SITES: usize = 50;
/// A convention's period: ten years at most (they run for three).
pub const CONVENTION_DAYS: i64 = 10 * 366;
/// The partners named on one prevention action.
pub const ACTION_PARTNERS: usize = 20;

/// What a field takes.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// Text trimmed by the server, at most `max` characters, without control or invisible
    /// characters (`wording::is_invisible`, tab and line feed allowed).
    Text { max: usize, blank: Blank },
    /// A whole number in `min..=max`. `max: None`: the current year (a birth year).
    Int { min: i64, max: Option<i64> },
    /// A French or international phone number, in a form the server reads.
    Phone,
    /// An e-mail address, in a form the server reads.
    Email,
    /// A password: its length (what else it must not be is said in the refusal).
    Password,
    /// A time of day, `HH:MM` or `HH:MM:SS`.
    Time,
    /// Days of the week, 1 (Monday) to 7 (Sunday), at least one.
    Days,
    /// An IANA time zone name.
    TimeZone,
    /// One of these words.
    Words(&'static [&'static str]),
    /// A list of at most this many items.
    AtMost(usize),
    /// A list of lines, each 1 to `max` characters, at most `count` of them.
    Lines { max: usize, count: usize },
    /// A channel a referral may declare (`OriginChannel::is_referral`).
    ReferralChannel,
    /// A message's kind (`sms::MessageKind`).
    MessageKind,
    /// A local date and time, `YYYY-MM-DDTHH:MM:SS`.
    LocalDateTime,
    /// A message's wording: at most `WORDING` characters, `{quand}` once, standing apart,
    /// `{lieu}` and `{lien}` where wanted, no other braces' word (`sms::check_template`;
    /// what reveals the service is the organisation's to say, answered with a 409).
    Wording,
}

/// Whether a text may be blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blank {
    /// Required: something other than spaces.
    Refused,
    /// Optional: blank is the same as absent.
    Absent,
    /// Optional, but when given it must say something.
    RefusedIfGiven,
}

/// One field of one input schema (named as in the API's document).
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub schema: &'static str,
    pub field: &'static str,
    pub rule: Rule,
}

/// When a field has this value, these fields are required and must say something.
#[derive(Debug, Clone, Copy)]
pub struct When {
    pub schema: &'static str,
    pub field: &'static str,
    pub is: Is,
    pub then_required: &'static [&'static str],
    /// And otherwise, these must be absent (null or blank).
    pub else_absent: &'static [&'static str],
}

#[derive(Debug, Clone, Copy)]
pub enum Is {
    Word(&'static str),
    Bool(bool),
}

const fn text(schema: &'static str, field: &'static str, max: usize, blank: Blank) -> Limit {
    Limit {
        schema,
        field,
        rule: Rule::Text { max, blank },
    }
}

const fn rule(schema: &'static str, field: &'static str, rule: Rule) -> Limit {
    Limit {
        schema,
        field,
        rule,
    }
}

/// A person's birth year: from 1900 to the current year (the document's maximum is the
/// year it is served in).
const fn birth_year(schema: &'static str) -> Limit {
    rule(
        schema,
        "birth_year",
        Rule::Int {
            min: FIRST_BIRTH_YEAR,
            max: None,
        },
    )
}

const fn int(schema: &'static str, field: &'static str, min: i64, max: i64) -> Limit {
    rule(
        schema,
        field,
        Rule::Int {
            min,
            max: Some(max),
        },
    )
}

use Blank::{Absent, Refused, RefusedIfGiven};

/// Appointment types: durations and steps from 5 minutes to 8 hours, buffers up to 4 hours,
/// notice up to 30 days, horizon 1 to 366 days, a reminder 1 to 168 hours before.
pub const DURATION: (i64, i64) = (5, 8 * 60);
pub const BUFFER: (i64, i64) = (0, 4 * 60);
pub const NOTICE: (i64, i64) = (0, 60 * 24 * 30);
pub const HORIZON: (i64, i64) = (1, 366);
pub const REMINDER_HOURS: (i64, i64) = (1, 168);
/// An interview lasts 1 to 600 minutes.
pub const INTERVIEW_MINUTES: (i64, i64) = (1, 600);
/// The first birth year taken.
pub const FIRST_BIRTH_YEAR: i64 = 1900;

pub const LIMITS: &[Limit] = &[
    text("SiteInput", "name", NAME, Refused),
    text("SiteInput", "address", ADDRESS, Refused),
    rule("SiteInput", "phone", Rule::Phone),
    rule("InvitationSettings", "callback_phone", Rule::Phone),
    rule("SiteInput", "time_zone", Rule::TimeZone),
    text("SiteInput", "message_place", MESSAGE_PLACE, Absent),
    rule("TemplatePreviewInput", "kind", Rule::MessageKind),
    rule(
        "TemplatePreviewInput",
        "channel",
        Rule::Words(&["sms", "email"]),
    ),
    rule("TemplatePreviewInput", "body", Rule::Wording),
    rule("MessageTemplateInput", "body", Rule::Wording),
    text("OrganisationInput", "name", NAME, Refused),
    rule(
        "OrganisationInput",
        "message_words",
        Rule::Lines {
            max: MESSAGE_WORD,
            count: MESSAGE_WORDS,
        },
    ),
    rule("AccountInput", "email", Rule::Email),
    text("AccountInput", "display_name", NAME, Refused),
    rule("AccountInput", "password", Rule::Password),
    text("AccountPatch", "display_name", NAME, RefusedIfGiven),
    text("DeviceLoginRequest", "device_name", DEVICE_NAME, Refused),
    text("AppointmentTypeInput", "name", NAME, Refused),
    text("AppointmentTypeInput", "public_label", NAME, Refused),
    int(
        "AppointmentTypeInput",
        "duration_minutes",
        DURATION.0,
        DURATION.1,
    ),
    int(
        "AppointmentTypeInput",
        "step_minutes",
        DURATION.0,
        DURATION.1,
    ),
    int(
        "AppointmentTypeInput",
        "buffer_before_minutes",
        BUFFER.0,
        BUFFER.1,
    ),
    int(
        "AppointmentTypeInput",
        "buffer_after_minutes",
        BUFFER.0,
        BUFFER.1,
    ),
    int(
        "AppointmentTypeInput",
        "min_notice_minutes",
        NOTICE.0,
        NOTICE.1,
    ),
    int(
        "AppointmentTypeInput",
        "max_horizon_days",
        HORIZON.0,
        HORIZON.1,
    ),
    int(
        "AppointmentTypeInput",
        "reminder_offset_hours",
        REMINDER_HOURS.0,
        REMINDER_HOURS.1,
    ),
    text(
        "AppointmentInput",
        "emergency_reason",
        REASON,
        RefusedIfGiven,
    ),
    text("MoveInput", "emergency_reason", REASON, RefusedIfGiven),
    text("CancelInput", "reason", REASON, Absent),
    rule("OpeningWindowInput", "days", Rule::Days),
    rule("OpeningWindowInput", "start", Rule::Time),
    rule("OpeningWindowInput", "end", Rule::Time),
    rule(
        "AbsenceInput",
        "kind",
        Rule::Words(&["one_off", "recurring"]),
    ),
    rule("AbsenceInput", "days", Rule::Days),
    rule("AbsenceInput", "start", Rule::Time),
    rule("AbsenceInput", "end", Rule::Time),
    rule("AbsenceInput", "time_zone", Rule::TimeZone),
    rule("AbsenceInput", "start_local", Rule::LocalDateTime),
    rule("AbsenceInput", "end_local", Rule::LocalDateTime),
    rule(
        "ScheduleExceptionInput",
        "kind",
        Rule::Words(&["closed", "extra"]),
    ),
    rule("ScheduleExceptionInput", "start", Rule::Time),
    rule("ScheduleExceptionInput", "end", Rule::Time),
    text("PersonInput", "first_name", PERSON_NAME, Refused),
    text("PersonInput", "last_name", PERSON_NAME, Refused),
    birth_year("PersonInput"),
    rule("PersonInput", "phone", Rule::Phone),
    rule("PersonInput", "email", Rule::Email),
    text("PersonInput", "address", ADDRESS, Absent),
    text("PersonInput", "notes", NOTES, Absent),
    text("PersonInput", "commune", NAME, Absent),
    text("WalkInInput", "commune", NAME, Absent),
    text("ReferralInput", "commune", NAME, Absent),
    rule("SafeContactProfile", "safe_phone", Rule::Phone),
    rule("SafeContactProfile", "safe_email", Rule::Email),
    text("SafeContactProfile", "code_word", CODE_WORD, Absent),
    rule("SafeContactProfile", "windows", Rule::AtMost(SAFE_WINDOWS)),
    rule("SafeWindow", "days", Rule::Days),
    rule("SafeWindow", "start", Rule::Time),
    rule("SafeWindow", "end", Rule::Time),
    text("WalkInInput", "first_name", PERSON_NAME, Refused),
    text("WalkInInput", "last_name", PERSON_NAME, Absent),
    birth_year("WalkInInput"),
    rule("WalkInInput", "phone", Rule::Phone),
    text("WalkInInput", "note", NOTES, Absent),
    rule("WalkInInput", "problems", Rule::AtMost(PROBLEMS)),
    rule("ReferralInput", "problems", Rule::AtMost(PROBLEMS)),
    rule("SituationInput", "problems", Rule::AtMost(PROBLEMS)),
    rule("AnonymousContactInput", "problems", Rule::AtMost(PROBLEMS)),
    text("ReferralInput", "first_name", PERSON_NAME, Refused),
    text("ReferralInput", "last_name", PERSON_NAME, Refused),
    birth_year("ReferralInput"),
    rule("ReferralInput", "phone", Rule::Phone),
    text("ReferralInput", "unit", NAME, Absent),
    text("ReferralInput", "note", NOTE, Absent),
    text("ReferralInput", "external_ref", EXTERNAL_REF, Absent),
    text("PartnerInput", "name", NAME, Refused),
    text("PartnerInput", "contact", ADDRESS, Absent),
    text("PartnerUnitInput", "name", NAME, Refused),
    rule("PartnerUnitInput", "channel", Rule::ReferralChannel),
    text("OrientationInput", "override_reason", NOTE, Absent),
    text("AttemptInput", "note", NOTE, Absent),
    text("InterviewInput", "note", NOTES, Absent),
    int(
        "InterviewInput",
        "duration_minutes",
        INTERVIEW_MINUTES.0,
        INTERVIEW_MINUTES.1,
    ),
    text("PersonLinkInput", "keep_apart_off_reason", REASON, Absent),
    text("ConventionInput", "funder", NAME, Refused),
    rule(
        "ConventionInput",
        "communes",
        Rule::AtMost(CONVENTION_COMMUNES),
    ),
    rule(
        "ConventionInput",
        "site_ids",
        Rule::AtMost(CONVENTION_SITES),
    ),
    text("PreventionActionInput", "place", NAME, Refused),
    rule(
        "PreventionActionInput",
        "partner_ids",
        Rule::AtMost(ACTION_PARTNERS),
    ),
    int("PreventionActionInput", "people_reached", 0, REACHED),
    int("PreventionActionInput", "pupils", 0, REACHED),
    int("PreventionActionInput", "inhabitants", 0, REACHED),
    int("PreventionActionInput", "professionals", 0, REACHED),
];

/// The people one prevention action reaches, in all or of one public.
const REACHED: i64 = crate::prevention::MOST_REACHED as i64;

pub const WHEN: &[When] = &[
    When {
        schema: "SituationEventInput",
        field: "event",
        is: Is::Word("close"),
        then_required: &["close_reason"],
        else_absent: &["close_reason"],
    },
    When {
        schema: "SituationEventInput",
        field: "event",
        is: Is::Word("schedule_callback"),
        then_required: &["callback"],
        else_absent: &[],
    },
    When {
        schema: "SituationEventInput",
        field: "event",
        is: Is::Word("set_appointment"),
        then_required: &["appointment_id"],
        else_absent: &[],
    },
    When {
        schema: "CancelInput",
        field: "by",
        is: Is::Word("service"),
        then_required: &["reason"],
        else_absent: &[],
    },
    When {
        schema: "OrientationInput",
        field: "consent",
        is: Is::Bool(false),
        then_required: &["override_reason"],
        else_absent: &["override_reason"],
    },
    When {
        schema: "SafeContactProfile",
        field: "sms",
        is: Is::Bool(true),
        then_required: &["safe_phone"],
        else_absent: &[],
    },
    When {
        schema: "SafeContactProfile",
        field: "phone_call",
        is: Is::Bool(true),
        then_required: &["safe_phone"],
        else_absent: &[],
    },
    When {
        schema: "SafeContactProfile",
        field: "voicemail",
        is: Is::Bool(true),
        then_required: &["safe_phone"],
        else_absent: &[],
    },
    When {
        schema: "SafeContactProfile",
        field: "email",
        is: Is::Bool(true),
        then_required: &["safe_email"],
        else_absent: &[],
    },
    When {
        schema: "AbsenceInput",
        field: "kind",
        is: Is::Word("recurring"),
        then_required: &["days", "start", "end"],
        else_absent: &[],
    },
    When {
        schema: "AbsenceInput",
        field: "kind",
        is: Is::Word("one_off"),
        then_required: &["start_local", "end_local"],
        else_absent: &[],
    },
    When {
        schema: "ScheduleExceptionInput",
        field: "kind",
        is: Is::Word("extra"),
        then_required: &["start", "end"],
        else_absent: &[],
    },
];

/// The characters a text field refuses, as a regular expression's class body: control
/// characters but tab and line feed, and the invisible ones of `wording::is_invisible`,
/// written as the characters themselves (every regular-expression dialect reads them).
pub fn refused_characters() -> String {
    let mut class = String::new();
    let ranges = [
        ('\u{0}', '\u{8}'),
        ('\u{B}', '\u{1F}'),
        ('\u{7F}', '\u{9F}'),
    ];
    for (a, b) in ranges.iter().chain(crate::wording::INVISIBLE) {
        class.push(*a);
        if a != b {
            class.push('-');
            class.push(*b);
        }
    }
    class
}

/// A French number written as the server stores it, or with spaces or dots between pairs;
/// an international one with its `+`. A subset of what `phone::normalise` reads: every
/// string it matches is taken (tested below).
pub const PHONE_PATTERN: &str =
    r"^(0[1-9]([ .]?[0-9]{2}){4}|\+33[1-9][0-9]{8}|\+(3[0-24-9]|[1-24-9][0-9])[0-9]{7,12})$";

/// An address the server takes: a plain local part, a domain of letters, digits and
/// hyphens, a top-level domain of letters. A subset of what `email::normalise` reads.
pub const EMAIL_PATTERN: &str = r"^[A-Za-z0-9_+-]{1,32}(\.[A-Za-z0-9_+-]{1,16}){0,2}@[A-Za-z0-9]{1,30}(-[A-Za-z0-9]{1,10}){0,2}(\.[A-Za-z0-9]{1,30}){0,2}\.[A-Za-z]{2,12}$";

/// The channels a referral may declare.
pub fn referral_channels() -> Vec<&'static str> {
    crate::outreach::OriginChannel::ALL
        .iter()
        .filter(|c| c.is_referral())
        .map(|c| c.as_str())
        .collect()
}

/// A local date and time (days up to the 28th: every month has them).
pub const LOCAL_DATE_TIME_PATTERN: &str =
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$";

/// `HH:MM`, or `HH:MM:SS`.
pub const TIME_PATTERN: &str = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_the_phone_pattern_shows_is_read() {
        for p in [
            "0612345678",
            "06 12 34 56 78",
            "06.12.34.56.78",
            "+33612345678",
            "+4915112345678",
            "+594694123456",
            "+12025550123",
        ] {
            assert!(crate::phone::normalise(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn every_form_the_email_pattern_shows_is_read() {
        for e in [
            "a@b.fr",
            "prenom.nom@exemple-asso.fr",
            "x_y+z@sous.domaine.gouv.fr",
            "A1@B2.COM",
        ] {
            assert!(crate::email::normalise(e).is_some(), "{e}");
        }
    }

    #[test]
    fn the_refused_class_names_every_invisible_range() {
        let c = refused_characters();
        assert!(c.contains("\u{200B}-\u{200F}"));
        assert!(c.contains('\u{FEFF}'));
        assert!(!c.contains('\n') && !c.contains('\t'));
    }

    #[test]
    fn one_limit_per_field() {
        let mut seen = std::collections::HashSet::new();
        for l in LIMITS {
            assert!(seen.insert((l.schema, l.field)), "{}.{}", l.schema, l.field);
        }
    }
}
