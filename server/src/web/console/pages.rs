//! The console's pages of their own: the home (by role), the language, the style sheet and the script.

use super::*;

// ------------------------------------------------------------------ pages of their own

/// `/console`: each role's first page.
pub(super) async fn home(d: Desk) -> Response {
    see_other(match d.caller.role {
        Role::Referrer => "/console/signalements",
        _ => "/console/file",
    })
}

pub(super) async fn language(RawQuery(raw): RawQuery) -> Response {
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

pub(super) async fn css() -> Response {
    asset("text/css", include_str!("../../../static/console.css"))
}

pub(super) async fn js() -> Response {
    asset(
        "text/javascript",
        include_str!("../../../static/console.js"),
    )
}

pub(super) fn asset(kind: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}
