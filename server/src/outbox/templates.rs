//! Message templates per organisation: checked for revealing words at save, previewed with their encoding and segments.

use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::store::entities::message_template;
use chrono::{Datelike, Duration, TimeZone, Utc};
use relais_domain::dto::{
    MessageTemplate, MessageTemplateInput, TemplatePreview, TemplatePreviewInput,
};
use relais_domain::problem::ProblemCode;
use relais_domain::sms::{self, MessageKind};
use relais_domain::wording::Revealing;
use sea_orm::ActiveModelTrait;
use sea_orm::EntityTrait;
use sea_orm::Set;
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

pub(crate) const KINDS: [MessageKind; 3] = [
    MessageKind::Confirmation,
    MessageKind::Reminder,
    MessageKind::Cancellation,
];
const CHANNELS: [&str; 2] = ["sms", "email"];

pub(crate) fn parse_key(kind: &str, channel: &str) -> ServiceResult<MessageKind> {
    let k = MessageKind::parse(kind).ok_or_else(|| {
        ServiceError::field(
            ProblemCode::Invalid,
            "kind",
            (
                "confirmation, reminder ou cancellation",
                "confirmation, reminder or cancellation",
            ),
        )
    })?;
    if !CHANNELS.contains(&channel) {
        return Err(ServiceError::field(
            ProblemCode::Invalid,
            "channel",
            ("sms ou email", "sms or email"),
        ));
    }
    Ok(k)
}

/// A template's rendered text against the organisation's revealing words and place texts.
pub(crate) fn check(revealing: &Revealing, places: &[String], body: &str) -> ServiceResult<()> {
    let places: Vec<&str> = places.iter().map(String::as_str).collect();
    sms::check_template(body, revealing, &places).map_err(|e| {
        let code = match e {
            sms::TemplateRefusal::Form(_) => ProblemCode::Invalid,
            sms::TemplateRefusal::Revealing(_) => ProblemCode::RevealingWord,
        };
        ServiceError::field(code, "body", e.said().clone())
    })
}

/// The built-in wording, as a template.
pub(crate) fn default_body(k: MessageKind) -> &'static str {
    match k {
        MessageKind::Confirmation => "Rendez-vous confirmé : {quand}, {lieu}.",
        MessageKind::Reminder => "Rappel : rendez-vous {quand}, {lieu}.",
        MessageKind::Cancellation => "Rendez-vous du {quand} annulé.",
    }
}

pub async fn list(t: &Scope) -> ServiceResult<Vec<MessageTemplate>> {
    let rows = t
        .scoped::<message_template::Entity>()
        .order_by_asc(message_template::Column::Kind)
        .all(t.db())
        .await?;
    let mut out = Vec::new();
    for k in KINDS {
        for ch in CHANNELS {
            let own = rows
                .iter()
                .find(|r| r.kind == k.as_str() && r.channel == ch);
            out.push(MessageTemplate {
                kind: k.as_str().into(),
                channel: ch.into(),
                body: own
                    .map(|r| r.body.clone())
                    .unwrap_or_else(|| default_body(k).into()),
                updated_at: own.map(|r| r.updated_at),
                default: own.is_none(),
            });
        }
    }
    Ok(out)
}

pub async fn preview(t: &Scope, i: TemplatePreviewInput) -> ServiceResult<TemplatePreview> {
    let k = parse_key(&i.kind, &i.channel)?;
    let (revealing, places) = crate::wording::load(t.db(), t.organisation_id()).await?;
    let body = match i.body {
        Some(b) => {
            check(&revealing, &places, b.trim())?;
            Some(b.trim().to_owned())
        }
        None => t
            .scoped::<message_template::Entity>()
            .filter(message_template::Column::Kind.eq(&i.kind))
            .filter(message_template::Column::Channel.eq(&i.channel))
            .one(t.db())
            .await?
            .map(|r| r.body),
    };
    // A sample: next Tuesday at 14:00, in the organisation's zone.
    let tz = crate::zone::Zones::load(t.db(), t.organisation_id())
        .await?
        .organisation()
        .tz;
    let today = t.now().with_timezone(&tz).date_naive();
    let ahead = (7 + 1 - i64::from(today.weekday().num_days_from_monday())) % 7;
    let day = today + Duration::days(if ahead == 0 { 7 } else { ahead });
    let at = tz
        .from_local_datetime(&day.and_hms_opt(14, 0, 0).unwrap_or_default())
        .earliest()
        .map(|x| x.with_timezone(&Utc))
        .unwrap_or_else(|| t.now());
    let place = i
        .with_place
        .then(|| places.first().map(String::as_str))
        .flatten()
        .or(i.with_place.then_some("12 rue de la Paix, Melun"));
    let text = match body {
        Some(b) => sms::render_template(&b, at, tz, place, None),
        None => sms::neutral_text(k, at, tz, place, None),
    };
    // The rendered text is checked again: the organisation's words or a site's name may
    // have changed since the template was saved.
    revealing
        .check(&text)
        .map_err(|e| ServiceError::field(ProblemCode::RevealingWord, "body", e))?;
    let text = if i.channel == "sms" {
        sms::for_sms(&text)
    } else {
        text
    };
    let size = sms::size(&text);
    Ok(TemplatePreview {
        text,
        encoding: size.encoding.as_str().into(),
        units: size.units,
        segments: size.segments,
    })
}

/// Set an organisation's own wording for one kind of message on one channel; the rendered
/// text is checked against the organisation's revealing words first.
pub async fn put(
    t: &Scope,
    kind: String,
    channel: String,
    i: MessageTemplateInput,
) -> ServiceResult<MessageTemplate> {
    parse_key(&kind, &channel)?;
    let body = i.body.trim().to_owned();
    let (revealing, places) = crate::wording::load(t.db(), t.organisation_id()).await?;
    check(&revealing, &places, &body)?;
    let now = t.now();
    let existing = t
        .scoped::<message_template::Entity>()
        .filter(message_template::Column::Kind.eq(&kind))
        .filter(message_template::Column::Channel.eq(&channel))
        .one(t.db())
        .await?;
    match existing {
        Some(r) => {
            let mut a: message_template::ActiveModel = r.into();
            a.body = Set(body.clone());
            a.updated_by = Set(t.staff()?.account_id);
            a.updated_at = Set(now);
            a.update(t.db()).await?;
        }
        None => {
            message_template::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(t.organisation_id()),
                kind: Set(kind.clone()),
                channel: Set(channel.clone()),
                body: Set(body.clone()),
                updated_by: Set(t.staff()?.account_id),
                updated_at: Set(now),
            }
            .insert(t.db())
            .await?;
        }
    }
    Ok(MessageTemplate {
        kind,
        channel,
        body,
        updated_at: Some(now),
        default: false,
    })
}

/// Back to the built-in wording.
pub async fn delete(t: &Scope, kind: String, channel: String) -> ServiceResult<()> {
    parse_key(&kind, &channel)?;
    message_template::Entity::delete_many()
        .filter(message_template::Column::OrganisationId.eq(t.organisation_id()))
        .filter(message_template::Column::Kind.eq(&kind))
        .filter(message_template::Column::Channel.eq(&channel))
        .exec(t.db())
        .await?;
    Ok(())
}
