//! The staff console's pages: the frame (skip link, navigation by role, language, sign-out),
//! forms that name the field at fault in plain words and keep what was typed, and the words
//! of a file in French or English. Pure functions; the edge is `web::console`.

use std::fmt::Write as _;

use relais_domain::words::Word;
use relais_domain::{FieldError, Role};

use super::html::esc;

/// French first; English when the person chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang {
    pub english: bool,
}

impl Lang {
    pub fn w<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        if self.english { en } else { fr }
    }

    /// The label of a stored word (`relais_domain::words`: the one table of labels).
    pub fn word<W: Word>(self, w: W) -> &'static str {
        w.label(self.into())
    }

    /// The label of a stored word read back as text; the text itself if it is not one.
    pub fn word_of<W: Word>(self, stored: &str) -> std::borrow::Cow<'_, str> {
        relais_domain::words::label_of::<W>(stored, self.into())
    }
}

impl From<Lang> for relais_domain::words::Lang {
    fn from(l: Lang) -> Self {
        if l.english {
            relais_domain::words::Lang::En
        } else {
            relais_domain::words::Lang::Fr
        }
    }
}

/// What the frame around a page needs.
pub struct Frame<'a> {
    pub title: &'a str,
    /// The signed-in account: its role and name; `None` on the sign-in pages.
    pub who: Option<(Role, &'a str)>,
    pub csrf: &'a str,
    pub lang: Lang,
    /// The path of the page, to mark its link in the navigation and come back after a change
    /// of language.
    pub path: &'a str,
    /// A confirmation after a change (post/redirect/get).
    pub notice: Option<&'a str>,
}

/// The navigation of a role: (path, French, English).
pub fn menu(role: Role) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut m = Vec::new();
    if role.may_read_person_files() {
        m.push(("/console/file", "File d'appels", "Call-back queue"));
        m.push(("/console/agenda", "Agenda", "Agenda"));
        m.push(("/console/accueil", "Accueil sans rendez-vous", "Walk-in"));
        m.push((
            "/console/contact-anonyme",
            "Contact anonyme",
            "Anonymous contact",
        ));
    }
    if role.may_administer() {
        m.push(("/console/admin/sites", "Sites", "Sites"));
        m.push(("/console/admin/comptes", "Comptes", "Accounts"));
        m.push(("/console/admin/horaires", "Horaires", "Opening hours"));
        m.push(("/console/admin/partenaires", "Partenaires", "Partners"));
        m.push(("/console/admin/messages", "Messages", "Messages"));
        m.push((
            "/console/admin/rapport",
            "Rapport d'activité",
            "Activity report",
        ));
        m.push(("/console/admin/journal", "Journal", "Audit log"));
    }
    if role == Role::Referrer {
        m.push(("/console/signalements", "Mes signalements", "My referrals"));
        m.push((
            "/console/signalements/nouveau",
            "Nouveau signalement",
            "New referral",
        ));
    }
    m
}

/// A whole page: the frame around `body` (already-escaped markup).
pub fn page(f: &Frame<'_>, body: &str) -> String {
    let l = f.lang;
    let mut h = String::with_capacity(body.len() + 2048);
    let _ = write!(
        h,
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"robots\" content=\"noindex, nofollow\">\
<title>{} — Relais</title><link rel=\"stylesheet\" href=\"/console/static/console.css\">\
<script src=\"/console/static/console.js\" defer></script></head><body>\
<a class=\"skip\" href=\"#main\">{}</a><header class=\"top\"><span class=\"brand\">Relais</span>",
        if l.english { "en" } else { "fr" },
        esc(f.title),
        l.w("Aller au contenu", "Skip to content"),
    );
    if let Some((role, name)) = f.who {
        let _ = write!(h, "<nav aria-label=\"{}\"><ul>", l.w("Console", "Console"));
        for (path, fr, en) in menu(role) {
            let current = f.path == path || f.path.starts_with(&format!("{path}/"));
            let _ = write!(
                h,
                "<li><a href=\"{path}\"{}>{}</a></li>",
                if current {
                    " aria-current=\"page\""
                } else {
                    ""
                },
                esc(l.w(fr, en))
            );
        }
        let _ = write!(
            h,
            "</ul></nav><div class=\"who\"><span>{}</span>\
<form method=\"post\" action=\"/console/deconnexion\"><input type=\"hidden\" name=\"_csrf\" value=\"{}\">\
<button type=\"submit\" class=\"quiet\">{}</button></form></div>",
            esc(name),
            esc(f.csrf),
            l.w("Se déconnecter", "Sign out")
        );
    }
    let _ = write!(
        h,
        "<a class=\"lang\" href=\"/console/langue?l={}&amp;retour={}\" lang=\"{}\">{}</a></header>\
<main id=\"main\" tabindex=\"-1\"><h1>{}</h1>",
        if l.english { "fr" } else { "en" },
        esc(&url_encode(f.path)),
        if l.english { "fr" } else { "en" },
        if l.english { "Français" } else { "English" },
        esc(f.title)
    );
    if let Some(n) = f.notice {
        let _ = write!(h, "<p class=\"notice\" role=\"status\">{}</p>", esc(n));
    }
    h.push_str(body);
    h.push_str("</main></body></html>");
    h
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A form being shown again: what was typed and what was refused.
pub struct Form<'a> {
    pub values: &'a [(String, String)],
    pub errors: &'a [FieldError],
    /// A refusal that names no field (a conflict, a lockout).
    pub general: Option<&'a str>,
    pub lang: Lang,
}

