//! Sites: the list and a new site.

use super::*;

// ------------------------------------------------------------------ sites

/// The new site's form, its one specification.
pub(super) const SITE_FIELDS: &[Field] = &[
    Field {
        name: "name",
        input: Input::Text,
        label: |t| t.admin.name_internal_never_shown,
        required: true,
        hints: &[],
    },
    Field {
        name: "address",
        input: Input::Text,
        label: |t| t.admin.address,
        required: true,
        hints: &[("autocomplete", "off")],
    },
    Field {
        name: "phone",
        input: Input::Tel,
        label: |t| t.phone,
        required: false,
        hints: &[],
    },
    Field {
        name: "message_place",
        input: Input::Text,
        label: |t| t.admin.neutral_place_in_messages,
        required: false,
        hints: &[],
    },
    Field {
        name: "alsace_moselle",
        input: Input::Check,
        label: |t| t.admin.alsace_moselle_two_more,
        required: false,
        hints: &[],
    },
];

#[derive(askama::Template)]
#[template(path = "console/admin/sites.html")]
struct SitesView {
    t: &'static Text,
    list: TableView,
    form: FormView,
}

pub(super) async fn sites(d: D, RawQuery(raw): RawQuery) -> Page {
    sites_page(&d, &raw, None).await
}

pub(super) async fn sites_page(
    d: &D,
    raw: &Option<String>,
    again: Option<(&super::super::Refusal, Vec<(String, String)>)>,
) -> Page {
    let l = d.lang;
    let t = l.t();
    let list = crate::paging::every(|p| crate::organisation::list(d, p))
        .await?
        .items;
    let rows = list
        .iter()
        .map(|s| {
            vec![
                Cell::text(&s.name),
                Cell::text(&s.address),
                Cell::text(s.message_place.as_deref().unwrap_or("—")),
            ]
        })
        .collect();
    let list = TableView::new(
        t.admin.the_services_sites,
        &[t.name, t.admin.address, t.admin.place_in_messages],
        t.admin.no_site_yet_create,
    )
    .rows(rows);
    let f = match &again {
        Some((r, values)) => r.form(values, l),
        None => Form::empty(l),
    };
    let form = FormView::new(
        SITE_FIELDS,
        &f,
        "/console/admin/sites",
        &d.csrf,
        t.admin.create_the_site,
    );
    let body = draw(&SitesView { t, list, form });
    let title = t.admin.sites;
    match again {
        Some((r, _)) => Ok(html(r.status, page(&d.frame(title, None), &body))),
        None => Ok(d.page(title, notice(raw, d.lang).as_deref(), &body)),
    }
}

pub(super) async fn create_site(d: D, Checked(p): Checked) -> Page {
    let r = match p.read_fields::<SiteInput>(SITE_FIELDS) {
        Ok(i) => crate::organisation::create(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done("/console/admin/sites", Done::SiteCreated)),
        Err(e) => {
            let refusal = d.refusal(e)?;
            sites_page(&d, &None, Some((&refusal, p.values()))).await
        }
    }
}
