//! A coordinator's opening windows per site.

use super::*;

// ------------------------------------------------------------------ opening windows

pub(super) const WINDOW_LABELS: &[(&str, &str, &str)] = &[
    ("coordinator_id", "Intervenant·e", "Social worker"),
    ("site_id", "Site", "Site"),
    ("days", "Jours", "Days"),
    ("start", "Début", "Start"),
    ("end", "Fin", "End"),
];

pub(super) async fn windows(d: D, RawQuery(raw): RawQuery) -> Response {
    windows_page(&d, &raw, None).await
}

pub(super) async fn windows_page(
    d: &D,
    raw: &Option<String>,
    again: Option<(&super::super::Refusal, Vec<(String, String)>)>,
) -> Response {
    let l = d.lang;
    let people = match crate::paging::every(|p| crate::accounts::list(d, p)).await {
        Ok(p) => p.items,
        Err(e) => return failure(e, l),
    };
    let coordinators: Vec<_> = people
        .iter()
        .filter(|a| a.role == Role::Coordinator && !a.disabled)
        .collect();
    let sites = crate::paging::every(|p| crate::organisation::list(d, p))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let all = match calendar::list_windows(d, calendar::CalendarQuery::default()).await {
        Ok(w) => w,
        Err(e) => return failure(e, l),
    };
    const DAYS_FR: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
    const DAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
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
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|w| {
            let days: Vec<&str> = w
                .days
                .iter()
                .filter(|d| (1..=7).contains(*d))
                .map(|d| {
                    if l.english {
                        DAYS_EN[*d as usize - 1]
                    } else {
                        DAYS_FR[*d as usize - 1]
                    }
                })
                .collect();
            vec![
                esc(&name_of(w.coordinator_id)),
                esc(&site_of(w.site_id)),
                esc(&days.join(" ")),
                esc(&format!(
                    "{} – {}",
                    w.start.format("%H:%M"),
                    w.end.format("%H:%M")
                )),
            ]
        })
        .collect();
    let mut h = String::new();
    table(
        &mut h,
        l.t().admin.opening_windows,
        &[
            l.t().admin.social_worker,
            l.t().site,
            l.t().days,
            l.t().admin.hours,
        ],
        &rows,
        l.t().admin.no_window_nobody_can,
    );
    let f = match &again {
        Some((r, values)) => r.form(values, l),
        None => Form::empty(l),
    };
    h.push_str(&format!("<h2 id=\"new\">{}</h2>", l.t().admin.new_window));
    f.summary(&mut h, WINDOW_LABELS);
    form_open(&mut h, "/console/admin/horaires", &d.csrf, "");
    f.select(
        &mut h,
        "coordinator_id",
        l.t().admin.social_worker,
        &coordinators
            .iter()
            .map(|a| (a.id.to_string(), a.display_name.clone()))
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
    h.push_str(&format!("<fieldset><legend>{}</legend>", l.t().days));
    for n in 1..=7u8 {
        let checked = f
            .values
            .iter()
            .any(|(k, v)| k == "days" && *v == n.to_string());
        h.push_str(&format!(
            "<div class=\"check\"><input type=\"checkbox\" id=\"day-{n}\" name=\"days\" value=\"{n}\"{}><label for=\"day-{n}\">{}</label></div>",
            if checked { " checked" } else { "" },
            if l.english { DAYS_EN[n as usize - 1] } else { DAYS_FR[n as usize - 1] }
        ));
    }
    h.push_str("</fieldset>");
    f.input(&mut h, "start", l.t().admin.start_hh_mm, "time", true, "");
    f.input(&mut h, "end", l.t().admin.end_hh_mm, "time", true, "");
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        l.t().admin.add_the_window
    ));
    h.push_str(&format!(
        "<ul class=\"actions\"><li><a href=\"/console/admin/absences\">{}</a></li><li><a href=\"/console/admin/apercu\">{}</a></li></ul>",
        l.t().admin.absences,
        l.t().admin.week_preview_the_resulting
    ));
    let title = l.t().admin.opening_hours;
    match again {
        Some((r, _)) => html(r.status, page(&d.frame(title, None), &h)),
        None => d.page(title, notice(raw, d.lang).as_deref(), &h),
    }
}

pub(super) async fn create_window(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    // Days are numbers in the JSON; the form sends them as text.
    let mut json = p.json(&[
        ("coordinator_id", Kind::Text),
        ("site_id", Kind::Text),
        ("days", Kind::List),
        ("start", Kind::Needed),
        ("end", Kind::Needed),
    ]);
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
        Ok(()) => done("/console/admin/horaires", Done::WindowAdded),
        Err(e) => match d.refusal(e) {
            Ok(refusal) => windows_page(&d, &None, Some((&refusal, p.values()))).await,
            Err(resp) => resp,
        },
    }
}
