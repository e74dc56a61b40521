//! The wording of each message, previewed as the person would read it.

use super::*;

// ------------------------------------------------------------------ message templates

pub(super) async fn templates_page(d: D, RawQuery(raw): RawQuery) -> Response {
    templates_view(&d, &raw, None, None).await
}

/// The organisation's wording of each message, a preview of a new wording as the person
/// would read it (with its encoding and SMS segments), and saving it once it reads right.
pub(super) async fn templates_view(
    d: &D,
    raw: &Option<String>,
    tried: Option<(&[(String, String)], relais_domain::dto::TemplatePreview)>,
    refusal: Option<(&super::super::Refusal, Vec<(String, String)>)>,
) -> Response {
    let l = d.lang;
    let list = match crate::outbox::templates::list(d).await {
        Ok(t) => t,
        Err(e) => return failure(e, l),
    };
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|t| {
            vec![
                esc(&l.word_of::<MessageKind>(&t.kind)),
                esc(&l.word_of::<Channel>(&t.channel)),
                esc(&t.body),
                if t.default {
                    l.t().admin.built_in_neutral_wording.to_owned()
                } else {
                    l.t().admin.the_services_wording.to_owned()
                },
            ]
        })
        .collect();
    let mut h = format!("<p>{}</p>", l.t().admin.messages_never_name_the);
    table(
        &mut h,
        l.t().admin.wordings_in_use,
        &[
            l.t().message,
            l.t().channel,
            l.t().admin.text,
            l.t().admin.source,
        ],
        &rows,
        "",
    );
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
    h.push_str(&format!(
        "<h2 id=\"try\">{}</h2>",
        l.t().admin.try_a_wording
    ));
    if let Some((_, p)) = &tried {
        h.push_str(&format!(
            "<div class=\"notice\" role=\"status\"><p><strong>{}</strong></p><p>{}</p><p>{} : {} — {} {} — {} {}</p></div>",
            l.t().admin.what_the_person_will,
            esc(&p.text),
            l.t().admin.encoding,
            esc(&p.encoding),
            p.units,
            l.t().admin.characters,
            p.segments,
            l.t().admin.sms_segments
        ));
    }
    f.summary(
        &mut h,
        &[
            ("body", "Texte", "Text"),
            ("kind", "Message", "Message"),
            ("channel", "Canal", "Channel"),
        ],
    );
    form_open(&mut h, "/console/admin/messages", &d.csrf, "");
    f.select(
        &mut h,
        "kind",
        l.t().message,
        &options::<MessageKind>(l),
        true,
    );
    f.select(
        &mut h,
        "channel",
        l.t().channel,
        &[Channel::Sms, Channel::Email].map(|c| (c.as_str().to_owned(), l.word(c).to_owned())),
        true,
    );
    f.textarea(&mut h, "body", l.t().admin.text_quand_required_and);
    f.checkbox(&mut h, "with_place", l.t().admin.preview_for_a_person);
    h.push_str(&format!(
        "<button type=\"submit\" name=\"action\" value=\"preview\">{}</button> <button type=\"submit\" name=\"action\" value=\"save\" class=\"quiet\">{}</button></form>",
        l.t().admin.preview,
        l.t().admin.save_this_wording
    ));
    let title = l.t().admin.messages;
    match refusal {
        Some((r, _)) => html(r.status, page(&d.frame(title, None), &h)),
        None => d.page(title, notice(raw, d.lang).as_deref(), &h),
    }
}

pub(super) async fn templates_submit(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
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
            Ok(()) => done("/console/admin/messages", Done::WordingSaved),
            Err(e) => match d.refusal(e) {
                Ok(refusal) => templates_view(&d, &None, None, Some((&refusal, values))).await,
                Err(resp) => resp,
            },
        };
    }
    let r = match p.read::<relais_domain::dto::TemplatePreviewInput>(&[
        ("kind", Kind::Text),
        ("channel", Kind::Text),
        ("body", Kind::Text),
        ("with_place", Kind::Flag),
    ]) {
        Ok(i) => crate::outbox::templates::preview(&d, i).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(preview) => templates_view(&d, &None, Some((&values, preview)), None).await,
        Err(e) => match d.refusal(e) {
            Ok(refusal) => templates_view(&d, &None, None, Some((&refusal, values))).await,
            Err(resp) => resp,
        },
    }
}
