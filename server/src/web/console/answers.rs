//! The answers every console page gives: a page, a redirect, a page that says one thing, and
//! a failure of the service (`Page`, `Failed`, drawn in the reader's language by the
//! console's one layer, `draw_failures`); the session's cookies.

use super::*;

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

pub(super) fn to_sign_in(path: &str) -> Response {
    if path == "/console" || !path.starts_with("/console/") {
        return see_other("/console/connexion");
    }
    see_other(&format!(
        "/console/connexion?retour={}",
        crate::render::html::url_encode(path)
    ))
}

/// A page that says one thing, with the way back to the console.
pub(super) fn said(status: StatusCode, lang: Lang, title: &str, text: &'static str) -> Response {
    let f = Frame {
        title,
        who: None,
        csrf: "",
        lang,
        path: "/console",
        notice: None,
        alert: None,
    };
    html(status, page(&f, &said_body(lang, text)))
}

#[derive(askama::Template)]
#[template(path = "console/said.html")]
struct SaidView {
    t: &'static crate::render::console::text::Text,
    text: &'static str,
}

/// The body of a page that says one thing.
pub(super) fn said_body(lang: Lang, text: &'static str) -> String {
    crate::render::console::draw(&SaidView { t: lang.t(), text })
}

pub fn forged_page(lang: Lang) -> Response {
    let t = lang.t();
    said(
        StatusCode::FORBIDDEN,
        lang,
        t.form_refused,
        t.form_refused_text,
    )
}

/// What a console handler answers: its page, or a failure of the service (`?` on a
/// `ServiceError`), drawn in the caller's language by `draw_failures`.
pub type Page = Result<Response, Failed>;

/// A failure of the service, on its way out of a handler. Its answer carries only the
/// status and the code; `draw_failures`, the console's one layer, draws the page in the
/// caller's language (a handler does not need the language to give up).
pub struct Failed(ServiceError);

impl From<ServiceError> for Failed {
    fn from(e: ServiceError) -> Self {
        Failed(e)
    }
}

/// The mark `Failed` leaves on its answer for `draw_failures`.
#[derive(Clone, Copy)]
struct FailedMark {
    status: u16,
    code: &'static str,
}

impl IntoResponse for Failed {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let mut r = StatusCode::from_u16(status)
            .unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
            .into_response();
        r.extensions_mut().insert(FailedMark {
            status,
            code: self.0.code().as_str(),
        });
        r
    }
}

/// The console's layer: an answer marked by `Failed` becomes the page that says so, in the
/// language of the request.
pub async fn draw_failures(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = lang_of(req.headers());
    let r = next.run(req).await;
    match r.extensions().get::<FailedMark>().copied() {
        Some(m) => failed_page(m.status, m.code, lang),
        None => r,
    }
}

/// A failure of the service itself: logged without personal data, said plainly.
pub fn failure(e: ServiceError, lang: Lang) -> Response {
    failed_page(e.status(), e.code().as_str(), lang)
}

fn failed_page(status: u16, code: &str, lang: Lang) -> Response {
    if status == 404 {
        return not_found(lang);
    }
    if status >= 500 {
        tracing::error!(code, "console page failed");
    }
    let code = if status >= 500 {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST)
    };
    let t = lang.t();
    said(code, lang, t.not_possible_now, t.not_possible_text)
}

pub fn not_found(lang: Lang) -> Response {
    let t = lang.t();
    said(StatusCode::NOT_FOUND, lang, t.not_found, t.not_found_text)
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
pub(super) fn secure(state: &AppState) -> &'static str {
    let u = state.config().public_url.as_str();
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| u.starts_with(p));
    if loopback { "" } else { "; Secure" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    /// What the console's layer answers for a handler that gave up with `err`.
    async fn drawn(err: fn() -> ServiceError, cookie: Option<&str>) -> (StatusCode, String) {
        let app: Router = Router::new()
            .route(
                "/x",
                get(move || async move { Err::<Response, Failed>(err().into()) }),
            )
            .layer(axum::middleware::from_fn(draw_failures));
        let mut req = axum::http::Request::get("/x");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let r = app
            .oneshot(req.body(axum::body::Body::empty()).unwrap())
            .await
            .unwrap();
        let status = r.status();
        let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn a_handler_that_gives_up_is_answered_in_the_callers_language() {
        let (status, fr) = drawn(|| ServiceError::internal("disque plein"), None).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(fr.contains("Impossible pour le moment"), "{fr}");
        assert!(!fr.contains("disque plein"), "the cause stays in the log");
        let (_, en) = drawn(
            || ServiceError::internal("disque plein"),
            Some("relais_lang=en"),
        )
        .await;
        assert!(en.contains("Not possible right now"), "{en}");
        let (status, missing) = drawn(ServiceError::not_found, Some("relais_lang=en")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(missing.contains("This page does not exist"), "{missing}");
    }
}
