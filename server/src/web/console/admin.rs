//! The admin's pages: sites, accounts and roles (create, disable), a coordinator's opening
//! windows per site, and the activity report (the HTML with its charts, the CSV, the version
//! meant to leave the service).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate, Utc};
use relais_domain::Role;
use relais_domain::casework::PartnerKind;
use relais_domain::dto::{
    AbsenceInput, AccountInput, AccountPatch, OpeningWindowInput, PartnerInput, PartnerUnitInput,
    SiteInput,
};
use relais_domain::outreach::OriginChannel;
use relais_domain::problem::ProblemCode;
use relais_domain::report::Audience;
use relais_domain::safe_contact::Channel;
use relais_domain::sms::MessageKind;
use uuid::Uuid;

use super::{Admins, Desk, Done, Kind, done, failure, html, not_found, notice, query};
use crate::accounts;
use crate::error::ServiceError;
use crate::paging::Paging;
use crate::render::console::{Form, form_open, options, page, table};
use crate::render::html::esc;
use crate::scheduling::calendar;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/admin/sites", get(sites).post(create_site))
        .route(
            "/console/admin/comptes",
            get(accounts_page).post(create_account),
        )
        .route(
            "/console/admin/comptes/{id}/{change}",
            post(disable).get(|| async { super::see_other("/console/admin/comptes") }),
        )
        .route("/console/admin/horaires", get(windows).post(create_window))
        .route(
            "/console/admin/partenaires",
            get(partners_page).post(create_partner),
        )
        .route(
            "/console/admin/cles",
            post(create_key).get(|| async { super::see_other("/console/admin/partenaires") }),
        )
        .route(
            "/console/admin/cles/{id}/revoquer",
            post(revoke_key).get(|| async { super::see_other("/console/admin/partenaires") }),
        )
        .route(
            "/console/admin/absences",
            get(absences).post(create_absence),
        )
        .route("/console/admin/apercu", get(preview))
        .route(
            "/console/admin/messages",
            get(templates_page).post(templates_submit),
        )
        .route("/console/admin/journal", get(audit_page))
        .route(
            "/console/admin/conservation",
            get(retention_page).post(retention_run),
        )
        .route("/console/admin/rapport", get(report_page))
        .route("/console/admin/rapport/document", get(report_document))
}

type D = Desk<Admins>;

/// Which form of a page was refused, why, and what was typed.
type Again<'a> = Option<(&'static str, &'a super::Refusal, Vec<(String, String)>)>;

// ------------------------------------------------------------------ sites

const SITE_LABELS: &[(&str, &str)] = &[
    ("name", "Nom"),
    ("address", "Adresse"),
    ("phone", "Téléphone"),
    ("message_place", "Lieu dans les messages"),
];

async fn sites(d: D, RawQuery(raw): RawQuery) -> Response {
    sites_page(&d, &raw, None).await
}

async fn sites_page(
    d: &D,
    raw: &Option<String>,
    again: Option<(&super::Refusal, Vec<(String, String)>)>,
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

async fn create_site(d: D, headers: HeaderMap, body: Bytes) -> Response {
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

// ------------------------------------------------------------------ accounts

const ACCOUNT_LABELS: &[(&str, &str)] = &[
    ("email", "Adresse électronique"),
    ("display_name", "Nom affiché"),
    ("role", "Rôle"),
    ("password", "Mot de passe initial"),
    ("site_ids", "Sites"),
];

async fn accounts_page(d: D, RawQuery(raw): RawQuery) -> Response {
    account_list(&d, &raw, None).await
}

async fn account_list(
    d: &D,
    raw: &Option<String>,
    again: Option<(&super::Refusal, Vec<(String, String)>)>,
) -> Response {
    let l = d.lang;
    let list = match accounts::list(d, Paging::default()).await {
        Ok(p) => p.items,
        Err(e) => return failure(e, l),
    };
    let sites = crate::organisation::list(d, Paging::default())
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
                        l.w("Réinitialiser le second facteur de", "Reset the second factor of"),
                        esc(&a.email),
                        l.w("Réinitialiser le second facteur", "Reset second factor")
                    ));
                }
            }
            vec![
                esc(&a.display_name),
                esc(&a.email),
                esc(l.word(a.role)),
                if a.disabled {
                    l.w("Désactivé", "Disabled").to_owned()
                } else if a.second_factor_enrolled {
                    l.w("Actif", "Active").to_owned()
                } else {
                    l.w("Second facteur à enrôler", "Second factor to enrol").to_owned()
                },
                action,
            ]
        })
        .collect();
    let mut h = String::new();
    table(
        &mut h,
        l.w("Comptes du service", "The service's accounts"),
        &[
            l.w("Nom", "Name"),
            l.w("Adresse", "Address"),
            l.w("Rôle", "Role"),
            l.w("État", "State"),
            l.w("Action", "Action"),
        ],
        &rows,
        l.w("Aucun compte.", "No account."),
    );
    let f = match &again {
        Some((r, values)) => r.form(values, l),
        None => Form::empty(l),
    };
    h.push_str(&format!(
        "<h2 id=\"new\">{}</h2>",
        l.w("Nouveau compte", "New account")
    ));
    f.summary(&mut h, ACCOUNT_LABELS);
    form_open(&mut h, "/console/admin/comptes", &d.csrf, "");
    f.input(
        &mut h,
        "display_name",
        l.w("Nom affiché", "Display name"),
        "text",
        true,
        "autocomplete=\"off\"",
    );
    f.input(
        &mut h,
        "email",
        l.w("Adresse électronique", "E-mail address"),
        "email",
        true,
        "autocomplete=\"off\"",
    );
    f.select(
        &mut h,
        "role",
        l.w("Rôle", "Role"),
        &options::<Role>(l),
        true,
    );
    f.input(
        &mut h,
        "password",
        l.w(
            "Mot de passe initial (12 caractères au moins)",
            "Initial password (12 characters at least)",
        ),
        "password",
        true,
        "autocomplete=\"new-password\" minlength=\"12\"",
    );
    h.push_str(&format!(
        "<fieldset><legend>{}</legend>",
        l.w(
            "Sites où la personne travaille",
            "Sites where the person works"
        )
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
        l.w("Créer le compte", "Create the account")
    ));
    let title = l.w("Comptes", "Accounts");
    match again {
        Some((r, _)) => html(r.status, page(&d.frame(title, None), &h)),
        None => d.page(title, notice(raw, d.lang).as_deref(), &h),
    }
}

