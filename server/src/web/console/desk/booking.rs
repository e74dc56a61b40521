//! Booking from the file with a slot picker.

use super::*;

// ------------------------------------------------------------------ booking from the file

/// What the picker shows, its one specification (sent in the address).
const PICK_FIELDS: &[Field] = &[
    Field {
        name: "type_id",
        input: Input::Choice,
        label: |t| t.appointment_type,
        required: true,
        hints: &[],
    },
    Field {
        name: "site_id",
        input: Input::Choice,
        label: |t| t.site,
        required: true,
        hints: &[],
    },
    Field {
        name: "du",
        input: Input::Hidden,
        label: |t| t.day,
        required: false,
        hints: &[],
    },
];

/// A booking posted from a free time: every field carried by the page.
const BOOK_FIELDS: &[Field] = &[
    Field {
        name: "type_id",
        input: Input::Hidden,
        label: |t| t.appointment_type,
        required: false,
        hints: &[],
    },
    Field {
        name: "site_id",
        input: Input::Hidden,
        label: |t| t.site,
        required: false,
        hints: &[],
    },
    Field {
        name: "coordinator_id",
        input: Input::Hidden,
        label: |t| t.admin.social_worker,
        required: false,
        hints: &[],
    },
    Field {
        name: "person_id",
        input: Input::Hidden,
        label: |t| t.person,
        required: false,
        hints: &[],
    },
    Field {
        name: "start",
        input: Input::Hidden,
        label: |t| t.when,
        required: false,
        hints: &[],
    },
];

/// A week of free times for one type at one site.
struct WeekView {
    type_id: String,
    site_id: String,
    from: String,
    to: String,
    days: Vec<(String, Vec<SlotView>)>,
    previous: Option<String>,
    next: String,
}

#[derive(askama::Template)]
#[template(path = "console/desk/book.html")]
struct BookView {
    t: &'static Text,
    csrf: String,
    sid: Uuid,
    person_id: Uuid,
    pick: FormView,
    refused: Option<String>,
    week: Option<WeekView>,
}

pub(super) async fn slots(d: D, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Page {
    slots_page(&d, &id, &raw, None).await
}

pub(super) async fn slots_page(
    d: &D,
    id: &str,
    raw: &Option<String>,
    refusal: Option<&super::super::Refusal>,
) -> Page {
    let l = d.lang;
    let sid = id_of(id)?;
    let s = situations::get(d, sid).await?;
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
    // The site's own day.
    let zone = chosen_site
        .as_deref()
        .and_then(|c| sites.iter().find(|s| s.id.to_string() == c))
        .and_then(|s| s.time_zone.parse::<Tz>().ok())
        .unwrap_or(TZ);
    let today = d.now().with_timezone(&zone).date_naive();
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
        ("du".to_owned(), from.to_string()),
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
    let t_ = l.t();
    let mut pick = FormView::new(
        PICK_FIELDS,
        &f,
        format!("/console/situations/{sid}/rendez-vous"),
        "",
        t_.show_free_times,
    )
    .get()
    .options(
        "type_id",
        all_types
            .iter()
            .map(|t| (t.id.to_string(), t.name.clone()))
            .collect(),
    )
    .options(
        "site_id",
        sites
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect(),
    );
    // A refused booking names the time it refused: its summary comes with the picker.
    pick.summary = crate::render::console::spec::summary(BOOK_FIELDS, &f, l).or(pick.summary);
    let mut refused = None;
    let mut week = None;
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
            Err(e) if e.status() >= 500 => return Err(e.into()),
            Err(e) => {
                let p = e.into_parts();
                refused = Some(
                    p.errors
                        .first()
                        .map(|e| e.message_in(l.english).to_owned())
                        .unwrap_or_else(|| super::super::said_of(&p, l)),
                );
            }
            Ok(found) => {
                let q = |d: NaiveDate| {
                    format!(
                        "/console/situations/{sid}/rendez-vous?type_id={}&site_id={}&du={d}",
                        crate::render::html::url_encode(&t),
                        crate::render::html::url_encode(&site)
                    )
                };
                week = Some(WeekView {
                    days: by_day(&found, l),
                    from: from.format("%d/%m/%Y").to_string(),
                    to: to.format("%d/%m/%Y").to_string(),
                    previous: (from > today).then(|| q((from - Duration::days(7)).max(today))),
                    next: q(from + Duration::days(7)),
                    type_id: t,
                    site_id: site,
                });
            }
        }
    }
    let h = draw(&BookView {
        t: t_,
        csrf: d.csrf.clone(),
        sid,
        person_id: s.person_id,
        pick,
        refused,
        week,
    });
    let title = format!("{} {}", l.t().appointment_for, s.person_initials);
    match refusal {
        Some(r) => Ok(html(r.status, page(&d.frame(&title, None), &h))),
        None => Ok(d.page(&title, None, &h)),
    }
}

pub(super) async fn book(d: D, Path(id): Path<String>, Checked(p): Checked) -> Page {
    let sid = id_of(&id)?;
    let r = match p.read_fields::<AppointmentInput>(BOOK_FIELDS) {
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
            Ok(done(
                &format!("/console/situations/{sid}?rdv={appointment}"),
                Done::AppointmentBooked,
            ))
        }
        Err(e) => {
            let refusal = d.refusal(e)?;
            let raw = Some(format!(
                "type_id={}&site_id={}",
                crate::render::html::url_encode(p.get("type_id").unwrap_or("")),
                crate::render::html::url_encode(p.get("site_id").unwrap_or(""))
            ));
            slots_page(&d, &id, &raw, Some(&refusal)).await
        }
    }
}
