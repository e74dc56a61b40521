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
//! - **prevention**: collective actions held in the range, by kind, and the people they
//!   reached, by public where counted apart (never hidden: no person is in them);
//! - **monthly activity**: new situations, interviews, attempts, anonymous contacts,
//!   prevention actions and the people they reached;
//! - **by commune and by site** (`places`): new situations, people accompanied and
//!   interviews by the person's commune of residence, and by site (where a situation was
//!   received, where an interview was held, where a person was last seen).
//!
//! A report for outside the service (`Audience::External`) suppresses every count from 1 to
//! 4 (shown as `null`), and every share or median computed over fewer than 5.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::casework::{
    AgeBand, AnonymousAction, ChildReportRecipient, InterviewMode, OrientationStatus, PartnerKind,
    PersonRole, Problem, RoleGroup, Sex,
};
use crate::outreach::{CloseReason, Initiative, OriginChannel};
use crate::prevention::{PreventionKind, Public};

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
    /// The site that received it.
    pub site: Option<Uuid>,
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

/// A prevention action: its day, its kind, the people reached and, by public (in the order
/// of `Public::ALL`), those counted apart.
#[derive(Debug, Clone)]
pub struct PreventionFact {
    pub on: NaiveDate,
    pub kind: PreventionKind,
    pub people_reached: u32,
    pub by_public: [Option<u32>; 3],
}

#[derive(Debug, Clone)]
pub struct InterviewFact {
    pub person: Option<Uuid>,
    pub on: NaiveDate,
    pub mode: InterviewMode,
    /// The site it was held at, if one of the organisation's.
    pub site: Option<Uuid>,
}

/// Everything the report is computed from. Dates are local dates.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub situations: Vec<SituationFact>,
    pub attempts: Vec<(Option<Uuid>, NaiveDate)>,
    pub interviews: Vec<InterviewFact>,
    pub orientations: Vec<OrientationFact>,
    pub child_reports: Vec<(Option<Uuid>, NaiveDate, ChildReportRecipient)>,
    pub anonymous: Vec<AnonymousFact>,
    pub prevention: Vec<PreventionFact>,
    /// Each person's commune of residence (INSEE code), where known.
    pub communes: HashMap<Uuid, String>,
    /// The rows of the report by place.
    pub places: Places,
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

fn compute_all(f: &Facts, from: NaiveDate, to: NaiveDate, audience: Audience) -> Report {
    let s = Sup(audience);
    let inr = |d: NaiveDate| from <= d && d <= to;
    let new: Vec<&SituationFact> = f.situations.iter().filter(|x| inr(x.received_on)).collect();
    let n_new = new.len() as u32;

    let mut people: HashSet<Uuid> = HashSet::new();
    people.extend(f.attempts.iter().filter(|a| inr(a.1)).filter_map(|a| a.0));
    people.extend(
        f.interviews
            .iter()
            .filter(|a| inr(a.on))
            .filter_map(|a| a.person),
    );
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

    let interviews: Vec<_> = f.interviews.iter().filter(|i| inr(i.on)).collect();
    let by_mode = InterviewMode::ALL
        .iter()
        .map(|m| Count {
            key: *m,
            count: s.cell(interviews.iter().filter(|i| i.mode == *m).count() as u32),
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

    let mut months: BTreeMap<(i32, u32), [u32; 6]> = BTreeMap::new();
    let mut d = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from);
    while d <= to {
        months.insert(month_key(d), [0; 6]);
        d = d
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX);
    }
    let mut bump_by = |day: NaiveDate, i: usize, n: u32| {
        if inr(day)
            && let Some(m) = months.get_mut(&month_key(day))
        {
            m[i] += n;
        }
    };
    for x in &f.prevention {
        bump_by(x.on, 4, 1);
        bump_by(x.on, 5, x.people_reached);
    }
    let mut bump = |day: NaiveDate, i: usize| bump_by(day, i, 1);
    for x in &f.situations {
        bump(x.received_on, 0);
    }
    for x in &f.interviews {
        bump(x.on, 1);
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
            prevention_actions: c[4],
            people_reached: c[5],
        })
        .collect();

    let by_place = places::Breakdown {
        facts: f,
        new: &new,
        people: &people,
        interviews: &interviews,
    };
    Report {
        by_commune: by_place.by_commune(),
        by_site: by_place.by_site(),
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
        prevention: prevention(f.prevention.iter().filter(|a| inr(a.on))),
        monthly,
        compared: None,
        convention: None,
    }
}

/// The prevention figures of the actions held in the range.
fn prevention<'a>(held: impl Iterator<Item = &'a PreventionFact>) -> Prevention {
    let held: Vec<&PreventionFact> = held.collect();
    let by_kind = PreventionKind::ALL
        .iter()
        .map(|k| {
            let of: Vec<_> = held.iter().filter(|a| a.kind == *k).collect();
            PreventionRow {
                kind: *k,
                actions: of.len() as u32,
                people_reached: of.iter().map(|a| a.people_reached).sum(),
            }
        })
        .collect();
    let by_public: Vec<PublicCount> = Public::ALL
        .iter()
        .enumerate()
        .map(|(i, p)| PublicCount {
            public: *p,
            people_reached: held.iter().filter_map(|a| a.by_public[i]).sum(),
        })
        .collect();
    let people_reached: u32 = held.iter().map(|a| a.people_reached).sum();
    let apart: u32 = by_public.iter().map(|p| p.people_reached).sum();
    Prevention {
        actions: held.len() as u32,
        people_reached,
        by_kind,
        by_public,
        public_not_given: people_reached.saturating_sub(apart),
    }
}

pub mod compare;
pub mod period;
pub mod places;
pub use places::{PlaceRow, PlaceRowKind, Places};
mod published;
pub use published::*;
mod suppression;
use suppression::protect;

pub mod reader;
#[cfg(test)]
mod tests;
