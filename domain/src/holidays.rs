//! French public holidays, computed for any year (never a table that runs out): the fixed
//! ones, the three that follow Easter, and the two extra days of Alsace-Moselle.

use chrono::{Datelike, Duration, NaiveDate};

/// Easter Sunday in the Gregorian calendar (anonymous algorithm, Meeus/Jones/Butcher).
pub fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
        .expect("the algorithm yields a day in March or April")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: &'static str,
}

/// The public holidays of `year`, sorted. `alsace_moselle` adds Good Friday and 26 December
/// (Bas-Rhin, Haut-Rhin, Moselle).
pub fn holidays(year: i32, alsace_moselle: bool) -> Vec<Holiday> {
    let d = |m, day| NaiveDate::from_ymd_opt(year, m, day).expect("fixed holidays are valid dates");
    let e = easter(year);
    let mut v = vec![
        Holiday {
            date: d(1, 1),
            name: "Jour de l'an",
        },
        Holiday {
            date: e + Duration::days(1),
            name: "Lundi de Pâques",
        },
        Holiday {
            date: d(5, 1),
            name: "Fête du Travail",
        },
        Holiday {
            date: d(5, 8),
            name: "Victoire 1945",
        },
        Holiday {
            date: e + Duration::days(39),
            name: "Ascension",
        },
        Holiday {
            date: e + Duration::days(50),
            name: "Lundi de Pentecôte",
        },
        Holiday {
            date: d(7, 14),
            name: "Fête nationale",
        },
        Holiday {
            date: d(8, 15),
            name: "Assomption",
        },
        Holiday {
            date: d(11, 1),
            name: "Toussaint",
        },
        Holiday {
            date: d(11, 11),
            name: "Armistice 1918",
        },
        Holiday {
            date: d(12, 25),
            name: "Noël",
        },
    ];
    if alsace_moselle {
        v.push(Holiday {
            date: e - Duration::days(2),
            name: "Vendredi saint",
        });
        v.push(Holiday {
            date: d(12, 26),
            name: "Saint-Étienne",
        });
    }
    v.sort_by_key(|h| h.date);
    v
}

/// Holidays of every year touched by `[from, to]`, as a sorted list of dates.
pub fn holiday_dates(from: NaiveDate, to: NaiveDate, alsace_moselle: bool) -> Vec<NaiveDate> {
    (from.year()..=to.year())
        .flat_map(|y| holidays(y, alsace_moselle))
        .map(|h| h.date)
        .filter(|d| *d >= from && *d <= to)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easter_dates() {
        for (y, m, d) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2100, 3, 28),
            (1818, 3, 22),
            (2285, 3, 22),
            (1943, 4, 25),
        ] {
            assert_eq!(easter(y), NaiveDate::from_ymd_opt(y, m, d).unwrap(), "{y}");
        }
    }

    #[test]
    fn twenty_twenty_six_and_beyond_the_anchors_table() {
        let h = holidays(2026, false);
        assert_eq!(h.len(), 11);
        let dates: Vec<String> = h
            .iter()
            .map(|h| h.date.format("%m-%d").to_string())
            .collect();
        assert_eq!(
            dates,
            [
                "01-01", "04-06", "05-01", "05-08", "05-14", "05-25", "07-14", "08-15", "11-01",
                "11-11", "12-25"
            ]
        );
        // 2027: the year RDV-Solidarités' hard-coded table no longer covers.
        let h = holidays(2027, true);
        assert_eq!(h.len(), 13);
        assert!(
            h.iter()
                .any(|h| h.date == NaiveDate::from_ymd_opt(2027, 3, 26).unwrap()
                    && h.name == "Vendredi saint")
        );
        assert!(h.iter().any(
            |h| h.date == NaiveDate::from_ymd_opt(2027, 5, 6).unwrap() && h.name == "Ascension"
        ));
    }

    #[test]
    fn range_spanning_years() {
        let from = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        let to = NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
        assert_eq!(holiday_dates(from, to, true).len(), 3);
    }
}