fn id_of(name: &str) -> String {
    format!(
        "f-{}",
        name.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    )
}

impl<'a> Form<'a> {
    pub fn empty(lang: Lang) -> Self {
        Form {
            values: &[],
            errors: &[],
            general: None,
            lang,
        }
    }

    pub fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    fn checked(&self, name: &str) -> bool {
        self.values.iter().any(|(k, _)| k == name)
    }

    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| {
                e.field == name
                    || e.field.starts_with(&format!("{name}."))
                    || e.field.starts_with(&format!("{name}["))
            })
            .map(|e| e.message.as_str())
    }

    /// The list of what is wrong, each line a link to its field, read first.
    pub fn summary(&self, h: &mut String, labels: &[(&str, &str)]) {
        if self.errors.is_empty() && self.general.is_none() {
            return;
        }
        let l = self.lang;
        let _ = write!(
            h,
            "<div class=\"errors\" role=\"alert\" tabindex=\"-1\" id=\"errors\"><h2>{}</h2><ul>",
            l.w(
                "Le formulaire n'a pas été enregistré",
                "The form was not saved"
            )
        );
        if let Some(g) = self.general {
            let _ = write!(h, "<li>{}</li>", esc(g));
        }
        for e in self.errors {
            let name = labels
                .iter()
                .find(|(n, _)| e.field == *n || e.field.starts_with(&format!("{n}.")))
                .map(|(n, label)| (*n, *label));
            match name {
                Some((n, label)) => {
                    let _ = write!(
                        h,
                        "<li><a href=\"#{}\">{} : {}</a></li>",
                        id_of(n),
                        esc(label),
                        esc(&e.message)
                    );
                }
                None => {
                    let _ = write!(h, "<li>{} : {}</li>", esc(&e.field), esc(&e.message));
                }
            }
        }
        h.push_str("</ul></div>");
    }

    fn label(&self, h: &mut String, name: &str, label: &str, required: bool) {
        let _ = write!(
            h,
            "<label for=\"{}\">{}{}</label>",
            id_of(name),
            esc(label),
            if required {
                format!(
                    " <span class=\"req\">({})</span>",
                    self.lang.w("obligatoire", "required")
                )
            } else {
                String::new()
            }
        );
        if let Some(e) = self.error(name) {
            let _ = write!(
                h,
                "<p class=\"field-error\" id=\"{}-e\">{}</p>",
                id_of(name),
                esc(e)
            );
        }
    }

    fn invalid(&self, name: &str) -> String {
        if self.error(name).is_some() {
            format!(
                " aria-invalid=\"true\" aria-describedby=\"{}-e\"",
                id_of(name)
            )
        } else {
            String::new()
        }
    }

    /// `<input>` of `kind` (text, email, password, date, time, number…); `attrs` literal.
    pub fn input(
        &self,
        h: &mut String,
        name: &str,
        label: &str,
        kind: &str,
        required: bool,
        attrs: &str,
    ) {
        h.push_str("<div class=\"field\">");
        self.label(h, name, label, required);
        // A password is never sent back to the browser.
        let value = if kind == "password" {
            ""
        } else {
            self.value(name)
        };
        let _ = write!(
            h,
            "<input type=\"{kind}\" id=\"{}\" name=\"{}\" value=\"{}\"{}{}{}{}></div>",
            id_of(name),
            esc(name),
            esc(value),
            if required { " required" } else { "" },
            self.invalid(name),
            if attrs.is_empty() { "" } else { " " },
            attrs
        );
    }

    pub fn textarea(&self, h: &mut String, name: &str, label: &str) {
        h.push_str("<div class=\"field\">");
        self.label(h, name, label, false);
        let _ = write!(
            h,
            "<textarea id=\"{}\" name=\"{}\" rows=\"3\"{}>{}</textarea></div>",
            id_of(name),
            esc(name),
            self.invalid(name),
            esc(self.value(name))
        );
    }

    /// A choice; `options` are (value, label). The first option is chosen when nothing was.
    pub fn select(
        &self,
        h: &mut String,
        name: &str,
        label: &str,
        options: &[(String, String)],
        required: bool,
    ) {
        h.push_str("<div class=\"field\">");
        self.label(h, name, label, required);
        let _ = write!(
            h,
            "<select id=\"{}\" name=\"{}\"{}{}>",
            id_of(name),
            esc(name),
            if required { " required" } else { "" },
            self.invalid(name)
        );
        let chosen = self.value(name);
        if !required {
            h.push_str("<option value=\"\">—</option>");
        }
        for (v, text) in options {
            let _ = write!(
                h,
                "<option value=\"{}\"{}>{}</option>",
                esc(v),
                if v == chosen { " selected" } else { "" },
                esc(text)
            );
        }
        h.push_str("</select></div>");
    }

    pub fn checkbox(&self, h: &mut String, name: &str, label: &str) {
        let _ = write!(
            h,
            "<div class=\"check\"><input type=\"checkbox\" id=\"{}\" name=\"{}\" value=\"true\"{}{}>\
<label for=\"{}\">{}</label>",
            id_of(name),
            esc(name),
            if self.checked(name) { " checked" } else { "" },
            self.invalid(name),
            id_of(name),
            esc(label)
        );
        if let Some(e) = self.error(name) {
            let _ = write!(
                h,
                "<p class=\"field-error\" id=\"{}-e\">{}</p>",
                id_of(name),
                esc(e)
            );
        }
        h.push_str("</div>");
    }
}

