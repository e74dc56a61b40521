//! Opening windows, exceptions, absences, appointment types' slot rules, and the free-slot
//! search. Rules are in local wall-clock time with the site's IANA zone; instants are UTC.
//! Pure: the caller passes `now` and every busy interval.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A weekly recurring range of local time (an opening window, or a recurring absence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyWindow {
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    pub days: Vec<u8>,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

impl WeeklyWindow {
    pub fn applies_on(&self, date: NaiveDate) -> bool {
        let day = date.weekday().number_from_monday() as u8;
        self.days.contains(&day)
            && self.valid_from.is_none_or(|f| date >= f)
            && self.valid_until.is_none_or(|u| date <= u)
    }

    /// Whether two windows can both apply at the same local time on some date.
    pub fn overlaps(&self, other: &WeeklyWindow) -> bool {
        let days = self.days.iter().any(|d| other.days.contains(d));
        let times = self.start < other.end && other.start < self.end;
        let from = |w: &WeeklyWindow| w.valid_from.unwrap_or(NaiveDate::MIN);
        let until = |w: &WeeklyWindow| w.valid_until.unwrap_or(NaiveDate::MAX);
        let validity = from(self) <= until(other) && from(other) <= until(self);
        days && times && validity
    }
}

/// A change to one date: closed all day, or an extra window (which also opens a holiday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DateException {
    Closed {
        date: NaiveDate,
    },
    Extra {
        date: NaiveDate,
        start: NaiveTime,
        end: NaiveTime,
    },
}

impl DateException {
    pub fn date(&self) -> NaiveDate {
        match self {
            DateException::Closed { date } | DateException::Extra { date, .. } => *date,
        }
    }
}

/// A half-open span of time `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Interval {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Interval {
    pub fn overlaps(&self, o: &Interval) -> bool {
        self.start < o.end && o.start < self.end
    }
}

/// An appointment type's rules for slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotRules {
    pub duration: Duration,
    pub step: Duration,
    pub buffer_before: Duration,
    pub buffer_after: Duration,
    pub min_notice: Duration,
    pub horizon: Duration,
}

impl SlotRules {
    /// The coordinator's time a booking at `start` takes: the appointment and its buffers.
    pub fn busy_span(&self, start: DateTime<Utc>) -> Interval {
        Interval {
            start: start - self.buffer_before,
            end: start + self.duration + self.buffer_after,
        }
    }
}

/// One coordinator's calendar at one site, as the search needs it.
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'a> {
    pub tz: Tz,
    pub windows: &'a [WeeklyWindow],
    pub exceptions: &'a [DateException],
    pub recurring_absences: &'a [WeeklyWindow],
    /// One-off absences, any order.
    pub absences: &'a [Interval],
    /// Existing appointments of this coordinator (at any site) with their buffers, sorted by
    /// start and not overlapping each other (the database guarantees it).
    pub busy: &'a [Interval],
    /// Public holidays in the searched range, sorted.
    pub holidays: &'a [NaiveDate],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    Start,
    End,
}

/// A local wall-clock time that names no instant (spring gap) or two (autumn repeat).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalTimeProblem {
    DoesNotExist,
    Ambiguous,
}

/// For input validation: refuse local times that do not exist or are ambiguous.
pub fn exact_instant(tz: Tz, local: NaiveDateTime) -> Result<DateTime<Utc>, LocalTimeProblem> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(..) => Err(LocalTimeProblem::Ambiguous),
        LocalResult::None => Err(LocalTimeProblem::DoesNotExist),
    }
}

/// The instant of a rule's local time. A time inside the spring gap becomes the end of the
/// gap (a window 02:00–04:00 on 29 March opens at 03:00); a repeated autumn time is taken at
/// its first occurrence for a start and its second for an end, so a window keeps its full
/// wall-clock length.
pub fn rule_instant(tz: Tz, local: NaiveDateTime, edge: Edge) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, second) => match edge {
            Edge::Start => first.with_timezone(&Utc),
            Edge::End => second.with_timezone(&Utc),
        },
        LocalResult::None => {
            // Gaps are at most a few hours; walk to the first minute that exists.
            let mut l = local;
            for _ in 0..(4 * 60) {
                l += Duration::minutes(1);
                if let LocalResult::Single(t) | LocalResult::Ambiguous(t, _) =
                    tz.from_local_datetime(&l)
                {
                    return t.with_timezone(&Utc);
                }
            }
            Utc.from_utc_datetime(&local)
        }
    }
}

