//! The console's toolkit, below its pages: who is calling (the `Desk` extractor and its role
//! policies, the anti-forgery check) and a refused form shown again. The answers every page
//! gives (a page, a redirect, a failure) are `answers`; reading posted forms is `posted`.

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
            return Err(e.into());
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
