//! The file's forms, each one specification: a contact attempt, the state changes the state
//! allows (with an agreed call's window), an orientation, an interview and a child-in-danger
//! report. The handlers (`actions`) read what is posted by the same specifications.

use super::*;

use crate::render::console::spec::field;

pub(super) const ATTEMPT_FIELDS: &[Field] = &[
    field("channel", Input::Choice, |t| t.attempt_means, true, &[]),
    field("result", Input::Choice, |t| t.result, true, &[]),
    field("note", Input::Area, |t| t.note_optional, false, &[]),
];

pub(super) const EVENT_FIELDS: &[Field] = &[
    field("version", Input::Version, |t| t.change, false, &[]),
    field(
        "appointment_id",
        Input::Hidden,
        |t| t.appointment,
        false,
        &[],
    ),
    field("event", Input::Choice, |t| t.change, true, &[]),
    field(
        "close_reason",
        Input::Choice,
        |t| t.reason_when_closing,
        false,
        &[],
    ),
    field("callback_date", Input::Date, |t| t.day, false, &[]),
    field(
        "callback_from",
        Input::Time,
        |t| t.callback_from,
        false,
        &[],
    ),
    field("callback_to", Input::Time, |t| t.to, false, &[]),
];

pub(super) const ORIENT_FIELDS: &[Field] = &[
    field("partner_id", Input::Choice, |t| t.partner, true, &[]),
    field(
        "consent",
        Input::Check,
        |t| t.the_person_agrees_to_be,
        false,
        &[],
    ),
    field(
        "override_reason",
        Input::Text,
        |t| t.without_consent_reason_child,
        false,
        &[],
    ),
];

pub(super) const INTERVIEW_FIELDS: &[Field] = &[
    field("mode", Input::Choice, |t| t.mode, true, &[]),
    Field {
        name: "duration_minutes",
        input: Input::Number,
        label: |t| t.duration_in_minutes,
        required: false,
        hints: &[("min", "1"), ("max", "999")],
    },
    field("site_id", Input::Choice, |t| t.interview_site, false, &[]),
    field("note", Input::Area, |t| t.note_optional, false, &[]),
];

pub(super) const CHILD_FIELDS: &[Field] = &[
    field(
        "reported_on",
        Input::Date,
        |t| t.date_of_the_report,
        true,
        &[],
    ),
    field("recipient", Input::Choice, |t| t.recipient, true, &[]),
];

/// A contact attempt in one form.
pub(super) fn attempt_form(c: &FileView<'_>) -> FormView {
    let FileView {
        d, l, id, again, ..
    } = *c;
    FormView::new(
        ATTEMPT_FIELDS,
        &form_for(again, l, "attempt"),
        format!("/console/situations/{id}/tentative"),
        &d.csrf,
        l.t().log_the_attempt,
    )
    .options("channel", options::<AttemptChannel>(l))
    .options("result", options::<AttemptResult>(l))
}

/// The state changes the state allows; none when it allows none.
pub(super) fn state_form(c: &FileView<'_>) -> Option<FormView> {
    let FileView {
        d,
        l,
        id,
        s,
        raw,
        again,
        ..
    } = *c;
    let booked = query(raw, "rdv").and_then(|r| Uuid::parse_str(&r).ok());
    let events: Vec<(String, String)> = s
        .allowed_events
        .iter()
        .filter(|e| match e {
            Event::SetAppointment => booked.is_some(),
            _ => true,
        })
        .map(|&e| (e.as_str().to_owned(), l.word(e).to_owned()))
        .collect();
    if events.is_empty() {
        return None;
    }
    let mut f = FormView::new(
        EVENT_FIELDS,
        &form_for(again, l, "event"),
        format!("/console/situations/{id}/etat"),
        &d.csrf,
        l.t().apply,
    )
    .initially("version", s.version.to_string())
    .options("event", events)
    .options("close_reason", options::<CloseReason>(l));
    f = match booked {
        Some(b) => f.initially("appointment_id", b.to_string()),
        None => f.without("appointment_id"),
    };
    Some(if s.allowed_events.contains(&Event::ScheduleCallback) {
        f
    } else {
        [
            "callback",
            "callback_date",
            "callback_from",
            "callback_to",
            "callback_end",
        ]
        .iter()
        .fold(f, |f, name| f.without(name))
    })
}

/// Orientation to a partner, with consent.
pub(super) fn orient_form(c: &FileView<'_>) -> FormView {
    let FileView {
        d,
        l,
        id,
        again,
        partner_list,
        ..
    } = *c;
    FormView::new(
        ORIENT_FIELDS,
        &form_for(again, l, "orient"),
        format!("/console/situations/{id}/orientation"),
        &d.csrf,
        l.t().orient,
    )
    .options(
        "partner_id",
        partner_list
            .iter()
            .map(|p| (p.id.to_string(), p.name.clone()))
            .collect(),
    )
}

/// An interview.
pub(super) fn interview_form(c: &FileView<'_>) -> FormView {
    let FileView {
        d,
        l,
        id,
        again,
        site_list,
        ..
    } = *c;
    let mut sites = vec![(String::new(), l.t().interview_site_by_mode.to_owned())];
    sites.extend(
        site_list
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone())),
    );
    FormView::new(
        INTERVIEW_FIELDS,
        &form_for(again, l, "interview"),
        format!("/console/situations/{id}/entretien"),
        &d.csrf,
        l.t().record_the_interview,
    )
    .options("mode", options::<InterviewMode>(l))
    .options("site_id", sites)
    .ids("interview", &["note", "site_id"])
}

/// A child-in-danger report: its date and recipient only.
pub(super) fn child_form(c: &FileView<'_>) -> FormView {
    let FileView {
        d, l, id, again, ..
    } = *c;
    FormView::new(
        CHILD_FIELDS,
        &form_for(again, l, "child"),
        format!("/console/situations/{id}/enfant"),
        &d.csrf,
        l.t().record_the_report,
    )
    .options("recipient", options::<ChildReportRecipient>(l))
}
