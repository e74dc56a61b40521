//! The person's pages over HTTP (the browser suite in `web-tests/` drives the same pages in
//! Chromium): a link exchanged for a session and a clean URL, the knowledge check, booking,
//! moving and cancelling through forms, the neutral page for every link that does not open,
//! throttled guessing, the safety headers, and the manage link in the reminder's text.

use chrono::Utc;
use relais_tests::{Org, Server, org, paris, workday};
use reqwest::Method;
use serde_json::{Value, json};

const PUBLIC: &str = "https://rdv.exemple.fr";

/// A browser without JavaScript: one cookie, no automatic redirects.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

struct Answer {
    status: u16,
    location: Option<String>,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Browser {
    fn new(s: &Server) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: s.base.clone(),
            cookie: None,
        }
    }

    async fn send(&mut self, method: Method, path: &str, form: Option<&[(&str, &str)]>) -> Answer {
        let mut r = self
            .http
            .request(method, format!("{}{}", self.base, path))
            .header("sec-fetch-site", "same-origin")
            .header("sec-fetch-mode", "navigate");
        if let Some(c) = &self.cookie {
            r = r.header("cookie", c.clone());
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
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        if let Some(sc) = headers.get("set-cookie").and_then(|v| v.to_str().ok()) {
            let pair = sc.split(';').next().unwrap_or("").to_owned();
            self.cookie = if pair.ends_with('=') {
                None
            } else {
                Some(pair)
            };
        }
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = res.text().await.unwrap();
        assert!(
            status < 500,
            "{method_path} answered {status}",
            method_path = path
        );
        Answer {
            status,
            location,
            headers,
            body,
        }
    }

    async fn get(&mut self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.send(Method::POST, path, Some(form)).await
    }

    /// Post, follow the redirect, and return the page.
    async fn submit(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let a = self.post(path, form).await;
        assert_eq!(a.status, 303, "{path}: {}", a.body);
        let to = a.location.unwrap();
        self.get(&to).await
    }
}

fn token_of(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}

/// The slot keys a page offers, in order.
fn slot_keys(html: &str) -> Vec<String> {
    html.split("creneau=")
        .skip(1)
        .filter_map(|rest| rest.split(['"', '&']).next())
        .map(|k| k.to_owned())
        .filter(|k| k.split('-').count() == 2)
        .collect()
}

async fn public_type(s: &Server, a: &Org) -> String {
    let (st, ty) = s
        .post(
            "/api/v1/appointment-types",
            Some(&a.admin.token),
            json!({"name": "Premier entretien", "public_label": "Rendez-vous", "duration_minutes": 45,
                   "step_minutes": 15, "place_kind": "site", "bookable_by": "public", "reminders": true}),
        )
        .await;
    assert_eq!(st, 201, "{ty}");
    ty["id"].as_str().unwrap().to_owned()
}

async fn link(s: &Server, a: &Org, person: &str, ty: &str) -> Value {
    let (st, l) = s
        .post(
            &format!("/api/v1/persons/{person}/booking-links"),
            Some(&a.coordinator.token),
            json!({"type_id": ty, "site_ids": [a.site_id]}),
        )
        .await;
    assert_eq!(st, 201, "{l}");
    l
}

