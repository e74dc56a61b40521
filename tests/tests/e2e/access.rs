//! The access matrix: every endpoint × every role of the owning organisation, the other
//! organisation's staff, and missing, forged, expired and revoked tokens.

use relais_tests::{Org, Server, org};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Who {
    Admin,
    Coordinator,
    Referrer,
}
use Who::*;

struct Endpoint {
    method: Method,
    path: String,
    body: Option<Value>,
    allowed: &'static [Who],
    /// Whether the allowed roles' call is made (not for deletions, which would change the fixture).
    run_allowed: bool,
    /// Whether the path names one of the owning organisation's records.
    names_record: bool,
}

fn ep(
    method: Method,
    path: String,
    body: Option<Value>,
    allowed: &'static [Who],
    names_record: bool,
) -> Endpoint {
    Endpoint {
        method,
        path,
        body,
        allowed,
        run_allowed: true,
        names_record,
    }
}

/// Outreach records of organisation A for the matrix.
struct Outreach {
    situation: String,
    partner: String,
    orientation: String,
    link: String,
    unit: String,
    public_type: String,
    booking_link: String,
}

async fn outreach_fixture(s: &Server, a: &Org) -> Outreach {
    let c = a.coordinator.token.as_str();
    let new_situation = || {
        json!({"person_id": a.person_id, "kind": "family_conflict", "channel": "gendarmerie",
               "initiative": "third_party", "person_role": "victim"})
    };
    let (st, sit) = s.post("/api/v1/situations", Some(c), new_situation()).await;
    assert_eq!(st, 201, "{sit}");
    let (_, assessed) = s.post("/api/v1/situations", Some(c), new_situation()).await;
    let aid = assessed["id"].as_str().unwrap();
    let (st, _) = s
        .post(
            &format!("/api/v1/situations/{aid}/interviews"),
            Some(c),
            json!({"mode": "phone"}),
        )
        .await;
    assert_eq!(st, 201);
    let (st, partner) = s
        .post(
            "/api/v1/partners",
            Some(&a.admin.token),
            json!({"name": "France Victimes", "kind": "victim_support"}),
        )
        .await;
    assert_eq!(st, 201, "{partner}");
    let (st, o) = s
        .post(
            &format!("/api/v1/situations/{aid}/orientations"),
            Some(c),
            json!({"partner_id": partner["id"], "consent": true}),
        )
        .await;
    assert_eq!(st, 201, "{o}");
    let (_, other) = s
        .post(
            "/api/v1/persons",
            Some(c),
            json!({"first_name": "Marc", "last_name": "Lié"}),
        )
        .await;
    let (st, link) = s
        .post(
            &format!("/api/v1/persons/{}/links", a.person_id),
            Some(c),
            json!({"other_person_id": other["id"], "relation": "family"}),
        )
        .await;
    assert_eq!(st, 201, "{link}");
    let (st, unit) = s
        .post(
            "/api/v1/partner-units",
            Some(&a.admin.token),
            json!({"name": "Brigade", "channel": "gendarmerie"}),
        )
        .await;
    assert_eq!(st, 201, "{unit}");
    let (st, ty) = s
        .post(
            "/api/v1/appointment-types",
            Some(&a.admin.token),
            json!({"name": "Par lien", "public_label": "Rendez-vous", "duration_minutes": 30,
                   "place_kind": "site", "bookable_by": "public"}),
        )
        .await;
    assert_eq!(st, 201, "{ty}");
    let (st, bl) = s
        .post(
            &format!("/api/v1/persons/{}/booking-links", a.person_id),
            Some(c),
            json!({"type_id": ty["id"], "site_ids": [a.site_id]}),
        )
        .await;
    assert_eq!(st, 201, "{bl}");
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    Outreach {
        situation: id(&sit),
        partner: id(&partner),
        orientation: id(&o),
        link: id(&link),
        unit: id(&unit),
        public_type: id(&ty),
        booking_link: id(&bl),
    }
}

