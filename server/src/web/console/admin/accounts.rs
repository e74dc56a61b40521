//! Accounts and roles: the list (paged), a new account, disabling and enabling.

use super::*;

// ------------------------------------------------------------------ accounts

pub(super) const ACCOUNT_LABELS: &[(&str, &str, &str)] = &[
    ("email", "Adresse électronique", "E-mail address"),
    ("display_name", "Nom affiché", "Display name"),
    ("role", "Rôle", "Role"),
    ("password", "Mot de passe initial", "Initial password"),
    ("site_ids", "Sites", "Sites"),
];

pub(super) async fn accounts_page(d: D, RawQuery(raw): RawQuery) -> Response {
    account_list(&d, &raw, None).await
}

pub(super) async fn account_list(
    d: &D,
    raw: &Option<String>,
    again: Option<(&super::super::Refusal, Vec<(String, String)>)>,
) -> Response {
    let l = d.lang;
    let list = match crate::paging::every(|p| crate::accounts::list(d, p)).await {
        Ok(p) => p.items,
        Err(e) => return failure(e, l),
    };
    let sites = crate::paging::every(|p| crate::organisation::list(d, p))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| {
            let mut action = String::new();
            if a.id != d.caller.account_id {
                let (to, fr, en) = if a.disabled {
                    ("reactiver", "Réactiver", "Enable")
                } else {
                    ("desactiver", "Désactiver", "Disable")
                };
                form_open(
                    &mut action,
                    &format!("/console/admin/comptes/{}/{to}", a.id),
                    &d.csrf,
                    "class=\"inline\"",
                );
                action.push_str(&format!(
                    "<button type=\"submit\" class=\"quiet\" aria-label=\"{} {}\">{}</button></form>",
                    l.w(fr, en),
                    esc(&a.email),
                    l.w(fr, en)
                ));
                if a.second_factor_enrolled {
                    form_open(
                        &mut action,
                        &format!("/console/admin/comptes/{}/second-facteur", a.id),
                        &d.csrf,
                        "class=\"inline\"",
                    );
                    action.push_str(&format!(
                        "<button type=\"submit\" class=\"quiet\" aria-label=\"{} {}\">{}</button></form>",
                        l.t().admin.reset_the_second_factor,
                        esc(&a.email),
                        l.t().admin.reset_second_factor
                    ));
                }
            }
            vec![
                esc(&a.display_name),
                esc(&a.email),
                esc(l.word(a.role)),
                if a.disabled {
                    l.t().admin.disabled.to_owned()
                } else if a.second_factor_enrolled {
                    l.t().admin.account_active.to_owned()
                } else {
                    l.t().admin.second_factor_to_enrol.to_owned()
                },
                action,
            ]
        })
        .collect();
    let mut h = String::new();
    table(
        &mut h,
        l.t().admin.the_services_accounts,
        &[
            l.t().name,
            l.t().admin.address,
            l.t().role,
            l.t().state,
            l.t().action,
        ],
        &rows,
        l.t().admin.no_account,
    );
    let f = match &again {
        Some((r, values)) => r.form(values, l),
        None => Form::empty(l),
    };
    h.push_str(&format!("<h2 id=\"new\">{}</h2>", l.t().admin.new_account));
    f.summary(&mut h, ACCOUNT_LABELS);
    form_open(&mut h, "/console/admin/comptes", &d.csrf, "");
    f.input(
        &mut h,
        "display_name",
        l.t().admin.display_name,
        "text",
        true,
        "autocomplete=\"off\"",
    );
    f.input(
        &mut h,
        "email",
        l.t().e_mail_address,
        "email",
        true,
        "autocomplete=\"off\"",
    );
    f.select(&mut h, "role", l.t().role, &options::<Role>(l), true);
    f.input(
        &mut h,
        "password",
        l.t().admin.initial_password_12_characters,
        "password",
        true,
        "autocomplete=\"new-password\" minlength=\"12\"",
    );
    h.push_str(&format!(
        "<fieldset><legend>{}</legend>",
        l.t().admin.sites_where_the_person
    ));
    for s in &sites {
        let checked = f
            .values
            .iter()
            .any(|(k, v)| k == "site_ids" && *v == s.id.to_string());
        h.push_str(&format!(
            "<div class=\"check\"><input type=\"checkbox\" id=\"site-{0}\" name=\"site_ids\" value=\"{0}\"{1}><label for=\"site-{0}\">{2}</label></div>",
            s.id,
            if checked { " checked" } else { "" },
            esc(&s.name)
        ));
    }
    h.push_str(&format!(
        "</fieldset><button type=\"submit\">{}</button></form>",
        l.t().admin.create_the_account
    ));
    let title = l.t().admin.accounts;
    match again {
        Some((r, _)) => html(r.status, page(&d.frame(title, None), &h)),
        None => d.page(title, notice(raw, d.lang).as_deref(), &h),
    }
}

pub(super) async fn create_account(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let r = match p.read::<AccountInput>(&[
        ("email", Kind::Needed),
        ("display_name", Kind::Needed),
        ("role", Kind::Text),
        ("password", Kind::Needed),
        ("site_ids", Kind::List),
    ]) {
        Ok(i) => crate::accounts::create(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => done("/console/admin/comptes", Done::AccountCreated),
        Err(e) => match d.refusal(e) {
            Ok(refusal) => account_list(&d, &None, Some((&refusal, p.values()))).await,
            Err(resp) => resp,
        },
    }
}

/// Disable an account (its sessions and phones revoked) or enable it again.
pub(super) async fn disable(
    d: D,
    Path((id, change)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = d.posted(&headers, &body) {
        return r;
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found(d.lang);
    };
    if change == "second-facteur" {
        return match crate::accounts::reset_second_factor(&d, id).await {
            Ok(_) => done("/console/admin/comptes", Done::SecondFactorReset),
            Err(e) if e.status() == 404 => not_found(d.lang),
            // Said on the page itself, never carried in the address.
            Err(e) => match d.refusal(e) {
                Ok(r) => account_list(&d, &None, Some((&r, Vec::new()))).await,
                Err(resp) => resp,
            },
        };
    }
    let disabled = match change.as_str() {
        "desactiver" => true,
        "reactiver" => false,
        _ => return not_found(d.lang),
    };
    let patch = AccountPatch {
        disabled: Some(disabled),
        ..AccountPatch::default()
    };
    match crate::accounts::update(&d, id, patch).await {
        Ok(_) => done(
            "/console/admin/comptes",
            if disabled {
                Done::AccountDisabled
            } else {
                Done::AccountEnabled
            },
        ),
        Err(e) if e.status() == 404 => not_found(d.lang),
        Err(e) => match d.refusal(e) {
            Ok(r) => account_list(&d, &None, Some((&r, Vec::new()))).await,
            Err(resp) => resp,
        },
    }
}
