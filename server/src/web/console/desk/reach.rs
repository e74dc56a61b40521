//! The file's safe-contact form: the means the person allowed, the safe number and address,
//! the safe hours typed a line each (`safe_contact::windows`), and whether it was checked
//! with the person today. The service decides what counts as checked
//! (`persons::set_safe_contact`); this room parses, calls it and draws the form.

use super::*;
use crate::render::console::spec::field;
use relais_domain::safe_contact::{SafeContactProfile, windows};
use relais_domain::validation::FieldError;
use serde::Deserialize;

pub(super) const REACH_FIELDS: &[Field] = &[
    field("person_id", Input::Hidden, |t| t.the_person, false, &[]),
    field("safe_contact", Input::Group, |t| t.reach.means, false, &[]),
    field(
        "safe_contact.phone_call",
        Input::Check,
        |t| t.call,
        false,
        &[],
    ),
    field(
        "safe_contact.voicemail",
        Input::Check,
        |t| t.reach.may_leave_a_message,
        false,
        &[],
    ),
    field(
        "safe_contact.sms",
        Input::Check,
        |t| t.reach.may_text,
        false,
        &[],
    ),
    field(
        "safe_contact.email",
        Input::Check,
        |t| t.reach.may_e_mail,
        false,
        &[],
    ),
    field(
        "safe_contact.letter",
        Input::Check,
        |t| t.reach.may_write,
        false,
        &[],
    ),
    field(
        "safe_contact_end",
        Input::End,
        |t| t.reach.means,
        false,
        &[],
    ),
    field(
        "safe_contact.safe_phone",
        Input::Tel,
        |t| t.reach.safe_phone,
        false,
        &[],
    ),
    field(
        "safe_contact.safe_email",
        Input::Email,
        |t| t.reach.safe_email,
        false,
        &[],
    ),
    field(
        "safe_contact.windows",
        Input::Area,
        |t| t.reach.windows,
        false,
        &[],
    ),
    field(
        "safe_contact.code_word",
        Input::Text,
        |t| t.reach.code_word,
        false,
        &[],
    ),
    field(
        "safe_contact.may_name_service",
        Input::Check,
        |t| t.reach.may_name_service,
        false,
        &[],
    ),
    field("confirmed", Input::Check, |t| t.reach.confirmed, false, &[]),
];

/// The form as posted: the profile with its hours as typed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReachPost {
    person_id: Uuid,
    safe_contact: Typed,
    #[serde(default)]
    confirmed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Typed {
    phone_call: bool,
    voicemail: bool,
    sms: bool,
    email: bool,
    letter: bool,
    safe_phone: Option<String>,
    safe_email: Option<String>,
    windows: Option<String>,
    code_word: Option<String>,
    may_name_service: bool,
}

/// What the profile reads as in the form, to start from.
fn values_of(p: &SafeContactProfile, person: Uuid, l: Lang) -> Vec<(String, String)> {
    let mut v = vec![("person_id".to_owned(), person.to_string())];
    for (on, name) in [
        (p.phone_call, "safe_contact.phone_call"),
        (p.voicemail, "safe_contact.voicemail"),
        (p.sms, "safe_contact.sms"),
        (p.email, "safe_contact.email"),
        (p.letter, "safe_contact.letter"),
        (p.may_name_service, "safe_contact.may_name_service"),
    ] {
        if on {
            v.push((name.to_owned(), "true".to_owned()));
        }
    }
    for (value, name) in [
        (p.safe_phone.clone(), "safe_contact.safe_phone"),
        (p.safe_email.clone(), "safe_contact.safe_email"),
        (p.code_word.clone(), "safe_contact.code_word"),
        (
            Some(windows::format(&p.windows, l.english)),
            "safe_contact.windows",
        ),
    ] {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            v.push((name.to_owned(), value));
        }
    }
    v
}

