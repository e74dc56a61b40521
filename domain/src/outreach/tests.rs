use super::*;
use chrono::TimeZone;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}
fn at(date: NaiveDate, h: u32, min: u32) -> NaiveDateTime {
    date.and_hms_opt(h, min, 0).unwrap()
}

#[test]
fn priorities() {
    let u = Urgency::default();
    assert_eq!(
        priority(SituationKind::ChildInDanger, u),
        Priority::Immediate
    );
    assert_eq!(
        priority(SituationKind::Other, Urgency { danger: true, ..u }),
        Priority::Immediate
    );
    assert_eq!(
        priority(
            SituationKind::FamilyConflict,
            Urgency {
                minor_involved: true,
                ..u
            }
        ),
        Priority::Immediate
    );
    assert_eq!(
        priority(
            SituationKind::DomesticViolence,
            Urgency {
                recent_call_out: true,
                ..u
            }
        ),
        Priority::OneWorkingDay
    );
    assert_eq!(
        priority(SituationKind::DomesticViolence, u),
        Priority::FiveWorkingDays
    );
    assert_eq!(
        priority(
            SituationKind::FamilyConflict,
            Urgency {
                recent_call_out: true,
                ..u
            }
        ),
        Priority::FiveWorkingDays
    );
}

#[test]
fn working_days_skip_weekends_and_holidays() {
    let h = crate::holidays::holiday_dates(d(2026, 1, 1), d(2027, 12, 31), false);
    // Friday 6 November 2026 + 5 working days: 9, 10, 12, 13, 16 (11th is Armistice).
    assert_eq!(add_working_days(d(2026, 11, 6), 5, &h), d(2026, 11, 16));
    // Received on Saturday: the count starts Monday.
    assert_eq!(add_working_days(d(2026, 11, 7), 0, &h), d(2026, 11, 9));
    assert_eq!(working_days_between(d(2026, 11, 6), d(2026, 11, 16), &h), 5);
    // Received Thursday 24 December, one working day: Monday 28 (25th is Christmas).
    let due = due_at(at(d(2026, 12, 24), 16, 0), Priority::OneWorkingDay, &h);
    assert_eq!(due, at(d(2026, 12, 28), 18, 0));
    let now = at(d(2026, 12, 24), 16, 0);
    assert_eq!(due_at(now, Priority::Immediate, &h), now);
}

#[test]
fn every_state_and_event_is_either_a_transition_or_a_named_refusal() {
    use Event as E;
    use State as S;
    let expected: &[(S, E, S)] = &[
        (S::Received, E::Acknowledge, S::ToQualify),
        (S::Received, E::Qualify, S::Contacting),
        (S::Received, E::Interview, S::Assessment),
        (S::Received, E::Close, S::Closed),
        (S::ToQualify, E::Qualify, S::Contacting),
        (S::ToQualify, E::Interview, S::Assessment),
        (S::ToQualify, E::Close, S::Closed),
        (S::Contacting, E::ScheduleCallback, S::CallbackScheduled),
        (S::Contacting, E::SetAppointment, S::AppointmentSet),
        (S::Contacting, E::Interview, S::Assessment),
        (S::Contacting, E::Close, S::Closed),
        (
            S::CallbackScheduled,
            E::ScheduleCallback,
            S::CallbackScheduled,
        ),
        (S::CallbackScheduled, E::ResumeContact, S::Contacting),
        (S::CallbackScheduled, E::SetAppointment, S::AppointmentSet),
        (S::CallbackScheduled, E::Interview, S::Assessment),
        (S::CallbackScheduled, E::Close, S::Closed),
        (S::AppointmentSet, E::SetAppointment, S::AppointmentSet),
        (S::AppointmentSet, E::Interview, S::Assessment),
        (S::AppointmentSet, E::AppointmentMissed, S::Contacting),
        (S::AppointmentSet, E::Close, S::Closed),
        (S::Assessment, E::SetAppointment, S::AppointmentSet),
        (S::Assessment, E::Orient, S::Orientation),
        (S::Assessment, E::FollowUp, S::FollowUp),
        (S::Assessment, E::Close, S::Closed),
        (S::Orientation, E::SetAppointment, S::AppointmentSet),
        (S::Orientation, E::Orient, S::Orientation),
        (S::Orientation, E::FollowUp, S::FollowUp),
        (S::Orientation, E::Close, S::Closed),
        (S::FollowUp, E::SetAppointment, S::AppointmentSet),
        (S::FollowUp, E::Orient, S::Orientation),
        (S::FollowUp, E::Close, S::Closed),
    ];
    for &s in State::ALL {
        for &e in Event::ALL {
            let want = expected
                .iter()
                .find(|(a, b, _)| *a == s && *b == e)
                .map(|x| x.2);
            match (apply(s, e), want) {
                (Ok(got), Some(w)) => assert_eq!(got, w, "{s:?} + {e:?}"),
                (Err(err), None) => {
                    assert_eq!((err.current, err.event), (s, e));
                    assert_eq!(err.allowed, allowed(s));
                    assert!(!err.allowed.contains(&e));
                    assert!(err.to_string().contains(s.label(crate::words::Lang::Fr)));
                }
                (got, w) => panic!("{s:?} + {e:?}: got {got:?}, expected {w:?}"),
            }
        }
    }
    assert!(
        allowed(State::Closed).is_empty(),
        "reopening creates a new situation"
    );
}

