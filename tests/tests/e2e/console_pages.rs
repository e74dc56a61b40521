//! The console's pages added on its template kit (issue 25 §6): appointment types, schedule
//! exceptions, an orientation's outcome, a link ended, a closed situation reopened, and
//! lists that go past one page of 50.

use relais_server::web::console::csrf_of;
use relais_tests::{Server, org};
use serde_json::json;

struct Page {
    status: u16,
    location: Option<String>,
    body: String,
}

async fn send(s: &Server, token: &str, path: &str, form: Option<&[(&str, &str)]>) -> Page {
    send_in(s, token, path, form, false).await
}

/// `send`, on the console in English (`relais_lang=en`) or in French.
async fn send_in(
    s: &Server,
    token: &str,
    path: &str,
    form: Option<&[(&str, &str)]>,
    english: bool,
) -> Page {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut r = match form {
        Some(_) => http.post(format!("{}{path}", s.base)),
        None => http.get(format!("{}{path}", s.base)),
    }
    .header("sec-fetch-site", "same-origin")
    .header(
        "cookie",
        format!(
            "relais_console={token}; relais_lang={}",
            if english { "en" } else { "fr" }
        ),
    );
    if let Some(f) = form {
        let csrf = csrf_of(token);
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("_csrf", &csrf)
            .extend_pairs(f.iter())
            .finish();
        r = r
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
    }
    let res = r.send().await.unwrap();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    assert!(status < 500, "{path} answered {status}");
    Page {
        status,
        location,
        body,
    }
}

