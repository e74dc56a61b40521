//! Signing in to the console: address, password and the authenticator's code (or a recovery
//! code), checked by `auth::sessions::login` exactly as the API checks them (lockout and
//! messages included); first-time enrolment with the QR code drawn by the server and the
//! recovery codes shown once; signing out.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use relais_domain::dto::{LoginRequest, SecondFactor, TotpConfirm};

use super::{
    COOKIE, Kind, Posted, cookie_value, cross_site, csrf_of, failure, html, lang_of,
    no_session_cookie, query, see_other, session_cookie,
};
use crate::edge::ClientIp;
use crate::error::ServiceError;
use crate::render::console::{Form, Frame, Lang, form_open, page};
use crate::render::html::esc;
use crate::scope::{Actor, Scope};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/connexion", get(show).post(submit))
        .route("/console/enrolement", get(enrol).post(confirm))
        .route(
            "/console/deconnexion",
            post(logout).get(|| async { see_other("/console") }),
        )
}

const LABELS: &[(&str, &str)] = &[
    ("email", "Adresse électronique"),
    ("password", "Mot de passe"),
    ("totp_code", "Code de l'application d'authentification"),
    ("recovery_code", "Code de secours"),
];

fn frame<'a>(title: &'a str, lang: Lang) -> Frame<'a> {
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

fn sign_in_page(lang: Lang, form: &Form<'_>, back: Option<&str>, note: Option<&str>) -> String {
    let mut h = String::new();
    if let Some(n) = note {
        h.push_str(&format!(
            "<p class=\"notice\" role=\"status\">{}</p>",
            esc(n)
        ));
    }
    form.summary(&mut h, LABELS);
    h.push_str("<form method=\"post\" action=\"/console/connexion\" class=\"narrow\">");
    if let Some(b) = back {
        h.push_str(&format!(
            "<input type=\"hidden\" name=\"retour\" value=\"{}\">",
            esc(b)
        ));
    }
    form.input(
        &mut h,
        "email",
        lang.w("Adresse électronique", "E-mail address"),
        "email",
        true,
        "autocomplete=\"username\" autofocus",
    );
    form.input(
        &mut h,
        "password",
        lang.w("Mot de passe", "Password"),
        "password",
        true,
        "autocomplete=\"current-password\"",
    );
    form.input(
        &mut h,
        "totp_code",
        lang.w(
            "Code à 6 chiffres de l'application d'authentification",
            "6-digit code from the authenticator app",
        ),
        "text",
        false,
        "inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"6\" pattern=\"[0-9]{6}\"",
    );
    h.push_str(&format!(
        "<details><summary>{}</summary>",
        lang.w(
            "Je n'ai pas mon téléphone : utiliser un code de secours",
            "I don't have my phone: use a recovery code"
        )
    ));
    form.input(
        &mut h,
        "recovery_code",
        lang.w("Code de secours", "Recovery code"),
        "text",
        false,
        "autocomplete=\"off\"",
    );
    h.push_str(&format!(
        "</details><p class=\"hint\">{}</p><button type=\"submit\">{}</button></form>",
        lang.w(
            "Première connexion : laissez le code vide, la console vous fera enrôler une application d'authentification.",
            "First sign-in: leave the code empty, the console will have you enrol an authenticator app."
        ),
        lang.w("Se connecter", "Sign in")
    ));
    h
}

fn safe_back(b: Option<String>) -> Option<String> {
    b.filter(|b| b.starts_with("/console/") && !b.contains("//") && !b.contains('\\'))
}

async fn show(headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let lang = lang_of(&headers);
    let back = safe_back(query(&raw, "retour"));
    let note = back.as_ref().map(|_| {
        lang.w(
            "Votre session a pris fin (15 minutes sans activité, ou 12 heures). Connectez-vous pour continuer.",
            "Your session ended (15 minutes idle, or 12 hours). Sign in to go on.",
        )
    });
    let title = lang.w("Connexion à la console", "Sign in to the console");
    html(
        StatusCode::OK,
        page(
            &frame(title, lang),
            &sign_in_page(lang, &Form::empty(lang), back.as_deref(), note),
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
    let title = lang.w("Connexion à la console", "Sign in to the console");
    let p = Posted::parse(&body);
    if cross_site(&headers) {
        return super::forged_page(lang);
    }
    let back = safe_back(p.get("retour").map(str::to_owned));
    let result = match p.read::<LoginRequest>(&[
        ("email", Kind::Needed),
        ("password", Kind::Needed),
        ("totp_code", Kind::Text),
        ("recovery_code", Kind::Text),
    ]) {
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
                    &sign_in_page(lang, &form, back.as_deref(), None),
                ),
            )
        }
    }
}

/// The session of a signed-in account that may still lack its second factor: what the
/// enrolment pages work with.
async fn enrolling(
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

fn qr_svg(uri: &str) -> String {
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

fn enrol_page(lang: Lang, csrf: &str, secret: &str, uri: &str, form: &Form<'_>) -> String {
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
    form.summary(&mut h, &[("code", "Code")]);
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

async fn enrol(
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

async fn confirm(
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

async fn logout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = lang_of(&headers);
    let mut r = see_other("/console/connexion");
    if let Ok((scope, csrf, _)) = enrolling(&state, &headers, ip).await {
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
