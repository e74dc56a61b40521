//! Phones: a device signs in once with the second factor, then lives on rotating refresh tokens; a rotated token presented again revokes the whole family.

use crate::audit::{self, Action};
use crate::auth::credentials::{Authenticated, authenticate, login_event};
use crate::crypto::{random_token, token_hash};
use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::entities::{account, device, session};
use chrono::{DateTime, Duration, Utc};
use relais_domain::Role;
use relais_domain::dto::{DeviceGrant, DeviceLoginRequest, RefreshRequest};
use relais_domain::problem::ProblemCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// Creates an access session for a device; the caller commits.
pub(crate) async fn issue_device_grant<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    account: &account::Model,
    device_id: Uuid,
    now: DateTime<Utc>,
) -> ServiceResult<(String, DateTime<Utc>)> {
    let access = random_token(32);
    let access_expires_at = now + Duration::minutes(state.config().device_access_minutes);
    // One live access token per device: older ones end when a new one is issued.
    session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(session::Column::DeviceId.eq(device_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    session::ActiveModel {
        id: Set(Uuid::new_v4()),
        account_id: Set(account.id),
        organisation_id: Set(account.organisation_id),
        token_hash: Set(token_hash(&access)),
        kind: Set("device".into()),
        device_id: Set(Some(device_id)),
        second_factor_ok: Set(true),
        created_at: Set(now),
        idle_expires_at: Set(access_expires_at),
        expires_at: Set(access_expires_at),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok((access, access_expires_at))
}

/// A device, its refresh token (current and rotated) and every session it opened.
pub(crate) async fn revoke_device_family<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    crate::auth::devices::revoke(
        db,
        now,
        sea_orm::Condition::all().add(device::Column::Id.eq(id)),
        sea_orm::Condition::all().add(session::Column::DeviceId.eq(id)),
    )
    .await
}

pub async fn device_login(
    state: &crate::state::AppState,
    ip: Option<std::net::IpAddr>,
    req: DeviceLoginRequest,
) -> ServiceResult<DeviceGrant> {
    let name = {
        let mut v = relais_domain::Validator::new();
        let n = v.required_text(
            "device_name",
            &req.device_name,
            relais_domain::limits::DEVICE_NAME,
        );
        v.finish().map_err(ServiceError::validation)?;
        n.unwrap_or_default()
    };
    let a = authenticate(
        state,
        ip,
        &req.email,
        &req.password,
        req.totp_code.as_deref(),
        req.recovery_code.as_deref(),
    )
    .await?;
    if !a.second_factor_ok {
        return Err(ServiceError::new(ProblemCode::SecondFactorRequired, "Second facteur requis")
            .detail("Enrôlez d'abord une application d'authentification depuis un poste, puis connectez le téléphone."));
    }
    let now = state.now();
    let refresh = random_token(32);
    let refresh_expires_at = now + Duration::days(state.config().device_refresh_days);
    let device_id = Uuid::new_v4();
    let (_turn, txn) = state.begin_write().await?;
    device::ActiveModel {
        id: Set(device_id),
        account_id: Set(a.account.id),
        organisation_id: Set(a.account.organisation_id),
        name: Set(name),
        refresh_hash: Set(token_hash(&refresh)),
        refresh_expires_at: Set(refresh_expires_at),
        created_at: Set(now),
        last_used_at: Set(now),
        revoked_at: Set(None),
        previous_refresh_hash: Set(None),
    }
    .insert(&txn)
    .await?;
    let (access_token, access_expires_at) =
        issue_device_grant(&txn, state, &a.account, device_id, now).await?;
    audit::record(&txn, login_event(&a, ip, Action::DeviceLogin, state.now())).await?;
    txn.commit().await?;
    Ok(DeviceGrant {
        device_id,
        access_token,
        access_expires_at,
        refresh_token: refresh,
        refresh_expires_at,
    })
}

pub async fn device_refresh(
    state: &crate::state::AppState,
    ip: Option<std::net::IpAddr>,
    req: RefreshRequest,
) -> ServiceResult<DeviceGrant> {
    let now = state.now();
    let db = state.db();
    let presented = token_hash(req.refresh_token.trim());
    let found = device::Entity::find()
        .filter(device::Column::RefreshHash.eq(presented.clone()))
        .filter(device::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    let Some(dev) = found.filter(|d| d.refresh_expires_at > now) else {
        // A rotated token presented again: someone holds a copy. The whole family (the
        // device, its newer token and its sessions) is revoked.
        if let Some(stolen) = device::Entity::find()
            .filter(device::Column::PreviousRefreshHash.eq(presented))
            .filter(device::Column::RevokedAt.is_null())
            .one(db)
            .await?
        {
            let (_turn, txn) = state.begin_write().await?;
            revoke_device_family(&txn, stolen.id, now).await?;
            audit::record(
                &txn,
                audit::Event {
                    organisation_id: Some(stolen.organisation_id),
                    account_id: Some(stolen.account_id),
                    role: None,
                    ip: ip.map(|i| i.to_string()),
                    action: Action::DeviceRevoked,
                    record_type: Some("device"),
                    record_id: Some(stolen.id),
                    outcome: "refresh_token_reused",
                    at: now,
                },
            )
            .await?;
            txn.commit().await?;
        }
        return Err(ServiceError::unauthenticated());
    };
    let acc = account::Entity::find_by_id(dev.account_id)
        .one(db)
        .await?
        .filter(|a| !a.disabled && a.deleted_at.is_none())
        .ok_or_else(ServiceError::unauthenticated)?;
    let role = Role::parse(&acc.role)
        .ok_or_else(|| ServiceError::internal("account with an unknown role"))?;
    let refresh = random_token(32);
    let refresh_expires_at = now + Duration::days(state.config().device_refresh_days);
    let (_turn, txn) = state.begin_write().await?;
    // Rotate: the old refresh token stops working. The fenced update makes two concurrent
    // refreshes with the same token yield one winner.
    let rotated = device::Entity::update_many()
        .col_expr(
            device::Column::RefreshHash,
            sea_orm::sea_query::Expr::value(token_hash(&refresh)),
        )
        .col_expr(
            device::Column::RefreshExpiresAt,
            sea_orm::sea_query::Expr::value(refresh_expires_at),
        )
        .col_expr(
            device::Column::LastUsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .col_expr(
            device::Column::PreviousRefreshHash,
            sea_orm::sea_query::Expr::value(dev.refresh_hash.clone()),
        )
        .filter(device::Column::Id.eq(dev.id))
        .filter(device::Column::RefreshHash.eq(dev.refresh_hash.clone()))
        .filter(device::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if rotated.rows_affected != 1 {
        return Err(ServiceError::unauthenticated());
    }
    let (access_token, access_expires_at) =
        issue_device_grant(&txn, state, &acc, dev.id, now).await?;
    let a = Authenticated {
        account: acc,
        role,
        second_factor_ok: true,
    };
    audit::record(
        &txn,
        login_event(&a, ip, Action::DeviceRefresh, state.now()),
    )
    .await?;
    txn.commit().await?;
    Ok(DeviceGrant {
        device_id: dev.id,
        access_token,
        access_expires_at,
        refresh_token: refresh,
        refresh_expires_at,
    })
}

pub async fn revoke_device(t: &Scope, id: Uuid) -> ServiceResult<()> {
    let dev = t
        .scoped::<device::Entity>()
        .filter(device::Column::Id.eq(id))
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::not_found)?;
    // Own devices, or any device of the organisation for an admin.
    if dev.account_id != t.staff()?.account_id && t.staff()?.role != Role::Admin {
        return Err(ServiceError::not_found());
    }
    let now = t.now();
    let (_turn, txn) = t.begin_write().await?;
    revoke_device_family(&txn, id, now).await?;
    audit::record(
        &txn,
        t.audit_event(Action::DeviceRevoked, Some("device"), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Revoke the devices and the sessions two conditions name, those not revoked already.
pub(crate) async fn revoke<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    devices: sea_orm::Condition,
    sessions: sea_orm::Condition,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    device::Entity::update_many()
        .col_expr(device::Column::RevokedAt, Expr::value(now))
        .filter(devices)
        .filter(device::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(sessions)
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
