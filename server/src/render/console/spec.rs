//! One specification per form: each field declared once (name, how it is typed, its label in
//! both languages, whether it is required, what helps a browser fill it). The reader of the
//! posted form (`web::console::Posted::read_fields`), the error summary and the markup
//! (`templates/console/kit.html`) all read it, so they cannot disagree.

use super::text::Text;
use super::{Form, Lang};

/// How a field is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Text,
    Email,
    Password,
    Number,
    Tel,
    Date,
    Time,
    /// A date and a time of day, read in the place's own time.
    DateTime,
    /// Several lines of text.
    Area,
    /// A yes/no: true when ticked.
    Check,
    /// One of the options the page gives (`FormView::options`).
    Choice,
    /// Any of the options the page gives, ticked (sent once per option ticked).
    Several,
    /// A value the page carries, not typed (`FormView::initially`).
    Hidden,
    /// The version of the record the page saw, carried hidden and read as a number: a page
    /// that went stale is refused, not applied.
    Version,
    /// The fields that follow read together under this label, until `End`; a fault of the
    /// whole (its name) is shown on the group.
    Group,
    /// The end of a group.
    End,
}

impl Input {
    fn html_type(self) -> &'static str {
        match self {
            Input::Text | Input::Area | Input::Choice => "text",
            Input::Email => "email",
            Input::Password => "password",
            Input::Number => "number",
            Input::Tel => "tel",
            Input::Date => "date",
            Input::Time => "time",
            Input::DateTime => "datetime-local",
            Input::Check | Input::Several => "checkbox",
            Input::Hidden | Input::Version => "hidden",
            Input::Group | Input::End => "",
        }
    }

    /// Which element the kit draws.
    fn control(self) -> &'static str {
        match self {
            Input::Area => "textarea",
            Input::Check => "checkbox",
            Input::Choice => "select",
            Input::Several => "several",
            Input::Hidden | Input::Version => "hidden",
            Input::Group => "group",
            Input::End => "end",
            _ => "input",
        }
    }
}

/// One field of a form.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub input: Input,
    /// Its label, a key of the catalog (`text`).
    pub label: fn(&'static Text) -> &'static str,
    pub required: bool,
    /// What helps a browser fill it: `autocomplete`, `inputmode`, `maxlength`, `pattern`,
    /// `autofocus` (an empty value is an attribute without one).
    pub hints: &'static [(&'static str, &'static str)],
}

/// A field in one line of a specification: its name, how it is typed, its label, whether it
/// is required, what helps a browser fill it.
pub const fn field(
    name: &'static str,
    input: Input,
    label: fn(&'static Text) -> &'static str,
    required: bool,
    hints: &'static [(&'static str, &'static str)],
) -> Field {
    Field {
        name,
        input,
        label,
        required,
        hints,
    }
}

/// A field as its template draws it: everything escaped by the template.
pub struct FieldView {
    pub id: String,
    pub name: &'static str,
    pub kind: &'static str,
    /// `input`, `textarea`, `checkbox` or `select`.
    pub control: &'static str,
    /// A checkbox ticked.
    pub checked: bool,
    /// A select's options; the one typed is chosen, else the first.
    pub options: Vec<Choice>,
    /// Every value typed under its name (several ticked boxes).
    pub typed: Vec<String>,
    pub label: &'static str,
    pub required: Option<&'static str>,
    pub value: String,
    pub error: Option<String>,
    pub hints: &'static [(&'static str, &'static str)],
}

/// An option of a select: (value, label, chosen).
pub struct Choice {
    pub value: String,
    pub label: String,
    pub chosen: bool,
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
            control: self.input.control(),
            checked: form.values.iter().any(|(k, _)| k == self.name),
            options: Vec::new(),
            typed: form
                .values
                .iter()
                .filter(|(k, _)| k == self.name)
                .map(|(_, v)| v.clone())
                .collect(),
            label: (self.label)(l.t()),
            required: self.required.then(|| l.t().required),
            // A password is never sent back to the browser.
            value: if self.input == Input::Password {
                String::new()
            } else {
                form.value(self.name).to_owned()
            },
            error: if self.input == Input::Group {
                form.error_of_whole(self.name)
            } else {
                form.error(self.name)
            }
            .map(str::to_owned),
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
        // The field itself, else the group or object it belongs to.
        let field = fields.iter().find(|f| e.field == f.name).or_else(|| {
            fields
                .iter()
                .find(|f| e.field.starts_with(&format!("{}.", f.name)))
        });
        // French puts a space before the colon; English does not.
        let said = |name: &str| {
            let m = e.message_in(l.english);
            if l.english {
                format!("{name}: {m}")
            } else {
                format!("{name} : {m}")
            }
        };
        items.push(match field {
            Some(f) => (Some(format!("#{}", id_of(f.name))), said((f.label)(l.t()))),
            None => (None, said(&e.field)),
        });
    }
    Some(SummaryView {
        title: l.t().the_form_was_not,
        items,
    })
}

