//! The person's pages, the edge: `/r/{token}` exchanges a link for a short session and a
//! clean URL; `/rdv` shows the step the session is at; the forms post, then redirect back to
//! `/rdv` (post/redirect/get), the outcome carried in the session. Parse, call
//! `scheduling::links`, render with `render::person`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Duration, NaiveDate};
use relais_domain::booking_link::{Notice, PersonSession, Purpose};
use relais_domain::problem::ProblemCode;

use super::cross_site;
use crate::edge::ClientIp;
use crate::error::ServiceError;
use crate::render::person::{AppointmentView, DayView, Page, SlotView, SlotsView, page};
use crate::scheduling::links::{self, Checked, Closed, Held, Offer, Offers};
use crate::state::AppState;

const COOKIE: &str = "rdv";
/// Days shown per page of slots: a week keeps the page light on a phone.
const DAYS: i64 = 7;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/r/{token}", get(open))
        .route("/rdv", get(show))
        .route("/rdv/verifier", post(verify))
        .route("/rdv/reserver", post(reserve))
        .route("/rdv/deplacer", post(move_to))
        .route("/rdv/annuler", post(cancel))
        .route("/rdv/sortie", post(exit).get(exit))
        .route("/rdv/langue", get(language))
        .route("/rdv/securite", get(safety))
        .route("/rdv/static/rdv.css", get(css))
        .route("/rdv/static/rdv.js", get(js))
        // Browsers ask for it on their own: nothing, rather than a 404 in the console.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}

// ------------------------------------------------------------------ plumbing

fn query(raw: &Option<String>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn form(body: &Bytes, name: &str) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn session(state: &AppState, headers: &HeaderMap) -> Option<PersonSession> {
    let cookies = headers.get_all(header::COOKIE);
    for v in cookies.iter().filter_map(|v| v.to_str().ok()) {
        for c in v.split(';') {
            if let Some(value) = c.trim().strip_prefix("rdv=") {
                let payload = state.cipher().check_session(value)?;
                return PersonSession::parse(payload, state.now());
            }
        }
    }
    None
}

fn secure(state: &AppState) -> &'static str {
    if state.config().public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    }
}

fn cookie(state: &AppState, s: &PersonSession) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax{}",
        state.cipher().sign_session(&s.payload()),
        secure(state)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("rdv=; Path=/; Max-Age=0"))
}

