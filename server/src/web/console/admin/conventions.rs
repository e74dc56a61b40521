//! The conventions that fund the post: the list (with the ones each overlaps), a form to
//! record one, a button to remove one entered by mistake.

use super::*;
use relais_domain::dto::ConventionInput;

/// A convention, its one specification: the communes typed one per line.
const CONVENTION_FIELDS: &[Field] = &[
    Field {
        name: "funder",
        input: Input::Text,
        label: |t| t.admin.funder,
        required: true,
        hints: &[],
    },
    Field {
        name: "communes",
        input: Input::Area,
        label: |t| t.admin.communes_one_per_line,
        required: false,
        hints: &[("rows", "4")],
    },
    Field {
        name: "site_ids",
        input: Input::Several,
        label: |t| t.admin.sites_covered,
        required: false,
        hints: &[],
    },
    Field {
        name: "valid_from",
        input: Input::Date,
        label: |t| t.admin.convention_from,
        required: true,
        hints: &[],
    },
    Field {
        name: "valid_until",
        input: Input::Date,
        label: |t| t.admin.convention_until,
        required: true,
        hints: &[],
    },
];

/// The form as posted: the communes in one text, a line each.
#[derive(serde::Deserialize)]
struct Posted {
    funder: String,
    #[serde(default)]
    communes: Option<String>,
    #[serde(default)]
    site_ids: Vec<Uuid>,
    valid_from: NaiveDate,
    valid_until: NaiveDate,
}

impl From<Posted> for ConventionInput {
    fn from(p: Posted) -> Self {
        ConventionInput {
            funder: p.funder,
            communes: p
                .communes
                .unwrap_or_default()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            site_ids: p.site_ids,
            valid_from: p.valid_from,
            valid_until: p.valid_until,
        }
    }
}

#[derive(askama::Template)]
#[template(path = "console/admin/conventions.html")]
struct ConventionsView {
    t: &'static Text,
    list: TableView,
    form: FormView,
}

fn day(d: NaiveDate, english: bool) -> String {
    if english {
        d.format("%Y-%m-%d").to_string()
    } else {
        d.format("%d/%m/%Y").to_string()
    }
}

pub(super) async fn conventions_page(d: D, RawQuery(raw): RawQuery) -> Page {
    conventions_list(&d, &raw, None).await
}

pub(super) async fn conventions_list(
    d: &D,
    raw: &Option<String>,
    again: Option<(&super::super::Refusal, Vec<(String, String)>)>,
) -> Page {
    let l = d.lang;
    let t = l.t();
    let all = crate::casework::conventions::list(d).await?;
    let sites = crate::paging::every(|p| crate::organisation::list(d, p))
        .await?
        .items;
    let site_name = |id: &Uuid| {
        sites
            .iter()
            .find(|s| s.id == *id)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "—".into())
    };
    let rows = all
        .iter()
        .map(|c| {
            let communes: Vec<String> = c
                .communes
                .iter()
                .map(|x| format!("{} ({})", x.name, x.department))
                .collect();
            let overlaps: Vec<String> = c
                .overlaps
                .iter()
                .filter_map(|o| all.iter().find(|x| x.id == *o))
                .map(|o| o.funder.clone())
                .collect();
            vec![
                Cell::text(&c.funder),
                Cell::text(if communes.is_empty() {
                    "—".to_owned()
                } else {
                    communes.join(", ")
                }),
                Cell::text(if c.site_ids.is_empty() {
                    "—".to_owned()
                } else {
                    c.site_ids
                        .iter()
                        .map(site_name)
                        .collect::<Vec<_>>()
                        .join(", ")
                }),
                Cell::text(format!(
                    "{} – {}",
                    day(c.valid_from, l.english),
                    day(c.valid_until, l.english)
                )),
                Cell::text(if overlaps.is_empty() {
                    "—".to_owned()
                } else {
                    overlaps.join(", ")
                }),
                Cell::default().and_quiet_button(
                    format!("/console/admin/conventions/{}/retirer", c.id),
                    t.admin.remove,
                    format!("{} {}", t.admin.remove_the_convention_of, c.funder),
                ),
            ]
        })
        .collect();
    let list = TableView::new(
        t.admin.conventions,
        &[
            t.admin.funder,
            t.admin.communes_covered,
            t.admin.sites_covered,
            t.admin.convention_period,
            t.admin.overlaps,
            t.action,
        ],
        t.admin.no_convention,
    )
    .rows(rows)
    .csrf(&d.csrf);
    let f = match &again {
        Some((r, values)) => r.form(values, l),
        None => Form::empty(l),
    };
    let form = FormView::new(
        CONVENTION_FIELDS,
        &f,
        "/console/admin/conventions",
        &d.csrf,
        t.admin.add_the_convention,
    )
    .intro(t.admin.conventions_intro)
    .options(
        "site_ids",
        sites
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect(),
    );
    let h = draw(&ConventionsView { t, list, form });
    let title = t.admin.conventions;
    match again {
        Some((r, _)) => Ok(html(r.status, page(&d.frame(title, None), &h))),
        None => Ok(d.page(title, notice(raw, d.lang).as_deref(), &h)),
    }
}

pub(super) async fn create_convention(d: D, Checked(p): Checked) -> Page {
    let r = match p.read_fields::<Posted>(CONVENTION_FIELDS) {
        Ok(i) => crate::casework::conventions::create(&d, i.into())
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done("/console/admin/conventions", Done::ConventionAdded)),
        Err(e) => {
            let refusal = d.refusal(e)?;
            conventions_list(&d, &None, Some((&refusal, p.values()))).await
        }
    }
}

pub(super) async fn remove_convention(d: D, Path(id): Path<String>, _: Checked) -> Page {
    let Ok(id) = Uuid::parse_str(&id) else {
        return Ok(not_found(d.lang));
    };
    crate::casework::conventions::remove(&d, id).await?;
    Ok(done("/console/admin/conventions", Done::ConventionRemoved))
}
