//! The outreach workflow, pure: a situation's states and the events that move it, priority
//! and due dates in working days, contact attempts and when to propose "unreachable", and
//! the order of the call-back queue. The server stores and audits; the rules live here.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

/// Who handed the situation over (or how the person came).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OriginChannel {
    Gendarmerie,
    PoliceNationale,
    PoliceMunicipale,
    Partner,
    WalkIn,
    Phone,
}

/// Recorded apart from the channel: a gendarmerie referral and an own-initiative pick-up from
/// the brigade's logs are both "gendarmerie", but count differently for funders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Initiative {
    ThirdParty,
    OwnInitiative,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SituationKind {
    DomesticViolence,
    FamilyConflict,
    ChildInDanger,
    VulnerableAdult,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Priority {
    /// Danger, or a minor involved: now.
    Immediate,
    /// Domestic violence with a recent call-out.
    OneWorkingDay,
    FiveWorkingDays,
}

/// What the intake says about the situation, for its priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Urgency {
    pub danger: bool,
    pub minor_involved: bool,
    /// A police or gendarmerie call-out in the last days.
    pub recent_call_out: bool,
}

pub fn priority(kind: SituationKind, u: Urgency) -> Priority {
    if u.danger || u.minor_involved || kind == SituationKind::ChildInDanger {
        Priority::Immediate
    } else if kind == SituationKind::DomesticViolence && u.recent_call_out {
        Priority::OneWorkingDay
    } else {
        Priority::FiveWorkingDays
    }
}

pub fn is_working_day(d: NaiveDate, holidays: &[NaiveDate]) -> bool {
    d.weekday().number_from_monday() <= 5 && holidays.binary_search(&d).is_err()
}

/// The `n`-th working day after `d` (n = 0: `d` itself if it is one, else the next).
pub fn add_working_days(d: NaiveDate, n: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let mut day = d;
    while !is_working_day(day, holidays) {
        day += Duration::days(1);
    }
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        if is_working_day(day, holidays) {
            left -= 1;
        }
    }
    day
}

/// Working days strictly after `from` up to and including `to`.
pub fn working_days_between(from: NaiveDate, to: NaiveDate, holidays: &[NaiveDate]) -> u32 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        d += Duration::days(1);
        if is_working_day(d, holidays) {
            n += 1;
        }
    }
    n
}

