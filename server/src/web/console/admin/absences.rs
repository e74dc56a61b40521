//! Absences, and the preview of a coordinator's week.

use super::*;

// ------------------------------------------------------------------ absences and the week preview

pub(super) async fn absences(d: D, RawQuery(raw): RawQuery) -> Response {
    absences_page(&d, &raw, None).await
}

pub(super) async fn absences_page(
    d: &D,
    raw: &Option<String>,
    again: Option<(&super::super::Refusal, Vec<(String, String)>)>,
) -> Response {
    let l = d.lang;
    let people = match crate::paging::every(|p| crate::accounts::list(d, p)).await {
        Ok(p) => p.items,
        Err(e) => return failure(e, l),
    };
    let list = match calendar::list_absences(d, calendar::CalendarQuery::default()).await {
        Ok(a) => a,
        Err(e) => return failure(e, l),
    };
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
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| {
            vec![
                esc(&name_of(a.coordinator_id)),
                esc(&if a.kind == "recurring" {
                    format!(
                        "{} {:?} {}–{}",
                        l.t().admin.weekly,
                        a.days.clone().unwrap_or_default(),
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
    let mut h = String::new();
    table(
        &mut h,
        l.t().admin.absences,
        &[l.t().admin.social_worker, l.t().when],
        &rows,
        l.t().admin.no_absence,
    );
    let f = match &again {
        Some((r, values)) => r.form(values, l),
        None => Form::empty(l),
    };
    h.push_str(&format!("<h2 id=\"new\">{}</h2>", l.t().admin.new_absence));
    f.summary(
        &mut h,
        &[
            ("coordinator_id", "Intervenant·e", "Social worker"),
            ("start_local", "Début", "Start"),
            ("end_local", "Fin", "End"),
        ],
    );
    form_open(&mut h, "/console/admin/absences", &d.csrf, "");
    f.select(
        &mut h,
        "coordinator_id",
        l.t().admin.social_worker,
        &people
            .iter()
            .filter(|a| a.role == Role::Coordinator && !a.disabled)
            .map(|a| (a.id.to_string(), a.display_name.clone()))
            .collect::<Vec<_>>(),
        true,
    );
    f.input(
        &mut h,
        "start_local",
        l.t().admin.start_date_and_time,
        "datetime-local",
        true,
        "",
    );
    f.input(
        &mut h,
        "end_local",
        l.t().admin.end_date_and_time,
        "datetime-local",
        true,
        "",
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form><p><a href=\"/console/admin/horaires\">{}</a></p>",
        l.t().admin.add_the_absence,
        l.t().admin.back_to_the_opening
    ));
    let title = l.t().admin.absences;
    match again {
        Some((r, _)) => html(r.status, page(&d.frame(title, None), &h)),
        None => d.page(title, notice(raw, d.lang).as_deref(), &h),
    }
}

pub(super) async fn create_absence(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    // A browser sends "2026-12-24T14:00"; the wire type reads seconds too.
    let mut fields = p.0.clone();
    for (k, v) in fields.iter_mut() {
        if (k == "start_local" || k == "end_local") && v.len() == 16 {
            v.push_str(":00");
        }
    }
    fields.push(("kind".into(), "one_off".into()));
    let with = super::super::Posted(fields);
    let r = match with.read::<AbsenceInput>(&[
        ("coordinator_id", Kind::Text),
        ("kind", Kind::Text),
        ("start_local", Kind::Needed),
        ("end_local", Kind::Needed),
    ]) {
        Ok(i) => calendar::create_absence(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => done("/console/admin/absences", Done::AbsenceAdded),
        Err(e) => match d.refusal(e) {
            Ok(refusal) => absences_page(&d, &None, Some((&refusal, p.values()))).await,
            Err(resp) => resp,
        },
    }
}

/// The free times a coordinator's windows, exceptions, absences and appointments leave over
/// the next seven days, for one type at one site: what the person's link and the slot picker
/// will offer.
pub(super) async fn preview(d: D, RawQuery(raw): RawQuery) -> Response {
    let l = d.lang;
    let people = match crate::paging::every(|p| crate::accounts::list(&d, p)).await {
        Ok(p) => p.items,
        Err(e) => return failure(e, l),
    };
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
        .filter(|a| a.role == Role::Coordinator && !a.disabled)
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
    let mut h = String::from("<form method=\"get\" action=\"/console/admin/apercu\">");
    f.select(
        &mut h,
        "coordinator_id",
        l.t().admin.social_worker,
        &coordinators,
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
    f.select(
        &mut h,
        "type_id",
        l.t().appointment_type,
        &types
            .iter()
            .map(|t| (t.id.to_string(), t.name.clone()))
            .collect::<Vec<_>>(),
        true,
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        l.t().admin.show_absences
    ));
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
                        esc(&day.format("%d/%m/%Y").to_string()),
                        of_day.len().to_string(),
                        esc(&of_day
                            .iter()
                            .map(|s| {
                                s.start
                                    .with_timezone(&crate::zone::DEFAULT)
                                    .format("%H:%M")
                                    .to_string()
                            })
                            .collect::<Vec<_>>()
                            .join(" ")),
                    ]);
                    day += chrono::Duration::days(1);
                }
                table(
                    &mut h,
                    l.t().admin.the_next_seven_days,
                    &[l.t().day, l.t().admin.free_times, l.t().admin.times],
                    &rows,
                    "",
                );
            }
        }
    }
    d.page(l.t().admin.week_preview, None, &h)
}
