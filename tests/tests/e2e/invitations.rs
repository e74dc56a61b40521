//! Invitations (issue 27) end to end: an SMS invitation through the recording gateway, its
//! one follow-up on day N (the clock moved), the person booking from the link in the
//! recorded text (which ends the invitation and its follow-up), expiry and an undelivered
//! receipt putting the situation back on the queue "to call", STOP and the staff's switch
//! stopping everything, every refusal with its reason and nothing written, and two
//! instances sending one invitation and one follow-up.

use chrono::{Duration, Utc};
use relais_domain::delivery::Receipt;
use relais_domain::sms::QuietHours;
use relais_server::outbox::run_once;
use relais_tests::fakes::{FakeGateway, SECRET};
use relais_tests::{Org, Server, org};
use reqwest::Method;
use serde_json::{Value, json};

const PUBLIC: &str = "https://rdv.exemple.fr";

fn never_quiet() -> QuietHours {
    QuietHours {
        start: chrono::NaiveTime::MIN,
        end: chrono::NaiveTime::MIN,
    }
}

async fn server(g: &FakeGateway) -> Server {
    let base = g.base.clone();
    Server::start_with(move |c| {
        c.public_url = PUBLIC.into();
        c.sms_quiet_start = "00:00".into();
        c.sms_quiet_end = "00:00".into();
        c.sms_rate_per_second = 0;
        c.sms_timeout_ms = relais_tests::scaled_ms(2_500);
        c.sms_provider = "webhook".into();
        c.sms_url = format!("{base}/send");
        c.sms_lookup_url = format!("{base}/messages/{{{{id}}}}");
        c.sms_secret = relais_server::config::Secret::new(format!("Bearer {SECRET}"));
        // The clock moves by days here: the staff's sessions outlive it.
        c.session_idle_minutes = 60 * 24 * 60;
        c.session_max_hours = 24 * 60;
    })
    .await
}

struct Fixture {
    a: Org,
    ty: String,
    person: String,
    situation: String,
}

async fn public_type(s: &Server, a: &Org) -> String {
    let (st, ty) = s
        .post(
            "/api/v1/appointment-types",
            Some(&a.admin.token),
            json!({"name": "Premier entretien", "public_label": "Rendez-vous", "duration_minutes": 30,
                   "place_kind": "site", "bookable_by": "public"}),
        )
        .await;
    assert_eq!(st, 201, "{ty}");
    ty["id"].as_str().unwrap().to_owned()
}

