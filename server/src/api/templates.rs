//! Message wording per organisation: admins replace the neutral default for a kind of
//! message on a channel; anyone on staff previews what a message would look like and how
//! many SMS it costs. Words that would reveal the service are refused (`sms::check_template`).

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use relais_domain::dto::{
    MessageTemplate, MessageTemplateInput, TemplatePreview, TemplatePreviewInput,
};

use super::error::ServiceResult;
use super::extract::ApiJson;
use crate::api::caller::{Admins, AnyRole, Staff};
use crate::outbox::templates as svc;

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
    svc::put(&t, kind, channel, i).await.map(Json)
}

#[utoipa::path(delete, path = "/api/v1/message-templates/{kind}/{channel}", tag = "messages", security(("bearer" = [])),
    params(("kind" = String, Path), ("channel" = String, Path)), responses((status = 204)))]
pub async fn delete(
    t: Staff<Admins>,
    Path((kind, channel)): Path<(String, String)>,
) -> ServiceResult<StatusCode> {
    svc::delete(&t, kind, channel)
        .await
        .map(|()| StatusCode::NO_CONTENT)
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

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![list, put, delete, preview]
}
