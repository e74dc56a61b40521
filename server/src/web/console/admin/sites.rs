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
        l.w("Sites du service", "The service's sites"),
        &[
            l.w("Nom", "Name"),
            l.w("Adresse", "Address"),
            l.w("Lieu dans les messages", "Place in messages"),
        ],
        &rows,
        l.w(
            "Aucun site : créez le premier ci-dessous.",
            "No site yet: create the first below.",
        ),
    );
    let f = match &again {
        Some((r, values)) => r.form(values, l),
        None => Form::empty(l),
    };
    h.push_str(&format!(
        "<h2 id=\"new\">{}</h2>",
        l.w("Nouveau site", "New site")
    ));
    f.summary(&mut h, SITE_LABELS);
    form_open(&mut h, "/console/admin/sites", &d.csrf, "");
    f.input(
        &mut h,
        "name",
        l.w(
            "Nom (interne, jamais montré aux personnes)",
            "Name (internal, never shown to people)",
        ),
        "text",
        true,
        "",
    );
    f.input(
        &mut h,
        "address",
        l.w("Adresse", "Address"),
        "text",
        true,
        "autocomplete=\"off\"",
    );
    f.input(&mut h, "phone", l.w("Téléphone", "Phone"), "tel", false, "");
    f.input(
        &mut h,
        "message_place",
        l.w(
            "Lieu neutre dans les messages (ex. « 12 rue de la Paix, Melun ») ; vide : les messages ne nomment pas le lieu",
            "Neutral place in messages (e.g. “12 rue de la Paix, Melun”); empty: messages do not name the place",
        ),
        "text",
        false,
        "",
    );
    f.checkbox(
        &mut h,
        "alsace_moselle",
        l.w(
            "Alsace-Moselle (deux jours fériés de plus)",
            "Alsace-Moselle (two more public holidays)",
        ),
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        l.w("Créer le site", "Create the site")
    ));
    let title = l.w("Sites", "Sites");
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
