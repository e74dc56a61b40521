//! One specification per form: each field declared once (name, how it is typed, its label in
//! both languages, whether it is required, what helps a browser fill it). The reader of the
//! posted form (`web::console::Posted::read_fields`), the error summary and the markup
//! (`templates/console/kit.html`) all read it, so they cannot disagree.

use super::{Form, Lang};

/// How a field is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Text,
    Email,
    Password,
    Number,
}

impl Input {
    fn html_type(self) -> &'static str {
        match self {
            Input::Text => "text",
            Input::Email => "email",
            Input::Password => "password",
            Input::Number => "number",
        }
    }
}

/// One field of a form.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub input: Input,
    /// (French, English).
    pub label: (&'static str, &'static str),
    pub required: bool,
    /// What helps a browser fill it: `autocomplete`, `inputmode`, `maxlength`, `pattern`,
    /// `autofocus` (an empty value is an attribute without one).
    pub hints: &'static [(&'static str, &'static str)],
}

/// A field as its template draws it: everything escaped by the template.
pub struct FieldView {
    pub id: String,
    pub name: &'static str,
    pub kind: &'static str,
    pub label: &'static str,
    pub required: Option<&'static str>,
    pub value: String,
    pub error: Option<String>,
    pub hints: &'static [(&'static str, &'static str)],
}

/// The form's refusal read first: a title and one line per fault, a link to its field.
pub struct SummaryView {
    pub title: &'static str,
    pub items: Vec<(Option<String>, String)>,
}

/// The id of a field's element.
pub fn id_of(name: &str) -> String {
    format!(
        "f-{}",
        name.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    )
}

impl Field {
    /// The field as typed (never a password) with its fault, if any.
    pub fn view(&self, form: &Form<'_>) -> FieldView {
        let l = form.lang;
        FieldView {
            id: id_of(self.name),
            name: self.name,
            kind: self.input.html_type(),
            label: l.w(self.label.0, self.label.1),
            required: self.required.then(|| l.t().required),
            // A password is never sent back to the browser.
            value: if self.input == Input::Password {
                String::new()
            } else {
                form.value(self.name).to_owned()
            },
            error: form.error(self.name).map(str::to_owned),
            hints: self.hints,
        }
    }
}

/// The summary of a refused form, in the reader's language, naming each field by its label;
/// none when nothing was refused.
pub fn summary(fields: &[Field], form: &Form<'_>, l: Lang) -> Option<SummaryView> {
    if form.errors.is_empty() && form.general.is_none() {
        return None;
    }
    let mut items: Vec<(Option<String>, String)> = form
        .general
        .map(|g| (None, g.to_owned()))
        .into_iter()
        .collect();
    for e in form.errors {
        let field = fields
            .iter()
            .find(|f| e.field == f.name || e.field.starts_with(&format!("{}.", f.name)));
        items.push(match field {
            Some(f) => (
                Some(format!("#{}", id_of(f.name))),
                format!("{} : {}", l.w(f.label.0, f.label.1), e.message),
            ),
            None => (None, format!("{} : {}", e.field, e.message)),
        });
    }
    Some(SummaryView {
        title: l.t().the_form_was_not,
        items,
    })
}
