//! Field-level validation errors, gathered so a form shows every problem at once.
//! The server turns them into RFC 9457 problem+json; the phone shows them next to the field.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// JSON path of the offending field, e.g. `contact.phone`.
    pub field: String,
    /// Stable machine code, e.g. `too_long`, `invalid_phone`.
    pub code: String,
    /// Human message, in French: the API's language.
    pub message: String,
    /// The same message in English, for the English console (not on the wire: the API and
    /// the phone speak French first).
    #[serde(skip)]
    pub message_en: String,
}

impl FieldError {
    /// The message in the reader's language.
    pub fn message_in(&self, english: bool) -> &str {
        if english && !self.message_en.is_empty() {
            &self.message_en
        } else {
            &self.message
        }
    }
}

/// A refusal's words, written once where the refusal is made, in French and in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub fr: String,
    pub en: String,
}

impl<F: Into<String>, E: Into<String>> From<(F, E)> for Said {
    fn from((fr, en): (F, E)) -> Self {
        Said {
            fr: fr.into(),
            en: en.into(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: impl Into<String>, code: &str, message: impl Into<Said>) {
        let Said { fr, en } = message.into();
        self.errors.push(FieldError {
            field: field.into(),
            code: code.to_owned(),
            message: fr,
            message_en: en,
        });
    }

    /// Required, trimmed, 1..=max characters. Returns the trimmed value when valid.
    pub fn required_text(&mut self, field: &str, value: &str, max: usize) -> Option<String> {
        let v = value.trim();
        if v.is_empty() {
            self.push(
                field,
                "required",
                ("Ce champ est obligatoire.", "This field is required."),
            );
            return None;
        }
        self.text_len(field, value, v, max)
    }

    /// Optional text: `None` or empty stays `None`; otherwise trimmed and length-checked.
    pub fn optional_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        let raw = value?;
        let v = raw.trim();
        if v.is_empty() {
            return None;
        }
        self.text_len(field, raw, v, max)
    }

    /// `max` counts the text as sent, spaces around it included (as the API's document
    /// says it); the trimmed text is what is kept.
    fn text_len(&mut self, field: &str, raw: &str, v: &str, max: usize) -> Option<String> {
        if raw.chars().count() > max {
            self.push(
                field,
                "too_long",
                (
                    format!("{max} caractères au plus."),
                    format!("{max} characters at most."),
                ),
            );
            return None;
        }
        // Control, invisible and bidirectional characters: a name that looks like another
        // would slip past the duplicate search, and reversed text misleads the reader.
        if v.chars().any(|c| {
            (c.is_control() && c != '\n' && c != '\t')
                || (!c.is_control() && crate::wording::is_invisible(c))
        }) {
            self.push(
                field,
                "control_character",
                (
                    "Caractère invisible ou de contrôle interdit.",
                    "Invisible or control characters are not allowed.",
                ),
            );
            return None;
        }
        Some(v.to_owned())
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gathers_every_error_with_its_field() {
        let mut v = Validator::new();
        assert_eq!(v.required_text("name", "  ", 10), None);
        assert_eq!(v.required_text("city", "Chalon-sur-Saône", 5), None);
        assert_eq!(v.optional_text("note", Some(""), 5), None);
        assert_eq!(
            v.required_text("ok", " Mâcon ", 10).as_deref(),
            Some("Mâcon")
        );
        let errs = v.finish().unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].field, "name");
        assert_eq!(errs[0].code, "required");
        assert_eq!(errs[1].code, "too_long");
    }

    /// The length is the text's as sent (what the API's document says), the kept text
    /// trimmed: 200 characters and a tab are 201.
    #[test]
    fn a_length_counts_the_text_as_sent() {
        let mut v = Validator::new();
        let sent = format!("\t{}", "a".repeat(200));
        assert_eq!(v.required_text("name", &sent, 200), None);
        assert_eq!(v.optional_text("note", Some(&sent), 200), None);
        assert_eq!(
            v.required_text("name", &format!(" {} ", "a".repeat(198)), 200),
            Some("a".repeat(198))
        );
        let e = v.finish().unwrap_err();
        assert_eq!(e.len(), 2);
        assert!(e.iter().all(|f| f.code == "too_long"));
    }

    #[test]
    fn refuses_control_characters() {
        let mut v = Validator::new();
        assert_eq!(v.required_text("name", "a\u{0}b", 10), None);
        assert_eq!(v.finish().unwrap_err()[0].code, "control_character");
    }
}
