//! The audit log and the retention rules (a dry run, then the run).

use super::*;

// ------------------------------------------------------------------ audit log and retention

pub(super) async fn audit_page(d: D, RawQuery(raw): RawQuery) -> Response {
    let l = d.lang;
    let paging = Paging {
        limit: Some("100".into()),
        after: query(&raw, "apres"),
    };
    let page_of = match crate::casework::persons::audit_log_view(&d, paging).await {
        Ok(p) => p,
        Err(e) if e.status() < 500 => return not_found(l),
        Err(e) => return failure(e, l),
    };
    let people = crate::paging::every(|p| crate::accounts::list(&d, p))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = page_of
        .items
        .iter()
        .map(|e| {
            let who = e
                .account_id
                .and_then(|a| people.iter().find(|p| p.id == a))
                .map(|p| p.display_name.clone())
                .unwrap_or_else(|| "—".into());
            vec![
                esc(&e
                    .at
                    .with_timezone(&crate::zone::DEFAULT)
                    .format("%d/%m/%Y %H:%M:%S")
                    .to_string()),
                esc(&who),
                esc(&crate::render::console::audit_action(&e.action, l)),
                esc(&format!(
                    "{} {}",
                    e.record_type.as_deref().unwrap_or(""),
                    e.record_id
                        .map(|i| i.to_string()[..8].to_owned())
                        .unwrap_or_default()
                )),
                esc(crate::render::console::audit_outcome(&e.outcome, l)),
            ]
        })
        .collect();
    let mut h = format!("<p>{}</p>", l.t().admin.every_file_opened_every);
    table(
        &mut h,
        l.t().admin.audit_log,
        &[
            l.t().when,
            l.t().who,
            l.t().action,
            l.t().admin.record,
            l.t().outcome,
        ],
        &rows,
        l.t().nothing_yet,
    );
    if let Some(next) = &page_of.next_cursor {
        h.push_str(&format!(
            "<p class=\"pager\"><a href=\"/console/admin/journal?apres={}\">{}</a></p>",
            esc(next),
            l.t().admin.older
        ));
    }
    h.push_str(&format!(
        "<p><a href=\"/console/admin/conservation\">{}</a></p>",
        l.t().admin.retention
    ));
    d.page(l.t().admin.menu_audit_log, None, &h)
}

pub(super) async fn retention_page(d: D, RawQuery(raw): RawQuery) -> Response {
    let l = d.lang;
    // The dry run: what the rules would anonymise now, nothing changed.
    let run = match crate::retention::run(
        &d.state,
        d.organisation_id(),
        Some(d.caller.account_id),
        d.now(),
        true,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return failure(e, l),
    };
    let rows: Vec<Vec<String>> = run
        .items
        .iter()
        .map(|i| {
            vec![
                format!("<code>{}</code>", &i.person_id.to_string()[..8]),
                esc(l.word(i.rule)),
                esc(&i
                    .last_activity_at
                    .with_timezone(&crate::zone::DEFAULT)
                    .format("%d/%m/%Y")
                    .to_string()),
            ]
        })
        .collect();
    let mut h = format!("<p>{}</p>", l.t().admin.files_inactive_for_two);
    table(
        &mut h,
        l.t().admin.files_concerned,
        &[l.t().person, l.t().admin.rule, l.t().admin.last_activity],
        &rows,
        l.t().admin.no_file_to_anonymise,
    );
    if !run.items.is_empty() {
        form_open(&mut h, "/console/admin/conservation", &d.csrf, "");
        h.push_str(&format!(
            "<div class=\"check\"><input type=\"checkbox\" id=\"f-confirm\" name=\"confirm\" value=\"true\" required><label for=\"f-confirm\">{}</label></div><button type=\"submit\" class=\"danger\">{}</button></form>",
            l.t().admin.i_checked_the_list,
            l.t().admin.anonymise_now
        ));
    }
    d.page(
        l.t().admin.retention_of_files,
        notice(&raw, d.lang).as_deref(),
        &h,
    )
}

pub(super) async fn retention_run(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if p.get("confirm") != Some("true") {
        return done("/console/admin/conservation", Done::NothingAnonymised);
    }
    match crate::retention::run(
        &d.state,
        d.organisation_id(),
        Some(d.caller.account_id),
        d.now(),
        false,
    )
    .await
    {
        Ok(r) => done(
            "/console/admin/conservation",
            Done::Anonymised(r.anonymised),
        ),
        Err(e) => failure(e, d.lang),
    }
}