/// When first contact is due, in local time: immediately, or at the end (18:00) of the
/// first or fifth working day after the day it was received. `holidays` must cover a few
/// weeks after `received`.
pub fn due_at(received: NaiveDateTime, p: Priority, holidays: &[NaiveDate]) -> NaiveDateTime {
    let close = NaiveTime::from_hms_opt(18, 0, 0).unwrap_or(NaiveTime::MIN);
    match p {
        Priority::Immediate => received,
        Priority::OneWorkingDay => {
            add_working_days(received.date() + Duration::days(1), 0, holidays).and_time(close)
        }
        Priority::FiveWorkingDays => add_working_days(received.date(), 5, holidays).and_time(close),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum State {
    Received,
    ToQualify,
    Contacting,
    CallbackScheduled,
    AppointmentSet,
    Assessment,
    Orientation,
    FollowUp,
    Closed,
}

impl State {
    pub const ALL: [State; 9] = [
        State::Received,
        State::ToQualify,
        State::Contacting,
        State::CallbackScheduled,
        State::AppointmentSet,
        State::Assessment,
        State::Orientation,
        State::FollowUp,
        State::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Received => "received",
            State::ToQualify => "to_qualify",
            State::Contacting => "contacting",
            State::CallbackScheduled => "callback_scheduled",
            State::AppointmentSet => "appointment_set",
            State::Assessment => "assessment",
            State::Orientation => "orientation",
            State::FollowUp => "follow_up",
            State::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// What a referrer sees: never more than this.
    pub fn referrer_status(self, reached: bool) -> ReferrerStatus {
        match self {
            State::Received | State::ToQualify => ReferrerStatus::Received,
            State::Closed if !reached => ReferrerStatus::NoContactPossible,
            State::Closed => ReferrerStatus::Closed,
            State::Contacting | State::CallbackScheduled if !reached => ReferrerStatus::Received,
            _ => ReferrerStatus::ContactMade,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReferrerStatus {
    Received,
    ContactMade,
    NoContactPossible,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CloseReason {
    HandedOver,
    Refused,
    Unreachable,
    OutOfScope,
    Resolved,
    MovedAway,
    Other,
}

/// What a coordinator does to a situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Event {
    /// Taken into the coordinator's hands: now to qualify.
    Acknowledge,
    /// Priority set: start calling.
    Qualify,
    /// The person asked to be called back in a window.
    ScheduleCallback,
    /// The window has come (or was cancelled): back to calling.
    ResumeContact,
    SetAppointment,
    /// The appointment was held, or the person is here (walk-in): listening, assessment.
    Interview,
    /// The appointment was missed: back to calling.
    AppointmentMissed,
    Orient,
    FollowUp,
    Close,
}

impl Event {
    pub const ALL: [Event; 10] = [
        Event::Acknowledge,
        Event::Qualify,
        Event::ScheduleCallback,
        Event::ResumeContact,
        Event::SetAppointment,
        Event::Interview,
        Event::AppointmentMissed,
        Event::Orient,
        Event::FollowUp,
        Event::Close,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::Acknowledge => "acknowledge",
            Event::Qualify => "qualify",
            Event::ScheduleCallback => "schedule_callback",
            Event::ResumeContact => "resume_contact",
            Event::SetAppointment => "set_appointment",
            Event::Interview => "interview",
            Event::AppointmentMissed => "appointment_missed",
            Event::Orient => "orient",
            Event::FollowUp => "follow_up",
            Event::Close => "close",
        }
    }
}

/// A refused transition names the state and what it allows: the API's 409 says both.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("« {} » n'est pas possible depuis l'état « {} »", event.as_str(), current.as_str())]
pub struct TransitionError {
    pub current: State,
    pub event: Event,
    pub allowed: Vec<Event>,
}

/// The transition table. Reopening a closed situation is not a transition: it creates a new
/// situation linked to the old one, so each keeps its own history and statistics.
pub fn next(current: State, event: Event) -> Option<State> {
    use Event as E;
    use State as S;
    Some(match (current, event) {
        (S::Closed, _) => return None,
        (_, E::Close) => S::Closed,
        (S::Received, E::Acknowledge) => S::ToQualify,
        (S::Received | S::ToQualify, E::Qualify) => S::Contacting,
        (S::Contacting, E::ScheduleCallback) => S::CallbackScheduled,
        (S::CallbackScheduled, E::ResumeContact) => S::Contacting,
        (S::CallbackScheduled, E::ScheduleCallback) => S::CallbackScheduled,
        (S::Contacting | S::CallbackScheduled, E::SetAppointment) => S::AppointmentSet,
        (S::AppointmentSet, E::SetAppointment) => S::AppointmentSet,
        (S::AppointmentSet, E::AppointmentMissed) => S::Contacting,
        // A walk-in or a call answered on the spot goes straight to listening.
        (
            S::Received | S::ToQualify | S::Contacting | S::CallbackScheduled | S::AppointmentSet,
            E::Interview,
        ) => S::Assessment,
        (S::Assessment | S::FollowUp, E::Orient) => S::Orientation,
        (S::Orientation, E::Orient) => S::Orientation,
        (S::Assessment | S::Orientation, E::FollowUp) => S::FollowUp,
        (S::Assessment | S::Orientation | S::FollowUp, E::SetAppointment) => S::AppointmentSet,
        _ => return None,
    })
}

pub fn allowed(current: State) -> Vec<Event> {
    Event::ALL
        .into_iter()
        .filter(|e| next(current, *e).is_some())
        .collect()
}

pub fn apply(current: State, event: Event) -> Result<State, TransitionError> {
    next(current, event).ok_or_else(|| TransitionError {
        current,
        event,
        allowed: allowed(current),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AttemptChannel {
    Call,
    Sms,
    Email,
    Letter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AttemptResult {
    Answered,
    NoAnswer,
    NoMessageLeft,
    SomeoneElseAnswered,
    WrongNumber,
    Refused,
}

impl AttemptResult {
    pub fn reached(self) -> bool {
        matches!(self, AttemptResult::Answered | AttemptResult::Refused)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// Local wall-clock time of the attempt.
    pub at: NaiveDateTime,
    pub channel: AttemptChannel,
    pub result: AttemptResult,
}

/// Parts of the day, for "at varied times".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeBand {
    Morning,
    Midday,
    Afternoon,
    Evening,
}

pub fn band(t: NaiveTime) -> TimeBand {
    match t.hour() {
        0..=11 => TimeBand::Morning,
        12..=13 => TimeBand::Midday,
        14..=17 => TimeBand::Afternoon,
        _ => TimeBand::Evening,
    }
}

pub const MAX_ATTEMPTS: usize = 3;
pub const ATTEMPT_PERIOD_WORKING_DAYS: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactAdvice {
    /// The person was reached.
    Reached,
    /// Try again, preferably in one of these parts of the day (not tried yet).
    TryAgain { untried: Vec<TimeBand> },
    /// Three unsuccessful attempts at varied times, or ten working days without reaching
    /// the person: propose closing as unreachable (the coordinator decides).
    ProposeUnreachable,
}

pub fn advice(attempts: &[Attempt], today: NaiveDate, holidays: &[NaiveDate]) -> ContactAdvice {
    if attempts.iter().any(|a| a.result.reached()) {
        return ContactAdvice::Reached;
    }
    let mut bands: Vec<TimeBand> = attempts.iter().map(|a| band(a.at.time())).collect();
    bands.sort();
    bands.dedup();
    let first = attempts.iter().map(|a| a.at.date()).min();
    let period_over = first
        .is_some_and(|f| working_days_between(f, today, holidays) >= ATTEMPT_PERIOD_WORKING_DAYS);
    if (attempts.len() >= MAX_ATTEMPTS && bands.len() >= 2) || period_over {
        return ContactAdvice::ProposeUnreachable;
    }
    let untried = [
        TimeBand::Morning,
        TimeBand::Midday,
        TimeBand::Afternoon,
        TimeBand::Evening,
    ]
    .into_iter()
    .filter(|b| !bands.contains(b) && *b != TimeBand::Evening)
    .collect();
    ContactAdvice::TryAgain { untried }
}

/// The window the person chose to be called back in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallbackWindow {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl CallbackWindow {
    pub fn allows(&self, now: DateTime<Utc>) -> bool {
        self.start <= now && now < self.end
    }
}

/// One line of a coordinator's call-back queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem<K> {
    pub key: K,
    pub state: State,
    pub priority: Priority,
    pub due: DateTime<Utc>,
    pub callback: Option<CallbackWindow>,
}

/// Sort key: callbacks whose window is open or past first (earliest window first), then
/// immediate priorities, then by due date; callbacks not yet due go last.
fn rank<K>(i: &QueueItem<K>, now: DateTime<Utc>) -> (u8, DateTime<Utc>) {
    match (i.state, i.callback) {
        (State::CallbackScheduled, Some(w)) if w.start <= now => (0, w.start),
        (State::CallbackScheduled, Some(w)) => (4, w.start),
        _ if i.priority == Priority::Immediate => (1, i.due),
        _ if i.due <= now => (2, i.due),
        _ => (3, i.due),
    }
}

/// Order the queue: what is due now first. Closed situations drop out.
pub fn order_queue<K>(items: &mut Vec<QueueItem<K>>, now: DateTime<Utc>) {
    items.retain(|i| i.state != State::Closed);
    items.sort_by_key(|i| rank(i, now));
}

#[cfg(test)]
mod tests {
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
        for s in State::ALL {
            for e in Event::ALL {
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
                        assert!(err.to_string().contains(s.as_str()));
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
}