fn no_cookie() -> HeaderValue {
    HeaderValue::from_static("rdv=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
}

fn html(
    state: &AppState,
    status: StatusCode,
    p: &Page<'_>,
    english: bool,
    set: Option<HeaderValue>,
) -> Response {
    let body = page(p, english, state.config().quick_exit_url.trim());
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    if let Some(c) = set {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

fn see_other(location: &str, set: Option<HeaderValue>) -> Response {
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    if let Some(c) = set {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

fn neutral(state: &AppState, english: bool) -> Response {
    html(
        state,
        StatusCode::NOT_FOUND,
        &Page::Neutral,
        english,
        Some(no_cookie()),
    )
}

/// The person's pages never show an error's details: a failure of the service itself is
/// logged (without personal data) and the person sees a neutral page.
fn failed(state: &AppState, e: ServiceError, english: bool) -> Response {
    if e.status() >= 500 {
        tracing::error!(code = e.code().as_str(), "person's page failed");
        return html(
            state,
            StatusCode::SERVICE_UNAVAILABLE,
            &Page::Unavailable,
            english,
            None,
        );
    }
    neutral(state, english)
}

fn english_of(raw: &Option<String>, s: Option<&PersonSession>) -> bool {
    s.map(|s| s.english)
        .unwrap_or_else(|| query(raw, "lang").as_deref() == Some("en"))
}

/// The session and its link, or the neutral page.
async fn held(
    state: &AppState,
    headers: &HeaderMap,
    ip: Option<std::net::IpAddr>,
) -> Result<(PersonSession, Held), Response> {
    let Some(mut s) = session(state, headers) else {
        return Err(neutral(state, false));
    };
    match links::resume(state, s.link_id, s.epoch, ip).await {
        Ok(Some(h)) => {
            if h.link.id != s.link_id {
                // The booking link gave way to the appointment's manage link.
                s.link_id = h.link.id;
                s.epoch = h.link.session_epoch;
                s.notice = s.notice.or(Some(Notice::AlreadyBooked));
            }
            Ok((s, h))
        }
        Ok(None) if s.notice == Some(Notice::Cancelled) => Err(html(
            state,
            StatusCode::OK,
            &Page::Cancelled,
            s.english,
            Some(no_cookie()),
        )),
        Ok(None) => Err(neutral(state, s.english)),
        Err(e) => Err(failed(state, e, s.english)),
    }
}

fn slots_view(h: &Held, o: &Offers, from: NaiveDate, moving: bool) -> SlotsView {
    let several = o.places.len() > 1;
    let view = |x: &Offer| {
        let n = o.places.iter().position(|p| p.site_id == x.site_id);
        let place = n.map(|n| &o.places[n]);
        let text = place.and_then(|p| p.text.clone());
        SlotView {
            key: links::key_of(h, x),
            start: x.start,
            tz: place.map(|p| p.tz).unwrap_or(chrono_tz::Europe::Paris),
            place_number: n.filter(|_| several && text.is_none()).map(|n| n + 1),
            place: text,
        }
    };
    let tz = o
        .places
        .first()
        .map(|p| p.tz)
        .unwrap_or(chrono_tz::Europe::Paris);
    let today = h.scope.now().with_timezone(&tz).date_naive();
    SlotsView {
        days: o
            .days
            .iter()
            .map(|(d, v)| DayView {
                date: *d,
                slots: v.iter().map(view).collect(),
            })
            .collect(),
        first: o.first.as_ref().map(|f| {
            let v = view(f);
            (f.start.with_timezone(&v.tz).date_naive(), v)
        }),
        from,
        earlier: (from > today).then(|| (from - Duration::days(DAYS)).max(today)),
        later: (from + Duration::days(DAYS) <= o.horizon_end).then(|| from + Duration::days(DAYS)),
        minutes: o.duration_minutes,
        moving,
    }
}

// ------------------------------------------------------------------ pages

/// `/r/{token}`: the link from the message. Exchanged for a session, then `/rdv` without it.
async fn open(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Response {
    match links::open(&state, token.trim(), ip).await {
        Ok(Ok(h)) => see_other(
            "/rdv",
            Some(cookie(
                &state,
                &PersonSession::new(h.link.id, h.link.session_epoch, state.now()),
            )),
        ),
        Ok(Err(Closed::Throttled)) => html(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            &Page::Throttled,
            false,
            Some(no_cookie()),
        ),
        Ok(Err(Closed::Invalid)) => neutral(&state, false),
        Err(e) => failed(&state, e, false),
    }
}

/// `/rdv`: the step the session is at.
async fn show(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let (s, h) = match held(&state, &headers, ip).await {
        Ok(x) => x,
        Err(r) => {
            // Without a session, the neutral page in the language asked for.
            if session(&state, &headers).is_none() && english_of(&raw, None) {
                return neutral(&state, true);
            }
            return r;
        }
    };
    let next = Some(cookie(&state, &s.touched(state.now())));
    let en = s.english;
    if !s.verified {
        return html(&state, StatusCode::OK, &Page::Check(s.notice), en, next);
    }
    let step = query(&raw, "etape");
    let chosen = query(&raw, "creneau");
    let from = query(&raw, "du").and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
    let moving = h.purpose == Purpose::Manage && step.as_deref() == Some("deplacer");
    if h.purpose == Purpose::Manage && !moving {
        let seen = match links::appointment(&h).await {
            Ok(seen) => seen,
            Err(e) => return failed(&state, e, en),
        };
        let a = appointment_view(&seen, &h).await;
        let p = if step.as_deref() == Some("annuler") {
            Page::CancelConfirm(&a)
        } else {
            Page::Appointment(&a, s.notice)
        };
        return html(&state, StatusCode::OK, &p, en, next);
    }
    if let Some(key) = chosen {
        return confirm(&state, &h, &key, moving, en, next).await;
    }
    match links::offers(&h, from, DAYS).await {
        Ok(o) => {
            let v = slots_view(
                &h,
                &o,
                from.unwrap_or_else(|| first_day(&o, state.now())),
                moving,
            );
            html(&state, StatusCode::OK, &Page::Slots(&v, s.notice), en, next)
        }
        Err(e) => failed(&state, e, en),
    }
}

fn first_day(o: &Offers, now: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    let tz = o
        .places
        .first()
        .map(|p| p.tz)
        .unwrap_or(chrono_tz::Europe::Paris);
    now.with_timezone(&tz).date_naive()
}

async fn appointment_view(seen: &links::Seen, h: &Held) -> AppointmentView {
    let minutes = match h.link.type_id {
        Some(t) => crate::scheduling::find_type(&h.scope, t, "type_id")
            .await
            .map(|ty| ty.duration_minutes)
            .unwrap_or(0),
        None => 0,
    };
    AppointmentView {
        start: seen.appointment.starts_at,
        tz: seen.place.tz,
        minutes,
        place: seen.place.text.clone(),
    }
}

/// The confirmation step: the chosen slot, if it is still free.
async fn confirm(
    state: &AppState,
    h: &Held,
    key: &str,
    moving: bool,
    en: bool,
    next: Option<HeaderValue>,
) -> Response {
    let Some((site, start)) = links::parse_key(h, key) else {
        return bad_choice(state, h, moving);
    };
    match links::chosen(h, site, start).await {
        Ok(Some(c)) => {
            let slot = SlotView {
                key: links::key_of(h, &c.offer),
                start: c.offer.start,
                tz: c.place.tz,
                place: c.place.text.clone(),
                place_number: c.number,
            };
            html(
                state,
                StatusCode::OK,
                &Page::Confirm(&slot, c.duration_minutes, moving),
                en,
                next,
            )
        }
        Ok(None) => taken(state, h, moving),
        Err(e) if e.status() < 500 => bad_choice(state, h, moving),
        Err(e) => failed(state, e, en),
    }
}

fn back_to_slots(moving: bool) -> &'static str {
    if moving {
        "/rdv?etape=deplacer"
    } else {
        "/rdv"
    }
}

fn with_notice(state: &AppState, h: &Held, s: Option<PersonSession>, n: Notice) -> HeaderValue {
    let mut s =
        s.unwrap_or_else(|| PersonSession::new(h.link.id, h.link.session_epoch, state.now()));
    s.verified = true;
    s.notice = Some(n);
    cookie(state, &s)
}

fn taken(state: &AppState, h: &Held, moving: bool) -> Response {
    see_other(
        back_to_slots(moving),
        Some(with_notice(state, h, None, Notice::SlotTaken)),
    )
}

fn bad_choice(state: &AppState, h: &Held, moving: bool) -> Response {
    see_other(
        back_to_slots(moving),
        Some(with_notice(state, h, None, Notice::BadChoice)),
    )
}

// ------------------------------------------------------------------ forms

async fn verify(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if cross_site(&headers) {
        return neutral(&state, false);
    }
    let (mut s, h) = match held(&state, &headers, ip).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let answer = form(&body, "reponse").unwrap_or_default();
    let answer = answer.trim();
    if answer.is_empty() || answer.chars().count() > 64 {
        s.notice = None;
        return see_other("/rdv", Some(cookie(&state, &s)));
    }
    match links::check(&h, answer, ip).await {
        Ok(Checked::Passed) => {
            s.verified = true;
            s.notice = None;
        }
        Ok(Checked::Wrong(n)) => s.notice = Some(Notice::WrongAnswer(n.clamp(0, 99) as u8)),
        Ok(Checked::Locked) => s.notice = Some(Notice::WrongAnswer(0)),
        Ok(Checked::Throttled) => {
            return html(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                &Page::Throttled,
                s.english,
                None,
            );
        }
        Err(e) => return failed(&state, e, s.english),
    }
    see_other("/rdv", Some(cookie(&state, &s)))
}

/// The verified session of a link of `purpose`, or the response to give instead.
async fn acting(
    state: &AppState,
    headers: &HeaderMap,
    ip: Option<std::net::IpAddr>,
    purpose: Purpose,
) -> Result<(PersonSession, Held), Response> {
    if cross_site(headers) {
        return Err(neutral(state, false));
    }
    let (s, h) = held(state, headers, ip).await?;
    if !s.verified {
        return Err(see_other("/rdv", None));
    }
    if h.purpose != purpose {
        // A booking link already turned into a manage link (a second submit): show it.
        let n = if purpose == Purpose::Book {
            Notice::AlreadyBooked
        } else {
            Notice::BadChoice
        };
        return Err(see_other("/rdv", Some(with_notice(state, &h, Some(s), n))));
    }
    Ok((s, h))
}

fn refused(
    state: &AppState,
    h: &Held,
    s: PersonSession,
    e: ServiceError,
    moving: bool,
) -> Response {
    let en = s.english;
    match e.code() {
        ProblemCode::SlotTaken
        | ProblemCode::SlotUnavailable
        | ProblemCode::LinkedPartySameHalfDay
        | ProblemCode::StaleVersion => see_other(
            back_to_slots(moving),
            Some(with_notice(state, h, Some(s), Notice::SlotTaken)),
        ),
        c if e.status() < 500 && c != ProblemCode::NotFound => see_other(
            back_to_slots(moving),
            Some(with_notice(state, h, Some(s), Notice::BadChoice)),
        ),
        _ => failed(state, e, en),
    }
}

async fn reserve(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (s, h) = match acting(&state, &headers, ip, Purpose::Book).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some((site, start)) = form(&body, "creneau").and_then(|k| links::parse_key(&h, &k)) else {
        return bad_choice(&state, &h, false);
    };
    match links::book(&h, site, start).await {
        Ok(b) => {
            // The session moves to the appointment's manage link.
            let mut next = PersonSession::new(b.manage_link_id, b.manage_epoch, state.now());
            next.verified = true;
            next.english = s.english;
            next.notice = Some(if b.already {
                Notice::AlreadyBooked
            } else {
                Notice::Booked
            });
            see_other("/rdv", Some(cookie(&state, &next)))
        }
        Err(e) => refused(&state, &h, s, e, false),
    }
}

async fn move_to(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (s, h) = match acting(&state, &headers, ip, Purpose::Manage).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some((site, start)) = form(&body, "creneau").and_then(|k| links::parse_key(&h, &k)) else {
        return bad_choice(&state, &h, true);
    };
    match links::move_to(&h, site, start).await {
        Ok(()) => see_other(
            "/rdv",
            Some(with_notice(&state, &h, Some(s), Notice::Moved)),
        ),
        Err(e) => refused(&state, &h, s, e, true),
    }
}

async fn cancel(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Response {
    let (s, h) = match acting(&state, &headers, ip, Purpose::Manage).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match links::cancel(&h).await {
        Ok(()) => see_other(
            "/rdv",
            Some(with_notice(&state, &h, Some(s), Notice::Cancelled)),
        ),
        Err(e) => refused(&state, &h, s, e, false),
    }
}

/// The quick exit: the session cookie and whatever the browser kept of this site are
/// cleared. A beacon gets 204; the exit form without JavaScript, an empty page.
async fn exit(State(state): State<AppState>, headers: HeaderMap) -> Response {
    // Ended on the server too: a copy of the cookie the browser kept holds nothing. The
    // page is left at once whatever happens here.
    if let Some(s) = session(&state, &headers)
        && let Err(e) = links::end_sessions(&state, s.link_id).await
    {
        tracing::warn!(
            status = e.status(),
            "quick exit: the sessions could not be ended"
        );
    }
    let navigate = headers
        .get("sec-fetch-mode")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|m| m == "navigate");
    let mut r = if navigate {
        html(&state, StatusCode::OK, &Page::Blank, false, None)
    } else {
        StatusCode::NO_CONTENT.into_response()
    };
    let h = r.headers_mut();
    h.insert(header::SET_COOKIE, no_cookie());
    h.insert(
        "clear-site-data",
        HeaderValue::from_static("\"cache\", \"cookies\", \"storage\""),
    );
    r
}

async fn language(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let english = query(&raw, "l").as_deref() == Some("en");
    match session(&state, &headers) {
        Some(mut s) => {
            s.english = english;
            see_other("/rdv", Some(cookie(&state, &s)))
        }
        None => see_other(if english { "/rdv?lang=en" } else { "/rdv" }, None),
    }
}

async fn safety(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let s = session(&state, &headers);
    let en = english_of(&raw, s.as_ref());
    html(&state, StatusCode::OK, &Page::Safety, en, None)
}

async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../static/rdv.css"),
    )
        .into_response()
}

async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../static/rdv.js"),
    )
        .into_response()
}
