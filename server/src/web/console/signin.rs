//! Signing in to the console: address, password and the authenticator's code (or a recovery
//! code), checked by `auth::sessions::login` exactly as the API checks them (lockout and
//! messages included); signing out. First-time enrolment is `enrolment`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use relais_domain::dto::{LoginRequest, SecondFactor};

use super::{
    Posted, cross_site, failure, html, lang_of, no_session_cookie, query, see_other, session_cookie,
};
use crate::edge::ClientIp;
use crate::render::console::{Form, Frame, Lang, page};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/connexion", get(show).post(submit))
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

async fn show(headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let lang = lang_of(&headers);
    let back = safe_back(query(&raw, "retour"));
    let note = back.as_ref().map(|_| lang.t().your_session_ended_15);
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
) -> Response {
    let lang = lang_of(&headers);
    let title = lang.t().sign_in_to_the;
    let p = Posted::parse(&body);
    if cross_site(&headers) {
        return super::forged_page(lang);
    }
    let back = safe_back(p.get("retour").map(str::to_owned));
    let result = match p.read_fields::<LoginRequest>(&crate::render::console::sign_in::FIELDS) {
        Ok(req) => crate::auth::sessions::login(&state, ip, req).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(grant) => {
            let max_age = (grant.expires_at - state.now()).num_seconds().max(0);
            let to = if grant.second_factor == SecondFactor::EnrolmentRequired {
                "/console/enrolement".to_owned()
            } else {
                back.unwrap_or_else(|| "/console".into())
            };
            let mut r = see_other(&to);
            r.headers_mut().insert(
                header::SET_COOKIE,
                session_cookie(&state, &grant.token, max_age),
            );
            r
        }
        Err(e) if e.status() >= 500 => failure(e, lang),
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let parts = e.into_parts();
            // A missing field is said as the form says it.
            let general = parts.errors.is_empty().then(|| match parts.detail {
                Some(d) => format!("{} — {d}", parts.title),
                None => parts.title.to_owned(),
            });
            let values = p.values();
            let form = Form {
                values: &values,
                errors: &parts.errors,
                general: general.as_deref(),
                lang,
            };
            html(
                status,
                page(
                    &frame(title, lang),
                    &crate::render::console::sign_in::body(lang, &form, back.as_deref(), None),
                ),
            )
        }
    }
}

/// The session of a signed-in account that may still lack its second factor: what the
/// enrolment pages work with.
async fn logout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = lang_of(&headers);
    let mut r = see_other("/console/connexion");
    if let Ok((scope, csrf, _)) = super::enrolment::enrolling(&state, &headers, ip).await {
        let p = Posted::parse(&body);
        if cross_site(&headers) || p.get("_csrf") != Some(csrf.as_str()) {
            return super::forged_page(lang);
        }
        if let Err(e) = crate::auth::sessions::logout(&scope).await {
            return failure(e, lang);
        }
    }
    r.headers_mut()
        .insert(header::SET_COOKIE, no_session_cookie());
    r
}
