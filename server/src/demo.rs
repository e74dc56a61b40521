//! The demo organisation: two sites, an admin, two coordinators, a referrer, a few persons
//! waiting in the queue and a year of past activity (`year`), all fictitious. Accounts get a
//! TOTP secret so the demo logs in as production does.

use relais_domain::Role;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set, TransactionTrait};
use serde::Serialize;
use uuid::Uuid;

use crate::accounts::create_account;
use crate::auth::totp;
use crate::casework::persons::insert_person;
use crate::state::AppState;
use crate::store::Stamp;
use crate::store::entities::{
    account, account_site, appointment_type, opening_window, organisation, site,
};
use relais_domain::dto::{BookableBy, PersonInput, PlaceKind, Sex};

#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    pub role: Role,
    pub email: String,
    pub password: String,
    /// Base32 TOTP secret: add it to an authenticator app, or `relais totp-code SECRET`.
    pub totp_secret: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoCredentials {
    pub organisation: String,
    pub accounts: Vec<DemoAccount>,
}

pub const DEMO_PASSWORD: &str = "relais demo mot de passe";

/// Seeds the demo unless an organisation already exists; returns the credentials either way
/// when it seeded, `None` when it found existing data.
pub async fn seed(state: &AppState) -> Result<Option<DemoCredentials>, sea_orm::DbErr> {
    let db = state.db();
    if organisation::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    let now = state.now();
    let org_id = Uuid::new_v4();
    let org_name = "Coordination sociale Nord-Isère (démo)";
    let phc = state.hasher().hash(DEMO_PASSWORD);
    let txn = db.begin().await?;
    organisation::ActiveModel {
        id: Set(org_id),
        name: Set(org_name.into()),
        message_words: Set(None),
        ..Stamp::take(&txn, now).await?.new_row()
    }
    .insert(&txn)
    .await?;
    let mut site_ids = Vec::new();
    // The brigade's address names it: its messages say nothing of the place.
    for (name, address, phone, message_place) in [
        (
            "Brigade de gendarmerie de Villefontaine",
            "2 rue de la Gendarmerie, 38090 Villefontaine",
            "+33474000000",
            None,
        ),
        (
            "Hôtel de ville de Villefontaine — permanence",
            "Place Mendès-France, 38090 Villefontaine",
            "+33474000001",
            Some("Place Mendès-France, Villefontaine"),
        ),
    ] {
        let id = Uuid::new_v4();
        site::ActiveModel {
            id: Set(id),
            organisation_id: Set(org_id),
            name: Set(name.into()),
            address: Set(address.into()),
            phone: Set(Some(phone.into())),
            time_zone: Set("Europe/Paris".into()),
            alsace_moselle: Set(false),
            message_place: Set(message_place.map(str::to_owned)),
            ..Stamp::take(&txn, now).await?.new_row()
        }
        .insert(&txn)
        .await?;
        site_ids.push(id);
    }
    let mut accounts = Vec::new();
    let mut coordinator = None;
    let mut coordinators = Vec::new();
    for (role, email, name, sites) in [
        (
            Role::Admin,
            "admin@demo.relais.test",
            "Administratrice CCAS",
            vec![],
        ),
        (
            Role::Coordinator,
            "marie@demo.relais.test",
            "Marie (intervenante sociale)",
            site_ids.clone(),
        ),
        (
            Role::Coordinator,
            "karim@demo.relais.test",
            "Karim (intervenant social)",
            vec![site_ids[1]],
        ),
        (
            Role::Referrer,
            "referent@demo.relais.test",
            "Adjudant référent",
            vec![site_ids[0]],
        ),
    ] {
        let a = create_account(&txn, org_id, email, name, role, phc.clone(), now).await?;
        let secret = totp::generate_secret();
        let mut am: account::ActiveModel = a.clone().into();
        am.totp_secret = Set(Some(state.cipher().seal(
            "account",
            "totp_secret",
            a.id,
            &secret,
        )));
        am.totp_enrolled = Set(true);
        am.update(&txn).await?;
        for s in sites {
            account_site::ActiveModel {
                account_id: Set(a.id),
                site_id: Set(s),
                organisation_id: Set(org_id),
            }
            .insert(&txn)
            .await?;
        }
        if role == Role::Coordinator {
            coordinator.get_or_insert(a.id);
            coordinators.push(a.id);
        }
        accounts.push(DemoAccount {
            role,
            email: email.into(),
            password: DEMO_PASSWORD.into(),
            totp_secret: totp::secret_base32(&secret),
        });
    }
    // Two appointment types and the coordinators' weekly windows, so that availability and
    // booking work at once: Marie at the brigade early in the week and at the town hall late
    // in it, Karim at the town hall.
    for (name, minutes, place) in [
        ("Entretien", 45, PlaceKind::Site),
        ("Appel téléphonique", 20, PlaceKind::Phone),
    ] {
        appointment_type::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org_id),
            name: Set(name.into()),
            public_label: Set("Rendez-vous".into()),
            duration_minutes: Set(minutes),
            step_minutes: Set(15),
            buffer_before_minutes: Set(0),
            buffer_after_minutes: Set(10),
            min_notice_minutes: Set(60),
            max_horizon_days: Set(60),
            place_kind: Set(place.as_str().into()),
            // The interview can be booked by the person from a link; the call by staff only.
            bookable_by: Set(if place == PlaceKind::Site {
                BookableBy::Public.as_str().into()
            } else {
                BookableBy::Staff.as_str().into()
            }),
            reminders: Set(true),
            reminder_offset_hours: Set(48),
            ..Stamp::take(&txn, now).await?.new_row()
        }
        .insert(&txn)
        .await?;
    }
    let (brigade, town_hall) = (site_ids[0], site_ids[1]);
    for (who, site, days, start, end) in [
        (0, brigade, "1,2", "09:00", "12:30"),
        (0, brigade, "1,2", "13:30", "17:00"),
        (0, town_hall, "4,5", "09:00", "12:30"),
        (1, town_hall, "1,2,3", "09:00", "12:00"),
        (1, town_hall, "1,2,3", "14:00", "17:30"),
    ] {
        opening_window::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org_id),
            coordinator_id: Set(coordinators[who]),
            site_id: Set(site),
            days: Set(days.into()),
            start_time: Set(start.into()),
            end_time: Set(end.into()),
            valid_from: Set(None),
            valid_until: Set(None),
            ..Stamp::take(&txn, now).await?.new_row()
        }
        .insert(&txn)
        .await?;
    }
    for (first, last, year, sex, phone) in [
        (
            "Camille",
            "Exemple",
            1991,
            Sex::Female,
            Some("06 00 00 00 01"),
        ),
        ("Jordan", "Fictif", 1987, Sex::Male, None),
        (
            "Inès",
            "Démonstration",
            2009,
            Sex::Female,
            Some("06 00 00 00 03"),
        ),
    ] {
        let input = PersonInput {
            first_name: first.into(),
            last_name: last.into(),
            birth_year: Some(year),
            sex: Some(sex),
            phone: phone.map(Into::into),
            email: None,
            address: None,
            safe_contact: Default::default(),
            notes: None,
        };
        let p = insert_person(
            &txn,
            state.cipher(),
            org_id,
            coordinator.unwrap_or_default(),
            input,
            now,
        )
        .await
        .map_err(|e| sea_orm::DbErr::Custom(format!("demo person refused: {e:?}")))?;
        // Each person arrives as a situation in the call-back queue.
        use relais_domain::casework::{DocumentType, PersonRole, Problem, problems_to_str};
        use relais_domain::outreach::{Initiative, OriginChannel, SituationKind, Urgency};
        let (kind, channel, urgency, problems) = match first {
            "Camille" => (
                SituationKind::DomesticViolence,
                OriginChannel::Gendarmerie,
                Urgency {
                    recent_call_out: true,
                    ..Urgency::default()
                },
                vec![Problem::DomesticViolence, Problem::Housing],
            ),
            "Inès" => (
                SituationKind::FamilyConflict,
                OriginChannel::PoliceNationale,
                Urgency {
                    minor_involved: true,
                    ..Urgency::default()
                },
                vec![Problem::FamilyConflict, Problem::Parenting],
            ),
            _ => (
                SituationKind::Other,
                OriginChannel::Partner,
                Urgency::default(),
                vec![Problem::Administrative],
            ),
        };
        crate::casework::situations::insert_situation(
            &txn,
            state.cipher(),
            org_id,
            crate::casework::situations::NewSituation {
                urgency,
                problems: problems_to_str(&problems),
                consent_to_contact: true,
                document_type: DocumentType::LogbookEntry,
                unit: Some("Brigade de démonstration".into()),
                received_at: now,
                ..crate::casework::situations::NewSituation::new(
                    p.id,
                    kind,
                    channel,
                    Initiative::ThirdParty,
                    PersonRole::Victim,
                    now,
                )
            },
            now,
        )
        .await
        .map_err(|e| sea_orm::DbErr::Custom(format!("demo situation refused: {e:?}")))?;
    }
    let mut partners = Vec::new();
    for (name, kind) in [
        ("France Victimes (démonstration)", "victim_support"),
        ("CIDFF (démonstration)", "cidff"),
        ("CRIP du Département (démonstration)", "child_protection"),
        ("SIAO 115 (démonstration)", "emergency_housing"),
    ] {
        let id = Uuid::new_v4();
        partners.push((id, kind));
        crate::store::entities::partner::ActiveModel {
            id: Set(id),
            organisation_id: Set(org_id),
            name: Set(name.into()),
            kind: Set(kind.into()),
            contact: Set(None),
            ..Stamp::take(&txn, now).await?.new_row()
        }
        .insert(&txn)
        .await?;
    }
    year::seed(
        &txn,
        state,
        org_id,
        &coordinators,
        &site_ids,
        &partners,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Some(DemoCredentials {
        organisation: org_name.into(),
        accounts,
    }))
}

