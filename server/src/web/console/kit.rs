//! The console's toolkit, below its pages: who is calling (the `Desk` extractor and its role
//! policies) and the answers every page gives (a page, a redirect, a refusal, a failure).
//! Reading posted forms is `posted`.

use super::*;

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
                title: lang.t().page_for_another_role,
                who: Some((caller.role, lang.word(caller.role))),
                csrf: &csrf,
                lang,
                path: &path,
                notice: None,
                alert: None,
            };
            let body = said_body(lang, lang.t().your_role_does_not);
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

/// A posted form whose origin and anti-forgery token were checked: the token derived from
/// the session's cookie (as `Desk` derives it), sent back in the form's `_csrf` field, and
/// the request not from another site. A handler that takes it never sees a forged form: the
/// extractor answers the "form refused" page itself. The last argument of a handler (it
/// reads the body).
pub struct Checked(pub Posted);

impl axum::extract::FromRequest<AppState> for Checked {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, Response> {
        let lang = lang_of(req.headers());
        let from_elsewhere = cross_site(req.headers());
        let expected = cookie_value(req.headers(), COOKIE).map(csrf_of);
        let body = Bytes::from_request(req, state)
            .await
            .map_err(axum::response::IntoResponse::into_response)?;
        let p = Posted::parse(&body);
        match expected {
            Some(csrf) if !from_elsewhere && p.get("_csrf") == Some(csrf.as_str()) => {
                Ok(Checked(p))
            }
            _ => Err(forged_page(lang)),
        }
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
            alert: None,
        }
    }

    pub fn page(&self, title: &str, notice: Option<&str>, body: &str) -> Response {
        html(StatusCode::OK, page(&self.frame(title, notice), body))
    }

    /// A refused or failed call: its fields for the form, or the failure page.
    pub fn refusal(&self, e: ServiceError) -> Result<Refusal, Failed> {
        if e.status() >= 500 {
            return Err(Failed(e));
        }
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
        let p = e.into_parts();
        let general = if p.errors.is_empty() {
            Some(match &p.transition {
                Some((current, allowed)) => {
                    let l = self.lang;
                    let current = l.word_of::<relais_domain::outreach::State>(current);
                    let allowed = allowed
                        .iter()
                        .map(|a| l.word_of::<relais_domain::outreach::Event>(a))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let (from, possible) = (l.t().not_possible_from_the, l.t().possible);
                    if l.english {
                        format!("{from} “{current}”; {possible}: {allowed}.")
                    } else {
                        format!("{from} « {current} » ; {possible} : {allowed}.")
                    }
                }
                None => said_of(&p, self.lang),
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

/// A refusal that names no field, in the reader's language: in French the service's title
/// and detail; in English the code's label (the detail is written in French only).
pub fn said_of(p: &crate::error::Parts, lang: Lang) -> String {
    match (&p.detail, lang.english) {
        (_, true) => lang.word(p.code).to_owned(),
        (Some(d), false) => format!("{} — {d}", p.title),
        (None, false) => p.title.to_owned(),
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
fn said_body(lang: Lang, text: &'static str) -> String {
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
