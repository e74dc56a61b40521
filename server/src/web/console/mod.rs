//! The staff console, the edge: pages served by `relais serve` under `/console`, for admins,
//! coordinators at a desk and referrers. Each handler parses, calls one service (the same
//! ones, with the same validation, as the JSON API) and renders with `render::console`.
//!
//! Signing in makes an API session (`auth::sessions::login`) whose token lives in a cookie
//! (`HttpOnly`, `SameSite=Strict`, `Secure` unless the console is served on loopback), so
//! the 15-minute idle lock, the 12-hour limit, logout and revocation are the API's. Every
//! form carries an anti-forgery token derived from the session, checked before anything
//! else; a form from another site is refused as well. Every page is `no-store` (the safety
//! headers of `web`).

// A refusal here is the answer itself, sent at once: boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use std::marker::PhantomData;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use relais_domain::{FieldError, Role};

pub use super::cross_site;
use crate::crypto::token_hash;
use crate::edge::client_ip;
use crate::error::ServiceError;
use crate::render::console::{Form, Frame, Lang, page};
use crate::scope::{Actor, Caller, Scope};
use crate::state::AppState;

pub mod admin;
pub mod desk;
pub mod intake;
pub mod notices;
pub mod referrer;
pub mod signin;

pub use notices::{Done, done, notice};

pub const COOKIE: &str = "relais_console";
const LANG_COOKIE: &str = "relais_lang";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(home))
        .route("/console/langue", get(language))
        .route("/console/static/console.css", get(css))
        .route("/console/static/console.js", get(js))
        .merge(signin::routes())
        .merge(desk::routes())
        .merge(intake::routes())
        .merge(admin::routes())
        .merge(referrer::routes())
}

// ------------------------------------------------------------------ who is calling

/// Which roles a page is for.
pub trait Policy: Send + Sync + 'static {
    fn allows(role: Role) -> bool;
}

/// Any signed-in account.
pub struct Anyone;
impl Policy for Anyone {
    fn allows(_: Role) -> bool {
        true
    }
}

/// Those who may open persons' files: coordinators and admins.
pub struct FileReaders;
impl Policy for FileReaders {
    fn allows(role: Role) -> bool {
        role.may_read_person_files()
    }
}

pub struct Admins;
impl Policy for Admins {
    fn allows(role: Role) -> bool {
        role.may_administer()
    }
}

/// Referrers only: the referral form and its statuses.
pub struct Referrers;
impl Policy for Referrers {
    fn allows(role: Role) -> bool {
        role == Role::Referrer
    }
}

/// A signed-in account with its second factor, whose role the policy `P` allows: the scope
/// of every console page. Without a session: to the sign-in page. Without a second factor:
/// to the enrolment page. Another role's page: 403.
pub struct Desk<P: Policy = Anyone> {
    pub scope: Scope,
    pub caller: Caller,
    pub csrf: String,
    pub lang: Lang,
    pub path: String,
    _policy: PhantomData<P>,
}

impl<P: Policy> std::ops::Deref for Desk<P> {
    type Target = Scope;
    fn deref(&self) -> &Scope {
        &self.scope
    }
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty() && v.len() <= 200)
}

pub fn lang_of(headers: &HeaderMap) -> Lang {
    Lang {
        english: cookie_value(headers, LANG_COOKIE) == Some("en"),
    }
}

/// The anti-forgery token of a session: derived from its secret token, so it cannot be
/// guessed from outside and changes with each sign-in.
pub fn csrf_of(token: &str) -> String {
    token_hash(&format!("console-csrf:{token}"))[..32].to_owned()
}

impl<P: Policy> FromRequestParts<AppState> for Desk<P> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let lang = lang_of(&parts.headers);
        let path = parts.uri.path().to_owned();
        let Some(token) = cookie_value(&parts.headers, COOKIE) else {
            return Err(to_sign_in(&path));
        };
        let caller =
            match crate::auth::sessions::resume(state, token, client_ip(parts, state)).await {
                Ok(c) => c,
                Err(e) if e.status() == 401 => return Err(to_sign_in(&path)),
                Err(e) => return Err(failure(e, lang)),
            };
        let csrf = csrf_of(token);
        if !caller.second_factor_ok {
            return Err(see_other("/console/enrolement"));
        }
        if !P::allows(caller.role) {
            let f = Frame {
                title: lang.w("Page réservée à un autre rôle", "Page for another role"),
                who: Some((caller.role, lang.word(caller.role))),
                csrf: &csrf,
                lang,
                path: &path,
                notice: None,
            };
            let body = format!(
                "<p>{}</p><p><a href=\"/console\">{}</a></p>",
                lang.w(
                    "Votre rôle ne donne pas accès à cette page.",
                    "Your role does not give access to this page."
                ),
                lang.w("Retour à l'accueil de la console", "Back to the console")
            );
            return Err(html(StatusCode::FORBIDDEN, page(&f, &body)));
        }
        Ok(Desk {
            scope: Scope::new(
                state.clone(),
                caller.organisation_id,
                Actor::Staff(caller.clone()),
            ),
            caller,
            csrf,
            lang,
            path,
            _policy: PhantomData,
        })
    }
}