#[test]
fn the_referrer_sees_only_a_status() {
    assert_eq!(
        State::Received.referrer_status(false),
        ReferrerStatus::Received
    );
    assert_eq!(
        State::Contacting.referrer_status(false),
        ReferrerStatus::Received
    );
    assert_eq!(
        State::Contacting.referrer_status(true),
        ReferrerStatus::ContactMade
    );
    assert_eq!(
        State::Assessment.referrer_status(true),
        ReferrerStatus::ContactMade
    );
    assert_eq!(
        State::Closed.referrer_status(false),
        ReferrerStatus::NoContactPossible
    );
    assert_eq!(State::Closed.referrer_status(true), ReferrerStatus::Closed);
}

#[test]
fn three_attempts_at_varied_times_or_ten_working_days() {
    let h = crate::holidays::holiday_dates(d(2026, 1, 1), d(2027, 12, 31), false);
    let a = |date, hh, result| Attempt {
        at: at(date, hh, 0),
        channel: AttemptChannel::Call,
        result,
    };
    let mon = d(2026, 11, 23);
    let one = [a(mon, 10, AttemptResult::NoAnswer)];
    assert_eq!(
        advice(&one, mon, &h),
        ContactAdvice::TryAgain {
            untried: vec![TimeBand::Midday, TimeBand::Afternoon]
        }
    );
    // Three attempts, all in the morning: not varied, try another time.
    let mornings = [
        a(mon, 9, AttemptResult::NoAnswer),
        a(d(2026, 11, 24), 10, AttemptResult::NoAnswer),
        a(d(2026, 11, 25), 11, AttemptResult::NoMessageLeft),
    ];
    assert!(matches!(
        advice(&mornings, d(2026, 11, 25), &h),
        ContactAdvice::TryAgain { .. }
    ));
    let varied = [
        mornings[0],
        mornings[1],
        a(d(2026, 11, 25), 15, AttemptResult::NoAnswer),
    ];
    assert_eq!(
        advice(&varied, d(2026, 11, 25), &h),
        ContactAdvice::ProposeUnreachable
    );
    // Ten working days after a first unsuccessful attempt.
    assert_eq!(
        advice(&one, d(2026, 12, 7), &h),
        ContactAdvice::ProposeUnreachable
    );
    assert!(matches!(
        advice(&one, d(2026, 12, 4), &h),
        ContactAdvice::TryAgain { .. }
    ));
    let reached = [
        a(mon, 10, AttemptResult::NoAnswer),
        a(mon, 15, AttemptResult::Answered),
    ];
    assert_eq!(advice(&reached, mon, &h), ContactAdvice::Reached);
    assert_eq!(
        advice(&[a(mon, 10, AttemptResult::Refused)], mon, &h),
        ContactAdvice::Reached
    );
}

#[test]
fn the_queue_puts_what_is_due_now_first() {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    let h = |n: i64| now + Duration::hours(n);
    let item = |key, state, priority, due, callback| QueueItem {
        key,
        state,
        priority,
        due,
        callback,
    };
    let mut q = vec![
        item(
            "later-5d",
            State::Contacting,
            Priority::FiveWorkingDays,
            h(48),
            None,
        ),
        item(
            "callback-open",
            State::CallbackScheduled,
            Priority::FiveWorkingDays,
            h(72),
            Some(CallbackWindow {
                start: h(-1),
                end: h(1),
            }),
        ),
        item("closed", State::Closed, Priority::Immediate, h(-5), None),
        item(
            "overdue-1d",
            State::Contacting,
            Priority::OneWorkingDay,
            h(-2),
            None,
        ),
        item(
            "immediate",
            State::Received,
            Priority::Immediate,
            h(0),
            None,
        ),
        item(
            "callback-tomorrow",
            State::CallbackScheduled,
            Priority::Immediate,
            h(-3),
            Some(CallbackWindow {
                start: h(24),
                end: h(26),
            }),
        ),
        item(
            "due-soon",
            State::ToQualify,
            Priority::OneWorkingDay,
            h(8),
            None,
        ),
    ];
    order_queue(&mut q, now);
    let keys: Vec<&str> = q.iter().map(|i| i.key).collect();
    assert_eq!(
        keys,
        [
            "callback-open",
            "immediate",
            "overdue-1d",
            "due-soon",
            "later-5d",
            "callback-tomorrow"
        ]
    );
    let w = CallbackWindow {
        start: h(0),
        end: h(1),
    };
    assert!(w.allows(now) && !w.allows(h(1)) && !w.allows(h(-1)));
}