async fn create_account(d: D, headers: HeaderMap, body: Bytes) -> Response {
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
        Ok(i) => accounts::create(&d, i).await.map(|_| ()),
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
async fn disable(
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
        return match accounts::reset_second_factor(&d, id).await {
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
    match accounts::update(&d, id, patch).await {
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

// ------------------------------------------------------------------ opening windows

const WINDOW_LABELS: &[(&str, &str)] = &[
    ("coordinator_id", "Intervenant·e"),
    ("site_id", "Site"),
    ("days", "Jours"),
    ("start", "Début"),
    ("end", "Fin"),
];

async fn windows(d: D, RawQuery(raw): RawQuery) -> Response {
    windows_page(&d, &raw, None).await
}

async fn windows_page(
    d: &D,
    raw: &Option<String>,
    again: Option<(&super::Refusal, Vec<(String, String)>)>,
) -> Response {
    let l = d.lang;
    let people = match accounts::list(d, Paging::default()).await {
        Ok(p) => p.items,
        Err(e) => return failure(e, l),
    };
    let coordinators: Vec<_> = people
        .iter()
        .filter(|a| a.role == Role::Coordinator && !a.disabled)
        .collect();
    let sites = crate::organisation::list(d, Paging::default())
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let all = match calendar::list_windows(d, calendar::CalendarQuery::default()).await {
        Ok(w) => w,
        Err(e) => return failure(e, l),
    };
    const DAYS_FR: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
    const DAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
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
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|w| {
            let days: Vec<&str> = w
                .days
                .iter()
                .filter(|d| (1..=7).contains(*d))
                .map(|d| {
                    if l.english {
                        DAYS_EN[*d as usize - 1]
                    } else {
                        DAYS_FR[*d as usize - 1]
                    }
                })
                .collect();
            vec![
                esc(&name_of(w.coordinator_id)),
                esc(&site_of(w.site_id)),
                esc(&days.join(" ")),
                esc(&format!(
                    "{} – {}",
                    w.start.format("%H:%M"),
                    w.end.format("%H:%M")
                )),
            ]
        })
        .collect();
    let mut h = String::new();
    table(
        &mut h,
        l.w("Plages d'ouverture", "Opening windows"),
        &[
            l.w("Intervenant·e", "Social worker"),
            l.w("Site", "Site"),
            l.w("Jours", "Days"),
            l.w("Heures", "Hours"),
        ],
        &rows,
        l.w(
            "Aucune plage : personne ne peut encore être reçu.",
            "No window: nobody can be seen yet.",
        ),
    );
    let f = match &again {
        Some((r, values)) => r.form(values, l),
        None => Form::empty(l),
    };
    h.push_str(&format!(
        "<h2 id=\"new\">{}</h2>",
        l.w("Nouvelle plage", "New window")
    ));
    f.summary(&mut h, WINDOW_LABELS);
    form_open(&mut h, "/console/admin/horaires", &d.csrf, "");
    f.select(
        &mut h,
        "coordinator_id",
        l.w("Intervenant·e", "Social worker"),
        &coordinators
            .iter()
            .map(|a| (a.id.to_string(), a.display_name.clone()))
            .collect::<Vec<_>>(),
        true,
    );
    f.select(
        &mut h,
        "site_id",
        l.w("Site", "Site"),
        &sites
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect::<Vec<_>>(),
        true,
    );
    h.push_str(&format!(
        "<fieldset><legend>{}</legend>",
        l.w("Jours", "Days")
    ));
    for n in 1..=7u8 {
        let checked = f
            .values
            .iter()
            .any(|(k, v)| k == "days" && *v == n.to_string());
        h.push_str(&format!(
            "<div class=\"check\"><input type=\"checkbox\" id=\"day-{n}\" name=\"days\" value=\"{n}\"{}><label for=\"day-{n}\">{}</label></div>",
            if checked { " checked" } else { "" },
            if l.english { DAYS_EN[n as usize - 1] } else { DAYS_FR[n as usize - 1] }
        ));
    }
    h.push_str("</fieldset>");
    f.input(
        &mut h,
        "start",
        l.w("Début (HH:MM)", "Start (HH:MM)"),
        "time",
        true,
        "",
    );
    f.input(
        &mut h,
        "end",
        l.w("Fin (HH:MM)", "End (HH:MM)"),
        "time",
        true,
        "",
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        l.w("Ajouter la plage", "Add the window")
    ));
    h.push_str(&format!(
        "<ul class=\"actions\"><li><a href=\"/console/admin/absences\">{}</a></li><li><a href=\"/console/admin/apercu\">{}</a></li></ul>",
        l.w("Absences", "Absences"),
        l.w("Aperçu de la semaine : les créneaux qui en résultent", "Week preview: the resulting free times")
    ));
    let title = l.w("Horaires", "Opening hours");
    match again {
        Some((r, _)) => html(r.status, page(&d.frame(title, None), &h)),
        None => d.page(title, notice(raw, d.lang).as_deref(), &h),
    }
}

async fn create_window(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    // Days are numbers in the JSON; the form sends them as text.
    let mut json = p.json(&[
        ("coordinator_id", Kind::Text),
        ("site_id", Kind::Text),
        ("days", Kind::List),
        ("start", Kind::Needed),
        ("end", Kind::Needed),
    ]);
    if let Some(days) = json.get_mut("days").and_then(|d| d.as_array_mut()) {
        for v in days.iter_mut() {
            if let Some(n) = v.as_str().and_then(|s| s.parse::<u8>().ok()) {
                *v = serde_json::Value::from(n);
            }
        }
    }
    let r = match crate::input::parse_json::<OpeningWindowInput>(
        &serde_json::to_vec(&json).unwrap_or_default(),
    ) {
        Ok(i) => calendar::create_window(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => done("/console/admin/horaires", Done::WindowAdded),
        Err(e) => match d.refusal(e) {
            Ok(refusal) => windows_page(&d, &None, Some((&refusal, p.values()))).await,
            Err(resp) => resp,
        },
    }
}

// ------------------------------------------------------------------ the report

fn period(
    raw: &Option<String>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate, Audience), ServiceError> {
    let date = |name: &str, default: NaiveDate| match query(raw, name) {
        None => Ok(default),
        Some(v) if v.is_empty() => Ok(default),
        Some(v) => NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| {
            ServiceError::field(
                ProblemCode::InvalidParameter,
                name,
                "Date JJ/MM/AAAA attendue.",
            )
        }),
    };
    let from = date(
        "from",
        NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today),
    )?;
    let to = date(
        "to",
        NaiveDate::from_ymd_opt(today.year() - 1, 12, 31).unwrap_or(today),
    )?;
    let audience = match query(raw, "audience").as_deref() {
        Some("external") => Audience::External,
        _ => Audience::Internal,
    };
    Ok((from, to, audience))
}

async fn report_page(d: D, RawQuery(raw): RawQuery) -> Response {
    report_view(&d, &raw, None).await
}

/// The report's form and figures; `refused`: why the document asked for was refused, said
/// on the page (never carried in the address).
async fn report_view(d: &D, raw: &Option<String>, refused: Option<super::Refusal>) -> Response {
    let l = d.lang;
    let (from, to, audience, refusal) = match period(
        raw,
        d.now().with_timezone(&crate::zone::DEFAULT).date_naive(),
    ) {
        Ok((f, t, a)) => (f, t, a, None),
        Err(e) => {
            let today = d.now().date_naive();
            (today, today, Audience::Internal, d.refusal(e).ok())
        }
    };
    let refusal = refused.or(refusal);
    let values: Vec<(String, String)> = vec![
        (
            "from".into(),
            query(raw, "from").unwrap_or_else(|| from.to_string()),
        ),
        (
            "to".into(),
            query(raw, "to").unwrap_or_else(|| to.to_string()),
        ),
        (
            "audience".into(),
            if audience == Audience::External {
                "external"
            } else {
                "internal"
            }
            .into(),
        ),
    ];
    let f = match &refusal {
        Some(r) => r.form(&values, l),
        None => Form {
            values: &values,
            errors: &[],
            general: None,
            lang: l,
        },
    };
    let mut h = format!(
        "<p>{}</p>",
        l.w(
            "Le rapport compte l'activité de la période : situations reçues, origines, entretiens, orientations, clôtures. La version externe (financeurs) masque les petits effectifs.",
            "The report counts the period's activity: situations received, origins, interviews, orientations, closures. The external version (funders) hides small counts."
        )
    );
    f.summary(&mut h, &[("from", "Du"), ("to", "Au")]);
    h.push_str("<form method=\"get\" action=\"/console/admin/rapport\">");
    f.input(&mut h, "from", l.w("Du", "From"), "date", true, "");
    f.input(
        &mut h,
        "to",
        l.w("Au (inclus)", "To (included)"),
        "date",
        true,
        "",
    );
    f.select(
        &mut h,
        "audience",
        l.w("Version", "Version"),
        &[
            (
                "internal".into(),
                l.w("Interne au service", "Inside the service").into(),
            ),
            (
                "external".into(),
                l.w("Externe (financeurs)", "External (funders)").into(),
            ),
        ],
        true,
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        l.w("Afficher", "Show")
    ));
    if refusal.is_none() {
        let q = format!(
            "from={from}&amp;to={to}&amp;audience={}",
            if audience == Audience::External {
                "external"
            } else {
                "internal"
            }
        );
        h.push_str(&format!(
            "<ul class=\"actions\"><li><a href=\"/console/admin/rapport/document?{q}\">{}</a></li>\
<li><a href=\"/console/admin/rapport/document?{q}&amp;format=csv\" download>{}</a></li></ul>",
            l.w(
                "Ouvrir le rapport (avec ses graphiques)",
                "Open the report (with its charts)"
            ),
            l.w("Télécharger le tableau (CSV)", "Download the table (CSV)")
        ));
    }
    let title = l.w("Rapport d'activité", "Activity report");
    match refusal {
        Some(r) => html(r.status, page(&d.frame(title, None), &h)),
        None => d.page(title, None, &h),
    }
}

