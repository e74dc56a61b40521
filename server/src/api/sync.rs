//! The phone's sync, for device sessions of roles that read files: the change feed and the
//! intents. The rules are in `crate::sync`.

use axum::Json;
use relais_domain::dto::{PushRequest, PushResponse, SyncPage};

use super::error::ServiceResult;
use super::extract::{ApiJson, ApiQuery};
use crate::api::caller::{FileReaders, Staff};
use crate::sync::pull::PullQuery;

/// A page of the device's change feed: records to hold and removals, from `since` (absent:
/// from the start). Keep `cursor` for the next call; go on while `has_more`.
#[utoipa::path(get, path = "/api/v1/sync/changes", tag = "sync", security(("bearer" = [])),
    params(("since" = Option<String>, Query), ("limit" = Option<u64>, Query)),
    responses((status = 200, body = SyncPage), (status = 403, body = super::error::Problem)))]
pub async fn changes(
    t: Staff<FileReaders>,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> ServiceResult<Json<SyncPage>> {
    crate::sync::pull::pull(&t, q).await.map(Json)
}

/// Apply the device's intents in order; one answer each.
#[utoipa::path(post, path = "/api/v1/sync/intents", tag = "sync", security(("bearer" = [])),
    request_body = PushRequest,
    responses((status = 200, body = PushResponse), (status = 403, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn intents(
    t: Staff<FileReaders>,
    ApiJson(i): ApiJson<PushRequest>,
) -> ServiceResult<Json<PushResponse>> {
    crate::sync::push::push(&t, i).await.map(Json)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![changes, intents]
}
