//! The audit log and the retention rules (a dry run, then the run).

use super::*;

// ------------------------------------------------------------------ audit log and retention

pub(super) async fn audit_page(d: D, RawQuery(raw): RawQuery) -> Response {
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
    let people = crate::accounts::list(&d, Paging::default())
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

pub(super) async fn retention_page(d: D, RawQuery(raw): RawQuery) -> Response {
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

pub(super) async fn retention_run(d: D, headers: HeaderMap, body: Bytes) -> Response {
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
