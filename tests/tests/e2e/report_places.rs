//! The report by place and a funder's version (issue 26 §2): new situations, people
//! accompanied and interviews by commune of residence (the conventions' communes first,
//! then other, then unknown) and by site; an interview's site; the report of one convention,
//! its share of the work over the days it runs, suppressed; refused naming the parameter.

use chrono::{Datelike, NaiveDate};
use relais_domain::report::{Audience, Cell, PlaceRow, PlaceRowKind, compute};
use relais_tests::{Server, org, paris_today};
use serde_json::{Value, json};

fn field(e: &Value) -> &str {
    e["errors"][0]["field"].as_str().unwrap_or("")
}

fn column(rows: &Value, figure: &str) -> Vec<Value> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r[figure].clone())
        .collect()
}

#[tokio::test]
async fn the_report_counts_by_commune_and_site_and_prints_a_convention_s_share() {
    let s = Server::start().await;
    let a = org(&s, "Lieux").await;
    let b = org(&s, "Ailleurs").await;
    let (admin, c) = (a.admin.token.as_str(), a.coordinator.token.as_str());
    let y = paris_today().year();
    let (st, cv) = s
        .post(
            "/api/v1/conventions",
            Some(admin),
            json!({"funder": "Ville de Villefontaine", "communes": ["Villefontaine"], "valid_from": format!("{y}-01-01"), "valid_until": format!("{}-12-31", y + 1)}),
        )
        .await;
    assert_eq!(st, 201, "{cv}");
    let walk_in = |commune: Option<&str>, site: Option<uuid::Uuid>| {
        let mut w = json!({"first_name": "Ines", "kind": "other", "person_role": "victim"});
        if let Some(k) = commune {
            w["commune"] = json!(k);
        }
        if let Some(id) = site {
            w["site_id"] = json!(id);
        }
        w
    };
    let mut situations = Vec::new();
    for (commune, site) in [
        (Some("Villefontaine"), Some(a.site_id)),
        (Some("69123"), None),
        (None, Some(a.site_id)),
    ] {
        let (st, w) = s
            .post("/api/v1/walk-ins", Some(c), walk_in(commune, site))
            .await;
        assert_eq!(st, 201, "{w}");
        // The walk-in's interview is held where the situation was received.
        assert_eq!(
            w["interview"]["site_id"],
            site.map(|x| json!(x)).unwrap_or(Value::Null),
            "{w}"
        );
        situations.push(w["situation"]["id"].as_str().unwrap().to_owned());
    }
    // A home visit is held at no site; another organisation's site is refused by field.
    let path = format!("/api/v1/situations/{}/interviews", situations[0]);
    let (st, i) = s.post(&path, Some(c), json!({"mode": "home_visit"})).await;
    assert_eq!((st, &i["site_id"]), (201, &Value::Null), "{i}");
    let (st, e) = s
        .post(
            &path,
            Some(c),
            json!({"mode": "in_person", "site_id": b.site_id}),
        )
        .await;
    assert_eq!((st, field(&e)), (409, "site_id"), "{e}");

    let today = paris_today();
    let period = format!("from={y}-01-01&to={today}");
    let (st, r) = s.get(&format!("/api/v1/report?{period}"), admin).await;
    assert_eq!(st, 200, "{r}");
    let places: Vec<Value> = column(&r["by_commune"], "place");
    assert_eq!(places, [json!("listed"), json!("other"), json!("unknown")]);
    assert_eq!(r["by_commune"][0]["code"], "38553");
    assert_eq!(
        column(&r["by_commune"], "new_situations"),
        [json!(1), json!(1), json!(1)]
    );
    assert_eq!(
        column(&r["by_commune"], "interviews"),
        [json!(2), json!(1), json!(1)]
    );
    assert_eq!(
        column(&r["by_commune"], "people_accompanied"),
        [json!(1), json!(1), json!(1)]
    );
    assert_eq!(r["by_site"][0]["code"], json!(a.site_id.to_string()));
    assert_eq!(
        column(&r["by_site"], "new_situations"),
        [json!(2), json!(1)]
    );
    assert_eq!(column(&r["by_site"], "interviews"), [json!(2), json!(2)]);
    // Seen last at the site (a home visit after is at none), or never at one.
    assert_eq!(
        column(&r["by_site"], "people_accompanied"),
        [json!(2), json!(1)]
    );

    // The convention's version: its commune's people only, over the days it runs, always
    // suppressed (it leaves the service), and saying what it is.
    let id = cv["id"].as_str().unwrap();
    let from_before = format!("{}-06-01", y - 1);
    let (st, f) = s
        .get(
            &format!("/api/v1/report?from={from_before}&to={today}&convention={id}"),
            admin,
        )
        .await;
    assert_eq!(st, 200, "{f}");
    assert_eq!(f["from"], format!("{y}-01-01"), "clipped to the convention");
    assert_eq!(f["audience"], "external");
    assert_eq!(f["convention"]["funder"], "Ville de Villefontaine");
    assert_eq!(f["convention"]["communes"][0]["code"], "38553");
    assert_eq!(f["new_situations"], "small");
    assert_eq!(f["anonymous_contacts"], 0);
    let (st, csv) = s
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/report?{period}&convention={id}&format=csv"),
            Some(admin),
            None,
        )
        .await;
    let csv = csv.as_str().unwrap_or_default().to_owned();
    assert_eq!(st, 200);
    assert!(
        csv.contains("\nconvention,funder,,,Ville de Villefontaine,\n"),
        "{csv}"
    );
    assert!(
        csv.contains("\nby_commune,38553,new_situations,Villefontaine,<5,small\n"),
        "{csv}"
    );
    let (_, page) = s
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/report?{period}&convention={id}&format=html"),
            Some(admin),
            None,
        )
        .await;
    let page = page.as_str().unwrap_or_default().to_owned();
    assert!(
        page.contains("Convention de Ville de Villefontaine : Villefontaine (38553)"),
        "{page}"
    );

    // In English on asking: the page's text and the stored words' labels.
    let (_, page) = s
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/report?{period}&convention={id}&format=html&lang=en"),
            Some(admin),
            None,
        )
        .await;
    let page = page.as_str().unwrap_or_default().to_owned();
    assert!(
        page.starts_with("<!doctype html><html lang=\"en\">"),
        "{page}"
    );
    for english in [
        "Activity report",
        "By commune of residence",
        "Convention of Ville de Villefontaine: Villefontaine (38553), from",
        "In person",
        "Other communes",
    ] {
        assert!(page.contains(english), "{english}: {page}");
    }
    assert!(
        !page.contains("Prévention") && !page.contains("Entretiens"),
        "{page}"
    );
    let (st, e) = s
        .get(
            &format!("/api/v1/report?{period}&format=html&lang=de"),
            admin,
        )
        .await;
    assert_eq!((st, field(&e)), (400, "lang"), "{e}");

    // Refused naming the parameter: not an id, no convention of ours, a period it does not run.
    let other = s
        .post(
            "/api/v1/conventions",
            Some(&b.admin.token),
            json!({"funder": "Autre", "communes": ["Lyon"], "valid_from": format!("{y}-01-01"), "valid_until": format!("{y}-12-31")}),
        )
        .await
        .1;
    for (q, status, name) in [
        (format!("{period}&convention=abc"), 400, "convention"),
        (
            format!("{period}&convention={}", uuid::Uuid::new_v4()),
            409,
            "convention",
        ),
        (
            format!("{period}&convention={}", other["id"].as_str().unwrap()),
            409,
            "convention",
        ),
        (
            format!("from={}-01-01&to={}-12-31&convention={id}", y - 3, y - 3),
            400,
            "from",
        ),
    ] {
        let (st, e) = s.get(&format!("/api/v1/report?{q}"), admin).await;
        assert_eq!((st, field(&e)), (status, name), "{q}: {e}");
    }
    s.stop().await;
}

