//! A person's commune of residence (issue 26 §2): one of the official list, typed by name,
//! by INSEE code, or by name and department when several share it; refused with the field
//! named otherwise; sealed at rest; entered with the file, a walk-in or a referral; and the
//! list searched by name.

use relais_tests::{Server, org};
use serde_json::{Value, json};

fn fields(e: &Value) -> Vec<String> {
    e["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_commune_is_one_of_the_official_list_typed_as_people_say_it() {
    let s = Server::start().await;
    let a = org(&s, "Communes").await;
    let c = a.coordinator.token.as_str();
    let person =
        |commune: &str| json!({"first_name": "Lina", "last_name": "Commune", "commune": commune});
    for (typed, code) in [
        ("Villefontaine", "38553"),
        ("38553", "38553"),
        ("chalon sur saone", "71076"),
        ("Sainte-Colombe (69)", "69189"),
        ("2a004", "2A004"),
    ] {
        let (st, p) = s.post("/api/v1/persons", Some(c), person(typed)).await;
        assert_eq!(st, 201, "{typed}: {p}");
        assert_eq!(p["commune"]["code"], code, "{typed}");
        let (st, again) = s
            .get(&format!("/api/v1/persons/{}", p["id"].as_str().unwrap()), c)
            .await;
        assert_eq!((st, &again["commune"]), (200, &p["commune"]));
    }
    for typed in ["Sainte-Colombe", "Atlantide", "99999"] {
        let (st, e) = s.post("/api/v1/persons", Some(c), person(typed)).await;
        assert_eq!(
            (st, fields(&e)),
            (422, vec!["commune".to_owned()]),
            "{typed}: {e}"
        );
    }
    let (_, e) = s
        .post("/api/v1/persons", Some(c), person("Sainte-Colombe"))
        .await;
    let said = e["errors"][0]["message"].as_str().unwrap();
    assert!(
        said.contains("Sainte-Colombe (05)"),
        "says which ones: {said}"
    );
    // Blank is none.
    let (st, p) = s.post("/api/v1/persons", Some(c), person("  ")).await;
    assert_eq!((st, &p["commune"]), (201, &Value::Null), "{p}");
    // Sealed at rest: the code is nowhere in the row.
    let (_, p) = s
        .post("/api/v1/persons", Some(c), person("Villefontaine"))
        .await;
    use sea_orm::EntityTrait;
    let id = uuid::Uuid::parse_str(p["id"].as_str().unwrap()).unwrap();
    let row = relais_server::store::entities::person::Entity::find_by_id(id)
        .one(s.state.db())
        .await
        .unwrap()
        .unwrap();
    let sealed = row.commune.unwrap();
    assert!(
        !sealed.windows(5).any(|w| w == b"38553"),
        "the commune is sealed"
    );
    // A walk-in and a referral carry it too.
    let (st, w) = s
        .post(
            "/api/v1/walk-ins",
            Some(c),
            json!({"first_name": "Sarah", "kind": "other", "person_role": "victim", "commune": "La Verpillière"}),
        )
        .await;
    assert_eq!(st, 201, "{w}");
    let pid = w["situation"]["person_id"].as_str().unwrap();
    let (_, p) = s.get(&format!("/api/v1/persons/{pid}"), c).await;
    assert_eq!(p["commune"]["code"], "38537");
    let (st, e) = s
        .post(
            "/api/v1/walk-ins",
            Some(c),
            json!({"first_name": "Sarah", "kind": "other", "person_role": "victim", "commune": "Nulle-Part"}),
        )
        .await;
    assert_eq!((st, fields(&e)), (422, vec!["commune".to_owned()]), "{e}");
    let mut r = crate::outreach::referral("Commune");
    r["commune"] = json!("L'Isle-d'Abeau");
    let (st, x) = s
        .post("/api/v1/referrals", Some(&a.referrer.token), r)
        .await;
    assert_eq!(st, 201, "{x}");
    // The list, searched.
    let (st, found) = s
        .get("/api/v1/communes?q=villefont", &a.referrer.token)
        .await;
    assert_eq!(st, 200);
    assert_eq!(found[0]["code"], "38553", "{found}");
    let (_, found) = s.get("/api/v1/communes?q=71076", c).await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    let (_, found) = s.get("/api/v1/communes?q=saint", c).await;
    assert_eq!(found.as_array().unwrap().len(), 20, "at most 20");
    let (st, found) = s.get("/api/v1/communes", c).await;
    assert_eq!((st, found.as_array().unwrap().len()), (200, 0));
    s.stop().await;
}

// Conventions (issue 26 §2): a funder, the communes or sites covered, a period; an overlap
// with another allowed and said; refused naming the field; an admin's, of its organisation.
#[tokio::test]
async fn conventions_are_recorded_their_overlaps_said_and_refused_by_field() {
    let s = Server::start().await;
    let a = org(&s, "Conventions").await;
    let b = org(&s, "Autre").await;
    let admin = a.admin.token.as_str();
    let convention = |communes: Value, from: &str, until: &str| json!({"funder": "Ville de Villefontaine", "communes": communes, "valid_from": from, "valid_until": until});
    let (st, first) = s
        .post(
            "/api/v1/conventions",
            Some(admin),
            convention(
                json!(["Villefontaine", "38537"]),
                "2024-01-01",
                "2026-12-31",
            ),
        )
        .await;
    assert_eq!(st, 201, "{first}");
    let codes: Vec<&str> = first["communes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["38553", "38537"]);
    assert_eq!(first["overlaps"], json!([]));
    let (st, second) = s
        .post(
            "/api/v1/conventions",
            Some(admin),
            convention(json!(["villefontaine"]), "2026-01-01", "2028-12-31"),
        )
        .await;
    assert_eq!(st, 201, "{second}");
    assert_eq!(
        second["overlaps"],
        json!([first["id"]]),
        "an overlap is allowed and said"
    );
    let (st, list) = s.get("/api/v1/conventions", admin).await;
    assert_eq!(st, 200);
    let listed_first = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == first["id"])
        .unwrap();
    assert_eq!(listed_first["overlaps"], json!([second["id"]]));
    for (body, status, field) in [
        (
            convention(json!(["Atlantide"]), "2024-01-01", "2026-12-31"),
            422,
            "communes[0]",
        ),
        (
            convention(json!(["Villefontaine"]), "2026-01-01", "2025-12-31"),
            422,
            "valid_until",
        ),
        (
            convention(json!(["Villefontaine"]), "2020-01-01", "2031-01-01"),
            422,
            "valid_until",
        ),
        (
            convention(json!([]), "2024-01-01", "2026-12-31"),
            422,
            "communes",
        ),
        (
            json!({"funder": " ", "communes": ["Villefontaine"], "valid_from": "2024-01-01", "valid_until": "2026-12-31"}),
            422,
            "funder",
        ),
        (
            json!({"funder": "État", "site_ids": [b.site_id], "valid_from": "2024-01-01", "valid_until": "2026-12-31"}),
            409,
            "site_ids",
        ),
    ] {
        let (st, e) = s
            .post("/api/v1/conventions", Some(admin), body.clone())
            .await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(fields(&e).contains(&field.to_owned()), "{body}: {e}");
    }
    let (st, by_site) = s
        .post(
            "/api/v1/conventions",
            Some(admin),
            json!({"funder": "État", "site_ids": [a.site_id], "valid_from": "2024-01-01", "valid_until": "2026-12-31"}),
        )
        .await;
    assert_eq!(st, 201, "{by_site}");
    let (st, _) = s
        .post(
            "/api/v1/conventions",
            Some(&a.coordinator.token),
            convention(json!(["Villefontaine"]), "2024-01-01", "2026-12-31"),
        )
        .await;
    assert_eq!(st, 403, "an admin's");
    let path = format!("/api/v1/conventions/{}", first["id"].as_str().unwrap());
    let (st, _) = s
        .call(reqwest::Method::DELETE, &path, Some(&b.admin.token), None)
        .await;
    assert_eq!(st, 404);
    let (st, _) = s
        .call(reqwest::Method::DELETE, &path, Some(admin), None)
        .await;
    assert_eq!(st, 204);
    let (_, list) = s.get("/api/v1/conventions", admin).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (_, second) = s.get("/api/v1/conventions", admin).await;
    assert!(
        second
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["overlaps"] == json!([])),
        "{second}"
    );
    s.stop().await;
}
