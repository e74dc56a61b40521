//! The coordinator at a desk: the call-back queue, a situation's file (opening it is audited
//! by the service, as in the API), a contact attempt in one form, the state changes the state
//! allows, orientation to a partner with consent, booking from the file with a slot picker,
//! and the agenda of the day or the week with seen / no-show / cancel.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use relais_domain::casework::{ChildReportRecipient, InterviewMode};
use relais_domain::delivery::JobState;
use relais_domain::dto::{
    AppointmentInput, AppointmentStatus, AttemptInput, CancelInput, ChildReportInput,
    InterviewInput, OrientationInput, OutcomeInput, SituationEventInput,
};
use relais_domain::outreach::Event;
use relais_domain::outreach::{AttemptChannel, AttemptResult, CloseReason};
use relais_domain::safe_contact::Channel;
use relais_domain::sms::MessageKind;
use uuid::Uuid;

use super::{Desk, Done, FileReaders, Kind, Posted, done, failure, html, not_found, notice, query};
use crate::casework::{attempts, interviews, partners, persons, situations};
use crate::paging::Paging;
use crate::render::console::{Form, Lang, form_open, options, page, table};
use crate::render::html::esc;
use crate::scheduling::{agenda, booking, search, types};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/file", get(queue))
        .route("/console/situations/{id}", get(file))
        // A form's address opened directly (a bookmark, a reload refused): back to the file.
        .route(
            "/console/situations/{id}/tentative",
            post(attempt).get(to_file),
        )
        .route("/console/situations/{id}/etat", post(event).get(to_file))
        .route(
            "/console/situations/{id}/orientation",
            post(orient).get(to_file),
        )
        .route(
            "/console/situations/{id}/entretien",
            post(interview).get(to_file),
        )
        .route(
            "/console/situations/{id}/enfant",
            post(child_report).get(to_file),
        )
        .route("/console/personnes/{id}/consultations", get(access_log))
        .route(
            "/console/situations/{id}/rendez-vous",
            get(slots).post(book),
        )
        .route("/console/agenda", get(agenda_page))
        .route("/console/rendez-vous/{id}", get(appointment_page))
        .route(
            "/console/rendez-vous/{id}/{action}",
            post(outcome).get(|| async { super::see_other("/console/agenda") }),
        )
}

type D = Desk<FileReaders>;

async fn to_file(Path(id): Path<String>) -> Response {
    match Uuid::parse_str(&id) {
        Ok(id) => super::see_other(&format!("/console/situations/{id}")),
        Err(_) => super::see_other("/console/file"),
    }
}

const TZ: Tz = crate::zone::DEFAULT;

fn when(t: DateTime<Utc>, l: Lang) -> String {
    let t = t.with_timezone(&TZ);
    if l.english {
        t.format("%Y-%m-%d %H:%M").to_string()
    } else {
        t.format("%d/%m/%Y %H:%M").to_string()
    }
}

fn id_of(raw: &str, l: Lang) -> Result<Uuid, Response> {
    Uuid::parse_str(raw).map_err(|_| not_found(l))
}

// ------------------------------------------------------------------ the queue

async fn queue(d: D, RawQuery(raw): RawQuery) -> Response {
    let l = d.lang;
    let entries = match attempts::queue(&d).await {
        Ok(e) => e,
        Err(e) => return failure(e, l),
    };
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                format!(
                    "<a href=\"/console/situations/{}\">{}</a>",
                    e.situation_id,
                    esc(&e.person_initials)
                ),
                esc(l.word(e.priority)),
                format!(
                    "{}{}",
                    esc(&when(e.due_at, l)),
                    if e.overdue {
                        format!(
                            " <strong class=\"late\">{}</strong>",
                            l.w("en retard", "overdue")
                        )
                    } else {
                        String::new()
                    }
                ),
                esc(l.word(e.state)),
                match (&e.callback, e.callback_open) {
                    (_, true) => format!(
                        "<strong>{}</strong>",
                        l.w("Rappeler maintenant", "Call now")
                    ),
                    (Some(c), false) => esc(&format!("{} → {}", when(c.start, l), when(c.end, l))),
                    (None, _) => String::new(),
                },
            ]
        })
        .collect();
    let mut h = format!(
        "<p>{}</p>",
        l.w(
            "Les situations qui vous sont confiées ou que personne n'a prises, la plus urgente d'abord. Les personnes y sont nommées par leurs initiales ; ouvrir une ligne ouvre le dossier (consultation enregistrée).",
            "Situations assigned to you or to nobody, most urgent first. People are shown by initials; opening a line opens the file (the opening is recorded)."
        )
    );
    table(
        &mut h,
        l.w("File d'appels", "Call-back queue"),
        &[
            l.w("Personne", "Person"),
            l.w("Priorité", "Priority"),
            l.w("À traiter avant", "Due"),
            l.w("État", "State"),
            l.w("Créneau de rappel", "Call-back window"),
        ],
        &rows,
        l.w("Aucune situation en attente.", "Nothing waiting."),
    );
    d.page(
        l.w("File d'appels", "Call-back queue"),
        notice(&raw, d.lang).as_deref(),
        &h,
    )
}

