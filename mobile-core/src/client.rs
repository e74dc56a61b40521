//! A client of the Relais server for one device: device login, token refresh, and the
//! account's profile and sites. Tokens stay in memory; the host app persists the refresh
//! token in the platform keystore and hands it back through `resume`.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use relais_domain::dto::{DeviceGrant, DeviceLoginRequest, Page, Profile, RefreshRequest, Site};
use relais_domain::problem::ProblemCode;
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use url::Url;
use uuid::Uuid;

/// Everything that can go wrong, in detail; `ffi::RelaisError` is the small public view.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid server address: {0}")]
    ServerUrl(String),
    #[error("server unreachable: {0}")]
    Unreachable(String),
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("second factor required")]
    SecondFactorRequired,
    #[error("not logged in, or the device session has ended")]
    SessionEnded,
    #[error("forbidden")]
    Forbidden,
    #[error("too many attempts")]
    TooManyAttempts,
    #[error("invalid {field}: {message}")]
    InvalidInput { field: String, message: String },
    #[error("server answered {status}: {message}")]
    Server { status: u16, message: String },
}

#[derive(Debug, Deserialize)]
struct Problem {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    errors: Vec<relais_domain::FieldError>,
}

impl Problem {
    /// The shared problem code; `None` for a code this build does not know.
    fn code(&self) -> Option<ProblemCode> {
        ProblemCode::from_type_uri(&self.kind)
    }
}

#[derive(Debug, Clone)]
struct Tokens {
    device_id: Uuid,
    access: String,
    access_expires_at: DateTime<Utc>,
    refresh: String,
}

/// Told of every new grant (login and each refresh), so the host keeps the newest refresh
/// token: a rotated token presented again revokes the device.
pub type GrantListener = std::sync::Arc<dyn Fn(&DeviceGrant) + Send + Sync>;

pub struct Client {
    base: Url,
    http: reqwest::Client,
    tokens: Mutex<Option<Tokens>>,
    on_grant: Mutex<Option<GrantListener>>,
}

/// Plain HTTP is accepted only for this machine and the Android emulator's host alias:
/// anything else would send offence data in clear.
fn check_base(url: &str) -> Result<Url, ClientError> {
    let mut u = Url::parse(url.trim()).map_err(|e| ClientError::ServerUrl(e.to_string()))?;
    let host = u.host_str().unwrap_or("").to_owned();
    let local = matches!(
        host.as_str(),
        "localhost" | "127.0.0.1" | "[::1]" | "::1" | "10.0.2.2"
    );
    match u.scheme() {
        "https" => {}
        "http" if local => {}
        "http" => {
            return Err(ClientError::ServerUrl(
                "https is required outside this machine".into(),
            ));
        }
        s => return Err(ClientError::ServerUrl(format!("unsupported scheme {s}"))),
    }
    if !u.path().ends_with('/') {
        let p = format!("{}/", u.path());
        u.set_path(&p);
    }
    Ok(u)
}

