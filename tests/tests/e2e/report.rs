//! The yearly report of a seeded year, checked against figures counted by hand, in JSON, CSV
//! and HTML, internal and external; and retention with its dry run.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use relais_domain::casework::{DocumentType, PersonRole};
use relais_domain::dto::{PersonInput, Sex};
use relais_domain::outreach::{Initiative, OriginChannel, SituationKind};
use relais_server::casework::situations::{NewSituation, insert_situation};
use relais_server::store::entities::{
    anonymous_contact, child_report, contact_attempt, interview, orientation, partner, situation,
};
use relais_tests::{Org, Server, org};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde_json::{Value, json};
use uuid::Uuid;

fn paris(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Paris
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

struct Seed {
    received: DateTime<Utc>,
    channel: OriginChannel,
    initiative: Initiative,
    role: PersonRole,
    sex: Sex,
    birth_year: Option<i32>,
    problems: &'static [&'static str],
    /// Hours from reception to first contact.
    reached_after: Option<i64>,
    attempts: u32,
    closed: Option<(DateTime<Utc>, &'static str)>,
}

#[allow(clippy::too_many_arguments)]
fn seed(
    received: DateTime<Utc>,
    channel: OriginChannel,
    initiative: Initiative,
    role: PersonRole,
    sex: Sex,
    birth_year: Option<i32>,
    problems: &'static [&'static str],
    reached_after: Option<i64>,
    attempts: u32,
    closed: Option<(DateTime<Utc>, &'static str)>,
) -> Seed {
    Seed {
        received,
        channel,
        initiative,
        role,
        sex,
        birth_year,
        problems,
        reached_after,
        attempts,
        closed,
    }
}

/// Insert a person and a situation as they would stand after the year, with their attempts.
async fn plant(s: &Server, a: &Org, x: &Seed) -> (Uuid, Uuid) {
    let db = s.state.db();
    let c = s.state.cipher();
    let p = relais_server::casework::persons::insert_person(
        db,
        c,
        a.id,
        a.coordinator.account_id,
        PersonInput {
            first_name: "Seed".into(),
            last_name: format!("Personne{}", Uuid::new_v4().simple()),
            birth_year: x.birth_year,
            sex: Some(x.sex),
            phone: None,
            email: None,
            address: None,
            commune: None,
            safe_contact: Default::default(),
            notes: None,
        },
        s.state.now(),
    )
    .await
    .unwrap();
    let problems: Vec<relais_domain::casework::Problem> = x
        .problems
        .iter()
        .map(|p| relais_domain::casework::Problem::parse(p).unwrap())
        .collect();
    let m = insert_situation(
        db,
        c,
        a.id,
        NewSituation {
            problems: relais_domain::casework::problems_to_str(&problems),
            consent_to_contact: true,
            document_type: DocumentType::Complaint,
            received_at: x.received,
            ..NewSituation::new(
                p.id,
                SituationKind::DomesticViolence,
                x.channel,
                x.initiative,
                x.role,
                x.received,
            )
        },
        s.state.now(),
    )
    .await
    .unwrap();
    let sid = m.id;
    let mut am = m.into_active_model();
    am.first_contact_at = Set(x.reached_after.map(|h| x.received + Duration::hours(h)));
    am.attempts_to_first_contact = Set(x.attempts as i32);
    if let Some((at, why)) = x.closed {
        am.state = Set("closed".into());
        am.close_reason = Set(Some(why.into()));
        am.closed_at = Set(Some(at));
    }
    am.update(db).await.unwrap();
    for i in 0..x.attempts {
        let now = Utc::now();
        contact_attempt::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(a.id),
            situation_id: Set(sid),
            person_id: Set(p.id),
            at: Set(x.received + Duration::hours(1 + i64::from(i))),
            channel: Set("call".into()),
            result: Set("no_answer".into()),
            note: Set(None),
            account_id: Set(a.coordinator.account_id),
            created_at: Set(now),
            updated_at: Set(now),
            change_seq: Set(0),
            deleted_at: Set(None),
        }
        .insert(db)
        .await
        .unwrap();
    }
    (p.id, sid)
}