fn local_span(tz: Tz, date: NaiveDate, start: NaiveTime, end: NaiveTime) -> Interval {
    Interval {
        start: rule_instant(tz, date.and_time(start), Edge::Start),
        end: rule_instant(tz, date.and_time(end), Edge::End),
    }
}

/// Open spans of `date` in UTC, sorted: the windows that apply (unless the date is closed or
/// a holiday) plus extra windows.
fn open_spans(cal: &Calendar<'_>, date: NaiveDate, out: &mut Vec<Interval>) {
    out.clear();
    let mut closed = cal.holidays.binary_search(&date).is_ok();
    for e in cal.exceptions.iter().filter(|e| e.date() == date) {
        match *e {
            DateException::Closed { .. } => closed = true,
            DateException::Extra { start, end, .. } => {
                out.push(local_span(cal.tz, date, start, end))
            }
        }
    }
    if !closed {
        for w in cal.windows.iter().filter(|w| w.applies_on(date)) {
            out.push(local_span(cal.tz, date, w.start, w.end));
        }
    }
    out.retain(|i| i.start < i.end);
    out.sort();
    // Overlapping spans (two extra openings on one date, or one over a window) are one
    // span: otherwise the same slot came twice and out of order (found by fuzzing).
    let mut merged = 0;
    for i in 1..out.len() {
        if out[i].start < out[merged].end {
            out[merged].end = out[merged].end.max(out[i].end);
        } else {
            merged += 1;
            out[merged] = out[i];
        }
    }
    out.truncate(merged + usize::from(!out.is_empty()));
}

/// Free slots of `rules` in `[from, to]` (local dates, inclusive), in time order, appended
/// to `out`. A slot is free when the appointment lies inside an open span, and the
/// appointment with its buffers overlaps no busy interval and no absence; it starts no
/// sooner than `now + min_notice` and no later than `now + horizon`.
pub fn free_slots(
    cal: &Calendar<'_>,
    rules: &SlotRules,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
    out: &mut Vec<Interval>,
) {
    if rules.duration <= Duration::zero() || rules.step <= Duration::zero() || from > to {
        return;
    }
    let earliest = now + rules.min_notice;
    let latest = now + rules.horizon;
    let mut spans = Vec::with_capacity(4);
    let mut away: Vec<Interval> = Vec::with_capacity(4);
    let mut busy_i = 0usize;
    let mut date = from;
    while date <= to {
        open_spans(cal, date, &mut spans);
        if spans.first().is_some_and(|s| s.start > latest) {
            break;
        }
        if !spans.is_empty() {
            away.clear();
            for w in cal.recurring_absences.iter().filter(|w| w.applies_on(date)) {
                away.push(local_span(cal.tz, date, w.start, w.end));
            }
            let day = Interval {
                start: spans[0].start - Duration::hours(12),
                end: spans[spans.len() - 1].end + Duration::hours(12),
            };
            away.extend(cal.absences.iter().filter(|a| a.overlaps(&day)).copied());
            for span in &spans {
                // First step at or after `earliest`, aligned on the span's start.
                let mut t = span.start;
                if t < earliest {
                    let steps = (earliest - span.start)
                        .num_seconds()
                        .div_euclid(rules.step.num_seconds())
                        + i64::from(
                            (earliest - span.start)
                                .num_seconds()
                                .rem_euclid(rules.step.num_seconds())
                                != 0,
                        );
                    t = span.start + rules.step * steps as i32;
                }
                while t + rules.duration <= span.end && t <= latest {
                    let need = rules.busy_span(t);
                    while busy_i < cal.busy.len() && cal.busy[busy_i].end <= need.start {
                        busy_i += 1;
                    }
                    let clash = cal.busy.get(busy_i).filter(|b| b.start < need.end);
                    if let Some(b) = clash {
                        // Jump to the first aligned step whose buffers clear this appointment.
                        let clear = b.end + rules.buffer_before;
                        let k = (clear - span.start)
                            .num_seconds()
                            .div_euclid(rules.step.num_seconds())
                            + i64::from(
                                (clear - span.start)
                                    .num_seconds()
                                    .rem_euclid(rules.step.num_seconds())
                                    != 0,
                            );
                        t = (span.start + rules.step * k as i32).max(t + rules.step);
                        continue;
                    }
                    if !away.iter().any(|a| a.overlaps(&need)) {
                        out.push(Interval {
                            start: t,
                            end: t + rules.duration,
                        });
                    }
                    t += rules.step;
                }
            }
        }
        match date.succ_opt() {
            Some(d) => date = d,
            None => break,
        }
    }
}

