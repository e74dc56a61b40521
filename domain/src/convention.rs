//! A convention: a funder's agreement to co-fund the post, over a period, for some communes
//! (the people who live there) or some sites (the interviews held there). Two may overlap —
//! a commune and the Département co-fund the same post — and a reader of their reports must
//! be told, since the same work is then in both.

use chrono::NaiveDate;
use uuid::Uuid;

/// What a convention covers.
#[derive(Debug, Clone, Copy)]
pub struct Cover<'a> {
    pub from: NaiveDate,
    pub until: NaiveDate,
    /// INSEE codes.
    pub communes: &'a [String],
    pub sites: &'a [Uuid],
}

/// Whether two conventions cover some of the same work: their periods meet, and they share
/// a commune or a site.
pub fn overlaps(a: Cover<'_>, b: Cover<'_>) -> bool {
    a.from <= b.until
        && b.from <= a.until
        && (a.communes.iter().any(|c| b.communes.contains(c))
            || a.sites.iter().any(|s| b.sites.contains(s)))
}

/// Why a convention's period or cover cannot be: said of its field.
pub fn check(cover: Cover<'_>) -> Result<(), (&'static str, crate::Said)> {
    if cover.until < cover.from {
        return Err((
            "valid_until",
            (
                "La fin précède le début.",
                "The end comes before the start.",
            )
                .into(),
        ));
    }
    if (cover.until - cover.from).num_days() > crate::limits::CONVENTION_DAYS {
        return Err((
            "valid_until",
            ("Dix ans au plus.", "Ten years at most.").into(),
        ));
    }
    if cover.communes.is_empty() && cover.sites.is_empty() {
        return Err((
            "communes",
            (
                "Une commune ou un site au moins : ce que la convention finance.",
                "One commune or one site at least: what the convention funds.",
            )
                .into(),
        ));
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
    fn two_conventions_overlap_when_they_fund_the_same_work_at_the_same_time() {
        let (v, l) = (vec!["38553".to_owned()], vec!["38537".to_owned()]);
        let site = [Uuid::from_u128(1)];
        let a = Cover {
            from: d(2024, 1, 1),
            until: d(2026, 12, 31),
            communes: &v,
            sites: &[],
        };
        let same_commune_later = Cover {
            from: d(2026, 6, 1),
            until: d(2028, 12, 31),
            communes: &v,
            sites: &[],
        };
        let other_commune = Cover {
            from: d(2024, 1, 1),
            until: d(2026, 12, 31),
            communes: &l,
            sites: &[],
        };
        let after = Cover {
            from: d(2027, 1, 1),
            until: d(2029, 12, 31),
            communes: &v,
            sites: &[],
        };
        let by_site = Cover {
            from: d(2025, 1, 1),
            until: d(2025, 12, 31),
            communes: &[],
            sites: &site,
        };
        assert!(overlaps(a, same_commune_later));
        assert!(!overlaps(a, other_commune));
        assert!(!overlaps(a, after));
        assert!(!overlaps(a, by_site));
        assert!(overlaps(
            by_site,
            Cover {
                sites: &site,
                ..other_commune
            }
        ));
    }

    #[test]
    fn a_convention_covers_something_forward_for_ten_years_at_most() {
        let v = vec!["38553".to_owned()];
        let ok = Cover {
            from: d(2024, 1, 1),
            until: d(2026, 12, 31),
            communes: &v,
            sites: &[],
        };
        assert!(check(ok).is_ok());
        assert_eq!(
            check(Cover {
                until: d(2023, 12, 31),
                ..ok
            })
            .unwrap_err()
            .0,
            "valid_until"
        );
        assert_eq!(
            check(Cover {
                until: d(2035, 1, 1),
                ..ok
            })
            .unwrap_err()
            .0,
            "valid_until"
        );
        assert_eq!(
            check(Cover {
                communes: &[],
                ..ok
            })
            .unwrap_err()
            .0,
            "communes"
        );
    }
}
