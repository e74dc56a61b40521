use super::*;
use chrono_tz::Europe::Paris;
use proptest::prelude::*;

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}
fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}
fn every_day(start: NaiveTime, end: NaiveTime) -> WeeklyWindow {
    WeeklyWindow {
        days: vec![1, 2, 3, 4, 5, 6, 7],
        start,
        end,
        valid_from: None,
        valid_until: None,
    }
}
fn rules(minutes: i64) -> SlotRules {
    SlotRules {
        duration: Duration::minutes(minutes),
        step: Duration::minutes(minutes),
        buffer_before: Duration::zero(),
        buffer_after: Duration::zero(),
        min_notice: Duration::zero(),
        horizon: Duration::days(400),
    }
}
fn cal<'a>(
    windows: &'a [WeeklyWindow],
    busy: &'a [Interval],
    holidays: &'a [NaiveDate],
) -> Calendar<'a> {
    Calendar {
        tz: Paris,
        windows,
        exceptions: &[],
        recurring_absences: &[],
        absences: &[],
        busy,
        holidays,
    }
}
fn local(i: &DateTime<Utc>) -> NaiveDateTime {
    i.with_timezone(&Paris).naive_local()
}
fn search(c: &Calendar<'_>, r: &SlotRules, from: NaiveDate, to: NaiveDate) -> Vec<Interval> {
    let mut out = Vec::new();
    free_slots(
        c,
        r,
        from,
        to,
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        &mut out,
    );
    out
}
fn starts(v: &[Interval]) -> Vec<String> {
    v.iter()
        .map(|s| s.start.with_timezone(&Paris).format("%H:%M%z").to_string())
        .collect()
}

#[test]
fn a_morning_of_half_hours() {
    let w = [WeeklyWindow {
        days: vec![1],
        start: t(9, 0),
        end: t(12, 0),
        valid_from: None,
        valid_until: None,
    }];
    let s = search(
        &cal(&w, &[], &[]),
        &rules(30),
        d(2026, 11, 23),
        d(2026, 11, 24),
    );
    assert_eq!(
        starts(&s),
        [
            "09:00+0100",
            "09:30+0100",
            "10:00+0100",
            "10:30+0100",
            "11:00+0100",
            "11:30+0100"
        ]
    );
}

#[test]
fn appointments_and_buffers_take_their_time() {
    let w = [every_day(t(9, 0), t(12, 0))];
    let day = d(2026, 11, 23);
    let at = |h, m| rule_instant(Paris, day.and_time(t(h, m)), Edge::Start);
    // An appointment 10:00–10:30 with a 15-minute buffer after it.
    let busy = [Interval {
        start: at(10, 0),
        end: at(10, 45),
    }];
    let mut r = rules(30);
    r.step = Duration::minutes(15);
    r.buffer_before = Duration::minutes(15);
    let s = search(&cal(&w, &busy, &[]), &r, day, day);
    // 09:15 would need 09:00–09:45 + its buffer before: ok; 09:30 ends at 10:00: ok (no buffer
    // after in these rules); 09:45 overlaps. After: the buffer before needs 10:45 free → 11:00.
    assert_eq!(
        starts(&s),
        [
            "09:00+0100",
            "09:15+0100",
            "09:30+0100",
            "11:00+0100",
            "11:15+0100",
            "11:30+0100"
        ]
    );
}

#[test]
fn holidays_exceptions_and_absences_close_time() {
    let w = [every_day(t(9, 0), t(10, 0))];
    let armistice = d(2026, 11, 11);
    let holidays = crate::holidays::holiday_dates(d(2026, 11, 10), d(2026, 11, 12), false);
    let c = cal(&w, &[], &holidays);
    assert_eq!(
        search(&c, &rules(30), armistice, armistice).len(),
        0,
        "holiday"
    );
    let extra = [DateException::Extra {
        date: armistice,
        start: t(14, 0),
        end: t(15, 0),
    }];
    let c2 = Calendar {
        exceptions: &extra,
        ..c
    };
    assert_eq!(
        starts(&search(&c2, &rules(30), armistice, armistice)),
        ["14:00+0100", "14:30+0100"],
        "an extra window opens a holiday"
    );
    let closed = [DateException::Closed {
        date: d(2026, 11, 12),
    }];
    let c3 = Calendar {
        exceptions: &closed,
        ..c
    };
    assert_eq!(
        search(&c3, &rules(30), d(2026, 11, 12), d(2026, 11, 12)).len(),
        0
    );
    let lunch = [WeeklyWindow {
        days: vec![4],
        start: t(9, 30),
        end: t(12, 0),
        valid_from: None,
        valid_until: None,
    }];
    let c4 = Calendar {
        recurring_absences: &lunch,
        ..c
    };
    assert_eq!(
        starts(&search(&c4, &rules(30), d(2026, 11, 12), d(2026, 11, 12))),
        ["09:00+0100"]
    );
    let away = [Interval {
        start: rule_instant(Paris, d(2026, 11, 13).and_time(t(9, 15)), Edge::Start),
        end: rule_instant(Paris, d(2026, 11, 13).and_time(t(9, 20)), Edge::Start),
    }];
    let c5 = Calendar {
        absences: &away,
        ..c
    };
    assert_eq!(
        starts(&search(&c5, &rules(30), d(2026, 11, 13), d(2026, 11, 13))),
        ["09:30+0100"]
    );
}

