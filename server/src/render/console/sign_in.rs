//! The sign-in page's body (`templates/console/sign_in.html`), drawn from its fields' one
//! specification, which the edge reads the posted form with too.

use askama::Template;

use super::spec::{Field, FieldView, Input, SummaryView, summary};
use super::text::Text;
use super::{Form, Lang};

/// The sign-in form's fields.
pub const FIELDS: [Field; 4] = [
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
    totp_code: FieldView,
    recovery_code: FieldView,
}

/// The sign-in form, as typed and refused if it was (never the password).
pub fn body(lang: Lang, form: &Form<'_>, back: Option<&str>, note: Option<&str>) -> String {
    let [email, password, totp_code, recovery_code] = FIELDS.map(|f| f.view(form));
    View {
        w: lang.t(),
        note,
        back,
        summary: summary(&FIELDS, form, lang),
        email,
        password,
        totp_code,
        recovery_code,
    }
    .render()
    .unwrap_or_else(|e| {
        tracing::error!(error = %e, "sign-in page did not render");
        String::new()
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
        }];
        for (english, label) in [(false, "Adresse électronique"), (true, "E-mail address")] {
            let lang = Lang { english };
            let f = Form {
                values: &values,
                errors: &errors,
                general: None,
                lang,
            };
            let h = body(lang, &f, Some("/console/file?x=\"1\""), None);
            assert!(
                h.contains(&format!(
                    "<a href=\"#f-email\">{label} : Adresse invalide.</a>"
                )),
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