impl Client {
    pub fn new(server_url: &str) -> Result<Client, ClientError> {
        let base = check_base(server_url)?;
        // rustls with ring: aws-lc does not cross-compile for every phone target.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("relais-mobile-core/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        Ok(Client {
            base,
            http,
            tokens: Mutex::new(None),
            on_grant: Mutex::new(None),
        })
    }

    fn url(&self, path: &str) -> Result<Url, ClientError> {
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|e| ClientError::ServerUrl(e.to_string()))
    }

    fn tokens(&self) -> Option<Tokens> {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set_tokens(&self, t: Option<Tokens>) {
        *self.tokens.lock().unwrap_or_else(|e| e.into_inner()) = t;
    }

    fn store_grant(&self, g: &DeviceGrant) {
        self.set_tokens(Some(Tokens {
            device_id: g.device_id,
            access: g.access_token.clone(),
            access_expires_at: g.access_expires_at,
            refresh: g.refresh_token.clone(),
        }));
        let listener = self
            .on_grant
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(l) = listener {
            l(g);
        }
    }

    /// Be told of every new grant (see `GrantListener`).
    pub fn on_grant(&self, l: GrantListener) {
        *self.on_grant.lock().unwrap_or_else(|e| e.into_inner()) = Some(l);
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&impl serde::Serialize>,
    ) -> Result<T, ClientError> {
        let mut r = self.http.request(method, self.url(path)?);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(b) = body {
            r = r.json(b);
        }
        let res = r
            .send()
            .await
            .map_err(|e| ClientError::Unreachable(without_url(&e)))?;
        let status = res.status();
        let bytes = res
            .bytes()
            .await
            .map_err(|e| ClientError::Unreachable(without_url(&e)))?;
        if status.is_success() {
            let text: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
            return serde_json::from_slice(text).map_err(|e| ClientError::Server {
                status: status.as_u16(),
                message: format!("unexpected answer: {e}"),
            });
        }
        let problem: Option<Problem> = serde_json::from_slice(&bytes).ok();
        Err(map_problem(status, problem))
    }

    /// Log this device in. Returns the grant so the host app can keep the refresh token in
    /// the platform keystore.
    pub async fn login_device(
        &self,
        email: &str,
        password: &str,
        totp_code: Option<String>,
        recovery_code: Option<String>,
        device_name: &str,
    ) -> Result<DeviceGrant, ClientError> {
        let req = DeviceLoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
            totp_code,
            recovery_code,
            device_name: device_name.to_owned(),
        };
        let g: DeviceGrant = self
            .send(Method::POST, "api/v1/auth/device", None, Some(&req))
            .await?;
        self.store_grant(&g);
        Ok(g)
    }

    /// Resume a device session from a stored refresh token (the access token is fetched on
    /// the first call).
    pub fn resume(&self, device_id: Uuid, refresh_token: &str) {
        self.set_tokens(Some(Tokens {
            device_id,
            access: String::new(),
            access_expires_at: DateTime::<Utc>::MIN_UTC,
            refresh: refresh_token.to_owned(),
        }));
    }

    /// Resume with the access token too, while it lasts: a restart does not rotate the
    /// refresh token (each rotation is a moment where a killed app could lose the newest).
    pub fn resume_with_access(
        &self,
        device_id: Uuid,
        refresh_token: &str,
        access_token: &str,
        access_expires_at: DateTime<Utc>,
    ) {
        self.set_tokens(Some(Tokens {
            device_id,
            access: access_token.to_owned(),
            access_expires_at,
            refresh: refresh_token.to_owned(),
        }));
    }

    /// Exchange the refresh token for a new pair (the old refresh token stops working).
    pub async fn refresh(&self) -> Result<DeviceGrant, ClientError> {
        let t = self.tokens().ok_or(ClientError::SessionEnded)?;
        let g: Result<DeviceGrant, _> = self
            .send(
                Method::POST,
                "api/v1/auth/device/refresh",
                None,
                Some(&RefreshRequest {
                    refresh_token: t.refresh,
                }),
            )
            .await;
        match g {
            Ok(g) => {
                self.store_grant(&g);
                Ok(g)
            }
            Err(ClientError::SessionEnded | ClientError::InvalidCredentials) => {
                self.set_tokens(None);
                Err(ClientError::SessionEnded)
            }
            Err(e) => Err(e),
        }
    }

    /// An authenticated GET: refreshes an expired access token first, and once more on a 401.
    async fn authed_get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.authed(Method::GET, path, None::<&()>).await
    }

    /// An authenticated call: refreshes an expired access token first, and once more on a 401.
    async fn authed<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl serde::Serialize>,
    ) -> Result<T, ClientError> {
        let t = self.tokens().ok_or(ClientError::SessionEnded)?;
        let access = if t.access_expires_at <= Utc::now() + chrono::Duration::seconds(30) {
            self.refresh().await?.access_token
        } else {
            t.access
        };
        match self
            .send::<T>(method.clone(), path, Some(&access), body)
            .await
        {
            Err(ClientError::SessionEnded) => {
                let g = self.refresh().await?;
                self.send(method, path, Some(&g.access_token), body).await
            }
            other => other,
        }
    }

    /// A page of the device's change feed.
    pub async fn pull(
        &self,
        since: Option<&str>,
        limit: u32,
    ) -> Result<relais_domain::dto::SyncPage, ClientError> {
        let path = match since {
            Some(c) => format!("api/v1/sync/changes?limit={limit}&since={c}"),
            None => format!("api/v1/sync/changes?limit={limit}"),
        };
        self.authed_get(&path).await
    }

    /// Send intents; one answer each.
    pub async fn push(
        &self,
        req: &relais_domain::dto::PushRequest,
    ) -> Result<relais_domain::dto::PushResponse, ClientError> {
        self.authed(Method::POST, "api/v1/sync/intents", Some(req))
            .await
    }

    /// The device this client is signed in as.
    pub fn device_id(&self) -> Option<Uuid> {
        self.tokens().map(|t| t.device_id)
    }

    pub async fn profile(&self) -> Result<Profile, ClientError> {
        self.authed_get("api/v1/me").await
    }

    /// Every site of the organisation visible to this account, all pages.
    pub async fn sites(&self) -> Result<Vec<Site>, ClientError> {
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let path = match &after {
                Some(a) => format!("api/v1/sites?limit=200&after={a}"),
                None => "api/v1/sites?limit=200".to_owned(),
            };
            let page: Page<Site> = self.authed_get(&path).await?;
            all.extend(page.items);
            match page.next_cursor {
                Some(c) => after = Some(c),
                None => return Ok(all),
            }
        }
    }

    /// Revoke this device on the server and forget its tokens.
    pub async fn logout(&self) -> Result<(), ClientError> {
        let Some(t) = self.tokens() else {
            return Ok(());
        };
        let access = if t.access_expires_at <= Utc::now() {
            self.refresh().await?.access_token
        } else {
            t.access
        };
        let r: Result<serde_json::Value, _> = self
            .send(
                Method::DELETE,
                &format!("api/v1/devices/{}", t.device_id),
                Some(&access),
                None::<&()>,
            )
            .await;
        self.set_tokens(None);
        r.map(|_| ())
    }

    pub fn is_logged_in(&self) -> bool {
        self.tokens().is_some()
    }
}