/// The safe-contact form of the file: as it was typed and refused, or as the profile is.
pub(super) fn reach_form(c: &FileView<'_>, values: &[(String, String)]) -> FormView {
    let FileView {
        d, l, id, again, ..
    } = *c;
    let f = match again {
        Some(a) if a.form == "reach" => a.refusal.form(&a.values, l),
        _ => Form {
            values,
            errors: &[],
            general: None,
            lang: l,
        },
    };
    FormView::new(
        REACH_FIELDS,
        &f,
        format!("/console/situations/{id}/contact-sur"),
        &d.csrf,
        l.t().reach.save,
    )
    .intro(l.t().reach.reach_intro)
    .ids(
        "reach",
        &["safe_contact.safe_phone", "safe_contact.windows"],
    )
}

/// The values the form starts from, for the file.
pub(super) fn reach_values(c: &FileView<'_>) -> Vec<(String, String)> {
    values_of(&c.person.safe_contact, c.person.id, c.l)
}

/// Save the profile; confirmed with the person, or saved as not checked.
pub(super) async fn reach(d: D, Path(id): Path<String>, Checked(p): Checked) -> Page {
    let sid = id_of(&id)?;
    let posted = match p.read_fields::<ReachPost>(REACH_FIELDS) {
        Ok(f) => f,
        Err(e) => return refused(&d, &id, "reach", &p, e).await,
    };
    let t = posted.safe_contact;
    let hours = match windows::parse(t.windows.as_deref().unwrap_or("")) {
        Ok(w) => w,
        Err(said) => {
            let e = crate::error::ServiceError::validation(vec![FieldError {
                field: "safe_contact.windows".to_owned(),
                code: "invalid_window".to_owned(),
                message: said.fr,
                message_en: said.en,
            }]);
            return refused(&d, &id, "reach", &p, e).await;
        }
    };
    let profile = SafeContactProfile {
        phone_call: t.phone_call,
        voicemail: t.voicemail,
        sms: t.sms,
        email: t.email,
        letter: t.letter,
        safe_phone: t.safe_phone,
        safe_email: t.safe_email,
        windows: hours,
        code_word: t.code_word,
        may_name_service: t.may_name_service,
        checked_at: None,
    };
    match persons::set_safe_contact(&d, posted.person_id, profile, posted.confirmed).await {
        Ok(person) => Ok(done(
            &format!("/console/situations/{sid}"),
            if person.safe_contact.checked_at.is_some() {
                Done::SafeContactChecked
            } else {
                Done::SafeContactUnchecked
            },
        )),
        Err(e) => refused(&d, &id, "reach", &p, e).await,
    }
}

pub(super) const SWITCH_FIELDS: &[Field] = &[
    field("person_id", Input::Hidden, |t| t.the_person, false, &[]),
    field(
        "stopped",
        Input::Hidden,
        |t| t.reach.no_more_messages,
        false,
        &[],
    ),
];

/// The "no more messages" switch of the file: a button that turns it on, or off again.
pub(super) fn switch_form(c: &FileView<'_>, stopped: bool) -> FormView {
    let FileView { d, l, id, .. } = *c;
    let t = l.t();
    let f = FormView::new(
        SWITCH_FIELDS,
        &Form::empty(l),
        format!("/console/situations/{id}/messages"),
        &d.csrf,
        if stopped {
            t.reach.messages_again
        } else {
            t.reach.no_more_messages
        },
    )
    .initially("person_id", c.person.id.to_string())
    .initially("stopped", (!stopped).to_string())
    .ids("switch", &["person_id", "stopped"]);
    if stopped {
        f.look("quiet")
    } else {
        f.look("danger")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SwitchPost {
    person_id: Uuid,
    stopped: String,
}

/// Turn the person's "no more messages" switch on or off.
pub(super) async fn switch(d: D, Path(id): Path<String>, Checked(p): Checked) -> Page {
    let sid = id_of(&id)?;
    let posted = match p.read_fields::<SwitchPost>(SWITCH_FIELDS) {
        Ok(f) => f,
        Err(e) => return refused(&d, &id, "switch", &p, e).await,
    };
    let stopped = posted.stopped == "true";
    match crate::scheduling::invitations::set_messages(&d, posted.person_id, stopped).await {
        Ok(_) => Ok(done(
            &format!("/console/situations/{sid}"),
            if stopped {
                Done::MessagesStopped
            } else {
                Done::MessagesResumed
            },
        )),
        Err(e) if e.status() == 404 => Ok(not_found(d.lang)),
        Err(e) => refused(&d, &id, "switch", &p, e).await,
    }
}
