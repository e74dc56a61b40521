//! Partners and the keys of their units.

use super::*;

// ------------------------------------------------------------------ partners and their keys

pub(super) async fn partners_page(d: D, RawQuery(raw): RawQuery) -> Response {
    partners_list(&d, &raw, None, None).await
}

/// The partner directory (orientations) and the partner units' API keys (referrals sent by
/// software). A new key is shown once, on the page that follows its creation.
pub(super) async fn partners_list(
    d: &D,
    raw: &Option<String>,
    again: Again<'_>,
    new_key: Option<&str>,
) -> Response {
    let l = d.lang;
    let partners = match crate::casework::partners::list(d).await {
        Ok(p) => p,
        Err(e) => return failure(e, l),
    };
    let units = match crate::casework::referrals::list_units(d).await {
        Ok(u) => u,
        Err(e) => return failure(e, l),
    };
    let mut h = String::new();
    if let Some(k) = new_key {
        h.push_str(&format!(
            "<div class=\"notice\" role=\"status\"><p>{}</p><p><code class=\"secret\">{}</code></p></div>",
            l.t().admin.here_is_the_units,
            esc(k)
        ));
    }
    let rows: Vec<Vec<String>> = partners
        .iter()
        .map(|p| {
            vec![
                esc(&p.name),
                esc(l.word(p.kind)),
                esc(p.contact.as_deref().unwrap_or("—")),
            ]
        })
        .collect();
    table(
        &mut h,
        l.t().admin.partner_directory,
        &[l.t().name, l.t().admin.partner_kind, l.t().admin.contact],
        &rows,
        l.t().admin.no_partner,
    );
    let form_of = |name: &str| match &again {
        Some((n, r, values)) if *n == name => r.form(values, l),
        _ => Form {
            values: &[],
            errors: &[],
            general: None,
            lang: l,
        },
    };
    let f = form_of("partner");
    h.push_str(&format!("<h2 id=\"new\">{}</h2>", l.t().admin.new_partner));
    f.summary(
        &mut h,
        &[
            ("name", "Nom", "Name"),
            ("kind", "Type", "Kind"),
            ("contact", "Contact", "Contact"),
        ],
    );
    form_open(&mut h, "/console/admin/partenaires", &d.csrf, "");
    f.input(&mut h, "name", l.t().name, "text", true, "");
    f.select(
        &mut h,
        "kind",
        l.t().admin.partner_kind,
        &options::<PartnerKind>(l),
        true,
    );
    f.input(
        &mut h,
        "contact",
        l.t().admin.contact_phone_address,
        "text",
        false,
        "",
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        l.t().admin.add_the_partner
    ));
    let rows: Vec<Vec<String>> = units
        .iter()
        .map(|u| {
            let mut action = String::new();
            if u.revoked_at.is_none() {
                form_open(&mut action, &format!("/console/admin/cles/{}/revoquer", u.id), &d.csrf, "class=\"inline\"");
                action.push_str(&format!(
                    "<button type=\"submit\" class=\"quiet\" aria-label=\"{} {}\">{}</button></form>",
                    l.t().admin.revoke_the_key_of,
                    esc(&u.name),
                    l.t().admin.revoke
                ));
            }
            vec![
                esc(&u.name),
                esc(l.word(u.channel)),
                format!("<code>{}…</code>", esc(&u.key_prefix)),
                if u.revoked_at.is_some() {
                    l.t().admin.revoked.to_owned()
                } else {
                    l.t().admin.key_active.to_owned()
                },
                action,
            ]
        })
        .collect();
    h.push_str(&format!(
        "<h2 id=\"keys\">{}</h2>",
        l.t().admin.partner_units_keys
    ));
    table(
        &mut h,
        l.t().admin.units_that_send_referrals,
        &[
            l.t().unit,
            l.t().origin,
            l.t().admin.key,
            l.t().state,
            l.t().action,
        ],
        &rows,
        l.t().admin.no_unit,
    );
    let f = form_of("unit");
    f.summary(
        &mut h,
        &[("name", "Unité", "Name"), ("channel", "Origine", "Origin")],
    );
    form_open(&mut h, "/console/admin/cles", &d.csrf, "");
    f.input(
        &mut h,
        "name",
        l.t().unit_brigade_station_service,
        "text",
        true,
        "",
    );
    let channels: Vec<(String, String)> = options::<OriginChannel>(l)
        .into_iter()
        .filter(|(v, _)| OriginChannel::parse(v).is_some_and(|c| c.is_referral()))
        .collect();
    f.select(&mut h, "channel", l.t().origin, &channels, true);
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        l.t().admin.create_a_key
    ));
    let title = l.t().admin.partners;
    match again {
        Some((_, r, _)) => html(r.status, page(&d.frame(title, None), &h)),
        None => d.page(title, notice(raw, d.lang).as_deref(), &h),
    }
}

pub(super) async fn create_partner(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let r = match p.read::<PartnerInput>(&[
        ("name", Kind::Needed),
        ("kind", Kind::Text),
        ("contact", Kind::Text),
    ]) {
        Ok(i) => crate::casework::partners::create(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => done("/console/admin/partenaires", Done::PartnerAdded),
        Err(e) => match d.refusal(e) {
            Ok(refusal) => {
                partners_list(&d, &None, Some(("partner", &refusal, p.values())), None).await
            }
            Err(resp) => resp,
        },
    }
}

pub(super) async fn create_key(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let r = match p.read::<PartnerUnitInput>(&[("name", Kind::Needed), ("channel", Kind::Text)]) {
        Ok(i) => crate::casework::referrals::create_unit(&d, i).await,
        Err(e) => Err(e),
    };
    match r {
        // Shown once, on this answer; never in an address or a later page.
        Ok(unit) => partners_list(&d, &None, None, unit.api_key.as_deref()).await,
        Err(e) => match d.refusal(e) {
            Ok(refusal) => {
                partners_list(&d, &None, Some(("unit", &refusal, p.values())), None).await
            }
            Err(resp) => resp,
        },
    }
}

pub(super) async fn revoke_key(
    d: D,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = d.posted(&headers, &body) {
        return r;
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found(d.lang);
    };
    match crate::casework::referrals::revoke_unit(&d, id).await {
        Ok(()) => done("/console/admin/partenaires", Done::KeyRevoked),
        Err(e) if e.status() == 404 => not_found(d.lang),
        Err(e) => failure(e, d.lang),
    }
}
