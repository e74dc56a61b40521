//! Absences, and the preview of a coordinator's week.

use super::*;

// ------------------------------------------------------------------ absences and the week preview

/// A new absence, its one specification (a one-off absence; the weekly ones come by the API).
const ABSENCE_FIELDS: &[Field] = &[
    Field {
        name: "coordinator_id",
        input: Input::Choice,
        label: |t| t.admin.social_worker,
        required: true,
        hints: &[],
    },
    Field {
        name: "start_local",
        input: Input::DateTime,
        label: |t| t.admin.start_date_and_time,
        required: true,
        hints: &[],
    },
    Field {
        name: "end_local",
        input: Input::DateTime,
        label: |t| t.admin.end_date_and_time,
        required: true,
        hints: &[],
    },
];

#[derive(askama::Template)]
#[template(path = "console/admin/absences.html")]
struct AbsencesView {
    t: &'static Text,
    list: TableView,
    form: FormView,
}

/// What the week preview is for: whose week, at which site, for which type.
const PREVIEW_FIELDS: &[Field] = &[
    Field {
        name: "coordinator_id",
        input: Input::Choice,
        label: |t| t.admin.social_worker,
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
        name: "type_id",
        input: Input::Choice,
        label: |t| t.appointment_type,
        required: true,
        hints: &[],
    },
];

#[derive(askama::Template)]
#[template(path = "console/admin/week_preview.html")]
struct WeekPreviewView {
    form: FormView,
    refused: Option<String>,
    week: Option<TableView>,
}

pub(super) async fn absences(d: D, RawQuery(raw): RawQuery) -> Page {
    absences_page(&d, &raw, None).await
}

