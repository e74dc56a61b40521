//! Slot search: one coordinator over four weeks (target < 50 µs), and twenty coordinators at
//! one site over four weeks (target < 1 ms). The calendars are realistic and fairly full:
//! two windows a day on weekdays, about 40 % of the slots booked, a recurring absence, a
//! one-off absence and the month's public holidays.
//!
//! `cargo bench -p relais-domain --bench slots`

#![allow(clippy::unwrap_used)] // a benchmark: fixed, valid dates.

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use criterion::{Criterion, criterion_group, criterion_main};
use relais_domain::schedule::{
    Calendar, Edge, Interval, SlotRules, WeeklyWindow, free_slots, free_slots_many, rule_instant,
};
use std::hint::black_box;

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

struct Fixture {
    windows: Vec<WeeklyWindow>,
    recurring: Vec<WeeklyWindow>,
    absences: Vec<Interval>,
    busy: Vec<Interval>,
}

/// `seed` varies which slots are booked between coordinators.
fn fixture(from: NaiveDate, seed: u64) -> Fixture {
    let windows = vec![
        WeeklyWindow {
            days: vec![1, 2, 3, 4, 5],
            start: t(9, 0),
            end: t(12, 0),
            valid_from: None,
            valid_until: None,
        },
        WeeklyWindow {
            days: vec![1, 2, 3, 4],
            start: t(13, 30),
            end: t(17, 30),
            valid_from: None,
            valid_until: None,
        },
    ];
    let recurring = vec![WeeklyWindow {
        days: vec![3],
        start: t(15, 0),
        end: t(17, 30),
        valid_from: None,
        valid_until: None,
    }];
    let day = |d: i64, h, m| {
        rule_instant(
            Paris,
            (from + Duration::days(d)).and_time(t(h, m)),
            Edge::Start,
        )
    };
    let absences = vec![Interval {
        start: day(9, 0, 0),
        end: day(11, 0, 0),
    }];
    let mut busy = Vec::new();
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    for d in 0..28 {
        for (h0, h1) in [(9u32, 12u32), (13, 17)] {
            let mut minutes = h0 * 60;
            while minutes + 30 <= h1 * 60 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if (x >> 33) % 10 < 4 {
                    let s = day(d, minutes / 60, minutes % 60);
                    busy.push(Interval {
                        start: s,
                        end: s + Duration::minutes(30),
                    });
                }
                minutes += 30;
            }
        }
    }
    Fixture {
        windows,
        recurring,
        absences,
        busy,
    }
}

fn rules() -> SlotRules {
    SlotRules {
        duration: Duration::minutes(45),
        step: Duration::minutes(15),
        buffer_before: Duration::zero(),
        buffer_after: Duration::minutes(15),
        min_notice: Duration::hours(2),
        horizon: Duration::days(60),
    }
}

fn bench(c: &mut Criterion) {
    let from = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let to = from + Duration::days(27);
    let now = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
    let holidays = relais_domain::holidays::holiday_dates(from, to, false);
    let r = rules();

    let one = fixture(from, 1);
    fn cal<'a>(f: &'a Fixture, holidays: &'a [NaiveDate]) -> Calendar<'a> {
        Calendar {
            tz: Paris,
            windows: &f.windows,
            exceptions: &[],
            recurring_absences: &f.recurring,
            absences: &f.absences,
            busy: &f.busy,
            holidays,
        }
    }
    let mut out = Vec::with_capacity(1024);
    free_slots(&cal(&one, &holidays), &r, from, to, now, &mut out);
    eprintln!(
        "one coordinator, 4 weeks: {} busy intervals, {} free slots",
        one.busy.len(),
        out.len()
    );
    c.bench_function("slots: 1 coordinator x 4 weeks", |b| {
        b.iter(|| {
            out.clear();
            free_slots(
                black_box(&cal(&one, &holidays)),
                &r,
                from,
                to,
                now,
                &mut out,
            );
            black_box(out.len())
        })
    });

    let many: Vec<Fixture> = (0..20).map(|i| fixture(from, i + 2)).collect();
    let cals: Vec<(u32, Calendar<'_>)> = many
        .iter()
        .enumerate()
        .map(|(i, f)| (i as u32, cal(f, &holidays)))
        .collect();
    eprintln!(
        "20 coordinators, 4 weeks: {} free slots",
        free_slots_many(&cals, &r, from, to, now).len()
    );
    c.bench_function("slots: 20 coordinators x 4 weeks at one site", |b| {
        b.iter(|| black_box(free_slots_many(black_box(&cals), &r, from, to, now).len()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
