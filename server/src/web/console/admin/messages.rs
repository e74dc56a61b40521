//! The wording of each message, previewed as the person would read it.

use super::*;

// ------------------------------------------------------------------ message templates

/// A wording tried or saved, its one specification.
const MESSAGE_FIELDS: &[Field] = &[
    Field {
        name: "kind",
        input: Input::Choice,
        label: |t| t.message,
        required: true,
        hints: &[],
    },
    Field {
        name: "channel",
        input: Input::Choice,
        label: |t| t.channel,
        required: true,
        hints: &[],
    },
    Field {
        name: "body",
        input: Input::Area,
        label: |t| t.admin.text_quand_required_and,
        required: false,
        hints: &[],
    },
    Field {
        name: "with_place",
        input: Input::Check,
        label: |t| t.admin.preview_for_a_person,
        required: false,
        hints: &[],
    },
];

#[derive(askama::Template)]
#[template(path = "console/admin/messages.html")]
struct MessagesView {
    t: &'static Text,
    list: TableView,
    preview: Option<relais_domain::dto::TemplatePreview>,
    form: FormView,
}

pub(super) async fn templates_page(d: D, RawQuery(raw): RawQuery) -> Page {
    templates_view(&d, &raw, None, None).await
}

/// The organisation's wording of each message, a preview of a new wording as the person
/// would read it (with its encoding and SMS segments), and saving it once it reads right.
pub(super) async fn templates_view(
    d: &D,
    raw: &Option<String>,
    tried: Option<(&[(String, String)], relais_domain::dto::TemplatePreview)>,
    refusal: Option<(&super::super::Refusal, Vec<(String, String)>)>,
) -> Page {
    let l = d.lang;
    let list = crate::outbox::templates::list(d).await?;
    let t = l.t();
    let rows = list
        .iter()
        .map(|m| {
            vec![
                Cell::text(l.word_of::<MessageKind>(&m.kind)),
                Cell::text(l.word_of::<Channel>(&m.channel)),
                Cell::text(&m.body),
                Cell::text(if m.default {
                    t.admin.built_in_neutral_wording
                } else {
                    t.admin.the_services_wording
                }),
            ]
        })
        .collect();
    let list = TableView::new(
        t.admin.wordings_in_use,
        &[t.message, t.channel, t.admin.text, t.admin.source],
        t.nothing_yet,
    )
    .rows(rows);
    let empty: Vec<(String, String)> = Vec::new();
    let values: &[(String, String)] = match (&tried, &refusal) {
        (Some((v, _)), _) => v,
        (_, Some((_, v))) => v,
        _ => &empty,
    };
    let f = match &refusal {
        Some((r, _)) => r.form(values, l),
        None => Form {
            values,
            errors: &[],
            general: None,
            lang: l,
        },
    };
    let form = FormView::new(MESSAGE_FIELDS, &f, "/console/admin/messages", &d.csrf, "")
        .options("kind", options::<MessageKind>(l))
        .options(
            "channel",
            [Channel::Sms, Channel::Email]
                .map(|c| (c.as_str().to_owned(), l.word(c).to_owned()))
                .to_vec(),
        )
        .buttons(&[
            ("action", "preview", t.admin.preview, ""),
            ("action", "save", t.admin.save_this_wording, "quiet"),
        ]);
    let h = draw(&MessagesView {
        t,
        list,
        preview: tried.map(|(_, p)| p),
        form,
    });
    let title = l.t().admin.messages;
    match refusal {
        Some((r, _)) => Ok(html(r.status, page(&d.frame(title, None), &h))),
        None => Ok(d.page(title, notice(raw, d.lang).as_deref(), &h)),
    }
}

pub(super) async fn templates_submit(d: D, Checked(p): Checked) -> Page {
    let values = p.values();
    let kind = p.get("kind").unwrap_or("").to_owned();
    let channel = p.get("channel").unwrap_or("").to_owned();
    if p.get("action") == Some("save") {
        let r = match p.read::<relais_domain::dto::MessageTemplateInput>(&[("body", Kind::Needed)])
        {
            Ok(i) => crate::outbox::templates::put(&d, kind, channel, i)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        };
        return match r {
            Ok(()) => Ok(done("/console/admin/messages", Done::WordingSaved)),
            Err(e) => {
                let refusal = d.refusal(e)?;
                templates_view(&d, &None, None, Some((&refusal, values))).await
            }
        };
    }
    let r = match p.read_fields::<relais_domain::dto::TemplatePreviewInput>(MESSAGE_FIELDS) {
        Ok(i) => crate::outbox::templates::preview(&d, i).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(preview) => templates_view(&d, &None, Some((&values, preview)), None).await,
        Err(e) => {
            let refusal = d.refusal(e)?;
            templates_view(&d, &None, None, Some((&refusal, values))).await
        }
    }
}