pub(super) async fn absences_page(
    d: &D,
    raw: &Option<String>,
    again: Option<(&super::super::Refusal, Vec<(String, String)>)>,
) -> Page {
    let l = d.lang;
    let people = crate::paging::every(|p| crate::accounts::list(d, p))
        .await?
        .items;
    let list = calendar::list_absences(d, calendar::CalendarQuery::default()).await?;
    let name_of = |id: Uuid| {
        people
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.display_name.clone())
            .unwrap_or_default()
    };
    let local = |t: Option<chrono::DateTime<Utc>>| {
        t.map(|t| {
            t.with_timezone(&crate::zone::DEFAULT)
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_default()
    };
    let t = l.t();
    let rows = list
        .iter()
        .map(|a| {
            vec![
                Cell::text(name_of(a.coordinator_id)),
                Cell::text(if a.kind == "recurring" {
                    let days: Vec<&str> = a.days.iter().flatten().map(|&n| l.weekday(n)).collect();
                    format!(
                        "{} {} {}–{}",
                        t.admin.weekly,
                        days.join(" "),
                        a.start
                            .map(|t| t.format("%H:%M").to_string())
                            .unwrap_or_default(),
                        a.end
                            .map(|t| t.format("%H:%M").to_string())
                            .unwrap_or_default()
                    )
                } else {
                    format!("{} → {}", local(a.starts_at), local(a.ends_at))
                }),
            ]
        })
        .collect();
    let list = TableView::new(
        t.admin.absences,
        &[t.admin.social_worker, t.when],
        t.admin.no_absence,
    )
    .rows(rows);
    let f = match &again {
        Some((r, values)) => r.form(values, l),
        None => Form::empty(l),
    };
    let form = FormView::new(
        ABSENCE_FIELDS,
        &f,
        "/console/admin/absences",
        &d.csrf,
        t.admin.add_the_absence,
    )
    .options(
        "coordinator_id",
        people
            .iter()
            .filter(|a| a.role.holds_appointments() && !a.disabled)
            .map(|a| (a.id.to_string(), a.display_name.clone()))
            .collect(),
    );
    let h = draw(&AbsencesView { t, list, form });
    let title = l.t().admin.absences;
    match again {
        Some((r, _)) => Ok(html(r.status, page(&d.frame(title, None), &h))),
        None => Ok(d.page(title, notice(raw, d.lang).as_deref(), &h)),
    }
}

pub(super) async fn create_absence(d: D, Checked(p): Checked) -> Page {
    // A browser sends "2026-12-24T14:00"; the wire type reads seconds too.
    let mut fields = p.0.clone();
    for (k, v) in fields.iter_mut() {
        if (k == "start_local" || k == "end_local") && v.len() == 16 {
            v.push_str(":00");
        }
    }
    fields.push(("kind".into(), "one_off".into()));
    let with = super::super::Posted(fields);
    let mut kinds = super::super::Posted::kinds(ABSENCE_FIELDS);
    kinds.push(("kind", Kind::Text));
    let r = match with.read::<AbsenceInput>(&kinds) {
        Ok(i) => calendar::create_absence(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done("/console/admin/absences", Done::AbsenceAdded)),
        Err(e) => {
            let refusal = d.refusal(e)?;
            absences_page(&d, &None, Some((&refusal, p.values()))).await
        }
    }
}

/// The free times a coordinator's windows, exceptions, absences and appointments leave over
/// the next seven days, for one type at one site: what the person's link and the slot picker
/// will offer.
pub(super) async fn preview(d: D, RawQuery(raw): RawQuery) -> Page {
    let l = d.lang;
    let people = crate::paging::every(|p| crate::accounts::list(&d, p))
        .await?
        .items;
    let sites = crate::paging::every(|p| crate::organisation::list(&d, p))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let types = crate::paging::every(|p| crate::scheduling::types::list_types(&d, p))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let coordinators: Vec<(String, String)> = people
        .iter()
        .filter(|a| a.role.holds_appointments() && !a.disabled)
        .map(|a| (a.id.to_string(), a.display_name.clone()))
        .collect();
    let pick = |name: &str, first: Option<String>| query(&raw, name).or(first);
    let values: Vec<(String, String)> = vec![
        (
            "coordinator_id".into(),
            pick("coordinator_id", coordinators.first().map(|c| c.0.clone())).unwrap_or_default(),
        ),
        (
            "site_id".into(),
            pick("site_id", sites.first().map(|s| s.id.to_string())).unwrap_or_default(),
        ),
        (
            "type_id".into(),
            pick("type_id", types.first().map(|t| t.id.to_string())).unwrap_or_default(),
        ),
    ];
    let f = Form {
        values: &values,
        errors: &[],
        general: None,
        lang: l,
    };
    let t = l.t();
    let form = FormView::new(
        PREVIEW_FIELDS,
        &f,
        "/console/admin/apercu",
        "",
        t.admin.show_absences,
    )
    .get()
    .options("coordinator_id", coordinators)
    .options(
        "site_id",
        sites
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect(),
    )
    .options(
        "type_id",
        types
            .iter()
            .map(|t| (t.id.to_string(), t.name.clone()))
            .collect(),
    );
    let mut refused = None;
    let mut week = None;
    let today = d.now().with_timezone(&crate::zone::DEFAULT).date_naive();
    let to = today + chrono::Duration::days(6);
    if values.iter().all(|(_, v)| !v.is_empty()) {
        let found = crate::scheduling::search::availability(
            &d,
            crate::scheduling::search::AvailabilityQuery {
                type_id: values[2].1.clone(),
                site_id: values[1].1.clone(),
                coordinator_id: Some(values[0].1.clone()),
                from: today.to_string(),
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
            Ok(slots) => {
                let mut rows = Vec::new();
                let mut day = today;
                while day <= to {
                    let of_day: Vec<_> = slots
                        .iter()
                        .filter(|s| {
                            s.start.with_timezone(&crate::zone::DEFAULT).date_naive() == day
                        })
                        .collect();
                    rows.push(vec![
                        Cell::text(day.format("%d/%m/%Y").to_string()),
                        Cell::text(of_day.len().to_string()),
                        Cell::text(
                            of_day
                                .iter()
                                .map(|s| {
                                    s.start
                                        .with_timezone(&crate::zone::DEFAULT)
                                        .format("%H:%M")
                                        .to_string()
                                })
                                .collect::<Vec<_>>()
                                .join(" "),
                        ),
                    ]);
                    day += chrono::Duration::days(1);
                }
                week = Some(
                    TableView::new(
                        t.admin.the_next_seven_days,
                        &[t.day, t.admin.free_times, t.admin.times],
                        t.nothing_yet,
                    )
                    .rows(rows),
                );
            }
        }
    }
    let h = draw(&WeekPreviewView {
        form,
        refused,
        week,
    });
    Ok(d.page(t.admin.week_preview, None, &h))
}
