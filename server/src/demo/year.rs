//! A year of activity shaped like the service in the seed documents (its second year): about
//! 124 new situations last calendar year — origins about 53 % gendarmerie, 17 % partners,
//! 27 % own initiative — and the files carried over from the year before, about 320 people
//! followed in all; attempts, interviews, orientations, child-in-danger reports and
//! closures. Deterministic (a fixed seed), so two demos show the same report.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use relais_domain::casework::{DocumentType, PersonRole, Problem, Sex, problems_to_str};
use relais_domain::dto::PersonInput;
use relais_domain::outreach::{
    AttemptChannel, AttemptResult, CloseReason, Initiative, OriginChannel, SituationKind, State,
    Urgency,
};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, DbErr, Set};
use uuid::Uuid;

use crate::casework::persons::insert_person;
use crate::casework::situations::{NewSituation, insert_situation};
use crate::state::AppState;
use crate::store::Stamp;
use crate::store::entities::{
    anonymous_contact, child_report, contact_attempt, interview, orientation, situation,
};

/// New situations last year, and files carried over from the year before.
const NEW: usize = 124;
const CARRIED: usize = 222;
/// Anonymous contacts last year.
const ANONYMOUS: usize = 46;

/// Where the person lives, spread like a post shared by the communes of its conventions
/// (seed 002) and their neighbours: a fixed spread by rank, independent of the dice so
/// that the rest of the year stays what it was. `None`: not known.
fn commune(i: usize) -> Option<&'static str> {
    match (i * 37) % 100 {
        0..=39 => Some("38553"),  // Villefontaine
        40..=54 => Some("38537"), // La Verpillière
        55..=69 => Some("38193"), // L'Isle-d'Abeau
        70..=74 => Some("38530"), // Vaulx-Milieu
        75..=84 => Some("38053"), // Bourgoin-Jallieu
        85..=89 => Some("38449"), // Saint-Quentin-Fallavier
        _ => None,
    }
}

/// A small fixed-seed generator: the same demo every time.
struct Dice(u64);
impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const FIRST_F: [&str; 16] = [
    "Amélie", "Sarah", "Nadia", "Julie", "Sophie", "Leïla", "Chloé", "Emma", "Fatou", "Laura",
    "Inès", "Claire", "Aurélie", "Yasmina", "Manon", "Océane",
];
const FIRST_M: [&str; 12] = [
    "Thomas", "Karim", "Julien", "Mehdi", "Nicolas", "Kevin", "Yanis", "Lucas", "Romain", "Samir",
    "Maxime", "Bruno",
];
const LAST: [&str; 12] = [
    "Exemple",
    "Fictif",
    "Démo",
    "Essai",
    "Modèle",
    "Témoin",
    "Prototype",
    "Maquette",
    "Brouillon",
    "Esquisse",
    "Ébauche",
    "Spécimen",
];