impl<P: Policy> Desk<P> {
    pub fn frame<'a>(&'a self, title: &'a str, notice: Option<&'a str>) -> Frame<'a> {
        Frame {
            title,
            who: Some((self.caller.role, self.lang.word(self.caller.role))),
            csrf: &self.csrf,
            lang: self.lang,
            path: &self.path,
            notice,
        }
    }

    pub fn page(&self, title: &str, notice: Option<&str>, body: &str) -> Response {
        html(StatusCode::OK, page(&self.frame(title, notice), body))
    }

    /// A posted form, once its anti-forgery token and origin are checked.
    pub fn posted(&self, headers: &HeaderMap, body: &Bytes) -> Result<Posted, Response> {
        let p = Posted::parse(body);
        if cross_site(headers) || p.get("_csrf") != Some(self.csrf.as_str()) {
            return Err(forged_page(self.lang));
        }
        Ok(p)
    }

    /// A refused or failed call: its fields for the form, or the failure page.
    pub fn refusal(&self, e: ServiceError) -> Result<Refusal, Response> {
        if e.status() >= 500 {
            return Err(failure(e, self.lang));
        }
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
        let p = e.into_parts();
        let general = if p.errors.is_empty() {
            Some(match (p.detail, p.transition) {
                (_, Some((current, allowed))) => format!(
                    "{} « {} » ; {} : {}.",
                    self.lang.w(
                        "Changement impossible depuis l'état",
                        "Not possible from the state"
                    ),
                    self.lang
                        .word_of::<relais_domain::outreach::State>(&current),
                    self.lang.w("possibles", "possible"),
                    allowed
                        .iter()
                        .map(|a| self.lang.word_of::<relais_domain::outreach::Event>(a))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                (Some(d), None) => format!("{} — {d}", p.title),
                (None, None) => p.title.to_owned(),
            })
        } else {
            None
        };
        Ok(Refusal {
            status,
            errors: p.errors,
            general,
        })
    }
}

/// What a refused form is shown again with.
pub struct Refusal {
    pub status: StatusCode,
    pub errors: Vec<FieldError>,
    pub general: Option<String>,
}

impl Refusal {
    pub fn form<'a>(&'a self, values: &'a [(String, String)], lang: Lang) -> Form<'a> {
        Form {
            values,
            errors: &self.errors,
            general: self.general.as_deref(),
            lang,
        }
    }
}

// ------------------------------------------------------------------ forms

