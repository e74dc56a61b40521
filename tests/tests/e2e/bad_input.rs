//! Bad input: every case is a 4xx problem+json naming the field, never a 500, and nothing
//! is half-written.

use relais_tests::{Server, org};
use reqwest::Method;
use serde_json::{Value, json};

async fn person_count(s: &Server, token: &str) -> usize {
    let (_, page) = s.get("/api/v1/persons?limit=200", token).await;
    page["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn malformed_requests_get_a_clear_4xx_naming_the_field() {
    let s = Server::start().await;
    let a = org(&s, "Bad input").await;
    let t = a.coordinator.token.as_str();
    let before = person_count(&s, t).await;
    let ok = json!({"first_name": "Nina", "last_name": "Valide"});
    let long = "x".repeat(101);
    // (body, status, field)
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!({"first_name": 3, "last_name": "B"}),
            422,
            "first_name",
        ),
        (json!({"first_name": "A"}), 422, "last_name"),
        (
            json!({"first_name": "A", "last_name": "B", "colour": "red"}),
            422,
            "colour",
        ),
        (
            json!({"first_name": "", "last_name": "B"}),
            422,
            "first_name",
        ),
        (
            json!({"first_name": long, "last_name": "B"}),
            422,
            "first_name",
        ),
        (
            json!({"first_name": "A", "last_name": "B", "phone": "12"}),
            422,
            "phone",
        ),
        (
            json!({"first_name": "A", "last_name": "B", "phone": "06 12 34 56 78 90"}),
            422,
            "phone",
        ),
        (
            json!({"first_name": "A", "last_name": "B", "email": "not-an-email"}),
            422,
            "email",
        ),
        (
            json!({"first_name": "A", "last_name": "B", "birth_year": 1800}),
            422,
            "birth_year",
        ),
        (
            json!({"first_name": "A", "last_name": "B", "birth_year": "1990"}),
            422,
            "birth_year",
        ),
        (
            json!({"first_name": "A", "last_name": "B", "sex": "robot"}),
            422,
            "sex",
        ),
        (
            json!({"first_name": "A", "last_name": "B", "safe_contact": {"sms": true}}),
            422,
            "safe_contact.safe_phone",
        ),
        (
            json!({"first_name": "A", "last_name": "B", "safe_contact": {"sms": "yes"}}),
            422,
            "safe_contact.sms",
        ),
        (
            json!({"first_name": "A", "last_name": "B", "safe_contact": {"windows": [{"days": [8], "start": "10:00", "end": "09:00"}]}}),
            422,
            "safe_contact.windows[0].end",
        ),
        (
            json!({"first_name": "A", "last_name": "B", "safe_contact": {"windows": [{"days": [1], "start": "25:00", "end": "10:00"}]}}),
            422,
            "safe_contact.windows[0].start",
        ),
        (
            json!({"first_name": "A", "last_name": "B", "notes": "a\u{0}b"}),
            422,
            "notes",
        ),
        (json!("just a string"), 422, "body"),
        (json!([1, 2]), 422, "body"),
    ];
    for (body, status, field) in cases {
        let (st, p) = s.post("/api/v1/persons", Some(t), body.clone()).await;
        assert_eq!(st, status, "{body}: {p}");
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(&field),
            "{body}: expected {field} in {fields:?}"
        );
    }
    // Not JSON, wrong content type, oversized.
    let (st, _) = s
        .raw(
            Method::POST,
            "/api/v1/persons",
            t,
            "application/json",
            b"{\"first_name\": ".to_vec(),
        )
        .await;
    assert_eq!(st, 400);
    let (st, _) = s
        .raw(
            Method::POST,
            "/api/v1/persons",
            t,
            "text/plain",
            serde_json::to_vec(&ok).unwrap(),
        )
        .await;
    assert_eq!(st, 415);
    let huge = json!({"first_name": "A", "last_name": "B", "notes": "n".repeat(200_000)});
    let (st, _) = s
        .raw(
            Method::POST,
            "/api/v1/persons",
            t,
            "application/json",
            serde_json::to_vec(&huge).unwrap(),
        )
        .await;
    assert_eq!(st, 413);
    let (st, _) = s
        .raw(
            Method::POST,
            "/api/v1/persons",
            t,
            "application/json",
            vec![0xff, 0xfe, 0x00],
        )
        .await;
    assert_eq!(st, 400);
    // Ids and query parameters.
    let (st, p) = s.get("/api/v1/persons/not-a-uuid", t).await;
    assert_eq!((st, p["errors"][0]["field"].as_str()), (400, Some("id")));
    let (st, p) = s
        .get("/api/v1/persons/00000000-0000-0000-0000-000000000000", t)
        .await;
    assert_eq!(st, 404, "{p}");
    for (q, field) in [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("limit=100000", "limit"),
        ("after=-1", "after"),
        ("colour=1", "colour"),
        ("phone=abc", "phone"),
    ] {
        let (st, p) = s.get(&format!("/api/v1/persons?{q}"), t).await;
        assert_eq!(st, 400, "{q}: {p}");
        assert_eq!(p["errors"][0]["field"], field, "{q}: {p}");
    }
    // Sites and accounts.
    let at = a.admin.token.as_str();
    let (st, p) = s
        .post(
            "/api/v1/sites",
            Some(at),
            json!({"name": "S", "address": "A", "time_zone": "Europe/Atlantis"}),
        )
        .await;
    assert_eq!(
        (st, p["errors"][0]["field"].as_str()),
        (422, Some("time_zone"))
    );
    let (st, p) = s
        .post(
            "/api/v1/sites",
            Some(at),
            json!({"name": "S", "address": "A", "phone": "phone"}),
        )
        .await;
    assert_eq!((st, p["errors"][0]["field"].as_str()), (422, Some("phone")));
    let (st, p) = s
        .post("/api/v1/accounts", Some(at), json!({"email": "x@example.org", "display_name": "X", "role": "police", "password": relais_tests::PASSWORD}))
        .await;
    assert_eq!((st, p["errors"][0]["field"].as_str()), (422, Some("role")));
    let (st, p) = s
        .post("/api/v1/accounts", Some(at), json!({"email": "x@example.org", "display_name": "X", "role": "referrer", "password": relais_tests::PASSWORD, "site_ids": [uuid::Uuid::new_v4()]}))
        .await;
    assert_eq!(
        (st, p["errors"][0]["field"].as_str()),
        (409, Some("site_ids"))
    );
    let (st, p) = s
        .post("/api/v1/accounts", Some(at), json!({"email": a.referrer.email, "display_name": "X", "role": "referrer", "password": relais_tests::PASSWORD}))
        .await;
    assert_eq!((st, p["errors"][0]["field"].as_str()), (409, Some("email")));
    // Unknown routes and methods.
    let (st, _) = s.get("/api/v1/nothing-here", t).await;
    assert_eq!(st, 404);
    let (st, _) = s
        .call(Method::PATCH, "/api/v1/persons", Some(t), Some(json!({})))
        .await;
    assert_eq!(st, 405);
    // Nothing was written by any refused request.
    assert_eq!(person_count(&s, t).await, before);
    s.stop().await;
}
