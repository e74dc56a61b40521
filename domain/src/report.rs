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
    PersonRole, Problem, RoleGroup,
};
use crate::dto::Sex;
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
    fn cell(&self, n: u32) -> Cell {
        match self.0 {
            Audience::External if (1..SUPPRESS_BELOW).contains(&n) => None,
            _ => Some(n),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    fn sit(person: u128, m: u32, day: u32, channel: OriginChannel) -> SituationFact {
        SituationFact {
            person: Some(Uuid::from_u128(person)),
            received_at: Utc.with_ymd_and_hms(2025, m, day, 9, 0, 0).unwrap(),
            received_on: d(m, day),
            channel,
            initiative: Initiative::ThirdParty,
            role: PersonRole::Victim,
            problems: vec![Problem::DomesticViolence],
            sex: Sex::Female,
            birth_year: Some(1990),
            first_contact_at: None,
            attempts_to_first_contact: 0,
            closed: None,
        }
    }

    #[test]
    fn a_small_year_counted_by_hand() {
        use OriginChannel as C;
        let mut f = Facts::default();
        // Six situations in 2025, one in 2024 (outside), one walk-in.
        let mut a = sit(1, 1, 10, C::Gendarmerie);
        a.first_contact_at = Some(Utc.with_ymd_and_hms(2025, 1, 10, 15, 0, 0).unwrap()); // 6 h
        a.attempts_to_first_contact = 2;
        a.closed = Some((d(3, 1), CloseReason::HandedOver));
        let mut b = sit(2, 1, 20, C::Gendarmerie);
        b.initiative = Initiative::OwnInitiative;
        b.first_contact_at = Some(Utc.with_ymd_and_hms(2025, 1, 21, 9, 0, 0).unwrap()); // 24 h
        b.attempts_to_first_contact = 1;
        b.problems = vec![Problem::DomesticViolence, Problem::Housing];
        let mut c = sit(3, 2, 5, C::Partner);
        c.role = PersonRole::AllegedPerpetrator;
        c.sex = Sex::Male;
        c.birth_year = Some(1970);
        c.attempts_to_first_contact = 3;
        c.closed = Some((d(4, 1), CloseReason::Unreachable));
        let mut e = sit(4, 3, 1, C::PoliceNationale);
        e.birth_year = Some(2010);
        e.role = PersonRole::Witness;
        e.first_contact_at = Some(Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).unwrap()); // 48 h
        e.attempts_to_first_contact = 3;
        let mut w = sit(5, 3, 2, C::WalkIn);
        w.initiative = Initiative::OwnInitiative;
        w.first_contact_at = Some(w.received_at);
        let old = sit(6, 12, 1, C::Gendarmerie);
        let mut old = old;
        old.received_on = NaiveDate::from_ymd_opt(2024, 12, 1).unwrap();
        old.closed = Some((d(1, 15), CloseReason::Resolved));
        f.situations = vec![a, b, c, e, w, old];
        let p = |n| Some(Uuid::from_u128(n));
        f.attempts = vec![
            (p(1), d(1, 10)),
            (p(1), d(1, 10)),
            (p(2), d(1, 21)),
            (p(3), d(2, 5)),
            (p(3), d(2, 6)),
            (p(3), d(2, 7)),
            (p(6), NaiveDate::from_ymd_opt(2024, 12, 2).unwrap()),
        ];
        f.interviews = vec![
            (p(1), d(1, 15), InterviewMode::InPerson),
            (p(5), d(3, 2), InterviewMode::InPerson),
            (p(4), d(3, 3), InterviewMode::Phone),
        ];
        f.orientations = vec![OrientationFact {
            person: p(1),
            on: d(1, 20),
            partner_kind: PartnerKind::Cidff,
            status: OrientationStatus::HandedOver,
        }];
        f.child_reports = vec![(p(4), d(3, 3), ChildReportRecipient::Crip)];
        f.anonymous = vec![AnonymousFact {
            on: d(2, 1),
            channel: C::Phone,
            sex: Sex::Unknown,
            age_band: AgeBand::Unknown,
            problems: vec![Problem::Other],
            action: AnonymousAction::Listening,
        }];
        let r = compute(&f, d(1, 1), d(12, 31), Audience::Internal);
        assert_eq!(r.new_situations, Some(5));
        // Persons 1, 2, 3 (attempts), 4, 5 (interviews); 6 only acted on in 2024.
        assert_eq!(r.people_accompanied, Some(5));
        assert_eq!(r.interviews_total, Some(3));
        assert_eq!(r.interviews[0].count, Some(2)); // in person
        let origin = |c, i| {
            r.origins
                .iter()
                .find(|o| o.channel == c && o.initiative == i)
                .unwrap()
                .count
        };
        assert_eq!(origin(C::Gendarmerie, Initiative::ThirdParty), Some(1));
        assert_eq!(origin(C::Gendarmerie, Initiative::OwnInitiative), Some(1));
        assert_eq!(origin(C::WalkIn, Initiative::OwnInitiative), Some(1));
        assert_eq!(r.origin_by_channel[0].percent, Some(40.0));
        assert_eq!(r.origin_by_initiative[1].count, Some(2));
        let problem = |p| r.problems.iter().find(|x| x.key == p).unwrap().count;
        assert_eq!(problem(Problem::DomesticViolence), Some(5));
        assert_eq!(problem(Problem::Housing), Some(1));
        assert_eq!(r.minors, Some(1));
        let role = |g, s, b| {
            r.roles
                .iter()
                .find(|x| x.role == g && x.sex == s && x.age_band == b)
                .unwrap()
                .count
        };
        assert_eq!(
            role(RoleGroup::Victim, Sex::Female, AgeBand::From26To40),
            Some(3)
        );
        assert_eq!(
            role(
                RoleGroup::AllegedPerpetrator,
                Sex::Male,
                AgeBand::From41To60
            ),
            Some(1)
        );
        assert_eq!(
            role(RoleGroup::Other, Sex::Female, AgeBand::Under18),
            Some(1)
        );
        // Walk-in excluded: 4 to reach, 3 reached, median of 6, 24, 48 h, (2+1+3)/3 attempts.
        assert_eq!(r.reachability.to_reach, Some(4));
        assert_eq!(r.reachability.reached, Some(3));
        assert_eq!(r.reachability.percent_reached, Some(75.0));
        assert_eq!(r.reachability.median_hours_to_first_contact, Some(24.0));
        assert_eq!(r.reachability.attempts_per_contact, Some(2.0));
        let closure = |c| r.closures.iter().find(|x| x.key == c).unwrap().count;
        assert_eq!(closure(CloseReason::HandedOver), Some(1));
        assert_eq!(closure(CloseReason::Unreachable), Some(1));
        assert_eq!(closure(CloseReason::Resolved), Some(1)); // closed in 2025
        assert_eq!(r.child_reports[0].count, Some(1));
        assert_eq!(r.anonymous_contacts, Some(1));
        assert_eq!(r.monthly.len(), 12);
        assert_eq!(r.monthly[0].month, "2025-01");
        assert_eq!(r.monthly[0].new_situations, Some(2));
        assert_eq!(r.monthly[0].attempts, Some(3));
        assert_eq!(r.monthly[1].attempts, Some(3));
        assert_eq!(r.monthly[2].interviews, Some(2));

        // The same year for funders: every count from 1 to 4 goes, zeros and 5 stay.
        let x = compute(&f, d(1, 1), d(12, 31), Audience::External);
        assert_eq!(x.suppressed_below, Some(5));
        assert_eq!(x.new_situations, Some(5));
        assert_eq!(x.people_accompanied, Some(5));
        assert_eq!(x.interviews_total, None);
        assert_eq!(x.minors, None);
        assert_eq!(x.reachability.to_reach, None);
        assert_eq!(x.reachability.percent_reached, None);
        assert_eq!(x.reachability.median_hours_to_first_contact, None);
        assert_eq!(x.origin_by_channel[0].percent, None);
        assert_eq!(
            x.problems
                .iter()
                .find(|p| p.key == Problem::DomesticViolence)
                .unwrap()
                .count,
            Some(5)
        );
        assert_eq!(
            x.problems
                .iter()
                .find(|p| p.key == Problem::Health)
                .unwrap()
                .count,
            Some(0)
        );
        for c in x
            .roles
            .iter()
            .map(|c| c.count)
            .chain(x.monthly.iter().map(|m| m.attempts))
        {
            assert!(c.is_none_or(|n| n == 0 || n >= 5), "{c:?}");
        }
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0]), Some(3.0));
        assert_eq!(median(&mut [4.0, 1.0]), Some(2.5));
        assert_eq!(median(&mut [5.0, 1.0, 3.0]), Some(3.0));
    }

    #[test]
    fn months_span_the_range() {
        let r = compute(
            &Facts::default(),
            NaiveDate::from_ymd_opt(2025, 11, 15).unwrap(),
            NaiveDate::from_ymd_opt(2026, 2, 3).unwrap(),
            Audience::Internal,
        );
        let m: Vec<_> = r.monthly.iter().map(|m| m.month.as_str()).collect();
        assert_eq!(m, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(r.reachability.percent_reached, None);
    }
}
