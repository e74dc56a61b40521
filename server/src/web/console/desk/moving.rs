//! Moving an appointment: the free times of its type at its site, a week at a time, read in
//! the site's own time; the move posts the version the page saw (a stale one is refused).

use super::*;
use crate::render::console::spec::{SummaryView, summary};
use crate::render::console::text::Text;
use relais_domain::dto::{AppointmentStatus, MoveInput};

/// A free time as a picker shows it: the instant posted, who holds it, its time read in
/// the site's own time (short for the button, long for its accessible name).
pub(super) struct SlotView {
    pub(super) start: String,
    pub(super) coordinator: Uuid,
    pub(super) short: String,
    pub(super) long: String,
}

/// Free times by day, each read in its site's own time (a slot carries the site's offset);
/// at most 120.
pub(super) fn by_day(found: &[relais_domain::dto::Slot], l: Lang) -> Vec<(String, Vec<SlotView>)> {
    let mut days: Vec<(String, Vec<SlotView>)> = Vec::new();
    for slot in found.iter().take(120) {
        let local = slot.start.naive_local();
        let label = local
            .format(if l.english { "%A %d %B" } else { "%d/%m/%Y" })
            .to_string();
        if days.last().is_none_or(|(d, _)| *d != label) {
            days.push((label, Vec::new()));
        }
        if let Some((_, list)) = days.last_mut() {
            list.push(SlotView {
                start: slot.start.to_rfc3339(),
                coordinator: slot.coordinator_id,
                short: local.format("%H:%M").to_string(),
                long: local.format("%d/%m/%Y %H:%M").to_string(),
            });
        }
    }
    days
}

#[derive(askama::Template)]
#[template(path = "console/desk/move.html")]
struct MoveView {
    t: &'static Text,
    csrf: String,
    id: Uuid,
    action: String,
    summary: Option<SummaryView>,
    current: String,
    from: String,
    to: String,
    days: Vec<(String, Vec<SlotView>)>,
    site: Uuid,
    version: i32,
    previous: Option<String>,
    next: String,
}

pub(super) async fn move_page(d: D, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Page {
    move_view(&d, &id, &raw, None).await
}

async fn move_view(
    d: &D,
    id: &str,
    raw: &Option<String>,
    refusal: Option<&super::super::Refusal>,
) -> Page {
    let l = d.lang;
    let t = l.t();
    let aid = id_of(id)?;
    let a = match crate::scheduling::booking::get(d, aid).await {
        Ok(a) => a,
        Err(e) if e.status() == 404 => return Ok(not_found(l)),
        Err(e) => return Err(e.into()),
    };
    if a.status != AppointmentStatus::Planned {
        return Ok(super::super::see_other(&format!(
            "/console/rendez-vous/{aid}"
        )));
    }
    // The site's own day: the appointment's offset is the site's.
    let today = d.now().with_timezone(a.start.offset()).date_naive();
    let from = query(raw, "du")
        .and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())
        .filter(|d| *d >= today)
        .unwrap_or(today);
    let to = from + Duration::days(6);
    let found = search::availability(
        d,
        search::AvailabilityQuery {
            type_id: a.type_id.to_string(),
            site_id: a.site_id.to_string(),
            coordinator_id: None,
            from: from.to_string(),
            to: to.to_string(),
        },
    )
    .await;
    let found = found?;
    let days = by_day(&found, l);
    let week = |d: NaiveDate| format!("/console/rendez-vous/{aid}/deplacer?du={d}");
    let f = match refusal {
        Some(r) => r.form(&[], l),
        None => Form::empty(l),
    };
    let body = draw(&MoveView {
        t,
        csrf: d.csrf.clone(),
        id: aid,
        action: format!("/console/rendez-vous/{aid}/deplacer"),
        summary: summary(&[], &f, l),
        current: format!(
            "{} – {}",
            a.start.naive_local().format("%d/%m/%Y %H:%M"),
            a.end.naive_local().format("%H:%M")
        ),
        from: from.format("%d/%m/%Y").to_string(),
        to: to.format("%d/%m/%Y").to_string(),
        days,
        site: a.site_id,
        version: a.version,
        previous: (from > today).then(|| week((from - Duration::days(7)).max(today))),
        next: week(from + Duration::days(7)),
    });
    match refusal {
        Some(r) => Ok(html(
            r.status,
            page(&d.frame(t.move_the_appointment, None), &body),
        )),
        None => Ok(d.page(t.move_the_appointment, None, &body)),
    }
}

/// A move posted from a free time: every field carried by the page, with the version it saw.
const MOVE_FIELDS: &[Field] = &[
    Field {
        name: "start",
        input: Input::Hidden,
        label: |t| t.move_to,
        required: true,
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
        name: "version",
        input: Input::Version,
        label: |t| t.move_the_appointment,
        required: false,
        hints: &[],
    },
];

pub(super) async fn move_appointment(d: D, Path(id): Path<String>, Checked(p): Checked) -> Page {
    let aid = id_of(&id)?;
    let r = match p.read_fields::<MoveInput>(MOVE_FIELDS) {
        Ok(i) => crate::scheduling::booking::move_appointment(&d, aid, i).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => Ok(done(
            &format!("/console/rendez-vous/{aid}"),
            Done::AppointmentMoved,
        )),
        Err(e) if e.status() == 404 => Ok(not_found(d.lang)),
        Err(e) => {
            let refusal = d.refusal(e)?;
            move_view(&d, &id, &None, Some(&refusal)).await
        }
    }
}
