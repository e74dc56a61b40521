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
        lang.w(
            "Avant d'ouvrir la console, reliez votre compte à une application d'authentification (FreeOTP, Aegis, Google Authenticator…).",
            "Before opening the console, link your account to an authenticator app (FreeOTP, Aegis, Google Authenticator…)."
        ),
        lang.w("Scannez ce code QR avec l'application.", "Scan this QR code with the app."),
        lang.w(
            "Saisissez le code à 6 chiffres qu'elle affiche.",
            "Type the 6-digit code it shows."
        ),
        qr_svg(uri),
        lang.w(
            "Sans appareil photo, saisissez cette clé dans l'application :",
            "Without a camera, type this key into the app:"
        ),
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
        lang.w("Code à 6 chiffres", "6-digit code"),
        "text",
        true,
        "inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"6\"",
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        lang.w("Valider", "Confirm")
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
                    ..frame(
                        lang.w("Application d'authentification", "Authenticator app"),
                        lang,
                    )
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
    let title = lang.w("Application d'authentification", "Authenticator app");
    let result = match p.read::<TotpConfirm>(&[("code", Kind::Text)]) {
        Ok(req) => crate::auth::enrolment::totp_confirm(&scope, req).await,
        Err(_) => Err(ServiceError::field(
            relais_domain::problem::ProblemCode::InvalidCode,
            "code",
            lang.w("Saisissez le code à 6 chiffres.", "Type the 6-digit code."),
        )),
    };
    match result {
        Ok(codes) => {
            let mut h = format!(
                "<p>{}</p><ul class=\"codes\">",
                lang.w(
                    "C'est fait. Voici vos codes de secours : chacun sert une fois, si vous n'avez pas votre téléphone. Notez-les maintenant et gardez-les en lieu sûr : ils ne seront plus affichés.",
                    "Done. Here are your recovery codes: each works once, when you do not have your phone. Write them down now and keep them safe: they will not be shown again."
                )
            );
            for c in &codes.codes {
                h.push_str(&format!("<li><code>{}</code></li>", esc(c)));
            }
            h.push_str(&format!(
                "</ul><p><a class=\"button\" href=\"/console\">{}</a></p>",
                lang.w(
                    "J'ai noté mes codes : ouvrir la console",
                    "I wrote them down: open the console"
                )
            ));
            html(
                StatusCode::OK,
                page(
                    &Frame {
                        csrf: &csrf,
                        path: "/console/enrolement",
                        ..frame(lang.w("Codes de secours", "Recovery codes"), lang)
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