async fn person_with_sms(s: &Server, a: &Org, last: &str) -> String {
    let (st, p) = s
        .post(
            "/api/v1/persons",
            Some(&a.coordinator.token),
            json!({"first_name": "Aline", "last_name": last, "phone": "06 10 20 30 40",
                   "safe_contact": {"sms": true, "phone_call": true, "safe_phone": "07 10 20 30 40",
                                    "checked_at": Utc::now().to_rfc3339()}}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

async fn server() -> Server {
    Server::start_with(|c| {
        c.public_url = PUBLIC.into();
        c.sms_quiet_start = "00:00".into();
        c.sms_quiet_end = "00:00".into();
    })
    .await
}

async fn history(s: &Server, a: &Org, id: &str) -> (Value, Vec<String>) {
    let (st, appt) = s
        .get(&format!("/api/v1/appointments/{id}"), &a.coordinator.token)
        .await;
    assert_eq!(st, 200, "{appt}");
    let kinds = appt["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    (appt, kinds)
}

#[tokio::test]
async fn a_person_books_moves_and_cancels_from_links_without_javascript() {
    let s = server().await;
    let a = org(&s, "Pages").await;
    let ty = public_type(&s, &a).await;
    let pid = person_with_sms(&s, &a, "Lefèvre").await;
    let l = link(&s, &a, &pid, &ty).await;
    let url = l["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{PUBLIC}/r/")), "{url}");
    assert_eq!(l["state"], "active");
    let token = token_of(url);
    assert_eq!(token.len(), 14);

    // The link is exchanged for a session and a clean address.
    let mut b = Browser::new(&s);
    let open = b.get(&format!("/r/{token}")).await;
    assert_eq!(open.status, 303);
    assert_eq!(open.location.as_deref(), Some("/rdv"));
    assert!(b.cookie.is_some());
    for (h, v) in [
        ("cache-control", "no-store"),
        ("referrer-policy", "no-referrer"),
        ("x-robots-tag", "noindex, nofollow"),
    ] {
        assert_eq!(open.headers.get(h).unwrap(), v, "{h}");
    }
    let set = open.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        set.contains("HttpOnly")
            && set.contains("SameSite=Lax")
            && !set.contains("Max-Age")
            && !set.contains("Expires"),
        "{set}"
    );

    // Nothing personal before the knowledge check.
    let check = b.get("/rdv").await;
    assert!(check.body.contains("Vérification"), "{}", check.body);
    assert!(!check.body.contains("creneau="));
    let csp = check
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    let wrong = b.submit("/rdv/verifier", &[("reponse", "xyz")]).await;
    assert!(wrong.body.contains("Essais restants : 4"), "{}", wrong.body);
    let slots = b.submit("/rdv/verifier", &[("reponse", "LEF")]).await;
    assert!(
        slots.body.contains("Choisissez un créneau"),
        "{}",
        slots.body
    );
    assert!(slots.body.contains("Première disponibilité"));
    let keys = slot_keys(&slots.body);
    assert!(keys.len() > 3, "{}", slots.body);
    // A later week still says when the first free time is, and pages back.
    let first = |body: &str| {
        body.split("Première disponibilité : <a href=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(str::to_owned)
    };
    let later_day = chrono::Utc::now().date_naive() + chrono::Duration::days(14);
    let later = b.get(&format!("/rdv?du={later_day}")).await;
    assert_eq!(first(&later.body), first(&slots.body), "{}", later.body);
    assert!(later.body.contains("Jours précédents"), "{}", later.body);

    // Choose, confirm: booked, seen in the staff's history as booked by the person.
    let confirm = b.get(&format!("/rdv?creneau={}", keys[0])).await;
    assert!(
        confirm.body.contains("Confirmer le rendez-vous"),
        "{}",
        confirm.body
    );
    let booked = b.submit("/rdv/reserver", &[("creneau", &keys[0])]).await;
    assert!(
        booked.body.contains("Rendez-vous confirmé"),
        "{}",
        booked.body
    );
    let links: Value = s
        .get(
            &format!("/api/v1/persons/{pid}/booking-links"),
            &a.coordinator.token,
        )
        .await
        .1;
    let manage = links
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["purpose"] == "manage")
        .unwrap()
        .clone();
    let appt = manage["appointment_id"].as_str().unwrap().to_owned();
    let booking = links
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["purpose"] == "book")
        .unwrap();
    assert_eq!(booking["state"], "used");
    assert!(booking.get("url").is_none(), "the address is shown once");
    let (_, kinds) = history(&s, &a, &appt).await;
    assert_eq!(kinds, ["booked_by_person"]);

    // A second submit books nothing more: it shows the booking made.
    let again = b.submit("/rdv/reserver", &[("creneau", &keys[1])]).await;
    assert!(
        again.body.contains("Rendez-vous confirmé"),
        "{}",
        again.body
    );
    let (st, agenda) = s
        .get(
            &format!("/api/v1/persons/{pid}/booking-links"),
            &a.coordinator.token,
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(
        agenda
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["purpose"] == "manage")
            .count(),
        1,
        "one appointment"
    );

    // The used booking link opens the neutral page, like any other.
    let mut other = Browser::new(&s);
    let used = other.get(&format!("/r/{token}")).await;
    assert_eq!(used.status, 404);

    // Move: the slots of the same place and coordinator, confirmed.
    let mv = b.get("/rdv?etape=deplacer").await;
    assert!(
        mv.body.contains("Choisissez un nouveau créneau"),
        "{}",
        mv.body
    );
    let mkeys = slot_keys(&mv.body);
    let target = mkeys.iter().find(|k| **k != keys[0]).unwrap().clone();
    let confirm = b
        .get(&format!("/rdv?etape=deplacer&creneau={target}"))
        .await;
    assert!(
        confirm.body.contains("Confirmer le déplacement"),
        "{}",
        confirm.body
    );
    let moved = b.submit("/rdv/deplacer", &[("creneau", &target)]).await;
    assert!(moved.body.contains("Rendez-vous déplacé"), "{}", moved.body);
    let (appt_now, kinds) = history(&s, &a, &appt).await;
    assert_eq!(kinds, ["booked_by_person", "moved_by_person"]);
    let start = chrono::DateTime::parse_from_rfc3339(appt_now["start"].as_str().unwrap()).unwrap();
    assert_eq!(
        start.timestamp().to_string(),
        target.rsplit('-').next().unwrap()
    );

    // Cancel: recorded as excused, by the person; the manage link then opens nothing.
    let ask = b.get("/rdv?etape=annuler").await;
    assert!(
        ask.body.contains("Annuler le rendez-vous ?"),
        "{}",
        ask.body
    );
    let done = b.submit("/rdv/annuler", &[]).await;
    assert!(done.body.contains("Rendez-vous annulé"), "{}", done.body);
    let (appt_now, kinds) = history(&s, &a, &appt).await;
    assert_eq!(appt_now["status"], "excused");
    assert_eq!(
        kinds,
        ["booked_by_person", "moved_by_person", "cancelled_by_person"]
    );
    let after = b.get("/rdv").await;
    assert_eq!(after.status, 404, "{}", after.body);
    s.stop().await;
}

