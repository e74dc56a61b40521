//! The demo's prevention work, shaped like seed 000's ("more than 500 inhabitants made
//! aware" through stands on the markets, forum theatre, an escape game, film debates): last
//! calendar year's actions, the year before's (the post's first) and this year's up to
//! today, so that the report's year over year reads. Fixed dates and counts: two demos show the same report.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use relais_domain::prevention::PreventionKind::{self, *};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, DbErr, Set};
use uuid::Uuid;

use crate::store::Stamp;
use crate::store::entities::prevention_action;

/// (month, day, kind, place, partner index (victim support 0, CIDFF 1), people reached,
/// (pupils, inhabitants, professionals) counted apart).
type Action = (
    u32,
    u32,
    PreventionKind,
    &'static str,
    Option<usize>,
    u32,
    (Option<u32>, Option<u32>, Option<u32>),
);

/// Last year: 14 actions, 511 people reached.
const LAST_YEAR: &[Action] = &[
    (
        3,
        8,
        ForumTheatre,
        "Salle des fêtes (démo)",
        Some(1),
        72,
        (None, Some(66), Some(6)),
    ),
    (
        3,
        15,
        Stand,
        "Marché du samedi, place de la mairie (démo)",
        Some(0),
        48,
        (None, Some(48), None),
    ),
    (
        4,
        10,
        SchoolSession,
        "Collège (démo), classes de 4e",
        None,
        27,
        (Some(25), None, Some(2)),
    ),
    (
        5,
        23,
        Other,
        "Escape game, Maison pour tous (démo)",
        Some(1),
        24,
        (None, Some(24), None),
    ),
    (
        6,
        7,
        Stand,
        "Marché du samedi, place de la mairie (démo)",
        Some(0),
        41,
        (None, Some(41), None),
    ),
    (
        6,
        19,
        FilmDebate,
        "Cinéma municipal (démo)",
        None,
        31,
        (None, None, None),
    ),
    (
        9,
        26,
        ProfessionalTraining,
        "Gendarmerie, compagnie (démo)",
        None,
        14,
        (None, None, Some(14)),
    ),
    (
        10,
        9,
        SchoolSession,
        "Lycée (démo), classes de seconde",
        None,
        29,
        (Some(27), None, Some(2)),
    ),
    (
        10,
        16,
        FilmDebate,
        "Médiathèque (démo)",
        Some(1),
        29,
        (None, Some(27), Some(2)),
    ),
    (
        11,
        20,
        SchoolSession,
        "Collège (démo), classes de 3e",
        None,
        25,
        (Some(25), None, None),
    ),
    (
        11,
        22,
        Stand,
        "Marché du samedi, place de la mairie (démo)",
        Some(0),
        53,
        (None, Some(53), None),
    ),
    (
        11,
        25,
        ForumTheatre,
        "Salle des fêtes (démo)",
        Some(1),
        68,
        (None, None, None),
    ),
    (
        11,
        28,
        Stand,
        "Centre commercial (démo)",
        Some(0),
        38,
        (None, Some(38), None),
    ),
    (
        12,
        4,
        ProfessionalTraining,
        "Centre communal d'action sociale (démo)",
        None,
        12,
        (None, None, Some(12)),
    ),
];

/// The year before, the post's first: fewer actions, 356 people reached.
const YEAR_BEFORE: &[Action] = &[
    (
        3,
        9,
        Stand,
        "Marché du samedi, place de la mairie (démo)",
        Some(0),
        44,
        (None, Some(44), None),
    ),
    (
        4,
        18,
        SchoolSession,
        "Collège (démo), classes de 4e",
        None,
        26,
        (Some(24), None, Some(2)),
    ),
    (
        6,
        15,
        Stand,
        "Marché du samedi, place de la mairie (démo)",
        Some(0),
        39,
        (None, Some(39), None),
    ),
    (
        10,
        3,
        ProfessionalTraining,
        "Gendarmerie, compagnie (démo)",
        None,
        18,
        (None, None, Some(18)),
    ),
    (
        10,
        17,
        FilmDebate,
        "Cinéma municipal (démo)",
        None,
        27,
        (None, None, None),
    ),
    (
        11,
        23,
        Stand,
        "Marché du samedi, place de la mairie (démo)",
        Some(0),
        51,
        (None, Some(51), None),
    ),
    (
        11,
        25,
        ForumTheatre,
        "Salle des fêtes (démo)",
        Some(1),
        96,
        (None, Some(90), Some(6)),
    ),
    (
        11,
        29,
        SchoolSession,
        "Lycée (démo), classes de seconde",
        None,
        31,
        (Some(29), None, Some(2)),
    ),
    (
        12,
        6,
        Stand,
        "Centre commercial (démo)",
        Some(0),
        24,
        (None, Some(24), None),
    ),
];

