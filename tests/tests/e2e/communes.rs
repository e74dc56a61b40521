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
