//! The yearly activity report, pure: facts loaded from the database in, indicators out.
//! Definitions (they are what funders read, so they are written down here):
//!
//! - **people accompanied**: distinct persons with at least one action in the range: a
//!   contact attempt, an interview, an orientation or a child-in-danger report;
//! - **new situations**: situations received in the range (anonymous contacts apart);
//! - **interviews** by mode, dated in the range;
//! - **origin**: new situations by channel × initiative;
//! - **problems**: new situations raising each problem (multi-select: the sum exceeds the
//!   number of situations);
//! - **roles**: new situations by role group × sex × age band at reception; **minors**: new
//!   situations whose person was under 18 at reception (by birth year);
//! - **reachability**, over new situations not from a walk-in: share reached (a first
//!   contact recorded, whenever it happened), median hours from reception to first contact,
//!   attempts per contact (attempts up to and including the one that reached the person,
//!   averaged over reached situations);
//! - **orientations** proposed in the range by partner kind × current status;
//! - **closures** in the range by reason; **child-in-danger reports** by recipient;
//!   **anonymous contacts** by channel;
//! - **monthly activity**: new situations, interviews, attempts and anonymous contacts.
//!
//! A report for outside the service (`Audience::External`) suppresses every count from 1 to
//! 4 (shown as `null`), and every share or median computed over fewer than 5.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::casework::{
    AgeBand, AnonymousAction, ChildReportRecipient, InterviewMode, OrientationStatus, PartnerKind,
    PersonRole, Problem, RoleGroup, Sex,
};
use crate::outreach::{CloseReason, Initiative, OriginChannel};

pub const SUPPRESS_BELOW: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Audience {
    /// Inside the service: every count.
    Internal,
    /// Leaves the service (funders): small cells suppressed.
    External,
}

#[derive(Debug, Clone)]
pub struct SituationFact {
    pub person: Option<Uuid>,
    pub received_at: DateTime<Utc>,
    /// The local date of reception.
    pub received_on: NaiveDate,
    pub channel: OriginChannel,
    pub initiative: Initiative,
    pub role: PersonRole,
    pub problems: Vec<Problem>,
    pub sex: Sex,
    pub birth_year: Option<i32>,
    pub first_contact_at: Option<DateTime<Utc>>,
    /// Attempts up to and including the first that reached the person (all, if none did).
    pub attempts_to_first_contact: u32,
    pub closed: Option<(NaiveDate, CloseReason)>,
}

#[derive(Debug, Clone)]
pub struct OrientationFact {
    pub person: Option<Uuid>,
    pub on: NaiveDate,
    pub partner_kind: PartnerKind,
    pub status: OrientationStatus,
}

#[derive(Debug, Clone)]
pub struct AnonymousFact {
    pub on: NaiveDate,
    pub channel: OriginChannel,
    pub sex: Sex,
    pub age_band: AgeBand,
    pub problems: Vec<Problem>,
    pub action: AnonymousAction,
}

/// Everything the report is computed from. Dates are local dates.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub situations: Vec<SituationFact>,
    pub attempts: Vec<(Option<Uuid>, NaiveDate)>,
    pub interviews: Vec<(Option<Uuid>, NaiveDate, InterviewMode)>,
    pub orientations: Vec<OrientationFact>,
    pub child_reports: Vec<(Option<Uuid>, NaiveDate, ChildReportRecipient)>,
    pub anonymous: Vec<AnonymousFact>,
}

/// A count as a report publishes it: the count, or why it is hidden (JSON: a number, or
/// `"small"`, or `"withheld"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Cell {
    Shown(u32),
    Hidden(Hidden),
}

/// Why a count of an external report is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Hidden {
    /// From 1 to 4: too few to publish ("< 5").
    Small,
    /// Any size, hidden so that a small count beside it cannot be worked out from the totals
    /// (complementary suppression). Never read as small: it may be large.
    Withheld,
}

impl Cell {
    /// The count, when it is shown.
    pub fn shown(self) -> Option<u32> {
        match self {
            Cell::Shown(n) => Some(n),
            Cell::Hidden(_) => None,
        }
    }