// ------------------------------------------------------------------ the file

async fn file(d: D, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Response {
    file_page(&d, &id, &raw, None).await
}

/// Which form a refusal belongs to, with what was typed.
struct Again<'a> {
    form: &'static str,
    values: Vec<(String, String)>,
    refusal: &'a super::Refusal,
}

async fn file_page(d: &D, id: &str, raw: &Option<String>, again: Option<Again<'_>>) -> Response {
    let l = d.lang;
    let id = match id_of(id, l) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let (s, person) = match situations::open_file(d, id).await {
        Ok(x) => x,
        Err(e) if e.status() == 404 => return not_found(l),
        Err(e) => return failure(e, l),
    };
    let partner_list = partners::list(d).await.unwrap_or_default();
    let form_for = |name: &str| match &again {
        Some(a) if a.form == name => a.refusal.form(&a.values, l),
        _ => Form::empty(l),
    };
    let mut h = String::new();
    // Who, and how to reach them safely.
    h.push_str(&format!(
        "<section aria-labelledby=\"who\"><h2 id=\"who\">{}</h2><dl class=\"facts\">\
<dt>{}</dt><dd>{} {}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
        l.w("La personne", "The person"),
        l.w("Nom", "Name"),
        esc(&person.first_name),
        esc(&person.last_name),
        l.w("Rôle", "Role"),
        esc(l.word(s.person_role)),
        l.w("Téléphone", "Phone"),
        esc(person.phone.as_deref().unwrap_or("—")),
        l.w("Consentement au contact", "Consent to contact"),
        if s.consent_to_contact { l.w("oui", "yes") } else { l.w("non", "no") },
        l.w("Origine", "Origin"),
        esc(&format!("{} — {}", l.word(s.channel), s.unit.as_deref().unwrap_or(""))),
    ));
    let sc = &person.safe_contact;
    let allowed: Vec<&str> = [
        (sc.phone_call, l.w("appel", "call")),
        (sc.voicemail, l.w("message vocal", "voicemail")),
        (sc.sms, "SMS"),
        (sc.email, l.w("courriel", "e-mail")),
        (sc.letter, l.w("courrier", "letter")),
    ]
    .iter()
    .filter(|(ok, _)| *ok)
    .map(|(_, w)| *w)
    .collect();
    h.push_str(&format!(
        "<h3>{}</h3><p>{} : {}{}{}</p>",
        l.w(
            "Joindre la personne sans danger",
            "Reaching the person safely"
        ),
        l.w("Moyens permis", "Allowed"),
        if allowed.is_empty() {
            l.w("aucun n'a encore été convenu", "none agreed yet")
                .to_owned()
        } else {
            esc(&allowed.join(", "))
        },
        sc.safe_phone
            .as_deref()
            .map(|p| format!(" — {} {}", l.w("numéro sûr", "safe number"), esc(p)))
            .unwrap_or_default(),
        if s.safe_contact_stale {
            format!(
                " <strong class=\"late\">{}</strong>",
                l.w(
                    "(à revérifier avec la personne)",
                    "(check again with the person)"
                )
            )
        } else {
            String::new()
        }
    ));
    // Linked people: the other by initials only, and whether they are kept apart.
    let linked = partners::links(d, s.person_id).await.unwrap_or_default();
    if !linked.is_empty() {
        h.push_str(&format!(
            "<h3>{}</h3><ul>",
            l.w("Personnes liées", "Linked people")
        ));
        for k in &linked {
            h.push_str(&format!(
                "<li>{} — {}{}</li>",
                esc(&k.other_initials),
                esc(l.word(k.relation)),
                if k.keep_apart {
                    format!(
                        " — <strong>{}</strong>",
                        l.w(
                            "à tenir à l'écart : jamais au même site la même demi-journée",
                            "keep apart: never at one site on one half-day"
                        )
                    )
                } else {
                    String::new()
                }
            ));
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>");
    // The situation.
    h.push_str(&format!(
        "<section aria-labelledby=\"sit\"><h2 id=\"sit\">{}</h2><dl class=\"facts\">\
<dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
        l.w("La situation", "The situation"),
        l.w("État", "State"),
        esc(l.word(s.state)),
        l.w("Nature", "Kind"),
        esc(l.word(s.kind)),
        l.w("Priorité", "Priority"),
        esc(l.word(s.priority)),
        l.w("À traiter avant", "Due"),
        esc(&when(s.due_at, l)),
    ));
    if let Some(n) = &s.note {
        h.push_str(&format!(
            "<p><strong>{}</strong> {}</p>",
            l.w("Motif de l'orientation :", "Why it was handed over:"),
            esc(n)
        ));
    }
    h.push_str("</section>");
    // A contact attempt in one form.
    let f = form_for("attempt");
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
        &mut h,
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
        &mut h,
        &[
            ("channel", "Moyen"),
            ("result", "Résultat"),
            ("note", "Note"),
        ],
    );
    form_open(
        &mut h,
        &format!("/console/situations/{id}/tentative"),
        &d.csrf,
        "",
    );
    f.select(
        &mut h,
        "channel",
        l.w("Moyen", "Channel"),
        &options::<AttemptChannel>(l),
        true,
    );
    f.select(
        &mut h,
        "result",
        l.w("Résultat", "Result"),
        &options::<AttemptResult>(l),
        true,
    );
    f.textarea(&mut h, "note", l.w("Note (facultative)", "Note (optional)"));
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form></section>",
        l.w("Enregistrer la tentative", "Log the attempt")
    ));
    // State changes the state allows.
    let f = form_for("event");
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
            &mut h,
            &[
                ("event", "Changement"),
                ("close_reason", "Motif de clôture"),
            ],
        );
        form_open(
            &mut h,
            &format!("/console/situations/{id}/etat"),
            &d.csrf,
            "",
        );
        h.push_str(&format!(
            "<input type=\"hidden\" name=\"version\" value=\"{}\">",
            s.version
        ));
        if let Some(b) = booked {
            h.push_str(&format!(
                "<input type=\"hidden\" name=\"appointment_id\" value=\"{b}\">"
            ));
        }
        f.select(&mut h, "event", l.w("Changement", "Change"), &events, true);
        f.select(
            &mut h,
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
            f.input(
                &mut h,
                "callback_date",
                l.w("Jour", "Day"),
                "date",
                false,
                "",
            );
            f.input(
                &mut h,
                "callback_from",
                l.w("De", "From"),
                "time",
                false,
                "",
            );
            f.input(&mut h, "callback_to", l.w("À", "To"), "time", false, "");
            h.push_str("</fieldset>");
        }
        h.push_str(&format!(
            "<button type=\"submit\">{}</button></form>",
            l.w("Appliquer", "Apply")
        ));
    }
    h.push_str("</section>");
    // Booking and orientation.
    h.push_str(&format!(
        "<section aria-labelledby=\"book\"><h2 id=\"book\">{}</h2><p><a href=\"/console/situations/{id}/rendez-vous\">{}</a></p></section>",
        l.w("Rendez-vous", "Appointment"),
        l.w("Prendre un rendez-vous pour cette personne", "Book an appointment for this person")
    ));
    let f = form_for("orient");
    h.push_str(&format!(
        "<section aria-labelledby=\"orient\"><h2 id=\"orient\">{}</h2>",
        l.w("Orienter vers un partenaire", "Orient to a partner")
    ));
    f.summary(
        &mut h,
        &[
            ("partner_id", "Partenaire"),
            ("consent", "Accord"),
            ("override_reason", "Motif"),
        ],
    );
    form_open(
        &mut h,
        &format!("/console/situations/{id}/orientation"),
        &d.csrf,
        "",
    );
    let partner_options: Vec<(String, String)> = partner_list
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    f.select(
        &mut h,
        "partner_id",
        l.w("Partenaire", "Partner"),
        &partner_options,
        true,
    );
    f.checkbox(
        &mut h,
        "consent",
        l.w(
            "La personne est d'accord pour être orientée",
            "The person agrees to be oriented",
        ),
    );
    f.input(
        &mut h,
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
    // An interview, and a child-in-danger report (date and recipient only).
    let f = form_for("interview");
    h.push_str(&format!(
        "<section aria-labelledby=\"int\"><h2 id=\"int\">{}</h2>",
        l.w("Entretien", "Interview")
    ));
    f.summary(
        &mut h,
        &[
            ("mode", "Forme"),
            ("duration_minutes", "Durée"),
            ("note", "Note"),
        ],
    );
    form_open(
        &mut h,
        &format!("/console/situations/{id}/entretien"),
        &d.csrf,
        "",
    );
    f.select(
        &mut h,
        "mode",
        l.w("Forme", "Mode"),
        &options::<InterviewMode>(l),
        true,
    );
    f.input(
        &mut h,
        "duration_minutes",
        l.w("Durée en minutes", "Duration in minutes"),
        "text",
        false,
        "inputmode=\"numeric\" maxlength=\"3\"",
    );
    f.textarea(&mut h, "note", l.w("Note (facultative)", "Note (optional)"));
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form></section>",
        l.w("Enregistrer l'entretien", "Record the interview")
    ));
    let f = form_for("child");
    h.push_str(&format!(
        "<section aria-labelledby=\"child\"><h2 id=\"child\">{}</h2>",
        l.w(
            "Enfant en danger : signalement fait",
            "Child in danger: report made"
        )
    ));
    f.summary(
        &mut h,
        &[("reported_on", "Date"), ("recipient", "Destinataire")],
    );
    form_open(
        &mut h,
        &format!("/console/situations/{id}/enfant"),
        &d.csrf,
        "",
    );
    f.input(
        &mut h,
        "reported_on",
        l.w("Date du signalement", "Date of the report"),
        "date",
        true,
        "",
    );
    f.select(
        &mut h,
        "recipient",
        l.w("Destinataire", "Recipient"),
        &options::<ChildReportRecipient>(l),
        true,
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form></section>",
        l.w("Enregistrer le signalement", "Record the report")
    ));
    // History.
    let rows: Vec<Vec<String>> = s
        .history
        .iter()
        .map(|e| {
            vec![
                esc(&when(e.at, l)),
                esc(&l.word_of::<Event>(&e.event)),
                esc(l.word(e.to_state)),
            ]
        })
        .collect();
    h.push_str(&format!(
        "<section aria-labelledby=\"hist\"><h2 id=\"hist\">{}</h2>",
        l.w("Historique", "History")
    ));
    table(
        &mut h,
        l.w("Historique", "History"),
        &[
            l.w("Quand", "When"),
            l.w("Changement", "Change"),
            l.w("Nouvel état", "New state"),
        ],
        &rows,
        l.w("Rien encore.", "Nothing yet."),
    );
    h.push_str(&format!(
        "</section><p><a href=\"/console/personnes/{}/consultations\">{}</a></p>",
        s.person_id,
        l.w("Qui a ouvert ce dossier", "Who opened this file")
    ));
    let title = format!("{} {}", l.w("Dossier", "File"), s.person_initials);
    match again {
        Some(a) => html(a.refusal.status, page(&d.frame(&title, None), &h)),
        None => d.page(&title, notice(raw, d.lang).as_deref(), &h),
    }
}

