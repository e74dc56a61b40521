//! What the person's forms do: the check, booking, moving, cancelling; and the quick exit, the language, the safety advice and the assets.

use super::*;

// ------------------------------------------------------------------ forms

pub(super) async fn verify(
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
pub(super) async fn acting(
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

pub(super) fn refused(
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

pub(super) async fn reserve(
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

pub(super) async fn move_to(
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

pub(super) async fn cancel(
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
pub(super) async fn exit(State(state): State<AppState>, headers: HeaderMap) -> Response {
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

pub(super) async fn language(
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

pub(super) async fn safety(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let s = session(&state, &headers);
    let en = english_of(&raw, s.as_ref());
    html(&state, StatusCode::OK, &Page::Safety, en, None)
}

pub(super) async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/rdv.css")),
    )
        .into_response()
}

pub(super) async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/rdv.js")),
    )
        .into_response()
}
