//! Load generator against a real `relais serve` process (started here, on loopback):
//! the person's slot page (`/rdv`, with a session from a booking link) and the availability
//! endpoint under 50 concurrent clients, then bookings as fast as 50 clients can make them,
//! every slot attempted twice (`--attempts-per-slot`), then a check that no coordinator has
//! two overlapping appointments.
//!
//! cargo build --release -p relais-server -p relais-tests
//! target/release/relais-load                                  # SQLite
//! target/release/relais-load --postgres postgres://postgres@127.0.0.1:5433

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark tool: fail loudly.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::{Value, json};

const PASSWORD: &str = "mot de passe du banc d'essai";

const HELP: &str = "relais-load: the person's slot page, availability and bookings under concurrent clients,
against a `relais serve` started here on loopback (build it first: cargo build --release -p relais-server -p relais-tests).

Options:
  --server PATH             the relais binary (default target/release/relais)
  --postgres URL            PostgreSQL base URL (a database is created); default SQLite in a temporary directory
  --clients N               concurrent clients (default 50)
  --seconds N               duration of each timed phase (default 10)
  --coordinators N          coordinators with opening hours (default 20)
  --bookings N              slots to book (default 10000)
  --attempts-per-slot N     clients trying each slot (default 2)
  --only LIST               the phases to run, comma-separated, of: page, healthz, console
                            (the staff console's pages, 20 staff), availability, runs, bookings
                            (default all)
  --help                    this text

Each phase prints a line for people, then one `RESULT <phase> key=value ...` line for scripts
(bench/run reads those).";

struct Args {
    server: String,
    postgres: Option<String>,
    clients: usize,
    seconds: u64,
    coordinators: usize,
    bookings: usize,
    attempts: usize,
    only: Vec<String>,
}

impl Args {
    fn runs(&self, phase: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|p| p == phase)
    }
}

const PHASES: [&str; 6] = [
    "page",
    "healthz",
    "console",
    "availability",
    "runs",
    "bookings",
];

fn args() -> Args {
    let mut a = Args {
        server: "target/release/relais".into(),
        postgres: None,
        clients: 50,
        seconds: 10,
        coordinators: 20,
        bookings: 10_000,
        attempts: 2,
        only: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--server" => a.server = v(),
            "--postgres" => a.postgres = Some(v()),
            "--clients" => a.clients = v().parse().unwrap(),
            "--seconds" => a.seconds = v().parse().unwrap(),
            "--coordinators" => a.coordinators = v().parse().unwrap(),
            "--bookings" => a.bookings = v().parse().unwrap(),
            "--attempts-per-slot" => a.attempts = v().parse().unwrap(),
            "--only" => {
                a.only = v().split(',').map(|p| p.trim().to_owned()).collect();
                if let Some(p) = a.only.iter().find(|p| !PHASES.contains(&p.as_str())) {
                    eprintln!("unknown phase {p}\n\n{HELP}");
                    std::process::exit(2);
                }
            }
            "--help" | "-h" => {
                println!("{HELP}");
                std::process::exit(0);
            }
            _ => {
                eprintln!("unknown option {k}\n\n{HELP}");
                std::process::exit(2);
            }
        }
    }
    a
}