/// A form of the file refused: the file again, that form with its fields marked.
async fn refused(
    d: &D,
    id: &str,
    form: &'static str,
    p: &Posted,
    e: crate::error::ServiceError,
) -> Response {
    match d.refusal(e) {
        Ok(r) => {
            file_page(
                d,
                id,
                &None,
                Some(Again {
                    form,
                    values: p.values(),
                    refusal: &r,
                }),
            )
            .await
        }
        Err(resp) => resp,
    }
}

async fn attempt(d: D, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let sid = match id_of(&id, d.lang) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let r = match p.read::<AttemptInput>(&[
        ("channel", Kind::Text),
        ("result", Kind::Text),
        ("note", Kind::Text),
    ]) {
        Ok(i) => attempts::attempt(&d, sid, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => done(&format!("/console/situations/{sid}"), Done::AttemptLogged),
        Err(e) => refused(&d, &id, "attempt", &p, e).await,
    }
}

async fn event(d: D, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let sid = match id_of(&id, d.lang) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let spec = [
        ("event", Kind::Text),
        ("version", Kind::Number),
        ("close_reason", Kind::Text),
        ("appointment_id", Kind::Text),
    ];
    let r = async {
        let mut json = p.json(&spec);
        if let Some((day, from, to)) = callback_of(&p)? {
            let w = situations::callback_in_local_time(&d, sid, day, from, to).await?;
            if let Some(o) = json.as_object_mut() {
                o.insert("callback".into(), serde_json::json!(w));
            }
        }
        let i = crate::input::parse_json::<SituationEventInput>(
            &serde_json::to_vec(&json).unwrap_or_default(),
        )?;
        situations::event(&d, sid, i).await.map(|_| ())
    }
    .await;
    match r {
        Ok(()) => done(&format!("/console/situations/{sid}"), Done::StateChanged),
        Err(e) => refused(&d, &id, "event", &p, e).await,
    }
}

/// The call-back window as typed: a day and two wall-clock times (read in the situation's
/// zone by `casework`); none when the fields are empty.
#[allow(clippy::type_complexity)]
fn callback_of(
    p: &Posted,
) -> Result<Option<(NaiveDate, NaiveTime, NaiveTime)>, crate::error::ServiceError> {
    let field = |n: &str| p.get(n).map(str::trim).filter(|v| !v.is_empty());
    let (Some(day), Some(from), Some(to)) = (
        field("callback_date"),
        field("callback_from"),
        field("callback_to"),
    ) else {
        if field("callback_date").is_some()
            || field("callback_from").is_some()
            || field("callback_to").is_some()
        {
            return Err(crate::error::ServiceError::field(
                relais_domain::problem::ProblemCode::InvalidField,
                "callback_date",
                "Le jour et les deux heures du rappel sont nécessaires.",
            ));
        }
        return Ok(None);
    };
    let bad = |name: &str, what: &str| {
        crate::error::ServiceError::field(
            relais_domain::problem::ProblemCode::InvalidField,
            name,
            what,
        )
    };
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map_err(|_| bad("callback_date", "Jour AAAA-MM-JJ attendu."))?;
    let time = |t: &str, name: &str| {
        NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| bad(name, "Heure HH:MM attendue."))
    };
    Ok(Some((
        day,
        time(from, "callback_from")?,
        time(to, "callback_to")?,
    )))
}