#[tokio::test]
async fn the_reminder_carries_a_working_manage_link_in_one_segment() {
    let s = server().await;
    let a = org(&s, "Lien").await;
    let ty = public_type(&s, &a).await;
    let pid = person_with_sms(&s, &a, "Rappel").await;
    let (st, appt) = s
        .post(
            "/api/v1/appointments",
            Some(&a.coordinator.token),
            json!({"type_id": ty, "site_id": a.site_id, "coordinator_id": a.coordinator.account_id,
                   "person_id": pid, "start": paris(workday(6), 14, 0)}),
        )
        .await;
    assert_eq!(st, 201, "{appt}");
    let (st, out) = s.get("/api/v1/dev-outbox", &a.admin.token).await;
    assert_eq!(st, 200, "{out}");
    let bodies: Vec<&str> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies.len(), 2, "{out}");
    for body in &bodies {
        let size = relais_domain::sms::size(body);
        assert_eq!(size.segments, 1, "{body}: {size:?}");
        assert!(body.contains(&format!("{PUBLIC}/r/")), "{body}");
    }
    let token = bodies[0].split("/r/").nth(1).unwrap()[..14].to_owned();
    let mut b = Browser::new(&s);
    let open = b.get(&format!("/r/{token}")).await;
    assert_eq!(open.status, 303, "{}", open.body);
    let page = b.submit("/rdv/verifier", &[("reponse", "rap")]).await;
    assert!(page.body.contains("Votre rendez-vous"), "{}", page.body);
    s.stop().await;
}