fn outreach_endpoints(a: &Org, o: &Outreach) -> Vec<Endpoint> {
    let all: &'static [Who] = &[Admin, Coordinator, Referrer];
    let staff: &'static [Who] = &[Admin, Coordinator];
    let admin: &'static [Who] = &[Admin];
    let sid = &o.situation;
    let referral = json!({"first_name": "Inès", "last_name": "Matrice", "consent_to_contact": true,
        "kind": "domestic_violence", "person_role": "victim", "document_type": "logbook_entry",
        "channel": "gendarmerie", "unit": "Brigade"});
    let mut v = vec![
        ep(
            Method::GET,
            format!("/api/v1/persons/{}/booking-links", a.person_id),
            None,
            staff,
            true,
        ),
        ep(
            Method::POST,
            format!("/api/v1/persons/{}/booking-links", a.person_id),
            Some(json!({"type_id": o.public_type, "site_ids": [a.site_id]})),
            staff,
            true,
        ),
        ep(
            Method::POST,
            format!("/api/v1/booking-links/{}/revoke", o.booking_link),
            Some(json!({})),
            staff,
            true,
        ),
        ep(Method::GET, "/api/v1/referrals".into(), None, all, false),
        ep(
            Method::POST,
            "/api/v1/referrals".into(),
            Some(referral),
            all,
            false,
        ),
        ep(Method::GET, "/api/v1/situations".into(), None, staff, false),
        ep(
            Method::POST,
            "/api/v1/situations".into(),
            Some(
                json!({"person_id": a.person_id, "kind": "other", "channel": "phone",
                        "initiative": "own_initiative", "person_role": "other"}),
            ),
            staff,
            false,
        ),
        ep(
            Method::GET,
            format!("/api/v1/situations/{sid}"),
            None,
            staff,
            true,
        ),
        // A hand-over changes the version the other calls use: refusals only.
        Endpoint {
            run_allowed: false,
            ..ep(
                Method::POST,
                format!("/api/v1/situations/{sid}/assign"),
                Some(json!({"assigned_to": null, "version": 1})),
                staff,
                true,
            )
        },
        ep(
            Method::POST,
            format!("/api/v1/situations/{sid}/attempts"),
            Some(json!({"channel": "call", "result": "no_answer"})),
            staff,
            true,
        ),
        ep(
            Method::POST,
            format!("/api/v1/situations/{sid}/child-reports"),
            Some(json!({"reported_on": chrono::Utc::now().date_naive(), "recipient": "crip"})),
            staff,
            true,
        ),
        ep(
            Method::GET,
            format!("/api/v1/situations/{sid}/orientations"),
            None,
            staff,
            true,
        ),
        ep(Method::GET, "/api/v1/queue".into(), None, staff, false),
        ep(
            Method::POST,
            "/api/v1/walk-ins".into(),
            Some(json!({"first_name": "Anonyme", "kind": "other", "person_role": "victim"})),
            staff,
            false,
        ),
        ep(
            Method::POST,
            "/api/v1/anonymous-contacts".into(),
            Some(json!({"channel": "phone", "action": "listening"})),
            staff,
            false,
        ),
        ep(Method::GET, "/api/v1/partners".into(), None, staff, false),
        ep(
            Method::POST,
            "/api/v1/partners".into(),
            Some(json!({"name": "CIDFF", "kind": "cidff"})),
            admin,
            false,
        ),
        ep(
            Method::PUT,
            format!("/api/v1/partners/{}", o.partner),
            Some(json!({"name": "France Victimes 71", "kind": "victim_support"})),
            admin,
            true,
        ),
        ep(
            Method::GET,
            format!("/api/v1/persons/{}/links", a.person_id),
            None,
            staff,
            true,
        ),
        ep(
            Method::GET,
            "/api/v1/report?from=2026-01-01&to=2026-12-31".into(),
            None,
            staff,
            false,
        ),
        ep(
            Method::POST,
            "/api/v1/retention".into(),
            Some(json!({"dry_run": true})),
            admin,
            false,
        ),
        ep(
            Method::GET,
            "/api/v1/partner-units".into(),
            None,
            admin,
            false,
        ),
        ep(
            Method::GET,
            format!("/api/v1/appointments/{}/notifications", a.appointment_id),
            None,
            staff,
            true,
        ),
        ep(Method::GET, "/api/v1/dev-outbox".into(), None, admin, false),
        ep(
            Method::POST,
            "/api/v1/partner-units".into(),
            Some(json!({"name": "Commissariat", "channel": "police_nationale"})),
            admin,
            false,
        ),
    ];
    // Calls that change state once: their allowed roles are tested elsewhere.
    for (method, path, body, allowed) in [
        (
            Method::POST,
            format!("/api/v1/situations/{sid}/events"),
            json!({"event": "acknowledge", "version": 1}),
            staff,
        ),
        (
            Method::POST,
            format!("/api/v1/situations/{sid}/interviews"),
            json!({"mode": "phone"}),
            staff,
        ),
        (
            Method::POST,
            format!("/api/v1/situations/{sid}/reopen"),
            json!({}),
            staff,
        ),
        (
            Method::POST,
            format!("/api/v1/situations/{sid}/orientations"),
            json!({"partner_id": o.partner, "consent": true}),
            staff,
        ),
        (
            Method::POST,
            format!("/api/v1/orientations/{}/status", o.orientation),
            json!({"status": "accepted"}),
            staff,
        ),
        (
            Method::POST,
            format!("/api/v1/persons/{}/links", a.person_id),
            json!({"other_person_id": a.person_id, "relation": "family"}),
            staff,
        ),
        (
            Method::DELETE,
            format!("/api/v1/person-links/{}", o.link),
            Value::Null,
            staff,
        ),
        (
            Method::DELETE,
            format!("/api/v1/partners/{}", o.partner),
            Value::Null,
            admin,
        ),
        (
            Method::DELETE,
            format!("/api/v1/partner-units/{}", o.unit),
            Value::Null,
            admin,
        ),
    ] {
        let mut e = ep(
            method,
            path,
            (!body.is_null()).then_some(body),
            allowed,
            true,
        );
        e.run_allowed = false;
        v.push(e);
    }
    v
}

