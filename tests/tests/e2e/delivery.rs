//! The gateways over real sockets: each provider's exact request checked by a local fake,
//! its faults (503 with Retry-After, 429, 500, a stall past the client timeout, a reset, a
//! garbled 200), the reconciler, the attempt cap and the coordinator's flag, signed delivery
//! receipts (duplicate, out of order, bad signature, unknown id), STOP, templates, and SMTP
//! with a local sink.

use chrono::{DateTime, Duration, Utc};
use relais_domain::sms::QuietHours;
use relais_server::config::Secret;
use relais_server::outbox::leader::reconcile;
use relais_server::outbox::run_once;
use relais_tests::fakes::{FakeGateway, Mode, SECRET, SmtpSink, TWILIO_ACCOUNT};
use relais_tests::{Org, Server, org, paris, workday};
use serde_json::{Value, json};

const PUBLIC: &str = "https://relais.example";
const HOOK_SECRET: &str = "hook-secret-for-tests";

fn never_quiet() -> QuietHours {
    QuietHours {
        start: chrono::NaiveTime::MIN,
        end: chrono::NaiveTime::MIN,
    }
}

async fn server(provider: &str, g: &FakeGateway, smtp: Option<&SmtpSink>) -> Server {
    server_with(provider, g, smtp, |_| {}).await
}

async fn server_with(
    provider: &str,
    g: &FakeGateway,
    smtp: Option<&SmtpSink>,
    tweak: impl FnOnce(&mut relais_server::config::Config),
) -> Server {
    let (provider, base) = (provider.to_owned(), g.base.clone());
    let smtp = smtp.map(|s| format!("smtp://127.0.0.1:{}", s.port));
    Server::start_with(move |c| {
        c.sms_quiet_start = "00:00".into();
        c.sms_quiet_end = "00:00".into();
        // Long enough that a gateway answering normally on a loaded machine is never taken
        // for a stalled one; the stalled cases wait this long once each.
        c.sms_timeout_ms = relais_tests::scaled_ms(2_500);
        c.sms_rate_per_second = 0;
        c.public_url = PUBLIC.into();
        c.sms_webhook_secret = Secret::new(HOOK_SECRET);
        c.sms_provider = provider.clone();
        match provider.as_str() {
            "webhook" => {
                c.sms_url = format!("{base}/send");
                c.sms_lookup_url = format!("{base}/messages/{{{{id}}}}");
                c.sms_secret = Secret::new(format!("Bearer {SECRET}"));
            }
            "twilio" => {
                c.sms_url = base.clone();
                c.sms_account = TWILIO_ACCOUNT.into();
                c.sms_secret = Secret::new(SECRET);
                c.sms_sender = "+33700000001".into();
            }
            "brevo" => {
                c.sms_url = base.clone();
                c.sms_secret = Secret::new(SECRET);
            }
            _ => {}
        }
        if let Some(u) = smtp {
            c.smtp_url = Secret::new(u);
            c.smtp_from = "rendez-vous@relais.example".into();
        }
        tweak(c);
    })
    .await
}

struct Setup {
    a: Org,
    ty: String,
    person: String,
}

