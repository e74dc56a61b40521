//! What the person's pages share: the session cookie, the answers (a page, a redirect, the neutral page), the link held and its offers.

use super::*;

// ------------------------------------------------------------------ plumbing

pub(super) fn query(raw: &Option<String>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub(super) fn form(body: &Bytes, name: &str) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub(super) fn session(state: &AppState, headers: &HeaderMap) -> Option<PersonSession> {
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

pub(super) fn secure(state: &AppState) -> &'static str {
    if state.config().public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    }
}

pub(super) fn cookie(state: &AppState, s: &PersonSession) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax{}",
        state.cipher().sign_session(&s.payload()),
        secure(state)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("rdv=; Path=/; Max-Age=0"))
}

pub(super) fn no_cookie() -> HeaderValue {
    HeaderValue::from_static("rdv=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
}

pub(super) fn html(
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

pub(super) fn see_other(location: &str, set: Option<HeaderValue>) -> Response {
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    if let Some(c) = set {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

pub(super) fn neutral(state: &AppState, english: bool) -> Response {
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
pub(super) fn failed(state: &AppState, e: ServiceError, english: bool) -> Response {
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

pub(super) fn english_of(raw: &Option<String>, s: Option<&PersonSession>) -> bool {
    s.map(|s| s.english)
        .unwrap_or_else(|| query(raw, "lang").as_deref() == Some("en"))
}

/// The session and its link, or the neutral page.
pub(super) async fn held(
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

pub(super) fn slots_view(h: &Held, o: &Offers, from: NaiveDate, moving: bool) -> SlotsView {
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