fn endpoints(a: &Org) -> Vec<Endpoint> {
    let all: &'static [Who] = &[Admin, Coordinator, Referrer];
    let staff: &'static [Who] = &[Admin, Coordinator];
    let admin: &'static [Who] = &[Admin];
    let person = json!({"first_name": "Léa", "last_name": "Matrice", "phone": "07 00 00 00 09"});
    let mut v = vec![
        ep(Method::GET, "/api/v1/me".into(), None, all, false),
        ep(Method::GET, "/api/v1/organisation".into(), None, all, false),
        ep(
            Method::PUT,
            "/api/v1/organisation".into(),
            Some(json!({"name": "Réseau A"})),
            admin,
            false,
        ),
        ep(Method::GET, "/api/v1/sites".into(), None, all, false),
        ep(
            Method::GET,
            format!("/api/v1/sites/{}", a.site_id),
            None,
            all,
            true,
        ),
        ep(
            Method::POST,
            "/api/v1/sites".into(),
            Some(json!({"name": "Mairie", "address": "1 rue X"})),
            admin,
            false,
        ),
        ep(
            Method::PUT,
            format!("/api/v1/sites/{}", a.site_id),
            Some(json!({"name": "Brigade", "address": "2 rue Y"})),
            admin,
            true,
        ),
        ep(Method::GET, "/api/v1/accounts".into(), None, admin, false),
        ep(
            Method::GET,
            format!("/api/v1/accounts/{}", a.coordinator.account_id),
            None,
            admin,
            true,
        ),
        ep(
            Method::PATCH,
            format!("/api/v1/accounts/{}", a.coordinator.account_id),
            Some(json!({"display_name": "Coordinatrice"})),
            admin,
            true,
        ),
        ep(Method::GET, "/api/v1/persons".into(), None, staff, false),
        ep(
            Method::GET,
            "/api/v1/persons?name=Camille".into(),
            None,
            staff,
            false,
        ),
        ep(
            Method::POST,
            "/api/v1/persons".into(),
            Some(person.clone()),
            staff,
            false,
        ),
        ep(
            Method::GET,
            format!("/api/v1/persons/{}", a.person_id),
            None,
            staff,
            true,
        ),
        ep(
            Method::PUT,
            format!("/api/v1/persons/{}", a.person_id),
            Some(person),
            staff,
            true,
        ),
        ep(
            Method::GET,
            format!("/api/v1/persons/{}/access-log", a.person_id),
            None,
            staff,
            true,
        ),
        ep(Method::GET, "/api/v1/audit".into(), None, admin, false),
        ep(
            Method::GET,
            "/api/v1/appointment-types".into(),
            None,
            all,
            false,
        ),
        ep(
            Method::GET,
            format!("/api/v1/opening-windows?site_id={}", a.site_id),
            None,
            staff,
            false,
        ),
        // Issue 10 §8: the coordinators' whereabouts are not the referrer's to read.
        ep(
            Method::GET,
            "/api/v1/schedule-exceptions".into(),
            None,
            staff,
            false,
        ),
        ep(
            Method::GET,
            format!(
                "/api/v1/availability?type_id={}&site_id={}&from=2026-12-01&to=2026-12-02",
                a.type_id, a.site_id
            ),
            None,
            staff,
            false,
        ),
        ep(
            Method::GET,
            format!(
                "/api/v1/availability/next?type_id={}&site_id={}",
                a.type_id, a.site_id
            ),
            None,
            staff,
            false,
        ),
        ep(
            Method::GET,
            "/api/v1/holidays?year=2027".into(),
            None,
            all,
            false,
        ),
        ep(
            Method::GET,
            format!("/api/v1/appointments/{}", a.appointment_id),
            None,
            staff,
            true,
        ),
        ep(
            Method::GET,
            format!(
                "/api/v1/agenda?site_id={}&from=2026-01-01&days=31",
                a.site_id
            ),
            None,
            staff,
            false,
        ),
        ep(Method::GET, "/api/v1/absences".into(), None, staff, false),
        ep(
            Method::POST,
            "/api/v1/calendar-feeds".into(),
            Some(json!({})),
            staff,
            false,
        ),
    ];
    let mut cancel = ep(
        Method::POST,
        format!("/api/v1/appointments/{}/cancel", a.appointment_id),
        Some(json!({"by": "person", "version": 1})),
        staff,
        true,
    );
    cancel.run_allowed = false;
    v.push(cancel);
    let mut del = ep(
        Method::DELETE,
        format!("/api/v1/persons/{}", a.person_id),
        None,
        admin,
        true,
    );
    del.run_allowed = false;
    v.push(del);
    let mut del = ep(
        Method::DELETE,
        format!("/api/v1/sites/{}", a.site_id),
        None,
        admin,
        true,
    );
    del.run_allowed = false;
    v.push(del);
    v
}