#[tokio::test]
async fn the_admin_sets_up_appointment_types_and_exceptions_from_the_console() {
    let s = Server::start().await;
    let a = org(&s, "Types et exceptions").await;
    let admin = a.admin.token.as_str();
    let page = send(&s, admin, "/console/admin/types", None).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("href=\"/console/admin/types\""),
        "in the menu"
    );
    // A refused type names its field in French and keeps what was typed.
    let refused = send(
        &s,
        admin,
        "/console/admin/types",
        Some(&[
            ("name", "Premier <entretien>"),
            ("public_label", "Rendez-vous"),
            ("duration_minutes", "abc"),
            ("place_kind", "site"),
            ("bookable_by", "staff"),
        ]),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("<a href=\"#f-duration-minutes\">Durée (minutes) : "),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("value=\"Premier &#60;entretien&#62;\"")
    );
    let created = send(
        &s,
        admin,
        "/console/admin/types",
        Some(&[
            ("name", "Premier entretien"),
            ("public_label", "Rendez-vous"),
            ("duration_minutes", "50"),
            ("place_kind", "phone"),
            ("bookable_by", "staff"),
            ("reminders", "true"),
        ]),
    )
    .await;
    assert_eq!(created.status, 303, "{}", created.body);
    assert_eq!(
        created.location.as_deref(),
        Some("/console/admin/types?fait=type-cree")
    );
    let (_, types) = s.get("/api/v1/appointment-types", admin).await;
    let t = types
        .as_array()
        .or_else(|| types["items"].as_array())
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Premier entretien")
        .unwrap_or_else(|| panic!("{types}"))
        .clone();
    assert_eq!(t["duration_minutes"], 50);
    assert_eq!(t["place_kind"], "phone");
    assert_eq!(t["reminders"], true);
    // Changed: the form starts from the stored values.
    let id = t["id"].as_str().unwrap();
    let edit = send(
        &s,
        admin,
        &format!("/console/admin/types?modifier={id}"),
        None,
    )
    .await;
    assert!(edit.body.contains("value=\"50\""), "{}", edit.body);
    assert!(
        edit.body
            .contains("<option value=\"phone\" selected>Par téléphone</option>")
    );
    let changed = send(
        &s,
        admin,
        &format!("/console/admin/types/{id}"),
        Some(&[
            ("name", "Premier entretien"),
            ("public_label", "Rendez-vous"),
            ("duration_minutes", "40"),
            ("place_kind", "site"),
            ("bookable_by", "staff"),
        ]),
    )
    .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    let list = send(&s, admin, "/console/admin/types?fait=type-modifie", None).await;
    assert!(list.body.contains("40 min"), "{}", list.body);
    assert!(list.body.contains("Type de rendez-vous modifié."));

    // An exception: a day closed at the site.
    let page = send(&s, admin, "/console/admin/exceptions", None).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let day = (relais_tests::paris_today() + chrono::Duration::days(9)).to_string();
    let (me, site) = (a.coordinator.account_id.to_string(), a.site_id.to_string());
    let bad = send(
        &s,
        admin,
        "/console/admin/exceptions",
        Some(&[
            ("coordinator_id", &me),
            ("site_id", &site),
            ("date", &day),
            ("kind", "extra"),
        ]),
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        bad.body
            .contains("une plage supplémentaire a un début et une fin")
            || bad
                .body
                .contains("Une plage supplémentaire a un début et une fin"),
        "{}",
        bad.body
    );
    let added = send(
        &s,
        admin,
        "/console/admin/exceptions",
        Some(&[
            ("coordinator_id", &me),
            ("site_id", &site),
            ("date", &day),
            ("kind", "closed"),
        ]),
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let list = send(&s, admin, "/console/admin/exceptions", None).await;
    assert!(list.body.contains("<td>Fermeture</td>"), "{}", list.body);
    let (_, x) = s.get("/api/v1/schedule-exceptions", admin).await;
    let xid = x[0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{x}"))
        .to_owned();
    let removed = send(
        &s,
        admin,
        &format!("/console/admin/exceptions/{xid}/retirer"),
        Some(&[]),
    )
    .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    let (_, x) = s.get("/api/v1/schedule-exceptions", admin).await;
    assert_eq!(x.as_array().map(Vec::len), Some(0), "{x}");
    s.stop().await;
}

#[tokio::test]
async fn the_desk_records_an_orientation_s_outcome_ends_a_link_and_reopens_a_closed_situation() {
    let s = Server::start().await;
    let a = org(&s, "Suites").await;
    let c = a.coordinator.token.as_str();
    let (st, _) = s
        .post("/api/v1/referrals", Some(&a.referrer.token), json!({"first_name": "Inès", "last_name": "Suite", "consent_to_contact": true,
            "kind": "domestic_violence", "person_role": "victim", "document_type": "none", "channel": "gendarmerie", "unit": "Brigade"}))
        .await;
    assert_eq!(st, 201);
    let (_, q) = s.get("/api/v1/queue", c).await;
    let entry = q
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["person_id"] != a.person_id.to_string())
        .unwrap()
        .clone();
    let sid = entry["situation_id"].as_str().unwrap().to_owned();
    let pid = entry["person_id"].as_str().unwrap().to_owned();
    let (st, p) = s
        .post(
            "/api/v1/partners",
            Some(&a.admin.token),
            json!({"name": "Association d'aide", "kind": "victim_support"}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    let partner = p["id"].as_str().unwrap();
    // The interview is held: the situation is assessed, and may be oriented.
    let (st, iv) = s
        .post(
            &format!("/api/v1/situations/{sid}/interviews"),
            Some(c),
            json!({"mode": "in_person", "duration_minutes": 45}),
        )
        .await;
    assert_eq!(st, 201, "{iv}");
    let file = format!("/console/situations/{sid}");
    let o = send(
        &s,
        c,
        &format!("{file}/orientation"),
        Some(&[("partner_id", partner), ("consent", "true")]),
    )
    .await;
    assert_eq!(o.status, 303, "{}", o.body);
    let (_, list) = s
        .get(&format!("/api/v1/situations/{sid}/orientations"), c)
        .await;
    let oid = list[0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{list}"))
        .to_owned();
    // The file offers the outcomes the status allows, and records one.
    let page = send(&s, c, &file, None).await;
    let accept = format!("{file}/orientations/{oid}/accepted");
    assert!(
        page.body.contains(&format!("action=\"{accept}\"")),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("/handed_over\""),
        "not yet: {}",
        page.body
    );
    let r = send(&s, c, &accept, Some(&[])).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let (_, list) = s
        .get(&format!("/api/v1/situations/{sid}/orientations"), c)
        .await;
    assert_eq!(list[0]["status"], "accepted");
    // Twice: refused on the file, naming the status in words, never a 5xx.
    let again = send(&s, c, &accept, Some(&[])).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains("role=\"alert\""), "{}", again.body);

    // A link, ended from the file.
    let (st, l) = s
        .post(
            &format!("/api/v1/persons/{pid}/links"),
            Some(c),
            json!({"other_person_id": a.person_id, "relation": "victim_alleged_perpetrator"}),
        )
        .await;
    assert_eq!(st, 201, "{l}");
    let lid = l["id"].as_str().unwrap();
    let page = send(&s, c, &file, None).await;
    let end = format!("{file}/liens/{lid}/terminer");
    assert!(
        page.body.contains(&format!("action=\"{end}\"")),
        "{}",
        page.body
    );
    let r = send(&s, c, &end, Some(&[])).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let (_, links) = s.get(&format!("/api/v1/persons/{pid}/links"), c).await;
    assert_eq!(links.as_array().map(Vec::len), Some(0), "{links}");
    // Linked again from the console: the other person found by exact name, shown by
    // initials only, linked with a relation; kept apart, as that relation is by default.
    let (_, other) = s.get(&format!("/api/v1/persons/{}", a.person_id), c).await;
    let name = other["last_name"].as_str().unwrap().to_owned();
    let found = send(
        &s,
        c,
        &format!(
            "{file}?lier={}",
            url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
        ),
        None,
    )
    .await;
    assert!(
        found.body.contains(&format!(
            "name=\"other_person_id\" value=\"{}\"",
            a.person_id
        )),
        "{}",
        found.body
    );
    assert!(
        !found.body.contains("Camille"),
        "initials only: {}",
        found.body
    );
    let other_id = a.person_id.to_string();
    let r = send(
        &s,
        c,
        &format!("{file}/liens"),
        Some(&[
            ("other_person_id", other_id.as_str()),
            ("relation", "victim_alleged_perpetrator"),
        ]),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let (_, links) = s.get(&format!("/api/v1/persons/{pid}/links"), c).await;
    assert_eq!(links[0]["keep_apart"], true, "{links}");
    let none = send(&s, c, &format!("{file}?lier=Personne%20Inconnue"), None).await;
    assert!(
        none.body.contains("Personne d&#39;autre de ce nom."),
        "{}",
        none.body
    );

    // Closed, then reopened from the file: a new situation for the same person.
    let (_, sit) = s.get(&format!("/api/v1/situations/{sid}"), c).await;
    let (st, closed) = s
        .post(
            &format!("/api/v1/situations/{sid}/events"),
            Some(c),
            json!({"event": "close", "version": sit["version"], "close_reason": "handed_over"}),
        )
        .await;
    assert_eq!(st, 200, "{closed}");
    let page = send(&s, c, &file, None).await;
    assert!(
        page.body.contains(&format!("action=\"{file}/rouvrir\"")),
        "{}",
        page.body
    );
    let r = send(&s, c, &format!("{file}/rouvrir"), Some(&[])).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let to = r.location.unwrap();
    assert!(
        to.starts_with("/console/situations/") && !to.contains(&sid),
        "{to}"
    );
    assert!(to.ends_with("?fait=reouverte"), "{to}");
    let new = send(&s, c, &to, None).await;
    assert!(new.body.contains("Situation rouverte"), "{}", new.body);
    assert!(!new.body.contains(&format!("action=\"{to}/rouvrir\"")));
    s.stop().await;
}

#[tokio::test]
async fn the_sites_list_and_its_pickers_go_past_one_page() {
    let s = Server::start().await;
    let a = org(&s, "Soixante sites").await;
    for n in 1..=60 {
        let (st, r) = s
            .post(
                "/api/v1/sites",
                Some(&a.admin.token),
                json!({"name": format!("Site n°{n:02}"), "address": format!("{n} rue du Test")}),
            )
            .await;
        assert_eq!(st, 201, "{r}");
    }
    let list = send(&s, &a.admin.token, "/console/admin/sites", None).await;
    assert!(list.body.contains("Site n°60"), "the 61st site is listed");
    let picker = send(&s, &a.admin.token, "/console/admin/exceptions", None).await;
    assert!(
        picker.body.contains(">Site n°60</option>"),
        "and can be picked"
    );
    s.stop().await;
}

#[tokio::test]
async fn the_desk_moves_an_appointment_to_a_free_time_and_a_stale_page_is_refused() {
    let s = Server::start().await;
    let a = org(&s, "Déplacer").await;
    let c = a.coordinator.token.as_str();
    let aid = a.appointment_id;
    let (_, before) = s.get(&format!("/api/v1/appointments/{aid}"), c).await;
    let appointment = send(&s, c, &format!("/console/rendez-vous/{aid}"), None).await;
    let path = format!("/console/rendez-vous/{aid}/deplacer");
    assert!(
        appointment.body.contains(&format!("href=\"{path}\"")),
        "{}",
        appointment.body
    );
    // The free times, a week at a time, from next week: each posts the version seen.
    let week = (relais_tests::paris_today() + chrono::Duration::days(7)).to_string();
    let page = send(&s, c, &format!("{path}?du={week}"), None).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let value = |name: &str| {
        let at = page
            .body
            .find(&format!("name=\"{name}\" value=\""))
            .unwrap_or_else(|| panic!("no {name}: {}", page.body));
        let rest = &page.body[at + name.len() + 15..];
        rest[..rest.find('"').unwrap()].replace("&#43;", "+")
    };
    let (start, coordinator, version) = (value("start"), value("coordinator_id"), value("version"));
    assert_eq!(version, before["version"].to_string());
    let form = [
        ("start", start.as_str()),
        ("site_id", &a.site_id.to_string()),
        ("coordinator_id", coordinator.as_str()),
        ("version", version.as_str()),
    ];
    let moved = send(&s, c, &path, Some(&form)).await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    assert_eq!(
        moved.location.as_deref(),
        Some(format!("/console/rendez-vous/{aid}?fait=rdv-deplace").as_str())
    );
    let (_, after) = s.get(&format!("/api/v1/appointments/{aid}"), c).await;
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(after["start"].as_str().unwrap()).unwrap(),
        chrono::DateTime::parse_from_rfc3339(&start).unwrap()
    );
    assert_ne!(after["version"], before["version"]);
    let shown = send(&s, c, moved.location.as_deref().unwrap(), None).await;
    assert!(shown.body.contains("Rendez-vous déplacé"), "{}", shown.body);
    // The same page posted again: its version is stale, refused on the page, nothing moved.
    let again = send(&s, c, &path, Some(&form)).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains("role=\"alert\""), "{}", again.body);
    s.stop().await;
}

// Issue 25 §6: a staff member's calendar feed, from the menu: its address shown once, the
// feed answering, revoked from the same page.
#[tokio::test]
async fn a_coordinator_subscribes_to_their_agenda_and_revokes_it() {
    let s = Server::start().await;
    let a = org(&s, "Abonnement").await;
    let c = a.coordinator.token.as_str();
    let page = send(&s, c, "/console/agenda/abonnements", None).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains("href=\"/console/agenda/abonnements\" aria-current=\"page\""),
        "in the menu, marked as the page shown: {}",
        page.body
    );
    assert!(page.body.contains("Aucun abonnement en service."));
    let made = send(
        &s,
        c,
        "/console/agenda/abonnements",
        Some(&[("show_names", "true")]),
    )
    .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let path = made
        .body
        .split("/api/v1/calendar/")
        .nth(1)
        .and_then(|rest| rest.split(".ics").next())
        .map(|token| format!("/api/v1/calendar/{token}.ics"))
        .expect("the new address is shown");
    let feed = reqwest::get(format!("{}{path}", s.base)).await.unwrap();
    assert_eq!(feed.status(), 200);
    assert!(feed.text().await.unwrap().starts_with("BEGIN:VCALENDAR"));
    // The address is not shown again.
    let again = send(&s, c, "/console/agenda/abonnements", None).await;
    assert!(!again.body.contains(&path), "shown once only");
    assert!(again.body.contains("avec les initiales"));
    let revoke = again
        .body
        .split("action=\"/console/agenda/abonnements/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|tail| format!("/console/agenda/abonnements/{tail}"))
        .expect("a revoke button");
    let gone = send(&s, c, &revoke, Some(&[])).await;
    assert_eq!(gone.status, 303);
    assert_eq!(
        gone.location.as_deref(),
        Some("/console/agenda/abonnements?fait=abonnement-revoque")
    );
    let feed = reqwest::get(format!("{}{path}", s.base)).await.unwrap();
    assert_eq!(feed.status(), 404, "a revoked feed shows nothing");
    s.stop().await;
}

/// A page read in a language (`relais_lang`), as a signed-in member of staff.
async fn read_in(s: &Server, token: &str, path: &str, english: bool) -> String {
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{path}", s.base))
        .header(
            "cookie",
            format!(
                "relais_console={token}; relais_lang={}",
                if english { "en" } else { "fr" }
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "{path}");
    res.text().await.unwrap()
}

// Issue 25, "how to move safely": every page on its template, in both languages, with a
// hostile string in each text a member of staff typed — shown, escaped, never as markup.
#[tokio::test]
async fn every_console_page_escapes_what_staff_typed_in_both_languages() {
    const HOSTILE: &str = "<script>alert('x')</script>\"'&";
    let s = Server::start().await;
    let a = org(&s, "Hostile").await;
    let (admin, c) = (a.admin.token.as_str(), a.coordinator.token.as_str());
    for (path, form) in [
        (
            "/console/admin/sites",
            vec![("name", HOSTILE), ("address", HOSTILE)],
        ),
        (
            "/console/admin/partenaires",
            vec![
                ("name", HOSTILE),
                ("kind", "victim_support"),
                ("contact", HOSTILE),
            ],
        ),
        (
            "/console/admin/cles",
            vec![("name", HOSTILE), ("channel", "gendarmerie")],
        ),
    ] {
        let done = send(&s, admin, path, Some(&form)).await;
        assert!(done.status < 400, "{path}: {}", done.body);
    }
    let walk_in = send(
        &s,
        c,
        "/console/accueil",
        Some(&[
            ("first_name", HOSTILE),
            ("last_name", HOSTILE),
            ("kind", "family_conflict"),
            ("person_role", "victim"),
            ("note", HOSTILE),
        ]),
    )
    .await;
    assert_eq!(walk_in.status, 303, "{}", walk_in.body);
    let file = walk_in.location.unwrap();
    let file = file.split('?').next().unwrap().to_owned();
    let booking = format!("{file}/rendez-vous");
    let pages: Vec<(&str, &str)> = vec![
        (admin, "/console/admin/sites"),
        (admin, "/console/admin/comptes"),
        (admin, "/console/admin/types"),
        (admin, "/console/admin/horaires"),
        (admin, "/console/admin/exceptions"),
        (admin, "/console/admin/absences"),
        (admin, "/console/admin/apercu"),
        (admin, "/console/admin/partenaires"),
        (admin, "/console/admin/messages"),
        (admin, "/console/admin/rapport"),
        (admin, "/console/admin/journal"),
        (admin, "/console/admin/conservation"),
        (c, "/console/file"),
        (c, file.as_str()),
        (c, booking.as_str()),
        (c, "/console/agenda?vue=semaine"),
        (c, "/console/agenda/abonnements"),
        (c, "/console/accueil"),
        (c, "/console/contact-anonyme"),
        (c, "/console/prevention"),
    ];
    let mut shown = 0;
    for english in [false, true] {
        for (token, path) in &pages {
            let body = read_in(&s, token, path, english).await;
            assert!(
                !body.contains("<script>alert"),
                "{path} ({}) shows typed text as markup",
                if english { "en" } else { "fr" }
            );
            assert!(
                body.contains(&format!("lang=\"{}\"", if english { "en" } else { "fr" })),
                "{path}"
            );
            if body.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;&#34;&#39;&#38;") {
                shown += 1;
            }
        }
    }
    // The typed text is shown (escaped) where it belongs: sites, partners, pickers, the file.
    assert!(
        shown >= 10,
        "the hostile text shown escaped on {shown} pages only"
    );
    s.stop().await;
}

// Issue 25: a refused form speaks the reader's language, its summary and each field's own
// line — the service's refusal is written once, in French and in English, where it is made.
#[tokio::test]
async fn a_refused_form_says_each_fault_in_the_reader_s_language() {
    let s = Server::start().await;
    let a = org(&s, "Langues").await;
    let long = "n".repeat(201);
    let form = [
        ("name", long.as_str()),
        ("address", "1 rue de la Gare"),
        ("phone", "12"),
    ];
    let en = send_in(
        &s,
        &a.admin.token,
        "/console/admin/sites",
        Some(&form),
        true,
    )
    .await;
    assert_eq!(en.status, 422, "{}", en.body);
    assert!(
        en.body
            .contains("Name (internal, never shown to people): 200 characters at most."),
        "{}",
        en.body
    );
    assert!(
        en.body.contains("a 10-digit French number expected"),
        "{}",
        en.body
    );
    for french in ["caractères au plus", "numéro français", " : "] {
        let summary = en.body.split("id=\"errors\"").nth(1).unwrap_or("");
        let summary = summary.split("</div>").next().unwrap_or("");
        assert!(
            !summary.contains(french),
            "French on the English console: {summary}"
        );
    }
    let fr = send_in(
        &s,
        &a.admin.token,
        "/console/admin/sites",
        Some(&form),
        false,
    )
    .await;
    assert_eq!(fr.status, 422);
    assert!(
        fr.body
            .contains("Nom (interne, jamais montré aux personnes) : 200 caractères au plus."),
        "{}",
        fr.body
    );
    assert!(
        fr.body.contains("numéro français à 10 chiffres attendu"),
        "{}",
        fr.body
    );
    s.stop().await;
}
