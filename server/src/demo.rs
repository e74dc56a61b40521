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
            commune: Some("Villefontaine".into()),
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
    prevention::seed(&txn, org_id, coordinators[0], &partners, now).await?;
    // The post's conventions, one per commune (seed 002: a post shared by communes), each for
    // three years from the year before last.
    let y = chrono::Datelike::year(&now.with_timezone(&crate::zone::DEFAULT));
    for (funder, commune) in [
        ("Ville de Villefontaine (démo)", "38553"),
        ("Ville de La Verpillière (démo)", "38537"),
    ] {
        crate::store::entities::convention::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org_id),
            funder: Set(funder.into()),
            communes: Set(commune.into()),
            site_ids: Set(String::new()),
            valid_from: Set(chrono::NaiveDate::from_ymd_opt(y - 2, 1, 1).unwrap_or_default()),
            valid_until: Set(chrono::NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or_default()),
            ..Stamp::take(&txn, now).await?.new_row()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(Some(DemoCredentials {
        organisation: org_name.into(),
        accounts,
    }))
}

mod prevention;
mod year;
