//! Signing in to the console in two steps: the address and the password
//! (`auth::sessions::begin`), then the authenticator's code or a recovery code
//! (`auth::sessions::finish`), the sign-in held on the server in between for five minutes,
//! the browser keeping only its token in a cookie of its own. Lockout, throttle and messages
//! are the API's. A code posted with the password (a password manager) signs in at once.
//! Signing out. First-time enrolment is `enrolment`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use relais_domain::dto::{LoginRequest, SecondFactor, SessionGrant};

use super::{
    Page, Posted, cross_site, html, lang_of, no_session_cookie, query, see_other, session_cookie,
};
use crate::edge::ClientIp;
use crate::render::console::{Form, Frame, Lang, page};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/connexion", get(show).post(submit))
        .route("/console/connexion/code", get(show_code).post(submit_code))
        .route(
            "/console/enrolement",
            get(super::enrolment::enrol).post(super::enrolment::confirm),
        )
        .route(
            "/console/deconnexion",
            post(logout).get(|| async { see_other("/console") }),
        )
}

pub(super) fn frame<'a>(title: &'a str, lang: Lang) -> Frame<'a> {
    Frame {
        title,
        who: None,
        csrf: "",
        lang,
        path: "/console/connexion",
        notice: None,
        alert: None,
    }
}

fn safe_back(b: Option<String>) -> Option<String> {
    b.filter(|b| b.starts_with("/console/") && !b.contains("//") && !b.contains('\\'))
}

/// The cookie that holds a sign-in between its two steps: its path only, five minutes.
const SIGN_IN_COOKIE: &str = "relais_sign_in";

fn sign_in_cookie(state: &AppState, token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{SIGN_IN_COOKIE}={token}; Path=/console/connexion; Max-Age={}; HttpOnly; SameSite=Strict{}",
        crate::auth::sessions::SIGN_IN_MINUTES * 60,
        super::secure(state)
    ))
    .unwrap_or_else(|_| no_sign_in_cookie())
}

fn no_sign_in_cookie() -> HeaderValue {
    HeaderValue::from_static(
        "relais_sign_in=; Path=/console/connexion; Max-Age=0; HttpOnly; SameSite=Strict",
    )
}

/// Where a step goes next, carrying where to go once signed in.
fn with_back(path: &str, back: Option<&str>) -> String {
    match back {
        Some(b) => format!("{path}?retour={}", crate::render::html::url_encode(b)),
        None => path.to_owned(),
    }
}

/// Signed in: the session's cookie, the held sign-in's cleared, then the page asked for (or
/// the enrolment, for an account without a second factor yet).
fn signed_in(state: &AppState, grant: &SessionGrant, back: Option<String>) -> Response {
    let max_age = (grant.expires_at - state.now()).num_seconds().max(0);
    let to = if grant.second_factor == SecondFactor::EnrolmentRequired {
        "/console/enrolement".to_owned()
    } else {
        back.unwrap_or_else(|| "/console".into())
    };
    let mut r = see_other(&to);
    r.headers_mut().append(
        header::SET_COOKIE,
        session_cookie(state, &grant.token, max_age),
    );
    r.headers_mut()
        .append(header::SET_COOKIE, no_sign_in_cookie());
    r
}

