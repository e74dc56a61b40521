//! Forms that name the field at fault in plain words and keep what was typed, and tables
//! whose cells the pages escape. Until each page has its template, markup is written here,
//! every text through `esc`.

use std::fmt::Write as _;

use relais_domain::FieldError;

use super::Lang;
use crate::render::html::esc;

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

    /// The refusal read first: every fault, its field named by its label in the reader's
    /// language (`labels`: name, French, English).
    pub fn summary(&self, h: &mut String, labels: &[(&str, &str, &str)]) {
        if self.errors.is_empty() && self.general.is_none() {
            return;
        }
        let l = self.lang;
        let _ = write!(
            h,
            "<div class=\"errors\" role=\"alert\" tabindex=\"-1\" id=\"errors\"><h2>{}</h2><ul>",
            l.t().the_form_was_not
        );
        if let Some(g) = self.general {
            let _ = write!(h, "<li>{}</li>", esc(g));
        }
        for e in self.errors {
            let name = labels
                .iter()
                .find(|(n, _, _)| e.field == *n || e.field.starts_with(&format!("{n}.")))
                .map(|(n, fr, en)| (*n, l.w(fr, en)));
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
                format!(" <span class=\"req\">({})</span>", self.lang.t().required)
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
