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

words!(State {
    Received = "received" => ("Reçue", "Received"),
    ToQualify = "to_qualify" => ("À qualifier", "To qualify"),
    Contacting = "contacting" => ("Prise de contact", "Contacting"),
    CallbackScheduled = "callback_scheduled" => ("Rappel convenu", "Call-back agreed"),
    AppointmentSet = "appointment_set" => ("Rendez-vous fixé", "Appointment set"),
    Assessment = "assessment" => ("Évaluation", "Assessment"),
    Orientation = "orientation" => ("Orientation", "Orientation"),
    FollowUp = "follow_up" => ("Suivi", "Follow-up"),
    Closed = "closed" => ("Clôturée", "Closed"),
});

impl State {
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

words!(Event {
    Acknowledge = "acknowledge" => ("Prendre en charge", "Acknowledge"),
    Qualify = "qualify" => ("Qualifier", "Qualify"),
    ScheduleCallback = "schedule_callback" => ("Convenir d'un rappel", "Agree a call-back"),
    ResumeContact = "resume_contact" => ("Reprendre le contact", "Resume contact"),
    SetAppointment = "set_appointment" => ("Fixer un rendez-vous", "Set an appointment"),
    Interview = "interview" => ("Entretien", "Interview"),
    AppointmentMissed = "appointment_missed" => ("Rendez-vous manqué", "Appointment missed"),
    Orient = "orient" => ("Orienter", "Orient"),
    FollowUp = "follow_up" => ("Suivre", "Follow up"),
    Close = "close" => ("Clôturer", "Close"),
});

/// A refused transition names the state and what it allows: the API's 409 says both.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("« {} » n'est pas possible depuis l'état « {} »", event.label(crate::words::Lang::Fr), current.label(crate::words::Lang::Fr))]
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
        .iter()
        .copied()
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
mod tests;