/// This year: the same season, the actions held so far.
const THIS_YEAR: &[Action] = &[
    (
        3,
        7,
        ForumTheatre,
        "Salle des fêtes (démo)",
        Some(1),
        81,
        (None, Some(75), Some(6)),
    ),
    (
        3,
        14,
        Stand,
        "Marché du samedi, place de la mairie (démo)",
        Some(0),
        52,
        (None, Some(52), None),
    ),
    (
        4,
        9,
        SchoolSession,
        "Collège (démo), classes de 4e",
        None,
        28,
        (Some(26), None, Some(2)),
    ),
    (
        6,
        6,
        Stand,
        "Marché du samedi, place de la mairie (démo)",
        Some(0),
        45,
        (None, Some(45), None),
    ),
    (
        9,
        25,
        ProfessionalTraining,
        "Gendarmerie, compagnie (démo)",
        None,
        16,
        (None, None, Some(16)),
    ),
    (
        10,
        15,
        FilmDebate,
        "Médiathèque (démo)",
        Some(1),
        33,
        (None, Some(31), Some(2)),
    ),
    (
        11,
        21,
        Stand,
        "Marché du samedi, place de la mairie (démo)",
        Some(0),
        57,
        (None, Some(57), None),
    ),
    (
        11,
        25,
        ForumTheatre,
        "Salle des fêtes (démo)",
        Some(1),
        74,
        (None, None, None),
    ),
];

pub async fn seed(
    txn: &DatabaseTransaction,
    org_id: Uuid,
    author: Uuid,
    partners: &[(Uuid, &str)],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let today = now.with_timezone(&crate::zone::DEFAULT).date_naive();
    let years = [
        (today.year() - 2, YEAR_BEFORE),
        (today.year() - 1, LAST_YEAR),
        (today.year(), THIS_YEAR),
    ];
    for (year, actions) in years {
        for &(m, d, kind, place, partner, reached, (pupils, inhabitants, professionals)) in actions
        {
            let Some(held_on) = NaiveDate::from_ymd_opt(year, m, d).filter(|d| *d <= today) else {
                continue;
            };
            prevention_action::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(org_id),
                held_on: Set(held_on),
                kind: Set(kind.as_str().into()),
                place: Set(place.into()),
                partner_ids: Set(partner
                    .and_then(|i| partners.get(i))
                    .map(|p| p.0.to_string())
                    .unwrap_or_default()),
                people_reached: Set(reached as i32),
                pupils: Set(pupils.map(|n| n as i32)),
                inhabitants: Set(inhabitants.map(|n| n as i32)),
                professionals: Set(professionals.map(|n| n as i32)),
                account_id: Set(author),
                ..Stamp::take(txn, now).await?.new_row()
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn last_year_reached_a_little_over_500_people() {
        let total: u32 = super::LAST_YEAR.iter().map(|a| a.5).sum();
        assert_eq!(total, 511);
        let before: u32 = super::YEAR_BEFORE.iter().map(|a| a.5).sum();
        assert_eq!(before, 356);
        for a in super::LAST_YEAR
            .iter()
            .chain(super::THIS_YEAR)
            .chain(super::YEAR_BEFORE)
        {
            let (p, i, pr) = a.6;
            let apart = p.unwrap_or(0) + i.unwrap_or(0) + pr.unwrap_or(0);
            assert!(apart <= a.5, "{}: {apart} counted apart of {}", a.3, a.5);
        }
    }
}
