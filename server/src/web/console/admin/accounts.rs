//! Accounts and roles: the list (paged), a new account, disabling and enabling.

use super::*;

// ------------------------------------------------------------------ accounts

/// A new account, its one specification.
const ACCOUNT_FIELDS: &[Field] = &[
    Field {
        name: "display_name",
        input: Input::Text,
        label: |t| t.admin.display_name,
        required: true,
        hints: &[("autocomplete", "off")],
    },
    Field {
        name: "email",
        input: Input::Email,
        label: |t| t.e_mail_address,
        required: true,
        hints: &[("autocomplete", "off")],
    },
    Field {
        name: "role",
        input: Input::Choice,
        label: |t| t.role,
        required: true,
        hints: &[],
    },
    Field {
        name: "password",
        input: Input::Password,
        label: |t| t.admin.initial_password_12_characters,
        required: true,
        hints: &[("autocomplete", "new-password"), ("minlength", "12")],
    },
    Field {
        name: "site_ids",
        input: Input::Several,
        label: |t| t.admin.sites_where_the_person,
        required: false,
        hints: &[],
    },
];

#[derive(askama::Template)]
#[template(path = "console/admin/accounts.html")]
struct AccountsView {
    t: &'static Text,
    list: TableView,
    form: FormView,
}

pub(super) async fn accounts_page(d: D, RawQuery(raw): RawQuery) -> Page {
    account_list(&d, &raw, None).await
}

pub(super) async fn account_list(
    d: &D,
    raw: &Option<String>,
    again: Option<(&super::super::Refusal, Vec<(String, String)>)>,
) -> Page {
    let l = d.lang;
    let list = crate::paging::every(|p| crate::accounts::list(d, p))
        .await?
        .items;
    let sites = crate::paging::every(|p| crate::organisation::list(d, p))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let t = l.t();
    let rows = list
        .iter()
        .map(|a| {
            let mut action = Cell::default();
            if a.id != d.caller.account_id {
                let (to, label) = if a.disabled {
                    ("reactiver", t.admin.enable)
                } else {
                    ("desactiver", t.admin.disable)
                };
                action = action.and_quiet_button(
                    format!("/console/admin/comptes/{}/{to}", a.id),
                    label,
                    format!("{label} {}", a.email),
                );
                if a.second_factor_enrolled {
                    action = action.and_quiet_button(
                        format!("/console/admin/comptes/{}/second-facteur", a.id),
                        t.admin.reset_second_factor,
                        format!("{} {}", t.admin.reset_the_second_factor, a.email),
                    );
                }
            }
            vec![
                Cell::text(&a.display_name),
                Cell::text(&a.email),
                Cell::text(l.word(a.role)),
                Cell::text(if a.disabled {
                    t.admin.disabled
                } else if a.second_factor_enrolled {
                    t.admin.account_active
                } else {
                    t.admin.second_factor_to_enrol
                }),
                action,
            ]
        })
        .collect();
    let list = TableView::new(
        t.admin.the_services_accounts,
        &[t.name, t.admin.address, t.role, t.state, t.action],
        t.admin.no_account,
    )
    .rows(rows)
    .csrf(&d.csrf);
    let f = match &again {
        Some((r, values)) => r.form(values, l),
        None => Form::empty(l),
    };
    let form = FormView::new(
        ACCOUNT_FIELDS,
        &f,
        "/console/admin/comptes",
        &d.csrf,
        t.admin.create_the_account,
    )
    .options("role", options::<Role>(l))
    .options(
        "site_ids",
        sites
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect(),
    );
    let h = draw(&AccountsView { t, list, form });
    let title = l.t().admin.accounts;
    match again {
        Some((r, _)) => Ok(html(r.status, page(&d.frame(title, None), &h))),
        None => Ok(d.page(title, notice(raw, d.lang).as_deref(), &h)),
    }
}

pub(super) async fn create_account(d: D, Checked(p): Checked) -> Page {
    let r = match p.read_fields::<AccountInput>(ACCOUNT_FIELDS) {
        Ok(i) => crate::accounts::create(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done("/console/admin/comptes", Done::AccountCreated)),
        Err(e) => {
            let refusal = d.refusal(e)?;
            account_list(&d, &None, Some((&refusal, p.values()))).await
        }
    }
}

/// Disable an account (its sessions and phones revoked) or enable it again.
pub(super) async fn disable(d: D, Path((id, change)): Path<(String, String)>, _: Checked) -> Page {
    let Ok(id) = Uuid::parse_str(&id) else {
        return Ok(not_found(d.lang));
    };
    if change == "second-facteur" {
        return match crate::accounts::reset_second_factor(&d, id).await {
            Ok(_) => Ok(done("/console/admin/comptes", Done::SecondFactorReset)),
            Err(e) if e.status() == 404 => Ok(not_found(d.lang)),
            // Said on the page itself, never carried in the address.
            Err(e) => {
                let r = d.refusal(e)?;
                account_list(&d, &None, Some((&r, Vec::new()))).await
            }
        };
    }
    let disabled = match change.as_str() {
        "desactiver" => true,
        "reactiver" => false,
        _ => return Ok(not_found(d.lang)),
    };
    let patch = AccountPatch {
        disabled: Some(disabled),
        ..AccountPatch::default()
    };
    match crate::accounts::update(&d, id, patch).await {
        Ok(_) => Ok(done(
            "/console/admin/comptes",
            if disabled {
                Done::AccountDisabled
            } else {
                Done::AccountEnabled
            },
        )),
        Err(e) if e.status() == 404 => Ok(not_found(d.lang)),
        Err(e) => {
            let r = d.refusal(e)?;
            account_list(&d, &None, Some((&r, Vec::new()))).await
        }
    }
}