async fn report_document(d: D, RawQuery(raw): RawQuery) -> Response {
    let l = d.lang;
    let (from, to, audience) = match period(
        &raw,
        d.now().with_timezone(&crate::zone::DEFAULT).date_naive(),
    ) {
        Ok(p) => p,
        Err(e) => return failure(e, l),
    };
    let (r, org) = match crate::casework::report::report(&d, from, to, audience).await {
        Ok(x) => x,
        Err(e) if e.status() < 500 => {
            return match d.refusal(e) {
                Ok(refusal) => report_view(&d, &raw, Some(refusal)).await,
                Err(resp) => resp,
            };
        }
        Err(e) => return failure(e, l),
    };
    if query(&raw, "format").as_deref() == Some("csv") {
        return (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"relais-rapport-{from}-{to}.csv\""),
                ),
            ],
            crate::render::report::csv(&r),
        )
            .into_response();
    }
    let doc = crate::render::report::html(&r, &org);
    // The report carries its own style block: allowed by its digest, nothing else inline.
    let style = doc
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map(|(s, _)| s)
        .unwrap_or("");
    use sha2::Digest as _;
    let digest = data_encoding::BASE64.encode(&sha2::Sha256::digest(style.as_bytes()));
    let csp = format!(
        "default-src 'none'; style-src 'sha256-{digest}'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    );
    let mut resp = html(StatusCode::OK, doc);
    if let Ok(v) = HeaderValue::from_str(&csp) {
        resp.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    resp
}

// ------------------------------------------------------------------ partners and their keys

async fn partners_page(d: D, RawQuery(raw): RawQuery) -> Response {
    partners_list(&d, &raw, None, None).await
}

/// The partner directory (orientations) and the partner units' API keys (referrals sent by
/// software). A new key is shown once, on the page that follows its creation.
async fn partners_list(
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
            l.w(
                "Voici la clé de l'unité. Elle ne sera plus jamais affichée : transmettez-la maintenant, par un canal sûr.",
                "Here is the unit's key. It will never be shown again: pass it on now, over a safe channel."
            ),
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
        l.w("Annuaire des partenaires", "Partner directory"),
        &[
            l.w("Nom", "Name"),
            l.w("Type", "Kind"),
            l.w("Contact", "Contact"),
        ],
        &rows,
        l.w("Aucun partenaire.", "No partner."),
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
    h.push_str(&format!(
        "<h2 id=\"new\">{}</h2>",
        l.w("Nouveau partenaire", "New partner")
    ));
    f.summary(
        &mut h,
        &[("name", "Nom"), ("kind", "Type"), ("contact", "Contact")],
    );
    form_open(&mut h, "/console/admin/partenaires", &d.csrf, "");
    f.input(&mut h, "name", l.w("Nom", "Name"), "text", true, "");
    f.select(
        &mut h,
        "kind",
        l.w("Type", "Kind"),
        &options::<PartnerKind>(l),
        true,
    );
    f.input(
        &mut h,
        "contact",
        l.w("Contact (téléphone, adresse)", "Contact (phone, address)"),
        "text",
        false,
        "",
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        l.w("Ajouter le partenaire", "Add the partner")
    ));
    let rows: Vec<Vec<String>> = units
        .iter()
        .map(|u| {
            let mut action = String::new();
            if u.revoked_at.is_none() {
                form_open(&mut action, &format!("/console/admin/cles/{}/revoquer", u.id), &d.csrf, "class=\"inline\"");
                action.push_str(&format!(
                    "<button type=\"submit\" class=\"quiet\" aria-label=\"{} {}\">{}</button></form>",
                    l.w("Révoquer la clé de", "Revoke the key of"),
                    esc(&u.name),
                    l.w("Révoquer", "Revoke")
                ));
            }
            vec![
                esc(&u.name),
                esc(l.word(u.channel)),
                format!("<code>{}…</code>", esc(&u.key_prefix)),
                if u.revoked_at.is_some() {
                    l.w("Révoquée", "Revoked").to_owned()
                } else {
                    l.w("Active", "Active").to_owned()
                },
                action,
            ]
        })
        .collect();
    h.push_str(&format!(
        "<h2 id=\"keys\">{}</h2>",
        l.w("Clés des unités partenaires", "Partner units' keys")
    ));
    table(
        &mut h,
        l.w(
            "Unités qui envoient des signalements par logiciel",
            "Units that send referrals by software",
        ),
        &[
            l.w("Unité", "Unit"),
            l.w("Origine", "Origin"),
            l.w("Clé", "Key"),
            l.w("État", "State"),
            l.w("Action", "Action"),
        ],
        &rows,
        l.w("Aucune unité.", "No unit."),
    );
    let f = form_of("unit");
    f.summary(&mut h, &[("name", "Unité"), ("channel", "Origine")]);
    form_open(&mut h, "/console/admin/cles", &d.csrf, "");
    f.input(
        &mut h,
        "name",
        l.w(
            "Unité (brigade, commissariat, service)",
            "Unit (brigade, station, service)",
        ),
        "text",
        true,
        "",
    );
    let channels: Vec<(String, String)> = options::<OriginChannel>(l)
        .into_iter()
        .filter(|(v, _)| OriginChannel::parse(v).is_some_and(|c| c.is_referral()))
        .collect();
    f.select(&mut h, "channel", l.w("Origine", "Origin"), &channels, true);
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        l.w("Créer une clé", "Create a key")
    ));
    let title = l.w("Partenaires", "Partners");
    match again {
        Some((_, r, _)) => html(r.status, page(&d.frame(title, None), &h)),
        None => d.page(title, notice(raw, d.lang).as_deref(), &h),
    }
}

