//! The service's prevention actions: the list since the first day of last year (with the
//! people reached), a form to record one, and a button to remove one entered by mistake.
//! No person is named in an action.

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::routing::{get, post};
use relais_domain::dto::{Partner, PreventionAction, PreventionActionInput};
use relais_domain::prevention::PreventionKind;
use uuid::Uuid;

use super::{Checked, Desk, Done, FileReaders, Page, done, html, not_found, notice};
use crate::casework::{partners, prevention};
use crate::render::console::spec::{Field, FormView, Input};
use crate::render::console::table::{Cell, TableView};
use crate::render::console::{Form, Lang, draw, options, page};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/prevention", get(list).post(record))
        .route(
            "/console/prevention/{id}/retirer",
            post(remove).get(|| async { super::see_other("/console/prevention") }),
        )
}

type D = Desk<FileReaders>;

const AT_LEAST_ZERO: &[(&str, &str)] = &[("min", "0"), ("inputmode", "numeric")];

/// A prevention action, its one specification.
const FIELDS: &[Field] = &[
    Field {
        name: "held_on",
        input: Input::Date,
        label: |t| t.prevention.held_on,
        required: true,
        hints: &[],
    },
    Field {
        name: "kind",
        input: Input::Choice,
        label: |t| t.action,
        required: true,
        hints: &[],
    },
    Field {
        name: "place",
        input: Input::Text,
        label: |t| t.prevention.place_hint,
        required: true,
        hints: &[("autocomplete", "off")],
    },
    Field {
        name: "partner_ids",
        input: Input::Several,
        label: |t| t.prevention.partners_involved,
        required: false,
        hints: &[],
    },
    Field {
        name: "people_reached",
        input: Input::Number,
        label: |t| t.prevention.people_reached,
        required: true,
        hints: AT_LEAST_ZERO,
    },
    Field {
        name: "pupils",
        input: Input::Number,
        label: |t| t.prevention.of_whom_pupils,
        required: false,
        hints: AT_LEAST_ZERO,
    },
    Field {
        name: "inhabitants",
        input: Input::Number,
        label: |t| t.prevention.of_whom_inhabitants,
        required: false,
        hints: AT_LEAST_ZERO,
    },
    Field {
        name: "professionals",
        input: Input::Number,
        label: |t| t.prevention.of_whom_professionals,
        required: false,
        hints: AT_LEAST_ZERO,
    },
];

#[derive(askama::Template)]
#[template(path = "console/prevention.html")]
struct PreventionView {
    t: &'static crate::render::console::text::Text,
    actions: TableView,
    form: FormView,
}

fn day(d: chrono::NaiveDate, l: Lang) -> String {
    if l.english {
        d.format("%Y-%m-%d").to_string()
    } else {
        d.format("%d/%m/%Y").to_string()
    }
}

fn rows(d: &D, actions: &[PreventionAction], directory: &[Partner]) -> Vec<Vec<Cell>> {
    let l = d.lang;
    let t = l.t();
    let mut rows: Vec<Vec<Cell>> = actions
        .iter()
        .map(|a| {
            let names: Vec<&str> = a
                .partner_ids
                .iter()
                .filter_map(|id| directory.iter().find(|p| p.id == *id))
                .map(|p| p.name.as_str())
                .collect();
            vec![
                Cell::text(day(a.held_on, l)),
                Cell::text(l.word(a.kind)),
                Cell::text(&a.place),
                Cell::text(if names.is_empty() {
                    "—".to_owned()
                } else {
                    names.join(", ")
                }),
                Cell::text(a.people_reached.to_string()),
                Cell::default().and_quiet_button(
                    format!("/console/prevention/{}/retirer", a.id),
                    t.admin.remove,
                    format!(
                        "{} {}",
                        t.prevention.remove_the_action_of,
                        day(a.held_on, l)
                    ),
                ),
            ]
        })
        .collect();
    if !actions.is_empty() {
        rows.push(vec![
            Cell::strong(t.prevention.total),
            Cell::strong(actions.len().to_string()),
            Cell::text(""),
            Cell::text(""),
            Cell::strong(
                actions
                    .iter()
                    .map(|a| u64::from(a.people_reached))
                    .sum::<u64>()
                    .to_string(),
            ),
            Cell::text(""),
        ]);
    }
    rows
}

/// The page: the actions since the first day of last year, then the form (`f`: empty, or
/// refused with what was typed).
async fn view(d: &D, f: &Form<'_>) -> Result<String, crate::error::ServiceError> {
    let l = d.lang;
    let t = l.t();
    let (from, _, actions) = prevention::recent(d).await?;
    let directory = partners::list(d).await?;
    let table = TableView::new(
        format!(
            "{} {} {}",
            t.prevention.actions_held,
            t.prevention.since,
            day(from, l)
        ),
        &[
            t.prevention.held_on,
            t.action,
            t.prevention.place,
            t.admin.partners,
            t.prevention.people_reached,
            t.action,
        ],
        t.prevention.no_action,
    )
    .rows(rows(d, &actions, &directory))
    .csrf(&d.csrf);
    let mut form = FormView::new(
        FIELDS,
        f,
        "/console/prevention",
        &d.csrf,
        t.prevention.record_the_action,
    )
    .options("kind", options::<PreventionKind>(l));
    form = if directory.is_empty() {
        form.without("partner_ids")
    } else {
        form.options(
            "partner_ids",
            directory
                .iter()
                .map(|p| (p.id.to_string(), p.name.clone()))
                .collect(),
        )
    };
    Ok(draw(&PreventionView {
        t,
        actions: table,
        form,
    }))
}

async fn list(d: D, RawQuery(raw): RawQuery) -> Page {
    let body = view(&d, &Form::empty(d.lang)).await?;
    Ok(d.page(
        d.lang.t().prevention.title,
        notice(&raw, d.lang).as_deref(),
        &body,
    ))
}

async fn record(d: D, Checked(p): Checked) -> Page {
    let r = match p.read_fields::<PreventionActionInput>(FIELDS) {
        Ok(i) => prevention::record(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done("/console/prevention", Done::PreventionActionRecorded)),
        Err(e) => {
            let refusal = d.refusal(e)?;
            let values = p.values();
            let body = view(&d, &refusal.form(&values, d.lang)).await?;
            Ok(html(
                refusal.status,
                page(&d.frame(d.lang.t().prevention.title, None), &body),
            ))
        }
    }
}

async fn remove(d: D, Path(id): Path<String>, _: Checked) -> Page {
    let Ok(id) = Uuid::parse_str(&id) else {
        return Ok(not_found(d.lang));
    };
    prevention::remove(&d, id).await?;
    Ok(done("/console/prevention", Done::PreventionActionRemoved))
}