/// A slot of one of several coordinators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoordinatorSlot<K> {
    pub coordinator: K,
    pub slot: Interval,
}

/// Free slots of several coordinators (e.g. everyone at a site), merged in time order.
pub fn free_slots_many<K: Copy + Ord>(
    cals: &[(K, Calendar<'_>)],
    rules: &SlotRules,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<CoordinatorSlot<K>> {
    let mut all = Vec::new();
    let mut buf = Vec::new();
    for (k, cal) in cals {
        buf.clear();
        free_slots(cal, rules, from, to, now, &mut buf);
        all.extend(buf.iter().map(|s| CoordinatorSlot {
            coordinator: *k,
            slot: *s,
        }));
    }
    all.sort_by(|a, b| {
        a.slot
            .start
            .cmp(&b.slot.start)
            .then(a.coordinator.cmp(&b.coordinator))
    });
    all
}

/// Free slots of one coordinator on one day in a run: `count` slots, the first being
/// `first`, each next one `step` later and as long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotRun<K> {
    pub coordinator: K,
    pub first: Interval,
    pub count: u32,
}

/// The compact form of `slots` (as `free_slots_many` gives them): consecutive slots of a
/// coordinator `step` apart on the same day (`day_of`, the site's local date) make one run.
/// Runs come in the order of their first slot, then coordinator; expanding them gives
/// `slots` back exactly.
pub fn runs<K: Copy + Ord>(
    slots: &[CoordinatorSlot<K>],
    step: Duration,
    day_of: impl Fn(DateTime<Utc>) -> NaiveDate,
) -> Vec<SlotRun<K>> {
    let mut open: std::collections::BTreeMap<K, usize> = std::collections::BTreeMap::new();
    let mut out: Vec<SlotRun<K>> = Vec::new();
    for s in slots {
        let extends = open.get(&s.coordinator).is_some_and(|&i| {
            let r = &out[i];
            let next = r.first.start + step * r.count as i32;
            next == s.slot.start
                && s.slot.end - s.slot.start == r.first.end - r.first.start
                && day_of(r.first.start) == day_of(s.slot.start)
        });
        if extends {
            if let Some(&i) = open.get(&s.coordinator) {
                out[i].count += 1;
            }
        } else {
            open.insert(s.coordinator, out.len());
            out.push(SlotRun {
                coordinator: s.coordinator,
                first: s.slot,
                count: 1,
            });
        }
    }
    out
}

/// The first free slot of any of `cals` from `from` up to the horizon, searching a week at a
/// time so a full agenda does not cost the whole horizon at once.
pub fn next_available<K: Copy + Ord>(
    cals: &[(K, Calendar<'_>)],
    rules: &SlotRules,
    from: NaiveDate,
    now: DateTime<Utc>,
) -> Option<CoordinatorSlot<K>> {
    let last = (now + rules.horizon).date_naive() + Duration::days(1);
    let mut start = from;
    while start <= last {
        let end = (start + Duration::days(6)).min(last);
        if let Some(s) = free_slots_many(cals, rules, start, end, now)
            .into_iter()
            .next()
        {
            return Some(s);
        }
        start = end + Duration::days(1);
    }
    None
}

#[cfg(test)]
mod tests;