async fn add_interview(s: &Server, a: &Org, ids: (Uuid, Uuid), at: DateTime<Utc>, mode: &str) {
    let now = Utc::now();
    interview::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(a.id),
        situation_id: Set(ids.1),
        person_id: Set(ids.0),
        at: Set(at),
        mode: Set(mode.into()),
        duration_minutes: Set(None),
        note: Set(None),
        account_id: Set(a.coordinator.account_id),
        site_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(0),
        deleted_at: Set(None),
    }
    .insert(s.state.db())
    .await
    .unwrap();
}

async fn add_orientation(
    s: &Server,
    a: &Org,
    ids: (Uuid, Uuid),
    at: DateTime<Utc>,
    kind: &str,
    status: &str,
) {
    let now = Utc::now();
    let pid = Uuid::new_v4();
    partner::ActiveModel {
        id: Set(pid),
        organisation_id: Set(a.id),
        name: Set(format!("Partenaire {kind}")),
        kind: Set(kind.into()),
        contact: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(0),
        deleted_at: Set(None),
    }
    .insert(s.state.db())
    .await
    .unwrap();
    orientation::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(a.id),
        situation_id: Set(ids.1),
        person_id: Set(ids.0),
        partner_id: Set(pid),
        partner_kind: Set(kind.into()),
        status: Set(status.into()),
        consent: Set(true),
        override_reason: Set(None),
        account_id: Set(a.coordinator.account_id),
        created_at: Set(at),
        updated_at: Set(at),
        change_seq: Set(0),
        deleted_at: Set(None),
    }
    .insert(s.state.db())
    .await
    .unwrap();
}

fn find(list: &Value, pred: impl Fn(&Value) -> bool) -> &Value {
    list.as_array().unwrap().iter().find(|x| pred(x)).unwrap()
}