#[test]
fn notice_and_horizon() {
    let w = [every_day(t(9, 0), t(12, 0))];
    let c = cal(&w, &[], &[]);
    let mut r = rules(30);
    r.min_notice = Duration::hours(2);
    r.horizon = Duration::hours(26);
    let now = rule_instant(Paris, d(2026, 11, 23).and_time(t(8, 10)), Edge::Start);
    let mut out = Vec::new();
    free_slots(&c, &r, d(2026, 11, 23), d(2026, 11, 30), now, &mut out);
    // From 10:10 on the 23rd, aligned on the window: 10:30; up to 10:10 the next day.
    assert_eq!(
        starts(&out),
        [
            "10:30+0100",
            "11:00+0100",
            "11:30+0100",
            "09:00+0100",
            "09:30+0100",
            "10:00+0100"
        ]
    );
}

#[test]
fn spring_forward_2026_03_29() {
    let day = d(2026, 3, 29);
    // A window across the missing hour: real time 01:00 CET → 04:00 CEST is two hours.
    let w = [every_day(t(1, 0), t(4, 0))];
    assert_eq!(
        starts(&search(&cal(&w, &[], &[]), &rules(30), day, day)),
        ["01:00+0100", "01:30+0100", "03:00+0200", "03:30+0200"]
    );
    // An afternoon window keeps its wall-clock hours (the anchors' one-hour shift bug).
    let w = [every_day(t(14, 0), t(16, 0))];
    let s = search(&cal(&w, &[], &[]), &rules(60), day, d(2026, 3, 30));
    assert_eq!(
        starts(&s),
        ["14:00+0200", "15:00+0200", "14:00+0200", "15:00+0200"]
    );
    assert_eq!(
        s[0].start,
        Utc.with_ymd_and_hms(2026, 3, 29, 12, 0, 0).unwrap()
    );
    // A window that starts inside the gap opens when the clocks reach 03:00.
    let w = [every_day(t(2, 30), t(3, 30))];
    assert_eq!(
        starts(&search(&cal(&w, &[], &[]), &rules(30), day, day)),
        ["03:00+0200"]
    );
    assert_eq!(
        exact_instant(Paris, day.and_time(t(2, 30))),
        Err(LocalTimeProblem::DoesNotExist)
    );
}

#[test]
fn fall_back_2026_10_25() {
    let day = d(2026, 10, 25);
    // 01:00 CEST → 04:00 CET is four real hours: the repeated hour is open twice.
    let w = [every_day(t(1, 0), t(4, 0))];
    let s = search(&cal(&w, &[], &[]), &rules(30), day, day);
    assert_eq!(s.len(), 8);
    assert_eq!(
        starts(&s),
        [
            "01:00+0200",
            "01:30+0200",
            "02:00+0200",
            "02:30+0200",
            "02:00+0100",
            "02:30+0100",
            "03:00+0100",
            "03:30+0100"
        ]
    );
    let w = [every_day(t(13, 0), t(14, 0))];
    let s = search(&cal(&w, &[], &[]), &rules(60), d(2026, 10, 24), day);
    assert_eq!(starts(&s), ["13:00+0200", "13:00+0100"]);
    assert_eq!(
        exact_instant(Paris, day.and_time(t(2, 30))),
        Err(LocalTimeProblem::Ambiguous)
    );
}

#[test]
fn windows_overlap_only_when_days_times_and_validity_meet() {
    let a = WeeklyWindow {
        days: vec![1, 2],
        start: t(9, 0),
        end: t(12, 0),
        valid_from: None,
        valid_until: Some(d(2026, 6, 30)),
    };
    let mut b = WeeklyWindow {
        days: vec![2],
        start: t(11, 0),
        end: t(13, 0),
        valid_from: None,
        valid_until: None,
    };
    assert!(a.overlaps(&b));
    b.valid_from = Some(d(2026, 7, 1));
    assert!(!a.overlaps(&b));
    let c = WeeklyWindow {
        days: vec![1],
        start: t(12, 0),
        end: t(13, 0),
        valid_from: None,
        valid_until: None,
    };
    assert!(!a.overlaps(&c), "touching is not overlapping");
}