/// A year of activity shaped like the service in the seed documents (its second year): about
/// 124 new situations last calendar year — origins about 53 % gendarmerie, 17 % partners,
/// 27 % own initiative — and the files carried over from the year before, about 320 people
/// followed in all; attempts, interviews, orientations, child-in-danger reports and
/// closures. Deterministic (a fixed seed), so two demos show the same report.
mod year {
    use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
    use relais_domain::casework::{DocumentType, PersonRole, Problem, Sex, problems_to_str};
    use relais_domain::dto::PersonInput;
    use relais_domain::outreach::{
        AttemptChannel, AttemptResult, CloseReason, Initiative, OriginChannel, SituationKind,
        State, Urgency,
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
        "Thomas", "Karim", "Julien", "Mehdi", "Nicolas", "Kevin", "Yanis", "Lucas", "Romain",
        "Samir", "Maxime", "Bruno",
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
        // Anonymous contacts: statistics only, about one a week.
        for _ in 0..ANONYMOUS {
            let at = day0(last_year)
                + Duration::days(d.below(358) as i64)
                + Duration::minutes(d.below(9 * 60) as i64);
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
                action: Set(
                    ["listening", "information", "orientation"][d.below(3) as usize].into(),
                ),
                account_id: Set(coordinators[d.below(coordinators.len() as u64) as usize]),
                ..Stamp::take(txn, at).await?.new_row()
            }
            .insert(txn)
            .await?;
        }
        Ok(())
    }
}