pub async fn seed(
    txn: &DatabaseTransaction,
    state: &AppState,
    org_id: Uuid,
    coordinators: &[Uuid],
    sites: &[Uuid],
    partners: &[(Uuid, &str)],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut d = Dice(0x5EED_2025);
    // The year before's own activity (the files carried over were met then too), drawn
    // from a dice of its own so that last year's figures stay what they were.
    let mut e = Dice(0x5EED_2024);
    let last_year = now.year() - 1;
    let day0 = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .map(|t| Utc.from_utc_datetime(&t))
            .unwrap_or(now)
    };
    for i in 0..NEW + CARRIED {
        let carried = i >= NEW;
        let received = day0(if carried { last_year - 1 } else { last_year })
            + Duration::days(d.below(if carried { 330 } else { 358 }) as i64)
            + Duration::minutes(d.below(9 * 60) as i64);
        // Origins: about 53 % gendarmerie, 3 % police, 17 % partners, 27 % own initiative.
        // New situations take their origin in exact proportions; the files carried
        // over, at random in the same proportions.
        let roll = if carried {
            d.below(100)
        } else {
            (i * 100 / NEW) as u64
        };
        let (channel, initiative, unit) = match roll {
            0..=53 => (
                OriginChannel::Gendarmerie,
                Initiative::ThirdParty,
                Some(
                    [
                        "Brigade de Villefontaine (démo)",
                        "Brigade de La Verpillière (démo)",
                        "Brigade de Bourgoin (démo)",
                    ][d.below(3) as usize],
                ),
            ),
            54..=56 => (
                OriginChannel::PoliceNationale,
                Initiative::ThirdParty,
                Some("Commissariat (démo)"),
            ),
            57..=72 => (
                OriginChannel::Partner,
                Initiative::ThirdParty,
                Some("Service partenaire (démo)"),
            ),
            73..=86 => (OriginChannel::WalkIn, Initiative::OwnInitiative, None),
            _ => (OriginChannel::Phone, Initiative::OwnInitiative, None),
        };
        let (kind, problems) = match d.below(100) {
            0..=57 => (
                SituationKind::DomesticViolence,
                vec![
                    Problem::DomesticViolence,
                    [
                        Problem::Housing,
                        Problem::Money,
                        Problem::Separation,
                        Problem::Parenting,
                    ][d.below(4) as usize],
                ],
            ),
            58..=77 => (
                SituationKind::FamilyConflict,
                vec![Problem::FamilyConflict, Problem::Parenting],
            ),
            78..=85 => (SituationKind::ChildInDanger, vec![Problem::ChildProtection]),
            86..=93 => (
                SituationKind::VulnerableAdult,
                vec![
                    [Problem::Isolation, Problem::MentalHealth, Problem::Health]
                        [d.below(3) as usize],
                ],
            ),
            _ => (
                SituationKind::Other,
                vec![
                    [
                        Problem::NeighbourhoodConflict,
                        Problem::Administrative,
                        Problem::Harassment,
                    ][d.below(3) as usize],
                ],
            ),
        };
        let role = match d.below(100) {
            0..=74 => PersonRole::Victim,
            75..=88 => PersonRole::AllegedPerpetrator,
            _ => PersonRole::Relative,
        };
        let female = match role {
            PersonRole::Victim => d.chance(85),
            PersonRole::AllegedPerpetrator => d.chance(10),
            _ => d.chance(60),
        };
        let first = if female {
            FIRST_F[d.below(FIRST_F.len() as u64) as usize]
        } else {
            FIRST_M[d.below(FIRST_M.len() as u64) as usize]
        };
        let coordinator = coordinators[i % coordinators.len()];
        let site = sites[i % sites.len()];
        let person = insert_person(
            txn,
            state.cipher(),
            org_id,
            coordinator,
            PersonInput {
                first_name: first.into(),
                last_name: LAST[d.below(LAST.len() as u64) as usize].into(),
                // Children in danger are minors; the others adults.
                birth_year: Some(if kind == SituationKind::ChildInDanger {
                    last_year - 6 - d.below(11) as i32
                } else {
                    last_year - 18 - d.below(50) as i32
                }),
                sex: Some(if female { Sex::Female } else { Sex::Male }),
                phone: None,
                email: None,
                address: None,
                commune: commune(i).map(str::to_owned),
                safe_contact: Default::default(),
                notes: None,
            },
            now,
        )
        .await
        .map_err(|e| DbErr::Custom(format!("demo person refused: {e:?}")))?;
        let s = insert_situation(
            txn,
            state.cipher(),
            org_id,
            NewSituation {
                urgency: Urgency {
                    recent_call_out: channel == OriginChannel::Gendarmerie,
                    minor_involved: kind == SituationKind::ChildInDanger,
                    ..Urgency::default()
                },
                problems: problems_to_str(&problems),
                consent_to_contact: true,
                document_type: if initiative == Initiative::OwnInitiative {
                    DocumentType::None
                } else if d.chance(40) {
                    DocumentType::Complaint
                } else {
                    DocumentType::LogbookEntry
                },
                unit: unit.map(str::to_owned),
                site_id: Some(site),
                assigned_to: Some(coordinator),
                received_at: received,
                ..NewSituation::new(person.id, kind, channel, initiative, role, now)
            },
            now,
        )
        .await
        .map_err(|e| DbErr::Custom(format!("demo situation refused: {e:?}")))?;
        // Reaching the person: one to three attempts in the first days.
        let walked_in = channel == OriginChannel::WalkIn;
        let tries = if walked_in { 0 } else { 1 + d.below(3) };
        let reached = walked_in || d.chance(88);
        let mut at = received + Duration::hours(2 + d.below(30) as i64);
        let mut first_contact = walked_in.then_some(received);
        for n in 0..tries {
            let last = n + 1 == tries;
            let result = if last && reached {
                AttemptResult::Answered
            } else {
                [AttemptResult::NoAnswer, AttemptResult::NoMessageLeft][d.below(2) as usize]
            };
            contact_attempt::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(org_id),
                situation_id: Set(s.id),
                person_id: Set(person.id),
                at: Set(at),
                channel: Set(AttemptChannel::Call.as_str().into()),
                result: Set(result.as_str().into()),
                note: Set(None),
                account_id: Set(coordinator),
                ..Stamp::take(txn, at).await?.new_row()
            }
            .insert(txn)
            .await?;
            if result == AttemptResult::Answered {
                first_contact = Some(at);
            }
            at += Duration::hours(20 + d.below(48) as i64);
        }
        if let Some(fc) = first_contact.filter(|_| carried) {
            let when = fc + Duration::days(e.below(7) as i64) + Duration::hours(1);
            if when < day0(last_year) {
                interview::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    organisation_id: Set(org_id),
                    situation_id: Set(s.id),
                    person_id: Set(person.id),
                    at: Set(when),
                    mode: Set(if e.chance(65) { "in_person" } else { "phone" }.into()),
                    duration_minutes: Set(Some(30 + 15 * e.below(4) as i32)),
                    note: Set(None),
                    account_id: Set(coordinator),
                    site_id: Set(s.site_id),
                    ..Stamp::take(txn, when).await?.new_row()
                }
                .insert(txn)
                .await?;
            }
        }
        let mut last_activity = at;
        let mut interviews = 0;
        if let Some(fc) = first_contact {
            // One to four interviews, a week to a month apart; the files carried over
            // are still followed last year.
            let mut when = if carried {
                (fc + Duration::days(20 + d.below(40) as i64))
                    .max(day0(last_year) + Duration::days(d.below(120) as i64))
            } else {
                fc + Duration::days(d.below(7) as i64)
            };
            for _ in 0..1 + d.below(4) {
                if when >= now - Duration::days(1) {
                    break;
                }
                let mode = match d.below(100) {
                    0..=59 => "in_person",
                    60..=94 => "phone",
                    _ => "home_visit",
                };
                interview::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    organisation_id: Set(org_id),
                    situation_id: Set(s.id),
                    person_id: Set(person.id),
                    at: Set(when),
                    mode: Set(mode.into()),
                    duration_minutes: Set(Some(30 + 15 * d.below(4) as i32)),
                    note: Set(None),
                    account_id: Set(coordinator),
                    site_id: Set(if mode == "home_visit" {
                        None
                    } else {
                        s.site_id
                    }),
                    ..Stamp::take(txn, when).await?.new_row()
                }
                .insert(txn)
                .await?;
                interviews += 1;
                last_activity = when;
                when += Duration::days(7 + d.below(24) as i64);
            }
        }
        // Orientation to a partner, with consent, for about half of those met.
        if interviews > 0 && d.chance(48) {
            let (pid, pkind) = match kind {
                SituationKind::ChildInDanger => partners[2],
                SituationKind::DomesticViolence => partners[d.below(2) as usize],
                _ => partners[d.below(partners.len() as u64) as usize],
            };
            let on = last_activity + Duration::hours(2);
            orientation::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(org_id),
                situation_id: Set(s.id),
                person_id: Set(person.id),
                partner_id: Set(pid),
                partner_kind: Set(pkind.into()),
                status: Set(if d.chance(80) { "accepted" } else { "proposed" }.into()),
                consent: Set(true),
                override_reason: Set(None),
                account_id: Set(coordinator),
                ..Stamp::take(txn, on).await?.new_row()
            }
            .insert(txn)
            .await?;
        }
        if kind == SituationKind::ChildInDanger && interviews > 0 {
            child_report::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(org_id),
                situation_id: Set(s.id),
                person_id: Set(person.id),
                reported_on: Set(last_activity.date_naive()),
                recipient: Set(if d.chance(85) { "crip" } else { "prosecutor" }.into()),
                account_id: Set(coordinator),
                ..Stamp::take(txn, last_activity).await?.new_row()
            }
            .insert(txn)
            .await?;
        }
        // Where it ended: most files closed; a few still followed, none overdue.
        let open = !carried && received > now - Duration::days(60) && reached;
        let mut am: situation::ActiveModel = s.clone().into();
        am.first_contact_at = Set(first_contact);
        am.attempts_to_first_contact = Set(if walked_in { 0 } else { tries as i32 });
        am.last_activity_at = Set(last_activity);
        if open {
            am.state = Set(State::FollowUp.as_str().into());
            am.due_at = Set(now + Duration::days(7 + d.below(20) as i64));
        } else {
            let reason = if !reached {
                CloseReason::Unreachable
            } else {
                match d.below(100) {
                    0..=54 => CloseReason::Resolved,
                    55..=79 => CloseReason::HandedOver,
                    80..=89 => CloseReason::Refused,
                    _ => CloseReason::MovedAway,
                }
            };
            am.state = Set(State::Closed.as_str().into());
            am.close_reason = Set(Some(reason.as_str().into()));
            am.closed_at = Set(Some(
                (last_activity + Duration::days(3 + d.below(20) as i64)).min(now),
            ));
        }
        am.update(txn).await?;
    }
    // Anonymous contacts: statistics only, about one a week; a few fewer the year before.
    anonymous(
        txn,
        org_id,
        coordinators,
        &mut d,
        day0(last_year),
        ANONYMOUS,
    )
    .await?;
    anonymous(
        txn,
        org_id,
        coordinators,
        &mut e,
        day0(last_year - 1),
        ANONYMOUS - 9,
    )
    .await?;
    Ok(())
}

