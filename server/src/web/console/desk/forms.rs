//! The file's forms: a contact attempt, the state changes the state allows, booking and
//! orientation, an interview and a child-in-danger report; each kept as typed when refused.

use super::*;

/// A contact attempt in one form.
pub(super) fn attempt_form(h: &mut String, c: &FileView<'_>) {
    let FileView {
        d, l, id, s, again, ..
    } = *c;
    // A contact attempt in one form.
    let f = form_for(again, l, "attempt");
    h.push_str(&format!(
        "<section aria-labelledby=\"att\"><h2 id=\"att\">{}</h2>",
        l.t().contact_attempts
    ));
    let rows: Vec<Vec<String>> = s
        .attempts
        .iter()
        .map(|a| {
            vec![
                esc(&when(a.at, l)),
                esc(l.word(a.channel)),
                esc(l.word(a.result)),
            ]
        })
        .collect();
    table(
        h,
        l.t().attempts,
        &[l.t().when, l.t().attempt_means, l.t().result],
        &rows,
        l.t().no_attempt_yet,
    );
    f.summary(
        h,
        &[
            ("channel", "Moyen", "Channel"),
            ("result", "Résultat", "Result"),
            ("note", "Note", "Note"),
        ],
    );
    form_open(
        h,
        &format!("/console/situations/{id}/tentative"),
        &d.csrf,
        "",
    );
    f.select(
        h,
        "channel",
        l.t().attempt_means,
        &options::<AttemptChannel>(l),
        true,
    );
    f.select(
        h,
        "result",
        l.t().result,
        &options::<AttemptResult>(l),
        true,
    );
    f.textarea(h, "note", l.t().note_optional);
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form></section>",
        l.t().log_the_attempt
    ));
}

/// The state changes the state allows.
pub(super) fn state_form(h: &mut String, c: &FileView<'_>) {
    let FileView {
        d,
        l,
        id,
        s,
        raw,
        again,
        ..
    } = *c;
    // State changes the state allows.
    let f = form_for(again, l, "event");
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
    h.push_str(&format!(
        "<section aria-labelledby=\"state\"><h2 id=\"state\">{}</h2>",
        l.t().change_the_state
    ));
    if events.is_empty() {
        h.push_str(&format!("<p>{}</p>", l.t().no_change_possible_from));
    } else {
        f.summary(
            h,
            &[
                ("event", "Changement", "Change"),
                ("close_reason", "Motif de clôture", "Reason for closing"),
            ],
        );
        form_open(h, &format!("/console/situations/{id}/etat"), &d.csrf, "");
        h.push_str(&format!(
            "<input type=\"hidden\" name=\"version\" value=\"{}\">",
            s.version
        ));
        if let Some(b) = booked {
            h.push_str(&format!(
                "<input type=\"hidden\" name=\"appointment_id\" value=\"{b}\">"
            ));
        }
        f.select(h, "event", l.t().change, &events, true);
        f.select(
            h,
            "close_reason",
            l.t().reason_when_closing,
            &options::<CloseReason>(l),
            false,
        );
        if s.allowed_events.contains(&Event::ScheduleCallback) {
            h.push_str(&format!(
                "<fieldset><legend>{}</legend>",
                l.t().for_an_agreed_call
            ));
            f.input(h, "callback_date", l.t().day, "date", false, "");
            f.input(h, "callback_from", l.t().callback_from, "time", false, "");
            f.input(h, "callback_to", l.t().to, "time", false, "");
            h.push_str("</fieldset>");
        }
        h.push_str(&format!(
            "<button type=\"submit\">{}</button></form>",
            l.t().apply
        ));
    }
    h.push_str("</section>");
}

/// Booking from the file, and orientation to a partner with consent.
pub(super) fn booking_and_orientation(h: &mut String, c: &FileView<'_>) {
    let FileView {
        d,
        l,
        id,
        again,
        partner_list,
        ..
    } = *c;
    // Booking and orientation.
    h.push_str(&format!(
        "<section aria-labelledby=\"book\"><h2 id=\"book\">{}</h2><p><a href=\"/console/situations/{id}/rendez-vous\">{}</a></p></section>",
        l.t().appointment,
        l.t().book_an_appointment_for
    ));
    let f = form_for(again, l, "orient");
    h.push_str(&format!(
        "<section aria-labelledby=\"orient\"><h2 id=\"orient\">{}</h2>",
        l.t().orient_to_a_partner
    ));
    f.summary(
        h,
        &[
            ("partner_id", "Partenaire", "Partner"),
            ("consent", "Accord", "Consent"),
            ("override_reason", "Motif", "Reason"),
        ],
    );
    form_open(
        h,
        &format!("/console/situations/{id}/orientation"),
        &d.csrf,
        "",
    );
    let partner_options: Vec<(String, String)> = partner_list
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    f.select(h, "partner_id", l.t().partner, &partner_options, true);
    f.checkbox(h, "consent", l.t().the_person_agrees_to_be);
    f.input(
        h,
        "override_reason",
        l.t().without_consent_reason_child,
        "text",
        false,
        "",
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form></section>",
        l.t().orient
    ));
}

/// An interview, and a child-in-danger report (date and recipient only).
pub(super) fn interview_and_child_report(h: &mut String, c: &FileView<'_>) {
    let FileView {
        d, l, id, again, ..
    } = *c;
    // An interview, and a child-in-danger report (date and recipient only).
    let f = form_for(again, l, "interview");
    h.push_str(&format!(
        "<section aria-labelledby=\"int\"><h2 id=\"int\">{}</h2>",
        l.t().interview
    ));
    f.summary(
        h,
        &[
            ("mode", "Forme", "Mode"),
            ("duration_minutes", "Durée", "Duration"),
            ("note", "Note", "Note"),
        ],
    );
    form_open(
        h,
        &format!("/console/situations/{id}/entretien"),
        &d.csrf,
        "",
    );
    f.select(h, "mode", l.t().mode, &options::<InterviewMode>(l), true);
    f.input(
        h,
        "duration_minutes",
        l.t().duration_in_minutes,
        "text",
        false,
        "inputmode=\"numeric\" maxlength=\"3\"",
    );
    f.textarea(h, "note", l.t().note_optional);
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form></section>",
        l.t().record_the_interview
    ));
    let f = form_for(again, l, "child");
    h.push_str(&format!(
        "<section aria-labelledby=\"child\"><h2 id=\"child\">{}</h2>",
        l.t().child_in_danger_report
    ));
    f.summary(
        h,
        &[
            ("reported_on", "Date", "Date"),
            ("recipient", "Destinataire", "Recipient"),
        ],
    );
    form_open(h, &format!("/console/situations/{id}/enfant"), &d.csrf, "");
    f.input(h, "reported_on", l.t().date_of_the_report, "date", true, "");
    f.select(
        h,
        "recipient",
        l.t().recipient,
        &options::<ChildReportRecipient>(l),
        true,
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form></section>",
        l.t().record_the_report
    ));
}
