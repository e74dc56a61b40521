//! The person's pages: book, move and cancel from a link, on a phone someone else may read.
//! Neutral everywhere (the title, the headings and the words say "rendez-vous" and nothing
//! of what it is about; no organisation name; the place only as the SMS would give it), a
//! quick exit on every page, French first with English. Pure functions of view records; the
//! edge (`web::person`) fills them from `scheduling::links`.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use relais_domain::booking_link::Notice;

use super::html::{Html, esc};

/// A slot as the person reads it.
#[derive(Debug, Clone)]
pub struct SlotView {
    /// How the slot travels in the form (`scheduling::links::key_of`).
    pub key: String,
    pub start: DateTime<Utc>,
    pub tz: Tz,
    /// The neutral place text, when the person's profile allows naming it.
    pub place: Option<String>,
    /// When the link offers several places that may not be named: which one (1, 2…).
    pub place_number: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct DayView {
    pub date: NaiveDate,
    pub slots: Vec<SlotView>,
}

#[derive(Debug, Clone)]
pub struct SlotsView {
    pub days: Vec<DayView>,
    pub first: Option<(NaiveDate, SlotView)>,
    pub from: NaiveDate,
    pub earlier: Option<NaiveDate>,
    pub later: Option<NaiveDate>,
    pub minutes: i32,
    /// Moving an existing appointment rather than booking.
    pub moving: bool,
}

#[derive(Debug, Clone)]
pub struct AppointmentView {
    pub start: DateTime<Utc>,
    pub tz: Tz,
    pub minutes: i32,
    pub place: Option<String>,
}

/// Every page there is.
pub enum Page<'a> {
    /// Unknown, expired, revoked or used link, or no session: all the same.
    Neutral,
    /// Too many tries from here.
    Throttled,
    /// The service itself failed (the database is unreachable…): try later.
    Unavailable,
    Safety,
    Check(Option<Notice>),
    Slots(&'a SlotsView, Option<Notice>),
    Confirm(&'a SlotView, i32, bool),
    Appointment(&'a AppointmentView, Option<Notice>),
    CancelConfirm(&'a AppointmentView),
    Cancelled,
    /// What the quick exit leaves without JavaScript: an empty page.
    Blank,
}

struct W {
    lang: &'static str,
    title: &'static str,
    exit: &'static str,
    safety: &'static str,
    other_lang: (&'static str, &'static str, &'static str),
    days: [&'static str; 7],
    months: [&'static str; 12],
    at: &'static str,
    place_n: &'static str,
    neutral_h: &'static str,
    neutral_p: &'static str,
    throttled_p: &'static str,
    unavailable_p: &'static str,
    check_h: &'static str,
    check_p: &'static str,
    check_label: &'static str,
    check_go: &'static str,
    wrong: &'static str,
    locked: &'static str,
    slots_h: &'static str,
    move_h: &'static str,
    minutes: &'static str,
    first: &'static str,
    none: &'static str,
    none_here: &'static str,
    earlier: &'static str,
    later: &'static str,
    taken: &'static str,
    bad: &'static str,
    confirm_h: &'static str,
    confirm_move_h: &'static str,
    confirm_go: &'static str,
    confirm_move_go: &'static str,
    other_slot: &'static str,
    place: &'static str,
    place_unsaid: &'static str,
    yours_h: &'static str,
    booked_h: &'static str,
    booked_p: &'static str,
    already: &'static str,
    moved_h: &'static str,
    move_to: &'static str,
    cancel: &'static str,
    cancel_h: &'static str,
    cancel_p: &'static str,
    cancel_go: &'static str,
    keep: &'static str,
    cancelled_h: &'static str,
    cancelled_p: &'static str,
    close_p: &'static str,
    safety_h: &'static str,
    safety_body: &'static [&'static str],
    back: &'static str,
}

const FR: W = W {
    lang: "fr",
    title: "Rendez-vous",
    exit: "Quitter rapidement",
    safety: "Conseils de sécurité",
    other_lang: ("en", "English", "/rdv/langue?l=en"),
    days: relais_domain::sms::DAYS,
    months: relais_domain::sms::MONTHS,
    at: "à",
    place_n: "lieu",
    neutral_h: "Lien non valide",
    neutral_p: "Ce lien n'est plus valide ou n'existe pas. Si vous attendiez un rendez-vous, contactez la personne qui vous a donné ce lien.",
    throttled_p: "Trop d'essais depuis cet appareil. Réessayez dans un quart d'heure.",
    unavailable_p: "Le service est momentanément indisponible. Réessayez un peu plus tard.",
    check_h: "Vérification",
    check_p: "Pour continuer, saisissez les trois premières lettres de votre nom de famille, ou le mot convenu avec la personne qui vous a donné ce lien.",
    check_label: "Trois premières lettres du nom, ou mot convenu",
    check_go: "Continuer",
    wrong: "Ce n'est pas la bonne réponse. Essais restants :",
    locked: "Trop d'essais : ce lien ne fonctionne plus.",
    slots_h: "Choisissez un créneau",
    move_h: "Choisissez un nouveau créneau",
    minutes: "Durée du rendez-vous : {} minutes.",
    first: "Première disponibilité :",
    none: "Aucun créneau libre pour le moment. Contactez la personne qui vous a donné ce lien.",
    none_here: "Aucun créneau libre sur ces jours.",
    earlier: "Jours précédents",
    later: "Jours suivants",
    taken: "Ce créneau n'est plus libre. Choisissez-en un autre.",
    bad: "Ce choix n'a pas pu être lu. Choisissez un créneau dans la liste.",
    confirm_h: "Confirmer le rendez-vous",
    confirm_move_h: "Confirmer le déplacement",
    confirm_go: "Confirmer le rendez-vous",
    confirm_move_go: "Confirmer le nouveau créneau",
    other_slot: "Choisir un autre créneau",
    place: "Lieu :",
    place_unsaid: "Lieu : celui indiqué par la personne qui vous a donné ce lien.",
    yours_h: "Votre rendez-vous",
    booked_h: "Rendez-vous confirmé",
    booked_p: "Votre rendez-vous est enregistré. Pour le déplacer ou l'annuler, utilisez le lien du message de confirmation, ou contactez la personne qui vous a donné ce lien.",
    already: "Un rendez-vous a déjà été pris avec ce lien.",
    moved_h: "Rendez-vous déplacé",
    move_to: "Déplacer le rendez-vous",
    cancel: "Annuler le rendez-vous",
    cancel_h: "Annuler le rendez-vous ?",
    cancel_p: "Le créneau sera libéré pour quelqu'un d'autre.",
    cancel_go: "Oui, annuler le rendez-vous",
    keep: "Non, garder le rendez-vous",
    cancelled_h: "Rendez-vous annulé",
    cancelled_p: "Votre rendez-vous est annulé. Pour en prendre un autre, contactez la personne qui vous a donné ce lien.",
    close_p: "Vous pouvez fermer cette page.",
    safety_h: "Conseils de sécurité",
    safety_body: &[
        "Le bouton « Quitter rapidement », en haut de chaque page, ou la touche Maj pressée trois fois, efface aussitôt la page, la remplace par une page vide et ferme votre accès : revenir en arrière ne la réaffiche pas.",
        "Ces pages ne laissent pas de copie dans le navigateur et ne contactent aucun autre site.",
        "Mais l'adresse de ces pages peut rester dans l'historique du navigateur, et le message qui contenait le lien reste dans vos SMS ou vos e-mails : supprimez-les si quelqu'un d'autre peut lire votre téléphone.",
        "Le plus sûr est d'utiliser la navigation privée, ou le téléphone d'une personne de confiance.",
    ],
    back: "Retour",
};

const EN: W = W {
    lang: "en",
    title: "Appointment",
    exit: "Leave this page",
    safety: "Safety advice",
    other_lang: ("fr", "Français", "/rdv/langue?l=fr"),
    days: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    at: "at",
    place_n: "place",
    neutral_h: "Link not valid",
    neutral_p: "This link is no longer valid or does not exist. If you were expecting an appointment, contact the person who gave you this link.",
    throttled_p: "Too many tries from this device. Try again in a quarter of an hour.",
    unavailable_p: "The service is unavailable for a moment. Try again a little later.",
    check_h: "Check",
    check_p: "To continue, type the first three letters of your last name, or the word agreed with the person who gave you this link.",
    check_label: "First three letters of your last name, or agreed word",
    check_go: "Continue",
    wrong: "That is not the right answer. Tries left:",
    locked: "Too many tries: this link no longer works.",
    slots_h: "Choose a time",
    move_h: "Choose a new time",
    minutes: "The appointment lasts {} minutes.",
    first: "First available:",
    none: "No free time at the moment. Contact the person who gave you this link.",
    none_here: "No free time on these days.",
    earlier: "Earlier days",
    later: "Later days",
    taken: "This time is no longer free. Choose another one.",
    bad: "This choice could not be read. Choose a time from the list.",
    confirm_h: "Confirm the appointment",
    confirm_move_h: "Confirm the new time",
    confirm_go: "Confirm the appointment",
    confirm_move_go: "Confirm the new time",
    other_slot: "Choose another time",
    place: "Place:",
    place_unsaid: "Place: as given by the person who gave you this link.",
    yours_h: "Your appointment",
    booked_h: "Appointment confirmed",
    booked_p: "Your appointment is booked. To move or cancel it, use the link in the confirmation message, or contact the person who gave you this link.",
    already: "An appointment has already been booked with this link.",
    moved_h: "Appointment moved",
    move_to: "Move the appointment",
    cancel: "Cancel the appointment",
    cancel_h: "Cancel the appointment?",
    cancel_p: "The time will be freed for someone else.",
    cancel_go: "Yes, cancel the appointment",
    keep: "No, keep the appointment",
    cancelled_h: "Appointment cancelled",
    cancelled_p: "Your appointment is cancelled. To book another one, contact the person who gave you this link.",
    close_p: "You can close this page.",
    safety_h: "Safety advice",
    safety_body: &[
        "The \u{201c}Leave this page\u{201d} button at the top of every page, or pressing Shift three times, blanks the page at once, replaces it with an empty page and closes your access: going back does not show it again.",
        "These pages leave no copy in the browser and contact no other website.",
        "But the address of these pages may stay in the browser's history, and the message with the link stays in your texts or e-mails: delete them if someone else may read your phone.",
        "The safest is a private window, or the phone of someone you trust.",
    ],
    back: "Back",
};

fn w(english: bool) -> &'static W {
    if english { &EN } else { &FR }
}

/// "lundi 30 novembre 2026" / "Monday 30 November 2026": a date read in full.
fn day_text(w: &W, d: NaiveDate) -> String {
    let n = if w.lang == "fr" && d.day() == 1 {
        "1er".to_owned()
    } else {
        d.day().to_string()
    };
    format!(
        "{} {n} {} {}",
        w.days[d.weekday().num_days_from_monday() as usize],
        w.months[d.month0() as usize],
        d.year()
    )
}

/// "9 h 30" (kept on one line) / "9:30".
fn time_text(w: &W, t: DateTime<Utc>, tz: Tz) -> String {
    let l = t.with_timezone(&tz);
    if w.lang == "fr" {
        format!("{}\u{a0}h\u{a0}{:02}", l.hour(), l.minute())
    } else {
        format!("{}:{:02}", l.hour(), l.minute())
    }
}

/// "lundi 30 novembre 2026 à 9 h 30".
fn when_text(w: &W, t: DateTime<Utc>, tz: Tz) -> String {
    format!(
        "{} {} {}",
        day_text(w, t.with_timezone(&tz).date_naive()),
        w.at,
        time_text(w, t, tz)
    )
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The page: the whole document, with the quick exit on top.
pub fn page(p: &Page<'_>, english: bool, exit_url: &str) -> String {
    let w = w(english);
    let mut h = Html::default();
    h.raw("<!doctype html><html lang=\"")
        .raw(w.lang)
        .raw("\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex, nofollow\"><meta name=\"referrer\" content=\"no-referrer\"><title>")
        .text(w.title)
        .raw("</title><link rel=\"stylesheet\" href=\"/rdv/static/rdv.css\"><script src=\"/rdv/static/rdv.js\" defer></script></head><body data-exit=\"")
        .text(exit_url)
        .raw("\">");
    if matches!(p, Page::Blank) {
        h.raw("</body></html>");
        return h.0;
    }
    h.raw("<header class=\"bar\"><form method=\"post\" action=\"/rdv/sortie\" class=\"exit\"><button type=\"submit\" id=\"quick-exit\">")
        .text(w.exit)
        .raw("</button></form><nav aria-label=\"")
        .text(if english { "Page options" } else { "Options de la page" })
        .raw("\">");
    h.a("/rdv/securite", "data-swap", w.safety).raw(" ");
    h.a(
        w.other_lang.2,
        &format!(
            "data-swap lang=\"{}\" hreflang=\"{}\"",
            w.other_lang.0, w.other_lang.0
        ),
        w.other_lang.1,
    );
    h.raw("</nav></header><main id=\"main\" tabindex=\"-1\">");
    body(&mut h, w, p);
    h.raw("</main></body></html>");
    h.0
}

fn heading(h: &mut Html, text: &str) {
    h.raw("<h1 tabindex=\"-1\" autofocus>")
        .text(text)
        .raw("</h1>");
}

fn alert(h: &mut Html, text: &str) {
    h.raw("<p class=\"alert\" role=\"alert\">")
        .text(text)
        .raw("</p>");
}

fn place_line(h: &mut Html, w: &W, place: Option<&str>) {
    match place {
        Some(p) => h.raw("<p>").text(w.place).raw(" ").text(p).raw("</p>"),
        None => h.raw("<p>").text(w.place_unsaid).raw("</p>"),
    };
}

fn body(h: &mut Html, w: &W, p: &Page<'_>) {
    match p {
        Page::Blank => {}
        Page::Neutral => {
            heading(h, w.neutral_h);
            h.el("p", "", w.neutral_p);
        }
        Page::Throttled => {
            heading(h, w.title);
            alert(h, w.throttled_p);
        }
        Page::Unavailable => {
            heading(h, w.title);
            alert(h, w.unavailable_p);
        }
        Page::Safety => {
            heading(h, w.safety_h);
            for para in w.safety_body {
                h.el("p", "", para);
            }
            h.a("/rdv", "data-swap", w.back);
        }
        Page::Check(notice) => {
            heading(h, w.check_h);
            match notice {
                Some(Notice::WrongAnswer(0)) => alert(h, w.locked),
                Some(Notice::WrongAnswer(n)) => alert(h, &format!("{} {n}.", w.wrong)),
                _ => {}
            }
            h.raw("<form method=\"post\" action=\"/rdv/verifier\"><p id=\"check-help\">")
                .text(w.check_p)
                .raw("</p><label for=\"reponse\">")
                .text(w.check_label)
                .raw("</label><input id=\"reponse\" name=\"reponse\" type=\"text\" autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\" maxlength=\"64\" required aria-describedby=\"check-help\"")
                .raw(if matches!(notice, Some(Notice::WrongAnswer(_))) {
                    " aria-invalid=\"true\" autofocus"
                } else {
                    ""
                })
                .raw("><button type=\"submit\">")
                .text(w.check_go)
                .raw("</button></form>");
        }
        Page::Slots(v, notice) => slots(h, w, v, *notice),
        Page::Confirm(slot, minutes, moving) => {
            heading(
                h,
                if *moving {
                    w.confirm_move_h
                } else {
                    w.confirm_h
                },
            );
            h.raw("<p class=\"when\">")
                .text(&capitalised(&when_text(w, slot.start, slot.tz)))
                .raw("</p><p>")
                .text(&w.minutes.replace("{}", &minutes.to_string()))
                .raw("</p>");
            let numbered = slot.place_number.map(|n| format!("{} {n}", w.place_n));
            place_line(h, w, slot.place.as_deref().or(numbered.as_deref()));
            h.raw("<form method=\"post\" action=\"")
                .raw(if *moving {
                    "/rdv/deplacer"
                } else {
                    "/rdv/reserver"
                })
                .raw("\">");
            h.hidden("creneau", &slot.key);
            h.raw("<button type=\"submit\">")
                .text(if *moving {
                    w.confirm_move_go
                } else {
                    w.confirm_go
                })
                .raw("</button></form><p>");
            h.a(
                if *moving {
                    "/rdv?etape=deplacer"
                } else {
                    "/rdv"
                },
                "data-swap",
                w.other_slot,
            );
            h.raw("</p>");
        }
        Page::Appointment(a, notice) => {
            let title = match notice {
                Some(Notice::Booked) | Some(Notice::AlreadyBooked) => w.booked_h,
                Some(Notice::Moved) => w.moved_h,
                _ => w.yours_h,
            };
            heading(h, title);
            if matches!(notice, Some(Notice::AlreadyBooked)) {
                alert(h, w.already);
            }
            h.raw("<p class=\"when\">")
                .text(&capitalised(&when_text(w, a.start, a.tz)))
                .raw("</p><p>")
                .text(&w.minutes.replace("{}", &a.minutes.to_string()))
                .raw("</p>");
            place_line(h, w, a.place.as_deref());
            if matches!(notice, Some(Notice::Booked)) {
                h.el("p", "", w.booked_p);
            }
            h.raw("<ul class=\"actions\"><li>");
            h.a("/rdv?etape=deplacer", "data-swap", w.move_to);
            h.raw("</li><li>");
            h.a("/rdv?etape=annuler", "data-swap", w.cancel);
            h.raw("</li></ul>");
        }
        Page::CancelConfirm(a) => {
            heading(h, w.cancel_h);
            h.raw("<p class=\"when\">")
                .text(&capitalised(&when_text(w, a.start, a.tz)))
                .raw("</p>");
            h.el("p", "", w.cancel_p);
            h.raw("<form method=\"post\" action=\"/rdv/annuler\"><button type=\"submit\" class=\"danger\">")
                .text(w.cancel_go)
                .raw("</button></form><p>");
            h.a("/rdv", "data-swap", w.keep);
            h.raw("</p>");
        }
        Page::Cancelled => {
            heading(h, w.cancelled_h);
            h.el("p", "", w.cancelled_p);
            h.el("p", "", w.close_p);
        }
    }
}

fn slots(h: &mut Html, w: &W, v: &SlotsView, notice: Option<Notice>) {
    heading(h, if v.moving { w.move_h } else { w.slots_h });
    match notice {
        Some(Notice::SlotTaken) => alert(h, w.taken),
        Some(Notice::BadChoice) => alert(h, w.bad),
        _ => {}
    }
    h.el("p", "", &w.minutes.replace("{}", &v.minutes.to_string()));
    let step = if v.moving { "&etape=deplacer" } else { "" };
    let Some((first_day, first)) = &v.first else {
        h.el("p", "", w.none);
        return;
    };
    h.raw("<p>").text(w.first).raw(" ");
    h.a(
        &format!("/rdv?du={first_day}{step}#j-{first_day}"),
        "data-swap",
        &when_text(w, first.start, first.tz),
    );
    h.raw("</p>");
    if v.days.is_empty() {
        h.el("p", "", w.none_here);
    }
    let choose = if v.moving { "?etape=deplacer&" } else { "?" };
    for d in &v.days {
        let id = format!("j-{}", d.date);
        h.raw("<section aria-labelledby=\"")
            .text(&id)
            .raw("\"><h2 tabindex=\"-1\" id=\"")
            .text(&id)
            .raw("\">")
            .text(&capitalised(&day_text(w, d.date)))
            .raw("</h2><ul class=\"slots\">");
        for s in &d.slots {
            let place = s
                .place
                .clone()
                .or_else(|| s.place_number.map(|n| format!("{} {n}", w.place_n)));
            let label = match &place {
                Some(p) => format!("{}, {p}", when_text(w, s.start, s.tz)),
                None => when_text(w, s.start, s.tz),
            };
            h.raw("<li><a href=\"/rdv")
                .raw(choose)
                .raw("creneau=")
                .text(&s.key)
                .raw("\" aria-label=\"")
                .text(&label)
                .raw("\">")
                .text(&time_text(w, s.start, s.tz));
            if let Some(p) = &place {
                h.raw(" <span class=\"place\">").text(p).raw("</span>");
            }
            h.raw("</a></li>");
        }
        h.raw("</ul></section>");
    }
    h.raw("<p class=\"pager\">");
    if let Some(e) = v.earlier {
        h.a(&format!("/rdv?du={e}{step}"), "data-swap", w.earlier)
            .raw(" ");
    }
    if let Some(l) = v.later {
        h.a(&format!("/rdv?du={l}{step}"), "data-swap", w.later);
    }
    h.raw("</p>");
}

/// The words every page may show, for the revealing-word check of the tests.
pub fn all_text() -> String {
    let mut out = String::new();
    for w in [&FR, &EN] {
        for s in [
            w.title,
            w.exit,
            w.safety,
            w.neutral_h,
            w.neutral_p,
            w.throttled_p,
            w.unavailable_p,
            w.check_h,
            w.check_p,
            w.check_label,
            w.slots_h,
            w.move_h,
            w.minutes,
            w.first,
            w.none,
            w.taken,
            w.confirm_h,
            w.confirm_go,
            w.place_unsaid,
            w.yours_h,
            w.booked_h,
            w.booked_p,
            w.already,
            w.moved_h,
            w.cancel_h,
            w.cancel_p,
            w.cancelled_h,
            w.cancelled_p,
        ] {
            out.push_str(s);
            out.push('\n');
        }
        for s in w.safety_body {
            out.push_str(s);
            out.push('\n');
        }
    }
    esc(&out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn slot() -> SlotView {
        SlotView {
            key: "a.b.1".into(),
            start: Utc.with_ymd_and_hms(2026, 12, 1, 8, 30, 0).unwrap(),
            tz: chrono_tz::Europe::Paris,
            place: Some("12 rue <des> Lilas".into()),
            place_number: None,
        }
    }

    #[test]
    fn dates_are_read_in_full() {
        let s = slot();
        assert_eq!(
            when_text(&FR, s.start, s.tz),
            "mardi 1er décembre 2026 à 9\u{a0}h\u{a0}30"
        );
        assert_eq!(
            when_text(&EN, s.start, s.tz),
            "Tuesday 1 December 2026 at 9:30"
        );
    }

    #[test]
    fn every_page_is_neutral_and_escaped() {
        let s = slot();
        let v = SlotsView {
            days: vec![DayView {
                date: s.start.date_naive(),
                slots: vec![s.clone()],
            }],
            first: Some((s.start.date_naive(), s.clone())),
            from: s.start.date_naive(),
            earlier: None,
            later: Some(s.start.date_naive() + chrono::Duration::days(14)),
            minutes: 45,
            moving: false,
        };
        let a = AppointmentView {
            start: s.start,
            tz: s.tz,
            minutes: 45,
            place: None,
        };
        let revealing = relais_domain::wording::Revealing::default();
        for english in [false, true] {
            for p in [
                Page::Neutral,
                Page::Throttled,
                Page::Unavailable,
                Page::Safety,
                Page::Check(Some(Notice::WrongAnswer(2))),
                Page::Slots(&v, Some(Notice::SlotTaken)),
                Page::Confirm(&s, 45, false),
                Page::Appointment(&a, Some(Notice::Booked)),
                Page::CancelConfirm(&a),
                Page::Cancelled,
            ] {
                let html = page(&p, english, "about:blank");
                assert!(
                    html.contains("<title>Rendez-vous</title>")
                        || html.contains("<title>Appointment</title>")
                );
                assert!(html.contains("id=\"quick-exit\""));
                assert!(!html.contains("<des>"), "escaped");
                assert!(
                    revealing.find(&html).is_none(),
                    "{:?}",
                    revealing.find(&html)
                );
            }
        }
        assert!(revealing.find(&all_text()).is_none());
    }
}
