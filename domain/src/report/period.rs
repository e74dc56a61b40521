//! The report's usual periods, as the admin picks them: last year (what funders ask for),
//! this year so far, the last quarter ended, a quarter of this year. Any other dates are typed.

use chrono::{Datelike, NaiveDate};

/// A period named in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    LastYear,
    ThisYear,
    /// The last quarter ended before today's (in January, the last of last year).
    LastQuarter,
    /// A quarter (1–4) of this year.
    Quarter(u8),
}

impl Period {
    /// The periods worth offering today: last year, this year, the last quarter ended, and
    /// this year's quarters that have begun (but the one that is the last quarter ended).
    pub fn offered(today: NaiveDate) -> Vec<Period> {
        let mut p = vec![Period::LastYear, Period::ThisYear, Period::LastQuarter];
        let last = Period::LastQuarter.dates(today);
        p.extend(
            (1..=4)
                .filter(|q| (q - 1) * 3 < today.month0() as u8 + 1)
                .map(Period::Quarter)
                .filter(|q| q.dates(today) != last),
        );
        p
    }

    /// The last quarter ended before today's: (its year, 1–4).
    fn last_quarter(today: NaiveDate) -> (i32, u32) {
        match today.month0() / 3 {
            0 => (today.year() - 1, 4),
            q => (today.year(), q),
        }
    }

    /// First and last day (both included); this year's periods end today at the latest.
    pub fn dates(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let y = today.year();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(today);
        match self {
            Period::LastYear => (day(y - 1, 1, 1), day(y - 1, 12, 31)),
            Period::ThisYear => (day(y, 1, 1), today),
            Period::LastQuarter => {
                let (y, q) = Self::last_quarter(today);
                let first = day(y, 3 * q - 2, 1);
                let next = if q == 4 {
                    day(y + 1, 1, 1)
                } else {
                    day(y, 3 * q + 1, 1)
                };
                (first, next.pred_opt().unwrap_or(next))
            }
            Period::Quarter(q) => {
                let q = u32::from(q.clamp(1, 4));
                let first = day(y, 3 * q - 2, 1);
                let next = if q == 4 {
                    day(y + 1, 1, 1)
                } else {
                    day(y, 3 * q + 1, 1)
                };
                let last = next.pred_opt().unwrap_or(next);
                (first, last.min(today))
            }
        }
    }

    /// What the admin reads: (French, English).
    pub fn label(self, today: NaiveDate) -> (String, String) {
        let y = today.year();
        match self {
            Period::LastYear => (format!("Année {}", y - 1), format!("Year {}", y - 1)),
            Period::ThisYear => (format!("Année {y} à ce jour"), format!("Year {y} to date")),
            Period::LastQuarter => {
                let (y, q) = Self::last_quarter(today);
                let nth = if q == 1 {
                    "1er".to_owned()
                } else {
                    format!("{q}e")
                };
                (
                    format!("Dernier trimestre écoulé ({nth} trimestre {y})"),
                    format!("Last quarter ended (Q{q} {y})"),
                )
            }
            Period::Quarter(1) => (format!("1er trimestre {y}"), format!("Q1 {y}")),
            Period::Quarter(q) => (format!("{q}e trimestre {y}"), format!("Q{q} {y}")),
        }
    }
}

/// The longest period a report covers: three years.
pub const MOST_DAYS: i64 = 3 * 366;

/// Why a period cannot be a report's: it ends before it begins, or covers more than three
/// years. Said of its end (`to`).
pub fn check(from: NaiveDate, to: NaiveDate) -> Result<(), crate::Said> {
    if to < from {
        return Err((
            "La fin précède le début.",
            "The end comes before the start.",
        )
            .into());
    }
    if (to - from).num_days() > MOST_DAYS {
        return Err(("Trois ans au plus.", "Three years at most.").into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_are_whole_days_and_stop_at_today() {
        let today = d(2026, 12, 3);
        assert_eq!(
            Period::LastYear.dates(today),
            (d(2025, 1, 1), d(2025, 12, 31))
        );
        assert_eq!(Period::ThisYear.dates(today), (d(2026, 1, 1), today));
        assert_eq!(
            Period::Quarter(1).dates(today),
            (d(2026, 1, 1), d(2026, 3, 31))
        );
        assert_eq!(
            Period::Quarter(2).dates(today),
            (d(2026, 4, 1), d(2026, 6, 30))
        );
        assert_eq!(Period::Quarter(4).dates(today), (d(2026, 10, 1), today));
        // The last quarter ended is the third, offered once (not again as "Q3").
        assert_eq!(
            Period::LastQuarter.dates(today),
            (d(2026, 7, 1), d(2026, 9, 30))
        );
        assert_eq!(
            Period::offered(today),
            vec![
                Period::LastYear,
                Period::ThisYear,
                Period::LastQuarter,
                Period::Quarter(1),
                Period::Quarter(2),
                Period::Quarter(4)
            ]
        );
        assert_eq!(
            Period::LastQuarter.label(today).0,
            "Dernier trimestre écoulé (3e trimestre 2026)"
        );
        // In February only the first quarter has begun; the last one ended is last year's.
        let feb = d(2027, 2, 28);
        assert_eq!(
            Period::offered(feb),
            vec![
                Period::LastYear,
                Period::ThisYear,
                Period::LastQuarter,
                Period::Quarter(1)
            ]
        );
        assert_eq!(
            Period::LastQuarter.dates(feb),
            (d(2026, 10, 1), d(2026, 12, 31))
        );
        assert_eq!(
            Period::LastQuarter.label(feb).1,
            "Last quarter ended (Q4 2026)"
        );
        assert_eq!(Period::Quarter(1).dates(feb), (d(2027, 1, 1), feb));
        // A leap year's first quarter.
        assert_eq!(Period::Quarter(1).dates(d(2028, 5, 1)).1, d(2028, 3, 31));
        assert_eq!(Period::Quarter(4).label(today).1, "Q4 2026");
        assert_eq!(Period::Quarter(1).label(today).0, "1er trimestre 2026");
        assert_eq!(Period::Quarter(2).label(today).0, "2e trimestre 2026");
    }

    #[test]
    fn a_period_runs_forward_and_three_years_at_most() {
        assert!(check(d(2025, 1, 1), d(2025, 12, 31)).is_ok());
        assert!(check(d(2025, 1, 2), d(2025, 1, 1)).is_err());
        assert!(check(d(2023, 1, 1), d(2025, 12, 31)).is_ok());
        assert!(check(d(2022, 1, 1), d(2025, 12, 31)).is_err());
    }
}
