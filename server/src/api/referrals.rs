//! Referrals: the one-way inbox. A referrer (gendarme, police officer, partner) hands a
//! situation over, from their account or from their unit's software with an API key; they
//! then see only a status. Never the social follow-up: coordinators are bound by secrecy.

use axum::Json;
use axum::http::StatusCode;
use relais_domain::dto::{PartnerUnit, PartnerUnitInput, ReferralInput, ReferralStatus};

use super::error::ServiceResult;
use super::extract::{ApiJson, PathId};
use crate::api::caller::UnitKey;
use crate::api::caller::{Admins, AnyRole, Staff};
use crate::casework::referrals as svc;

fn answer(s: svc::Submitted) -> (StatusCode, Json<ReferralStatus>) {
    let status = if s.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, Json(s.status))
}

/// Hand a situation over. The answer, and everything the sender can read afterwards, is a
/// status: received, contact made, no contact possible, closed.
#[utoipa::path(post, path = "/api/v1/referrals", tag = "referrals", security(("bearer" = [])), request_body = ReferralInput,
    responses((status = 201, body = ReferralStatus), (status = 200, body = ReferralStatus, description = "same external_ref: the first referral"), (status = 422, body = super::error::Problem)))]
pub async fn create(
    t: Staff<AnyRole>,
    ApiJson(i): ApiJson<ReferralInput>,
) -> ServiceResult<(StatusCode, Json<ReferralStatus>)> {
    svc::create(&t, i).await.map(answer)
}

/// The caller's own referrals and their statuses, newest first.
#[utoipa::path(get, path = "/api/v1/referrals", tag = "referrals", security(("bearer" = [])),
    responses((status = 200, body = Vec<ReferralStatus>)))]
pub async fn list(t: Staff<AnyRole>) -> ServiceResult<Json<Vec<ReferralStatus>>> {
    svc::list(&t).await.map(Json)
}

#[utoipa::path(get, path = "/api/v1/referrals/{id}", tag = "referrals", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = ReferralStatus), (status = 404, body = super::error::Problem)))]
pub async fn get(t: Staff<AnyRole>, PathId(id): PathId) -> ServiceResult<Json<ReferralStatus>> {
    svc::get(&t, id).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/partner/referrals", tag = "referrals", request_body = ReferralInput,
    security(("api_key" = [])),
    responses((status = 201, body = ReferralStatus), (status = 401, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn unit_create(
    u: UnitKey,
    ApiJson(i): ApiJson<ReferralInput>,
) -> ServiceResult<(StatusCode, Json<ReferralStatus>)> {
    svc::unit_create(&u, u.unit.clone(), i).await.map(answer)
}

#[utoipa::path(get, path = "/api/v1/partner/referrals/{id}", tag = "referrals", security(("api_key" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = ReferralStatus), (status = 404, body = super::error::Problem)))]
pub async fn unit_get(u: UnitKey, PathId(id): PathId) -> ServiceResult<Json<ReferralStatus>> {
    svc::unit_get(&u, u.unit.id, id).await.map(Json)
}

/// A partner unit and its API key (shown once).
#[utoipa::path(post, path = "/api/v1/partner-units", tag = "referrals", security(("bearer" = [])), request_body = PartnerUnitInput,
    responses((status = 201, body = PartnerUnit), (status = 422, body = super::error::Problem)))]
pub async fn create_unit(
    t: Staff<Admins>,
    ApiJson(i): ApiJson<PartnerUnitInput>,
) -> ServiceResult<(StatusCode, Json<PartnerUnit>)> {
    svc::create_unit(&t, i)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)))
}

#[utoipa::path(get, path = "/api/v1/partner-units", tag = "referrals", security(("bearer" = [])),
    responses((status = 200, body = Vec<PartnerUnit>)))]
pub async fn list_units(t: Staff<Admins>) -> ServiceResult<Json<Vec<PartnerUnit>>> {
    svc::list_units(&t).await.map(Json)
}

/// Revoke a unit's key: its software gets 401 from now on.
#[utoipa::path(delete, path = "/api/v1/partner-units/{id}", tag = "referrals", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn revoke_unit(t: Staff<Admins>, PathId(id): PathId) -> ServiceResult<StatusCode> {
    svc::revoke_unit(&t, id)
        .await
        .map(|()| StatusCode::NO_CONTENT)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![
        create,
        list,
        get,
        unit_create,
        unit_get,
        create_unit,
        list_units,
        revoke_unit
    ]
}