/// A refusal said on the form that was refused: each field at fault, or the refusal itself.
fn refused_form(
    e: crate::error::ServiceError,
    values: &[(String, String)],
    lang: Lang,
    title: &str,
    draw: impl Fn(&Form<'_>) -> String,
) -> Page {
    if e.status() >= 500 {
        return Err(e.into());
    }
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    let parts = e.into_parts();
    // A missing field is said as the form says it.
    let general = parts
        .errors
        .is_empty()
        .then(|| super::said_of(&parts, lang));
    let form = Form {
        values,
        errors: &parts.errors,
        general: general.as_deref(),
        lang,
    };
    Ok(html(status, page(&frame(title, lang), &draw(&form))))
}

async fn show(headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let lang = lang_of(&headers);
    let back = safe_back(query(&raw, "retour"));
    let note = if query(&raw, "expiree").is_some() {
        Some(lang.t().sign_in_expired)
    } else {
        back.as_ref().map(|_| lang.t().your_session_ended_15)
    };
    let title = lang.t().sign_in_to_the;
    html(
        StatusCode::OK,
        page(
            &frame(title, lang),
            &crate::render::console::sign_in::body(lang, &Form::empty(lang), back.as_deref(), note),
        ),
    )
}

async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Page {
    let lang = lang_of(&headers);
    let p = Posted::parse(&body);
    if cross_site(&headers) {
        return Ok(super::forged_page(lang));
    }
    let back = safe_back(p.get("retour").map(str::to_owned));
    let values = p.values();
    let redraw =
        |f: &Form<'_>| crate::render::console::sign_in::body(lang, f, back.as_deref(), None);
    let typed = |n: &str| p.get(n).is_some_and(|v| !v.trim().is_empty());
    // A code posted with the password (a password manager, a script): one step.
    if typed("totp_code") || typed("recovery_code") {
        let mut fields = crate::render::console::sign_in::FIELDS.to_vec();
        fields.extend(crate::render::console::sign_in::CODE_FIELDS);
        return match p.read_fields::<LoginRequest>(&fields) {
            Ok(req) => match crate::auth::sessions::login(&state, ip, req).await {
                Ok(grant) => Ok(signed_in(&state, &grant, back)),
                Err(e) => refused_form(e, &values, lang, lang.t().sign_in_to_the, redraw),
            },
            Err(e) => refused_form(e, &values, lang, lang.t().sign_in_to_the, redraw),
        };
    }
    let req = match p.read_fields::<LoginRequest>(&crate::render::console::sign_in::FIELDS) {
        Ok(r) => r,
        Err(e) => {
            return refused_form(e, &values, lang, lang.t().sign_in_to_the, redraw);
        }
    };
    match crate::auth::sessions::begin(&state, ip, &req.email, &req.password).await {
        Ok(crate::auth::sessions::Begun::Session(grant)) => Ok(signed_in(&state, &grant, back)),
        Ok(crate::auth::sessions::Begun::Code { token }) => {
            let mut r = see_other(&with_back("/console/connexion/code", back.as_deref()));
            r.headers_mut()
                .insert(header::SET_COOKIE, sign_in_cookie(&state, &token));
            Ok(r)
        }
        Err(e) => refused_form(e, &values, lang, lang.t().sign_in_to_the, redraw),
    }
}

/// The second step's page; without a sign-in held, the first step's.
async fn show_code(headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let lang = lang_of(&headers);
    let back = safe_back(query(&raw, "retour"));
    if super::cookie_value(&headers, SIGN_IN_COOKIE).is_none() {
        return see_other(&with_back("/console/connexion", back.as_deref()));
    }
    html(
        StatusCode::OK,
        page(
            &frame(lang.t().sign_in_code_title, lang),
            &crate::render::console::sign_in::code_body(lang, &Form::empty(lang), back.as_deref()),
        ),
    )
}

async fn submit_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Page {
    let lang = lang_of(&headers);
    let p = Posted::parse(&body);
    if cross_site(&headers) {
        return Ok(super::forged_page(lang));
    }
    let back = safe_back(p.get("retour").map(str::to_owned));
    // Held no more (five minutes passed, or another tab finished it): start again.
    let expired = || {
        let mut r = see_other(&format!(
            "{}{}expiree=1",
            with_back("/console/connexion", back.as_deref()),
            if back.is_some() { "&" } else { "?" }
        ));
        r.headers_mut()
            .insert(header::SET_COOKIE, no_sign_in_cookie());
        r
    };
    let Some(token) = super::cookie_value(&headers, SIGN_IN_COOKIE) else {
        return Ok(expired());
    };
    let code = |n: &str| p.get(n).map(str::trim).filter(|v| !v.is_empty());
    match crate::auth::sessions::finish(&state, ip, token, code("totp_code"), code("recovery_code"))
        .await
    {
        Ok(grant) => Ok(signed_in(&state, &grant, back)),
        Err(e) if e.code() == relais_domain::problem::ProblemCode::Unauthenticated => Ok(expired()),
        // A code is never shown again.
        Err(e) => refused_form(e, &[], lang, lang.t().sign_in_code_title, |f| {
            crate::render::console::sign_in::code_body(lang, f, back.as_deref())
        }),
    }
}

/// The session of a signed-in account that may still lack its second factor: what the
/// enrolment pages work with.
async fn logout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Page {
    let lang = lang_of(&headers);
    let mut r = see_other("/console/connexion");
    if let Ok((scope, csrf, _)) = super::enrolment::enrolling(&state, &headers, ip).await {
        let p = Posted::parse(&body);
        if cross_site(&headers) || p.get("_csrf") != Some(csrf.as_str()) {
            return Ok(super::forged_page(lang));
        }
        if let Err(e) = crate::auth::sessions::logout(&scope).await {
            return Err(e.into());
        }
    }
    r.headers_mut()
        .insert(header::SET_COOKIE, no_session_cookie());
    Ok(r)
}
