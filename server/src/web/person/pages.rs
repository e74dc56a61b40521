//! The pages a link opens: the check, the times offered, a time to confirm, the appointment.

use super::*;

// ------------------------------------------------------------------ pages

/// `/r/{token}`: the link from the message. Exchanged for a session, then `/rdv` without it.
pub(super) async fn open(
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
pub(super) async fn show(
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

pub(super) fn first_day(o: &Offers, now: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    let tz = o
        .places
        .first()
        .map(|p| p.tz)
        .unwrap_or(chrono_tz::Europe::Paris);
    now.with_timezone(&tz).date_naive()
}

pub(super) async fn appointment_view(seen: &links::Seen, h: &Held) -> AppointmentView {
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
pub(super) async fn confirm(
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

pub(super) fn back_to_slots(moving: bool) -> &'static str {
    if moving {
        "/rdv?etape=deplacer"
    } else {
        "/rdv"
    }
}

pub(super) fn with_notice(
    state: &AppState,
    h: &Held,
    s: Option<PersonSession>,
    n: Notice,
) -> HeaderValue {
    let mut s =
        s.unwrap_or_else(|| PersonSession::new(h.link.id, h.link.session_epoch, state.now()));
    s.verified = true;
    s.notice = Some(n);
    cookie(state, &s)
}

pub(super) fn taken(state: &AppState, h: &Held, moving: bool) -> Response {
    see_other(
        back_to_slots(moving),
        Some(with_notice(state, h, None, Notice::SlotTaken)),
    )
}

pub(super) fn bad_choice(state: &AppState, h: &Held, moving: bool) -> Response {
    see_other(
        back_to_slots(moving),
        Some(with_notice(state, h, None, Notice::BadChoice)),
    )
}