async fn person(s: &Server, a: &Org, last: &str, profile: Value) -> String {
    let (st, p) = s
        .post(
            "/api/v1/persons",
            Some(&a.coordinator.token),
            json!({"first_name": "Aline", "last_name": last, "phone": "06 10 20 30 40",
                   "safe_contact": profile}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

fn sms_profile(phone: &str) -> Value {
    json!({"sms": true, "phone_call": true, "safe_phone": phone,
           "checked_at": Utc::now().to_rfc3339()})
}

async fn situation(s: &Server, a: &Org, person: &str) -> String {
    let (st, sit) = s
        .post(
            "/api/v1/situations",
            Some(&a.coordinator.token),
            json!({"person_id": person, "kind": "domestic_violence", "channel": "gendarmerie",
                   "initiative": "third_party", "person_role": "victim", "site_id": a.site_id}),
        )
        .await;
    assert_eq!(st, 201, "{sit}");
    sit["id"].as_str().unwrap().to_owned()
}

async fn fixture(s: &Server, name: &str, phone: &str) -> Fixture {
    let a = org(s, name).await;
    let ty = public_type(s, &a).await;
    let person = person(s, &a, name, sms_profile(phone)).await;
    let situation = situation(s, &a, &person).await;
    Fixture {
        a,
        ty,
        person,
        situation,
    }
}

fn by_sms(x: &Fixture) -> Value {
    json!({"kind": "link", "channel": "sms", "type_id": x.ty, "site_ids": [x.a.site_id]})
}

async fn invite(s: &Server, x: &Fixture, body: Value) -> (u16, Value) {
    s.post(
        &format!("/api/v1/situations/{}/invitations", x.situation),
        Some(&x.a.coordinator.token),
        body,
    )
    .await
}

async fn invitations(s: &Server, x: &Fixture) -> Vec<Value> {
    let (st, v) = s
        .get(
            &format!("/api/v1/situations/{}/invitations", x.situation),
            &x.a.coordinator.token,
        )
        .await;
    assert_eq!(st, 200, "{v}");
    v.as_array().unwrap().clone()
}

async fn queue_line(s: &Server, x: &Fixture) -> Value {
    let (st, q) = s.get("/api/v1/queue", &x.a.coordinator.token).await;
    assert_eq!(st, 200, "{q}");
    q.as_array()
        .unwrap()
        .iter()
        .find(|l| l["situation_id"] == x.situation.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("not on the queue: {q}"))
}

async fn pass(s: &Server) {
    run_once(&s.state, "a", s.state.now(), never_quiet())
        .await
        .unwrap();
}

fn texts_to(g: &FakeGateway, to: &str) -> Vec<String> {
    g.accepted()
        .into_iter()
        .filter(|m| m.to == to)
        .map(|m| m.text)
        .collect()
}

/// A browser without JavaScript, enough to open a link and book from it.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: Option<String>,
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

    async fn send(
        &mut self,
        m: Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> (u16, String, Option<String>) {
        let mut r = self
            .http
            .request(m, format!("{}{}", self.base, path))
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
        if let Some(sc) = res
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
        {
            let pair = sc.split(';').next().unwrap_or("").to_owned();
            self.cookie = (!pair.ends_with('=')).then_some(pair);
        }
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = res.text().await.unwrap();
        assert!(status < 500, "{path}: {status}");
        (status, body, location)
    }

    async fn get(&mut self, path: &str) -> (u16, String) {
        let (st, body, loc) = self.send(Method::GET, path, None).await;
        if st == 303 {
            return Box::pin(self.get(&loc.unwrap())).await;
        }
        (st, body)
    }

    async fn submit(&mut self, path: &str, form: &[(&str, &str)]) -> String {
        let (st, body, loc) = self.send(Method::POST, path, Some(form)).await;
        assert_eq!(st, 303, "{path}: {body}");
        self.get(&loc.unwrap()).await.1
    }
}

/// The link in a recorded text, as the person's phone shows it.
fn link_in(text: &str) -> String {
    let at = text
        .find(PUBLIC)
        .unwrap_or_else(|| panic!("no link in {text}"));
    text[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_end_matches(['.', ','])
        .to_owned()
}

#[tokio::test]
async fn an_sms_invitation_goes_once_follows_up_once_and_booking_from_it_ends_it() {
    let g = FakeGateway::start().await;
    let s = server(&g).await;
    let x = fixture(&s, "Invitée", "07 11 22 33 01").await;

    // The preview is the text that will go: neutral, one GSM-7 segment, the link in it.
    let (st, pv) = s
        .post(
            &format!("/api/v1/situations/{}/invitations/preview", x.situation),
            Some(&x.a.coordinator.token),
            by_sms(&x),
        )
        .await;
    assert_eq!(st, 200, "{pv}");
    assert_eq!(
        (pv["encoding"].as_str(), pv["segments"].as_u64()),
        (Some("gsm7"), Some(1)),
        "{pv}"
    );
    assert!(
        pv["text"]
            .as_str()
            .unwrap()
            .contains(&format!("{PUBLIC}/r/")),
        "{pv}"
    );
    assert!(pv["follow_up_at"].is_string(), "{pv}");
    assert!(
        invitations(&s, &x).await.is_empty(),
        "a preview writes nothing"
    );

    let (st, inv) = invite(&s, &x, by_sms(&x)).await;
    assert_eq!(st, 201, "{inv}");
    assert_eq!(inv["state"], "scheduled");
    assert!(
        inv["url"].is_null(),
        "an invitation by message never shows its link"
    );
    assert_eq!(queue_line(&s, &x).await["outreach"], "invited");

    pass(&s).await;
    pass(&s).await;
    let sent = texts_to(&g, "+33711223301");
    assert_eq!(sent.len(), 1, "{sent:?}");
    let text = &sent[0];
    assert!(text.starts_with("Bonjour"), "{text}");
    let revealing = relais_domain::wording::Revealing::default();
    assert_eq!(revealing.find(text), None, "{text}");
    let list = invitations(&s, &x).await;
    assert_eq!(list[0]["state"], "sent", "{list:?}");
    let msgs = list[0]["messages"].as_array().unwrap();
    assert_eq!(
        msgs.len(),
        2,
        "the invitation and its planned follow-up: {msgs:?}"
    );
    assert_eq!(
        (msgs[0]["message"].as_str(), msgs[0]["state"].as_str()),
        (Some("invitation"), Some("sent"))
    );
    assert_eq!(
        (msgs[1]["message"].as_str(), msgs[1]["state"].as_str()),
        (Some("follow_up"), Some("scheduled"))
    );

    // Day 3: the one follow-up; nothing more after it.
    s.state.clock().advance(Duration::days(2));
    pass(&s).await;
    assert_eq!(texts_to(&g, "+33711223301").len(), 1, "not before its day");
    s.state
        .clock()
        .advance(Duration::days(1) + Duration::minutes(1));
    pass(&s).await;
    s.state.clock().advance(Duration::days(1));
    pass(&s).await;
    let sent = texts_to(&g, "+33711223301");
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[1].starts_with("Rappel"), "{}", sent[1]);
    assert_eq!(link_in(&sent[0]), link_in(&sent[1]), "the same link");

    // The person opens the link from the text and books.
    let url = link_in(&sent[1]);
    let path = url.strip_prefix(PUBLIC).unwrap();
    let mut b = Browser::new(&s);
    let (st, page) = b.get(path).await;
    assert_eq!(st, 200, "{page}");
    assert_eq!(invitations(&s, &x).await[0]["state"], "opened");
    assert_eq!(queue_line(&s, &x).await["outreach"], "opened");
    let slots = b.submit("/rdv/verifier", &[("reponse", "INV")]).await;
    let key = slots
        .split("creneau=")
        .nth(1)
        .and_then(|r| r.split(['"', '&']).next())
        .unwrap_or_else(|| panic!("no slot: {slots}"))
        .to_owned();
    let booked = b.submit("/rdv/reserver", &[("creneau", &key)]).await;
    assert!(booked.contains("Rendez-vous confirmé"), "{booked}");
    let inv = &invitations(&s, &x).await[0];
    assert_eq!(inv["state"], "booked", "{inv}");
    assert!(inv["appointment_id"].is_string());
    let line = queue_line(&s, &x).await;
    assert_eq!(
        (line["outreach"].as_str(), line["to_call"].as_bool()),
        (Some("booked"), Some(false))
    );

    // The used link opens the neutral page from now on.
    let mut other = Browser::new(&s);
    let (_, page) = other.get(path).await;
    assert!(!page.contains("creneau="), "{page}");
    s.stop().await;
}

#[tokio::test]
async fn a_booking_by_staff_ends_the_invitation_and_its_follow_up_never_goes() {
    let g = FakeGateway::start().await;
    let s = server(&g).await;
    let x = fixture(&s, "Staff", "07 11 22 33 02").await;
    let (st, _) = invite(&s, &x, by_sms(&x)).await;
    assert_eq!(st, 201);
    pass(&s).await;
    // Booked by staff the next day.
    let day = relais_tests::workday(5);
    let (st, appt) = s
        .post(
            "/api/v1/appointments",
            Some(&x.a.coordinator.token),
            json!({"type_id": x.a.type_id, "site_id": x.a.site_id, "coordinator_id": x.a.coordinator.account_id,
                   "person_id": x.person, "start": relais_tests::paris(day, 14, 0)}),
        )
        .await;
    assert_eq!(st, 201, "{appt}");
    let inv = &invitations(&s, &x).await[0];
    assert_eq!(inv["state"], "booked", "{inv}");
    let follow = inv["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["message"] == "follow_up")
        .unwrap()
        .clone();
    assert_eq!(follow["state"], "cancelled", "{follow}");
    s.state.clock().advance(Duration::days(4));
    pass(&s).await;
    assert_eq!(texts_to(&g, "+33711223302").len(), 1);
    s.stop().await;
}

#[tokio::test]
async fn silence_and_a_message_that_never_arrived_go_back_to_the_coordinator_to_call() {
    let g = FakeGateway::start().await;
    let s = server(&g).await;
    let x = fixture(&s, "Silence", "07 11 22 33 03").await;
    let (st, _) = invite(&s, &x, by_sms(&x)).await;
    assert_eq!(st, 201);
    pass(&s).await;
    // A second situation whose text never arrives.
    let p2 = person(&s, &x.a, "Remise", sms_profile("07 11 22 33 04")).await;
    let y = Fixture {
        situation: situation(&s, &x.a, &p2).await,
        person: p2,
        ty: x.ty.clone(),
        a: x.a.clone(),
    };
    let (st, _) = invite(&s, &y, by_sms(&y)).await;
    assert_eq!(st, 201);
    pass(&s).await;
    let job = &invitations(&s, &y).await[0]["messages"][0];
    let key = {
        use relais_server::store::entities::notification;
        use sea_orm::EntityTrait;
        notification::Entity::find_by_id(job["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap())
            .one(s.state.db())
            .await
            .unwrap()
            .unwrap()
            .idempotency_key
    };
    let r = relais_server::outbox::receipts::apply_receipt(
        &s.state,
        "webhook",
        "evt-1",
        Some(&key),
        None,
        "undelivered",
        Receipt::Undelivered,
    )
    .await
    .unwrap();
    assert_eq!(r, "applied");
    let line = queue_line(&s, &y).await;
    assert_eq!(
        (line["outreach"].as_str(), line["to_call"].as_bool()),
        (Some("undeliverable"), Some(true)),
        "{line}"
    );
    // Nothing follows up a message that never arrived.
    let inv = &invitations(&s, &y).await[0];
    assert_eq!(inv["state"], "undeliverable");

    // The first one: unanswered past its week, it reads expired and is to call.
    let line = queue_line(&s, &x).await;
    assert_eq!(
        (line["outreach"].as_str(), line["to_call"].as_bool()),
        (Some("invited"), Some(false))
    );
    s.state
        .clock()
        .advance(Duration::days(7) + Duration::minutes(1));
    let line = queue_line(&s, &x).await;
    assert_eq!(
        (line["outreach"].as_str(), line["to_call"].as_bool()),
        (Some("expired"), Some(true)),
        "{line}"
    );
    assert_eq!(invitations(&s, &x).await[0]["state"], "expired");
    // Its link opens the neutral page, and a new invitation may be made.
    let (st, again) = invite(&s, &x, by_sms(&x)).await;
    assert_eq!(st, 201, "{again}");
    let list = invitations(&s, &x).await;
    assert_eq!(
        (list[0]["state"].as_str(), list[1]["state"].as_str()),
        (Some("scheduled"), Some("expired"))
    );
    s.stop().await;
}

#[tokio::test]
async fn stop_and_the_staff_switch_stop_invitations_follow_ups_and_reminders() {
    let g = FakeGateway::start().await;
    let s = server(&g).await;
    let x = fixture(&s, "Stop", "07 11 22 33 05").await;
    let (st, _) = invite(&s, &x, by_sms(&x)).await;
    assert_eq!(st, 201);
    relais_server::outbox::receipts::opt_out(&s.state, "+33711223305", "test")
        .await
        .unwrap();
    pass(&s).await;
    assert!(texts_to(&g, "+33711223305").is_empty());
    let inv = &invitations(&s, &x).await[0];
    assert_eq!(inv["messages"][0]["state"], "skipped", "{inv}");
    assert_eq!(inv["state"], "undeliverable", "{inv}");
    let (st, e) = invite(&s, &x, by_sms(&x)).await;
    assert_eq!(st, 409, "{e}");
    assert!(
        e["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("plus de messages"),
        "{e}"
    );

    // The staff's switch: an open invitation is withdrawn, a reminder does not go.
    let p2 = person(
        &s,
        &x.a,
        "Switch",
        json!({"sms": true, "phone_call": true,
        "safe_phone": "07 11 22 33 06", "checked_at": Utc::now().to_rfc3339()}),
    )
    .await;
    let y = Fixture {
        situation: situation(&s, &x.a, &p2).await,
        person: p2.clone(),
        ty: x.ty.clone(),
        a: x.a.clone(),
    };
    let (st, _) = invite(&s, &y, by_sms(&y)).await;
    assert_eq!(st, 201);
    let (st, sw) = s
        .call(
            Method::PUT,
            &format!("/api/v1/persons/{p2}/messages"),
            Some(&x.a.coordinator.token),
            Some(json!({"stopped": true})),
        )
        .await;
    assert_eq!(st, 200, "{sw}");
    assert_eq!(sw["stopped"], true);
    assert_eq!(invitations(&s, &y).await[0]["state"], "revoked");
    let ty = relais_tests::reminder_type(&s, &x.a).await;
    let (st, appt) = s
        .post(
            "/api/v1/appointments",
            Some(&x.a.coordinator.token),
            json!({"type_id": ty, "site_id": x.a.site_id, "coordinator_id": x.a.coordinator.account_id,
                   "person_id": p2, "start": relais_tests::paris(relais_tests::workday(6), 11, 0)}),
        )
        .await;
    assert_eq!(st, 201, "{appt}");
    pass(&s).await;
    assert!(
        texts_to(&g, "+33711223306").is_empty(),
        "{:?}",
        g.accepted().len()
    );
    let (_, notes) = s
        .get(
            &format!(
                "/api/v1/appointments/{}/notifications",
                appt["id"].as_str().unwrap()
            ),
            &x.a.coordinator.token,
        )
        .await;
    let confirmation = notes
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "confirmation")
        .unwrap()
        .clone();
    assert_eq!(
        (
            confirmation["state"].as_str(),
            confirmation["reason"].as_str()
        ),
        (Some("skipped"), Some("no_more_messages"))
    );
    s.stop().await;
}

#[tokio::test]
async fn every_refusal_says_why_and_writes_nothing() {
    let g = FakeGateway::start().await;
    let s = server(&g).await;
    let x = fixture(&s, "Refus", "07 11 22 33 07").await;
    let reason = |e: &Value| {
        (
            e["errors"][0]["field"].as_str().unwrap_or("").to_owned(),
            e["errors"][0]["message"].as_str().unwrap_or("").to_owned(),
        )
    };
    let for_person = |profile: Value, name: &'static str| {
        let s = &s;
        let x = &x;
        async move {
            let p = person(s, &x.a, name, profile).await;
            Fixture {
                situation: situation(s, &x.a, &p).await,
                person: p,
                ty: x.ty.clone(),
                a: x.a.clone(),
            }
        }
    };
    // Never checked with the person.
    let y = for_person(
        json!({"sms": true, "safe_phone": "07 11 22 33 08"}),
        "Jamais",
    )
    .await;
    let (st, e) = invite(&s, &y, by_sms(&y)).await;
    assert_eq!(st, 409, "{e}");
    assert_eq!(reason(&e).0, "person");
    assert!(reason(&e).1.contains("jamais été vérifié"), "{e}");
    // The channel not allowed; no safe address.
    let y = for_person(
        json!({"sms": false, "phone_call": true, "safe_phone": "07 11 22 33 09",
        "checked_at": Utc::now().to_rfc3339()}),
        "Canal",
    )
    .await;
    let (st, e) = invite(&s, &y, by_sms(&y)).await;
    assert_eq!((st, reason(&e).0.as_str()), (409, "channel"), "{e}");
    assert!(reason(&e).1.contains("pas autorisé"), "{e}");
    let (st, e) = invite(
        &s,
        &x,
        json!({"kind": "link", "channel": "email", "type_id": x.ty, "site_ids": [x.a.site_id]}),
    )
    .await;
    assert_eq!((st, reason(&e).0.as_str()), (409, "channel"), "{e}");
    // No free slot before the link expires: a site where nobody works.
    let (st, site) = s
        .post(
            "/api/v1/sites",
            Some(&x.a.admin.token),
            json!({"name": "Annexe", "address": "2 rue Haute, 71100 Chalon-sur-Saône"}),
        )
        .await;
    assert_eq!(st, 201, "{site}");
    let (st, e) = invite(
        &s,
        &x,
        json!({"kind": "link", "channel": "sms", "type_id": x.ty, "site_ids": [site["id"]]}),
    )
    .await;
    assert_eq!((st, reason(&e).0.as_str()), (409, "type_id"), "{e}");
    assert!(reason(&e).1.contains("Aucun créneau libre"), "{e}");
    // A type the person may not book; no type at all.
    let (st, e) = invite(&s, &x, json!({"kind": "link", "channel": "sms", "type_id": x.a.type_id, "site_ids": [x.a.site_id]})).await;
    assert_eq!((st, reason(&e).0.as_str()), (422, "type_id"), "{e}");
    let (st, e) = invite(
        &s,
        &x,
        json!({"kind": "link", "channel": "sms", "site_ids": [x.a.site_id]}),
    )
    .await;
    assert_eq!((st, reason(&e).0.as_str()), (422, "type_id"), "{e}");
    // "Call us" without the service's neutral number.
    let (st, e) = invite(&s, &x, json!({"kind": "call_us", "channel": "sms"})).await;
    assert_eq!((st, reason(&e).0.as_str()), (409, "kind"), "{e}");
    assert!(invitations(&s, &x).await.is_empty(), "nothing written");
    // Bad input names its field, never a 500.
    let (st, e) = invite(&s, &x, json!({"kind": "postcard", "channel": "sms"})).await;
    assert!((400..500).contains(&st), "{st} {e}");
    let (st, _) = s
        .post(
            &format!("/api/v1/situations/{}/invitations", uuid::Uuid::new_v4()),
            Some(&x.a.coordinator.token),
            by_sms(&x),
        )
        .await;
    assert_eq!(st, 404);

    // One open invitation at a time.
    let (st, _) = invite(&s, &x, by_sms(&x)).await;
    assert_eq!(st, 201);
    let (st, e) = invite(&s, &x, by_sms(&x)).await;
    assert_eq!((st, reason(&e).0.as_str()), (409, "person"), "{e}");
    assert!(reason(&e).1.contains("déjà en cours"), "{e}");
    // Another organisation sees none of it.
    let other = org(&s, "Ailleurs").await;
    let (st, _) = s
        .get(
            &format!("/api/v1/situations/{}/invitations", x.situation),
            &other.coordinator.token,
        )
        .await;
    assert_eq!(st, 404);

    // "Call us" with the service's number; in person, the link to read out.
    let (st, o) = s.get("/api/v1/organisation", &x.a.admin.token).await;
    assert_eq!(st, 200, "{o}");
    assert_eq!(o["invitations"]["expiry_days"], 7);
    let (st, e) = s
        .call(
            Method::PUT,
            "/api/v1/organisation",
            Some(&x.a.admin.token),
            Some(
                json!({"name": o["name"], "invitations": {"expiry_days": 40, "follow_up_days": 3}}),
            ),
        )
        .await;
    assert_eq!(
        (st, reason(&e).0.as_str()),
        (422, "invitations.expiry_days"),
        "{e}"
    );
    let (st, o) = s
        .call(Method::PUT, "/api/v1/organisation", Some(&x.a.admin.token),
            Some(json!({"name": o["name"], "invitations": {"expiry_days": 10, "follow_up_days": 4, "callback_phone": "01 23 45 67 89"}})))
        .await;
    assert_eq!(st, 200, "{o}");
    assert_eq!(o["invitations"]["callback_phone"], "+33123456789");
    let z = for_person(sms_profile("07 11 22 33 10"), "Rappel").await;
    let (st, pv) = s
        .post(
            &format!("/api/v1/situations/{}/invitations/preview", z.situation),
            Some(&x.a.coordinator.token),
            json!({"kind": "call_us", "channel": "sms"}),
        )
        .await;
    assert_eq!(st, 200, "{pv}");
    let text = pv["text"].as_str().unwrap();
    assert!(
        text.contains("01 23 45 67 89") && !text.contains("http"),
        "{text}"
    );
    let w = for_person(json!({}), "Papier").await;
    let (st, inv) = invite(
        &s,
        &w,
        json!({"kind": "link", "channel": "in_person", "type_id": x.ty, "site_ids": [x.a.site_id]}),
    )
    .await;
    assert_eq!(st, 201, "{inv}");
    assert_eq!(inv["state"], "sent");
    assert!(inv["url"].as_str().unwrap().starts_with(PUBLIC), "{inv}");
    assert!(inv["messages"].as_array().unwrap().is_empty());

    // Closing the situation withdraws its invitation; its link opens the neutral page.
    let (_, sit) = s
        .get(
            &format!("/api/v1/situations/{}", w.situation),
            &x.a.coordinator.token,
        )
        .await;
    let (st, closed) = s
        .post(
            &format!("/api/v1/situations/{}/events", w.situation),
            Some(&x.a.coordinator.token),
            json!({"event": "close", "version": sit["version"], "close_reason": "resolved"}),
        )
        .await;
    assert_eq!(st, 200, "{closed}");
    assert_eq!(invitations(&s, &w).await[0]["state"], "revoked");
    let url = inv["url"].as_str().unwrap();
    let mut b = Browser::new(&s);
    let (_, page) = b.get(url.strip_prefix(PUBLIC).unwrap()).await;
    assert!(!page.contains("Vérification"), "{page}");
    let (st, e) = invite(&s, &w, by_sms(&w)).await;
    assert_eq!((st, reason(&e).0.as_str()), (409, "situation"), "{e}");
    s.stop().await;
}

#[tokio::test]
async fn two_instances_send_one_invitation_and_one_follow_up() {
    let g = FakeGateway::start().await;
    let s = server(&g).await;
    let x = fixture(&s, "Deux", "07 11 22 33 11").await;
    let (st, _) = invite(&s, &x, by_sms(&x)).await;
    assert_eq!(st, 201);
    for round in 0..3 {
        let now = s.state.now();
        let (a, b) = tokio::join!(
            run_once(&s.state, "a", now, never_quiet()),
            run_once(&s.state, "b", now, never_quiet())
        );
        a.unwrap();
        b.unwrap();
        relais_server::outbox::invite::settle(&s.state, None)
            .await
            .unwrap();
        s.state
            .clock()
            .advance(Duration::days(if round == 0 { 3 } else { 1 }) + Duration::minutes(1));
    }
    let sent = texts_to(&g, "+33711223311");
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(
        sent[0].starts_with("Bonjour") && sent[1].starts_with("Rappel"),
        "{sent:?}"
    );
    s.stop().await;
}