#[tokio::test]
async fn the_report_of_a_seeded_year_matches_the_figures_counted_by_hand() {
    use Initiative::{OwnInitiative as Own, ThirdParty as Third};
    use OriginChannel as C;
    use PersonRole as R;
    let s = Server::start().await;
    let a = org(&s, "Rapport").await;
    let b = org(&s, "Autre réseau").await;
    let y = |m, d| paris(2025, m, d, 9);
    // Eleven situations received in 2025, one in December 2024 (closed in 2025).
    let seeds = [
        seed(
            y(1, 10),
            C::Gendarmerie,
            Third,
            R::Victim,
            Sex::Female,
            Some(1990),
            &["domestic_violence"],
            Some(6),
            2,
            Some((y(3, 1), "handed_over")),
        ),
        seed(
            y(1, 20),
            C::Gendarmerie,
            Own,
            R::Victim,
            Sex::Female,
            Some(1985),
            &["domestic_violence", "housing"],
            Some(24),
            1,
            None,
        ),
        seed(
            y(2, 5),
            C::Gendarmerie,
            Third,
            R::Victim,
            Sex::Female,
            Some(1995),
            &["domestic_violence"],
            Some(48),
            3,
            Some((y(4, 1), "resolved")),
        ),
        seed(
            y(2, 14),
            C::Gendarmerie,
            Third,
            R::Victim,
            Sex::Female,
            Some(2000),
            &["domestic_violence", "money"],
            Some(2),
            1,
            None,
        ),
        seed(
            y(3, 3),
            C::Gendarmerie,
            Third,
            R::Victim,
            Sex::Female,
            Some(1970),
            &["domestic_violence"],
            Some(12),
            1,
            Some((y(6, 1), "handed_over")),
        ),
        seed(
            y(3, 20),
            C::PoliceNationale,
            Third,
            R::AllegedPerpetrator,
            Sex::Male,
            Some(1980),
            &["domestic_violence"],
            None,
            3,
            Some((y(5, 1), "unreachable")),
        ),
        seed(
            y(4, 2),
            C::Partner,
            Third,
            R::Victim,
            Sex::Female,
            Some(2010),
            &["intrafamily_violence", "child_protection"],
            Some(4),
            1,
            None,
        ),
        seed(
            y(5, 5),
            C::WalkIn,
            Own,
            R::Victim,
            Sex::Female,
            Some(1992),
            &["domestic_violence"],
            Some(0),
            0,
            None,
        ),
        seed(
            y(6, 9),
            C::Phone,
            Own,
            R::Witness,
            Sex::Male,
            None,
            &["neighbourhood_conflict"],
            Some(1),
            1,
            None,
        ),
        seed(
            y(7, 1),
            C::Gendarmerie,
            Own,
            R::Victim,
            Sex::Female,
            Some(1988),
            &["domestic_violence", "harassment"],
            Some(72),
            2,
            None,
        ),
        seed(
            y(9, 15),
            C::PoliceMunicipale,
            Third,
            R::Relative,
            Sex::Female,
            Some(1960),
            &["family_conflict"],
            None,
            1,
            None,
        ),
        seed(
            paris(2024, 12, 30, 9),
            C::Gendarmerie,
            Third,
            R::Victim,
            Sex::Female,
            Some(1975),
            &["domestic_violence"],
            Some(3),
            1,
            Some((y(1, 15), "resolved")),
        ),
    ];
    let mut ids = Vec::new();
    for x in &seeds {
        ids.push(plant(&s, &a, x).await);
    }
    // The other organisation's activity must not count.
    plant(&s, &b, &seeds[0]).await;
    add_interview(&s, &a, ids[0], y(1, 15), "in_person").await;
    add_interview(&s, &a, ids[4], y(3, 10), "phone").await;
    add_interview(&s, &a, ids[7], y(5, 5), "in_person").await;
    add_interview(&s, &a, ids[6], y(4, 10), "in_person").await;
    add_interview(&s, &a, ids[9], y(7, 8), "home_visit").await;
    add_orientation(&s, &a, ids[0], y(1, 20), "cidff", "handed_over").await;
    add_orientation(&s, &a, ids[4], y(3, 15), "victim_support", "accepted").await;
    add_orientation(&s, &a, ids[6], y(4, 12), "child_protection", "proposed").await;
    let now = Utc::now();
    child_report::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(a.id),
        situation_id: Set(ids[6].1),
        person_id: Set(ids[6].0),
        reported_on: Set(NaiveDate::from_ymd_opt(2025, 4, 11).unwrap()),
        recipient: Set("crip".into()),
        account_id: Set(a.coordinator.account_id),
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(0),
        deleted_at: Set(None),
    }
    .insert(s.state.db())
    .await
    .unwrap();
    for (at, ch) in [
        (y(2, 1), "phone"),
        (y(6, 2), "walk_in"),
        (y(11, 3), "phone"),
    ] {
        anonymous_contact::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(a.id),
            at: Set(at),
            channel: Set(ch.into()),
            sex: Set("unknown".into()),
            age_band: Set("unknown".into()),
            problems: Set("other".into()),
            action: Set("listening".into()),
            account_id: Set(a.coordinator.account_id),
            created_at: Set(now),
            updated_at: Set(now),
            change_seq: Set(0),
            deleted_at: Set(None),
        }
        .insert(s.state.db())
        .await
        .unwrap();
    }

    let (st, r) = s
        .get(
            "/api/v1/report?from=2025-01-01&to=2025-12-31",
            &a.admin.token,
        )
        .await;
    assert_eq!(st, 200, "{r}");
    // Counted by hand from the seeds above.
    assert_eq!(r["new_situations"], 11);
    assert_eq!(
        r["people_accompanied"], 11,
        "everyone acted on in 2025 but the 2024 one"
    );
    assert_eq!(r["interviews_total"], 5);
    let count = |list: &str, key: &str| find(&r[list], |x| x["key"] == key)["count"].clone();
    assert_eq!(count("interviews", "in_person"), 3);
    assert_eq!(count("interviews", "phone"), 1);
    assert_eq!(count("interviews", "home_visit"), 1);
    assert_eq!(count("interviews", "at_partner"), 0);
    let origin = |c: &str, i: &str| {
        find(&r["origins"], |x| x["channel"] == c && x["initiative"] == i)["count"].clone()
    };
    assert_eq!(origin("gendarmerie", "third_party"), 4);
    assert_eq!(origin("gendarmerie", "own_initiative"), 2);
    assert_eq!(origin("police_nationale", "third_party"), 1);
    assert_eq!(origin("police_municipale", "third_party"), 1);
    assert_eq!(origin("partner", "third_party"), 1);
    assert_eq!(origin("walk_in", "own_initiative"), 1);
    assert_eq!(origin("phone", "own_initiative"), 1);
    assert_eq!(origin("phone", "third_party"), 0);
    let share = find(&r["origin_by_channel"], |x| x["key"] == "gendarmerie");
    assert_eq!(
        (share["count"].clone(), share["percent"].clone()),
        (json!(6), json!(54.5))
    );
    let share = find(&r["origin_by_initiative"], |x| x["key"] == "third_party");
    assert_eq!(
        (share["count"].clone(), share["percent"].clone()),
        (json!(7), json!(63.6))
    );
    assert_eq!(count("problems", "domestic_violence"), 8);
    for p in [
        "housing",
        "money",
        "intrafamily_violence",
        "child_protection",
        "neighbourhood_conflict",
        "harassment",
        "family_conflict",
    ] {
        assert_eq!(count("problems", p), 1, "{p}");
    }
    assert_eq!(count("problems", "health"), 0);
    assert_eq!(r["minors"], 1);
    let role = |g: &str, sx: &str, band: &str| {
        find(&r["roles"], |x| {
            x["role"] == g && x["sex"] == sx && x["age_band"] == band
        })["count"]
            .clone()
    };
    assert_eq!(role("victim", "female", "from_26_to_40"), 5);
    assert_eq!(role("victim", "female", "from_18_to_25"), 1);
    assert_eq!(role("victim", "female", "from_41_to_60"), 1);
    assert_eq!(role("victim", "female", "under_18"), 1);
    assert_eq!(role("alleged_perpetrator", "male", "from_41_to_60"), 1);
    assert_eq!(role("other", "male", "unknown"), 1);
    assert_eq!(role("other", "female", "over_60"), 1);
    let total: u64 = r["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["count"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 11);
    let re = &r["reachability"];
    assert_eq!(re["to_reach"], 10, "the walk-in is not counted");
    assert_eq!(re["reached"], 8);
    assert_eq!(re["percent_reached"], 80.0);
    assert_eq!(
        re["median_hours_to_first_contact"], 9.0,
        "median of 1,2,4,6,12,24,48,72"
    );
    assert_eq!(
        re["attempts_per_contact"], 1.5,
        "12 attempts for 8 contacts"
    );
    let orient = |k: &str, st: &str| {
        find(&r["orientations"], |x| {
            x["partner_kind"] == k && x["status"] == st
        })["count"]
            .clone()
    };
    assert_eq!(orient("cidff", "handed_over"), 1);
    assert_eq!(orient("victim_support", "accepted"), 1);
    assert_eq!(orient("child_protection", "proposed"), 1);
    assert_eq!(orient("lawyer", "proposed"), 0);
    assert_eq!(count("closures", "handed_over"), 2);
    assert_eq!(
        count("closures", "resolved"),
        2,
        "including the 2024 situation closed in 2025"
    );
    assert_eq!(count("closures", "unreachable"), 1);
    assert_eq!(count("child_reports", "crip"), 1);
    assert_eq!(r["anonymous_contacts"], 3);
    assert_eq!(count("anonymous_by_channel", "phone"), 2);
    let months: Vec<(Value, Value)> = r["monthly"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["new_situations"].clone(), m["attempts"].clone()))
        .collect();
    let expect = [
        (2, 3),
        (2, 4),
        (2, 4),
        (1, 1),
        (1, 0),
        (1, 1),
        (1, 2),
        (0, 0),
        (1, 1),
        (0, 0),
        (0, 0),
        (0, 0),
    ];
    assert_eq!(months.len(), 12);
    for (i, (n, at)) in expect.iter().enumerate() {
        assert_eq!(months[i], (json!(n), json!(at)), "month {}", i + 1);
    }

    // For funders: every count from 1 to 4 suppressed; ratios over 8 reached people shown.
    let (st, x) = s
        .get(
            "/api/v1/report?from=2025-01-01&to=2025-12-31&audience=external",
            &a.admin.token,
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(x["suppressed_below"], 5);
    assert_eq!(x["new_situations"], 11);
    // Five interviews in five different months: five small months under a total of 5 would
    // say each is 1, so enough of them are published as withheld (any size) for each small
    // one to keep its four possible values; the total stays (issue 26 §1).
    assert_eq!(x["interviews_total"], 5);
    let months: Vec<&Value> = x["monthly"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["interviews"])
        .filter(|c| *c != 0)
        .collect();
    assert_eq!(months.len(), 5, "{months:?}");
    let withheld = months.iter().filter(|c| **c == "withheld").count();
    assert!(withheld >= 3, "{months:?}");
    assert!(months.iter().all(|c| *c == "withheld" || *c == "small"));
    // Small counts, hidden: published as small, or as withheld where "small" itself would
    // say too much beside the other small counts of their totals.
    for k in ["minors", "anonymous_contacts"] {
        assert!(x[k] == "small" || x[k] == "withheld", "{k}: {}", x[k]);
    }
    assert_eq!(x["reachability"]["percent_reached"], 80.0);
    assert_eq!(x["reachability"]["median_hours_to_first_contact"], 9.0);
    let xorigin = find(&x["origins"], |o| {
        o["channel"] == "gendarmerie" && o["initiative"] == "third_party"
    });
    assert_eq!(xorigin["count"], "small");
    fn walk(v: &Value, path: &str) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if (k == "count" || k == "reached" || k == "to_reach")
                        && let Some(n) = v.as_u64()
                    {
                        assert!(n == 0 || n >= 5, "{path}.{k} = {n} leaks a small cell");
                    }
                    walk(v, &format!("{path}.{k}"));
                }
            }
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(v, &format!("{path}[{i}]"))),
            _ => {}
        }
    }
    walk(&x, "");

    // CSV and the printable page carry the same figures.
    let res = s
        .http
        .get(format!(
            "{}/api/v1/report?from=2025-01-01&to=2025-12-31&format=csv&audience=external",
            s.base
        ))
        .bearer_auth(&a.admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("section,dimension_1,dimension_2,dimension_3,value,kind\n"));
    assert!(csv.contains("\nnew_situations,,,,11,shown\n"), "{csv}");
    assert!(
        csv.contains("\norigin,gendarmerie,third_party,,<5,small\n"),
        "{csv}"
    );
    assert!(csv.contains("\nproblems,domestic_violence,,,8,shown\n"));
    assert!(csv.contains("\nreachability,median_hours_to_first_contact,,,9,shown\n"));
    let res = s
        .http
        .get(format!(
            "{}/api/v1/report?from=2025-01-01&to=2025-12-31&format=html",
            s.base
        ))
        .bearer_auth(&a.admin.token)
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = res.text().await.unwrap();
    assert!(html.starts_with("<!doctype html><html lang=\"fr\">"));
    assert_eq!(
        html.matches("<svg").count(),
        6,
        "origins, communes, problems, orientations, prevention, months"
    );
    assert!(html.contains("Par commune de résidence") && html.contains("Commune non renseignée"));
    assert!(html.contains("Personnes accompagnées<b>11</b>"));
    assert!(html.contains("Violences conjugales"));
    assert!(!html.contains("Seed"), "no names in the report");

    // Bad ranges get a 400 naming the parameter.
    for (q, field) in [
        ("from=2025-13-01&to=2025-12-31", "from"),
        ("from=2025-01-01", "to"),
        ("from=2025-06-01&to=2025-01-01", "to"),
        ("from=2025-01-01&to=2025-12-31&audience=press", "audience"),
        ("from=2025-01-01&to=2025-12-31&format=pdf", "format"),
    ] {
        let (st, e) = s.get(&format!("/api/v1/report?{q}"), &a.admin.token).await;
        assert_eq!(st, 400, "{q}: {e}");
        assert_eq!(e["errors"][0]["field"], field, "{q}");
    }
    s.stop().await;
}

