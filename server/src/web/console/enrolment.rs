//! First-time enrolment of the second factor: the QR code drawn by the server, the code
//! confirmed, the recovery codes shown once.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use relais_domain::dto::TotpConfirm;

use super::signin::frame;
use super::{
    COOKIE, Kind, Page, Posted, cookie_value, cross_site, csrf_of, html, lang_of, see_other,
};
use crate::edge::ClientIp;
use crate::error::ServiceError;
use crate::render::console::spec::{Field, FormView, Input};
use crate::render::console::text::Text;
use crate::render::console::{Form, Frame, Lang, draw, page};
use crate::scope::{Actor, Scope};
use crate::state::AppState;

pub(super) async fn enrolling(
    state: &AppState,
    headers: &HeaderMap,
    ip: Option<std::net::IpAddr>,
) -> Result<(Scope, String, bool), Response> {
    let token = cookie_value(headers, COOKIE).ok_or_else(|| see_other("/console/connexion"))?;
    let caller = crate::auth::sessions::resume(state, token, ip)
        .await
        .map_err(|_| see_other("/console/connexion"))?;
    let ok = caller.second_factor_ok;
    Ok((
        Scope::new(
            state.clone(),
            caller.organisation_id,
            Actor::Staff(caller.clone()),
        ),
        csrf_of(token),
        ok,
    ))
}

pub(super) fn qr_svg(uri: &str) -> String {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build()
            .replacen("<svg ", "<svg role=\"img\" aria-label=\"Code QR\" ", 1),
        Err(_) => String::new(),
    }
}

/// The code that confirms the enrolment, with the secret and its URI carried hidden.
const ENROL_FIELDS: &[Field] = &[
    Field {
        name: "secret",
        input: Input::Hidden,
        label: |t| t.n6_digit_code,
        required: false,
        hints: &[],
    },
    Field {
        name: "uri",
        input: Input::Hidden,
        label: |t| t.n6_digit_code,
        required: false,
        hints: &[],
    },
    Field {
        name: "code",
        input: Input::Text,
        label: |t| t.n6_digit_code,
        required: true,
        hints: &[
            ("inputmode", "numeric"),
            ("autocomplete", "one-time-code"),
            ("maxlength", "6"),
        ],
    },
];

#[derive(askama::Template)]
#[template(path = "console/enrol.html")]
struct EnrolView {
    t: &'static Text,
    qr: String,
    secret: String,
    form: FormView,
}

#[derive(askama::Template)]
#[template(path = "console/recovery_codes.html")]
struct CodesView {
    t: &'static Text,
    codes: Vec<String>,
}

pub(super) fn enrol_page(
    lang: Lang,
    csrf: &str,
    secret: &str,
    uri: &str,
    form: &Form<'_>,
) -> String {
    let t = lang.t();
    draw(&EnrolView {
        t,
        qr: qr_svg(uri),
        secret: secret.to_owned(),
        form: FormView::new(ENROL_FIELDS, form, "/console/enrolement", csrf, t.confirm)
            .initially("secret", secret)
            .initially("uri", uri)
            .class("narrow"),
    })
}

pub(super) async fn enrol(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Page {
    let lang = lang_of(&headers);
    let (scope, csrf, ok) = match enrolling(&state, &headers, ip).await {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    if ok {
        return Ok(see_other("/console"));
    }
    match crate::auth::enrolment::totp_enrol(&scope).await {
        Ok(e) => Ok(html(
            StatusCode::OK,
            page(
                &Frame {
                    csrf: &csrf,
                    path: "/console/enrolement",
                    ..frame(lang.t().authenticator_app, lang)
                },
                &enrol_page(lang, &csrf, &e.secret, &e.otpauth_uri, &Form::empty(lang)),
            ),
        )),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Page {
    let lang = lang_of(&headers);
    let (scope, csrf, ok) = match enrolling(&state, &headers, ip).await {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let p = Posted::parse(&body);
    if cross_site(&headers) || p.get("_csrf") != Some(csrf.as_str()) {
        return Ok(super::forged_page(lang));
    }
    if ok {
        return Ok(see_other("/console"));
    }
    let title = lang.t().authenticator_app;
    let result = match p.read::<TotpConfirm>(&[("code", Kind::Text)]) {
        Ok(req) => crate::auth::enrolment::totp_confirm(&scope, req).await,
        Err(_) => Err(ServiceError::field(
            relais_domain::problem::ProblemCode::InvalidCode,
            "code",
            (
                crate::render::console::text::FR.type_the_6_digit_code,
                crate::render::console::text::EN.type_the_6_digit_code,
            ),
        )),
    };
    match result {
        Ok(codes) => {
            let h = draw(&CodesView {
                t: lang.t(),
                codes: codes.codes,
            });
            Ok(html(
                StatusCode::OK,
                page(
                    &Frame {
                        csrf: &csrf,
                        path: "/console/enrolement",
                        ..frame(lang.t().recovery_codes, lang)
                    },
                    &h,
                ),
            ))
        }
        Err(e) if e.status() >= 500 => Err(e.into()),
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let parts = e.into_parts();
            let general = parts
                .errors
                .is_empty()
                .then(|| super::said_of(&parts, lang));
            let values = p.values();
            let form = Form {
                values: &values,
                errors: &parts.errors,
                general: general.as_deref(),
                lang,
            };
            Ok(html(
                status,
                page(
                    &Frame {
                        csrf: &csrf,
                        path: "/console/enrolement",
                        ..frame(title, lang)
                    },
                    &enrol_page(
                        lang,
                        &csrf,
                        p.get("secret").unwrap_or(""),
                        p.get("uri").unwrap_or(""),
                        &form,
                    ),
                ),
            ))
        }
    }
}