    pub fn is_hidden(self) -> bool {
        matches!(self, Cell::Hidden(_))
    }

    /// The cell as a reader reads it: the count, "< 5", or "masqué" / "withheld".
    pub fn text(self, lang: crate::words::Lang) -> String {
        match self {
            Cell::Shown(n) => n.to_string(),
            Cell::Hidden(h) => h.label(lang).to_owned(),
        }
    }

    /// The cell's kind, as the CSV writes it.
    pub fn kind(self) -> &'static str {
        match self {
            Cell::Shown(_) => "shown",
            Cell::Hidden(h) => h.as_str(),
        }
    }
}

impl Hidden {
    pub fn as_str(self) -> &'static str {
        match self {
            Hidden::Small => "small",
            Hidden::Withheld => "withheld",
        }
    }

    /// (French, English) as a table reads it.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Hidden::Small => ("< 5", "< 5"),
            Hidden::Withheld => ("masqué", "withheld"),
        }
    }

    pub fn label(self, lang: crate::words::Lang) -> &'static str {
        let (fr, en) = self.labels();
        lang.pick(fr, en)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count<K> {
    pub key: K,
    pub count: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Share<K> {
    pub key: K,
    pub count: Cell,
    /// Percent of the total, one decimal.
    pub percent: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OriginCell {
    pub channel: OriginChannel,
    pub initiative: Initiative,
    pub count: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleCell {
    pub role: RoleGroup,
    pub sex: Sex,
    pub age_band: AgeBand,
    pub count: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrientationCell {
    pub partner_kind: PartnerKind,
    pub status: OrientationStatus,
    pub count: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reachability {
    pub to_reach: Cell,
    pub reached: Cell,
    pub percent_reached: Option<f64>,
    pub median_hours_to_first_contact: Option<f64>,
    pub attempts_per_contact: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Month {
    /// "2026-03".
    pub month: String,
    pub new_situations: Cell,
    pub interviews: Cell,
    pub attempts: Cell,
    pub anonymous_contacts: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub audience: Audience,
    /// Counts below this are suppressed (`null`); absent for an internal report.
    pub suppressed_below: Option<u32>,
    pub people_accompanied: Cell,
    pub new_situations: Cell,
    pub interviews_total: Cell,
    pub interviews: Vec<Count<InterviewMode>>,
    pub origins: Vec<OriginCell>,
    pub origin_by_channel: Vec<Share<OriginChannel>>,
    pub origin_by_initiative: Vec<Share<Initiative>>,
    pub problems: Vec<Count<Problem>>,
    pub roles: Vec<RoleCell>,
    pub minors: Cell,
    pub reachability: Reachability,
    pub orientations: Vec<OrientationCell>,
    pub closures: Vec<Count<CloseReason>>,
    pub child_reports: Vec<Count<ChildReportRecipient>>,
    pub anonymous_contacts: Cell,
    pub anonymous_by_channel: Vec<Count<OriginChannel>>,
    pub monthly: Vec<Month>,
}

struct Sup(Audience);

impl Sup {
    /// Every count, first; `protect` hides cells afterwards for an external report.
    fn cell(&self, n: u32) -> Cell {
        Cell::Shown(n)
    }
    /// A figure computed over `base` items: hidden when the base is small outside.
    fn over(&self, base: u32, v: Option<f64>) -> Option<f64> {
        match self.0 {
            Audience::External if base < SUPPRESS_BELOW => None,
            _ => v,
        }
    }
}

fn round(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

fn percent(n: u32, total: u32) -> Option<f64> {
    (total > 0).then(|| round(100.0 * f64::from(n) / f64::from(total), 1))
}

pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

fn month_key(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month())
}

pub fn compute(f: &Facts, from: NaiveDate, to: NaiveDate, audience: Audience) -> Report {
    let mut r = compute_all(f, from, to, audience);
    if audience == Audience::External {
        protect(&mut r);
    }
    r
}

/// What a reader knows of a count: at least `.0`, at most `.1` (`None`: any size).
type Known = (u64, Option<u64>);

/// What a reader of the published report can tell of every cell: an interval per cell
/// (shown: its count; small: 1 to 4; withheld: any size), tightened by every published
/// total (`members` add up to `total`) until nothing changes. Sums of integer intervals are
/// intervals, so each step is exact for its group; repeated, it follows chains of groups
/// (a hidden total worked out in one group and used in the next).
fn what_a_reader_knows(
    raw: &[u32],
    hidden: &[bool],
    small: &[bool],
    groups: &[(Vec<usize>, usize)],
) -> Vec<Known> {
    let mut b: Vec<Known> = raw
        .iter()
        .zip(hidden.iter().zip(small))
        .map(|(v, (h, s))| match (h, s) {
            (false, _) => (u64::from(*v), Some(u64::from(*v))),
            (true, true) => (1, Some(u64::from(SUPPRESS_BELOW - 1))),
            // Withheld: any size, nothing (a zero may be withheld too).
            (true, false) => (0, None),
        })
        .collect();
    for _ in 0..1000 {
        let mut changed = false;
        for (members, total) in groups {
            let lo_sum: u64 = members.iter().map(|m| b[*m].0).sum();
            let unbounded = members.iter().filter(|m| b[**m].1.is_none()).count();
            let hi_sum: u64 = members.iter().filter_map(|m| b[*m].1).sum();
            // The total lies within what its members can add up to…
            let (tlo, thi) = b[*total];
            let t = (
                tlo.max(lo_sum),
                match (thi, unbounded) {
                    (Some(h), 0) => Some(h.min(hi_sum)),
                    (None, 0) => Some(hi_sum),
                    (h, _) => h,
                },
            );
            if t != b[*total] {
                b[*total] = t;
                changed = true;
            }
            // …and each member within the total less what the others can be.
            let (tlo, thi) = t;
            for m in members {
                let (lo, hi) = b[*m];
                let others_lo = lo_sum - lo;
                let others_hi = match hi {
                    Some(h) if unbounded == 0 => Some(hi_sum - h),
                    None if unbounded == 1 => Some(hi_sum),
                    _ => None,
                };
                let new_lo = match others_hi {
                    Some(o) => lo.max(tlo.saturating_sub(o)),
                    None => lo,
                };
                let new_hi = match (hi, thi) {
                    (Some(h), Some(t)) => Some(h.min(t.saturating_sub(others_lo))),
                    (None, Some(t)) => Some(t.saturating_sub(others_lo)),
                    (h, None) => h,
                };
                if (new_lo, new_hi) != (lo, hi) {
                    b[*m] = (new_lo, new_hi);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    b
}

/// Whether the reader has worked out hidden cell `i`: a small one narrowed below its four
/// possible values (1 to 4), or any one fixed to a single value.
fn is_disclosed(
    i: usize,
    hidden: &[bool],
    small: &[bool],
    known: &[Known],
    stuck: &[bool],
) -> bool {
    let (lo, hi) = known[i];
    hidden[i]
        && !stuck[i]
        && (Some(lo) == hi
            || (small[i] && (lo > 1 || hi.is_some_and(|h| h < u64::from(SUPPRESS_BELOW - 1)))))
}

/// Primary suppression (every count from 1 to 4), then complementary suppression: while a
/// reader who knows every published total (a row, a column, a breakdown of a shown figure,
/// chained) and which cells are small can work out a hidden cell (`what_a_reader_knows`),
/// hide one more. A cell hidden to protect another is published as withheld, never as
/// small.
fn protect(r: &mut Report) {
    let mut cells: Vec<&mut Cell> = Vec::new();
    let at = |cells: &mut Vec<&mut Cell>| cells.len();
    // Layout: the position of every cell of the groups below.
    let interviews_total = at(&mut cells);
    cells.push(&mut r.interviews_total);
    let interviews: Vec<usize> = (0..r.interviews.len())
        .map(|i| interviews_total + 1 + i)
        .collect();
    cells.extend(r.interviews.iter_mut().map(|c| &mut c.count));
    let new_situations = at(&mut cells);
    cells.push(&mut r.new_situations);
    let by_channel: Vec<usize> = (0..r.origin_by_channel.len())
        .map(|i| new_situations + 1 + i)
        .collect();
    cells.extend(r.origin_by_channel.iter_mut().map(|c| &mut c.count));
    let start = at(&mut cells);
    let by_initiative: Vec<usize> = (0..r.origin_by_initiative.len())
        .map(|i| start + i)
        .collect();
    cells.extend(r.origin_by_initiative.iter_mut().map(|c| &mut c.count));
    let start = at(&mut cells);
    let origin_keys: Vec<(OriginChannel, Initiative)> = r
        .origins
        .iter()
        .map(|o| (o.channel, o.initiative))
        .collect();
    cells.extend(r.origins.iter_mut().map(|c| &mut c.count));
    let origin_at = |c: OriginChannel, i: Initiative| {
        origin_keys
            .iter()
            .position(|k| *k == (c, i))
            .map(|p| start + p)
    };
    let start = at(&mut cells);
    let role_bands: Vec<AgeBand> = r.roles.iter().map(|c| c.age_band).collect();
    let roles: Vec<usize> = (0..r.roles.len()).map(|i| start + i).collect();
    cells.extend(r.roles.iter_mut().map(|c| &mut c.count));
    let minors = at(&mut cells);
    cells.push(&mut r.minors);
    let anonymous_total = at(&mut cells);
    cells.push(&mut r.anonymous_contacts);
    let anonymous: Vec<usize> = (0..r.anonymous_by_channel.len())
        .map(|i| anonymous_total + 1 + i)
        .collect();
    cells.extend(r.anonymous_by_channel.iter_mut().map(|c| &mut c.count));
    let start = at(&mut cells);
    let months = r.monthly.len();
    for m in r.monthly.iter_mut() {
        cells.push(&mut m.new_situations);
        cells.push(&mut m.interviews);
        cells.push(&mut m.attempts);
        cells.push(&mut m.anonymous_contacts);
    }
    let month_col =
        |col: usize| -> Vec<usize> { (0..months).map(|m| start + 4 * m + col).collect() };
    // Every other count (problems, closures, orientations…) is primary-suppressed only:
    // no total of theirs is published.
    cells.push(&mut r.people_accompanied);
    cells.push(&mut r.reachability.to_reach);
    cells.push(&mut r.reachability.reached);
    cells.extend(r.problems.iter_mut().map(|c| &mut c.count));
    cells.extend(r.orientations.iter_mut().map(|c| &mut c.count));
    cells.extend(r.closures.iter_mut().map(|c| &mut c.count));
    cells.extend(r.child_reports.iter_mut().map(|c| &mut c.count));

    // (members, the published total they add up to)
    let mut groups: Vec<(Vec<usize>, usize)> = vec![
        (interviews, interviews_total),
        (by_channel.clone(), new_situations),
        (by_initiative.clone(), new_situations),
        (roles.clone(), new_situations),
        (
            roles
                .iter()
                .zip(&role_bands)
                .filter(|(_, b)| **b == AgeBand::Under18)
                .map(|(i, _)| *i)
                .collect(),
            minors,
        ),
        (anonymous, anonymous_total),
        (month_col(0), new_situations),
        (month_col(1), interviews_total),
        (month_col(3), anonymous_total),
    ];
    for (ci, c) in OriginChannel::ALL.iter().enumerate() {
        let row = Initiative::ALL
            .iter()
            .filter_map(|i| origin_at(*c, *i))
            .collect();
        groups.push((row, by_channel[ci]));
    }
    for (ii, i) in Initiative::ALL.iter().enumerate() {
        let col = OriginChannel::ALL
            .iter()
            .filter_map(|c| origin_at(*c, *i))
            .collect();
        groups.push((col, by_initiative[ii]));
    }

    let raw: Vec<u32> = cells.iter().map(|c| c.shown().unwrap_or(0)).collect();
    let small: Vec<bool> = raw
        .iter()
        .map(|v| (1..SUPPRESS_BELOW).contains(v))
        .collect();
    let mut hidden = small.clone();
    // Hide more until a reader of the published totals can work out no hidden cell: in a
    // group of the disclosed cell, its smallest shown count (or, when none is left, the
    // group's total); every step hides one more cell, so it ends.
    // `small`: hidden and published as small. A cell hidden to protect another is published
    // as withheld (any size); so is a small one whose label alone would tell too much (two
    // small counts under a small total say the total is not 1).
    let mut small = small;
    let mut stuck = vec![false; raw.len()];
    let disclosed = |hidden: &[bool], small: &[bool], stuck: &[bool]| {
        let known = what_a_reader_knows(&raw, hidden, small, &groups);
        let all: Vec<usize> = (0..raw.len())
            .filter(|c| is_disclosed(*c, hidden, small, &known, stuck))
            .collect();
        all
    };
    // What may change around a disclosed cell: a small one published as withheld instead
    // (it hides nothing more: cost 0), or one more count hidden, a member or a total of its
    // groups (cost: the count, plus one, so a zero is not free).
    let around = |i: usize| {
        let mut a: Vec<usize> = groups
            .iter()
            .filter(|(members, total)| *total == i || members.contains(&i))
            .flat_map(|(members, total)| members.iter().copied().chain([*total]))
            .collect();
        a.sort_unstable();
        a.dedup();
        a
    };
    let change = |c: usize, hidden: &[bool], small: &[bool]| {
        let (mut h, mut sm) = (hidden.to_vec(), small.to_vec());
        let cost = if hidden[c] && small[c] {
            sm[c] = false;
            0
        } else if !hidden[c] {
            h[c] = true;
            1 + u64::from(raw[c])
        } else {
            return None;
        };
        Some((h, sm, cost))
    };
    loop {
        let now = disclosed(&hidden, &small, &stuck);
        let Some(&i) = now.first() else {
            break;
        };
        // Of the changes that leave fewer cells worked out, the one that hides least. When
        // no single change does (hiding a channel's total gives it back from its row), the
        // cheapest pair: a change, then one around the first cell it gives away.
        let mut best: Option<(u64, Vec<bool>, Vec<bool>)> = None;
        fn keep(
            best: &mut Option<(u64, Vec<bool>, Vec<bool>)>,
            cost: u64,
            h: Vec<bool>,
            sm: Vec<bool>,
        ) {
            if best.as_ref().is_none_or(|b| cost < b.0) {
                *best = Some((cost, h, sm));
            }
        }
        let mut firsts = Vec::new();
        for c in around(i) {
            let Some((h, sm, cost)) = change(c, &hidden, &small) else {
                continue;
            };
            let left = disclosed(&h, &sm, &stuck);
            if left.len() < now.len() {
                keep(&mut best, cost, h, sm);
            } else {
                firsts.push((h, sm, cost, left));
            }
        }
        if best.is_none() {
            for (h, sm, cost, left) in firsts {
                let next = left
                    .iter()
                    .copied()
                    .find(|d| !now.contains(d))
                    .or(left.first().copied());
                let Some(d) = next else { continue };
                for c in around(d) {
                    let Some((h2, sm2, cost2)) = change(c, &h, &sm) else {
                        continue;
                    };
                    if disclosed(&h2, &sm2, &stuck).len() < now.len() {
                        keep(&mut best, cost + cost2, h2, sm2);
                    }
                }
            }
        }
        match best {
            Some((_, h, sm)) => {
                hidden = h;
                small = sm;
            }
            // Nothing around it helps, even in two steps: hide its groups' totals (the
            // loop goes on from there), or, with nothing left, leave it.
            None => {
                let total = around(i).into_iter().find(|c| !hidden[*c]);
                match total {
                    Some(c) => hidden[c] = true,
                    None => stuck[i] = true,
                }
            }
        }
    }
    for ((c, h), s) in cells.into_iter().zip(hidden).zip(small) {
        if h {
            *c = Cell::Hidden(if s { Hidden::Small } else { Hidden::Withheld });
        }
    }
    // A share gives its count back from its base: hidden with it.
    if r.reachability.reached.is_hidden() || r.reachability.to_reach.is_hidden() {
        r.reachability.percent_reached = None;
    }
    for sh in &mut r.origin_by_channel {
        if sh.count.is_hidden() {
            sh.percent = None;
        }
    }
    for sh in &mut r.origin_by_initiative {
        if sh.count.is_hidden() {
            sh.percent = None;
        }
    }
}

fn compute_all(f: &Facts, from: NaiveDate, to: NaiveDate, audience: Audience) -> Report {
    let s = Sup(audience);
    let inr = |d: NaiveDate| from <= d && d <= to;
    let new: Vec<&SituationFact> = f.situations.iter().filter(|x| inr(x.received_on)).collect();
    let n_new = new.len() as u32;

    let mut people: HashSet<Uuid> = HashSet::new();
    people.extend(f.attempts.iter().filter(|a| inr(a.1)).filter_map(|a| a.0));
    people.extend(f.interviews.iter().filter(|a| inr(a.1)).filter_map(|a| a.0));
    people.extend(
        f.orientations
            .iter()
            .filter(|a| inr(a.on))
            .filter_map(|a| a.person),
    );
    people.extend(
        f.child_reports
            .iter()
            .filter(|a| inr(a.1))
            .filter_map(|a| a.0),
    );

    let interviews: Vec<_> = f.interviews.iter().filter(|i| inr(i.1)).collect();
    let by_mode = InterviewMode::ALL
        .iter()
        .map(|m| Count {
            key: *m,
            count: s.cell(interviews.iter().filter(|i| i.2 == *m).count() as u32),
        })
        .collect();

    let mut origins = Vec::new();
    for c in OriginChannel::ALL {
        for i in Initiative::ALL {
            let n = new
                .iter()
                .filter(|x| x.channel == *c && x.initiative == *i)
                .count() as u32;
            origins.push(OriginCell {
                channel: *c,
                initiative: *i,
                count: s.cell(n),
            });
        }
    }
    let share = |n: u32| Share {
        key: (),
        count: s.cell(n),
        percent: percent(n, n_new),
    };
    let origin_by_channel = OriginChannel::ALL
        .iter()
        .map(|c| {
            let sh = share(new.iter().filter(|x| x.channel == *c).count() as u32);
            Share {
                key: *c,
                count: sh.count,
                percent: sh.percent,
            }
        })
        .collect();
    let origin_by_initiative = Initiative::ALL
        .iter()
        .map(|i| {
            let sh = share(new.iter().filter(|x| x.initiative == *i).count() as u32);
            Share {
                key: *i,
                count: sh.count,
                percent: sh.percent,
            }
        })
        .collect();

    let problems = Problem::ALL
        .iter()
        .map(|p| Count {
            key: *p,
            count: s.cell(new.iter().filter(|x| x.problems.contains(p)).count() as u32),
        })
        .collect();

    let mut roles = Vec::new();
    for r in RoleGroup::ALL {
        for sx in Sex::ALL {
            for b in AgeBand::ALL {
                let n = new
                    .iter()
                    .filter(|x| {
                        x.role.group() == *r
                            && x.sex == *sx
                            && AgeBand::of(x.birth_year, x.received_on) == *b
                    })
                    .count() as u32;
                roles.push(RoleCell {
                    role: *r,
                    sex: *sx,
                    age_band: *b,
                    count: s.cell(n),
                });
            }
        }
    }
    let minors = new
        .iter()
        .filter(|x| AgeBand::of(x.birth_year, x.received_on) == AgeBand::Under18)
        .count() as u32;

    let outreach: Vec<&&SituationFact> = new
        .iter()
        .filter(|x| x.channel != OriginChannel::WalkIn)
        .collect();
    let to_reach = outreach.len() as u32;
    let reached: Vec<&&&SituationFact> = outreach
        .iter()
        .filter(|x| x.first_contact_at.is_some())
        .collect();
    let n_reached = reached.len() as u32;
    let mut hours: Vec<f64> = reached
        .iter()
        .filter_map(|x| {
            x.first_contact_at
                .map(|t| (t - x.received_at).num_seconds())
        })
        .map(|secs| secs.max(0) as f64 / 3600.0)
        .collect();
    let attempts_sum: u32 = reached.iter().map(|x| x.attempts_to_first_contact).sum();
    let reachability = Reachability {
        to_reach: s.cell(to_reach),
        reached: s.cell(n_reached),
        percent_reached: s.over(n_reached.min(to_reach), percent(n_reached, to_reach)),
        median_hours_to_first_contact: s.over(n_reached, median(&mut hours).map(|m| round(m, 1))),
        attempts_per_contact: s.over(
            n_reached,
            (n_reached > 0).then(|| round(f64::from(attempts_sum) / f64::from(n_reached), 2)),
        ),
    };

    let orientations_in: Vec<_> = f.orientations.iter().filter(|o| inr(o.on)).collect();
    let mut orientations = Vec::new();
    for k in PartnerKind::ALL {
        for st in OrientationStatus::ALL {
            let n = orientations_in
                .iter()
                .filter(|o| o.partner_kind == *k && o.status == *st)
                .count() as u32;
            orientations.push(OrientationCell {
                partner_kind: *k,
                status: *st,
                count: s.cell(n),
            });
        }
    }

    let closures = CloseReason::ALL
        .iter()
        .map(|r| Count {
            key: *r,
            count: s.cell(
                f.situations
                    .iter()
                    .filter(|x| x.closed.is_some_and(|(d, why)| inr(d) && why == *r))
                    .count() as u32,
            ),
        })
        .collect();
    let child_reports = ChildReportRecipient::ALL
        .iter()
        .map(|r| Count {
            key: *r,
            count: s.cell(
                f.child_reports
                    .iter()
                    .filter(|c| inr(c.1) && c.2 == *r)
                    .count() as u32,
            ),
        })
        .collect();
    let anonymous: Vec<_> = f.anonymous.iter().filter(|a| inr(a.on)).collect();
    let anonymous_by_channel = OriginChannel::ALL
        .iter()
        .map(|c| Count {
            key: *c,
            count: s.cell(anonymous.iter().filter(|a| a.channel == *c).count() as u32),
        })
        .collect();

    let mut months: BTreeMap<(i32, u32), [u32; 4]> = BTreeMap::new();
    let mut d = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from);
    while d <= to {
        months.insert(month_key(d), [0; 4]);
        d = d
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX);
    }
    let mut bump = |day: NaiveDate, i: usize| {
        if inr(day)
            && let Some(m) = months.get_mut(&month_key(day))
        {
            m[i] += 1;
        }
    };
    for x in &f.situations {
        bump(x.received_on, 0);
    }
    for x in &f.interviews {
        bump(x.1, 1);
    }
    for x in &f.attempts {
        bump(x.1, 2);
    }
    for x in &f.anonymous {
        bump(x.on, 3);
    }
    let monthly = months
        .into_iter()
        .map(|((y, m), c)| Month {
            month: format!("{y:04}-{m:02}"),
            new_situations: s.cell(c[0]),
            interviews: s.cell(c[1]),
            attempts: s.cell(c[2]),
            anonymous_contacts: s.cell(c[3]),
        })
        .collect();

    Report {
        from,
        to,
        audience,
        suppressed_below: (audience == Audience::External).then_some(SUPPRESS_BELOW),
        people_accompanied: s.cell(people.len() as u32),
        new_situations: s.cell(n_new),
        interviews_total: s.cell(interviews.len() as u32),
        interviews: by_mode,
        origins,
        origin_by_channel,
        origin_by_initiative,
        problems,
        roles,
        minors: s.cell(minors),
        reachability,
        orientations,
        closures,
        child_reports,
        anonymous_contacts: s.cell(anonymous.len() as u32),
        anonymous_by_channel,
        monthly,
    }
}

pub mod period;

#[cfg(test)]
mod tests;
