//! The person's pages for fixed inputs: escaped, neutral, and as their snapshots keep them.

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

/// Every page in both languages for fixed inputs, with a hostile place text.
pub(super) fn fixtures() -> Vec<(String, String)> {
    let s = slot();
    let mut s2 = slot();
    s2.place = None;
    s2.place_number = Some(2);
    s2.key = "c'd\"<e>".into();
    let v = SlotsView {
        days: vec![DayView {
            date: s.start.date_naive(),
            slots: vec![s.clone(), s2.clone()],
        }],
        first: Some((s.start.date_naive(), s.clone())),
        from: s.start.date_naive(),
        earlier: Some(s.start.date_naive() - chrono::Duration::days(14)),
        later: Some(s.start.date_naive() + chrono::Duration::days(14)),
        minutes: 45,
        moving: false,
    };
    let moving = SlotsView {
        moving: true,
        ..v.clone()
    };
    let empty = SlotsView {
        days: vec![],
        first: None,
        ..v.clone()
    };
    let a = AppointmentView {
        start: s.start,
        tz: s.tz,
        minutes: 45,
        place: Some("Salle <b>'2'</b> & \"co\"".into()),
    };
    let mut out = Vec::new();
    for english in [false, true] {
        let pages: Vec<(&str, Page<'_>)> = vec![
            ("neutral", Page::Neutral),
            ("throttled", Page::Throttled),
            ("unavailable", Page::Unavailable),
            ("safety", Page::Safety),
            ("check", Page::Check(None)),
            ("check-wrong", Page::Check(Some(Notice::WrongAnswer(2)))),
            ("check-locked", Page::Check(Some(Notice::WrongAnswer(0)))),
            ("slots", Page::Slots(&v, Some(Notice::SlotTaken))),
            ("slots-bad", Page::Slots(&v, Some(Notice::BadChoice))),
            ("slots-moving", Page::Slots(&moving, None)),
            ("slots-empty", Page::Slots(&empty, None)),
            ("confirm", Page::Confirm(&s, 45, false)),
            ("confirm-moving", Page::Confirm(&s2, 30, true)),
            ("appointment", Page::Appointment(&a, None)),
            (
                "appointment-booked",
                Page::Appointment(&a, Some(Notice::Booked)),
            ),
            (
                "appointment-already",
                Page::Appointment(&a, Some(Notice::AlreadyBooked)),
            ),
            (
                "appointment-moved",
                Page::Appointment(&a, Some(Notice::Moved)),
            ),
            ("cancel-confirm", Page::CancelConfirm(&a)),
            ("cancelled", Page::Cancelled),
            ("blank", Page::Blank),
        ];
        for (name, p) in pages {
            let lang = if english { "en" } else { "fr" };
            out.push((
                format!("{name}.{lang}"),
                page(&p, english, "https://exit.example/?q=a&b='c'"),
            ));
        }
    }
    out
}

/// Each page's HTML for the fixed inputs, as it is kept in `server/snapshots/person/`: a
/// change of markup shows in review. `RELAIS_UPDATE_SNAPSHOTS=1` writes them anew.
#[test]
fn pages_match_their_snapshots() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots/person");
    let update = std::env::var_os("RELAIS_UPDATE_SNAPSHOTS").is_some();
    if update {
        std::fs::create_dir_all(dir).unwrap();
    }
    for (name, html) in fixtures() {
        let path = format!("{dir}/{name}.html");
        if update {
            std::fs::write(&path, &html).unwrap();
        } else {
            let kept = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                kept == html,
                "{name}: the page differs from {path} (RELAIS_UPDATE_SNAPSHOTS=1 to accept)"
            );
        }
    }
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
