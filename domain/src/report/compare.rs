//! A period beside the same period a year earlier: the headline figures of both reports, and
//! how much each changed. Each report is computed (and, outside the service, suppressed) on
//! its own; the comparison publishes some of each one's cells as they are, so it tells a
//! reader nothing either report does not: a change is given only between two shown counts.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Cell, Report};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Figure {
    PeopleAccompanied,
    NewSituations,
    Interviews,
    Minors,
    AnonymousContacts,
    PreventionActions,
    PeopleReached,
}
words!(Figure {
    PeopleAccompanied = "people_accompanied" => ("Personnes accompagnées", "People accompanied"),
    NewSituations = "new_situations" => ("Nouvelles situations", "New situations"),
    Interviews = "interviews" => ("Entretiens", "Interviews"),
    Minors = "minors" => ("Mineurs", "Minors"),
    AnonymousContacts = "anonymous_contacts" => ("Contacts anonymes", "Anonymous contacts"),
    PreventionActions = "prevention_actions" => ("Actions de prévention", "Prevention actions"),
    PeopleReached = "people_reached" => ("Personnes sensibilisées", "People reached"),
});

impl Figure {
    /// The figure as `r` publishes it.
    pub fn of(self, r: &Report) -> Cell {
        match self {
            Figure::PeopleAccompanied => r.people_accompanied,
            Figure::NewSituations => r.new_situations,
            Figure::Interviews => r.interviews_total,
            Figure::Minors => r.minors,
            Figure::AnonymousContacts => r.anonymous_contacts,
            Figure::PreventionActions => Cell::Shown(r.prevention.actions),
            Figure::PeopleReached => Cell::Shown(r.prevention.people_reached),
        }
    }
}

/// One figure, now and a year earlier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Compared {
    pub figure: Figure,
    pub now: Cell,
    pub earlier: Cell,
    /// `now − earlier`, when both are shown.
    pub change: Option<i64>,
    /// The change in percent of `earlier` (one decimal), when both are shown and `earlier`
    /// is not 0.
    pub change_percent: Option<f64>,
}

/// The report's period beside the same period a year earlier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comparison {
    /// The earlier period: the same days a year before.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub figures: Vec<Compared>,
}

/// The same days a year earlier (29 February reads as the 28th).
pub fn a_year_earlier(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    let back = |d: NaiveDate| d.checked_sub_months(Months::new(12)).unwrap_or(d);
    (back(from), back(to))
}

/// `now` beside `earlier` (the same period a year before, computed for the same audience).
pub fn compare(now: &Report, earlier: &Report) -> Comparison {
    let figures = Figure::ALL
        .iter()
        .map(|f| {
            let (a, b) = (f.of(now), f.of(earlier));
            let both = a.shown().zip(b.shown());
            Compared {
                figure: *f,
                now: a,
                earlier: b,
                change: both.map(|(a, b)| i64::from(a) - i64::from(b)),
                change_percent: both.filter(|(_, b)| *b > 0).map(|(a, b)| {
                    let p = 100.0 * (f64::from(a) - f64::from(b)) / f64::from(b);
                    (p * 10.0).round() / 10.0
                }),
            }
        })
        .collect();
    Comparison {
        from: earlier.from,
        to: earlier.to,
        figures,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Audience, Facts, Hidden, compute};
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_year_earlier_is_the_same_days() {
        assert_eq!(
            a_year_earlier(d(2026, 1, 1), d(2026, 12, 31)),
            (d(2025, 1, 1), d(2025, 12, 31))
        );
        assert_eq!(
            a_year_earlier(d(2028, 2, 29), d(2028, 3, 31)),
            (d(2027, 2, 28), d(2027, 3, 31))
        );
    }

    #[test]
    fn a_change_is_given_between_two_shown_counts_only() {
        let empty = Facts::default();
        let mut now = compute(&empty, d(2026, 1, 1), d(2026, 12, 31), Audience::External);
        let mut earlier = compute(&empty, d(2025, 1, 1), d(2025, 12, 31), Audience::External);
        now.new_situations = Cell::Shown(130);
        earlier.new_situations = Cell::Shown(124);
        now.minors = Cell::Shown(7);
        earlier.minors = Cell::Hidden(Hidden::Small);
        now.prevention.people_reached = 640;
        earlier.prevention.people_reached = 511;
        let c = compare(&now, &earlier);
        assert_eq!((c.from, c.to), (d(2025, 1, 1), d(2025, 12, 31)));
        let of = |f: Figure| c.figures.iter().find(|x| x.figure == f).unwrap().clone();
        let new = of(Figure::NewSituations);
        assert_eq!((new.change, new.change_percent), (Some(6), Some(4.8)));
        let minors = of(Figure::Minors);
        assert_eq!(
            (minors.earlier, minors.change, minors.change_percent),
            (Cell::Hidden(Hidden::Small), None, None)
        );
        assert_eq!(of(Figure::PeopleReached).change, Some(129));
        // From nothing: a change, no percent.
        let interviews = of(Figure::Interviews);
        assert_eq!(
            (interviews.change, interviews.change_percent),
            (Some(0), None)
        );
        assert_eq!(c.figures.len(), Figure::ALL.len());
    }
}
