//! Prevention: the collective actions the service leads beside its casework (a stand on a
//! market, a school session, forum theatre, a film debate, a training of professionals),
//! counted by the people they reached. No person's identity is ever part of one: an action
//! is a date, a kind, a place, the partners who took part and a head count, optionally split
//! by public (pupils, inhabitants, professionals).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::Said;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PreventionKind {
    Stand,
    SchoolSession,
    ForumTheatre,
    FilmDebate,
    ProfessionalTraining,
    Other,
}
words!(PreventionKind {
    Stand = "stand" => ("Stand de sensibilisation", "Awareness stand"),
    SchoolSession = "school_session" => ("Intervention en milieu scolaire", "School session"),
    ForumTheatre = "forum_theatre" => ("Théâtre-forum", "Forum theatre"),
    FilmDebate = "film_debate" => ("Ciné-débat", "Film debate"),
    ProfessionalTraining = "professional_training" => ("Formation de professionnels", "Training of professionals"),
    Other = "other" => ("Autre action", "Other action"),
});

/// Who an action reached, when the service counted them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Public {
    Pupils,
    Inhabitants,
    Professionals,
}
words!(Public {
    Pupils = "pupils" => ("Élèves", "Pupils"),
    Inhabitants = "inhabitants" => ("Habitants", "Inhabitants"),
    Professionals = "professionals" => ("Professionnels", "Professionals"),
});

/// The most people one action is counted as reaching (a big forum is a few thousand).
pub const MOST_REACHED: u32 = 100_000;

/// How far back an action may be entered: the report of the last three years.
pub const YEARS_BACK: i32 = 3;

/// Why a date cannot be an action's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// An action is counted once it has been held.
    InFuture,
    /// Before the first day of the year three years ago: a typing slip, most likely.
    TooOld,
}

impl DateProblem {
    pub fn said(self) -> Said {
        match self {
            DateProblem::InFuture => (
                "Une action se compte une fois menée : la date est dans le futur.",
                "An action is counted once held: the date is in the future.",
            )
                .into(),
            DateProblem::TooOld => (
                "Date trop ancienne : trois années civiles au plus.",
                "Too far back: three calendar years at most.",
            )
                .into(),
        }
    }
}

/// An action's date, checked against today (the organisation's day).
pub fn check_date(held_on: NaiveDate, today: NaiveDate) -> Result<(), DateProblem> {
    if held_on > today {
        return Err(DateProblem::InFuture);
    }
    let first = NaiveDate::from_ymd_opt(today.year() - YEARS_BACK, 1, 1).unwrap_or(NaiveDate::MIN);
    if held_on < first {
        return Err(DateProblem::TooOld);
    }
    Ok(())
}

/// The people counted apart by public cannot outnumber the people reached; the rest are
/// "not counted apart". `None`: they fit.
pub fn parts_over_total(total: u32, parts: &[Option<u32>]) -> Option<u64> {
    let sum: u64 = parts.iter().flatten().map(|n| u64::from(*n)).sum();
    (sum > u64::from(total)).then_some(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn an_action_is_dated_between_three_years_back_and_today() {
        let today = d(2026, 12, 4);
        assert_eq!(check_date(today, today), Ok(()));
        assert_eq!(check_date(d(2023, 1, 1), today), Ok(()));
        assert_eq!(check_date(d(2022, 12, 31), today), Err(DateProblem::TooOld));
        assert_eq!(
            check_date(d(2026, 12, 5), today),
            Err(DateProblem::InFuture)
        );
    }

    #[test]
    fn the_publics_counted_apart_fit_in_the_people_reached() {
        assert_eq!(parts_over_total(60, &[None, Some(60), None]), None);
        assert_eq!(parts_over_total(60, &[Some(20), Some(30), Some(10)]), None);
        assert_eq!(
            parts_over_total(60, &[Some(20), Some(30), Some(11)]),
            Some(61)
        );
        assert_eq!(parts_over_total(0, &[None, None, None]), None);
        let most = Some(MOST_REACHED);
        assert_eq!(
            parts_over_total(MOST_REACHED, &[most, most, most]),
            Some(3 * u64::from(MOST_REACHED))
        );
    }

    #[test]
    fn words_round_trip() {
        for k in PreventionKind::ALL {
            assert_eq!(PreventionKind::parse(k.as_str()), Some(*k));
        }
        for p in Public::ALL {
            assert_eq!(Public::parse(p.as_str()), Some(*p));
        }
    }
}