/// reqwest's messages include the URL; keep them short and free of query strings.
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "network error"
    };
    kind.to_owned()
}

fn map_problem(status: StatusCode, p: Option<Problem>) -> ClientError {
    let code = p.as_ref().and_then(Problem::code);
    match (status.as_u16(), code) {
        (_, Some(ProblemCode::SecondFactorNeeded | ProblemCode::SecondFactorRequired)) => {
            ClientError::SecondFactorRequired
        }
        (_, Some(ProblemCode::InvalidCredentials)) => ClientError::InvalidCredentials,
        (401, _) => ClientError::SessionEnded,
        (403, _) => ClientError::Forbidden,
        (429, _) => ClientError::TooManyAttempts,
        (400..=499, _) => match p.and_then(|p| p.errors.into_iter().next()) {
            Some(f) => ClientError::InvalidInput {
                field: f.field,
                message: f.message,
            },
            None => ClientError::Server {
                status: status.as_u16(),
                message: code.map(|c| c.as_str().to_owned()).unwrap_or_default(),
            },
        },
        (s, _) => ClientError::Server {
            status: s,
            message: p.map(|p| p.title).unwrap_or_default(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_address_rules() {
        assert!(check_base("https://relais.example.fr").is_ok());
        assert!(check_base("http://127.0.0.1:8080").is_ok());
        assert!(check_base("http://10.0.2.2:8080").is_ok());
        assert!(matches!(
            check_base("http://relais.example.fr"),
            Err(ClientError::ServerUrl(_))
        ));
        assert!(matches!(
            check_base("ftp://x"),
            Err(ClientError::ServerUrl(_))
        ));
        assert!(matches!(
            check_base("not a url"),
            Err(ClientError::ServerUrl(_))
        ));
        assert_eq!(
            check_base("https://x.fr/relais")
                .unwrap()
                .join("api/v1/me")
                .unwrap()
                .as_str(),
            "https://x.fr/relais/api/v1/me"
        );
    }

    #[test]
    fn problems_map_to_client_errors() {
        let p = |kind: &str| {
            Some(Problem {
                kind: format!("https://relais.invalid/problems/{kind}"),
                title: String::new(),
                errors: vec![],
            })
        };
        assert!(matches!(
            map_problem(StatusCode::UNAUTHORIZED, p("invalid_credentials")),
            ClientError::InvalidCredentials
        ));
        assert!(matches!(
            map_problem(StatusCode::UNAUTHORIZED, p("unauthenticated")),
            ClientError::SessionEnded
        ));
        assert!(matches!(
            map_problem(StatusCode::UNAUTHORIZED, p("second_factor_needed")),
            ClientError::SecondFactorRequired
        ));
        assert!(matches!(
            map_problem(StatusCode::TOO_MANY_REQUESTS, None),
            ClientError::TooManyAttempts
        ));
        assert!(matches!(
            map_problem(StatusCode::BAD_GATEWAY, None),
            ClientError::Server { status: 502, .. }
        ));
    }
}