#[test]
fn several_coordinators_and_next_available() {
    let mon = [WeeklyWindow {
        days: vec![1],
        start: t(9, 0),
        end: t(10, 0),
        valid_from: None,
        valid_until: None,
    }];
    let tue = [WeeklyWindow {
        days: vec![2],
        start: t(14, 0),
        end: t(15, 0),
        valid_from: None,
        valid_until: None,
    }];
    let full_monday = [Interval {
        start: rule_instant(Paris, d(2026, 11, 23).and_time(t(9, 0)), Edge::Start),
        end: rule_instant(Paris, d(2026, 11, 23).and_time(t(10, 0)), Edge::Start),
    }];
    let cals = [
        (1u8, cal(&mon, &full_monday, &[])),
        (2u8, cal(&tue, &[], &[])),
    ];
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
    let first = next_available(&cals, &rules(30), d(2026, 11, 22), now).unwrap();
    assert_eq!(first.coordinator, 2);
    assert_eq!(starts(&[first.slot]), ["14:00+0100"]);
    let many = free_slots_many(&cals, &rules(30), d(2026, 11, 23), d(2026, 12, 1), now);
    assert_eq!(
        many.len(),
        2 + 2 + 2,
        "Tuesday 24th (2) + Monday 30th (2) + Tuesday 1st (2)"
    );
    assert!(many.windows(2).all(|w| w[0].slot.start <= w[1].slot.start));
    let none: [(u8, Calendar<'_>); 0] = [];
    assert_eq!(
        next_available(&none, &rules(30), d(2026, 11, 22), now),
        None
    );
}

#[test]
fn runs_expand_back_to_the_slots() {
    // Two coordinators, 9:00-12:00 every day, a busy hour for the first, over three days:
    // runs break at the busy hour and at each day, and expand back to the same slots.
    let w = [every_day(t(9, 0), t(12, 0))];
    let busy = [Interval {
        start: rule_instant(Paris, d(2026, 12, 1).and_time(t(10, 0)), Edge::Start),
        end: rule_instant(Paris, d(2026, 12, 1).and_time(t(11, 0)), Edge::Start),
    }];
    let cals = [(1u8, cal(&w, &busy, &[])), (2u8, cal(&w, &[], &[]))];
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
    let r = rules(15);
    let slots = free_slots_many(&cals, &r, d(2026, 12, 1), d(2026, 12, 3), now);
    let day = |x: DateTime<Utc>| x.with_timezone(&Paris).date_naive();
    let runs = runs(&slots, r.step, day);
    // Day 1: coordinator 1 has 9-10 and 11-12, coordinator 2 has 9-12; days 2, 3: one each.
    assert_eq!(runs.len(), 3 + 2 + 2);
    assert_eq!((runs[0].coordinator, runs[0].count), (1, 4));
    assert_eq!((runs[1].coordinator, runs[1].count), (2, 12));
    let mut back: Vec<CoordinatorSlot<u8>> = runs
        .iter()
        .flat_map(|x| {
            (0..x.count).map(move |k| CoordinatorSlot {
                coordinator: x.coordinator,
                slot: Interval {
                    start: x.first.start + r.step * k as i32,
                    end: x.first.end + r.step * k as i32,
                },
            })
        })
        .collect();
    back.sort_by_key(|a| (a.slot.start, a.coordinator));
    assert_eq!(back, slots);
    assert!(
        runs.iter()
            .all(|x| day(x.first.start) == day(x.first.start + r.step * (x.count as i32 - 1)))
    );
}

// ---- properties ----

fn window_strategy() -> impl Strategy<Value = WeeklyWindow> {
    (
        proptest::collection::vec(1u8..=7, 1..4),
        0u32..(24 * 4),
        1u32..(12 * 4),
    )
        .prop_map(|(days, start_q, len_q)| {
            let start = start_q * 15;
            let end = (start + len_q * 15).min(23 * 60 + 59);
            WeeklyWindow {
                days,
                start: t(start / 60, start % 60),
                end: t(end / 60, end % 60),
                valid_from: None,
                valid_until: None,
            }
        })
}

/// Windows that do not overlap each other (the server refuses overlapping ones).
fn windows_strategy() -> impl Strategy<Value = Vec<WeeklyWindow>> {
    proptest::collection::vec(window_strategy(), 1..5).prop_map(|ws| {
        let mut kept: Vec<WeeklyWindow> = Vec::new();
        for w in ws {
            if w.start < w.end && !kept.iter().any(|k| k.overlaps(&w)) {
                kept.push(w);
            }
        }
        kept
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_slot_is_free_inside_a_window_and_after_notice(
        windows in windows_strategy(),
        autumn in any::<bool>(),
        first_day in 0i64..10,
        appts in proptest::collection::vec((0i64..(14 * 24 * 4), 1i64..9), 0..12),
        absences in proptest::collection::vec((0i64..(14 * 24 * 4), 1i64..20), 0..4),
        now_q in 0i64..(14 * 24 * 4),
        duration_q in 1i64..5,
        step_q in 1i64..5,
        buffer_before in 0i64..3,
        buffer_after in 0i64..3,
        notice_h in 0i64..30,
    ) {
        // Two weeks around one of 2026's DST changes.
        let base = if autumn { d(2026, 10, 18) } else { d(2026, 3, 22) };
        let origin = rule_instant(Paris, base.and_time(t(0, 0)), Edge::Start);
        let q = |n: i64| origin + Duration::minutes(15 * n);
        let r = SlotRules {
            duration: Duration::minutes(15 * duration_q),
            step: Duration::minutes(15 * step_q),
            buffer_before: Duration::minutes(5 * buffer_before),
            buffer_after: Duration::minutes(5 * buffer_after),
            min_notice: Duration::hours(notice_h),
            horizon: Duration::days(30),
        };
        // Existing appointments, made non-overlapping as the database keeps them.
        let mut busy: Vec<Interval> = Vec::new();
        let mut sorted = appts.clone();
        sorted.sort();
        for (s, len) in sorted {
            let i = Interval { start: q(s), end: q(s + len) };
            if busy.last().is_none_or(|b| b.end <= i.start) {
                busy.push(i);
            }
        }
        let away: Vec<Interval> = absences.iter().map(|(s, len)| Interval { start: q(*s), end: q(*s + len) }).collect();
        let from = base + Duration::days(first_day);
        let to = base + Duration::days(13);
        let holidays = crate::holidays::holiday_dates(from, to, true);
        let c = Calendar { tz: Paris, windows: &windows, exceptions: &[], recurring_absences: &[], absences: &away, busy: &busy, holidays: &holidays };
        let now = q(now_q);
        let mut out = Vec::new();
        free_slots(&c, &r, from, to, now, &mut out);

        for s in &out {
            prop_assert_eq!(s.end - s.start, r.duration);
            prop_assert!(s.start >= now + r.min_notice, "slot before notice");
            prop_assert!(s.start <= now + r.horizon);
            let need = r.busy_span(s.start);
            prop_assert!(!busy.iter().any(|b| b.overlaps(&need)), "slot overlaps an appointment or a buffer");
            prop_assert!(!away.iter().any(|a| a.overlaps(&need)), "slot overlaps an absence");
            let day = local(&s.start).date();
            prop_assert!(!holidays.contains(&day), "slot on a holiday");
            prop_assert!(day >= from && day <= to);
            // Inside a window that applies that day, in local wall-clock time (with the gap
            // and repeat rules of `rule_instant`).
            let inside = windows.iter().filter(|w| w.applies_on(day)).any(|w| {
                let span = local_span(Paris, day, w.start, w.end);
                span.start <= s.start && s.end <= span.end
            });
            prop_assert!(inside, "slot outside every window");
            // Away from the transition day, plain local times hold.
            let transition = if autumn { d(2026, 10, 25) } else { d(2026, 3, 29) };
            if day != transition {
                let (ls, le) = (local(&s.start), local(&s.end));
                prop_assert!(windows.iter().filter(|w| w.applies_on(day)).any(|w| w.start <= ls.time() && (le.date() == day && le.time() <= w.end)));
            }
        }
        prop_assert!(out.windows(2).all(|p| p[0].start < p[1].start), "slots in time order");
    }
}

/// Found by fuzzing: two extra openings overlapping on one date gave the same slot twice and
/// out of order.
#[test]
fn overlapping_openings_give_each_slot_once_in_order() {
    let exceptions = [
        DateException::Extra {
            date: d(2026, 3, 20),
            start: t(9, 0),
            end: t(12, 0),
        },
        DateException::Extra {
            date: d(2026, 3, 20),
            start: t(10, 0),
            end: t(11, 0),
        },
    ];
    let windows = [every_day(t(11, 0), t(13, 0))];
    let c = Calendar {
        exceptions: &exceptions,
        ..cal(&windows, &[], &[])
    };
    let got = search(&c, &rules(60), d(2026, 3, 20), d(2026, 3, 20));
    assert_eq!(
        starts(&got),
        ["09:00+0100", "10:00+0100", "11:00+0100", "12:00+0100"]
    );
}