/// A form's fields as posted, in order (a field may repeat).
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    pub fn parse(body: &[u8]) -> Self {
        Posted(
            url::form_urlencoded::parse(body)
                .into_owned()
                .take(400)
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The fields shown again in a refused form (not the token).
    pub fn values(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter(|(k, _)| k != "_csrf")
            .cloned()
            .collect()
    }

    /// The same JSON object the API would receive: each field of `spec` by its kind,
    /// dotted names as nested objects, empty text left out (the API's absent).
    pub fn json(&self, spec: &[(&str, Kind)]) -> serde_json::Value {
        use serde_json::{Map, Value};
        let mut root = Map::new();
        for &(name, kind) in spec {
            let raw = self.get(name).map(str::trim);
            let value = match kind {
                Kind::Text | Kind::Needed => raw
                    .filter(|v| !v.is_empty())
                    .map(|v| Value::String(v.to_owned())),
                Kind::Number => raw
                    .filter(|v| !v.is_empty())
                    .map(|v| match v.parse::<i64>() {
                        Ok(n) => Value::from(n),
                        // Sent as text, so that the service names the field.
                        Err(_) => Value::String(v.to_owned()),
                    }),
                Kind::Flag => Some(Value::Bool(raw.is_some())),
                Kind::List => Some(Value::Array(
                    self.0
                        .iter()
                        .filter(|(k, v)| k == name && !v.is_empty())
                        .map(|(_, v)| Value::String(v.clone()))
                        .collect(),
                )),
            };
            let Some(value) = value else { continue };
            let mut at = &mut root;
            let mut parts = name.split('.').peekable();
            while let Some(p) = parts.next() {
                if parts.peek().is_none() {
                    at.insert(p.to_owned(), value);
                    break;
                }
                at = match at
                    .entry(p.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()))
                {
                    Value::Object(m) => m,
                    _ => break,
                };
            }
        }
        Value::Object(root)
    }

    /// The wire type the service takes, read from the form as the API reads its JSON.
    pub fn read<T: serde::de::DeserializeOwned>(
        &self,
        spec: &[(&str, Kind)],
    ) -> Result<T, ServiceError> {
        // Every required field left empty is named at once, not the first one only.
        let missing: Vec<FieldError> = spec
            .iter()
            .filter(|(name, kind)| {
                matches!(kind, Kind::Needed) && self.get(name).is_none_or(|v| v.trim().is_empty())
            })
            .map(|(name, _)| FieldError {
                field: (*name).to_owned(),
                code: relais_domain::problem::ProblemCode::InvalidField
                    .as_str()
                    .to_owned(),
                message: "Champ obligatoire manquant.".to_owned(),
            })
            .collect();
        if !missing.is_empty() {
            return Err(ServiceError::validation(missing));
        }
        let bytes = serde_json::to_vec(&self.json(spec)).unwrap_or_default();
        crate::input::parse_json(&bytes)
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Text,
    /// Text the wire type requires: every empty one is named together.
    Needed,
    Number,
    /// A checkbox: true when sent.
    Flag,
    /// A field sent several times (checkboxes of one name, a multiple select).
    List,
}

// ------------------------------------------------------------------ answers

pub fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

pub fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

pub fn query(raw: &Option<String>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn to_sign_in(path: &str) -> Response {
    if path == "/console" || !path.starts_with("/console/") {
        return see_other("/console/connexion");
    }
    let q: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
    see_other(&format!("/console/connexion?retour={q}"))
}

/// A page that says one thing, with the way back to the console.
fn said(status: StatusCode, lang: Lang, title: (&str, &str), text: (&str, &str)) -> Response {
    let f = Frame {
        title: lang.w(title.0, title.1),
        who: None,
        csrf: "",
        lang,
        path: "/console",
        notice: None,
    };
    let body = format!(
        "<p>{}</p><p><a href=\"/console\">{}</a></p>",
        lang.w(text.0, text.1),
        lang.w("Retour à la console", "Back to the console")
    );
    html(status, page(&f, &body))
}

pub fn forged_page(lang: Lang) -> Response {
    said(
        StatusCode::FORBIDDEN,
        lang,
        ("Formulaire refusé", "Form refused"),
        (
            "Ce formulaire ne vient pas de cette page de la console, ou votre session a changé. Rien n'a été enregistré. Rechargez la page et recommencez.",
            "This form did not come from this console page, or your session changed. Nothing was saved. Reload the page and try again.",
        ),
    )
}

/// A failure of the service itself: logged without personal data, said plainly.
pub fn failure(e: ServiceError, lang: Lang) -> Response {
    let status = e.status();
    if status >= 500 {
        tracing::error!(code = e.code().as_str(), "console page failed");
    }
    let code = if status >= 500 {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST)
    };
    said(
        code,
        lang,
        ("Impossible pour le moment", "Not possible right now"),
        (
            "La demande n'a pas abouti. Réessayez dans un instant ; si cela continue, prévenez l'administration du service.",
            "The request did not go through. Try again in a moment; if it goes on, tell the service's administrator.",
        ),
    )
}

pub fn not_found(lang: Lang) -> Response {
    said(
        StatusCode::NOT_FOUND,
        lang,
        ("Introuvable", "Not found"),
        (
            "Cette page n'existe pas ou n'est pas de votre service.",
            "This page does not exist or is not your service's.",
        ),
    )
}

/// The cookie that holds the session's token.
pub fn session_cookie(state: &AppState, token: &str, max_age_seconds: i64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/console; Max-Age={max_age_seconds}; HttpOnly; SameSite=Strict{}",
        secure(state)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("relais_console=; Path=/console; Max-Age=0"))
}

pub fn no_session_cookie() -> HeaderValue {
    HeaderValue::from_static("relais_console=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict")
}

/// `Secure` everywhere but on loopback over plain HTTP (the demo, the tests).
fn secure(state: &AppState) -> &'static str {
    let u = state.config().public_url.as_str();
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| u.starts_with(p));
    if loopback { "" } else { "; Secure" }
}

// ------------------------------------------------------------------ pages of their own

/// `/console`: each role's first page.
async fn home(d: Desk) -> Response {
    see_other(match d.caller.role {
        Role::Referrer => "/console/signalements",
        _ => "/console/file",
    })
}

async fn language(RawQuery(raw): RawQuery) -> Response {
    let en = query(&raw, "l").as_deref() == Some("en");
    let back = query(&raw, "retour")
        .filter(|b| b.starts_with("/console") && !b.contains("//") && !b.contains('\\'))
        .unwrap_or_else(|| "/console".into());
    let mut r = see_other(&back);
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(if en {
            "relais_lang=en; Path=/console; Max-Age=31536000; SameSite=Strict"
        } else {
            "relais_lang=fr; Path=/console; Max-Age=31536000; SameSite=Strict"
        }),
    );
    r
}

async fn css() -> Response {
    asset("text/css", include_str!("../../../static/console.css"))
}

async fn js() -> Response {
    asset(
        "text/javascript",
        include_str!("../../../static/console.js"),
    )
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

/// Used by the handlers for `State` without naming axum everywhere.
pub type St = State<AppState>;
