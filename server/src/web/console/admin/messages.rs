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

/// The invitation settings (issue 27), read as the organisation's settings the API takes.
const INVITATION_FIELDS: &[Field] = &[
    Field {
        name: "name",
        input: Input::Hidden,
        label: |t| t.admin.invitation_settings,
        required: true,
        hints: &[],
    },
    Field {
        name: "invitations",
        input: Input::Group,
        label: |t| t.admin.invitation_settings,
        required: false,
        hints: &[],
    },
    Field {
        name: "invitations.expiry_days",
        input: Input::Number,
        label: |t| t.admin.invitation_expiry_days,
        required: true,
        hints: &[("min", "2"), ("max", "30")],
    },
    Field {
        name: "invitations.follow_up_days",
        input: Input::Number,
        label: |t| t.admin.invitation_follow_up_days,
        required: true,
        hints: &[("min", "1"), ("max", "28")],
    },
    Field {
        name: "invitations.callback_phone",
        input: Input::Tel,
        label: |t| t.admin.invitation_callback_phone,
        required: false,
        hints: &[],
    },
    Field {
        name: "invitations_end",
        input: Input::End,
        label: |t| t.admin.invitation_settings,
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
    settings: FormView,
}

pub(super) async fn templates_page(d: D, RawQuery(raw): RawQuery) -> Page {
    templates_view(&d, &raw, None, None, None).await
}

/// The organisation's wording of each message, a preview of a new wording as the person
/// would read it (with its encoding and SMS segments), and saving it once it reads right.
pub(super) async fn templates_view(
    d: &D,
    raw: &Option<String>,
    tried: Option<(&[(String, String)], relais_domain::dto::TemplatePreview)>,
    refusal: Option<(&super::super::Refusal, Vec<(String, String)>)>,
    settings_refused: Option<(&super::super::Refusal, Vec<(String, String)>)>,
) -> Page {
    let l = d.lang;
    let org = crate::organisation::get_organisation(d).await?;
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
    let sf = match &settings_refused {
        Some((r, v)) => r.form(v, l),
        None => Form::empty(l),
    };
    let settings = FormView::new(
        INVITATION_FIELDS,
        &sf,
        "/console/admin/invitations",
        &d.csrf,
        t.admin.save_the_settings,
    )
    .intro(t.admin.invitation_settings_intro)
    .initially("name", org.name.clone())
    .initially(
        "invitations.expiry_days",
        org.invitations.expiry_days.to_string(),
    )
    .initially(
        "invitations.follow_up_days",
        org.invitations.follow_up_days.to_string(),
    )
    .initially(
        "invitations.callback_phone",
        org.invitations
            .callback_phone
            .as_deref()
            .map(relais_domain::phone::national)
            .unwrap_or_default(),
    );
    let h = draw(&MessagesView {
        t,
        list,
        preview: tried.map(|(_, p)| p),
        form,
        settings,
    });
    let title = l.t().admin.messages;
    match refusal.or(settings_refused) {
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
                templates_view(&d, &None, None, Some((&refusal, values)), None).await
            }
        };
    }
    let r = match p.read_fields::<relais_domain::dto::TemplatePreviewInput>(MESSAGE_FIELDS) {
        Ok(i) => crate::outbox::templates::preview(&d, i).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(preview) => templates_view(&d, &None, Some((&values, preview)), None, None).await,
        Err(e) => {
            let refusal = d.refusal(e)?;
            templates_view(&d, &None, None, Some((&refusal, values)), None).await
        }
    }
}

/// The invitation settings saved, as the API's `PUT /organisation` saves them.
pub(super) async fn invitation_settings_submit(d: D, Checked(p): Checked) -> Page {
    let values = p.values();
    let r = match p.read_fields::<relais_domain::dto::OrganisationInput>(INVITATION_FIELDS) {
        Ok(i) => crate::organisation::update_organisation(&d, i)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done(
            "/console/admin/messages",
            Done::InvitationSettingsSaved,
        )),
        Err(e) => {
            let refusal = d.refusal(e)?;
            templates_view(&d, &None, None, None, Some((&refusal, values))).await
        }
    }
}