/// `<form method="post">` with the anti-forgery token.
pub fn form_open(h: &mut String, action: &str, csrf: &str, attrs: &str) {
    let _ = write!(
        h,
        "<form method=\"post\" action=\"{}\"{}{}><input type=\"hidden\" name=\"_csrf\" value=\"{}\">",
        esc(action),
        if attrs.is_empty() { "" } else { " " },
        attrs,
        esc(csrf)
    );
}

/// A table: headers and rows of already-escaped cells; an empty text when there is no row.
pub fn table(h: &mut String, caption: &str, heads: &[&str], rows: &[Vec<String>], empty: &str) {
    if rows.is_empty() {
        let _ = write!(h, "<p class=\"empty\">{}</p>", esc(empty));
        return;
    }
    let _ = write!(h, "<table><caption>{}</caption><thead><tr>", esc(caption));
    for c in heads {
        let _ = write!(h, "<th scope=\"col\">{}</th>", esc(c));
    }
    h.push_str("</tr></thead><tbody>");
    for r in rows {
        h.push_str("<tr>");
        for c in r {
            let _ = write!(h, "<td>{c}</td>");
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
}

/// Options of a select from a list of stored words: (stored word, label).
pub fn options<W: Word>(l: Lang) -> Vec<(String, String)> {
    W::ALL
        .iter()
        .map(|&w| (w.as_str().to_owned(), l.word(w).to_owned()))
        .collect()
}

/// An audit row's action as the log's reader reads it (the stored word if unknown).
pub fn audit_action(w: &str, l: Lang) -> String {
    l.word_of::<crate::audit::Action>(w).into_owned()
}

/// An audit row's outcome in words.
pub fn audit_outcome(w: &str, l: Lang) -> &str {
    match w {
        "ok" => l.w("Fait", "Done"),
        "refused" => l.w("Refusé", "Refused"),
        "denied" => l.w("Refusé (droits)", "Denied"),
        "failed" => l.w("Échec", "Failed"),
        "locked" => l.w("Verrouillé", "Locked"),
        "wrong" => l.w("Mauvaise réponse", "Wrong answer"),
        "dry_run" => l.w("Simulation", "Dry run"),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_form_names_its_field_and_keeps_what_was_typed_but_the_password() {
        let values = vec![
            ("email".to_owned(), "a\"<b>@x".to_owned()),
            ("password".to_owned(), "secret".to_owned()),
        ];
        let errors = vec![FieldError {
            field: "email".into(),
            code: "invalid_field".into(),
            message: "Adresse invalide.".into(),
        }];
        let f = Form {
            values: &values,
            errors: &errors,
            general: None,
            lang: Lang { english: false },
        };
        let mut h = String::new();
        f.summary(&mut h, &[("email", "Adresse électronique")]);
        f.input(&mut h, "email", "Adresse électronique", "email", true, "");
        f.input(&mut h, "password", "Mot de passe", "password", true, "");
        assert!(h.contains("<a href=\"#f-email\">Adresse électronique : Adresse invalide.</a>"));
        assert!(h.contains("value=\"a&#34;&#60;b&#62;@x\""));
        assert!(h.contains("aria-invalid=\"true\" aria-describedby=\"f-email-e\""));
        assert!(!h.contains("secret"));
    }

    #[test]
    fn each_role_sees_only_its_own_pages_in_the_menu() {
        let paths = |r| menu(r).into_iter().map(|m| m.0).collect::<Vec<_>>();
        assert!(
            paths(Role::Referrer)
                .iter()
                .all(|p| p.starts_with("/console/signalements"))
        );
        assert!(
            !paths(Role::Coordinator)
                .iter()
                .any(|p| p.starts_with("/console/admin"))
        );
        assert!(paths(Role::Admin).contains(&"/console/admin/rapport"));
    }
}