async fn setup(s: &Server, email: bool) -> Setup {
    let a = org(s, "Remise").await;
    let (st, ty) = s
        .post(
            "/api/v1/appointment-types",
            Some(&a.admin.token),
            json!({"name": "Suivi", "public_label": "Rendez-vous", "duration_minutes": 30,
                   "place_kind": "site", "bookable_by": "staff", "reminders": true}),
        )
        .await;
    assert_eq!(st, 201, "{ty}");
    let (st, p) = s
        .post(
            "/api/v1/persons",
            Some(&a.coordinator.token),
            json!({"first_name": "Aline", "last_name": "Remise", "phone": "06 10 20 30 40",
                   "safe_contact": {"sms": true, "email": email, "phone_call": true,
                                    "safe_phone": "07 10 20 30 40",
                                    "safe_email": if email { json!("aline@example.net") } else { Value::Null },
                                    "checked_at": Utc::now().to_rfc3339()}}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    Setup {
        ty: ty["id"].as_str().unwrap().to_owned(),
        person: p["id"].as_str().unwrap().to_owned(),
        a,
    }
}

async fn book(s: &Server, x: &Setup, days: i64, hour: u32) -> Value {
    let (st, appt) = s
        .post(
            "/api/v1/appointments",
            Some(&x.a.coordinator.token),
            json!({"type_id": x.ty, "site_id": x.a.site_id, "coordinator_id": x.a.coordinator.account_id,
                   "person_id": x.person, "start": paris(workday(days), hour, 0)}),
        )
        .await;
    assert_eq!(st, 201, "{days} {hour}: {appt}");
    appt
}

async fn notes(s: &Server, x: &Setup, appt: &Value) -> Vec<Value> {
    let (st, n) = s
        .get(
            &format!(
                "/api/v1/appointments/{}/notifications",
                appt["id"].as_str().unwrap()
            ),
            &x.a.coordinator.token,
        )
        .await;
    assert_eq!(st, 200, "{n}");
    n.as_array().unwrap().clone()
}

async fn note(s: &Server, x: &Setup, appt: &Value, kind: &str, channel: &str) -> Value {
    notes(s, x, appt)
        .await
        .into_iter()
        .find(|n| n["kind"] == kind && n["channel"] == channel)
        .unwrap_or_else(|| panic!("no {kind} by {channel}"))
}

async fn key_of(s: &Server, id: &str) -> String {
    use relais_server::store::entities::notification;
    use sea_orm::EntityTrait;
    notification::Entity::find_by_id(id.parse::<uuid::Uuid>().unwrap())
        .one(s.state.db())
        .await
        .unwrap()
        .unwrap()
        .idempotency_key
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

// The generic gateway with no lookup address: an SMS whose answer never came may have left,
// and nothing can tell. It is failed, never sent again, and the coordinator sees it.
#[tokio::test]
async fn an_ambiguous_sms_without_a_lookup_address_is_failed_never_resent() {
    let g = FakeGateway::start().await;
    let s = server_with("webhook", &g, None, |c| c.sms_lookup_url = String::new()).await;
    let x = setup(&s, false).await;
    let appt = book(&s, &x, 6, 10).await;
    let id = note(&s, &x, &appt, "confirmation", "sms").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let key = key_of(&s, &id).await;
    // The gateway takes the message, then its answer never comes.
    g.set_mode(Mode::RecordThenStall);
    let now = Utc::now();
    run_once(&s.state, "i1", now, never_quiet()).await.unwrap();
    let n = note(&s, &x, &appt, "confirmation", "sms").await;
    assert_eq!(
        (n["state"].as_str(), n["reason"].as_str()),
        (Some("unknown"), Some("timeout")),
        "{n}"
    );
    g.set_mode(Mode::Ok);
    assert_eq!(reconcile(&s.state, Utc::now()).await.unwrap(), 1);
    let n = note(&s, &x, &appt, "confirmation", "sms").await;
    assert_eq!(
        (n["state"].as_str(), n["reason"].as_str()),
        (Some("failed"), Some("ambiguous_not_retried")),
        "{n}"
    );
    for later in [Duration::minutes(20), Duration::hours(6)] {
        run_once(&s.state, "i1", now + later, never_quiet())
            .await
            .unwrap();
    }
    assert_eq!(g.counts().get(&key), Some(&1), "never sent a second time");
    assert!(
        !g.requests()
            .iter()
            .any(|r| r.path.starts_with("/messages/")),
        "no lookup was attempted"
    );
    s.stop().await;
}

#[tokio::test]
async fn the_webhook_gateway_survives_every_fault_and_never_sends_twice() {
    let g = FakeGateway::start().await;
    let s = server("webhook", &g, None).await;
    let x = setup(&s, false).await;
    let appt = book(&s, &x, 6, 10).await;
    let conf = note(&s, &x, &appt, "confirmation", "sms").await;
    let id = conf["id"].as_str().unwrap().to_owned();
    let key = key_of(&s, &id).await;
    let mut now = Utc::now();
    let state_of = |n: Value| (n["state"].as_str().unwrap().to_owned(), n["reason"].clone());

    // 503 with Retry-After: retried, not before the provider asked.
    g.set_mode(Mode::Status(503, Some("120".into())));
    assert_eq!(
        run_once(&s.state, "i1", now, never_quiet()).await.unwrap(),
        (1, 0)
    );
    let n = note(&s, &x, &appt, "confirmation", "sms").await;
    assert_eq!(state_of(n.clone()), ("retryable".into(), json!("http_503")));
    assert!(
        time(&n["due_at"]) >= Utc::now() + Duration::seconds(118),
        "{n}"
    );
    assert_eq!(
        run_once(&s.state, "i1", Utc::now(), never_quiet())
            .await
            .unwrap(),
        (0, 0),
        "not before Retry-After"
    );
    // 429: surely not accepted, retried.
    now += Duration::minutes(10);
    g.set_mode(Mode::Status(429, None));
    run_once(&s.state, "i1", now, never_quiet()).await.unwrap();
    assert_eq!(
        state_of(note(&s, &x, &appt, "confirmation", "sms").await).0,
        "retryable"
    );
    // Ambiguous answers go to `unknown`; the reconciler asks the gateway by our key.
    for (mode, reason) in [
        (Mode::Status(500, None), "http_500"),
        (Mode::Stall, "timeout"),
        (Mode::Reset, "connection"),
    ] {
        now += Duration::minutes(20);
        g.set_mode(mode.clone());
        run_once(&s.state, "i1", now, never_quiet()).await.unwrap();
        let n = note(&s, &x, &appt, "confirmation", "sms").await;
        assert_eq!(state_of(n), ("unknown".into(), json!(reason)), "{mode:?}");
        assert_eq!(
            run_once(&s.state, "i1", now, never_quiet()).await.unwrap(),
            (0, 0),
            "an ambiguous SMS is not retried blindly"
        );
        assert_eq!(reconcile(&s.state, Utc::now()).await.unwrap(), 1);
        let n = note(&s, &x, &appt, "confirmation", "sms").await;
        assert_eq!(
            state_of(n),
            ("retryable".into(), json!("not_received")),
            "{mode:?}: absent at the gateway, so retried"
        );
    }
    // A garbled 200: the gateway has it; the reconciler finds it and it is not sent again.
    now += Duration::minutes(20);
    g.set_mode(Mode::Malformed);
    run_once(&s.state, "i1", now, never_quiet()).await.unwrap();
    assert_eq!(
        state_of(note(&s, &x, &appt, "confirmation", "sms").await),
        ("unknown".into(), json!("malformed_response"))
    );
    g.set_mode(Mode::Ok);
    assert_eq!(reconcile(&s.state, Utc::now()).await.unwrap(), 1);
    let n = note(&s, &x, &appt, "confirmation", "sms").await;
    assert_eq!(state_of(n.clone()), ("sent".into(), json!("reconciled")));
    assert_eq!(n["attempt"], 6);
    run_once(&s.state, "i1", now + Duration::hours(1), never_quiet())
        .await
        .unwrap();
    assert_eq!(g.counts().get(&key), Some(&1), "exactly once");
    assert!(
        g.malformed_requests().is_empty(),
        "{:?}",
        g.malformed_requests()
    );
    let sent = g.accepted().into_iter().find(|a| a.key == key).unwrap();
    assert_eq!(sent.to, "+33710203040");
    assert!(
        sent.text.starts_with("Rendez-vous confirmé : "),
        "{}",
        sent.text
    );
    for word in ["gendarmerie", "police", "violence", "Remise", "STOP"] {
        assert!(!sent.text.contains(word), "{}", sent.text);
    }

    // The reminder against a gateway that keeps answering 503: eight tries, then failed,
    // and the coordinator sees it on the appointment.
    assert_eq!(appt["reminder_not_delivered"], false);
    g.set_mode(Mode::Status(503, None));
    let start = time(&appt["start"]);
    for _ in 0..8 {
        run_once(&s.state, "i1", start - Duration::hours(1), never_quiet())
            .await
            .unwrap();
    }
    let r = note(&s, &x, &appt, "reminder", "sms").await;
    assert_eq!(r["state"], "failed", "{r}");
    assert_eq!(r["attempt"], 8);
    assert!(
        r["reason"].as_str().unwrap().contains("attempts_exhausted"),
        "{r}"
    );
    let (_, now_appt) = s
        .get(
            &format!("/api/v1/appointments/{}", appt["id"].as_str().unwrap()),
            &x.a.coordinator.token,
        )
        .await;
    assert_eq!(now_appt["reminder_not_delivered"], true, "{now_appt}");
    s.stop().await;
}

async fn post_form(
    s: &Server,
    path: &str,
    params: &[(&str, &str)],
    signature: &str,
) -> (u16, Value) {
    let body: String = params
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    let r = s
        .http
        .post(format!("{}{}", s.base, path))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        st,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn twilio_receipt(
    s: &Server,
    key: &str,
    sid: &str,
    status: &str,
    good: bool,
) -> (u16, Value) {
    let path = format!("/api/v1/hooks/sms/twilio/status?n={key}");
    let params = [
        ("MessageSid", sid),
        ("MessageStatus", status),
        ("AccountSid", TWILIO_ACCOUNT),
    ];
    let owned: Vec<(String, String)> = params
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let token = if good { SECRET } else { "not-the-token" };
    let sig = relais_server::outbox::providers::twilio_signature(
        token,
        &format!("{PUBLIC}{path}"),
        &owned,
    );
    post_form(s, &path, &params, &sig).await
}

// Twilio keeps no key of ours: an ambiguous SMS is found again by number, text and time.
// Taken then unanswered: found, marked sent, never sent again. Never taken: absent, retried
// once, sent once.
#[tokio::test]
async fn twilio_reconciliation_finds_what_it_took_and_retries_what_it_did_not() {
    let g = FakeGateway::start().await;
    let s = server("twilio", &g, None).await;
    let x = setup(&s, false).await;
    let taken = book(&s, &x, 6, 10).await;
    g.set_mode(Mode::RecordThenStall);
    run_once(&s.state, "t", Utc::now(), never_quiet())
        .await
        .unwrap();
    let n = note(&s, &x, &taken, "confirmation", "sms").await;
    assert_eq!(n["state"], "unknown", "{n}");
    g.set_mode(Mode::Ok);
    assert_eq!(reconcile(&s.state, Utc::now()).await.unwrap(), 1);
    let n = note(&s, &x, &taken, "confirmation", "sms").await;
    assert_eq!(
        (n["state"].as_str(), n["reason"].as_str()),
        (Some("sent"), Some("reconciled")),
        "{n}"
    );
    let lookups = g
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/Messages.json"))
        .count();
    assert!(lookups >= 1, "Twilio was asked");
    assert_eq!(g.accepted().len(), 1, "taken once, never sent again");

    let lost = book(&s, &x, 7, 11).await;
    g.set_mode(Mode::Stall);
    let now = Utc::now();
    run_once(&s.state, "t", now, never_quiet()).await.unwrap();
    let n = note(&s, &x, &lost, "confirmation", "sms").await;
    assert_eq!(n["state"], "unknown", "{n}");
    g.set_mode(Mode::Ok);
    assert_eq!(reconcile(&s.state, Utc::now()).await.unwrap(), 1);
    let n = note(&s, &x, &lost, "confirmation", "sms").await;
    assert_eq!(
        (n["state"].as_str(), n["reason"].as_str()),
        (Some("retryable"), Some("not_received")),
        "{n}"
    );
    run_once(&s.state, "t", now + Duration::hours(1), never_quiet())
        .await
        .unwrap();
    let n = note(&s, &x, &lost, "confirmation", "sms").await;
    assert_eq!(n["state"], "sent", "{n}");
    assert_eq!(g.accepted().len(), 2, "each message taken exactly once");
    s.stop().await;
}

// The SMS rate is one bucket in the database, shared by every instance: two instances on
// one base claim no more together than the rate allows, refilled with time, capped at one
// second's worth. (Times are given, not waited for.)
#[tokio::test]
async fn the_sms_rate_is_shared_by_every_instance() {
    use relais_server::outbox::claim;
    let g = FakeGateway::start().await;
    let s = server_with("webhook", &g, None, |c| c.sms_rate_per_second = 2).await;
    let x = setup(&s, false).await;
    // From 10:00: the fixture's own appointment is at 09:00 on `workday(7)`, which is
    // `workday(6)` whenever six days from now is a Sunday (a Monday's run).
    for hour in 10..16 {
        book(&s, &x, 6, hour).await;
    }
    let other = relais_server::state::AppState::start(s.state.config().clone())
        .await
        .unwrap();
    let lease = Duration::seconds(60);
    let now = Utc::now();
    let claimed = |st: &relais_server::state::AppState, who: &'static str, at| {
        let st = st.clone();
        async move { claim(&st, who, at, 100, lease).await.unwrap().len() }
    };
    assert_eq!(claimed(&s.state, "i1", now).await, 2, "a second's worth");
    assert_eq!(
        claimed(&other, "i2", now).await,
        0,
        "the other instance shares the bucket"
    );
    let half = now + Duration::milliseconds(500);
    assert_eq!(
        claimed(&other, "i2", half).await,
        1,
        "half a second refills one"
    );
    assert_eq!(claimed(&s.state, "i1", half).await, 0);
    let later = now + Duration::seconds(30);
    assert_eq!(
        claimed(&other, "i2", later).await,
        2,
        "never more than a second's worth"
    );
    assert_eq!(claimed(&s.state, "i1", later).await, 0);
    s.stop().await;
}

// An instance that lost its lease (stalled past it, its jobs rescued and claimed by
// another) writes nothing late and sends nothing: its writes are fenced on the lease
// holder. The other instance sends once.
#[tokio::test]
async fn an_instance_that_lost_its_lease_neither_sends_nor_writes_late() {
    use relais_server::outbox::{claim, leader::rescue, process_batch};
    let g = FakeGateway::start().await;
    let s = server("webhook", &g, None).await;
    let x = setup(&s, false).await;
    let appt = book(&s, &x, 6, 10).await;
    let lease = Duration::seconds(60);
    let now = Utc::now();
    let stale = claim(&s.state, "stalled", now, 10, lease).await.unwrap();
    assert_eq!(stale.len(), 1, "the confirmation is due");
    // Two minutes on: the lease ran out before the send began, the leader puts the job back
    // and another instance claims it.
    let later = now + Duration::minutes(2);
    assert_eq!(rescue(&s.state, later).await.unwrap(), (1, 0));
    let fresh = claim(&s.state, "fresh", later, 10, lease).await.unwrap();
    assert_eq!(fresh.len(), 1);
    assert_eq!(fresh[0].id, stale[0].id);
    // The stalled instance wakes up with its old batch.
    let sent = process_batch(&s.state, "stalled", &stale, now, never_quiet())
        .await
        .unwrap();
    assert_eq!(sent, 0, "nothing sent on a lost lease");
    assert!(g.accepted().is_empty(), "nothing reached the gateway");
    let n = note(&s, &x, &appt, "confirmation", "sms").await;
    assert_eq!(n["state"], "running", "still the fresh instance's: {n}");
    let sent = process_batch(&s.state, "fresh", &fresh, later, never_quiet())
        .await
        .unwrap();
    assert_eq!(sent, 1);
    // And a late finish of the stalled one changes nothing now either.
    let again = process_batch(&s.state, "stalled", &stale, later, never_quiet())
        .await
        .unwrap();
    assert_eq!(again, 0);
    let n = note(&s, &x, &appt, "confirmation", "sms").await;
    assert_eq!(n["state"], "sent", "{n}");
    assert_eq!(g.accepted().len(), 1, "sent exactly once");
    s.stop().await;
}

#[tokio::test]
async fn twilio_requests_receipts_and_stop() {
    let g = FakeGateway::start().await;
    let s = server("twilio", &g, None).await;
    let x = setup(&s, false).await;
    let appt = book(&s, &x, 6, 10).await;
    assert_eq!(
        run_once(&s.state, "t", Utc::now(), never_quiet())
            .await
            .unwrap(),
        (1, 1)
    );
    assert!(
        g.malformed_requests().is_empty(),
        "{:?}",
        g.malformed_requests()
    );
    let n = note(&s, &x, &appt, "confirmation", "sms").await;
    assert_eq!(n["state"], "sent");
    assert_eq!(
        (n["encoding"].as_str(), n["segments"].as_i64()),
        (Some("gsm7"), Some(1))
    );
    let key = key_of(&s, n["id"].as_str().unwrap()).await;
    let msg = g.accepted().pop().unwrap();
    assert_eq!(msg.key, key, "the status callback carries our key");
    let req = g.requests().pop().unwrap();
    let form = req.form();
    assert_eq!(
        form["StatusCallback"],
        format!("{PUBLIC}/api/v1/hooks/sms/twilio/status?n={key}")
    );
    assert_eq!(form["From"], "+33700000001");

    // Receipts: delivered applies once; duplicates, late "sent", bad signatures and unknown
    // ids change nothing.
    let (st, r) = twilio_receipt(&s, &key, &msg.id, "delivered", true).await;
    assert_eq!((st, r["outcome"].as_str()), (200, Some("applied")), "{r}");
    let (_, r) = twilio_receipt(&s, &key, &msg.id, "delivered", true).await;
    assert_eq!(r["outcome"], "duplicate");
    let (_, r) = twilio_receipt(&s, &key, &msg.id, "sent", true).await;
    assert_eq!(r["outcome"], "ignored", "out of order");
    let (_, r) = twilio_receipt(&s, &key, &msg.id, "undelivered", true).await;
    assert_eq!(r["outcome"], "ignored", "final is final");
    let (st, _) = twilio_receipt(&s, &key, &msg.id, "failed", false).await;
    assert_eq!(st, 401, "bad signature");
    let (_, r) = twilio_receipt(&s, "relais-nope", "SMnope", "delivered", true).await;
    assert_eq!(r["outcome"], "unknown_id");
    let n = note(&s, &x, &appt, "confirmation", "sms").await;
    assert_eq!(n["state"], "delivered");

    // The person answers STOP: the number goes on the opt-out list, and the next message
    // to it is skipped.
    let path = "/api/v1/hooks/sms/twilio/inbound";
    let params = [
        ("From", "+33710203040"),
        ("Body", "Stop"),
        ("MessageSid", "SMin1"),
    ];
    let owned: Vec<(String, String)> = params
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let sig = relais_server::outbox::providers::twilio_signature(
        SECRET,
        &format!("{PUBLIC}{path}"),
        &owned,
    );
    let (st, _) = post_form(&s, path, &params, "forged").await;
    assert_eq!(st, 401);
    let (st, body) = post_form(&s, path, &params, &sig).await;
    assert_eq!(st, 200, "{body}");
    let other = book(&s, &x, 7, 11).await;
    let before = g.accepted().len();
    run_once(&s.state, "t", Utc::now(), never_quiet())
        .await
        .unwrap();
    let n = note(&s, &x, &other, "confirmation", "sms").await;
    assert_eq!(
        (n["state"].as_str(), n["reason"].as_str()),
        (Some("skipped"), Some("opted_out"))
    );
    assert_eq!(g.accepted().len(), before);
    s.stop().await;
}

#[tokio::test]
async fn brevo_request_reconciliation_by_tag_and_its_webhook() {
    let g = FakeGateway::start().await;
    let s = server("brevo", &g, None).await;
    let x = setup(&s, false).await;
    let appt = book(&s, &x, 6, 10).await;
    // Brevo takes the message, then the answer never comes: kill-free "accepted before the
    // write". The reconciler finds it by its tag.
    g.set_mode(Mode::RecordThenStall);
    run_once(&s.state, "b", Utc::now(), never_quiet())
        .await
        .unwrap();
    assert_eq!(
        note(&s, &x, &appt, "confirmation", "sms").await["state"],
        "unknown"
    );
    g.set_mode(Mode::Ok);
    assert_eq!(reconcile(&s.state, Utc::now()).await.unwrap(), 1);
    let n = note(&s, &x, &appt, "confirmation", "sms").await;
    assert_eq!(
        (n["state"].as_str(), n["reason"].as_str()),
        (Some("sent"), Some("reconciled"))
    );
    assert!(
        g.malformed_requests().is_empty(),
        "{:?}",
        g.malformed_requests()
    );
    let msg = g.accepted().pop().unwrap();
    assert_eq!(msg.to, "33710203040", "Brevo wants the number without +");
    assert_eq!(g.counts().len(), 1);
    let req = g
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    let body = req.json();
    assert_eq!(body["webUrl"], format!("{PUBLIC}/api/v1/hooks/sms/brevo"));
    assert_eq!(body["sender"], "RDV");
    // Its webhook, authenticated by a bearer token.
    let hook = |auth: &'static str, v: Value| {
        let s = &s;
        async move {
            let r = s
                .http
                .post(format!("{}/api/v1/hooks/sms/brevo", s.base))
                .header("authorization", auth)
                .json(&v)
                .send()
                .await
                .unwrap();
            let st = r.status().as_u16();
            (st, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let mid: u64 = msg.id.parse().unwrap();
    let ev =
        json!({"messageId": mid, "msg_status": "delivered", "tag": msg.key, "to": "33710203040"});
    let (st, _) = hook("Bearer wrong", ev.clone()).await;
    assert_eq!(st, 401);
    let bearer: &'static str = Box::leak(format!("Bearer {HOOK_SECRET}").into_boxed_str());
    let (st, r) = hook(bearer, ev.clone()).await;
    assert_eq!((st, r["outcome"].as_str()), (200, Some("applied")), "{r}");
    let (_, r) = hook(bearer, ev).await;
    assert_eq!(r["outcome"], "duplicate");
    assert_eq!(
        note(&s, &x, &appt, "confirmation", "sms").await["state"],
        "delivered"
    );
    let (_, r) = hook(
        bearer,
        json!({"msg_status": "replies", "reply": "ARRET", "to": "33710203040"}),
    )
    .await;
    assert_eq!(r["outcome"], "opted_out");
    s.stop().await;
}

#[tokio::test]
async fn email_goes_over_smtp_with_a_stable_message_id_and_templates_are_checked() {
    let g = FakeGateway::start().await;
    let sink = SmtpSink::start().await;
    let s = server("development", &g, Some(&sink)).await;
    let x = setup(&s, true).await;
    // An organisation wording, refused when it reveals the service, previewed, then used.
    let admin = x.a.admin.token.as_str();
    let (st, e) = s
        .call(
            reqwest::Method::PUT,
            "/api/v1/message-templates/confirmation/email",
            Some(admin),
            Some(json!({"body": "Votre RDV a la gendarmerie {quand}"})),
        )
        .await;
    assert_eq!(st, 409, "{e}");
    assert_eq!(e["errors"][0]["field"], "body");
    let (st, p) = s
        .post(
            "/api/v1/message-templates/preview",
            Some(&x.a.coordinator.token),
            json!({"kind": "confirmation", "channel": "email", "body": "C'est noté pour {quand}. À bientôt !"}),
        )
        .await;
    assert_eq!(st, 200, "{p}");
    assert!(
        p["text"].as_str().unwrap().starts_with("C'est noté pour "),
        "é is GSM-7: {p}"
    );
    assert!(
        p["text"].as_str().unwrap().ends_with("À bientôt !"),
        "an e-mail keeps its accents (issue 10 §14): {p}"
    );
    let (st, p) = s
        .post(
            "/api/v1/message-templates/preview",
            Some(&x.a.coordinator.token),
            json!({"kind": "confirmation", "channel": "sms", "body": "C'est noté pour {quand}. À bientôt !"}),
        )
        .await;
    assert_eq!(st, 200, "{p}");
    assert!(
        p["text"].as_str().unwrap().ends_with("A bientot !"),
        "an SMS stays in GSM-7: {p}"
    );
    assert_eq!(p["encoding"], "gsm7");
    let (st, _) = s
        .call(
            reqwest::Method::PUT,
            "/api/v1/message-templates/confirmation/email",
            Some(admin),
            Some(json!({"body": "Entendu pour {quand}. A bientot"})),
        )
        .await;
    assert_eq!(st, 200);
    let appt = book(&s, &x, 6, 10).await;
    // The first try meets a 451: retried with the same Message-ID.
    sink.fail_next(1);
    run_once(&s.state, "m", Utc::now(), never_quiet())
        .await
        .unwrap();
    let n = note(&s, &x, &appt, "confirmation", "email").await;
    assert_eq!(
        (n["state"].as_str(), n["reason"].as_str()),
        (Some("retryable"), Some("smtp_451")),
        "{n}"
    );
    run_once(
        &s.state,
        "m",
        Utc::now() + Duration::hours(1),
        never_quiet(),
    )
    .await
    .unwrap();
    let n = note(&s, &x, &appt, "confirmation", "email").await;
    assert_eq!(n["state"], "sent", "{n}");
    let key = key_of(&s, n["id"].as_str().unwrap()).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert_eq!(m.to, ["<aline@example.net>"]);
    assert!(
        m.data
            .contains(&format!("Message-ID: <{key}@relais.example>")),
        "{}",
        m.data
    );
    assert!(m.data.contains("Subject: Votre rendez-vous"), "{}", m.data);
    assert!(m.data.contains("text/plain") && m.data.contains("text/html"));
    assert!(
        m.data.contains("Entendu pour "),
        "the organisation's wording"
    );
    // What the person reads, decoded as a mail client would: no revealing word anywhere
    // (the built-in list and the site's name), and the wording in both parts.
    let read = m.read();
    assert_eq!(read.subject, "Votre rendez-vous", "{read:?}");
    assert!(read.text.contains("Entendu pour "), "{read:?}");
    assert!(read.html.contains("Entendu pour "), "{read:?}");
    let site = format!("Brigade {}", "Remise");
    let revealing = relais_domain::wording::Revealing::with([site.as_str()]);
    assert!(
        revealing
            .find("RDV à la Brigade Remise, gendarmerie")
            .is_some(),
        "the check can fail"
    );
    for (what, text) in [
        ("from", &read.from),
        ("subject", &read.subject),
        ("text", &read.text),
        ("html", &read.html),
    ] {
        assert_eq!(revealing.find(text), None, "{what}: {text}");
    }
    // The SMS of the same booking went to the development outbox, nothing to the gateway.
    assert!(g.requests().is_empty());
    s.stop().await;
}

#[tokio::test]
async fn a_profile_that_stops_allowing_sms_is_obeyed_at_send_time() {
    let g = FakeGateway::start().await;
    let s = server("webhook", &g, None).await;
    let x = setup(&s, false).await;
    let appt = book(&s, &x, 6, 10).await;
    let (st, p) = s
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/persons/{}", x.person),
            Some(&x.a.coordinator.token),
            Some(json!({"first_name": "Aline", "last_name": "Remise", "phone": "06 10 20 30 40",
                        "safe_contact": {"sms": false, "phone_call": true, "safe_phone": "07 10 20 30 40",
                                         "checked_at": Utc::now().to_rfc3339()}})),
        )
        .await;
    assert_eq!(st, 200, "{p}");
    run_once(&s.state, "p", Utc::now(), never_quiet())
        .await
        .unwrap();
    let n = note(&s, &x, &appt, "confirmation", "sms").await;
    assert_eq!(
        (n["state"].as_str(), n["reason"].as_str()),
        (Some("skipped"), Some("channel_not_allowed"))
    );
    assert!(g.accepted().is_empty());
    s.stop().await;
}

// Issue 10 §10: an SMS gateway and no SMTP: an e-mail does not slip into the development
// outbox marked sent; it fails where the coordinator sees it.
#[tokio::test]
async fn without_smtp_an_email_is_never_marked_sent_when_sms_leave_for_real() {
    let g = FakeGateway::start().await;
    let s = server("webhook", &g, None).await;
    let x = setup(&s, true).await;
    let appt = book(&s, &x, 6, 10).await;
    run_once(&s.state, "i1", Utc::now(), never_quiet())
        .await
        .unwrap();
    let e = note(&s, &x, &appt, "confirmation", "email").await;
    assert_eq!(e["state"], "failed", "{e}");
    assert!(
        e["reason"].as_str().unwrap().contains("email_unavailable"),
        "{e}"
    );
    let sms = note(&s, &x, &appt, "confirmation", "sms").await;
    assert_eq!(sms["state"], "sent", "{sms}");
    let (_, now_appt) = s
        .get(
            &format!("/api/v1/appointments/{}", appt["id"].as_str().unwrap()),
            &x.a.coordinator.token,
        )
        .await;
    assert_eq!(now_appt["reminder_not_delivered"], true, "{now_appt}");
    s.stop().await;
}

/// `sha256=<HMAC-SHA256 of the body>`: the generic gateway's `X-Relais-Signature`.
fn generic_signature(secret: &str, body: &Value) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(&serde_json::to_vec(body).unwrap());
    format!(
        "sha256={}",
        data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes())
    )
}

/// The generic gateway's callback, signed with the webhook secret (`None`), with the given
/// signature header as it is, or without one (`Some("")`).
async fn generic_hook(s: &Server, body: &Value, signature: Option<&str>) -> (u16, Value) {
    let good = generic_signature(HOOK_SECRET, body);
    let mut r = s
        .http
        .post(format!("{}/api/v1/hooks/sms/webhook", s.base))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap());
    match signature.unwrap_or(&good) {
        "" => {}
        sig => r = r.header("x-relais-signature", sig),
    }
    let res = r.send().await.unwrap();
    let st = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        st,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The generic gateway's receipts and STOP, the one provider whose callbacks had no test: a
/// forged, unsigned or re-signed receipt changes nothing, nor does a forged opt-out; a
/// signed receipt applies once and only forward; a signed STOP puts the number on the
/// opt-out list and the next message to it is skipped.
#[tokio::test]
async fn the_generic_gateway_receipts_and_stop_are_signed_and_applied_once() {
    let g = FakeGateway::start().await;
    let s = server("webhook", &g, None).await;
    let x = setup(&s, false).await;
    let appt = book(&s, &x, 6, 10).await;
    assert_eq!(
        run_once(&s.state, "t", Utc::now(), never_quiet())
            .await
            .unwrap(),
        (1, 1)
    );
    let n = note(&s, &x, &appt, "confirmation", "sms").await;
    assert_eq!(n["state"], "sent");
    let key = key_of(&s, n["id"].as_str().unwrap()).await;
    let delivered = json!({"event_id": "ev-1", "id": key, "status": "delivered"});

    // Unsigned, forged, signed with another secret, or a signature of another body: 401,
    // and the message stays "sent".
    let resigned = generic_signature("not-the-secret", &delivered);
    for sig in ["", "sha256=00", "deadbeef", resigned.as_str()] {
        let (st, body) = generic_hook(&s, &delivered, Some(sig)).await;
        assert_eq!(st, 401, "signature {sig:?}: {body}");
    }
    let (st, body) = generic_hook(
        &s,
        &json!({"event_id": "ev-1", "id": key, "status": "undelivered"}),
        // The good signature of the "delivered" body, replayed on another body.
        Some(&generic_signature(HOOK_SECRET, &delivered)),
    )
    .await;
    assert_eq!(st, 401, "a signature is of its own body: {body}");
    assert_eq!(
        note(&s, &x, &appt, "confirmation", "sms").await["state"],
        "sent"
    );

    // Signed: applied once; the same event again is a duplicate; going back is ignored.
    let (st, r) = generic_hook(&s, &delivered, None).await;
    assert_eq!((st, r["outcome"].as_str()), (200, Some("applied")), "{r}");
    let (_, r) = generic_hook(&s, &delivered, None).await;
    assert_eq!(r["outcome"], "duplicate", "{r}");
    let (_, r) = generic_hook(
        &s,
        &json!({"event_id": "ev-2", "id": key, "status": "sent"}),
        None,
    )
    .await;
    assert_eq!(r["outcome"], "ignored", "out of order: {r}");
    let (_, r) = generic_hook(
        &s,
        &json!({"event_id": "ev-3", "id": "relais-nope", "status": "delivered"}),
        None,
    )
    .await;
    assert_eq!(r["outcome"], "unknown_id", "{r}");
    let (st, r) = generic_hook(
        &s,
        &json!({"event_id": "ev-4", "id": key, "status": "lu"}),
        None,
    )
    .await;
    assert_eq!(
        (st, r["errors"][0]["field"].as_str()),
        (422, Some("status")),
        "{r}"
    );
    assert_eq!(
        note(&s, &x, &appt, "confirmation", "sms").await["state"],
        "delivered"
    );

    // STOP: forged, nothing happens; signed, the next message to that number is skipped.
    let stop = json!({"event_id": "in-1", "from": "+33710203040", "text": "STOP"});
    let (st, _) = generic_hook(&s, &stop, Some("sha256=0123")).await;
    assert_eq!(st, 401);
    let before = book(&s, &x, 7, 11).await;
    run_once(&s.state, "t", Utc::now(), never_quiet())
        .await
        .unwrap();
    assert_eq!(
        note(&s, &x, &before, "confirmation", "sms").await["state"],
        "sent",
        "a forged STOP stops nothing"
    );
    let (st, r) = generic_hook(&s, &stop, None).await;
    assert_eq!((st, r["outcome"].as_str()), (200, Some("opted_out")), "{r}");
    // At another hour: workday(7) and workday(8) are one day when a weekend comes between.
    let after = book(&s, &x, 8, 14).await;
    let accepted = g.accepted().len();
    run_once(&s.state, "t", Utc::now(), never_quiet())
        .await
        .unwrap();
    let n = note(&s, &x, &after, "confirmation", "sms").await;
    assert_eq!(
        (n["state"].as_str(), n["reason"].as_str()),
        (Some("skipped"), Some("opted_out"))
    );
    assert_eq!(g.accepted().len(), accepted, "nothing left for that number");
    s.stop().await;
}

// Issue 24 §2: what the phone shows before the message is opened (the sender) and the
// host of the link, read against the organisation's own name by its significant words
// ("Remise" of the organisation "Remise" and its site "Brigade Remise"), in the forms the
// review tried (joined to digits, in capitals): the SMS never leaves with a sender naming
// the service, and never carries a link whose host names it.
#[tokio::test]
async fn a_sender_or_a_link_host_naming_the_organisation_never_reaches_the_phone() {
    let g = FakeGateway::start().await;
    let s = server_with("webhook", &g, None, |c| c.sms_sender = "REMISE77".into()).await;
    let x = setup(&s, false).await;
    let appt = book(&s, &x, 6, 10).await;
    run_once(&s.state, "i1", Utc::now(), never_quiet())
        .await
        .unwrap();
    let n = note(&s, &x, &appt, "confirmation", "sms").await;
    assert_eq!(n["state"], "failed", "{n}");
    assert!(
        n["reason"].as_str().unwrap().contains("revealing_sender"),
        "{n}"
    );
    assert!(g.accepted().is_empty());
    s.stop().await;

    let g = FakeGateway::start().await;
    let s = server_with("webhook", &g, None, |c| {
        c.public_url = "https://rdv-remise.example".into()
    })
    .await;
    let x = setup(&s, false).await;
    let appt = book(&s, &x, 6, 10).await;
    run_once(&s.state, "i1", Utc::now(), never_quiet())
        .await
        .unwrap();
    let n = note(&s, &x, &appt, "confirmation", "sms").await;
    assert_eq!(n["state"], "sent", "{n}");
    let sent = g.accepted();
    assert_eq!(sent.len(), 1);
    assert!(
        !sent[0].text.to_lowercase().contains("remise"),
        "{}",
        sent[0].text
    );
    assert!(!sent[0].text.contains("https://"), "{}", sent[0].text);
    s.stop().await;

    // The same host under a neutral name: the link is there (the check above is not a
    // message that never carries links).
    let g = FakeGateway::start().await;
    let s = server("webhook", &g, None).await;
    let x = setup(&s, false).await;
    book(&s, &x, 6, 10).await;
    run_once(&s.state, "i1", Utc::now(), never_quiet())
        .await
        .unwrap();
    let sent = g.accepted();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].text.contains(PUBLIC), "{}", sent[0].text);
    s.stop().await;
}