/// POST /accounts needs a fresh e-mail each call; checked separately.
fn account_body(n: usize) -> Value {
    json!({"email": format!("new-{n}-{}@example.org", uuid::Uuid::new_v4().simple()), "display_name": "N", "role": "coordinator", "password": relais_tests::PASSWORD})
}

#[tokio::test]
async fn every_endpoint_refuses_other_roles_other_organisations_and_bad_tokens() {
    let s = Server::start().await;
    let a = org(&s, "Organisation A").await;
    let b = org(&s, "Organisation B").await;
    let outreach = outreach_fixture(&s, &a).await;
    let mut eps = endpoints(&a);
    eps.extend(outreach_endpoints(&a, &outreach));
    let actor = |o: &Org, w: Who| match w {
        Admin => o.admin.token.clone(),
        Coordinator => o.coordinator.token.clone(),
        Referrer => o.referrer.token.clone(),
    };

    // 1. The owning organisation: allowed roles succeed, others get 403.
    for e in &eps {
        for w in [Admin, Coordinator, Referrer] {
            let allowed = e.allowed.contains(&w);
            if allowed && !e.run_allowed {
                continue;
            }
            let (st, body) = s
                .call(
                    e.method.clone(),
                    &e.path,
                    Some(&actor(&a, w)),
                    e.body.clone(),
                )
                .await;
            if allowed {
                assert!(
                    (200..300).contains(&st),
                    "{:?} {} as {w:?}: {st} {body}",
                    e.method,
                    e.path
                );
            } else {
                assert_eq!(st, 403, "{:?} {} as {w:?}: {body}", e.method, e.path);
            }
        }
    }
    for (n, w) in [Admin, Coordinator, Referrer].into_iter().enumerate() {
        let (st, _) = s
            .call(
                Method::POST,
                "/api/v1/accounts",
                Some(&actor(&a, w)),
                Some(account_body(n)),
            )
            .await;
        assert_eq!(
            st,
            if w == Admin { 201 } else { 403 },
            "POST /accounts as {w:?}"
        );
    }

    // 2. The other organisation: A's records do not exist for B (404), whatever B's role
    //    allows; a role B lacks is still 403 first.
    for e in eps.iter().filter(|e| e.names_record) {
        for w in [Admin, Coordinator, Referrer] {
            let (st, body) = s
                .call(
                    e.method.clone(),
                    &e.path,
                    Some(&actor(&b, w)),
                    e.body.clone(),
                )
                .await;
            let want = if e.allowed.contains(&w) { 404 } else { 403 };
            assert_eq!(st, want, "{:?} {} as B's {w:?}: {body}", e.method, e.path);
        }
    }
    //    ... and B's lists never show A's records.
    for (path, id) in [
        ("/api/v1/sites", a.site_id),
        ("/api/v1/persons", a.person_id),
        ("/api/v1/accounts", a.coordinator.account_id),
    ] {
        let (st, page) = s.get(path, &b.admin.token).await;
        assert_eq!(st, 200);
        let ids: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        assert!(
            !ids.contains(&id.to_string().as_str()),
            "{path} of B lists A's {id}"
        );
        assert!(!ids.is_empty(), "{path} of B lists B's own records");
    }
    for path in [
        "/api/v1/situations",
        "/api/v1/queue",
        "/api/v1/partners",
        "/api/v1/referrals",
    ] {
        for w in [Admin, Coordinator] {
            let (st, body) = s.get(path, &actor(&b, w)).await;
            assert_eq!(st, 200, "{path}");
            assert!(
                !body.to_string().contains(&outreach.situation)
                    && !body.to_string().contains(&outreach.partner),
                "B's {path} shows A's outreach records"
            );
        }
    }
    // B cannot book A's person, nor at A's site, nor with A's coordinator.
    for (field, body) in [
        (
            "person_id",
            json!({"type_id": b.type_id, "site_id": b.site_id, "coordinator_id": b.coordinator.account_id, "person_id": a.person_id, "start": "2030-01-07T10:00:00+01:00"}),
        ),
        (
            "site_id",
            json!({"type_id": b.type_id, "site_id": a.site_id, "coordinator_id": b.coordinator.account_id, "person_id": b.person_id, "start": "2030-01-07T10:00:00+01:00"}),
        ),
        (
            "coordinator_id",
            json!({"type_id": b.type_id, "site_id": b.site_id, "coordinator_id": a.coordinator.account_id, "person_id": b.person_id, "start": "2030-01-07T10:00:00+01:00"}),
        ),
        (
            "type_id",
            json!({"type_id": a.type_id, "site_id": b.site_id, "coordinator_id": b.coordinator.account_id, "person_id": b.person_id, "start": "2030-01-07T10:00:00+01:00"}),
        ),
    ] {
        let (st, e) = s
            .post("/api/v1/appointments", Some(&b.coordinator.token), body)
            .await;
        assert_eq!(
            (st, e["errors"][0]["field"].as_str()),
            (422, Some(field)),
            "{e}"
        );
    }
    let (_, agenda) = s
        .get(
            &format!(
                "/api/v1/agenda?coordinator_id={}&from=2026-01-01&days=31",
                a.coordinator.account_id
            ),
            &b.admin.token,
        )
        .await;
    assert_eq!(agenda, json!([]), "B sees nothing of A's coordinator");
    let (st, _) = s
        .get(
            &format!(
                "/api/v1/availability?type_id={}&site_id={}&from=2026-12-01&to=2026-12-02",
                a.type_id, a.site_id
            ),
            &b.admin.token,
        )
        .await;
    assert_eq!(st, 422, "A's type and site do not exist for B");
    let (_, audit) = s.get("/api/v1/audit", &b.admin.token).await;
    for row in audit["items"].as_array().unwrap() {
        assert_ne!(
            row["record_id"].as_str(),
            Some(a.person_id.to_string().as_str()),
            "B's audit shows A's rows"
        );
        assert_ne!(
            row["account_id"].as_str(),
            Some(a.admin.account_id.to_string().as_str())
        );
    }

    // 3. Tokens: missing, forged, expired, revoked → 401 on every endpoint.
    let (st, g) = s
        .post("/api/v1/auth/login", None, json!({"email": a.coordinator.email, "password": relais_tests::PASSWORD, "recovery_code": a.coordinator.recovery_codes[0]}))
        .await;
    assert_eq!(st, 200, "{g}");
    let expired = g["token"].as_str().unwrap().to_owned();
    use relais_server::store::entities::session;
    session::Entity::update_many()
        .col_expr(
            session::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .filter(session::Column::TokenHash.eq(relais_server::crypto::token_hash(&expired)))
        .exec(s.state.db())
        .await
        .unwrap();
    let (st, g) = s
        .post("/api/v1/auth/login", None, json!({"email": a.coordinator.email, "password": relais_tests::PASSWORD, "recovery_code": a.coordinator.recovery_codes[1]}))
        .await;
    assert_eq!(st, 200, "{g}");
    let revoked = g["token"].as_str().unwrap().to_owned();
    let (st, _) = s
        .call(Method::POST, "/api/v1/auth/logout", Some(&revoked), None)
        .await;
    assert_eq!(st, 204);
    for e in &eps {
        for token in [
            None,
            Some("forged-token"),
            Some(expired.as_str()),
            Some(revoked.as_str()),
        ] {
            let (st, body) = s
                .call(e.method.clone(), &e.path, token, e.body.clone())
                .await;
            assert_eq!(st, 401, "{:?} {} with {token:?}: {body}", e.method, e.path);
        }
    }
    s.stop().await;
}

#[tokio::test]
async fn a_session_waiting_for_its_second_factor_can_only_enrol() {
    let s = Server::start().await;
    let a = org(&s, "Organisation A").await;
    let (st, _) = s
        .post("/api/v1/accounts", Some(&a.admin.token), json!({"email": "late@example.org", "display_name": "L", "role": "coordinator", "password": relais_tests::PASSWORD}))
        .await;
    assert_eq!(st, 201);
    let (st, g) = s
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "late@example.org", "password": relais_tests::PASSWORD}),
        )
        .await;
    assert_eq!(st, 200);
    let t = g["token"].as_str().unwrap();
    for path in ["/api/v1/me", "/api/v1/persons", "/api/v1/sites"] {
        let (st, body) = s.get(path, t).await;
        assert_eq!(st, 403, "{path}: {body}");
        assert_eq!(
            body["type"],
            "https://relais.invalid/problems/second_factor_required"
        );
    }
    let (st, _) = s.post("/api/v1/auth/totp/enrol", Some(t), json!({})).await;
    assert_eq!(st, 200);
    s.stop().await;
}
