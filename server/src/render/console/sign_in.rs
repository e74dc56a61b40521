//! The sign-in page's body (`templates/console/sign_in.html`), drawn from its fields' one
//! specification, which the edge reads the posted form with too.

use askama::Template;

use super::spec::{Field, FieldView, Input, SummaryView, summary};
use super::text::Text;
use super::{Form, Lang};

/// The sign-in's first step: the address and the password.
pub const FIELDS: [Field; 2] = [
    Field {
        name: "email",
        input: Input::Email,
        label: |t| t.e_mail_address,
        required: true,
        hints: &[("autocomplete", "username"), ("autofocus", "")],
    },
    Field {
        name: "password",
        input: Input::Password,
        label: |t| t.password,
        required: true,
        hints: &[("autocomplete", "current-password")],
    },
];

/// The sign-in's second step: the authenticator's code, or a recovery code.
pub const CODE_FIELDS: [Field; 2] = [
    Field {
        name: "totp_code",
        input: Input::Text,
        label: |t| t.code_from_the_authenticator,
        required: false,
        hints: &[
            ("inputmode", "numeric"),
            ("autocomplete", "one-time-code"),
            ("maxlength", "6"),
            ("pattern", "[0-9]{6}"),
            ("autofocus", ""),
        ],
    },
    Field {
        name: "recovery_code",
        input: Input::Text,
        label: |t| t.recovery_code,
        required: false,
        hints: &[("autocomplete", "off")],
    },
];

#[derive(Template)]
#[template(path = "console/sign_in.html")]
struct View<'a> {
    w: &'static Text,
    note: Option<&'a str>,
    back: Option<&'a str>,
    summary: Option<SummaryView>,
    email: FieldView,
    password: FieldView,
}

#[derive(Template)]
#[template(path = "console/sign_in_code.html")]
struct CodeView<'a> {
    w: &'static Text,
    back: Option<&'a str>,
    /// The way back to the first step, with where to go after.
    restart: String,
    summary: Option<SummaryView>,
    totp_code: FieldView,
    recovery_code: FieldView,
}

fn drawn(view: &impl Template) -> String {
    view.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "sign-in page did not render");
        String::new()
    })
}

/// The sign-in's first step, as typed and refused if it was (never the password).
pub fn body(lang: Lang, form: &Form<'_>, back: Option<&str>, note: Option<&str>) -> String {
    let [email, password] = FIELDS.map(|f| f.view(form));
    drawn(&View {
        w: lang.t(),
        note,
        back,
        summary: summary(&FIELDS, form, lang),
        email,
        password,
    })
}

/// The sign-in's second step: the code, as refused if it was.
pub fn code_body(lang: Lang, form: &Form<'_>, back: Option<&str>) -> String {
    let [totp_code, recovery_code] = CODE_FIELDS.map(|f| f.view(form));
    drawn(&CodeView {
        w: lang.t(),
        back,
        restart: match back {
            Some(b) => format!(
                "/console/connexion?retour={}",
                crate::render::html::url_encode(b)
            ),
            None => "/console/connexion".to_owned(),
        },
        summary: summary(&CODE_FIELDS, form, lang),
        totp_code,
        recovery_code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use relais_domain::FieldError;

    #[test]
    fn a_refused_sign_in_names_its_field_in_the_reader_s_language_and_keeps_no_password() {
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
        for (english, said) in [
            (false, "Adresse électronique : Adresse invalide."),
            (true, "E-mail address: Invalid address."),
        ] {
            let lang = Lang { english };
            let f = Form {
                values: &values,
                errors: &errors,
                general: None,
                lang,
            };
            let h = body(lang, &f, Some("/console/file?x=\"1\""), None);
            assert!(
                h.contains(&format!("<a href=\"#f-email\">{said}</a>")),
                "{h}"
            );
            assert!(h.contains("value=\"a&#34;&#60;b&#62;@x\""), "{h}");
            assert!(h.contains("aria-invalid=\"true\" aria-describedby=\"f-email-e\""));
            assert!(!h.contains("secret"));
            assert!(h.contains("value=\"/console/file?x=&#34;1&#34;\""));
            assert!(h.contains("autocomplete=\"username\" autofocus>"), "{h}");
        }
    }
}
