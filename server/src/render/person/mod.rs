//! The person's pages: book, move and cancel from a link, on a phone someone else may read.
//! Neutral everywhere (the title, the headings and the words say "rendez-vous" and nothing
//! of what it is about; no organisation name; the place only as the SMS would give it), a
//! quick exit on every page, French first with English. Pure functions of view records; the
//! edge (`web::person`) fills them from `scheduling::links`.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use relais_domain::booking_link::Notice;

use askama::Template;

use super::html::esc;

mod view;
mod words;

use words::{EN, FR, W, w};

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
    let rendered = match p {
        Page::Blank => view::Blank { w, exit_url }.render(),
        Page::Neutral => view::Neutral { w, exit_url }.render(),
        Page::Throttled => view::Message {
            w,
            exit_url,
            text: w.throttled_p,
        }
        .render(),
        Page::Unavailable => view::Message {
            w,
            exit_url,
            text: w.unavailable_p,
        }
        .render(),
        Page::Safety => view::Safety { w, exit_url }.render(),
        Page::Check(notice) => view::Check {
            w,
            exit_url,
            alert: match notice {
                Some(Notice::WrongAnswer(0)) => Some(w.locked.to_owned()),
                Some(Notice::WrongAnswer(n)) => Some(format!("{} {n}.", w.wrong)),
                _ => None,
            },
            wrong: matches!(notice, Some(Notice::WrongAnswer(_))),
        }
        .render(),
        Page::Slots(v, notice) => slots(w, exit_url, v, *notice).render(),
        Page::Confirm(slot, minutes, moving) => view::Confirm {
            w,
            exit_url,
            title: if *moving {
                w.confirm_move_h
            } else {
                w.confirm_h
            },
            when: capitalised(&when_text(w, slot.start, slot.tz)),
            minutes: w.minutes.replace("{}", &minutes.to_string()),
            place: slot
                .place
                .clone()
                .or_else(|| slot.place_number.map(|n| format!("{} {n}", w.place_n))),
            action: if *moving {
                "/rdv/deplacer"
            } else {
                "/rdv/reserver"
            },
            key: &slot.key,
            go: if *moving {
                w.confirm_move_go
            } else {
                w.confirm_go
            },
            back: if *moving {
                "/rdv?etape=deplacer"
            } else {
                "/rdv"
            },
        }
        .render(),
        Page::Appointment(a, notice) => view::Appointment {
            w,
            exit_url,
            title: match notice {
                Some(Notice::Booked) | Some(Notice::AlreadyBooked) => w.booked_h,
                Some(Notice::Moved) => w.moved_h,
                _ => w.yours_h,
            },
            already: matches!(notice, Some(Notice::AlreadyBooked)),
            when: capitalised(&when_text(w, a.start, a.tz)),
            minutes: w.minutes.replace("{}", &a.minutes.to_string()),
            place: a.place.clone(),
            booked: matches!(notice, Some(Notice::Booked)),
        }
        .render(),
        Page::CancelConfirm(a) => view::CancelConfirm {
            w,
            exit_url,
            when: capitalised(&when_text(w, a.start, a.tz)),
        }
        .render(),
        Page::Cancelled => view::Cancelled { w, exit_url }.render(),
    };
    // Rendering writes into a string: it fails only if a value's Display does, and none of
    // these can. Should it ever, the person gets the blank page, never half a page.
    rendered.unwrap_or_else(|e| {
        tracing::error!(error = %e, "person's page did not render");
        String::new()
    })
}

/// The times offered, as the template lists them: every link built here, its values
/// URL-encoded.
fn slots<'a>(
    w: &'static W,
    exit_url: &'a str,
    v: &'a SlotsView,
    notice: Option<Notice>,
) -> view::Slots<'a> {
    let step = if v.moving { "&etape=deplacer" } else { "" };
    let choose = if v.moving { "?etape=deplacer&" } else { "?" };
    view::Slots {
        w,
        exit_url,
        title: if v.moving { w.move_h } else { w.slots_h },
        alert: match notice {
            Some(Notice::SlotTaken) => Some(w.taken),
            Some(Notice::BadChoice) => Some(w.bad),
            _ => None,
        },
        minutes: w.minutes.replace("{}", &v.minutes.to_string()),
        first: v.first.as_ref().map(|(day, s)| {
            (
                format!("/rdv?du={day}{step}#j-{day}"),
                when_text(w, s.start, s.tz),
            )
        }),
        days: v
            .days
            .iter()
            .map(|d| view::Day {
                id: format!("j-{}", d.date),
                title: capitalised(&day_text(w, d.date)),
                slots: d
                    .slots
                    .iter()
                    .map(|s| {
                        let place = s
                            .place
                            .clone()
                            .or_else(|| s.place_number.map(|n| format!("{} {n}", w.place_n)));
                        view::Slot {
                            href: format!("/rdv{choose}creneau={}", urlencoded(&s.key)),
                            label: match &place {
                                Some(p) => format!("{}, {p}", when_text(w, s.start, s.tz)),
                                None => when_text(w, s.start, s.tz),
                            },
                            time: time_text(w, s.start, s.tz),
                            place,
                        }
                    })
                    .collect(),
            })
            .collect(),
        earlier: v.earlier.map(|e| format!("/rdv?du={e}{step}")),
        later: v.later.map(|l| format!("/rdv?du={l}{step}")),
    }
}

use crate::render::html::url_encode as urlencoded;

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
mod tests;