/// A posted form as its template draws it (`kit::form`): the summary of its refusal, its
/// fields from their one specification, the anti-forgery token, the button.
pub struct FormView {
    /// `post`, or `get` for a form that only chooses what a page shows (no token).
    pub method: &'static str,
    pub action: String,
    pub csrf: String,
    pub summary: Option<SummaryView>,
    pub fields: Vec<FieldView>,
    pub buttons: Vec<Button>,
    /// A line read before the fields (what the form does), if any.
    pub intro: Option<&'static str>,
    /// Its look (`narrow` for a short form alone on its page), if any.
    pub class: &'static str,
}

/// A form's button: the value it posts under `name` (none when empty), its label, its look
/// (`""`, `quiet` or `danger`).
pub struct Button {
    pub name: &'static str,
    pub value: &'static str,
    pub label: &'static str,
    pub class: &'static str,
}

impl FormView {
    pub fn new(
        fields: &[Field],
        form: &Form<'_>,
        action: impl Into<String>,
        csrf: &str,
        submit: &'static str,
    ) -> Self {
        FormView {
            method: "post",
            action: action.into(),
            csrf: csrf.to_owned(),
            summary: summary(fields, form, form.lang),
            fields: fields.iter().map(|f| f.view(form)).collect(),
            buttons: vec![Button {
                name: "",
                value: "",
                label: submit,
                class: "",
            }],
            intro: None,
            class: "",
        }
    }

    /// Its look: `narrow` for a short form alone on its page.
    pub fn class(mut self, class: &'static str) -> Self {
        self.class = class;
        self
    }

    /// The buttons instead of the one submit: (name, value, label, look).
    pub fn buttons(
        mut self,
        buttons: &[(&'static str, &'static str, &'static str, &'static str)],
    ) -> Self {
        self.buttons = buttons
            .iter()
            .map(|&(name, value, label, class)| Button {
                name,
                value,
                label,
                class,
            })
            .collect();
        self
    }

    /// The ids of the fields `names` under `prefix` (`f-{prefix}-{name}`), for a second form
    /// on one page with a field of the same name.
    pub fn ids(mut self, prefix: &str, names: &[&str]) -> Self {
        for f in &mut self.fields {
            if names.contains(&f.name) {
                let old = format!("#{}", f.id);
                f.id = id_of(&format!("{prefix}-{}", f.name));
                if let Some(s) = &mut self.summary {
                    for h in s.items.iter_mut().filter_map(|(h, _)| h.as_mut()) {
                        if *h == old {
                            *h = format!("#{}", f.id);
                        }
                    }
                }
            }
        }
        self
    }

    /// Without the field `name` (not offered in this state).
    pub fn without(mut self, name: &str) -> Self {
        self.fields.retain(|f| f.name != name);
        self
    }

    /// A form that only chooses what the page shows: sent in the address, no token.
    pub fn get(mut self) -> Self {
        self.method = "get";
        self.csrf.clear();
        self
    }

    /// The one button's look (`quiet`, `danger`).
    pub fn look(mut self, class: &'static str) -> Self {
        for b in &mut self.buttons {
            b.class = class;
        }
        self
    }

    /// A line read before the fields.
    pub fn intro(mut self, text: &'static str) -> Self {
        self.intro = Some(text);
        self
    }

    /// The options of the select `name`, (value, label): the one typed is chosen, else
    /// the first; an optional select starts with an empty choice.
    pub fn options(mut self, name: &str, options: Vec<(String, String)>) -> Self {
        if let Some(f) = self.fields.iter_mut().find(|f| f.name == name) {
            let typed = f.value.clone();
            let several = f.control == "several";
            let mut list: Vec<Choice> = Vec::new();
            if f.required.is_none() && !several {
                list.push(Choice {
                    value: String::new(),
                    label: "—".to_owned(),
                    chosen: typed.is_empty(),
                });
            }
            list.extend(options.into_iter().map(|(value, label)| Choice {
                chosen: if several {
                    f.typed.contains(&value)
                } else {
                    value == typed
                },
                value,
                label,
            }));
            f.options = list;
        }
        self
    }

    /// The value a field starts with when nothing was typed.
    pub fn initially(mut self, name: &str, value: impl Into<String>) -> Self {
        if let Some(f) = self.fields.iter_mut().find(|f| f.name == name)
            && f.value.is_empty()
            && f.error.is_none()
        {
            f.value = value.into();
        }
        self
    }
}
