//! Test harness: a real Relais server on a random loopback port, over a fresh SQLite file or,
//! when `RELAIS_TEST_POSTGRES_URL` is set (e.g. `postgres://postgres@127.0.0.1:5433`), a
//! fresh PostgreSQL database. Fixtures go through the real API: login, TOTP enrolment, etc.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test.

pub mod fakes;
pub mod nodes;

use std::path::PathBuf;

use relais_server::auth::totp;
use relais_server::{AppState, Config};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

pub const PASSWORD: &str = "correct cheval agrafe 2026";

pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub struct Server {
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    pub sqlite_dir: Option<PathBuf>,
    pub database_url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Which backend this run uses, for messages.
pub fn backend() -> &'static str {
    if std::env::var("RELAIS_TEST_POSTGRES_URL").is_ok() {
        "postgres"
    } else {
        "sqlite"
    }
}

async fn fresh_database_url() -> (String, Option<PathBuf>) {
    match std::env::var("RELAIS_TEST_POSTGRES_URL") {
        Ok(base) => {
            let base = base.trim_end_matches('/').to_owned();
            let name = format!("relais_t_{}", Uuid::new_v4().simple());
            let admin = sea_orm::Database::connect(format!("{base}/postgres"))
                .await
                .expect("PostgreSQL reachable at RELAIS_TEST_POSTGRES_URL");
            use sea_orm::ConnectionTrait;
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            admin.close().await.ok();
            (format!("{base}/{name}"), None)
        }
        Err(_) => {
            let dir = std::env::temp_dir().join(format!("relais-e2e-{}", Uuid::new_v4().simple()));
            std::fs::create_dir_all(&dir).unwrap();
            (
                format!("sqlite://{}?mode=rwc", dir.join("relais.sqlite").display()),
                Some(dir),
            )
        }
    }
}

impl Server {
    pub async fn start() -> Server {
        Self::start_with(|_| {}).await
    }