async fn create_partner(d: D, headers: HeaderMap, body: Bytes) -> Response {
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

async fn create_key(d: D, headers: HeaderMap, body: Bytes) -> Response {
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

async fn revoke_key(d: D, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
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

// ------------------------------------------------------------------ audit log and retention

async fn audit_page(d: D, RawQuery(raw): RawQuery) -> Response {
    let l = d.lang;
    let paging = Paging {
        limit: Some("100".into()),
        after: query(&raw, "apres"),
    };
    let page_of = match crate::casework::persons::audit_log_view(&d, paging).await {
        Ok(p) => p,
        Err(e) if e.status() < 500 => return not_found(l),
        Err(e) => return failure(e, l),
    };
    let people = accounts::list(&d, Paging::default())
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = page_of
        .items
        .iter()
        .map(|e| {
            let who = e
                .account_id
                .and_then(|a| people.iter().find(|p| p.id == a))
                .map(|p| p.display_name.clone())
                .unwrap_or_else(|| "—".into());
            vec![
                esc(&e
                    .at
                    .with_timezone(&crate::zone::DEFAULT)
                    .format("%d/%m/%Y %H:%M:%S")
                    .to_string()),
                esc(&who),
                esc(&crate::render::console::audit_action(&e.action, l)),
                esc(&format!(
                    "{} {}",
                    e.record_type.as_deref().unwrap_or(""),
                    e.record_id
                        .map(|i| i.to_string()[..8].to_owned())
                        .unwrap_or_default()
                )),
                esc(crate::render::console::audit_outcome(&e.outcome, l)),
            ]
        })
        .collect();
    let mut h = format!(
        "<p>{}</p>",
        l.w(
            "Chaque ouverture de dossier, chaque changement et chaque connexion, le plus récent d'abord. Lire ce journal est lui-même enregistré.",
            "Every file opened, every change and every sign-in, newest first. Reading this log is recorded too."
        )
    );
    table(
        &mut h,
        l.w("Journal d'audit", "Audit log"),
        &[
            l.w("Quand", "When"),
            l.w("Qui", "Who"),
            l.w("Action", "Action"),
            l.w("Objet", "Record"),
            l.w("Issue", "Outcome"),
        ],
        &rows,
        l.w("Rien encore.", "Nothing yet."),
    );
    if let Some(next) = &page_of.next_cursor {
        h.push_str(&format!(
            "<p class=\"pager\"><a href=\"/console/admin/journal?apres={}\">{}</a></p>",
            esc(next),
            l.w("Plus anciens", "Older")
        ));
    }
    h.push_str(&format!(
        "<p><a href=\"/console/admin/conservation\">{}</a></p>",
        l.w("Durées de conservation", "Retention")
    ));
    d.page(l.w("Journal", "Audit log"), None, &h)
}

async fn retention_page(d: D, RawQuery(raw): RawQuery) -> Response {
    let l = d.lang;
    // The dry run: what the rules would anonymise now, nothing changed.
    let run = match crate::retention::run(
        &d.state,
        d.organisation_id(),
        Some(d.caller.account_id),
        d.now(),
        true,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return failure(e, l),
    };
    let rows: Vec<Vec<String>> = run
        .items
        .iter()
        .map(|i| {
            vec![
                format!("<code>{}</code>", &i.person_id.to_string()[..8]),
                esc(l.word(i.rule)),
                esc(&i
                    .last_activity_at
                    .with_timezone(&crate::zone::DEFAULT)
                    .format("%d/%m/%Y")
                    .to_string()),
            ]
        })
        .collect();
    let mut h = format!(
        "<p>{}</p>",
        l.w(
            "Les dossiers sans activité depuis deux ans, ou jamais joints en six mois, sont anonymisés : l'identité et les textes sont effacés, les chiffres du rapport restent. Voici ce que les règles anonymiseraient aujourd'hui (essai à blanc, rien n'est changé).",
            "Files inactive for two years, or never reached in six months, are anonymised: identity and texts are erased, the report's figures stay. Here is what the rules would anonymise today (a dry run, nothing is changed)."
        )
    );
    table(
        &mut h,
        l.w("Dossiers concernés", "Files concerned"),
        &[
            l.w("Personne", "Person"),
            l.w("Règle", "Rule"),
            l.w("Dernière activité", "Last activity"),
        ],
        &rows,
        l.w("Aucun dossier à anonymiser.", "No file to anonymise."),
    );
    if !run.items.is_empty() {
        form_open(&mut h, "/console/admin/conservation", &d.csrf, "");
        h.push_str(&format!(
            "<div class=\"check\"><input type=\"checkbox\" id=\"f-confirm\" name=\"confirm\" value=\"true\" required><label for=\"f-confirm\">{}</label></div><button type=\"submit\" class=\"danger\">{}</button></form>",
            l.w("J'ai vérifié la liste : anonymiser ces dossiers, définitivement", "I checked the list: anonymise these files, for good"),
            l.w("Anonymiser maintenant", "Anonymise now")
        ));
    }
    d.page(
        l.w("Conservation des dossiers", "Retention"),
        notice(&raw, d.lang).as_deref(),
        &h,
    )
}

async fn retention_run(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if p.get("confirm") != Some("true") {
        return done("/console/admin/conservation", Done::NothingAnonymised);
    }
    match crate::retention::run(
        &d.state,
        d.organisation_id(),
        Some(d.caller.account_id),
        d.now(),
        false,
    )
    .await
    {
        Ok(r) => done(
            "/console/admin/conservation",
            Done::Anonymised(r.anonymised),
        ),
        Err(e) => failure(e, d.lang),
    }
}

// ------------------------------------------------------------------ absences and the week preview

async fn absences(d: D, RawQuery(raw): RawQuery) -> Response {
    absences_page(&d, &raw, None).await
}

async fn absences_page(
    d: &D,
    raw: &Option<String>,
    again: Option<(&super::Refusal, Vec<(String, String)>)>,
) -> Response {
    let l = d.lang;
    let people = match accounts::list(d, Paging::default()).await {
        Ok(p) => p.items,
        Err(e) => return failure(e, l),
    };
    let list = match calendar::list_absences(d, calendar::CalendarQuery::default()).await {
        Ok(a) => a,
        Err(e) => return failure(e, l),
    };
    let name_of = |id: Uuid| {
        people
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.display_name.clone())
            .unwrap_or_default()
    };
    let local = |t: Option<chrono::DateTime<Utc>>| {
        t.map(|t| {
            t.with_timezone(&crate::zone::DEFAULT)
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_default()
    };
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| {
            vec![
                esc(&name_of(a.coordinator_id)),
                esc(&if a.kind == "recurring" {
                    format!(
                        "{} {:?} {}–{}",
                        l.w("chaque semaine", "weekly"),
                        a.days.clone().unwrap_or_default(),
                        a.start
                            .map(|t| t.format("%H:%M").to_string())
                            .unwrap_or_default(),
                        a.end
                            .map(|t| t.format("%H:%M").to_string())
                            .unwrap_or_default()
                    )
                } else {
                    format!("{} → {}", local(a.starts_at), local(a.ends_at))
                }),
            ]
        })
        .collect();
    let mut h = String::new();
    table(
        &mut h,
        l.w("Absences", "Absences"),
        &[l.w("Intervenant·e", "Social worker"), l.w("Quand", "When")],
        &rows,
        l.w("Aucune absence.", "No absence."),
    );
    let f = match &again {
        Some((r, values)) => r.form(values, l),
        None => Form::empty(l),
    };
    h.push_str(&format!(
        "<h2 id=\"new\">{}</h2>",
        l.w("Nouvelle absence", "New absence")
    ));
    f.summary(
        &mut h,
        &[
            ("coordinator_id", "Intervenant·e"),
            ("start_local", "Début"),
            ("end_local", "Fin"),
        ],
    );
    form_open(&mut h, "/console/admin/absences", &d.csrf, "");
    f.select(
        &mut h,
        "coordinator_id",
        l.w("Intervenant·e", "Social worker"),
        &people
            .iter()
            .filter(|a| a.role == Role::Coordinator && !a.disabled)
            .map(|a| (a.id.to_string(), a.display_name.clone()))
            .collect::<Vec<_>>(),
        true,
    );
    f.input(
        &mut h,
        "start_local",
        l.w("Début (date et heure)", "Start (date and time)"),
        "datetime-local",
        true,
        "",
    );
    f.input(
        &mut h,
        "end_local",
        l.w("Fin (date et heure)", "End (date and time)"),
        "datetime-local",
        true,
        "",
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form><p><a href=\"/console/admin/horaires\">{}</a></p>",
        l.w("Ajouter l'absence", "Add the absence"),
        l.w("Retour aux horaires", "Back to the opening hours")
    ));
    let title = l.w("Absences", "Absences");
    match again {
        Some((r, _)) => html(r.status, page(&d.frame(title, None), &h)),
        None => d.page(title, notice(raw, d.lang).as_deref(), &h),
    }
}

async fn create_absence(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    // A browser sends "2026-12-24T14:00"; the wire type reads seconds too.
    let mut fields = p.0.clone();
    for (k, v) in fields.iter_mut() {
        if (k == "start_local" || k == "end_local") && v.len() == 16 {
            v.push_str(":00");
        }
    }
    fields.push(("kind".into(), "one_off".into()));
    let with = super::Posted(fields);
    let r = match with.read::<AbsenceInput>(&[
        ("coordinator_id", Kind::Text),
        ("kind", Kind::Text),
        ("start_local", Kind::Needed),
        ("end_local", Kind::Needed),
    ]) {
        Ok(i) => calendar::create_absence(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => done("/console/admin/absences", Done::AbsenceAdded),
        Err(e) => match d.refusal(e) {
            Ok(refusal) => absences_page(&d, &None, Some((&refusal, p.values()))).await,
            Err(resp) => resp,
        },
    }
}

/// The free times a coordinator's windows, exceptions, absences and appointments leave over
/// the next seven days, for one type at one site: what the person's link and the slot picker
/// will offer.
async fn preview(d: D, RawQuery(raw): RawQuery) -> Response {
    let l = d.lang;
    let people = match accounts::list(&d, Paging::default()).await {
        Ok(p) => p.items,
        Err(e) => return failure(e, l),
    };
    let sites = crate::organisation::list(&d, Paging::default())
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let types = crate::scheduling::types::list_types(&d, Paging::default())
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let coordinators: Vec<(String, String)> = people
        .iter()
        .filter(|a| a.role == Role::Coordinator && !a.disabled)
        .map(|a| (a.id.to_string(), a.display_name.clone()))
        .collect();
    let pick = |name: &str, first: Option<String>| query(&raw, name).or(first);
    let values: Vec<(String, String)> = vec![
        (
            "coordinator_id".into(),
            pick("coordinator_id", coordinators.first().map(|c| c.0.clone())).unwrap_or_default(),
        ),
        (
            "site_id".into(),
            pick("site_id", sites.first().map(|s| s.id.to_string())).unwrap_or_default(),
        ),
        (
            "type_id".into(),
            pick("type_id", types.first().map(|t| t.id.to_string())).unwrap_or_default(),
        ),
    ];
    let f = Form {
        values: &values,
        errors: &[],
        general: None,
        lang: l,
    };
    let mut h = String::from("<form method=\"get\" action=\"/console/admin/apercu\">");
    f.select(
        &mut h,
        "coordinator_id",
        l.w("Intervenant·e", "Social worker"),
        &coordinators,
        true,
    );
    f.select(
        &mut h,
        "site_id",
        l.w("Site", "Site"),
        &sites
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect::<Vec<_>>(),
        true,
    );
    f.select(
        &mut h,
        "type_id",
        l.w("Type de rendez-vous", "Appointment type"),
        &types
            .iter()
            .map(|t| (t.id.to_string(), t.name.clone()))
            .collect::<Vec<_>>(),
        true,
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        l.w("Voir", "Show")
    ));
    let today = d.now().with_timezone(&crate::zone::DEFAULT).date_naive();
    let to = today + chrono::Duration::days(6);
    if values.iter().all(|(_, v)| !v.is_empty()) {
        let found = crate::scheduling::search::availability(
            &d,
            crate::scheduling::search::AvailabilityQuery {
                type_id: values[2].1.clone(),
                site_id: values[1].1.clone(),
                coordinator_id: Some(values[0].1.clone()),
                from: today.to_string(),
                to: to.to_string(),
            },
        )
        .await;
        match found {
            Err(e) if e.status() >= 500 => return failure(e, l),
            Err(e) => {
                let p = e.into_parts();
                h.push_str(&format!(
                    "<p class=\"errors\" role=\"alert\">{}</p>",
                    esc(p
                        .errors
                        .first()
                        .map(|e| e.message.as_str())
                        .unwrap_or(p.title))
                ));
            }
            Ok(slots) => {
                let mut rows = Vec::new();
                let mut day = today;
                while day <= to {
                    let of_day: Vec<_> = slots
                        .iter()
                        .filter(|s| {
                            s.start.with_timezone(&crate::zone::DEFAULT).date_naive() == day
                        })
                        .collect();
                    rows.push(vec![
                        esc(&day.format("%d/%m/%Y").to_string()),
                        of_day.len().to_string(),
                        esc(&of_day
                            .iter()
                            .map(|s| {
                                s.start
                                    .with_timezone(&crate::zone::DEFAULT)
                                    .format("%H:%M")
                                    .to_string()
                            })
                            .collect::<Vec<_>>()
                            .join(" ")),
                    ]);
                    day += chrono::Duration::days(1);
                }
                table(
                    &mut h,
                    l.w("Les sept prochains jours", "The next seven days"),
                    &[
                        l.w("Jour", "Day"),
                        l.w("Créneaux libres", "Free times"),
                        l.w("Heures", "Times"),
                    ],
                    &rows,
                    "",
                );
            }
        }
    }
    d.page(l.w("Aperçu de la semaine", "Week preview"), None, &h)
}

// ------------------------------------------------------------------ message templates

async fn templates_page(d: D, RawQuery(raw): RawQuery) -> Response {
    templates_view(&d, &raw, None, None).await
}

/// The organisation's wording of each message, a preview of a new wording as the person
/// would read it (with its encoding and SMS segments), and saving it once it reads right.
async fn templates_view(
    d: &D,
    raw: &Option<String>,
    tried: Option<(&[(String, String)], relais_domain::dto::TemplatePreview)>,
    refusal: Option<(&super::Refusal, Vec<(String, String)>)>,
) -> Response {
    let l = d.lang;
    let list = match crate::outbox::templates::list(d).await {
        Ok(t) => t,
        Err(e) => return failure(e, l),
    };
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|t| {
            vec![
                esc(&l.word_of::<MessageKind>(&t.kind)),
                esc(&l.word_of::<Channel>(&t.channel)),
                esc(&t.body),
                if t.default {
                    l.w("formulation neutre par défaut", "built-in neutral wording")
                        .to_owned()
                } else {
                    l.w("formulation du service", "the service's wording")
                        .to_owned()
                },
            ]
        })
        .collect();
    let mut h = format!(
        "<p>{}</p>",
        l.w(
            "Les messages ne nomment jamais le service ni le motif : chaque formulation est vérifiée contre les mots qui révèlent le contexte avant d'être gardée.",
            "Messages never name the service or the reason: each wording is checked against the words that reveal the context before it is kept."
        )
    );
    table(
        &mut h,
        l.w("Formulations en service", "Wordings in use"),
        &[
            l.w("Message", "Message"),
            l.w("Canal", "Channel"),
            l.w("Texte", "Text"),
            l.w("Origine", "Source"),
        ],
        &rows,
        "",
    );
    let empty: Vec<(String, String)> = Vec::new();
    let values: &[(String, String)] = match (&tried, &refusal) {
        (Some((v, _)), _) => v,
        (_, Some((_, v))) => v,
        _ => &empty,
    };
    let f = match &refusal {
        Some((r, _)) => r.form(values, l),
        None => Form {
            values,
            errors: &[],
            general: None,
            lang: l,
        },
    };
    h.push_str(&format!(
        "<h2 id=\"try\">{}</h2>",
        l.w("Essayer une formulation", "Try a wording")
    ));
    if let Some((_, p)) = &tried {
        h.push_str(&format!(
            "<div class=\"notice\" role=\"status\"><p><strong>{}</strong></p><p>{}</p><p>{} : {} — {} {} — {} {}</p></div>",
            l.w("Ce que la personne lira :", "What the person will read:"),
            esc(&p.text),
            l.w("Codage", "Encoding"),
            esc(&p.encoding),
            p.units,
            l.w("caractères", "characters"),
            p.segments,
            l.w("SMS", "SMS segments")
        ));
    }
    f.summary(
        &mut h,
        &[("body", "Texte"), ("kind", "Message"), ("channel", "Canal")],
    );
    form_open(&mut h, "/console/admin/messages", &d.csrf, "");
    f.select(
        &mut h,
        "kind",
        l.w("Message", "Message"),
        &options::<MessageKind>(l),
        true,
    );
    f.select(
        &mut h,
        "channel",
        l.w("Canal", "Channel"),
        &[Channel::Sms, Channel::Email].map(|c| (c.as_str().to_owned(), l.word(c).to_owned())),
        true,
    );
    f.textarea(
        &mut h,
        "body",
        l.w(
            "Texte : {quand} (obligatoire) et {lieu} sont remplacés ; vide : la formulation en service",
            "Text: {quand} (required) and {lieu} are replaced; empty: the wording in use",
        ),
    );
    f.checkbox(
        &mut h,
        "with_place",
        l.w(
            "Aperçu pour une personne qui accepte que le lieu soit nommé",
            "Preview for a person who accepts the place being named",
        ),
    );
    h.push_str(&format!(
        "<button type=\"submit\" name=\"action\" value=\"preview\">{}</button> <button type=\"submit\" name=\"action\" value=\"save\" class=\"quiet\">{}</button></form>",
        l.w("Aperçu", "Preview"),
        l.w("Enregistrer cette formulation", "Save this wording")
    ));
    let title = l.w("Messages", "Messages");
    match refusal {
        Some((r, _)) => html(r.status, page(&d.frame(title, None), &h)),
        None => d.page(title, notice(raw, d.lang).as_deref(), &h),
    }
}

async fn templates_submit(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let values = p.values();
    let kind = p.get("kind").unwrap_or("").to_owned();
    let channel = p.get("channel").unwrap_or("").to_owned();
    if p.get("action") == Some("save") {
        let r = match p.read::<relais_domain::dto::MessageTemplateInput>(&[("body", Kind::Needed)])
        {
            Ok(i) => crate::outbox::templates::put(&d, kind, channel, i)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        };
        return match r {
            Ok(()) => done("/console/admin/messages", Done::WordingSaved),
            Err(e) => match d.refusal(e) {
                Ok(refusal) => templates_view(&d, &None, None, Some((&refusal, values))).await,
                Err(resp) => resp,
            },
        };
    }
    let r = match p.read::<relais_domain::dto::TemplatePreviewInput>(&[
        ("kind", Kind::Text),
        ("channel", Kind::Text),
        ("body", Kind::Text),
        ("with_place", Kind::Flag),
    ]) {
        Ok(i) => crate::outbox::templates::preview(&d, i).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(preview) => templates_view(&d, &None, Some((&values, preview)), None).await,
        Err(e) => match d.refusal(e) {
            Ok(refusal) => templates_view(&d, &None, None, Some((&refusal, values))).await,
            Err(resp) => resp,
        },
    }
}