#[tokio::test]
async fn links_that_do_not_open_all_look_the_same_and_guessing_is_throttled() {
    let s = Server::start_with(|c| {
        c.public_url = PUBLIC.into();
        c.link_failures_per_address = 5;
        c.link_failures_per_prefix = 1000;
    })
    .await;
    let a = org(&s, "Neutre").await;
    let ty = public_type(&s, &a).await;
    let revoked = link(&s, &a, &a.person_id.to_string(), &ty).await;
    let (st, r) = s
        .post(
            &format!(
                "/api/v1/booking-links/{}/revoke",
                revoked["id"].as_str().unwrap()
            ),
            Some(&a.coordinator.token),
            json!({}),
        )
        .await;
    assert_eq!((st, r["state"].as_str()), (200, Some("revoked")));
    let expired = link(&s, &a, &a.person_id.to_string(), &ty).await;
    {
        use relais_server::store::entities::booking_link;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        booking_link::Entity::update_many()
            .col_expr(
                booking_link::Column::ExpiresAt,
                Expr::value(Utc::now() - chrono::Duration::minutes(1)),
            )
            .filter(
                booking_link::Column::Id.eq(expired["id"]
                    .as_str()
                    .unwrap()
                    .parse::<uuid::Uuid>()
                    .unwrap()),
            )
            .exec(s.state.db())
            .await
            .unwrap();
    }
    let mut b = Browser::new(&s);
    let unknown = b.get("/r/abcdefghjkmnpq").await;
    let malformed = b.get("/r/%3Cscript%3E").await;
    let rev = b
        .get(&format!(
            "/r/{}",
            token_of(revoked["url"].as_str().unwrap())
        ))
        .await;
    let exp = b
        .get(&format!(
            "/r/{}",
            token_of(expired["url"].as_str().unwrap())
        ))
        .await;
    for x in [&unknown, &malformed, &rev, &exp] {
        assert_eq!(x.status, 404);
        assert_eq!(x.body, unknown.body, "the same neutral page");
    }
    assert!(unknown.body.contains("Lien non valide"));
    // Two guesses so far; three more reach the limit of five per address.
    for _ in 0..3 {
        b.get("/r/zzzzzzzzzzzzzz").await;
    }
    let throttled = b.get("/r/abcdefghjkmnpq").await;
    assert_eq!(throttled.status, 429, "{}", throttled.body);
    // A spent link from the blocked address looks like a miss (whether a token existed is
    // not told)...
    let spent = b
        .get(&format!(
            "/r/{}",
            token_of(revoked["url"].as_str().unwrap())
        ))
        .await;
    assert_eq!((spent.status, &spent.body), (429, &throttled.body));
    // ...and a valid link still opens (issue 24 §7): the people behind one address (a
    // carrier's NAT) are not locked out by someone else's guesses.
    let good = link(&s, &a, &a.person_id.to_string(), &ty).await;
    let opened = b
        .get(&format!("/r/{}", token_of(good["url"].as_str().unwrap())))
        .await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    let check = b.get("/rdv").await;
    assert!(
        check.body.contains("name=\"reponse\""),
        "the knowledge check: {}",
        check.body
    );
    assert_eq!(
        b.get("/r/zzzzzzzzzzzzzz").await.status,
        429,
        "guesses still stopped"
    );
    // Without a session, /rdv is the neutral page too, in English when asked.
    let mut fresh = Browser::new(&s);
    let none = fresh.get("/rdv").await;
    assert_eq!(none.status, 404);
    let en = fresh.get("/rdv?lang=en").await;
    assert!(
        en.body.contains("Link not valid") && en.body.contains("lang=\"en\""),
        "{}",
        en.body
    );
    s.stop().await;
}

#[tokio::test]
async fn guessing_one_prefix_is_throttled_whatever_the_address() {
    let s = Server::start_with(|c| {
        c.link_failures_per_address = 1000;
        c.link_failures_per_prefix = 3;
    })
    .await;
    let mut b = Browser::new(&s);
    for _ in 0..3 {
        assert_eq!(b.get("/r/abcdzzzzzzzzzz").await.status, 404);
    }
    assert_eq!(b.get("/r/abcdyyyyyyyyyy").await.status, 429);
    assert_eq!(
        b.get("/r/wxyzyyyyyyyyyy").await.status,
        404,
        "another prefix"
    );
    s.stop().await;
}

#[tokio::test]
async fn the_knowledge_check_locks_the_link_and_pages_reveal_nothing() {
    let s = server().await;
    let a = org(&s, "Association Verrou").await;
    let ty = public_type(&s, &a).await;
    let pid = person_with_sms(&s, &a, "Martin").await;
    let l = link(&s, &a, &pid, &ty).await;
    let token = token_of(l["url"].as_str().unwrap());
    let mut b = Browser::new(&s);
    b.get(&format!("/r/{token}")).await;
    // The pages never name the organisation, the site, the type or the person.
    let revealing = relais_server::wording::load(s.state.db(), a.id)
        .await
        .unwrap()
        .0;
    let check = b.get("/rdv").await;
    assert!(
        revealing.find(&check.body).is_none(),
        "{:?}",
        revealing.find(&check.body)
    );
    for word in [
        "Association Verrou",
        "Brigade",
        "Premier entretien",
        "Martin",
        "Aline",
    ] {
        assert!(!check.body.contains(word), "{word}");
    }
    assert!(
        !check.body.contains("http://") && !check.body.contains("https://"),
        "no other host"
    );
    for n in (1..5).rev() {
        let p = b.submit("/rdv/verifier", &[("reponse", "nope")]).await;
        assert!(
            p.body.contains(&format!("Essais restants : {n}")),
            "{}",
            p.body
        );
    }
    let locked = b.submit("/rdv/verifier", &[("reponse", "nope")]).await;
    assert_eq!(locked.status, 404, "{}", locked.body);
    let (_, links) = s
        .get(
            &format!("/api/v1/persons/{pid}/booking-links"),
            &a.coordinator.token,
        )
        .await;
    assert_eq!(links[0]["state"], "locked");
    // Even the right answer does nothing now.
    let mut again = Browser::new(&s);
    assert_eq!(again.get(&format!("/r/{token}")).await.status, 404);
    s.stop().await;
}

