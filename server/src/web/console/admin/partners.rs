//! Partners and the keys of their units.

use super::*;

// ------------------------------------------------------------------ partners and their keys

/// A new partner of the directory, its one specification.
const PARTNER_FIELDS: &[Field] = &[
    Field {
        name: "name",
        input: Input::Text,
        label: |t| t.name,
        required: true,
        hints: &[],
    },
    Field {
        name: "kind",
        input: Input::Choice,
        label: |t| t.admin.partner_kind,
        required: true,
        hints: &[],
    },
    Field {
        name: "contact",
        input: Input::Text,
        label: |t| t.admin.contact_phone_address,
        required: false,
        hints: &[],
    },
];

/// A new partner unit and its key, its one specification.
const UNIT_FIELDS: &[Field] = &[
    Field {
        name: "name",
        input: Input::Text,
        label: |t| t.unit_brigade_station_service,
        required: true,
        hints: &[],
    },
    Field {
        name: "channel",
        input: Input::Choice,
        label: |t| t.origin,
        required: true,
        hints: &[],
    },
];

#[derive(askama::Template)]
#[template(path = "console/admin/partners.html")]
struct PartnersView<'a> {
    t: &'static Text,
    new_key: Option<&'a str>,
    partners: TableView,
    partner: FormView,
    units: TableView,
    unit: FormView,
}

pub(super) async fn partners_page(d: D, RawQuery(raw): RawQuery) -> Page {
    partners_list(&d, &raw, None, None).await
}

/// The partner directory (orientations) and the partner units' API keys (referrals sent by
/// software). A new key is shown once, on the page that follows its creation.
pub(super) async fn partners_list(
    d: &D,
    raw: &Option<String>,
    again: Again<'_>,
    new_key: Option<&str>,
) -> Page {
    let l = d.lang;
    let partners = crate::casework::partners::list(d).await?;
    let units = crate::casework::referrals::list_units(d).await?;
    let t = l.t();
    let rows = partners
        .iter()
        .map(|p| {
            vec![
                Cell::text(&p.name),
                Cell::text(l.word(p.kind)),
                Cell::text(p.contact.as_deref().unwrap_or("—")),
            ]
        })
        .collect();
    let partners = TableView::new(
        t.admin.partner_directory,
        &[t.name, t.admin.partner_kind, t.admin.contact],
        t.admin.no_partner,
    )
    .rows(rows);
    let form_of = |name: &str| match &again {
        Some((n, r, values)) if *n == name => r.form(values, l),
        _ => Form::empty(l),
    };
    let partner = FormView::new(
        PARTNER_FIELDS,
        &form_of("partner"),
        "/console/admin/partenaires",
        &d.csrf,
        t.admin.add_the_partner,
    )
    .options("kind", options::<PartnerKind>(l));
    let rows = units
        .iter()
        .map(|u| {
            let mut action = Cell::default();
            if u.revoked_at.is_none() {
                action = action.and_quiet_button(
                    format!("/console/admin/cles/{}/revoquer", u.id),
                    t.admin.revoke,
                    format!("{} {}", t.admin.revoke_the_key_of, u.name),
                );
            }
            vec![
                Cell::text(&u.name),
                Cell::text(l.word(u.channel)),
                Cell::text(format!("{}…", u.key_prefix)),
                Cell::text(if u.revoked_at.is_some() {
                    t.admin.revoked
                } else {
                    t.admin.key_active
                }),
                action,
            ]
        })
        .collect();
    let units = TableView::new(
        t.admin.units_that_send_referrals,
        &[t.unit, t.origin, t.admin.key, t.state, t.action],
        t.admin.no_unit,
    )
    .rows(rows)
    .csrf(&d.csrf);
    let channels: Vec<(String, String)> = options::<OriginChannel>(l)
        .into_iter()
        .filter(|(v, _)| OriginChannel::parse(v).is_some_and(|c| c.is_referral()))
        .collect();
    let unit = FormView::new(
        UNIT_FIELDS,
        &form_of("unit"),
        "/console/admin/cles",
        &d.csrf,
        t.admin.create_a_key,
    )
    .options("channel", channels)
    .ids("unit", &["name"]);
    let h = draw(&PartnersView {
        t,
        new_key,
        partners,
        partner,
        units,
        unit,
    });
    let title = l.t().admin.partners;
    match again {
        Some((_, r, _)) => Ok(html(r.status, page(&d.frame(title, None), &h))),
        None => Ok(d.page(title, notice(raw, d.lang).as_deref(), &h)),
    }
}

pub(super) async fn create_partner(d: D, Checked(p): Checked) -> Page {
    let r = match p.read_fields::<PartnerInput>(PARTNER_FIELDS) {
        Ok(i) => crate::casework::partners::create(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done("/console/admin/partenaires", Done::PartnerAdded)),
        Err(e) => {
            let refusal = d.refusal(e)?;
            partners_list(&d, &None, Some(("partner", &refusal, p.values())), None).await
        }
    }
}

pub(super) async fn create_key(d: D, Checked(p): Checked) -> Page {
    let r = match p.read_fields::<PartnerUnitInput>(UNIT_FIELDS) {
        Ok(i) => crate::casework::referrals::create_unit(&d, i).await,
        Err(e) => Err(e),
    };
    match r {
        // Shown once, on this answer; never in an address or a later page.
        Ok(unit) => partners_list(&d, &None, None, unit.api_key.as_deref()).await,
        Err(e) => {
            let refusal = d.refusal(e)?;
            partners_list(&d, &None, Some(("unit", &refusal, p.values())), None).await
        }
    }
}

pub(super) async fn revoke_key(d: D, Path(id): Path<String>, _: Checked) -> Page {
    let Ok(id) = Uuid::parse_str(&id) else {
        return Ok(not_found(d.lang));
    };
    crate::casework::referrals::revoke_unit(&d, id).await?;
    Ok(done("/console/admin/partenaires", Done::KeyRevoked))
}
