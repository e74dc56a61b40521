//! A coordinator's opening windows per site.

use super::*;

// ------------------------------------------------------------------ opening windows

/// A new opening window, its one specification.
const WINDOW_FIELDS: &[Field] = &[
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
        name: "days",
        input: Input::Several,
        label: |t| t.days,
        required: true,
        hints: &[],
    },
    Field {
        name: "start",
        input: Input::Time,
        label: |t| t.admin.start_hh_mm,
        required: true,
        hints: &[],
    },
    Field {
        name: "end",
        input: Input::Time,
        label: |t| t.admin.end_hh_mm,
        required: true,
        hints: &[],
    },
];

#[derive(askama::Template)]
#[template(path = "console/admin/hours.html")]
struct HoursView {
    t: &'static Text,
    list: TableView,
    form: FormView,
}

pub(super) async fn windows(d: D, RawQuery(raw): RawQuery) -> Page {
    windows_page(&d, &raw, None).await
}

pub(super) async fn windows_page(
    d: &D,
    raw: &Option<String>,
    again: Option<(&super::super::Refusal, Vec<(String, String)>)>,
) -> Page {
    let l = d.lang;
    let people = crate::paging::every(|p| crate::accounts::list(d, p))
        .await?
        .items;
    let coordinators: Vec<_> = people
        .iter()
        .filter(|a| a.role.holds_appointments() && !a.disabled)
        .collect();
    let sites = crate::paging::every(|p| crate::organisation::list(d, p))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let all = calendar::list_windows(d, calendar::CalendarQuery::default()).await?;
    let name_of = |id: Uuid| {
        people
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.display_name.clone())
            .unwrap_or_default()
    };
    let site_of = |id: Uuid| {
        sites
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let t = l.t();
    let rows = all
        .iter()
        .map(|w| {
            let days: Vec<&str> = w.days.iter().map(|&n| l.weekday(n)).collect();
            vec![
                Cell::text(name_of(w.coordinator_id)),
                Cell::text(site_of(w.site_id)),
                Cell::text(days.join(" ")),
                Cell::text(format!(
                    "{} – {}",
                    w.start.format("%H:%M"),
                    w.end.format("%H:%M")
                )),
            ]
        })
        .collect();
    let list = TableView::new(
        t.admin.opening_windows,
        &[t.admin.social_worker, t.site, t.days, t.admin.hours],
        t.admin.no_window_nobody_can,
    )
    .rows(rows);
    let f = match &again {
        Some((r, values)) => r.form(values, l),
        None => Form::empty(l),
    };
    let form = FormView::new(
        WINDOW_FIELDS,
        &f,
        "/console/admin/horaires",
        &d.csrf,
        t.admin.add_the_window,
    )
    .options(
        "coordinator_id",
        coordinators
            .iter()
            .map(|a| (a.id.to_string(), a.display_name.clone()))
            .collect(),
    )
    .options(
        "site_id",
        sites
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect(),
    )
    .options(
        "days",
        (1..=7u8)
            .map(|n| (n.to_string(), l.weekday(n).to_owned()))
            .collect(),
    );
    let h = draw(&HoursView { t, list, form });
    let title = l.t().admin.opening_hours;
    match again {
        Some((r, _)) => Ok(html(r.status, page(&d.frame(title, None), &h))),
        None => Ok(d.page(title, notice(raw, d.lang).as_deref(), &h)),
    }
}

pub(super) async fn create_window(d: D, Checked(p): Checked) -> Page {
    // Days are numbers in the JSON; the form sends them as text.
    let mut json = p.json(&super::super::Posted::kinds(WINDOW_FIELDS));
    if let Some(days) = json.get_mut("days").and_then(|d| d.as_array_mut()) {
        for v in days.iter_mut() {
            if let Some(n) = v.as_str().and_then(|s| s.parse::<u8>().ok()) {
                *v = serde_json::Value::from(n);
            }
        }
    }
    let r = match crate::input::parse_json::<OpeningWindowInput>(
        &serde_json::to_vec(&json).unwrap_or_default(),
    ) {
        Ok(i) => calendar::create_window(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done("/console/admin/horaires", Done::WindowAdded)),
        Err(e) => {
            let refusal = d.refusal(e)?;
            windows_page(&d, &None, Some((&refusal, p.values()))).await
        }
    }
}