/// `n` anonymous contacts over the year that begins at `year`.
async fn anonymous(
    txn: &DatabaseTransaction,
    org_id: Uuid,
    coordinators: &[Uuid],
    d: &mut Dice,
    year: DateTime<Utc>,
    n: usize,
) -> Result<(), DbErr> {
    for _ in 0..n {
        let at =
            year + Duration::days(d.below(358) as i64) + Duration::minutes(d.below(9 * 60) as i64);
        let problems = [
            vec![Problem::DomesticViolence],
            vec![Problem::FamilyConflict, Problem::Parenting],
            vec![Problem::Housing],
            vec![Problem::Administrative],
            vec![Problem::Isolation],
        ][d.below(5) as usize]
            .clone();
        anonymous_contact::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org_id),
            at: Set(at),
            channel: Set(if d.chance(60) { "phone" } else { "walk_in" }.into()),
            sex: Set(if d.chance(75) { "female" } else { "male" }.into()),
            age_band: Set([
                "from_18_to_25",
                "from_26_to_40",
                "from_41_to_60",
                "over_60",
                "unknown",
            ][d.below(5) as usize]
                .into()),
            problems: Set(problems_to_str(&problems)),
            action: Set(["listening", "information", "orientation"][d.below(3) as usize].into()),
            account_id: Set(coordinators[d.below(coordinators.len() as u64) as usize]),
            ..Stamp::take(txn, at).await?.new_row()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}
