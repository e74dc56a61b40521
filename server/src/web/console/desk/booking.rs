//! Booking from the file with a slot picker.

use super::*;

// ------------------------------------------------------------------ booking from the file

pub(super) async fn slots(d: D, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Response {
    slots_page(&d, &id, &raw, None).await
}

pub(super) async fn slots_page(
    d: &D,
    id: &str,
    raw: &Option<String>,
    refusal: Option<&super::super::Refusal>,
) -> Response {
    let l = d.lang;
    let sid = match id_of(id, l) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let s = match situations::get(d, sid).await {
        Ok(s) => s,
        Err(e) if e.status() == 404 => return not_found(l),
        Err(e) => return failure(e, l),
    };
    let all_types = crate::paging::every(|p| types::list_types(d, p))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let sites = crate::paging::every(|p| crate::organisation::list(d, p))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let chosen_type = query(raw, "type_id").or_else(|| all_types.first().map(|t| t.id.to_string()));
    let chosen_site = query(raw, "site_id").or_else(|| sites.first().map(|s| s.id.to_string()));
    let today = d.now().with_timezone(&TZ).date_naive();
    let from = query(raw, "du")
        .and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())
        .filter(|d| *d >= today)
        .unwrap_or(today);
    let picked: Vec<(String, String)> = [
        (
            "type_id".to_owned(),
            chosen_type.clone().unwrap_or_default(),
        ),
        (
            "site_id".to_owned(),
            chosen_site.clone().unwrap_or_default(),
        ),
    ]
    .into();
    let f = match refusal {
        Some(r) => r.form(&picked, l),
        None => Form {
            values: &picked,
            errors: &[],
            general: None,
            lang: l,
        },
    };
    let mut h = String::new();
    f.summary(
        &mut h,
        &[
            ("type_id", "Type", "Type"),
            ("site_id", "Site", "Site"),
            ("start", "Créneau", "Time"),
        ],
    );
    h.push_str(&format!(
        "<form method=\"get\" action=\"/console/situations/{sid}/rendez-vous\" class=\"inline\">"
    ));
    f.select(
        &mut h,
        "type_id",
        l.t().appointment_type,
        &all_types
            .iter()
            .map(|t| (t.id.to_string(), t.name.clone()))
            .collect::<Vec<_>>(),
        true,
    );
    f.select(
        &mut h,
        "site_id",
        l.t().site,
        &sites
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect::<Vec<_>>(),
        true,
    );
    h.push_str(&format!(
        "<input type=\"hidden\" name=\"du\" value=\"{from}\"><button type=\"submit\">{}</button></form>",
        l.t().show_free_times
    ));
    if let (Some(t), Some(site)) = (chosen_type.clone(), chosen_site.clone()) {
        let to = from + Duration::days(6);
        let found = search::availability(
            d,
            search::AvailabilityQuery {
                type_id: t.clone(),
                site_id: site.clone(),
                coordinator_id: None,
                from: from.to_string(),
                to: to.to_string(),
            },
        )
        .await;
        match found {
            Err(e) if e.status() >= 500 => return failure(e, l),
            Err(e) => {
                let p = e.into_parts();
                h.push_str(&format!(
                    "<p class=\"errors\" role=\"alert\">{}</p>",
                    esc(p
                        .errors
                        .first()
                        .map(|e| e.message.as_str())
                        .unwrap_or(p.title))
                ));
            }
            Ok(found) => {
                h.push_str(&format!(
                    "<h2 id=\"slots\" tabindex=\"-1\">{} {} → {}</h2>",
                    l.t().free_times_from,
                    from.format("%d/%m/%Y"),
                    to.format("%d/%m/%Y")
                ));
                if found.is_empty() {
                    h.push_str(&format!(
                        "<p class=\"empty\">{}</p>",
                        l.t().no_free_time_this
                    ));
                }
                let mut day = None;
                for slot in found.iter().take(120) {
                    let local = slot.start.with_timezone(&TZ);
                    if day != Some(local.date_naive()) {
                        if day.is_some() {
                            h.push_str("</ul>");
                        }
                        day = Some(local.date_naive());
                        h.push_str(&format!(
                            "<h3>{}</h3><ul class=\"slots\">",
                            local.format(if l.english { "%A %d %B" } else { "%d/%m/%Y" })
                        ));
                    }
                    h.push_str("<li>");
                    form_open(
                        &mut h,
                        &format!("/console/situations/{sid}/rendez-vous"),
                        &d.csrf,
                        "",
                    );
                    h.push_str(&format!(
                        "<input type=\"hidden\" name=\"type_id\" value=\"{}\"><input type=\"hidden\" name=\"site_id\" value=\"{}\">\
<input type=\"hidden\" name=\"coordinator_id\" value=\"{}\"><input type=\"hidden\" name=\"person_id\" value=\"{}\">\
<input type=\"hidden\" name=\"start\" value=\"{}\"><button type=\"submit\" aria-label=\"{} {}\">{}</button></form></li>",
                        esc(&t),
                        esc(&site),
                        slot.coordinator_id,
                        s.person_id,
                        esc(&slot.start.to_rfc3339()),
                        l.t().book,
                        local.format("%d/%m/%Y %H:%M"),
                        local.format("%H:%M")
                    ));
                }
                if day.is_some() {
                    h.push_str("</ul>");
                }
                let q = |d: NaiveDate| {
                    format!(
                        "/console/situations/{sid}/rendez-vous?type_id={}&amp;site_id={}&amp;du={d}",
                        esc(&t),
                        esc(&site)
                    )
                };
                h.push_str("<p class=\"pager\">");
                if from > today {
                    h.push_str(&format!(
                        "<a href=\"{}\">{}</a> ",
                        q((from - Duration::days(7)).max(today)),
                        l.t().previous_week
                    ));
                }
                h.push_str(&format!(
                    "<a href=\"{}\">{}</a></p>",
                    q(from + Duration::days(7)),
                    l.t().next_week
                ));
            }
        }
    }
    h.push_str(&format!(
        "<p><a href=\"/console/situations/{sid}\">{}</a></p>",
        l.t().back_to_the_file
    ));
    let title = format!("{} {}", l.t().appointment_for, s.person_initials);
    match refusal {
        Some(r) => html(r.status, page(&d.frame(&title, None), &h)),
        None => d.page(&title, None, &h),
    }
}

pub(super) async fn book(
    d: D,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let sid = match id_of(&id, d.lang) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let r = match p.read::<AppointmentInput>(&[
        ("type_id", Kind::Text),
        ("site_id", Kind::Text),
        ("coordinator_id", Kind::Text),
        ("person_id", Kind::Text),
        ("start", Kind::Text),
    ]) {
        Ok(i) => crate::scheduling::booking::book(&d, i, None).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(crate::scheduling::booking::Booked::Created(json))
        | Ok(crate::scheduling::booking::Booked::Replayed { body: json, .. }) => {
            let appointment = serde_json::from_str::<serde_json::Value>(&json)
                .ok()
                .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
                .unwrap_or_default();
            done(
                &format!("/console/situations/{sid}?rdv={appointment}"),
                Done::AppointmentBooked,
            )
        }
        Err(e) => match d.refusal(e) {
            Ok(refusal) => {
                let raw = Some(format!(
                    "type_id={}&site_id={}",
                    p.get("type_id").unwrap_or(""),
                    p.get("site_id").unwrap_or("")
                ));
                slots_page(&d, &id, &raw, Some(&refusal)).await
            }
            Err(resp) => resp,
        },
    }
}