    /// Start with test-friendly settings (Argon2 at its floor), adjusted by `tweak`.
    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Server {
        install_crypto();
        let (database_url, sqlite_dir) = fresh_database_url().await;
        let mut config = Config {
            database_url: database_url.clone(),
            data_key: Some(relais_server::crypto::FieldCipher::generate_key()),
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
            ..Config::default()
        };
        tweak(&mut config);
        let state = AppState::start(config).await.expect("server starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let s = state.clone();
        let task = tokio::spawn(async move {
            relais_server::app::serve(s, listener, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Server {
            base,
            state,
            http: reqwest::Client::new(),
            sqlite_dir,
            database_url,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }

    /// A request with an optional bearer token and JSON body; returns status and JSON
    /// (`Value::Null` for an empty body, the raw text as a string otherwise).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut r = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        let res = r.send().await.unwrap();
        let status = res.status().as_u16();
        let ct = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = res.text().await.unwrap();
        if status >= 400 {
            assert_eq!(
                ct, "application/problem+json",
                "every error is problem+json: {status} {text}"
            );
        }
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, v)
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// Raw request for bad-input tests: arbitrary bytes and content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (u16, Value) {
        let res = self
            .http
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let ct = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = res.text().await.unwrap();
        if status >= 400 {
            assert_eq!(
                ct, "application/problem+json",
                "every error is problem+json: {status} {text}"
            );
        }
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(d) = &self.sqlite_dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

/// A logged-in staff member with a verified second factor.
#[derive(Clone, Debug)]
pub struct Actor {
    pub token: String,
    pub account_id: Uuid,
    pub email: String,
    pub totp_secret: Vec<u8>,
    pub recovery_codes: Vec<String>,
}

/// The TOTP code `offset_steps` steps from now (codes are single-use: later logins in the
/// same 30 s use the next step, which the server accepts as clock drift).
pub fn totp_code(secret: &[u8], offset_steps: i64) -> String {
    let step = totp::step_of(chrono::Utc::now().timestamp()) + offset_steps;
    format!("{:06}", totp::hotp(secret, step as u64, 6))
}

/// Log in with the password, enrol TOTP, confirm it: a fully verified session.
pub async fn enrol(s: &Server, email: &str) -> Actor {
    let (st, grant) = s
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(st, 200, "{grant}");
    assert_eq!(grant["second_factor"], "enrolment_required");
    let token = grant["token"].as_str().unwrap().to_owned();
    let (st, e) = s
        .post("/api/v1/auth/totp/enrol", Some(&token), json!({}))
        .await;
    assert_eq!(st, 200, "{e}");
    let secret = data_encoding::BASE32_NOPAD
        .decode(e["secret"].as_str().unwrap().as_bytes())
        .unwrap();
    let (st, codes) = s
        .post(
            "/api/v1/auth/totp/confirm",
            Some(&token),
            json!({"code": totp_code(&secret, 0)}),
        )
        .await;
    assert_eq!(st, 200, "{codes}");
    let (st, me) = s.get("/api/v1/me", &token).await;
    assert_eq!(st, 200, "{me}");
    Actor {
        token,
        account_id: me["account_id"].as_str().unwrap().parse().unwrap(),
        email: email.to_owned(),
        totp_secret: secret,
        recovery_codes: codes["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect(),
    }
}

/// One organisation with an admin, a coordinator, a referrer, a site and a person.
#[derive(Clone)]
pub struct Org {
    pub id: Uuid,
    pub admin: Actor,
    pub coordinator: Actor,
    pub referrer: Actor,
    pub site_id: Uuid,
    pub person_id: Uuid,
    /// A 30-minute appointment type, bookable by staff.
    pub type_id: Uuid,
    /// One planned appointment of the coordinator with the person.
    pub appointment_id: Uuid,
}

/// A duration budget for a test, in milliseconds, scaled for slow or loaded machines by
/// `RELAIS_TEST_TIME_SCALE` (default 1; CI on two shared cores may set 2 or 3): waits and
/// timeouts that must hold on any machine are derived from it, never hard-wired tight.
pub fn scaled_ms(ms: u64) -> u64 {
    let scale = std::env::var("RELAIS_TEST_TIME_SCALE")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| *s >= 1.0)
        .unwrap_or(1.0);
    (ms as f64 * scale) as u64
}

/// Today in Paris, where every rule of the fixtures' sites counts its days (the UTC date
/// is yesterday's between midnight and 01:00 or 02:00 in Paris).
pub fn paris_today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive()
}

/// The last Sunday of a month: the day France changes its clocks in March and October.
pub fn last_sunday(year: i32, month: u32) -> chrono::NaiveDate {
    use chrono::Datelike;
    let first_next = if month == 12 {
        chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        chrono::NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .unwrap();
    let last = first_next - chrono::Duration::days(1);
    last - chrono::Duration::days(i64::from(last.weekday().num_days_from_sunday()))
}

/// A date `days_ahead` days from today (in Paris) that is a working day (Monday to Friday,
/// not a public holiday), so tests do not depend on the day they run.
pub fn workday(days_ahead: i64) -> chrono::NaiveDate {
    use chrono::Datelike;
    let mut d = paris_today() + chrono::Duration::days(days_ahead);
    loop {
        let holidays = relais_domain::holidays::holiday_dates(d, d, false);
        if d.weekday().number_from_monday() <= 5 && holidays.is_empty() {
            return d;
        }
        d += chrono::Duration::days(1);
    }
}

/// "2026-11-23T10:00:00+01:00" for a local date and time in Paris.
pub fn paris(date: chrono::NaiveDate, h: u32, m: u32) -> String {
    use chrono::TimeZone;
    chrono_tz::Europe::Paris
        .from_local_datetime(&date.and_hms_opt(h, m, 0).unwrap())
        .single()
        .unwrap()
        .to_rfc3339()
}

pub async fn org(s: &Server, name: &str) -> Org {
    let tag = Uuid::new_v4().simple().to_string()[..8].to_owned();
    let admin_email = format!("admin-{tag}@example.org");
    relais_server::accounts::create_first_admin(&s.state, name, &admin_email, "Admin", PASSWORD)
        .await
        .unwrap();
    let admin = enrol(s, &admin_email).await;
    let (st, site) = s.post("/api/v1/sites", Some(&admin.token), json!({"name": format!("Brigade {name}"), "address": "1 place de la Mairie, 71100 Chalon-sur-Saône"})).await;
    assert_eq!(st, 201, "{site}");
    let site_id: Uuid = site["id"].as_str().unwrap().parse().unwrap();
    let mut actors = Vec::new();
    for role in ["coordinator", "referrer"] {
        let email = format!("{role}-{tag}@example.org");
        let (st, a) = s
            .post("/api/v1/accounts", Some(&admin.token), json!({"email": email, "display_name": role, "role": role, "password": PASSWORD, "site_ids": [site_id]}))
            .await;
        assert_eq!(st, 201, "{a}");
        actors.push(enrol(s, &email).await);
    }
    let referrer = actors.pop().unwrap();
    let coordinator = actors.pop().unwrap();
    let (st, p) = s
        .post("/api/v1/persons", Some(&coordinator.token), json!({"first_name": "Camille", "last_name": format!("Témoin{tag}"), "phone": "06 11 22 33 44"}))
        .await;
    assert_eq!(st, 201, "{p}");
    let (st, ty) = s
        .post("/api/v1/appointment-types", Some(&admin.token), json!({"name": "Entretien", "public_label": "Rendez-vous", "duration_minutes": 30, "place_kind": "site", "bookable_by": "staff"}))
        .await;
    assert_eq!(st, 201, "{ty}");
    let type_id: Uuid = ty["id"].as_str().unwrap().parse().unwrap();
    let (st, w) = s
        .post("/api/v1/opening-windows", Some(&coordinator.token), json!({"coordinator_id": coordinator.account_id, "site_id": site_id, "days": [1,2,3,4,5], "start": "09:00", "end": "17:00"}))
        .await;
    assert_eq!(st, 201, "{w}");
    let day = workday(7);
    let (st, a) = s
        .post("/api/v1/appointments", Some(&coordinator.token), json!({"type_id": type_id, "site_id": site_id, "coordinator_id": coordinator.account_id, "person_id": p["id"], "start": paris(day, 9, 0)}))
        .await;
    assert_eq!(st, 201, "{a}");
    let (_, me) = s.get("/api/v1/me", &admin.token).await;
    Org {
        id: me["organisation"]["id"].as_str().unwrap().parse().unwrap(),
        admin,
        coordinator,
        referrer,
        site_id,
        person_id: p["id"].as_str().unwrap().parse().unwrap(),
        type_id,
        appointment_id: a["id"].as_str().unwrap().parse().unwrap(),
    }
}

/// An appointment type whose bookings send a confirmation and a reminder (48 h before, the
/// default offset).
pub async fn reminder_type(s: &Server, a: &Org) -> String {
    let (st, ty) = s
        .post(
            "/api/v1/appointment-types",
            Some(&a.admin.token),
            json!({"name": "Suivi", "public_label": "Rendez-vous", "duration_minutes": 30,
                   "place_kind": "site", "bookable_by": "staff", "reminders": true}),
        )
        .await;
    assert_eq!(st, 201, "{ty}");
    assert_eq!(ty["reminder_offset_hours"], 48);
    ty["id"].as_str().unwrap().to_owned()
}

/// The local (Paris) day of the fixture's appointment: the organisation's person at 09:00,
/// seven working days ahead (`org`).
pub async fn fixture_day(s: &Server, a: &Org) -> chrono::NaiveDate {
    let (st, appt) = s
        .get(
            &format!("/api/v1/appointments/{}", a.appointment_id),
            &a.coordinator.token,
        )
        .await;
    assert_eq!(st, 200, "{appt}");
    chrono::DateTime::parse_from_rfc3339(appt["start"].as_str().unwrap())
        .unwrap()
        .date_naive()
}
