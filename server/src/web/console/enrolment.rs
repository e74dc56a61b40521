//! First-time enrolment of the second factor: the QR code drawn by the server, the code
//! confirmed, the recovery codes shown once.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use relais_domain::dto::TotpConfirm;

use super::signin::frame;
use super::{
    COOKIE, Kind, Posted, cookie_value, cross_site, csrf_of, failure, html, lang_of, see_other,
};
use crate::edge::ClientIp;
use crate::error::ServiceError;
use crate::render::console::{Form, Frame, Lang, form_open, page};
use crate::render::html::esc;
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

pub(super) fn enrol_page(
    lang: Lang,
    csrf: &str,
    secret: &str,
    uri: &str,
    form: &Form<'_>,
) -> String {
    let mut h = String::new();
    h.push_str(&format!(
        "<p>{}</p><ol><li>{}</li><li>{}</li></ol><div class=\"qr\">{}</div>\
<p>{} <code class=\"secret\">{}</code></p>",
        lang.t().before_opening_the_console,
        lang.t().scan_this_qr_code,
        lang.t().type_the_6_digit,
        qr_svg(uri),
        lang.t().without_a_camera_type,
        esc(secret)
    ));
    form.summary(&mut h, &[("code", "Code", "Code")]);
    form_open(&mut h, "/console/enrolement", csrf, "class=\"narrow\"");
    h.push_str(&format!(
        "<input type=\"hidden\" name=\"secret\" value=\"{}\"><input type=\"hidden\" name=\"uri\" value=\"{}\">",
        esc(secret),
        esc(uri)
    ));
    form.input(
        &mut h,
        "code",
        lang.t().n6_digit_code,
        "text",
        true,
        "inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"6\"",
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        lang.t().confirm
    ));
    h
}

pub(super) async fn enrol(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers);
    let (scope, csrf, ok) = match enrolling(&state, &headers, ip).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if ok {
        return see_other("/console");
    }
    match crate::auth::enrolment::totp_enrol(&scope).await {
        Ok(e) => html(
            StatusCode::OK,
            page(
                &Frame {
                    csrf: &csrf,
                    path: "/console/enrolement",
                    ..frame(lang.t().authenticator_app, lang)
                },
                &enrol_page(lang, &csrf, &e.secret, &e.otpauth_uri, &Form::empty(lang)),
            ),
        ),
        Err(e) => failure(e, lang),
    }
}

pub(super) async fn confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = lang_of(&headers);
    let (scope, csrf, ok) = match enrolling(&state, &headers, ip).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let p = Posted::parse(&body);
    if cross_site(&headers) || p.get("_csrf") != Some(csrf.as_str()) {
        return super::forged_page(lang);
    }
    if ok {
        return see_other("/console");
    }
    let title = lang.t().authenticator_app;
    let result = match p.read::<TotpConfirm>(&[("code", Kind::Text)]) {
        Ok(req) => crate::auth::enrolment::totp_confirm(&scope, req).await,
        Err(_) => Err(ServiceError::field(
            relais_domain::problem::ProblemCode::InvalidCode,
            "code",
            lang.t().type_the_6_digit_code,
        )),
    };
    match result {
        Ok(codes) => {
            let mut h = format!("<p>{}</p><ul class=\"codes\">", lang.t().done_here_are_your);
            for c in &codes.codes {
                h.push_str(&format!("<li><code>{}</code></li>", esc(c)));
            }
            h.push_str(&format!(
                "</ul><p><a class=\"button\" href=\"/console\">{}</a></p>",
                lang.t().i_wrote_them_down
            ));
            html(
                StatusCode::OK,
                page(
                    &Frame {
                        csrf: &csrf,
                        path: "/console/enrolement",
                        ..frame(lang.t().recovery_codes, lang)
                    },
                    &h,
                ),
            )
        }
        Err(e) if e.status() >= 500 => failure(e, lang),
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let parts = e.into_parts();
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
            )
        }
    }
}