// Issue 24 §3: wrong answers are throttled per address across links: after two links'
// five tries from one address, a third link's answers are not judged (no try spent, even
// the right one does nothing) until the window has passed.
#[tokio::test]
async fn wrong_answers_from_one_address_are_throttled_across_links() {
    let s = server().await;
    let a = org(&s, "Réponses multiples").await;
    let ty = public_type(&s, &a).await;
    for n in 0..2 {
        let pid = person_with_sms(&s, &a, &format!("Essai{n}")).await;
        let l = link(&s, &a, &pid, &ty).await;
        let mut b = Browser::new(&s);
        b.get(&format!("/r/{}", token_of(l["url"].as_str().unwrap())))
            .await;
        for _ in 0..5 {
            b.submit("/rdv/verifier", &[("reponse", "nope")]).await;
        }
    }
    let pid = person_with_sms(&s, &a, "Troisieme").await;
    let l = link(&s, &a, &pid, &ty).await;
    let mut b = Browser::new(&s);
    b.get(&format!("/r/{}", token_of(l["url"].as_str().unwrap())))
        .await;
    let held = b.post("/rdv/verifier", &[("reponse", "tro")]).await;
    assert_eq!(held.status, 429, "{}", held.body);
    assert!(held.body.contains("Trop d&#39;essais"), "{}", held.body);
    let (_, links) = s
        .get(
            &format!("/api/v1/persons/{pid}/booking-links"),
            &a.coordinator.token,
        )
        .await;
    assert_eq!(links[0]["tries_left"], 5, "{links}");
    // The window passed: the right answer is judged, and passes.
    s.state.clock().advance(chrono::Duration::minutes(16));
    let passed = b.submit("/rdv/verifier", &[("reponse", "tro")]).await;
    assert_eq!(passed.status, 200, "{}", passed.body);
    assert!(!passed.body.contains("name=\"reponse\""), "{}", passed.body);
    s.stop().await;
}

