//! Logins, lockout, second factor, sessions and device tokens.

use relais_tests::{PASSWORD, Server, org, totp_code};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

async fn login(
    s: &Server,
    email: &str,
    password: &str,
    code: Option<String>,
) -> (u16, serde_json::Value) {
    s.post(
        "/api/v1/auth/login",
        None,
        json!({"email": email, "password": password, "totp_code": code}),
    )
    .await
}

#[tokio::test]
async fn five_failures_lock_the_account_and_errors_never_say_whether_it_exists() {
    let s = Server::start().await;
    let a = org(&s, "Lockout").await;
    let email = a.coordinator.email.clone();
    let (st_unknown, unknown) = login(&s, "nobody@example.org", "wrong password here", None).await;
    let (st_wrong, wrong) = login(&s, &email, "wrong password here", None).await;
    assert_eq!((st_unknown, st_wrong), (401, 401));
    assert_eq!(
        unknown, wrong,
        "same answer for an unknown account and a wrong password"
    );
    for _ in 0..4 {
        let (st, _) = login(&s, &email, "wrong password here", None).await;
        assert_eq!(st, 401);
    }
    // Locked: even the right password and code are refused, with the same answer.
    let (st, locked) = login(
        &s,
        &email,
        PASSWORD,
        Some(totp_code(&a.coordinator.totp_secret, 1)),
    )
    .await;
    assert_eq!(st, 401);
    assert_eq!(locked, wrong);
    use relais_server::store::entities::account;
    let acc = account::Entity::find()
        .filter(account::Column::Email.eq(email.clone()))
        .one(s.state.db())
        .await
        .unwrap()
        .unwrap();
    let until = acc.locked_until.expect("locked");
    let minutes = (until - chrono::Utc::now()).num_minutes();
    assert!(
        (14..=15).contains(&minutes),
        "locked for 15 minutes, got {minutes}"
    );
    // The lock ends after its time: simulate it by moving the lock into the past.
    account::Entity::update_many()
        .col_expr(
            account::Column::LockedUntil,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(account::Column::Id.eq(acc.id))
        .exec(s.state.db())
        .await
        .unwrap();
    let (st, body) = login(
        &s,
        &email,
        PASSWORD,
        Some(totp_code(&a.coordinator.totp_secret, 1)),
    )
    .await;
    assert_eq!(st, 200, "{body}");
    // Audit: failed logins and the lock are recorded, without the password.
    let (_, audit) = s.get("/api/v1/audit?limit=200", &a.admin.token).await;
    let actions: Vec<(&str, &str)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap(),
                r["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        actions
            .iter()
            .filter(|(a, o)| *a == "login_failed" && *o == "failed")
            .count()
            >= 5,
        "{actions:?}"
    );
    assert!(actions.contains(&("login_failed", "locked")), "{actions:?}");
    assert!(!audit.to_string().contains("wrong password"));
    s.stop().await;
}

#[tokio::test]
async fn per_address_throttling_on_top_of_the_account_lockout() {
    let s = Server::start_with(|c| c.ip_failures_per_window = 3).await;
    for i in 0..3 {
        let (st, _) = login(
            &s,
            &format!("ghost{i}@example.org"),
            "not the password",
            None,
        )
        .await;
        assert_eq!(st, 401);
    }
    let (st, body) = login(&s, "ghost9@example.org", "not the password", None).await;
    assert_eq!(st, 429, "{body}");
    s.stop().await;
}

#[tokio::test]
async fn second_factor_codes_are_single_use_and_recovery_codes_work_once() {
    let s = Server::start().await;
    let a = org(&s, "TOTP").await;
    let email = &a.coordinator.email;
    let (st, body) = login(&s, email, PASSWORD, None).await;
    assert_eq!(st, 401);
    assert_eq!(body["errors"][0]["field"], "totp_code");
    let code = totp_code(&a.coordinator.totp_secret, 1);
    let (st, _) = login(&s, email, PASSWORD, Some(code.clone())).await;
    assert_eq!(st, 200);
    let (st, _) = login(&s, email, PASSWORD, Some(code)).await;
    assert_eq!(st, 401, "a code is refused the second time");
    let rc = a.coordinator.recovery_codes[2].clone();
    let body = json!({"email": email, "password": PASSWORD, "recovery_code": rc});
    let (st, _) = s.post("/api/v1/auth/login", None, body.clone()).await;
    assert_eq!(st, 200);
    let (st, _) = s.post("/api/v1/auth/login", None, body).await;
    assert_eq!(st, 401, "a recovery code works once");
    // Enrolling again is refused.
    let (st, _) = s
        .post(
            "/api/v1/auth/totp/enrol",
            Some(&a.coordinator.token),
            json!({}),
        )
        .await;
    assert_eq!(st, 409);
    s.stop().await;
}

#[tokio::test]
async fn idle_web_sessions_end() {
    let s = Server::start().await;
    let a = org(&s, "Idle").await;
    use relais_server::store::entities::session;
    session::Entity::update_many()
        .col_expr(
            session::Column::IdleExpiresAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(
            session::Column::TokenHash.eq(relais_server::crypto::token_hash(&a.coordinator.token)),
        )
        .exec(s.state.db())
        .await
        .unwrap();
    let (st, _) = s.get("/api/v1/me", &a.coordinator.token).await;
    assert_eq!(st, 401);
    s.stop().await;
}

#[tokio::test]
async fn device_tokens_rotate_and_are_revocable_and_disabling_an_account_ends_everything() {
    let s = Server::start().await;
    let a = org(&s, "Devices").await;
    let c = &a.coordinator;
    let (st, g) = s
        .post("/api/v1/auth/device", None, json!({"email": c.email, "password": PASSWORD, "totp_code": totp_code(&c.totp_secret, 1), "device_name": "Pixel de test"}))
        .await;
    assert_eq!(st, 200, "{g}");
    let access = g["access_token"].as_str().unwrap().to_owned();
    let refresh = g["refresh_token"].as_str().unwrap().to_owned();
    let refresh_days =
        (chrono::DateTime::parse_from_rfc3339(g["refresh_expires_at"].as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc)
            - chrono::Utc::now())
        .num_hours();
    assert!(
        (167..=168).contains(&refresh_days),
        "7-day refresh token, got {refresh_days} h"
    );
    let (st, _) = s.get("/api/v1/me", &access).await;
    assert_eq!(st, 200);

    // Refresh rotates: the new pair works, the old refresh and old access tokens do not.
    let (st, g2) = s
        .post(
            "/api/v1/auth/device/refresh",
            None,
            json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(st, 200, "{g2}");
    let (st, _) = s
        .post(
            "/api/v1/auth/device/refresh",
            None,
            json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(st, 401, "an old refresh token is dead");
    let (st, _) = s.get("/api/v1/me", &access).await;
    assert_eq!(st, 401, "the previous access token ended");
    // Issue 10 §5: the rotated token came back, so someone holds a copy: the whole family
    // (the newer tokens too) is revoked.
    let (st, _) = s
        .get("/api/v1/me", g2["access_token"].as_str().unwrap())
        .await;
    assert_eq!(
        st, 401,
        "reuse of a rotated refresh token revokes the newer access token"
    );
    let (st, _) = s
        .post(
            "/api/v1/auth/device/refresh",
            None,
            json!({"refresh_token": g2["refresh_token"]}),
        )
        .await;
    assert_eq!(st, 401, "…and the newer refresh token");
    let (st, g2) = s
        .post("/api/v1/auth/device", None, json!({"email": c.email, "password": PASSWORD, "recovery_code": c.recovery_codes[1], "device_name": "Pixel de test"}))
        .await;
    assert_eq!(st, 200, "{g2}");
    let device_id = g2["device_id"].as_str().unwrap().to_owned();
    let access2 = g2["access_token"].as_str().unwrap().to_owned();
    let (st, _) = s.get("/api/v1/me", &access2).await;
    assert_eq!(st, 200);

    // Another coordinator cannot revoke this device; its owner can.
    let (st, _) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/devices/{device_id}"),
            Some(&a.referrer.token),
            None,
        )
        .await;
    assert_eq!(st, 404);
    let (st, _) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/devices/{device_id}"),
            Some(&c.token),
            None,
        )
        .await;
    assert_eq!(st, 204);
    let (st, _) = s.get("/api/v1/me", &access2).await;
    assert_eq!(st, 401);
    let (st, _) = s
        .post(
            "/api/v1/auth/device/refresh",
            None,
            json!({"refresh_token": g2["refresh_token"]}),
        )
        .await;
    assert_eq!(st, 401);

    // A second device, then the admin disables the account: web and device sessions end.
    let (st, g3) = s
        .post("/api/v1/auth/device", None, json!({"email": c.email, "password": PASSWORD, "recovery_code": c.recovery_codes[0], "device_name": "Autre"}))
        .await;
    assert_eq!(st, 200, "{g3}");
    let (st, _) = s
        .call(
            Method::PATCH,
            &format!("/api/v1/accounts/{}", c.account_id),
            Some(&a.admin.token),
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(st, 200);
    let (st, _) = s.get("/api/v1/me", &c.token).await;
    assert_eq!(st, 401, "web session ended");
    let (st, _) = s
        .get("/api/v1/me", g3["access_token"].as_str().unwrap())
        .await;
    assert_eq!(st, 401, "device access ended");
    let (st, _) = s
        .post(
            "/api/v1/auth/device/refresh",
            None,
            json!({"refresh_token": g3["refresh_token"]}),
        )
        .await;
    assert_eq!(st, 401, "device refresh ended");
    let (st, _) = login(&s, &c.email, PASSWORD, Some(totp_code(&c.totp_secret, 1))).await;
    assert_eq!(st, 401, "a disabled account cannot log in");
    // An admin cannot lock themself out.
    let (st, body) = s
        .call(
            Method::PATCH,
            &format!("/api/v1/accounts/{}", a.admin.account_id),
            Some(&a.admin.token),
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(st, 409, "{body}");
    s.stop().await;
}

#[tokio::test]
async fn passwords_follow_the_policy() {
    let s = Server::start().await;
    let a = org(&s, "Passwords").await;
    for (pw, code) in [
        ("short", "too_short"),
        ("azertyuiop12", "common_password"),
        ("aaaaaaaaaaaaaaaa", "common_password"),
    ] {
        let (st, body) = s
            .post("/api/v1/accounts", Some(&a.admin.token), json!({"email": "pw@example.org", "display_name": "P", "role": "referrer", "password": pw}))
            .await;
        assert_eq!(st, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "password");
        assert_eq!(body["errors"][0]["code"], code);
    }
    s.stop().await;
}

#[tokio::test]
async fn guessing_the_enrolment_code_locks_the_account() {
    let s = Server::start().await;
    let a = org(&s, "Guess").await;
    let (st, _) = s
        .post("/api/v1/accounts", Some(&a.admin.token), json!({"email": "new@example.org", "display_name": "N", "role": "coordinator", "password": PASSWORD}))
        .await;
    assert_eq!(st, 201);
    let (_, g) = login(&s, "new@example.org", PASSWORD, None).await;
    let t = g["token"].as_str().unwrap().to_owned();
    let (_, e) = s.post("/api/v1/auth/totp/enrol", Some(&t), json!({})).await;
    let secret = data_encoding::BASE32_NOPAD
        .decode(e["secret"].as_str().unwrap().as_bytes())
        .unwrap();
    let right = totp_code(&secret, 0);
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
    for _ in 0..5 {
        let (st, body) = s
            .post(
                "/api/v1/auth/totp/confirm",
                Some(&t),
                json!({"code": wrong}),
            )
            .await;
        assert_eq!(st, 422, "{body}");
    }
    let (st, body) = s
        .post(
            "/api/v1/auth/totp/confirm",
            Some(&t),
            json!({"code": right}),
        )
        .await;
    assert_eq!(st, 429, "{body}");
    s.stop().await;
}

// Issue 24 §7: the JSON API's answers with personal data or tokens are kept by no cache
// (a shared machine's browser, a proxy); answers that say how to cache keep their word.
#[tokio::test]
async fn api_answers_with_files_or_tokens_are_not_stored() {
    let s = Server::start().await;
    let a = org(&s, "Sans cache").await;
    let get = |path: String, token: Option<String>| {
        let r = s.http.get(format!("{}{path}", s.base));
        let r = match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        };
        async move {
            let res = r.send().await.unwrap();
            let cc = res
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            (res.status().as_u16(), cc)
        }
    };
    let token = Some(a.coordinator.token.clone());
    for path in [
        format!("/api/v1/persons/{}", a.person_id),
        "/api/v1/persons".to_owned(),
        "/api/v1/me".to_owned(),
        format!("/api/v1/appointments/{}", a.appointment_id),
        "/api/v1/queue".to_owned(),
    ] {
        let (st, cc) = get(path.clone(), token.clone()).await;
        assert_eq!((st, cc.as_deref()), (200, Some("no-store")), "{path}");
    }
    // A refusal too: it may name the record asked for.
    let (st, cc) = get(format!("/api/v1/persons/{}", a.person_id), None).await;
    assert_eq!((st, cc.as_deref()), (401, Some("no-store")));
    // The session token's answer.
    let r = s
        .http
        .post(format!("{}/api/v1/auth/login", s.base))
        .json(&json!({"email": "personne@example.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    s.stop().await;
}
