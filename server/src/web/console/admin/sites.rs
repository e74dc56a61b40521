//! Sites: the list and a new site.

use super::*;

// ------------------------------------------------------------------ sites

pub(super) const SITE_LABELS: &[(&str, &str, &str)] = &[
    ("name", "Nom", "Name"),
    ("address", "Adresse", "Address"),
    ("phone", "Téléphone", "Phone"),
    (
        "message_place",
        "Lieu dans les messages",
        "Place in messages",
    ),
];

pub(super) async fn sites(d: D, RawQuery(raw): RawQuery) -> Response {
    sites_page(&d, &raw, None).await
}

pub(super) async fn sites_page(
    d: &D,
    raw: &Option<String>,
    again: Option<(&super::super::Refusal, Vec<(String, String)>)>,
) -> Response {
    let l = d.lang;
    let list = match crate::organisation::list(d, Paging::default()).await {
        Ok(p) => p.items,
        Err(e) => return failure(e, l),
    };
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|s| {
            vec![
                esc(&s.name),
                esc(&s.address),
                esc(s.message_place.as_deref().unwrap_or("—")),
            ]
        })
        .collect();
    let mut h = String::new();
    table(
        &mut h,
        l.t().the_services_sites,
        &[l.t().name, l.t().address, l.t().place_in_messages],
        &rows,
        l.t().no_site_yet_create,
    );
    let f = match &again {
        Some((r, values)) => r.form(values, l),
        None => Form::empty(l),
    };
    h.push_str(&format!("<h2 id=\"new\">{}</h2>", l.t().new_site));
    f.summary(&mut h, SITE_LABELS);
    form_open(&mut h, "/console/admin/sites", &d.csrf, "");
    f.input(
        &mut h,
        "name",
        l.t().name_internal_never_shown,
        "text",
        true,
        "",
    );
    f.input(
        &mut h,
        "address",
        l.t().address,
        "text",
        true,
        "autocomplete=\"off\"",
    );
    f.input(&mut h, "phone", l.t().phone, "tel", false, "");
    f.input(
        &mut h,
        "message_place",
        l.t().neutral_place_in_messages,
        "text",
        false,
        "",
    );
    f.checkbox(&mut h, "alsace_moselle", l.t().alsace_moselle_two_more);
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        l.t().create_the_site
    ));
    let title = l.t().sites;
    match again {
        Some((r, _)) => html(r.status, page(&d.frame(title, None), &h)),
        None => d.page(title, notice(raw, d.lang).as_deref(), &h),
    }
}

pub(super) async fn create_site(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let r = match p.read::<SiteInput>(&[
        ("name", Kind::Needed),
        ("address", Kind::Needed),
        ("phone", Kind::Text),
        ("message_place", Kind::Text),
        ("alsace_moselle", Kind::Flag),
    ]) {
        Ok(i) => crate::organisation::create(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => done("/console/admin/sites", Done::SiteCreated),
        Err(e) => match d.refusal(e) {
            Ok(refusal) => sites_page(&d, &None, Some((&refusal, p.values()))).await,
            Err(resp) => resp,
        },
    }
}
