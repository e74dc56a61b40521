//! Prevention actions (issue 26 §3): recorded from the API and the console, refused with
//! the field named (never a 5xx), kept to their organisation, removed when entered by
//! mistake, and counted by the report — JSON, CSV and the printable page, inside and outside
//! the service alike; the demo's year shaped like seed 000 (about 500 people reached).

use chrono::{Datelike, Duration, NaiveDate};
use relais_server::web::console::csrf_of;
use relais_tests::{Server, org, paris_today};
use reqwest::Method;
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
async fn prevention_actions_are_recorded_refused_by_field_removed_and_counted() {
    let s = Server::start().await;
    let a = org(&s, "Prévention A").await;
    let b = org(&s, "Prévention B").await;
    let today = paris_today();
    let partner = |o: &relais_tests::Org| {
        let s = &s;
        let token = o.admin.token.clone();
        async move {
            let (st, p) = s
                .post(
                    "/api/v1/partners",
                    Some(&token),
                    json!({"name": "CIDFF (essai)", "kind": "cidff"}),
                )
                .await;
            assert_eq!(st, 201, "{p}");
            p["id"].as_str().unwrap().to_owned()
        }
    };
    let (pa, pb) = (partner(&a).await, partner(&b).await);
    let good = json!({
        "held_on": today.to_string(), "kind": "stand", "place": "Marché du samedi",
        "partner_ids": [pa], "people_reached": 60, "inhabitants": 55, "professionals": 5
    });
    let with = |k: &str, v: Value| {
        let mut x = good.clone();
        x[k] = v;
        x
    };
    let token = a.coordinator.token.as_str();
    let too_old = NaiveDate::from_ymd_opt(today.year() - 4, 12, 31).unwrap();
    for (body, status, field) in [
        (
            with("held_on", json!((today + Duration::days(1)).to_string())),
            409,
            "held_on",
        ),
        (with("held_on", json!(too_old.to_string())), 409, "held_on"),
        (with("inhabitants", json!(56)), 422, "people_reached"),
        (with("partner_ids", json!([pb])), 409, "partner_ids"),
        (with("place", json!("   ")), 422, "place"),
        (with("people_reached", json!(-1)), 422, "people_reached"),
        (
            with("people_reached", json!(100_001)),
            422,
            "people_reached",
        ),
        (with("kind", json!("bal")), 422, "kind"),
    ] {
        let (st, e) = s
            .post("/api/v1/prevention-actions", Some(token), body.clone())
            .await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(fields(&e).contains(&field.to_owned()), "{body}: {e}");
    }
    let (st, _) = s
        .post(
            "/api/v1/prevention-actions",
            Some(&a.referrer.token),
            good.clone(),
        )
        .await;
    assert_eq!(st, 403, "a referrer records no prevention action");
    let (st, first) = s
        .post("/api/v1/prevention-actions", Some(token), good.clone())
        .await;
    assert_eq!(st, 201, "{first}");
    assert_eq!(first["people_reached"], 60);
    assert_eq!(first["partner_ids"], json!([pa]));
    assert_eq!(first["pupils"], Value::Null);
    let (st, list) = s.get("/api/v1/prevention-actions", token).await;
    assert_eq!((st, list.as_array().unwrap().len()), (200, 1), "{list}");
    let (st, list) = s.get("/api/v1/prevention-actions", &b.admin.token).await;
    assert_eq!(
        (st, list.as_array().unwrap().len()),
        (200, 0),
        "B sees none of A's"
    );
    // A filter: the other way round keeps none; a date that is not one is refused, named.
    let (st, none) = s
        .get(
            &format!("/api/v1/prevention-actions?from={today}&to=2020-01-01"),
            token,
        )
        .await;
    assert_eq!((st, none.as_array().unwrap().len()), (200, 0), "{none}");
    let (st, one) = s
        .get(&format!("/api/v1/prevention-actions?to={today}"), token)
        .await;
    assert_eq!((st, one.as_array().unwrap().len()), (200, 1), "{one}");
    let (st, e) = s.get("/api/v1/prevention-actions?from=demain", token).await;
    assert_eq!((st, fields(&e)), (400, vec!["from".to_owned()]), "{e}");
    // Removed by mistake, then again: another organisation's is not there.
    let id = first["id"].as_str().unwrap();
    let path = format!("/api/v1/prevention-actions/{id}");
    let (st, _) = s
        .call(Method::DELETE, &path, Some(&b.admin.token), None)
        .await;
    assert_eq!(st, 404);
    let (st, _) = s.call(Method::DELETE, &path, Some(token), None).await;
    assert_eq!(st, 204);
    let (st, _) = s.call(Method::DELETE, &path, Some(token), None).await;
    assert_eq!(st, 404);
    // Two actions counted: a school session and a stand.
    let school = json!({
        "held_on": today.to_string(), "kind": "school_session", "place": "Collège",
        "people_reached": 27, "pupils": 25
    });
    for body in [good.clone(), school] {
        let (st, x) = s
            .post("/api/v1/prevention-actions", Some(token), body)
            .await;
        assert_eq!(st, 201, "{x}");
    }
    let year = format!("from={}-01-01&to={today}", today.year());
    for audience in ["internal", "external"] {
        let (st, r) = s
            .get(
                &format!("/api/v1/report?{year}&audience={audience}"),
                &a.admin.token,
            )
            .await;
        assert_eq!(st, 200, "{r}");
        let p = &r["prevention"];
        assert_eq!(
            (p["actions"].as_u64(), p["people_reached"].as_u64()),
            (Some(2), Some(87))
        );
        let stand = p["by_kind"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kind"] == "stand")
            .unwrap();
        assert_eq!(stand["people_reached"], 60, "{audience}: never hidden");
        let publics: Vec<u64> = p["by_public"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["people_reached"].as_u64().unwrap())
            .collect();
        assert_eq!(publics, [25, 55, 5]);
        assert_eq!(p["public_not_given"], 2);
        let monthly: u64 = r["monthly"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["people_reached"].as_u64().unwrap())
            .sum();
        assert_eq!(monthly, 87);
    }
    let (st, csv) = s
        .get(
            &format!("/api/v1/report?{year}&audience=external&format=csv"),
            &a.admin.token,
        )
        .await;
    assert_eq!(st, 200);
    let csv = csv.as_str().unwrap();
    for row in [
        "prevention,actions,,,2,shown",
        "prevention,people_reached,,,87,shown",
        "prevention,stand,people_reached,,60,shown",
        "prevention_public,pupils,,,25,shown",
        "prevention_public,not_given,,,2,shown",
    ] {
        assert!(csv.lines().any(|l| l == row), "{row} in\n{csv}");
    }
    let (st, page) = s
        .get(
            &format!("/api/v1/report?{year}&format=html"),
            &a.admin.token,
        )
        .await;
    assert_eq!(st, 200);
    let page = page.as_str().unwrap();
    assert!(page.contains("Prévention : actions collectives"), "{page}");
    assert!(
        page.contains("Personnes sensibilisées par type d&#39;action")
            || page.contains("Personnes sensibilisées par type d'action")
    );
    s.stop().await;
}

/// The console's page: a refused form names the field and keeps what was typed; a recorded
/// action is listed and counted; removed, it is gone.
#[tokio::test]
async fn the_console_records_lists_and_removes_an_action() {
    let s = Server::start().await;
    let a = org(&s, "Prévention console").await;
    let token = a.coordinator.token.clone();
    let csrf = csrf_of(&token);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let send = |form: Option<Vec<(&'static str, String)>>, path: String| {
        let http = http.clone();
        let base = s.base.clone();
        let token = token.clone();
        async move {
            let r = match &form {
                Some(f) => http
                    .post(format!("{base}{path}"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(
                        url::form_urlencoded::Serializer::new(String::new())
                            .extend_pairs(f.iter())
                            .finish(),
                    ),
                None => http.get(format!("{base}{path}")),
            }
            .header("sec-fetch-site", "same-origin")
            .header("cookie", format!("relais_console={token}"))
            .send()
            .await
            .unwrap();
            let st = r.status().as_u16();
            let location = r
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            (st, location, r.text().await.unwrap())
        }
    };
    let today = paris_today().to_string();
    let form = |reached: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("held_on", today.clone()),
            ("kind", "film_debate".to_owned()),
            ("place", "Médiathèque « Les Ormes »".to_owned()),
            ("people_reached", reached.to_owned()),
            ("inhabitants", "30".to_owned()),
        ]
    };
    let (st, _, body) = send(Some(form("12")), "/console/prevention".into()).await;
    assert_eq!(st, 422, "{body}");
    assert!(
        body.contains("f-people-reached-e"),
        "the field is named: {body}"
    );
    assert!(
        body.contains("Médiathèque « Les Ormes »"),
        "what was typed is kept"
    );
    let (st, location, _) = send(Some(form("34")), "/console/prevention".into()).await;
    assert_eq!(st, 303);
    let (st, _, body) = send(None, location.unwrap()).await;
    assert_eq!(st, 200);
    assert!(body.contains("Action enregistrée"), "{body}");
    assert!(
        body.contains("Ciné-débat") && body.contains(">34<"),
        "{body}"
    );
    let (st, _, _) = send(None, "/console/prevention".into()).await;
    assert_eq!(st, 200);
    let (_, list) = s.get("/api/v1/prevention-actions", &token).await;
    let id = list[0]["id"].as_str().unwrap().to_owned();
    let (st, _, _) = send(
        Some(vec![("_csrf", csrf.clone())]),
        format!("/console/prevention/{id}/retirer"),
    )
    .await;
    assert_eq!(st, 303);
    let (_, list) = s.get("/api/v1/prevention-actions", &token).await;
    assert_eq!(list.as_array().unwrap().len(), 0);
    // A referrer has no such page.
    let r = http
        .get(format!("{}/console/prevention", s.base))
        .header("cookie", format!("relais_console={}", a.referrer.token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    s.stop().await;
}

// Issue 26 "Done when": the demo has a year of prevention actions shaped like seed 000,
// about 500 people reached, counted in the report of last year.
#[tokio::test]
async fn the_demo_s_last_year_reached_about_500_people() {
    use relais_domain::report::{Audience, compute};
    use sea_orm::EntityTrait;
    let s = Server::start().await;
    relais_server::demo::seed(&s.state).await.unwrap();
    let org = relais_server::store::entities::organisation::Entity::find()
        .one(s.state.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    let y = paris_today().year() - 1;
    let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(y, 12, 31).unwrap();
    let facts =
        relais_server::casework::report::load_facts(s.state.db(), s.state.cipher(), org, from, to)
            .await
            .unwrap();
    let r = compute(&facts, from, to, Audience::External);
    assert_eq!(
        (r.prevention.actions, r.prevention.people_reached),
        (14, 511)
    );
    assert!(
        r.prevention.by_kind.iter().all(|k| k.actions > 0),
        "every kind held"
    );
    s.stop().await;
}

// Issue 26 §4: a period beside the same period a year earlier — each headline figure then
// and now, the change; the earlier cells are the earlier report's own, in both versions.
#[tokio::test]
async fn a_period_reads_beside_the_same_period_a_year_earlier() {
    let s = Server::start().await;
    let a = org(&s, "Comparaison").await;
    let today = paris_today();
    let (year_ago, _) = relais_domain::report::compare::a_year_earlier(today, today);
    for (on, reached) in [(today, 60), (year_ago, 40)] {
        let (st, x) = s
            .post(
                "/api/v1/prevention-actions",
                Some(&a.coordinator.token),
                json!({"held_on": on.to_string(), "kind": "stand", "place": "Marché", "people_reached": reached}),
            )
            .await;
        assert_eq!(st, 201, "{x}");
    }
    let from = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap();
    let (e_from, e_to) = relais_domain::report::compare::a_year_earlier(from, today);
    for audience in ["internal", "external"] {
        let (st, r) = s
            .get(
                &format!(
                    "/api/v1/report?from={from}&to={today}&audience={audience}&compare=year_before"
                ),
                &a.admin.token,
            )
            .await;
        assert_eq!(st, 200, "{r}");
        let c = &r["compared"];
        assert_eq!(
            (c["from"].as_str(), c["to"].as_str()),
            (
                Some(e_from.to_string().as_str()),
                Some(e_to.to_string().as_str())
            )
        );
        let (st, earlier) = s
            .get(
                &format!("/api/v1/report?from={e_from}&to={e_to}&audience={audience}"),
                &a.admin.token,
            )
            .await;
        assert_eq!(st, 200);
        assert!(
            earlier.get("compared").is_none(),
            "asked only when asked for"
        );
        let figure = |k: &str| {
            c["figures"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["figure"] == k)
                .unwrap()
                .clone()
        };
        let reached = figure("people_reached");
        assert_eq!(
            (reached["now"].as_u64(), reached["earlier"].as_u64()),
            (Some(60), Some(40))
        );
        assert_eq!(
            (
                reached["change"].as_i64(),
                reached["change_percent"].as_f64()
            ),
            (Some(20), Some(50.0))
        );
        for (k, at) in [
            ("new_situations", "new_situations"),
            ("people_accompanied", "people_accompanied"),
            ("interviews", "interviews_total"),
            ("minors", "minors"),
        ] {
            let f = figure(k);
            assert_eq!(
                f["earlier"], earlier[at],
                "{audience} {k}: the earlier report's own cell"
            );
            assert_eq!(f["now"], r[at], "{audience} {k}");
        }
    }
    let (st, e) = s
        .get(
            &format!("/api/v1/report?from={from}&to={today}&compare=yes"),
            &a.admin.token,
        )
        .await;
    assert_eq!((st, fields(&e)), (400, vec!["compare".to_owned()]), "{e}");
    let (st, csv) = s
        .get(
            &format!("/api/v1/report?from={from}&to={today}&compare=year_before&format=csv"),
            &a.admin.token,
        )
        .await;
    assert_eq!(st, 200);
    let csv = csv.as_str().unwrap();
    assert!(
        csv.lines()
            .any(|l| l == "comparison,people_reached,change,,20,shown"),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l == format!("comparison,from,,,{e_from},")),
        "{csv}"
    );
    let (_, page) = s
        .get(
            &format!("/api/v1/report?from={from}&to={today}&compare=year_before&format=html"),
            &a.admin.token,
        )
        .await;
    let page = page.as_str().unwrap();
    assert!(
        page.contains("Évolution sur un an") && page.contains("+20 (+50.0 %)"),
        "{page}"
    );
    s.stop().await;
}
