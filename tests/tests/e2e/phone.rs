//! The phone core's client against a live server: device login, profile, sites, refresh
//! on expiry, resume from a stored refresh token, logout, and errors mapped for the apps.

use relais_mobile_core::client::{Client, ClientError};
use relais_tests::{PASSWORD, Server, org, totp_code};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

#[tokio::test]
async fn the_phone_core_logs_in_fetches_its_profile_refreshes_and_logs_out() {
    let s = Server::start().await;
    let a = org(&s, "Téléphone").await;
    let c = &a.coordinator;
    let client = Client::new(&s.base).unwrap();
    assert!(matches!(
        client.profile().await,
        Err(ClientError::SessionEnded)
    ));
    assert!(matches!(
        client
            .login_device(
                &c.email,
                "not the password!",
                Some(totp_code(&c.totp_secret, 1)),
                None,
                "JVM"
            )
            .await,
        Err(ClientError::InvalidCredentials)
    ));
    assert!(matches!(
        client
            .login_device(&c.email, PASSWORD, None, None, "JVM")
            .await,
        Err(ClientError::SecondFactorRequired)
    ));
    assert!(matches!(
        client.login_device(&c.email, PASSWORD, Some(totp_code(&c.totp_secret, 1)), None, "").await,
        Err(ClientError::InvalidInput { field, .. }) if field == "device_name"
    ));
    let grant = client
        .login_device(
            &c.email,
            PASSWORD,
            Some(totp_code(&c.totp_secret, 1)),
            None,
            "Pixel",
        )
        .await
        .unwrap();
    let p = client.profile().await.unwrap();
    assert_eq!(p.email, c.email);
    assert_eq!(
        p.sites.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![a.site_id]
    );
    let sites = client.sites().await.unwrap();
    assert_eq!(sites.len(), 1);

    // An expired access token is refreshed transparently.
    use relais_server::store::entities::session;
    session::Entity::update_many()
        .col_expr(
            session::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(session::Column::DeviceId.eq(grant.device_id))
        .exec(s.state.db())
        .await
        .unwrap();
    assert_eq!(client.profile().await.unwrap().email, c.email);

    // A second client resumes from the stored refresh token (after a rotation, the newest).
    let rotated = client.refresh().await.unwrap();
    let resumed = Client::new(&s.base).unwrap();
    resumed.resume(rotated.device_id, &rotated.refresh_token);
    assert_eq!(resumed.profile().await.unwrap().email, c.email);
    // The first client's refresh token was rotated away by the resume: its next refresh ends it.
    assert!(matches!(
        client.refresh().await,
        Err(ClientError::SessionEnded)
    ));
    assert!(!client.is_logged_in());

    // That was a rotated token coming back: the whole family is revoked, the resumed
    // client's newer tokens too (issue 10 §5).
    assert!(matches!(
        resumed.profile().await,
        Err(ClientError::SessionEnded)
    ));

    let fresh = Client::new(&s.base).unwrap();
    let g = fresh
        .login_device(
            &c.email,
            PASSWORD,
            None,
            Some(c.recovery_codes[0].clone()),
            "Pixel",
        )
        .await
        .unwrap();
    assert!(fresh.profile().await.is_ok());
    fresh.logout().await.unwrap();
    let again = Client::new(&s.base).unwrap();
    again.resume(g.device_id, &g.refresh_token);
    assert!(
        matches!(again.profile().await, Err(ClientError::SessionEnded)),
        "a logged-out device cannot resume"
    );

    // A referrer may log in on a phone but gets nothing beyond its profile and sites.
    let r = Client::new(&s.base).unwrap();
    r.login_device(
        &a.referrer.email,
        PASSWORD,
        Some(totp_code(&a.referrer.totp_secret, 1)),
        None,
        "PC brigade",
    )
    .await
    .unwrap();
    assert!(r.profile().await.is_ok());

    // Unreachable server.
    let dead = Client::new("http://127.0.0.1:9").unwrap();
    assert!(matches!(
        dead.login_device("a@b.fr", "x", None, None, "d").await,
        Err(ClientError::Unreachable(_))
    ));
    s.stop().await;
}