async fn orient(d: D, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let sid = match id_of(&id, d.lang) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let r = match p.read::<OrientationInput>(&[
        ("partner_id", Kind::Text),
        ("consent", Kind::Flag),
        ("override_reason", Kind::Text),
    ]) {
        Ok(i) => partners::orient(&d, sid, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => done(
            &format!("/console/situations/{sid}"),
            Done::OrientationRecorded,
        ),
        Err(e) => refused(&d, &id, "orient", &p, e).await,
    }
}

async fn interview(d: D, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let sid = match id_of(&id, d.lang) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let r = match p.read::<InterviewInput>(&[
        ("mode", Kind::Text),
        ("duration_minutes", Kind::Number),
        ("note", Kind::Text),
    ]) {
        Ok(i) => interviews::record_interview(&d, sid, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => done(
            &format!("/console/situations/{sid}"),
            Done::InterviewRecorded,
        ),
        Err(e) => refused(&d, &id, "interview", &p, e).await,
    }
}

async fn child_report(d: D, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let sid = match id_of(&id, d.lang) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let r = match p
        .read::<ChildReportInput>(&[("reported_on", Kind::Needed), ("recipient", Kind::Text)])
    {
        Ok(i) => interviews::child_report(&d, sid, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => done(
            &format!("/console/situations/{sid}"),
            Done::ChildReportRecorded,
        ),
        Err(e) => refused(&d, &id, "child", &p, e).await,
    }
}

/// Who opened or changed a person's file, newest first (reading it is audited too).
async fn access_log(d: D, Path(id): Path<String>) -> Response {
    let l = d.lang;
    let pid = match id_of(&id, l) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let entries = match persons::access_log(&d, pid, Paging::default()).await {
        Ok(p) => p.items,
        Err(e) if e.status() == 404 => return not_found(l),
        Err(e) => return failure(e, l),
    };
    let people = crate::accounts::list(&d, Paging::default())
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let who = e
                .account_id
                .and_then(|a| people.iter().find(|p| p.id == a))
                .map(|p| p.display_name.clone())
                .unwrap_or_else(|| "—".into());
            vec![
                esc(&when(e.at, l)),
                esc(&who),
                esc(&crate::render::console::audit_action(&e.action, l)),
                esc(crate::render::console::audit_outcome(&e.outcome, l)),
            ]
        })
        .collect();
    let mut h = String::new();
    table(
        &mut h,
        l.w("Consultations et changements", "Openings and changes"),
        &[
            l.w("Quand", "When"),
            l.w("Qui", "Who"),
            l.w("Action", "Action"),
            l.w("Issue", "Outcome"),
        ],
        &rows,
        l.w(
            "Personne n'a encore ouvert ce dossier.",
            "Nobody has opened this file yet.",
        ),
    );
    d.page(
        l.w("Qui a ouvert ce dossier", "Who opened this file"),
        None,
        &h,
    )
}

// ------------------------------------------------------------------ booking from the file

async fn slots(d: D, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Response {
    slots_page(&d, &id, &raw, None).await
}

async fn slots_page(
    d: &D,
    id: &str,
    raw: &Option<String>,
    refusal: Option<&super::Refusal>,
) -> Response {
    let l = d.lang;
    let sid = match id_of(id, l) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let s = match situations::get(d, sid).await {
        Ok(s) => s,
        Err(e) if e.status() == 404 => return not_found(l),
        Err(e) => return failure(e, l),
    };
    let all_types = types::list_types(d, Paging::default())
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let sites = crate::organisation::list(d, Paging::default())
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let chosen_type = query(raw, "type_id").or_else(|| all_types.first().map(|t| t.id.to_string()));
    let chosen_site = query(raw, "site_id").or_else(|| sites.first().map(|s| s.id.to_string()));
    let today = d.now().with_timezone(&TZ).date_naive();
    let from = query(raw, "du")
        .and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())
        .filter(|d| *d >= today)
        .unwrap_or(today);
    let picked: Vec<(String, String)> = [
        (
            "type_id".to_owned(),
            chosen_type.clone().unwrap_or_default(),
        ),
        (
            "site_id".to_owned(),
            chosen_site.clone().unwrap_or_default(),
        ),
    ]
    .into();
    let f = match refusal {
        Some(r) => r.form(&picked, l),
        None => Form {
            values: &picked,
            errors: &[],
            general: None,
            lang: l,
        },
    };
    let mut h = String::new();
    f.summary(
        &mut h,
        &[
            ("type_id", "Type"),
            ("site_id", "Site"),
            ("start", "Créneau"),
        ],
    );
    h.push_str(&format!(
        "<form method=\"get\" action=\"/console/situations/{sid}/rendez-vous\" class=\"inline\">"
    ));
    f.select(
        &mut h,
        "type_id",
        l.w("Type de rendez-vous", "Appointment type"),
        &all_types
            .iter()
            .map(|t| (t.id.to_string(), t.name.clone()))
            .collect::<Vec<_>>(),
        true,
    );
    f.select(
        &mut h,
        "site_id",
        l.w("Site", "Site"),
        &sites
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect::<Vec<_>>(),
        true,
    );
    h.push_str(&format!(
        "<input type=\"hidden\" name=\"du\" value=\"{from}\"><button type=\"submit\">{}</button></form>",
        l.w("Voir les créneaux", "Show free times")
    ));
    if let (Some(t), Some(site)) = (chosen_type.clone(), chosen_site.clone()) {
        let to = from + Duration::days(6);
        let found = search::availability(
            d,
            search::AvailabilityQuery {
                type_id: t.clone(),
                site_id: site.clone(),
                coordinator_id: None,
                from: from.to_string(),
                to: to.to_string(),
            },
        )
        .await;
        match found {
            Err(e) if e.status() >= 500 => return failure(e, l),
            Err(e) => {
                let p = e.into_parts();
                h.push_str(&format!(
                    "<p class=\"errors\" role=\"alert\">{}</p>",
                    esc(p
                        .errors
                        .first()
                        .map(|e| e.message.as_str())
                        .unwrap_or(p.title))
                ));
            }
            Ok(found) => {
                h.push_str(&format!(
                    "<h2 id=\"slots\" tabindex=\"-1\">{} {} → {}</h2>",
                    l.w("Créneaux libres du", "Free times from"),
                    from.format("%d/%m/%Y"),
                    to.format("%d/%m/%Y")
                ));
                if found.is_empty() {
                    h.push_str(&format!(
                        "<p class=\"empty\">{}</p>",
                        l.w(
                            "Aucun créneau libre cette semaine.",
                            "No free time this week."
                        )
                    ));
                }
                let mut day = None;
                for slot in found.iter().take(120) {
                    let local = slot.start.with_timezone(&TZ);
                    if day != Some(local.date_naive()) {
                        if day.is_some() {
                            h.push_str("</ul>");
                        }
                        day = Some(local.date_naive());
                        h.push_str(&format!(
                            "<h3>{}</h3><ul class=\"slots\">",
                            local.format(if l.english { "%A %d %B" } else { "%d/%m/%Y" })
                        ));
                    }
                    h.push_str("<li>");
                    form_open(
                        &mut h,
                        &format!("/console/situations/{sid}/rendez-vous"),
                        &d.csrf,
                        "",
                    );
                    h.push_str(&format!(
                        "<input type=\"hidden\" name=\"type_id\" value=\"{}\"><input type=\"hidden\" name=\"site_id\" value=\"{}\">\
<input type=\"hidden\" name=\"coordinator_id\" value=\"{}\"><input type=\"hidden\" name=\"person_id\" value=\"{}\">\
<input type=\"hidden\" name=\"start\" value=\"{}\"><button type=\"submit\" aria-label=\"{} {}\">{}</button></form></li>",
                        esc(&t),
                        esc(&site),
                        slot.coordinator_id,
                        s.person_id,
                        esc(&slot.start.to_rfc3339()),
                        l.w("Réserver le", "Book"),
                        local.format("%d/%m/%Y %H:%M"),
                        local.format("%H:%M")
                    ));
                }
                if day.is_some() {
                    h.push_str("</ul>");
                }
                let q = |d: NaiveDate| {
                    format!(
                        "/console/situations/{sid}/rendez-vous?type_id={}&amp;site_id={}&amp;du={d}",
                        esc(&t),
                        esc(&site)
                    )
                };
                h.push_str("<p class=\"pager\">");
                if from > today {
                    h.push_str(&format!(
                        "<a href=\"{}\">{}</a> ",
                        q((from - Duration::days(7)).max(today)),
                        l.w("Semaine précédente", "Previous week")
                    ));
                }
                h.push_str(&format!(
                    "<a href=\"{}\">{}</a></p>",
                    q(from + Duration::days(7)),
                    l.w("Semaine suivante", "Next week")
                ));
            }
        }
    }
    h.push_str(&format!(
        "<p><a href=\"/console/situations/{sid}\">{}</a></p>",
        l.w("Retour au dossier", "Back to the file")
    ));
    let title = format!(
        "{} {}",
        l.w("Rendez-vous pour", "Appointment for"),
        s.person_initials
    );
    match refusal {
        Some(r) => html(r.status, page(&d.frame(&title, None), &h)),
        None => d.page(&title, None, &h),
    }
}

async fn book(d: D, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let sid = match id_of(&id, d.lang) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let r = match p.read::<AppointmentInput>(&[
        ("type_id", Kind::Text),
        ("site_id", Kind::Text),
        ("coordinator_id", Kind::Text),
        ("person_id", Kind::Text),
        ("start", Kind::Text),
    ]) {
        Ok(i) => booking::book(&d, i, None).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(booking::Booked::Created(json)) | Ok(booking::Booked::Replayed { body: json, .. }) => {
            let appointment = serde_json::from_str::<serde_json::Value>(&json)
                .ok()
                .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
                .unwrap_or_default();
            done(
                &format!("/console/situations/{sid}?rdv={appointment}"),
                Done::AppointmentBooked,
            )
        }
        Err(e) => match d.refusal(e) {
            Ok(refusal) => {
                let raw = Some(format!(
                    "type_id={}&site_id={}",
                    p.get("type_id").unwrap_or(""),
                    p.get("site_id").unwrap_or("")
                ));
                slots_page(&d, &id, &raw, Some(&refusal)).await
            }
            Err(resp) => resp,
        },
    }
}

// ------------------------------------------------------------------ the agenda

async fn agenda_page(d: D, RawQuery(raw): RawQuery) -> Response {
    agenda_view(&d, &raw, None).await
}

/// The agenda; `refused`: why a change was refused, said on the page itself (never carried
/// in the address), with its status.
async fn agenda_view(
    d: &D,
    raw: &Option<String>,
    refused: Option<(axum::http::StatusCode, String)>,
) -> Response {
    let l = d.lang;
    let week = query(raw, "vue").as_deref() == Some("semaine");
    let today = d.now().with_timezone(&TZ).date_naive();
    let from = query(raw, "du")
        .and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())
        .unwrap_or(today);
    let days = if week { 7 } else { 1 };
    let entries = match agenda::agenda(
        d,
        agenda::AgendaQuery {
            coordinator_id: Some(d.caller.account_id.to_string()),
            site_id: None,
            from: from.to_string(),
            days: Some(days.to_string()),
        },
    )
    .await
    {
        Ok(e) => e,
        Err(e) => return failure(e, l),
    };
    let sites = crate::organisation::list(d, Paging::default())
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let site_name = |id: Uuid| {
        sites
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let mut h = format!(
        "<p class=\"pager\"><a href=\"/console/agenda?du={today}\"{}>{}</a> <a href=\"/console/agenda?vue=semaine&amp;du={today}\"{}>{}</a> \
<a href=\"/console/agenda?{}du={}\">{}</a> <a href=\"/console/agenda?{}du={}\">{}</a></p>",
        if week { "" } else { " aria-current=\"page\"" },
        l.w("Aujourd'hui", "Today"),
        if week { " aria-current=\"page\"" } else { "" },
        l.w("Cette semaine", "This week"),
        if week { "vue=semaine&amp;" } else { "" },
        from - Duration::days(days),
        l.w("Précédent", "Previous"),
        if week { "vue=semaine&amp;" } else { "" },
        from + Duration::days(days),
        l.w("Suivant", "Next"),
    );
    let mut rows = Vec::new();
    for e in &entries {
        let a = &e.appointment;
        let mut actions = String::new();
        if a.status == AppointmentStatus::Planned {
            for (action, label) in [
                ("honore", l.word(AppointmentStatus::Seen)),
                ("absent", l.word(AppointmentStatus::NoShow)),
                ("annule", l.w("Annuler", "Cancel")),
            ] {
                form_open(
                    &mut actions,
                    &format!("/console/rendez-vous/{}/{action}", a.id),
                    &d.csrf,
                    "class=\"inline\"",
                );
                if action == "annule" {
                    // A cancellation by the service says why (the service refuses it
                    // otherwise).
                    actions.push_str(&format!(
                        "<label for=\"motif-{0}\">{1}</label> <input id=\"motif-{0}\" name=\"reason\" required maxlength=\"500\" autocomplete=\"off\"> ",
                        a.id,
                        l.w("Motif", "Reason")
                    ));
                }
                actions.push_str(&format!(
                    "<input type=\"hidden\" name=\"version\" value=\"{}\"><button type=\"submit\" class=\"quiet\">{}</button></form>",
                    a.version,
                    label
                ));
            }
        }
        rows.push(vec![
            format!(
                "<a href=\"/console/rendez-vous/{}\">{}</a>",
                a.id,
                esc(&a.start.with_timezone(&TZ).format("%d/%m %H:%M").to_string())
            ),
            esc(&e.person_initials.join(", ")),
            esc(&site_name(a.site_id)),
            format!(
                "{}{}",
                esc(l.word(a.status)),
                if a.reminder_not_delivered {
                    format!(
                        " <strong class=\"late\">{}</strong>",
                        l.w("rappel non remis", "reminder not delivered")
                    )
                } else {
                    String::new()
                }
            ),
            actions,
        ]);
    }
    table(
        &mut h,
        &format!(
            "{} {}",
            if week {
                l.w("Semaine du", "Week of")
            } else {
                l.w("Journée du", "Day of")
            },
            from.format("%d/%m/%Y")
        ),
        &[
            l.w("Heure", "Time"),
            l.w("Personne(s)", "Person(s)"),
            l.w("Site", "Site"),
            l.w("Statut", "Status"),
            l.w("Actions", "Actions"),
        ],
        &rows,
        l.w("Aucun rendez-vous.", "No appointment."),
    );
    match refused {
        Some((status, why)) => html(
            status,
            page(&d.frame(l.w("Agenda", "Agenda"), Some(why.as_str())), &h),
        ),
        None => d.page(l.w("Agenda", "Agenda"), notice(raw, d.lang).as_deref(), &h),
    }
}

async fn outcome(
    d: D,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let l = d.lang;
    let aid = match id_of(&id, l) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let spec = [("version", Kind::Number)];
    let r = match action.as_str() {
        "honore" => match p.read::<OutcomeInput>(&spec) {
            Ok(i) => booking::seen(&d, aid, i).await,
            Err(e) => Err(e),
        },
        "absent" => match p.read::<OutcomeInput>(&spec) {
            Ok(i) => booking::no_show(&d, aid, i).await,
            Err(e) => Err(e),
        },
        "annule" => {
            let mut p2 = Posted(p.0.clone());
            p2.0.push(("by".into(), "service".into()));
            match p2.read::<CancelInput>(&[
                ("by", Kind::Text),
                ("reason", Kind::Text),
                ("version", Kind::Number),
            ]) {
                Ok(i) => booking::cancel(&d, aid, i).await,
                Err(e) => Err(e),
            }
        }
        _ => return not_found(l),
    };
    match r {
        Ok(_) => done("/console/agenda", Done::AppointmentUpdated),
        Err(e) => match d.refusal(e) {
            Ok(refusal) => {
                let why = refusal
                    .general
                    .clone()
                    .or(refusal.errors.first().map(|e| e.message.clone()))
                    .unwrap_or_else(|| l.w("Changement refusé.", "Change refused.").to_owned());
                agenda_view(&d, &None, Some((refusal.status, why))).await
            }
            Err(resp) => resp,
        },
    }
}

/// One appointment: when, where, its status and history, and its messages with their states
/// ("rappel non remis" says which did not get through, and why).
async fn appointment_page(d: D, Path(id): Path<String>) -> Response {
    let l = d.lang;
    let aid = match id_of(&id, l) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let a = match booking::get(&d, aid).await {
        Ok(a) => a,
        Err(e) if e.status() == 404 => return not_found(l),
        Err(e) => return failure(e, l),
    };
    let messages = match crate::scheduling::messages::notifications(&d, aid).await {
        Ok(m) => m,
        Err(e) => return failure(e, l),
    };
    let mut h = format!(
        "<dl class=\"facts\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
        l.w("Quand", "When"),
        esc(&format!(
            "{} – {}",
            a.start.with_timezone(&TZ).format("%d/%m/%Y %H:%M"),
            a.end.with_timezone(&TZ).format("%H:%M")
        )),
        l.w("Statut", "Status"),
        esc(l.word(a.status)),
        l.w("Rappels", "Reminders"),
        if a.reminder_not_delivered {
            format!(
                "<strong class=\"late\">{}</strong>",
                l.w(
                    "rappel non remis : prévenez la personne autrement, par un moyen sûr",
                    "reminder not delivered: tell the person another safe way"
                )
            )
        } else {
            l.w("rien à signaler", "nothing to report").to_owned()
        }
    );
    h.push_str(&format!(
        "<h2>{}</h2>",
        l.w("Messages du rendez-vous", "The appointment's messages")
    ));
    let rows: Vec<Vec<String>> = messages
        .iter()
        .map(|m| {
            vec![
                esc(&l.word_of::<MessageKind>(&m.kind)),
                esc(&l.word_of::<Channel>(&m.channel)),
                esc(&l.word_of::<JobState>(&m.state)),
                esc(&when(m.due_at, l)),
                esc(&m.sent_at.map(|t| when(t, l)).unwrap_or_default()),
                esc(m.reason.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    table(
        &mut h,
        l.w("Messages du rendez-vous", "The appointment's messages"),
        &[
            l.w("Message", "Message"),
            l.w("Canal", "Channel"),
            l.w("État", "State"),
            l.w("Prévu", "Due"),
            l.w("Envoyé", "Sent"),
            l.w("Motif", "Reason"),
        ],
        &rows,
        l.w(
            "Aucun message : le profil de la personne n'en permet pas, ou le type n'en prévoit pas.",
            "No message: the person's profile allows none, or the type plans none.",
        ),
    );
    h.push_str(&format!(
        "<p><a href=\"/console/agenda?vue=semaine&amp;du={}\">{}</a></p>",
        a.start.with_timezone(&TZ).date_naive(),
        l.w("Retour à l'agenda", "Back to the agenda")
    ));
    d.page(l.w("Rendez-vous", "Appointment"), None, &h)
}