#[tokio::test]
async fn only_types_the_person_may_book_and_the_links_own_slots() {
    let s = server().await;
    let a = org(&s, "Règles").await;
    let (st, e) = s
        .post(
            &format!("/api/v1/persons/{}/booking-links", a.person_id),
            Some(&a.coordinator.token),
            json!({"type_id": a.type_id, "site_ids": [a.site_id]}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert_eq!(e["errors"][0]["field"], "type_id", "{e}");
    let ty = public_type(&s, &a).await;
    // Against the document: 422. A site that does not exist: 409 (the state says no).
    for (body, field, status) in [
        (json!({"type_id": ty, "site_ids": []}), "site_ids", 422),
        (
            json!({"type_id": ty, "site_ids": [a.site_id], "valid_days": 90}),
            "valid_days",
            422,
        ),
        (
            json!({"type_id": ty, "site_ids": [uuid::Uuid::new_v4()]}),
            "site_ids[0]",
            409,
        ),
    ] {
        let (st, e) = s
            .post(
                &format!("/api/v1/persons/{}/booking-links", a.person_id),
                Some(&a.coordinator.token),
                body,
            )
            .await;
        assert_eq!(st, status, "{e}");
        assert_eq!(e["errors"][0]["field"], field, "{e}");
    }
    // The referrer, who reads no file, makes no link; another organisation sees none.
    let (st, _) = s
        .post(
            &format!("/api/v1/persons/{}/booking-links", a.person_id),
            Some(&a.referrer.token),
            json!({"type_id": ty, "site_ids": [a.site_id]}),
        )
        .await;
    assert_eq!(st, 403);
    let b_org = org(&s, "Autre").await;
    let (st, _) = s
        .get(
            &format!("/api/v1/persons/{}/booking-links", a.person_id),
            &b_org.coordinator.token,
        )
        .await;
    assert_eq!(st, 404);

    // A forged slot (another site, a time not offered, garbage) is refused with a clear choice.
    let l = link(&s, &a, &a.person_id.to_string(), &ty).await;
    let mut b = Browser::new(&s);
    b.get(&format!("/r/{}", token_of(l["url"].as_str().unwrap())))
        .await;
    // The fixture's person is "Camille Témoin…".
    b.submit("/rdv/verifier", &[("reponse", "tem")]).await;
    let slots = b.get("/rdv").await;
    let key = slot_keys(&slots.body)[0].clone();
    // Place 1 does not exist in this link (it offers one place).
    let forged = format!("1-{}", key.rsplit('-').next().unwrap());
    for bad in [forged.as_str(), "garbage", "a-b", "0-", "-1", ""] {
        let p = b.submit("/rdv/reserver", &[("creneau", bad)]).await;
        assert!(
            p.body.contains("Choisissez un créneau"),
            "{bad}: {}",
            p.body
        );
        assert!(p.body.contains("role=\"alert\""), "{bad}");
    }
    let t: i64 = key.rsplit('-').next().unwrap().parse().unwrap();
    let p = b
        .submit("/rdv/reserver", &[("creneau", &format!("0-{}", t + 60))])
        .await;
    assert!(p.body.contains("plus libre"), "{}", p.body);
    // A form posted from another site is refused.
    let cross = b
        .http
        .post(format!("{}/rdv/reserver", s.base))
        .header("cookie", b.cookie.clone().unwrap())
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("creneau={key}"))
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status().as_u16(), 404);
    let (_, links) = s
        .get(
            &format!("/api/v1/persons/{}/booking-links", a.person_id),
            &a.coordinator.token,
        )
        .await;
    let manage = links
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["purpose"] == "manage")
        .count();
    assert_eq!(
        manage, 1,
        "only the fixture's own appointment has a manage link"
    );
    s.stop().await;
}

#[tokio::test]
async fn the_quick_exit_clears_the_session() {
    let s = server().await;
    let a = org(&s, "Sortie").await;
    let ty = public_type(&s, &a).await;
    let l = link(&s, &a, &a.person_id.to_string(), &ty).await;
    let mut b = Browser::new(&s);
    b.get(&format!("/r/{}", token_of(l["url"].as_str().unwrap())))
        .await;
    assert!(b.get("/rdv").await.body.contains("Vérification"));
    // Verified, on the slots; a copy of the cookie kept (a browser that ignores
    // Clear-Site-Data, a second tab, someone who copied it).
    b.submit("/rdv/verifier", &[("reponse", "tem")]).await;
    assert!(b.get("/rdv").await.body.contains("creneau="));
    let mut copy = Browser::new(&s);
    copy.cookie = b.cookie.clone();
    assert!(
        copy.get("/rdv").await.body.contains("creneau="),
        "the copy works before"
    );
    let exit = b.post("/rdv/sortie", &[]).await;
    assert_eq!(exit.status, 200);
    assert!(
        exit.body
            .contains("<body data-exit=\"about:blank\"></body>"),
        "{}",
        exit.body
    );
    assert!(exit.headers.get("clear-site-data").is_some());
    assert!(b.cookie.is_none(), "the cookie is cleared");
    assert_eq!(b.get("/rdv").await.status, 404);
    // Issue 24 §7: the quick exit ended the session on the server: the copy holds nothing
    // (it had 20 idle minutes left).
    let after = copy.get("/rdv").await;
    assert_eq!(after.status, 404, "{}", after.body);
    assert!(!after.body.contains("creneau="));
    // The link itself still opens, to a new session that starts with the check.
    let mut again = Browser::new(&s);
    again
        .get(&format!("/r/{}", token_of(l["url"].as_str().unwrap())))
        .await;
    assert!(again.get("/rdv").await.body.contains("Vérification"));
    s.stop().await;
}

