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
            all,
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
async fn every_endpoint_refuses_other_roles_other_tenants_and_bad_tokens() {
    let s = Server::start().await;
    let a = org(&s, "Organisation A").await;
    let b = org(&s, "Organisation B").await;
    let eps = endpoints(&a);
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
