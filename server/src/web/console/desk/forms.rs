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
        l.w("Tentatives de contact", "Contact attempts")
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
        l.w("Tentatives", "Attempts"),
        &[
            l.w("Quand", "When"),
            l.w("Moyen", "Channel"),
            l.w("Résultat", "Result"),
        ],
        &rows,
        l.w("Aucune tentative pour l'instant.", "No attempt yet."),
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
        l.w("Moyen", "Channel"),
        &options::<AttemptChannel>(l),
        true,
    );
    f.select(
        h,
        "result",
        l.w("Résultat", "Result"),
        &options::<AttemptResult>(l),
        true,
    );
    f.textarea(h, "note", l.w("Note (facultative)", "Note (optional)"));
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form></section>",
        l.w("Enregistrer la tentative", "Log the attempt")
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
        l.w("Changer l'état", "Change the state")
    ));
    if events.is_empty() {
        h.push_str(&format!(
            "<p>{}</p>",
            l.w(
                "Aucun changement possible depuis cet état.",
                "No change possible from this state."
            )
        ));
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
        f.select(h, "event", l.w("Changement", "Change"), &events, true);
        f.select(
            h,
            "close_reason",
            l.w("Motif, pour une clôture", "Reason, when closing"),
            &options::<CloseReason>(l),
            false,
        );
        if s.allowed_events.contains(&Event::ScheduleCallback) {
            h.push_str(&format!(
                "<fieldset><legend>{}</legend>",
                l.w(
                    "Pour un rappel convenu : le créneau que la personne a choisi (heure de Paris)",
                    "For an agreed call-back: the window the person chose (Paris time)"
                )
            ));
            f.input(h, "callback_date", l.w("Jour", "Day"), "date", false, "");
            f.input(h, "callback_from", l.w("De", "From"), "time", false, "");
            f.input(h, "callback_to", l.w("À", "To"), "time", false, "");
            h.push_str("</fieldset>");
        }
        h.push_str(&format!(
            "<button type=\"submit\">{}</button></form>",
            l.w("Appliquer", "Apply")
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
        l.w("Rendez-vous", "Appointment"),
        l.w("Prendre un rendez-vous pour cette personne", "Book an appointment for this person")
    ));
    let f = form_for(again, l, "orient");
    h.push_str(&format!(
        "<section aria-labelledby=\"orient\"><h2 id=\"orient\">{}</h2>",
        l.w("Orienter vers un partenaire", "Orient to a partner")
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
    f.select(
        h,
        "partner_id",
        l.w("Partenaire", "Partner"),
        &partner_options,
        true,
    );
    f.checkbox(
        h,
        "consent",
        l.w(
            "La personne est d'accord pour être orientée",
            "The person agrees to be oriented",
        ),
    );
    f.input(
        h,
        "override_reason",
        l.w(
            "Sans son accord : motif (enfant en danger…)",
            "Without consent: reason (child in danger…)",
        ),
        "text",
        false,
        "",
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form></section>",
        l.w("Orienter", "Orient")
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
        l.w("Entretien", "Interview")
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
    f.select(
        h,
        "mode",
        l.w("Forme", "Mode"),
        &options::<InterviewMode>(l),
        true,
    );
    f.input(
        h,
        "duration_minutes",
        l.w("Durée en minutes", "Duration in minutes"),
        "text",
        false,
        "inputmode=\"numeric\" maxlength=\"3\"",
    );
    f.textarea(h, "note", l.w("Note (facultative)", "Note (optional)"));
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form></section>",
        l.w("Enregistrer l'entretien", "Record the interview")
    ));
    let f = form_for(again, l, "child");
    h.push_str(&format!(
        "<section aria-labelledby=\"child\"><h2 id=\"child\">{}</h2>",
        l.w(
            "Enfant en danger : signalement fait",
            "Child in danger: report made"
        )
    ));
    f.summary(
        h,
        &[
            ("reported_on", "Date", "Date"),
            ("recipient", "Destinataire", "Recipient"),
        ],
    );
    form_open(h, &format!("/console/situations/{id}/enfant"), &d.csrf, "");
    f.input(
        h,
        "reported_on",
        l.w("Date du signalement", "Date of the report"),
        "date",
        true,
        "",
    );
    f.select(
        h,
        "recipient",
        l.w("Destinataire", "Recipient"),
        &options::<ChildReportRecipient>(l),
        true,
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form></section>",
        l.w("Enregistrer le signalement", "Record the report")
    ));
}