fn sums_to(rows: &[PlaceRow], pick: fn(&PlaceRow) -> Cell, total: Cell) {
    let sum: u32 = rows.iter().filter_map(|r| pick(r).shown()).sum();
    assert_eq!(Cell::Shown(sum), total);
}

/// The demo's last year by commune: its two conventions' communes first, every column
/// adding up to its total; each convention's version, like the whole, gives away no hidden
/// cell to a reader of every total at once.
#[tokio::test]
async fn the_demo_year_by_commune_and_by_convention_hides_what_it_must() {
    use relais_server::store::entities::{convention, organisation};
    use sea_orm::EntityTrait;
    let s = Server::start().await;
    relais_server::demo::seed(&s.state).await.unwrap();
    let org = organisation::Entity::find()
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
    let inside = compute(&facts, from, to, Audience::Internal);
    let names: Vec<Option<&str>> = inside
        .by_commune
        .iter()
        .map(|r| r.name.as_deref())
        .collect();
    // The conventions' communes first, as the conventions list them (by funder).
    assert_eq!(names[..2], [Some("La Verpillière"), Some("Villefontaine")]);
    assert_eq!(inside.by_commune[2].place, PlaceRowKind::Other);
    assert_eq!(inside.by_site.len(), 3, "two sites, then elsewhere");
    for rows in [&inside.by_commune, &inside.by_site] {
        sums_to(rows, |r| r.new_situations, inside.new_situations);
        sums_to(rows, |r| r.people_accompanied, inside.people_accompanied);
        sums_to(rows, |r| r.interviews, inside.interviews_total);
    }
    assert!(
        inside.by_commune[1].new_situations.shown() > Some(20),
        "{:?}",
        inside.by_commune
    );
    let outside = compute(&facts, from, to, Audience::External);
    let found = relais_domain::report::reader::worked_out(&outside);
    assert!(found.is_empty(), "{}", found.join("\n"));
    let conventions = convention::Entity::find().all(s.state.db()).await.unwrap();
    assert_eq!(conventions.len(), 2);
    for cv in conventions {
        let communes: Vec<_> = cv
            .communes
            .split(',')
            .filter_map(relais_domain::commune::by_code)
            .collect();
        let share = facts.within(&communes, &[]);
        let r = compute(&share, from, to, Audience::External);
        let whole = inside.new_situations.shown().unwrap();
        let mine = compute(&share, from, to, Audience::Internal);
        assert!(
            mine.new_situations.shown().unwrap() < whole,
            "{}: a share of the work",
            cv.funder
        );
        let found = relais_domain::report::reader::worked_out(&r);
        assert!(found.is_empty(), "{}: {}", cv.funder, found.join("\n"));
    }
    s.stop().await;
}