#[tokio::test]
async fn the_quick_exit_goes_where_the_service_configured_it() {
    let s = Server::start_with(|c| {
        c.public_url = PUBLIC.into();
        c.quick_exit_url = "https://meteofrance.com/".into();
    })
    .await;
    let a = org(&s, "Sortie choisie").await;
    let ty = public_type(&s, &a).await;
    let l = link(&s, &a, &a.person_id.to_string(), &ty).await;
    let mut b = Browser::new(&s);
    let first = b
        .get(&format!("/r/{}", token_of(l["url"].as_str().unwrap())))
        .await;
    let page = b.get("/rdv").await;
    assert!(page.body.contains("Vérification"), "{}", first.body);
    assert!(
        page.body.contains("https://meteofrance.com/"),
        "every page's quick exit leads to the configured address: {}",
        page.body
    );
    assert!(!page.body.contains("about:blank"), "{}", page.body);
    let exit = b.post("/rdv/sortie", &[]).await;
    assert_eq!(exit.status, 200);
    assert!(
        exit.body
            .contains("<body data-exit=\"https://meteofrance.com/\"></body>"),
        "{}",
        exit.body
    );
    assert!(b.cookie.is_none(), "the cookie is cleared");
    s.stop().await;
}

// Keep-apart through the person's own page: the alleged perpetrator's link never offers the
// morning the victim comes, and a forged key for that morning books nothing.
#[tokio::test]
async fn a_linked_person_is_never_offered_nor_given_the_other_s_half_day() {
    use chrono::{TimeZone, Timelike};
    let s = server().await;
    let a = org(&s, "Apart en ligne").await;
    let ty = public_type(&s, &a).await;
    let author = person_with_sms(&s, &a, "Auteur").await;
    let (st, l) = s
        .post(
            &format!("/api/v1/persons/{}/links", a.person_id),
            Some(&a.coordinator.token),
            json!({"other_person_id": author, "relation": "victim_alleged_perpetrator"}),
        )
        .await;
    assert_eq!(st, 201, "{l}");
    // The fixture's appointment: the victim at 09:00 on `day`.
    let day = relais_tests::fixture_day(&s, &a).await;
    let l = link(&s, &a, &author, &ty).await;
    let mut b = Browser::new(&s);
    b.get(&format!("/r/{}", token_of(l["url"].as_str().unwrap())))
        .await;
    let checked = b.submit("/rdv/verifier", &[("reponse", "aut")]).await;
    assert!(
        checked.body.contains("Choisissez un créneau"),
        "{}",
        checked.body
    );
    let page = b.get(&format!("/rdv?du={day}")).await;
    let paris_hours: Vec<u32> = slot_keys(&page.body)
        .iter()
        .filter_map(|k| k.split_once('-')?.1.parse::<i64>().ok())
        .filter_map(|t| chrono::DateTime::from_timestamp(t, 0))
        .map(|t| t.with_timezone(&chrono_tz::Europe::Paris))
        .filter(|t| t.date_naive() == day)
        .map(|t| t.hour())
        .collect();
    assert!(
        paris_hours.iter().any(|h| *h >= 13),
        "the afternoon is offered: {paris_hours:?} {}",
        page.body
    );
    assert!(
        paris_hours.iter().all(|h| *h >= 13),
        "never the victim's morning: {paris_hours:?}"
    );
    // A key made by hand for 10:00 that morning.
    let ten = chrono_tz::Europe::Paris
        .from_local_datetime(&day.and_hms_opt(10, 0, 0).unwrap())
        .unwrap()
        .timestamp();
    let forged = format!("0-{ten}");
    let r = b.submit("/rdv/reserver", &[("creneau", &forged)]).await;
    assert!(!r.body.contains("Rendez-vous confirmé"), "{}", r.body);
    for word in ["Camille", "Témoin"] {
        assert!(!r.body.contains(word), "{}", r.body);
    }
    use relais_server::store::entities::appointment_participant;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let booked = appointment_participant::Entity::find()
        .filter(appointment_participant::Column::PersonId.eq(author.parse::<uuid::Uuid>().unwrap()))
        .count(s.state.db())
        .await
        .unwrap();
    assert_eq!(booked, 0, "nothing was booked for the linked person");
    s.stop().await;
}

