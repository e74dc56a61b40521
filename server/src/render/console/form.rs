//! A form being shown again: what was typed and what was refused. Its markup is the kit's
//! (`templates/console/kit.html`), drawn from the form's one specification (`spec`).

use relais_domain::FieldError;

use super::Lang;

/// A form being shown again: what was typed and what was refused.
pub struct Form<'a> {
    pub values: &'a [(String, String)],
    pub errors: &'a [FieldError],
    /// A refusal that names no field (a conflict, a lockout).
    pub general: Option<&'a str>,
    pub lang: Lang,
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

    /// The fault of this very field, not of one inside it (a group's own).
    pub fn error_of_whole(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message_in(self.lang.english))
    }

    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| {
                e.field == name
                    || e.field.starts_with(&format!("{name}."))
                    || e.field.starts_with(&format!("{name}["))
            })
            .map(|e| e.message_in(self.lang.english))
    }
}
