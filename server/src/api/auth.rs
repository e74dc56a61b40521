//! Login (web session or phone device), refresh, logout, TOTP enrolment, and the caller's
//! profile. Failures never say whether the account exists.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use relais_domain::dto::{
    DeviceGrant, DeviceLoginRequest, LoginRequest, Profile, RecoveryCodes, RefreshRequest,
    SessionGrant, TotpConfirm, TotpEnrolment,
};

use super::error::ServiceResult;
use super::extract::ApiJson;
use crate::api::caller::{AnyRole, ClientIp, Enrolling, Staff};
use crate::auth::sessions as svc;
use crate::state::AppState;

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = SessionGrant), (status = 401, body = super::error::Problem), (status = 429, body = super::error::Problem)))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ServiceResult<Json<SessionGrant>> {
    svc::login(&state, ip, req).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/auth/device", tag = "auth", request_body = DeviceLoginRequest,
    responses((status = 200, body = DeviceGrant), (status = 401, body = super::error::Problem), (status = 403, body = super::error::Problem)))]
pub async fn device_login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<DeviceLoginRequest>,
) -> ServiceResult<Json<DeviceGrant>> {
    crate::auth::devices::device_login(&state, ip, req)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/api/v1/auth/device/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = DeviceGrant), (status = 401, body = super::error::Problem)))]
pub async fn device_refresh(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> ServiceResult<Json<DeviceGrant>> {
    crate::auth::devices::device_refresh(&state, ip, req)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = super::error::Problem)))]
pub async fn logout(t: Staff<Enrolling>) -> ServiceResult<StatusCode> {
    svc::logout(&t).await.map(|()| StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/devices/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn revoke_device(
    t: Staff<AnyRole>,
    super::extract::PathId(id): super::extract::PathId,
) -> ServiceResult<StatusCode> {
    crate::auth::devices::revoke_device(&t, id)
        .await
        .map(|()| StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/auth/totp/enrol", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = TotpEnrolment), (status = 409, body = super::error::Problem)))]
pub async fn totp_enrol(t: Staff<Enrolling>) -> ServiceResult<Json<TotpEnrolment>> {
    crate::auth::enrolment::totp_enrol(&t).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/auth/totp/confirm", tag = "auth", security(("bearer" = [])), request_body = TotpConfirm,
    responses((status = 200, body = RecoveryCodes), (status = 422, body = super::error::Problem)))]
pub async fn totp_confirm(
    t: Staff<Enrolling>,
    ApiJson(req): ApiJson<TotpConfirm>,
) -> ServiceResult<Json<RecoveryCodes>> {
    crate::auth::enrolment::totp_confirm(&t, req)
        .await
        .map(Json)
}

/// The caller's account, organisation and sites: what the phone shows after login.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Profile), (status = 401, body = super::error::Problem)))]
pub async fn me(t: Staff<AnyRole>) -> ServiceResult<Json<Profile>> {
    svc::me(&t).await.map(Json)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![
        login,
        logout,
        device_login,
        device_refresh,
        totp_enrol,
        totp_confirm,
        revoke_device,
        me
    ]
}