#[tokio::test]
async fn retention_lists_on_a_dry_run_then_anonymises_and_keeps_the_statistics() {
    let s = Server::start().await;
    let a = org(&s, "Conservation").await;
    let now = Utc::now();
    // Never reached, received 7 months ago.
    let unreached = plant(
        &s,
        &a,
        &seed(
            now - Duration::days(213),
            OriginChannel::Gendarmerie,
            Initiative::ThirdParty,
            PersonRole::Victim,
            Sex::Female,
            Some(1980),
            &["domestic_violence"],
            None,
            2,
            None,
        ),
    )
    .await;
    // Reached, last activity 25 months ago.
    let old = plant(
        &s,
        &a,
        &seed(
            now - Duration::days(800),
            OriginChannel::Partner,
            Initiative::ThirdParty,
            PersonRole::Victim,
            Sex::Female,
            Some(1970),
            &["housing"],
            Some(5),
            1,
            Some((now - Duration::days(760), "resolved")),
        ),
    )
    .await;
    // Reached last month: stays.
    let recent = plant(
        &s,
        &a,
        &seed(
            now - Duration::days(30),
            OriginChannel::Gendarmerie,
            Initiative::ThirdParty,
            PersonRole::Victim,
            Sex::Female,
            Some(1990),
            &["domestic_violence"],
            Some(2),
            1,
            None,
        ),
    )
    .await;
    // Make the old file's own timestamps old too.
    for id in [old.0] {
        use relais_server::store::entities::person;
        use sea_orm::EntityTrait;
        let p = person::Entity::find_by_id(id)
            .one(s.state.db())
            .await
            .unwrap()
            .unwrap();
        let mut am = p.into_active_model();
        am.updated_at = Set(now - Duration::days(800));
        am.update(s.state.db()).await.unwrap();
        let m = situation::Entity::find_by_id(old.1)
            .one(s.state.db())
            .await
            .unwrap()
            .unwrap();
        let mut am = m.into_active_model();
        am.last_activity_at = Set(now - Duration::days(760));
        am.update(s.state.db()).await.unwrap();
    }
    let admin = a.admin.token.as_str();
    let (st, dry) = s
        .post("/api/v1/retention", Some(admin), json!({"dry_run": true}))
        .await;
    assert_eq!(st, 200, "{dry}");
    assert_eq!(dry["anonymised"], 0);
    let rule_of = |id: Uuid| {
        dry["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["person_id"] == id.to_string())
            .map(|i| i["rule"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        rule_of(unreached.0).as_deref(),
        Some("never_reached_six_months")
    );
    assert_eq!(rule_of(old.0).as_deref(), Some("inactive_two_years"));
    assert_eq!(rule_of(recent.0), None);
    assert_eq!(rule_of(a.person_id), None);
    let (_, before) = s.get(&format!("/api/v1/persons/{}", old.0), admin).await;
    assert_eq!(before["first_name"], "Seed", "a dry run changes nothing");
    let (_, report_before) = s
        .get("/api/v1/report?from=2020-01-01&to=2026-12-31", admin)
        .await;

    let (st, run) = s
        .post("/api/v1/retention", Some(admin), json!({"dry_run": false}))
        .await;
    assert_eq!(st, 200, "{run}");
    assert_eq!(run["anonymised"], 2);
    for id in [unreached.0, old.0] {
        let (st, p) = s.get(&format!("/api/v1/persons/{id}"), admin).await;
        assert_eq!(st, 200);
        assert_eq!(p["first_name"], "");
        assert_eq!(p["last_name"], "");
        assert_eq!(p["phone"], Value::Null);
        assert!(p["birth_year"].is_number(), "statistics stay");
    }
    let (_, p) = s.get(&format!("/api/v1/persons/{}", recent.0), admin).await;
    assert_eq!(p["first_name"], "Seed");
    // The unreached situation is closed as unreachable; the figures are unchanged.
    let (_, sit) = s
        .get(&format!("/api/v1/situations/{}", unreached.1), admin)
        .await;
    assert_eq!(sit["state"], "closed");
    assert_eq!(sit["close_reason"], "unreachable");
    assert_eq!(sit["person_initials"], "—");
    let (_, report_after) = s
        .get("/api/v1/report?from=2020-01-01&to=2026-12-31", admin)
        .await;
    for k in [
        "new_situations",
        "people_accompanied",
        "origins",
        "problems",
        "roles",
        "reachability",
    ] {
        assert_eq!(report_before[k], report_after[k], "{k}");
    }
    // A second run has nothing left to do; coordinators cannot run it.
    let (_, again) = s
        .post("/api/v1/retention", Some(admin), json!({"dry_run": false}))
        .await;
    assert_eq!(again["anonymised"], 0);
    let (st, _) = s
        .post(
            "/api/v1/retention",
            Some(&a.coordinator.token),
            json!({"dry_run": true}),
        )
        .await;
    assert_eq!(st, 403);
    s.stop().await;
}

/// An overseas service: the report's days are its zone's, not Paris's (issue 11, item 4).
#[tokio::test]
async fn the_report_counts_days_in_the_organisation_s_zone() {
    let s = Server::start().await;
    let a = org(&s, "Océan Indien").await;
    let (st, body) = s
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/sites/{}", a.site_id),
            Some(&a.admin.token),
            Some(json!({"name": "Antenne", "address": "1 rue du Port", "time_zone": "Indian/Reunion"})),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    // 31 December 2026 at 21:00 UTC: 22:00 in Paris, but already 1 January 01:00 in Réunion.
    let received = Utc.with_ymd_and_hms(2026, 12, 31, 21, 0, 0).unwrap();
    plant(
        &s,
        &a,
        &seed(
            received,
            OriginChannel::Gendarmerie,
            Initiative::ThirdParty,
            PersonRole::Victim,
            Sex::Female,
            Some(1990),
            &["domestic_violence"],
            None,
            0,
            None,
        ),
    )
    .await;
    let count = |from: &'static str, to: &'static str| {
        let s = &s;
        let token = a.admin.token.clone();
        async move {
            let (st, r) = s
                .get(&format!("/api/v1/report?from={from}&to={to}"), &token)
                .await;
            assert_eq!(st, 200, "{r}");
            r["new_situations"].as_i64().unwrap()
        }
    };
    assert_eq!(count("2027-01-01", "2027-01-31").await, 1);
    assert_eq!(count("2026-12-01", "2026-12-31").await, 0);
}

/// Every count of `outside` says the truth about the same count of `inside`: a number is
/// the number, "small" is 1 to 4; "withheld" may be anything.
fn labels_are_true(outside: &Value, inside: &Value, path: &str) {
    match (outside, inside) {
        (Value::Object(o), Value::Object(i)) => {
            for (k, v) in o {
                labels_are_true(v, &i[k], &format!("{path}.{k}"));
            }
        }
        (Value::Array(o), Value::Array(i)) => {
            for (n, (a, b)) in o.iter().zip(i).enumerate() {
                labels_are_true(a, b, &format!("{path}[{n}]"));
            }
        }
        (Value::String(s), Value::Number(n)) if s == "small" => {
            let n = n.as_u64().unwrap();
            assert!((1..5).contains(&n), "{path}: {n} published as small");
        }
        (Value::Number(a), Value::Number(b)) if !path.contains("percent") => {
            assert_eq!(a, b, "{path}");
        }
        _ => {}
    }
}

// Issue 26 §1: the demo's year for funders. A count hidden to protect a small one reads as
// withheld, never "< 5": partner and phone referrals (20 and 16) are not published as small.
#[tokio::test]
async fn the_demo_year_for_funders_says_which_counts_are_hidden_and_why() {
    use chrono::Datelike;
    use relais_domain::report::{Audience, Cell, Hidden, compute};
    use sea_orm::EntityTrait;
    let s = Server::start().await;
    relais_server::demo::seed(&s.state).await.unwrap();
    let org = relais_server::store::entities::organisation::Entity::find()
        .one(s.state.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    let y = relais_tests::paris_today().year() - 1;
    let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(y, 12, 31).unwrap();
    let facts =
        relais_server::casework::report::load_facts(s.state.db(), s.state.cipher(), org, from, to)
            .await
            .unwrap();
    let inside = compute(&facts, from, to, Audience::Internal);
    let outside = compute(&facts, from, to, Audience::External);
    assert_eq!(inside.new_situations, Cell::Shown(124));
    for key in [OriginChannel::Partner, OriginChannel::Phone] {
        let c = outside
            .origin_by_channel
            .iter()
            .find(|c| c.key == key)
            .unwrap();
        assert_ne!(c.count, Cell::Hidden(Hidden::Small), "{key:?}");
    }
    labels_are_true(
        &serde_json::to_value(&outside).unwrap(),
        &serde_json::to_value(&inside).unwrap(),
        "",
    );
    // A reader who solves every total at once works out no hidden cell.
    let found = relais_domain::report::reader::worked_out(&outside);
    assert!(found.is_empty(), "{}", found.join("\n"));
    s.stop().await;
}
