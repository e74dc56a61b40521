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

/// A count, or `None` where suppressed.
pub type Cell = Option<u32>;

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
        Some(n)
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

/// Whether the hidden cells of one group whose total is published give nothing away: none
/// hidden, or at least two whose sum (the total minus the shown cells) fixes neither, even
/// to a reader who assumes every hidden cell is a small one (1 to 4).
fn group_is_safe(raw: &[u32], hidden: &[bool]) -> bool {
    let k = hidden.iter().filter(|h| **h).count() as u32;
    if k == 0 {
        return true;
    }
    let mut sum = 0;
    let mut all_small = true;
    for (v, h) in raw.iter().zip(hidden) {
        if *h {
            sum += *v;
            all_small &= (1..SUPPRESS_BELOW).contains(v);
        }
    }
    k >= 2 && sum > k && !(all_small && sum == (SUPPRESS_BELOW - 1) * k)
}

/// Primary suppression (every count from 1 to 4), then complementary suppression: in every
/// group whose total is published (a row, a column, a breakdown of a shown figure), hide
/// the smallest shown cells until `group_is_safe`, repeated until no group changes, so no
/// hidden count can be recomputed from the totals of its row or column.
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

    let raw: Vec<u32> = cells.iter().map(|c| c.unwrap_or(0)).collect();
    let mut hidden: Vec<bool> = raw
        .iter()
        .map(|v| (1..SUPPRESS_BELOW).contains(v))
        .collect();
    loop {
        let mut changed = false;
        for (members, total) in &groups {
            if hidden[*total] {
                continue;
            }
            loop {
                let vals: Vec<u32> = members.iter().map(|i| raw[*i]).collect();
                let hid: Vec<bool> = members.iter().map(|i| hidden[*i]).collect();
                if group_is_safe(&vals, &hid) {
                    break;
                }
                let next = members
                    .iter()
                    .copied()
                    .filter(|i| !hidden[*i] && raw[*i] > 0)
                    .min_by_key(|i| raw[*i]);
                match next {
                    Some(i) => {
                        hidden[i] = true;
                        changed = true;
                    }
                    // Nothing left to hide in the group: hide its total instead.
                    None => {
                        hidden[*total] = true;
                        changed = true;
                        break;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    for (c, h) in cells.into_iter().zip(hidden) {
        if h {
            *c = None;
        }
    }
    for sh in &mut r.origin_by_channel {
        if sh.count.is_none() {
            sh.percent = None;
        }
    }
    for sh in &mut r.origin_by_initiative {
        if sh.count.is_none() {
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
        percent: s.cell(n).and_then(|_| percent(n, n_new)),
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
