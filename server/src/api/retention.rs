//! Retention on demand, for admins: a dry run lists what the daily job would anonymise.

use axum::Json;
use relais_domain::dto::{RetentionInput, RetentionRun};

use super::error::ServiceResult;
use super::extract::ApiJson;
use crate::api::caller::{Admins, Staff};

#[utoipa::path(post, path = "/api/v1/retention", tag = "retention", security(("bearer" = [])), request_body = RetentionInput,
    responses((status = 200, body = RetentionRun)))]
pub async fn run(
    t: Staff<Admins>,
    ApiJson(i): ApiJson<RetentionInput>,
) -> ServiceResult<Json<RetentionRun>> {
    crate::retention::run(
        &t.state,
        t.organisation_id(),
        Some(t.caller.account_id),
        t.now(),
        i.dry_run,
    )
    .await
    .map(Json)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![run]
}
