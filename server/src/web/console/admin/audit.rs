//! The audit log and the retention rules (a dry run, then the run).

use super::*;

// ------------------------------------------------------------------ audit log and retention

#[derive(askama::Template)]
#[template(path = "console/admin/audit.html")]
struct AuditView {
    t: &'static Text,
    list: TableView,
    /// The cursor of the next, older page, encoded for its link.
    older: Option<String>,
}

/// The run's confirmation: the list read first.
const CONFIRM_FIELDS: &[Field] = &[Field {
    name: "confirm",
    input: Input::Check,
    label: |t| t.admin.i_checked_the_list,
    required: true,
    hints: &[],
}];

#[derive(askama::Template)]
#[template(path = "console/admin/retention.html")]
struct RetentionView {
    t: &'static Text,
    list: TableView,
    form: Option<FormView>,
}

pub(super) async fn audit_page(d: D, RawQuery(raw): RawQuery) -> Page {
    let l = d.lang;
    let paging = Paging {
        limit: Some("100".into()),
        after: query(&raw, "apres"),
    };
    let page_of = match crate::casework::persons::audit_log_view(&d, paging).await {
        Ok(p) => p,
        Err(e) if e.status() < 500 => return Ok(not_found(l)),
        Err(e) => return Err(e.into()),
    };
    let people = crate::paging::every(|p| crate::accounts::list(&d, p))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let t = l.t();
    let rows = page_of
        .items
        .iter()
        .map(|e| {
            let who = e
                .account_id
                .and_then(|a| people.iter().find(|p| p.id == a))
                .map(|p| p.display_name.clone())
                .unwrap_or_else(|| "—".into());
            vec![
                Cell::text(
                    e.at.with_timezone(&crate::zone::DEFAULT)
                        .format("%d/%m/%Y %H:%M:%S")
                        .to_string(),
                ),
                Cell::text(who),
                Cell::text(crate::render::console::audit_action(&e.action, l)),
                Cell::text(format!(
                    "{} {}",
                    e.record_type.as_deref().unwrap_or(""),
                    e.record_id
                        .map(|i| i.to_string()[..8].to_owned())
                        .unwrap_or_default()
                )),
                Cell::text(crate::render::console::audit_outcome(&e.outcome, l)),
            ]
        })
        .collect();
    let list = TableView::new(
        t.admin.audit_log,
        &[t.when, t.who, t.action, t.admin.record, t.outcome],
        t.nothing_yet,
    )
    .rows(rows);
    let h = draw(&AuditView {
        t,
        list,
        older: page_of
            .next_cursor
            .map(|c| crate::render::html::url_encode(&c)),
    });
    Ok(d.page(l.t().admin.menu_audit_log, None, &h))
}

pub(super) async fn retention_page(d: D, RawQuery(raw): RawQuery) -> Page {
    let l = d.lang;
    // The dry run: what the rules would anonymise now, nothing changed.
    let run = crate::retention::run(
        &d.state,
        d.organisation_id(),
        Some(d.caller.account_id),
        d.now(),
        true,
    )
    .await?;
    let t = l.t();
    let rows = run
        .items
        .iter()
        .map(|i| {
            vec![
                Cell::text(&i.person_id.to_string()[..8]),
                Cell::text(l.word(i.rule)),
                Cell::text(
                    i.last_activity_at
                        .with_timezone(&crate::zone::DEFAULT)
                        .format("%d/%m/%Y")
                        .to_string(),
                ),
            ]
        })
        .collect();
    let list = TableView::new(
        t.admin.files_concerned,
        &[t.person, t.admin.rule, t.admin.last_activity],
        t.admin.no_file_to_anonymise,
    )
    .rows(rows);
    let form = (!run.items.is_empty()).then(|| {
        FormView::new(
            CONFIRM_FIELDS,
            &Form::empty(l),
            "/console/admin/conservation",
            &d.csrf,
            t.admin.anonymise_now,
        )
        .look("danger")
    });
    let h = draw(&RetentionView { t, list, form });
    Ok(d.page(
        l.t().admin.retention_of_files,
        notice(&raw, d.lang).as_deref(),
        &h,
    ))
}

pub(super) async fn retention_run(d: D, Checked(p): Checked) -> Page {
    if p.get("confirm") != Some("true") {
        return Ok(done("/console/admin/conservation", Done::NothingAnonymised));
    }
    let r = crate::retention::run(
        &d.state,
        d.organisation_id(),
        Some(d.caller.account_id),
        d.now(),
        false,
    )
    .await?;
    Ok(done(
        "/console/admin/conservation",
        Done::Anonymised(r.anonymised),
    ))
}
