//! A coordinator's dated exceptions to the week's hours: a day closed at a site, or hours
//! on top of the week's; the list, a new one, one removed.

use super::*;
use relais_domain::dto::{ExceptionKind, ScheduleExceptionInput};

/// An exception's form, its one specification.
pub(super) const EXCEPTION_FIELDS: &[Field] = &[
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
        name: "date",
        input: Input::Date,
        label: |t| t.day,
        required: true,
        hints: &[],
    },
    Field {
        name: "kind",
        input: Input::Choice,
        label: |t| t.admin.exception_kind,
        required: true,
        hints: &[],
    },
    Field {
        name: "start",
        input: Input::Time,
        label: |t| t.admin.exception_start,
        required: false,
        hints: &[],
    },
    Field {
        name: "end",
        input: Input::Time,
        label: |t| t.admin.exception_end,
        required: false,
        hints: &[],
    },
];

#[derive(askama::Template)]
#[template(path = "console/admin/exceptions.html")]
struct ExceptionsView {
    t: &'static Text,
    list: TableView,
    form: FormView,
}

pub(super) async fn exceptions(d: D, RawQuery(raw): RawQuery) -> Page {
    exceptions_page(&d, &raw, None).await
}

pub(super) async fn exceptions_page(
    d: &D,
    raw: &Option<String>,
    again: Option<(&super::super::Refusal, Vec<(String, String)>)>,
) -> Page {
    let l = d.lang;
    let t = l.t();
    let people = crate::paging::every(|p| crate::accounts::list(d, p))
        .await?
        .items;
    let sites = crate::paging::every(|p| crate::organisation::list(d, p))
        .await?
        .items;
    let all = calendar::list_exceptions(d, calendar::CalendarQuery::default()).await?;
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
    let today = d.now().date_naive();
    let rows = all
        .iter()
        // What is past no longer changes a calendar: the list shows what is to come.
        .filter(|x| x.date >= today - chrono::Duration::days(1))
        .map(|x| {
            vec![
                Cell::text(name_of(x.coordinator_id)),
                Cell::text(site_of(x.site_id)),
                Cell::text(x.date.format("%d/%m/%Y").to_string()),
                Cell::text(l.word_of::<ExceptionKind>(&x.kind)),
                Cell::text(match (x.start, x.end) {
                    (Some(s), Some(e)) => format!("{} – {}", s.format("%H:%M"), e.format("%H:%M")),
                    _ => "—".to_owned(),
                }),
                Cell::button(
                    format!("/console/admin/exceptions/{}/retirer", x.id),
                    t.admin.remove,
                ),
            ]
        })
        .collect();
    let list = TableView::new(
        t.admin.exceptions_to_come,
        &[
            t.admin.social_worker,
            t.site,
            t.day,
            t.admin.exception_kind,
            t.admin.hours,
            t.actions,
        ],
        t.admin.no_exception_to_come,
    )
    .rows(rows)
    .csrf(&d.csrf);
    let f = match &again {
        Some((r, values)) => r.form(values, l),
        None => Form::empty(l),
    };
    let form = FormView::new(
        EXCEPTION_FIELDS,
        &f,
        "/console/admin/exceptions",
        &d.csrf,
        t.admin.add_the_exception,
    )
    .options(
        "coordinator_id",
        people
            .iter()
            .filter(|a| a.role.holds_appointments() && !a.disabled)
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
    .options("kind", options::<ExceptionKind>(l));
    let body = draw(&ExceptionsView { t, list, form });
    match again {
        Some((r, _)) => Ok(html(
            r.status,
            page(&d.frame(t.admin.exceptions_title, None), &body),
        )),
        None => Ok(d.page(
            t.admin.exceptions_title,
            notice(raw, d.lang).as_deref(),
            &body,
        )),
    }
}

pub(super) async fn create_exception(d: D, Checked(p): Checked) -> Page {
    let r = match p.read_fields::<ScheduleExceptionInput>(EXCEPTION_FIELDS) {
        Ok(i) => calendar::create_exception(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done("/console/admin/exceptions", Done::ExceptionAdded)),
        Err(e) => {
            let refusal = d.refusal(e)?;
            exceptions_page(&d, &None, Some((&refusal, p.values()))).await
        }
    }
}

pub(super) async fn remove_exception(d: D, Path(id): Path<String>, _: Checked) -> Page {
    let Ok(id) = Uuid::parse_str(&id) else {
        return Ok(not_found(d.lang));
    };
    calendar::delete_exception(&d, id).await?;
    Ok(done("/console/admin/exceptions", Done::ExceptionRemoved))
}