struct Server {
    child: Child,
    dir: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn env(c: &mut Command, db: &str, dir: &std::path::Path, port: u16) {
    c.env("DATABASE_URL", db)
        .env("RELAIS_DATA_KEY_FILE", dir.join("relais.key"))
        .env("RELAIS_LISTEN", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn");
}

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = http.request(method, url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    let res = r.send().await.expect("request");
    let st = res.status().as_u16();
    (st, res.json().await.unwrap_or(Value::Null))
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// One closed-loop client per entry of `each` (URL, header name, header value) sending GETs
/// for `seconds`; the sorted latencies of the successful answers, and the failures.
async fn hammer(
    http: &reqwest::Client,
    each: Vec<(String, &'static str, String)>,
    seconds: u64,
) -> (Vec<Duration>, usize) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let errors = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for (url, name, value) in each {
        let (http, errors) = (http.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while Instant::now() < deadline {
                let t0 = Instant::now();
                match http.get(&url).header(name, &value).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        mine.push(t0.elapsed());
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    (all, errors.load(Ordering::Relaxed))
}

/// `RESULT <phase> rps=… p50=… p99=… errors=…` for scripts.
fn result(phase: &str, l: &[Duration], seconds: u64, errors: usize) {
    println!(
        "RESULT {phase} rps={:.1} p50={:.2} p99={:.2} errors={errors}",
        l.len() as f64 / seconds as f64,
        pct(l, 0.5),
        pct(l, 0.99)
    );
}

/// "N requests in S s = R req/s; p50 …, p90 …, p99 …; errors E".
fn summary(l: &[Duration], seconds: u64, errors: usize) -> String {
    format!(
        "{} requests in {seconds} s = {:.0} req/s; p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms; errors {errors}",
        l.len(),
        l.len() as f64 / seconds as f64,
        pct(l, 0.5),
        pct(l, 0.9),
        pct(l, 0.99),
    )
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let a = args();
    let dir = std::env::temp_dir().join(format!("relais-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    relais_server::crypto::FieldCipher::create_key_file(&dir.join("relais.key")).unwrap();
    let db = match &a.postgres {
        Some(base) => {
            let name = format!("relais_load_{}", std::process::id());
            let admin =
                sea_orm::Database::connect(format!("{}/postgres", base.trim_end_matches('/')))
                    .await
                    .unwrap();
            use sea_orm::ConnectionTrait;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                .await
                .unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            format!("{}/{name}", base.trim_end_matches('/'))
        }
        None => format!("sqlite://{}?mode=rwc", dir.join("relais.sqlite").display()),
    };
    let backend = if a.postgres.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = Command::new(&a.server);
    env(&mut c, &db, &dir, port);
    let out = c
        .args([
            "create-admin",
            "--organisation",
            "Banc d'essai",
            "--email",
            "admin@bench.test",
            "--name",
            "Admin",
        ])
        .env("RELAIS_ADMIN_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut c = Command::new(&a.server);
    env(&mut c, &db, &dir, port);
    let child = c
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let _server = Server { child, dir };
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(a.clients * 2)
        .build()
        .unwrap();
    for _ in 0..100 {
        if http
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Fixtures through the API.
    let (_, g) = call(
        &http,
        reqwest::Method::POST,
        format!("{base}/auth/login"),
        None,
        Some(json!({"email": "admin@bench.test", "password": PASSWORD})),
    )
    .await;
    let token = g["token"].as_str().expect("login").to_owned();
    let (_, e) = call(
        &http,
        reqwest::Method::POST,
        format!("{base}/auth/totp/enrol"),
        Some(&token),
        Some(json!({})),
    )
    .await;
    let secret = data_encoding::BASE32_NOPAD
        .decode(e["secret"].as_str().unwrap().as_bytes())
        .unwrap();
    let step = relais_server::auth::totp::step_of(chrono::Utc::now().timestamp());
    let code = format!(
        "{:06}",
        relais_server::auth::totp::hotp(&secret, step as u64, 6)
    );
    let (st, _) = call(
        &http,
        reqwest::Method::POST,
        format!("{base}/auth/totp/confirm"),
        Some(&token),
        Some(json!({"code": code})),
    )
    .await;
    assert_eq!(st, 200);
    let t = token.as_str();
    let (_, site) = call(
        &http,
        reqwest::Method::POST,
        format!("{base}/sites"),
        Some(t),
        Some(json!({"name": "Brigade", "address": "1 rue de la Paix"})),
    )
    .await;
    let site_id = site["id"].as_str().unwrap().to_owned();
    let (_, ty) = call(&http, reqwest::Method::POST, format!("{base}/appointment-types"), Some(t),
        Some(json!({"name": "Entretien", "public_label": "Rendez-vous", "duration_minutes": 15, "max_horizon_days": 366, "place_kind": "site", "bookable_by": "staff"}))).await;
    let type_id = ty["id"].as_str().unwrap().to_owned();
    let (_, person) = call(
        &http,
        reqwest::Method::POST,
        format!("{base}/persons"),
        Some(t),
        Some(json!({"first_name": "Banc", "last_name": "Essai"})),
    )
    .await;
    let person_id = person["id"].as_str().unwrap().to_owned();
    let mut coordinators = Vec::new();
    for i in 0..a.coordinators {
        let (st, acc) = call(&http, reqwest::Method::POST, format!("{base}/accounts"), Some(t),
            Some(json!({"email": format!("c{i}@bench.test"), "display_name": format!("C{i}"), "role": "coordinator", "password": PASSWORD, "site_ids": [site_id]}))).await;
        assert_eq!(st, 201, "{acc}");
        let id = acc["id"].as_str().unwrap().to_owned();
        for (days, start, end) in [
            (json!([1, 2, 3, 4, 5]), "08:00", "12:00"),
            (json!([1, 2, 3, 4, 5]), "13:00", "19:00"),
        ] {
            let (st, w) = call(&http, reqwest::Method::POST, format!("{base}/opening-windows"), Some(t),
                Some(json!({"coordinator_id": id, "site_id": site_id, "days": days, "start": start, "end": end}))).await;
            assert_eq!(st, 201, "{w}");
        }
        coordinators.push(id);
    }
    let today = chrono::Utc::now().date_naive();
    let from = today + chrono::Duration::days(1);
    let to4 = from + chrono::Duration::days(27);
    println!(
        "Relais load test on {backend}: {} coordinators, {} clients, server and load generator on this 2-core machine",
        a.coordinators, a.clients
    );

    // 0. The person's slot page: a booking link, its knowledge check, then `/rdv` as a
    //    person's phone loads it (one session, 50 clients).
    if a.runs("page") {
        let (st, pty) = call(&http, reqwest::Method::POST, format!("{base}/appointment-types"), Some(t),
            Some(json!({"name": "Par lien", "public_label": "Rendez-vous", "duration_minutes": 45, "max_horizon_days": 60, "place_kind": "site", "bookable_by": "public"}))).await;
        assert_eq!(st, 201, "{pty}");
        for one in [false, true] {
            let body = if one {
                json!({"type_id": pty["id"], "site_ids": [site_id], "coordinator_ids": [coordinators[0]]})
            } else {
                json!({"type_id": pty["id"], "site_ids": [site_id]})
            };
            let (st, link) = call(
                &http,
                reqwest::Method::POST,
                format!("{base}/persons/{person_id}/booking-links"),
                Some(t),
                Some(body),
            )
            .await;
            assert_eq!(st, 201, "{link}");
            let token = link["url"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned();
            let root = format!("http://127.0.0.1:{port}");
            let plain = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .pool_max_idle_per_host(a.clients * 2)
                .build()
                .unwrap();
            let r = plain.get(format!("{root}/r/{token}")).send().await.unwrap();
            let mut cookie = r.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_owned();
            let r = plain
                .post(format!("{root}/rdv/verifier"))
                .header("cookie", &cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("reponse=ess")
                .send()
                .await
                .unwrap();
            cookie = r.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_owned();
            let page = plain
                .get(format!("{root}/rdv"))
                .header("cookie", &cookie)
                .send()
                .await
                .unwrap();
            let html = page.text().await.unwrap();
            assert!(html.contains("creneau="), "the slot page lists slots");
            let css = plain
                .get(format!("{root}/rdv/static/rdv.css"))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
                .len();
            let js = plain
                .get(format!("{root}/rdv/static/rdv.js"))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
                .len();
            let each = (0..a.clients)
                .map(|_| (format!("{root}/rdv"), "cookie", cookie.clone()))
                .collect();
            let (l, errors) = hammer(&plain, each, a.seconds).await;
            println!(
                "person's slot page (/rdv, a week of 45-minute slots, {}): {}; weight {} B HTML + {} B CSS + {} B JS = {} B, no other host",
                if one {
                    "a link for 1 coordinator".to_owned()
                } else {
                    format!("any of {} coordinators", a.coordinators)
                },
                summary(&l, a.seconds, errors),
                html.len(),
                css,
                js,
                html.len() + css + js
            );
            result(
                if one { "page_1" } else { "page_20" },
                &l,
                a.seconds,
                errors,
            );
        }
    }

    // The anchor: the cheapest answer this server gives, under the same clients.
    if a.runs("healthz") {
        let each = (0..a.clients)
            .map(|_| {
                (
                    format!("http://127.0.0.1:{port}/healthz"),
                    "accept",
                    "text/plain".to_owned(),
                )
            })
            .collect();
        let (l, errors) = hammer(&http, each, a.seconds).await;
        println!("healthz (anchor): {}", summary(&l, a.seconds, errors));
        result("healthz", &l, a.seconds, errors);
    }

    // The staff console: 20 staff at their desks, each page in turn, signed in with the
    //    admin's session (its cookie is the API session's token). Opening a file is audited:
    //    each read of it writes its audit row, as in real use.
    if a.runs("console") {
        let staff = 20;
        let root = format!("http://127.0.0.1:{port}");
        for i in 0..staff {
            let (st, r) = call(&http, reqwest::Method::POST, format!("{base}/referrals"), Some(t),
                Some(json!({"first_name": format!("Banc{i}"), "last_name": "Console", "consent_to_contact": true,
                    "kind": "family_conflict", "person_role": "victim", "document_type": "none",
                    "channel": "gendarmerie", "unit": "Brigade du banc d'essai"}))).await;
            assert!(st == 201 || st == 200, "{r}");
        }
        let plain = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(staff * 2)
            .build()
            .unwrap();
        let cookie = format!("relais_console={token}");
        let queue = plain
            .get(format!("{root}/console/file"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(queue.status().as_u16(), 200, "the console's queue");
        let queue = queue.text().await.unwrap();
        let file = queue
            .split("href=\"/console/situations/")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("a file in the queue")
            .to_owned();
        for (phase, path) in [
            ("console-queue", "/console/file".to_owned()),
            ("console-file", format!("/console/situations/{file}")),
            ("console-agenda", "/console/agenda?vue=semaine".to_owned()),
            ("console-accounts", "/console/admin/comptes".to_owned()),
            ("console-report", "/console/admin/rapport".to_owned()),
        ] {
            let r = plain
                .get(format!("{root}{path}"))
                .header("cookie", &cookie)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200, "{path}");
            let bytes = r.bytes().await.unwrap().len();
            let each = (0..staff)
                .map(|_| (format!("{root}{path}"), "cookie", cookie.clone()))
                .collect();
            let (l, errors) = hammer(&plain, each, a.seconds).await;
            println!(
                "{phase} ({bytes} B, {staff} staff): {}",
                summary(&l, a.seconds, errors)
            );
            result(phase, &l, a.seconds, errors);
        }
    }

    // 1. Availability: one coordinator over four weeks, the call an agenda screen makes: the
    //    list of slots, then the same slots in runs.
    for (phase, path) in [
        ("availability", "availability"),
        ("runs", "availability/runs"),
    ] {
        if !a.runs(phase) {
            continue;
        }
        let each = (0..a.clients)
            .map(|k| {
                (
                    format!(
                        "{base}/{path}?type_id={type_id}&site_id={site_id}&coordinator_id={}&from={from}&to={to4}",
                        coordinators[k % coordinators.len()]
                    ),
                    "authorization",
                    format!("Bearer {token}"),
                )
            })
            .collect();
        let (_, sample) = call(&http, reqwest::Method::GET, format!("{base}/{path}?type_id={type_id}&site_id={site_id}&coordinator_id={}&from={from}&to={to4}", coordinators[0]), Some(t), None).await;
        let (l, errors) = hammer(&http, each, a.seconds).await;
        println!(
            "{path} (1 coordinator x 4 weeks, {} B): {}",
            sample.to_string().len(),
            summary(&l, a.seconds, errors)
        );
        result(phase, &l, a.seconds, errors);
    }
    if !a.runs("bookings") {
        return;
    }

    // 2. Bookings: free slots of every coordinator, each attempted twice by different clients.
    let mut slots: Vec<(String, String)> = Vec::new();
    let mut start = from;
    while slots.len() < a.bookings {
        let end = start + chrono::Duration::days(30);
        for c in &coordinators {
            let (st, list) = call(&http, reqwest::Method::GET, format!("{base}/availability?type_id={type_id}&site_id={site_id}&coordinator_id={c}&from={start}&to={end}"), Some(t), None).await;
            assert_eq!(st, 200, "{list}");
            for s in list.as_array().unwrap() {
                slots.push((c.clone(), s["start"].as_str().unwrap().to_owned()));
            }
        }
        start = end + chrono::Duration::days(1);
    }
    slots.truncate(a.bookings);
    // Interleave so that the attempts at one slot are in flight at about the same time.
    let attempts: Vec<(String, String)> = slots
        .iter()
        .flat_map(|s| std::iter::repeat_n(s.clone(), a.attempts))
        .collect();
    let queue = Arc::new(attempts);
    let next = Arc::new(AtomicUsize::new(0));
    let (created, conflicts, failed) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let lat = Arc::new(tokio::sync::Mutex::new(Vec::<Duration>::new()));
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..a.clients {
        let (http, queue, next, created, conflicts, failed, lat) = (
            http.clone(),
            queue.clone(),
            next.clone(),
            created.clone(),
            conflicts.clone(),
            failed.clone(),
            lat.clone(),
        );
        let (token, type_id, site_id, person_id, base) = (
            token.clone(),
            type_id.clone(),
            site_id.clone(),
            person_id.clone(),
            base.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((c, s)) = queue.get(i) else { break };
                let t1 = Instant::now();
                let r = http
                    .post(format!("{base}/appointments"))
                    .bearer_auth(&token)
                    .json(&json!({"type_id": type_id, "site_id": site_id, "coordinator_id": c, "person_id": person_id, "start": s}))
                    .send()
                    .await;
                mine.push(t1.elapsed());
                match r.map(|r| r.status().as_u16()) {
                    Ok(201) => created.fetch_add(1, Ordering::Relaxed),
                    Ok(409) => conflicts.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
            }
            lat.lock().await.extend(mine);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = t0.elapsed().as_secs_f64();
    let mut l = lat.lock().await.clone();
    l.sort();
    let made = created.load(Ordering::Relaxed);
    println!(
        "bookings: {} attempts on {} slots in {:.1} s: {} created ({:.0} bookings/s), {} refused with 409, {} other errors; p50 {:.1} ms, p99 {:.1} ms",
        queue.len(),
        slots.len(),
        elapsed,
        made,
        made as f64 / elapsed,
        conflicts.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        pct(&l, 0.5),
        pct(&l, 0.99)
    );
    println!(
        "RESULT bookings rate={:.1} p50={:.2} p99={:.2} created={made} conflicts={} errors={}",
        made as f64 / elapsed,
        pct(&l, 0.5),
        pct(&l, 0.99),
        conflicts.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed)
    );

    // 3. Check: every coordinator's agenda has no overlapping appointments, and the count matches.
    let mut total = 0;
    let mut overlaps = 0;
    for c in &coordinators {
        let mut mine: Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>)> = Vec::new();
        let mut day: NaiveDate = from;
        while day <= start {
            let (_, list) = call(
                &http,
                reqwest::Method::GET,
                format!("{base}/agenda?coordinator_id={c}&from={day}&days=31"),
                Some(t),
                None,
            )
            .await;
            for e in list.as_array().unwrap() {
                let ap = &e["appointment"];
                if ap["status"] == "planned" {
                    let p =
                        |k: &str| DateTime::parse_from_rfc3339(ap[k].as_str().unwrap()).unwrap();
                    mine.push((p("start"), p("end")));
                }
            }
            day += chrono::Duration::days(31);
        }
        mine.sort();
        overlaps += mine.windows(2).filter(|w| w[1].0 < w[0].1).count();
        total += mine.len();
    }
    println!(
        "check: {total} planned appointments found for {made} created, {overlaps} overlapping pairs"
    );
    println!("RESULT check planned={total} created={made} overlaps={overlaps}");
    assert_eq!(total, made, "every created booking is in the agendas");
    assert_eq!(overlaps, 0, "no double booking");
    assert_eq!(made, slots.len(), "each slot booked exactly once");
}
