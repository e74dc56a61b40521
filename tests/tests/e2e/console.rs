//! The staff console over HTTP (the browser suite `web-tests/console.cjs` drives the same
//! pages in Chromium): signing in sets a strict cookie over an API session, every form needs
//! the session's anti-forgery token, each role is refused the others' pages, another
//! organisation's file does not exist, and bad form input is a 4xx that names the field —
//! never a 5xx.

use relais_server::web::console::csrf_of;
use relais_tests::{Server, org, totp_code};
use serde_json::json;

pub(super) struct Page {
    pub(super) status: u16,
    pub(super) location: Option<String>,
    set_cookie: Option<String>,
    cache: Option<String>,
    pub(super) body: String,
}

pub(super) async fn send(
    s: &Server,
    token: Option<&str>,
    path: &str,
    form: Option<&[(&str, &str)]>,
) -> Page {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut r = match form {
        Some(_) => http.post(format!("{}{path}", s.base)),
        None => http.get(format!("{}{path}", s.base)),
    }
    .header("sec-fetch-site", "same-origin");
    if let Some(t) = token {
        r = r.header("cookie", format!("relais_console={t}"));
    }
    if let Some(f) = form {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(f.iter())
            .finish();
        r = r
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
    }
    let res = r.send().await.unwrap();
    let h = |n: &str| {
        res.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (location, set_cookie, cache) = (h("location"), h("set-cookie"), h("cache-control"));
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    assert!(status < 500, "{path} answered {status}");
    Page {
        status,
        location,
        set_cookie,
        cache,
        body,
    }
}

#[tokio::test]
async fn signing_in_sets_a_strict_cookie_and_a_wrong_code_keeps_the_address() {
    let s = Server::start().await;
    let a = org(&s, "Console A").await;
    let code = totp_code(&a.coordinator.totp_secret, 1);
    let ok = send(
        &s,
        None,
        "/console/connexion",
        Some(&[
            ("email", &a.coordinator.email),
            ("password", relais_tests::PASSWORD),
            ("totp_code", &code),
        ]),
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(ok.location.as_deref(), Some("/console"));
    let c = ok.set_cookie.unwrap();
    assert!(c.starts_with("relais_console="), "{c}");
    assert!(
        c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Path=/console"),
        "{c}"
    );
    let token = c["relais_console=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let queue = send(&s, Some(&token), "/console/file", None).await;
    assert_eq!(queue.status, 200);
    assert_eq!(queue.cache.as_deref(), Some("no-store"));

    let bad = send(
        &s,
        None,
        "/console/connexion",
        Some(&[
            ("email", &a.coordinator.email),
            ("password", relais_tests::PASSWORD),
            ("totp_code", "000000"),
        ]),
    )
    .await;
    assert!((400..500).contains(&bad.status), "{}", bad.status);
    assert!(
        bad.body
            .contains(&format!("value=\"{}\"", a.coordinator.email))
    );
    assert!(!bad.body.contains(relais_tests::PASSWORD));
    let empty = send(
        &s,
        None,
        "/console/connexion",
        Some(&[("email", ""), ("password", "")]),
    )
    .await;
    assert_eq!(empty.status, 422);
    assert!(
        empty.body.contains("f-email-e") && empty.body.contains("f-password-e"),
        "both fields named"
    );
    s.stop().await;
}

#[tokio::test]
async fn forms_need_the_token_roles_their_pages_and_other_organisations_do_not_exist() {
    let s = Server::start().await;
    let a = org(&s, "Console B").await;
    let b = org(&s, "Console C").await;
    let (st, r) = s
        .post("/api/v1/referrals", Some(&a.referrer.token), json!({"first_name": "Lou", "last_name": "Essai", "consent_to_contact": true,
            "kind": "family_conflict", "person_role": "victim", "document_type": "none", "channel": "gendarmerie", "unit": "Brigade"}))
        .await;
    assert_eq!(st, 201, "{r}");
    let (_, q) = s.get("/api/v1/queue", &a.coordinator.token).await;
    let sid = q[0]["situation_id"].as_str().unwrap().to_owned();
    let coordinator = a.coordinator.token.as_str();

    let file = send(
        &s,
        Some(coordinator),
        &format!("/console/situations/{sid}"),
        None,
    )
    .await;
    assert_eq!(file.status, 200);
    assert!(file.body.contains("Lou Essai"));
    let attempt = format!("/console/situations/{sid}/tentative");
    let no_token = send(
        &s,
        Some(coordinator),
        &attempt,
        Some(&[("channel", "call"), ("result", "answered")]),
    )
    .await;
    assert_eq!(no_token.status, 403);
    let other_token = csrf_of(&b.coordinator.token);
    let wrong = send(
        &s,
        Some(coordinator),
        &attempt,
        Some(&[
            ("_csrf", &other_token),
            ("channel", "call"),
            ("result", "answered"),
        ]),
    )
    .await;
    assert_eq!(wrong.status, 403, "another session's token");
    let csrf = csrf_of(coordinator);
    let done = send(
        &s,
        Some(coordinator),
        &attempt,
        Some(&[
            ("_csrf", &csrf),
            ("channel", "call"),
            ("result", "answered"),
        ]),
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.body);

    for (token, path) in [
        (a.referrer.token.as_str(), "/console/file"),
        (a.referrer.token.as_str(), "/console/admin/comptes"),
        (coordinator, "/console/admin/sites"),
        (coordinator, "/console/signalements"),
        (a.admin.token.as_str(), "/console/signalements/nouveau"),
    ] {
        assert_eq!(
            send(&s, Some(token), path, None).await.status,
            403,
            "{path}"
        );
    }
    let theirs = send(
        &s,
        Some(&b.coordinator.token),
        &format!("/console/situations/{sid}"),
        None,
    )
    .await;
    assert_eq!(
        theirs.status, 404,
        "another organisation's file does not exist"
    );
    let signed_out = send(&s, None, "/console/file", None).await;
    assert_eq!(signed_out.status, 303);
    assert_eq!(
        signed_out.location.as_deref(),
        Some("/console/connexion?retour=%2Fconsole%2Ffile")
    );
    s.stop().await;
}

#[tokio::test]
async fn bad_form_input_is_a_4xx_naming_the_field_and_keeping_what_was_typed() {
    let s = Server::start().await;
    let a = org(&s, "Console D").await;
    let admin = a.admin.token.as_str();
    let csrf = csrf_of(admin);
    for (path, form, field) in [
        (
            "/console/admin/sites",
            vec![("name", ""), ("address", "")],
            "f-name-e",
        ),
        (
            "/console/admin/comptes",
            vec![
                ("display_name", "X"),
                ("email", "pas-une-adresse"),
                ("role", "coordinator"),
                ("password", "court"),
            ],
            "errors",
        ),
        (
            "/console/admin/horaires",
            vec![
                ("coordinator_id", "nope"),
                ("site_id", ""),
                ("start", "25:00"),
                ("end", ""),
            ],
            "errors",
        ),
        (
            "/console/admin/absences",
            vec![
                ("coordinator_id", "x"),
                ("start_local", "hier"),
                ("end_local", ""),
            ],
            "errors",
        ),
        (
            "/console/admin/partenaires",
            vec![("name", ""), ("kind", "inconnu")],
            "errors",
        ),
        (
            "/console/admin/messages",
            vec![
                ("action", "save"),
                ("kind", "reminder"),
                ("channel", "sms"),
                ("body", "rdv gendarmerie {quand}"),
            ],
            "f-body-e",
        ),
        (
            "/console/admin/invitations",
            vec![
                ("name", "Réglages"),
                ("invitations.expiry_days", "40"),
                ("invitations.follow_up_days", "3"),
            ],
            "f-invitations-expiry-days-e",
        ),
        (
            "/console/accueil",
            vec![("first_name", ""), ("kind", "x")],
            "f-first-name-e",
        ),
        (
            "/console/contact-anonyme",
            vec![("channel", "x"), ("action", "")],
            "errors",
        ),
    ] {
        let mut f: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        f.extend(form.iter().copied());
        let p = send(&s, Some(admin), path, Some(&f)).await;
        assert!((400..500).contains(&p.status), "{path}: {}", p.status);
        assert!(
            p.body.contains(field),
            "{path} names the field: {}",
            &p.body[..p.body.len().min(3000)]
        );
    }
    let kept = send(
        &s,
        Some(admin),
        "/console/admin/sites",
        Some(&[("_csrf", &csrf), ("name", ""), ("address", "12 rue Gardée")]),
    )
    .await;
    assert!(
        kept.body.contains("value=\"12 rue Gardée\""),
        "what was typed is kept"
    );
    s.stop().await;
}

// Keep-apart through the console's picker: booking the alleged perpetrator on the morning
// the victim comes is refused on the picker's page, in words, naming no one, and books
// nothing.
#[tokio::test]
async fn the_console_picker_refuses_a_linked_person_on_the_other_s_half_day() {
    use relais_server::store::entities::appointment_participant;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let s = Server::start().await;
    let a = org(&s, "Console apart").await;
    let (st, r) = s
        .post("/api/v1/referrals", Some(&a.referrer.token), json!({"first_name": "Bruno", "last_name": "Auteur", "consent_to_contact": true,
            "kind": "domestic_violence", "person_role": "alleged_perpetrator", "document_type": "none", "channel": "gendarmerie", "unit": "Brigade"}))
        .await;
    assert_eq!(st, 201, "{r}");
    let (_, q) = s.get("/api/v1/queue", &a.coordinator.token).await;
    let entry = q
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["person_id"] != a.person_id.to_string())
        .unwrap_or_else(|| panic!("the referral is queued: {q}"))
        .clone();
    let sid = entry["situation_id"].as_str().unwrap().to_owned();
    let author = entry["person_id"].as_str().unwrap().to_owned();
    let (st, l) = s
        .post(
            &format!("/api/v1/persons/{}/links", a.person_id),
            Some(&a.coordinator.token),
            json!({"other_person_id": author, "relation": "victim_alleged_perpetrator"}),
        )
        .await;
    assert_eq!(st, 201, "{l}");
    let day = relais_tests::fixture_day(&s, &a).await;
    let coordinator = a.coordinator.token.as_str();
    let csrf = csrf_of(coordinator);
    let (type_id, site_id, me) = (
        a.type_id.to_string(),
        a.site_id.to_string(),
        a.coordinator.account_id.to_string(),
    );
    let book = |h: u32| {
        let start = relais_tests::paris(day, h, 0);
        let (csrf, type_id, site_id, me, author, sid) = (
            csrf.clone(),
            type_id.clone(),
            site_id.clone(),
            me.clone(),
            author.clone(),
            sid.clone(),
        );
        let s = &s;
        async move {
            send(
                s,
                Some(coordinator),
                &format!("/console/situations/{sid}/rendez-vous"),
                Some(&[
                    ("_csrf", csrf.as_str()),
                    ("type_id", &type_id),
                    ("site_id", &site_id),
                    ("coordinator_id", &me),
                    ("person_id", &author),
                    ("start", &start),
                ]),
            )
            .await
        }
    };
    let refused = book(10).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(
        refused.body.contains("Personne liée sur place"),
        "{}",
        refused.body
    );
    for word in ["Camille", "Témoin"] {
        assert!(!refused.body.contains(word), "the refusal names `{word}`");
    }
    let count = || {
        appointment_participant::Entity::find()
            .filter(
                appointment_participant::Column::PersonId.eq(author.parse::<uuid::Uuid>().unwrap()),
            )
            .count(s.state.db())
    };
    assert_eq!(count().await.unwrap(), 0, "nothing booked");
    // The refusal is in the person's access log, in words the coordinator reads.
    let log = send(
        &s,
        Some(coordinator),
        &format!("/console/personnes/{author}/consultations"),
        None,
    )
    .await;
    assert_eq!(log.status, 200);
    assert!(
        log.body.contains("Créneau refusé : une personne liée"),
        "{}",
        log.body
    );
    assert!(!log.body.contains("linked_party_refused"), "{}", log.body);
    // The afternoon is another half-day: booked.
    let booked = book(15).await;
    assert_eq!(booked.status, 303, "{}", booked.body);
    assert_eq!(count().await.unwrap(), 1);
    s.stop().await;
}

// Issue 24 §7: the console says only what it wrote itself. A notice travels in the address
// as a code; free text put there by a crafted link shows nothing; a refused change is said
// on the page itself with its status, never carried in the address.
#[tokio::test]
async fn notices_are_codes_and_a_crafted_address_says_nothing() {
    let s = Server::start().await;
    let a = org(&s, "Console avis").await;
    let c = a.coordinator.token.as_str();
    let forged = send(
        &s,
        Some(c),
        "/console/agenda?fait=Compte+bloqu%C3%A9+%3A+appelez+le+06+12+34+56+78",
        None,
    )
    .await;
    assert_eq!(forged.status, 200);
    assert!(
        !forged.body.contains("appelez") && !forged.body.contains("bloqu"),
        "{}",
        forged.body
    );
    let said = send(&s, Some(c), "/console/agenda?fait=rdv-modifie", None).await;
    assert!(
        said.body.contains("Rendez-vous mis à jour."),
        "{}",
        said.body
    );
    // A change made: the redirect carries the code. The same change again (its version is
    // stale): refused on the page, with 409, and no redirect.
    let csrf = csrf_of(c);
    let path = format!("/console/rendez-vous/{}/honore", a.appointment_id);
    let (_, now) = s
        .get(&format!("/api/v1/appointments/{}", a.appointment_id), c)
        .await;
    let version = now["version"].to_string();
    // The fixture's appointment is ahead: "honoured" is refused as not started, which is
    // a refusal all the same.
    let refused = send(
        &s,
        Some(c),
        &path,
        Some(&[("_csrf", csrf.as_str()), ("version", version.as_str())]),
    )
    .await;
    assert!((400..500).contains(&refused.status), "{}", refused.status);
    assert_eq!(refused.location, None);
    assert!(
        refused.body.contains("role=\"alert\"") || refused.body.contains("class=\"notice"),
        "{}",
        refused.body
    );
    let cancelled = send(
        &s,
        Some(c),
        &format!("/console/rendez-vous/{}/annule", a.appointment_id),
        Some(&[
            ("_csrf", csrf.as_str()),
            ("reason", "Demande de la personne"),
            ("version", version.as_str()),
        ]),
    )
    .await;
    assert_eq!(cancelled.status, 303, "{}", cancelled.body);
    assert_eq!(
        cancelled.location.as_deref(),
        Some("/console/agenda?fait=rdv-modifie")
    );
    s.stop().await;
}

// Issue 25 §4: a call-back window typed at the desk is read in the situation's zone, as its
// due dates are; it used to be read in Paris time whatever the site's zone.
#[tokio::test]
async fn a_call_back_window_typed_at_the_desk_is_read_in_the_site_s_zone() {
    let s = Server::start().await;
    let a = org(&s, "Guyane").await;
    let (st, body) = s
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/sites/{}", a.site_id),
            Some(&a.admin.token),
            Some(json!({"name": "Antenne", "address": "1 rue du Port", "time_zone": "America/Cayenne"})),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let (st, r) = s
        .post("/api/v1/referrals", Some(&a.referrer.token), json!({"first_name": "Inès", "last_name": "Rappel", "consent_to_contact": true,
            "kind": "domestic_violence", "person_role": "victim", "document_type": "none", "channel": "gendarmerie", "unit": "Brigade"}))
        .await;
    assert_eq!(st, 201, "{r}");
    let (_, q) = s.get("/api/v1/queue", &a.coordinator.token).await;
    let sid = q
        .as_array()
        .unwrap()
        .first()
        .unwrap_or_else(|| panic!("the referral is queued: {q}"))["situation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let situation = || {
        let (s, sid, token) = (&s, sid.clone(), a.coordinator.token.clone());
        async move { s.get(&format!("/api/v1/situations/{sid}"), &token).await.1 }
    };
    let sit = situation().await;
    if sit["state"] != "contacting" {
        let (st, r) = s
            .post(
                &format!("/api/v1/situations/{sid}/events"),
                Some(&a.coordinator.token),
                json!({"event": "qualify", "version": sit["version"]}),
            )
            .await;
        assert_eq!(st, 200, "{r}");
    }
    let sit = situation().await;
    assert_eq!(sit["state"], "contacting", "{sit}");
    let token = a.coordinator.token.as_str();
    let version = sit["version"].to_string();
    let r = send(
        &s,
        Some(token),
        &format!("/console/situations/{sid}/etat"),
        Some(&[
            ("_csrf", csrf_of(token).as_str()),
            ("event", "schedule_callback"),
            ("version", &version),
            ("callback_date", "2031-03-04"),
            ("callback_from", "10:00"),
            ("callback_to", "11:30"),
        ]),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let sit = situation().await;
    // Cayenne is UTC−3 all year: 10:00 there is 13:00 UTC (Paris time would have said 09:00).
    assert_eq!(sit["callback"]["start"], "2031-03-04T13:00:00Z", "{sit}");
    assert_eq!(sit["callback"]["end"], "2031-03-04T14:30:00Z", "{sit}");
    // A time that is not one is refused, naming its field.
    let r = send(
        &s,
        Some(token),
        &format!("/console/situations/{sid}/etat"),
        Some(&[
            ("_csrf", csrf_of(token).as_str()),
            ("event", "schedule_callback"),
            ("version", &sit["version"].to_string()),
            ("callback_date", "2031-03-04"),
            ("callback_from", "25:00"),
            ("callback_to", "11:30"),
        ]),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("f-callback-from"), "{}", r.body);
    s.stop().await;
}

// Issue 25 §6: the report's usual periods, one click each (last year, this year, its quarters).
#[tokio::test]
async fn the_report_offers_its_usual_periods() {
    use chrono::Datelike;
    let s = Server::start().await;
    let a = org(&s, "Périodes").await;
    let today = relais_tests::paris_today();
    let y = today.year();
    let page = send(&s, Some(&a.admin.token), "/console/admin/rapport", None).await;
    assert_eq!(page.status, 200, "{}", page.body);
    // The links as a browser reads them (the template writes `&` as `&#38;`).
    let body = page.body.replace("&#38;", "&");
    // Last year is the default, and marked as the period shown.
    assert!(
        body.contains(&format!(
            "from={}-01-01&to={}-12-31&audience=internal\" aria-current=\"page\">Année {}</a>",
            y - 1,
            y - 1,
            y - 1
        )),
        "{}",
        body
    );
    assert!(
        body.contains(&format!("from={y}-01-01&to={today}")),
        "{}",
        body
    );
    assert!(body.contains(&format!("1er trimestre {y}")), "{}", body);
    s.stop().await;
}

/// A form posted with a cookie of the caller's choosing (the held sign-in's).
async fn post_with_cookie(s: &Server, path: &str, cookie: &str, form: &[(&str, &str)]) -> Page {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form.iter())
        .finish();
    let res = http
        .post(format!("{}{path}", s.base))
        .header("sec-fetch-site", "same-origin")
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let h = |n: &str| {
        res.headers()
            .get_all(n)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (location, set_cookie, cache) = (h("location"), h("set-cookie"), h("cache-control"));
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    assert!(status < 500, "{path} answered {status}");
    Page {
        status,
        location: Some(location).filter(|l| !l.is_empty()),
        set_cookie: Some(set_cookie).filter(|c| !c.is_empty()),
        cache: Some(cache),
        body,
    }
}

/// The held sign-in's cookie from a first step's answer.
fn held(p: &Page) -> String {
    let c = p.set_cookie.as_deref().expect("a cookie");
    assert!(c.starts_with("relais_sign_in="), "{c}");
    assert!(
        c.contains("Path=/console/connexion")
            && c.contains("HttpOnly")
            && c.contains("SameSite=Strict")
            && c.contains("Max-Age=300"),
        "{c}"
    );
    c.split(';').next().unwrap().to_owned()
}

// Issue 25 §6: the sign-in in two steps — the password, then the code — with the sign-in
// held on the server in between: a wrong code is refused and counted, the held token opens
// nothing, the right code signs in once, and five minutes later the sign-in must start again.
#[tokio::test]
async fn signing_in_takes_the_password_then_the_code_held_on_the_server_in_between() {
    let s = Server::start().await;
    let a = org(&s, "Deux temps").await;
    let first = |back: &'static str| {
        let email = a.coordinator.email.clone();
        let s = &s;
        async move {
            let mut form = vec![
                ("email", email.clone()),
                ("password", relais_tests::PASSWORD.to_owned()),
            ];
            if !back.is_empty() {
                form.push(("retour", back.to_owned()));
            }
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            send(s, None, "/console/connexion", Some(&pairs)).await
        }
    };
    // The first page asks for the address and the password only.
    let page = send(&s, None, "/console/connexion", None).await;
    assert!(page.body.contains("id=\"f-password\"") && !page.body.contains("totp_code"));
    let step = first("/console/agenda").await;
    assert_eq!(step.status, 303, "{}", step.body);
    assert_eq!(
        step.location.as_deref(),
        Some("/console/connexion/code?retour=%2Fconsole%2Fagenda")
    );
    let cookie = held(&step);
    // The held token is no session: not as the console's cookie, not as the API's bearer.
    let token = cookie.trim_start_matches("relais_sign_in=");
    let page = send(&s, Some(token), "/console/file", None).await;
    assert_eq!(page.status, 303, "the console does not open");
    let (st, _) = s.get("/api/v1/me", token).await;
    assert_eq!(st, 401, "the API does not open");
    // The code's page, then a wrong code: refused on that page, the sign-in still held.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let code_page = http
        .get(format!("{}/console/connexion/code", s.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(code_page.status(), 200);
    let body = code_page.text().await.unwrap();
    assert!(body.contains("autocomplete=\"one-time-code\""), "{body}");
    let wrong = post_with_cookie(
        &s,
        "/console/connexion/code",
        &cookie,
        &[("totp_code", "000000"), ("retour", "/console/agenda")],
    )
    .await;
    assert!((400..500).contains(&wrong.status), "{}", wrong.status);
    assert!(wrong.body.contains("Connexion refusée"), "{}", wrong.body);
    assert!(!wrong.body.contains("000000"), "a code is not shown again");
    // The right code: signed in, where the page was asked for, the held sign-in cleared.
    let right = post_with_cookie(
        &s,
        "/console/connexion/code",
        &cookie,
        &[
            ("totp_code", &totp_code(&a.coordinator.totp_secret, 1)),
            ("retour", "/console/agenda"),
        ],
    )
    .await;
    assert_eq!(right.status, 303, "{}", right.body);
    assert_eq!(right.location.as_deref(), Some("/console/agenda"));
    let cookies = right.set_cookie.unwrap();
    assert!(
        cookies.contains("relais_console=") && cookies.contains("relais_sign_in=; "),
        "{cookies}"
    );
    let session = cookies
        .split("relais_console=")
        .nth(1)
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_owned();
    assert_eq!(
        send(&s, Some(&session), "/console/agenda", None)
            .await
            .status,
        200
    );
    // The held sign-in served once.
    let again = post_with_cookie(
        &s,
        "/console/connexion/code",
        &cookie,
        &[("totp_code", &totp_code(&a.coordinator.totp_secret, 0))],
    )
    .await;
    assert_eq!(again.status, 303);
    assert_eq!(
        again.location.as_deref(),
        Some("/console/connexion?expiree=1")
    );
    // Five minutes after the password, the code comes too late: start again, said so.
    let late = held(&first("").await);
    s.state.clock().advance(chrono::Duration::minutes(6));
    let too_late = post_with_cookie(
        &s,
        "/console/connexion/code",
        &late,
        &[("totp_code", &totp_code(&a.coordinator.totp_secret, 0))],
    )
    .await;
    assert_eq!(
        too_late.location.as_deref(),
        Some("/console/connexion?expiree=1")
    );
    let said = send(&s, None, "/console/connexion?expiree=1", None).await;
    assert!(said.body.contains("dans les 5 minutes"), "{}", said.body);
    s.stop().await;
}
