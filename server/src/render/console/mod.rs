//! The staff console's pages: the frame (`frame`, on its template), forms that name the
//! field at fault in plain words and keep what was typed (`form`), and the words of a file in
//! French or English (stored words' labels come from `relais_domain::words`). Pure
//! functions; the edge is `web::console`.

mod form;
mod frame;
pub mod sign_in;
pub mod spec;
pub mod table;
pub mod text;

pub use form::Form;
pub use frame::{Frame, menu, page};

use relais_domain::words::Word;

/// French first; English when the person chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang {
    pub english: bool,
}

impl Lang {
    /// The console's page text in this language (`text`: the one catalog).
    pub fn t(self) -> &'static text::Text {
        if self.english { &text::EN } else { &text::FR }
    }

    /// A day of the week, short, 1 Monday to 7 Sunday (ISO); empty out of range.
    pub fn weekday(self, n: u8) -> &'static str {
        let t = self.t();
        match n {
            1 => t.mon,
            2 => t.tue,
            3 => t.wed,
            4 => t.thu,
            5 => t.fri,
            6 => t.sat,
            7 => t.sun,
            _ => "",
        }
    }

    /// A pair carried by a table of its own (a form's field labels, the menu).
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

/// A page's body drawn from its template; a template that fails (it cannot, its fields are
/// checked when it builds) is logged without data and leaves the body empty.
pub fn draw(view: &impl askama::Template) -> String {
    view.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "console page did not render");
        String::new()
    })
}

#[derive(askama::Template)]
#[template(path = "console/form_page.html")]
struct FormPage<'a> {
    form: &'a spec::FormView,
}

/// A page's body that is one form.
pub fn form_page(form: &spec::FormView) -> String {
    draw(&FormPage { form })
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
        "ok" => l.t().done,
        "refused" => l.t().refused,
        "denied" => l.t().denied,
        "failed" => l.t().failed,
        "locked" => l.t().locked,
        "wrong" => l.t().wrong_answer,
        "dry_run" => l.t().dry_run,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use relais_domain::{FieldError, Role};

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
            message_en: "Invalid address.".into(),
        }];
        const FIELDS: &[spec::Field] = &[
            spec::Field {
                name: "email",
                input: spec::Input::Email,
                label: |t| t.e_mail_address,
                required: true,
                hints: &[],
            },
            spec::Field {
                name: "password",
                input: spec::Input::Password,
                label: |t| t.password,
                required: true,
                hints: &[],
            },
        ];
        let drawn = |english: bool| {
            let f = Form {
                values: &values,
                errors: &errors,
                general: None,
                lang: Lang { english },
            };
            form_page(&spec::FormView::new(FIELDS, &f, "/x", "tok", "OK"))
        };
        let h = drawn(false);
        assert!(
            h.contains("<a href=\"#f-email\">Adresse électronique : Adresse invalide.</a>"),
            "{h}"
        );
        // On the English console, the summary names the field and says its fault in English.
        let en = drawn(true);
        assert!(
            en.contains("<a href=\"#f-email\">E-mail address: Invalid address.</a>"),
            "{en}"
        );
        assert!(
            en.contains(">Invalid address.</p>"),
            "the field's own line: {en}"
        );
        assert!(en.contains("The form was not saved"), "{en}");
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
