//! The `relais` binary as an operator runs it: configuration errors, first start, logs free
//! of personal data even at trace level, and graceful shutdown.

#![allow(clippy::unwrap_used)]

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_relais");
const PASSWORD: &str = "une phrase de passe assez longue";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `relais create-admin` (which creates the database and its key), the password from the
/// environment; fails the test on a failure.
fn create_admin(mut cmd: Command, organisation: &str, email: &str) {
    let out = cmd
        .args([
            "create-admin",
            "--organisation",
            organisation,
            "--email",
            email,
            "--name",
            "Cheffe",
        ])
        .env("RELAIS_ADMIN_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn configuration_errors_name_the_setting() {
    for (var, value, needle) in [
        ("RELAIS_LISTEN", "localhost", "RELAIS_LISTEN"),
        ("RELAIS_ARGON2_MEMORY_KIB", "1000", "argon2_memory_kib"),
        ("DATABASE_URL", "mysql://x", "database_url"),
        ("RELAIS_DATA_KEY", "short", "data_key"),
    ] {
        let out = Command::new(BIN)
            .arg("serve")
            .env(var, value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{var}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{var}={value}: {err}");
    }
}

async fn post(c: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut r = c.post(url).json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let res = r.send().await.unwrap();
    let st = res.status().as_u16();
    (st, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn first_start_creates_a_private_key_logs_nothing_personal_and_stops_gracefully() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = std::env::temp_dir().join(format!("relais-bin-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let env = |c: &mut Command| {
        c.env(
            "DATABASE_URL",
            format!("sqlite://{}/relais.sqlite?mode=rwc", dir.display()),
        )
        .env("RELAIS_LISTEN", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "trace")
        .env_remove("RELAIS_DATA_KEY")
        .env_remove("RELAIS_DATA_KEY_FILE");
    };
    let mut admin = Command::new(BIN);
    env(&mut admin);
    create_admin(admin, "CCAS de Test", "chef@ccas-test.fr");
    let key = dir.join("relais.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
        // Issue 10 §15: the database file too.
        assert_eq!(
            std::fs::metadata(dir.join("relais.sqlite"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }

    let mut serve = Command::new(BIN);
    env(&mut serve);
    let log_path = dir.join("server.log");
    let child = serve
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let c = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if c.get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        up,
        "server did not become ready: {}",
        std::fs::read_to_string(&log_path).unwrap()
    );

    let (st, g) = post(
        &c,
        format!("{base}/api/v1/auth/login"),
        None,
        json!({"email": "chef@ccas-test.fr", "password": PASSWORD}),
    )
    .await;
    assert_eq!(st, 200, "{g}");
    let token = g["token"].as_str().unwrap().to_owned();
    let (_, e) = post(
        &c,
        format!("{base}/api/v1/auth/totp/enrol"),
        Some(&token),
        json!({}),
    )
    .await;
    let secret = data_encoding::BASE32_NOPAD
        .decode(e["secret"].as_str().unwrap().as_bytes())
        .unwrap();
    let step = relais_server::auth::totp::step_of(relais_server::clock::wall().timestamp());
    let code = format!(
        "{:06}",
        relais_server::auth::totp::hotp(&secret, step as u64, 6)
    );
    let (st, _) = post(
        &c,
        format!("{base}/api/v1/auth/totp/confirm"),
        Some(&token),
        json!({"code": code}),
    )
    .await;
    assert_eq!(st, 200);
    let person = json!({"first_name": "Gwendoline", "last_name": "Kerhervé", "phone": "06 55 44 33 22", "email": "gwen.k@example.net",
                        "address": "3 allée des Glycines", "notes": "Signalement CONFIDENTIEL"});
    let (st, p) = post(&c, format!("{base}/api/v1/persons"), Some(&token), person).await;
    assert_eq!(st, 201, "{p}");
    let id = p["id"].as_str().unwrap();
    let r = c
        .get(format!("{base}/api/v1/persons/{id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = c
        .get(format!(
            "{base}/api/v1/persons?name=Kerherve&phone=0655443322"
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A bad request echoing personal data must not log it either.
    let (st, _) = post(
        &c,
        format!("{base}/api/v1/persons"),
        Some(&token),
        json!({"first_name": "Gwendoline", "last_name": 5}),
    )
    .await;
    assert_eq!(st, 422);

    // Graceful shutdown: a login in flight when SIGTERM arrives completes. SIGTERM is sent
    // once the server's trace log shows the request started (the default Argon2 parameters
    // then keep it busy verifying), not after a fixed head start that a loaded machine
    // could overrun.
    let logins_started = || {
        std::fs::read_to_string(&log_path)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("started processing request") && l.contains("/auth/login"))
            .count()
    };
    let before = logins_started();
    let in_flight = {
        let c = c.clone();
        let url = format!("{base}/api/v1/auth/login");
        tokio::spawn(async move {
            let t0 = std::time::Instant::now();
            let r = c
                .post(url)
                .json(&json!({"email": "chef@ccas-test.fr", "password": "wrong but long enough"}))
                .send()
                .await;
            (r.map(|r| r.status().as_u16()), t0.elapsed())
        })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while logins_started() == before {
        assert!(
            std::time::Instant::now() < deadline,
            "the login never reached the server"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let (status, took) = in_flight.await.unwrap();
    assert_eq!(
        status.ok(),
        Some(401),
        "the request in flight at SIGTERM completed ({took:?})"
    );
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "exit status {:?}", out.status);

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("stopped: in-flight requests finished"),
        "{log}"
    );
    assert!(log.len() > 1000, "trace logging was on");
    for needle in [
        "Gwendoline",
        "Kerherv",
        "55443322",
        "55 44 33",
        "gwen.k",
        "Glycines",
        "CONFIDENTIEL",
        "chef@ccas-test.fr",
        PASSWORD,
    ] {
        assert!(
            !log.contains(needle),
            "`{needle}` appears in the server log"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

// Issue 10 §16: `relais demo` listens where RELAIS_LISTEN says (the flag, when given, wins).
#[tokio::test]
async fn the_demo_listens_where_relais_listen_says() {
    let dir = std::env::temp_dir().join(format!("relais-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let port = free_port();
    let mut child = Command::new(BIN)
        .args(["demo", "--data-dir"])
        .arg(&dir)
        .env("RELAIS_LISTEN", format!("127.0.0.1:{port}"))
        .env("RELAIS_ARGON2_MEMORY_KIB", "19456")
        .env("RELAIS_ARGON2_ITERATIONS", "2")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let c = reqwest::Client::new();
    let mut up = false;
    for _ in 0..300 {
        if c.get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(up, "the demo did not answer on RELAIS_LISTEN's port");
}

// `relais retention` from the command line, as the operator's cron or a person at a terminal
// runs it: the dry run lists the file and changes nothing, the run anonymises it, and neither
// prints or logs a name. The file is planted with the server's clock moved 800 days back.
#[tokio::test]
async fn retention_from_the_command_line_lists_then_anonymises_and_prints_no_name() {
    use relais_server::store::entities::{account, organisation, person};
    use sea_orm::EntityTrait;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = std::env::temp_dir().join(format!("relais-retention-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/relais.sqlite?mode=rwc", dir.display());
    let env = |c: &mut Command| {
        c.env("DATABASE_URL", &url)
            .env("RUST_LOG", "debug")
            .env_remove("RELAIS_DATA_KEY")
            .env_remove("RELAIS_DATA_KEY_FILE");
    };
    let mut admin = Command::new(BIN);
    env(&mut admin);
    create_admin(admin, "CCAS de Conservation", "chef@ccas-conservation.fr");

    let config =
        relais_server::config::Config::load(None, |k| (k == "DATABASE_URL").then(|| url.clone()))
            .unwrap();
    let state = relais_server::state::AppState::start(config).await.unwrap();
    let db = state.db();
    let org = organisation::Entity::find()
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let by = account::Entity::find().one(db).await.unwrap().unwrap().id;
    state.clock().advance(chrono::Duration::days(-800));
    let p = relais_server::casework::persons::insert_person(
        db,
        state.cipher(),
        org,
        by,
        relais_domain::dto::PersonInput {
            first_name: "Gwendoline".into(),
            last_name: "Kerhervé".into(),
            birth_year: Some(1984),
            sex: None,
            phone: Some("06 55 44 33 22".into()),
            email: None,
            address: None,
            commune: None,
            safe_contact: Default::default(),
            notes: None,
        },
        state.now(),
    )
    .await
    .unwrap();
    let anonymised = || async {
        person::Entity::find_by_id(p.id)
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .anonymised_at
            .is_some()
    };
    let retention = |args: &[&str]| {
        let mut c = Command::new(BIN);
        env(&mut c);
        let out = c.arg("retention").args(args).output().unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        );
        assert!(out.status.success(), "{stderr}");
        for needle in ["Gwendoline", "Kerherv", "55 44 33"] {
            assert!(
                !stdout.contains(needle) && !stderr.contains(needle),
                "`{needle}` printed"
            );
        }
        let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
        assert_eq!(v.as_array().map(Vec::len), Some(1), "one organisation: {v}");
        v[0]["run"].clone()
    };

    let dry = retention(&["--dry-run"]);
    assert_eq!(dry["dry_run"], true, "{dry}");
    assert_eq!(dry["anonymised"], 0, "{dry}");
    let items = dry["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{dry}");
    assert_eq!(items[0]["person_id"], p.id.to_string());
    assert_eq!(items[0]["rule"], "inactive_two_years");
    assert!(!anonymised().await, "a dry run changes nothing");

    let run = retention(&[]);
    assert_eq!(run["anonymised"], 1, "{run}");
    assert!(anonymised().await);
    let again = retention(&[]);
    assert_eq!(again["anonymised"], 0, "nothing left to do: {again}");
    drop(state);
    let _ = std::fs::remove_dir_all(&dir);
}
