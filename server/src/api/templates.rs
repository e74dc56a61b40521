//! Message wording per organisation: admins replace the neutral default for a kind of
//! message on a channel; anyone on staff previews what a message would look like and how
//! many SMS it costs. Words that would reveal the service are refused (`sms::check_template`).

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use chrono::Utc;
use relais_domain::dto::{
    MessageTemplate, MessageTemplateInput, TemplatePreview, TemplatePreviewInput,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::error::ServiceResult;
use super::extract::ApiJson;
use crate::api::caller::{Admins, AnyRole, Staff};
use crate::outbox::templates as svc;
use crate::outbox::templates::check;
use crate::outbox::templates::parse_key;
use crate::store::entities::message_template;

#[utoipa::path(get, path = "/api/v1/message-templates", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = Vec<MessageTemplate>)))]
pub async fn list(t: Staff<AnyRole>) -> ServiceResult<Json<Vec<MessageTemplate>>> {
    svc::list(&t).await.map(Json)
}

#[utoipa::path(put, path = "/api/v1/message-templates/{kind}/{channel}", tag = "messages", security(("bearer" = [])),
    params(("kind" = String, Path), ("channel" = String, Path)), request_body = MessageTemplateInput,
    responses((status = 200, body = MessageTemplate), (status = 422, body = super::error::Problem)))]
pub async fn put(
    t: Staff<Admins>,
    Path((kind, channel)): Path<(String, String)>,
    ApiJson(i): ApiJson<MessageTemplateInput>,
) -> ServiceResult<Json<MessageTemplate>> {
    parse_key(&kind, &channel)?;
    let body = i.body.trim().to_owned();
    let (revealing, places) = crate::wording::load(t.db(), t.organisation_id()).await?;
    check(&revealing, &places, &body)?;
    let now = Utc::now();
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
            a.updated_by = Set(t.caller.account_id);
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
                updated_by: Set(t.caller.account_id),
                updated_at: Set(now),
            }
            .insert(t.db())
            .await?;
        }
    }
    Ok(Json(MessageTemplate {
        kind,
        channel,
        body,
        updated_at: Some(now),
        default: false,
    }))
}

#[utoipa::path(delete, path = "/api/v1/message-templates/{kind}/{channel}", tag = "messages", security(("bearer" = [])),
    params(("kind" = String, Path), ("channel" = String, Path)), responses((status = 204)))]
pub async fn delete(
    t: Staff<Admins>,
    Path((kind, channel)): Path<(String, String)>,
) -> ServiceResult<StatusCode> {
    parse_key(&kind, &channel)?;
    message_template::Entity::delete_many()
        .filter(message_template::Column::OrganisationId.eq(t.organisation_id()))
        .filter(message_template::Column::Kind.eq(&kind))
        .filter(message_template::Column::Channel.eq(&channel))
        .exec(t.db())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/message-templates/preview", tag = "messages", security(("bearer" = [])),
    request_body = TemplatePreviewInput,
    responses((status = 200, body = TemplatePreview), (status = 422, body = super::error::Problem)))]
pub async fn preview(
    t: Staff<AnyRole>,
    ApiJson(i): ApiJson<TemplatePreviewInput>,
) -> ServiceResult<Json<TemplatePreview>> {
    svc::preview(&t, i).await.map(Json)
}
