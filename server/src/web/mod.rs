//! Pages served by `relais serve` itself: the person's booking pages (`person`) and the
//! staff console (`console`). Every
//! answer here carries the safety headers: nothing kept by the browser or a proxy, no
//! referrer, a Content-Security-Policy that allows only this server's own script and style,
//! not indexed, not framed.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;

use crate::state::AppState;

pub mod console;
pub mod person;

/// What every page and asset of the person's pages is sent with.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

async fn safety_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    // A page with a policy of its own (the report's style digest) keeps it.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    for (k, v) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        h.insert(k, HeaderValue::from_static(v));
    }
    h.insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    r
}

/// A form posted from another site (the browser's `Sec-Fetch-Site`, or `Origin` against
/// `Host`): refused by every page's forms, whatever their cookie's `SameSite`.
pub fn cross_site(headers: &axum::http::HeaderMap) -> bool {
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(s) => !matches!(s, "same-origin" | "none"),
        None => match (
            headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
            headers.get(header::HOST).and_then(|v| v.to_str().ok()),
        ) {
            (Some(o), Some(h)) => o.split("://").nth(1) != Some(h),
            _ => false,
        },
    }
}

pub fn routes() -> Router<AppState> {
    person::routes()
        .merge(console::routes())
        .layer(axum::middleware::map_response(safety_headers))
}