// The knowledge check's five tries cannot be raced: answers sent at once are judged one
// after another, five at most; the rest are refused unjudged, and the link stays locked.
#[tokio::test]
async fn answers_sent_at_once_are_judged_five_at_most() {
    use relais_server::store::entities::audit_log;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let s = Server::start_with(|c| {
        c.public_url = PUBLIC.into();
        c.link_failures_per_address = 1_000;
        c.link_failures_per_prefix = 1_000;
    })
    .await;
    let a = org(&s, "Course").await;
    let ty = public_type(&s, &a).await;
    let pid = person_with_sms(&s, &a, "Course").await;
    let l = link(&s, &a, &pid, &ty).await;
    let link_id: uuid::Uuid = l["id"].as_str().unwrap().parse().unwrap();
    let mut b = Browser::new(&s);
    b.get(&format!("/r/{}", token_of(l["url"].as_str().unwrap())))
        .await;
    let cookie = b.cookie.clone().unwrap();
    let answer = |reponse: &'static str| {
        let http = b.http.clone();
        let url = format!("{}/rdv/verifier", s.base);
        let cookie = cookie.clone();
        async move {
            http.post(url)
                .header("cookie", cookie)
                .header("sec-fetch-site", "same-origin")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("reponse={reponse}"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let wrong: Vec<_> = (0..12).map(|_| tokio::spawn(answer("xyz"))).collect();
    let mut statuses = Vec::new();
    for w in wrong {
        statuses.push(w.await.unwrap());
    }
    assert!(statuses.iter().all(|st| *st < 500), "{statuses:?}");
    let judged = |outcome: &'static str| {
        audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("link_checked"))
            .filter(audit_log::Column::RecordId.eq(link_id))
            .filter(audit_log::Column::Outcome.eq(outcome))
            .count(s.state.db())
    };
    assert_eq!(
        judged("wrong").await.unwrap(),
        5,
        "five answers judged, no more"
    );
    // The right answer, now: the link is spent.
    assert_eq!(answer("cou").await, 404, "a spent link opens for no one");
    assert_eq!(judged("ok").await.unwrap(), 0);
    s.stop().await;
}

// When a code word was agreed, it is the only answer: the name is what an abuser knows.
#[tokio::test]
async fn an_agreed_code_word_replaces_the_name() {
    let s = server().await;
    let a = org(&s, "Mot convenu").await;
    let ty = public_type(&s, &a).await;
    let (st, p) = s
        .post(
            "/api/v1/persons",
            Some(&a.coordinator.token),
            json!({"first_name": "Aline", "last_name": "Mimosa-Durand", "phone": "06 10 20 30 40",
                   "safe_contact": {"sms": true, "phone_call": true, "safe_phone": "07 10 20 30 40",
                                    "code_word": "Tournesol", "checked_at": Utc::now().to_rfc3339()}}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    let l = link(&s, &a, p["id"].as_str().unwrap(), &ty).await;
    let mut b = Browser::new(&s);
    b.get(&format!("/r/{}", token_of(l["url"].as_str().unwrap())))
        .await;
    let by_name = b.submit("/rdv/verifier", &[("reponse", "MIM")]).await;
    assert!(
        by_name.body.contains("bonne réponse. Essais restants : 4"),
        "{}",
        by_name.body
    );
    let by_word = b.submit("/rdv/verifier", &[("reponse", "tournesol")]).await;
    assert!(
        by_word.body.contains("Choisissez un créneau"),
        "{}",
        by_word.body
    );
    s.stop().await;
}

#[tokio::test]
async fn two_submits_at_once_book_once() {
    let s = server().await;
    let a = org(&s, "Double").await;
    let ty = public_type(&s, &a).await;
    let pid = person_with_sms(&s, &a, "Double").await;
    let l = link(&s, &a, &pid, &ty).await;
    let mut b = Browser::new(&s);
    b.get(&format!("/r/{}", token_of(l["url"].as_str().unwrap())))
        .await;
    b.submit("/rdv/verifier", &[("reponse", "dou")]).await;
    let keys = slot_keys(&b.get("/rdv").await.body);
    let cookie = b.cookie.clone().unwrap();
    let post = |k: String| {
        let http = b.http.clone();
        let url = format!("{}/rdv/reserver", s.base);
        let cookie = cookie.clone();
        async move {
            http.post(url)
                .header("cookie", cookie)
                .header("sec-fetch-site", "same-origin")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("creneau={k}"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let (x, y, z) = tokio::join!(
        post(keys[0].clone()),
        post(keys[0].clone()),
        post(keys[1].clone())
    );
    assert_eq!((x, y, z), (303, 303, 303));
    let (_, links) = s
        .get(
            &format!("/api/v1/persons/{pid}/booking-links"),
            &a.coordinator.token,
        )
        .await;
    let manage: Vec<&Value> = links
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["purpose"] == "manage")
        .collect();
    assert_eq!(manage.len(), 1, "{links}");
    s.stop().await;
}
