//! Sessions: password and second factor, lockout, TOTP enrolment and recovery codes, devices and their refresh-token families, logout and revocation.

use crate::audit::{self, Action};
use crate::auth::credentials::{authenticate, login_event};
use crate::auth::devices::revoke;
use crate::auth::devices::revoke_device_family;
use crate::crypto::{random_token, token_hash};
use crate::error::{ServiceError, ServiceResult};
use crate::organisation::{organisation_dto, site_dto};
use crate::scope::Scope;
use crate::store::OrgScoped;
use crate::store::entities::{account, account_site, device, organisation, session, site};
use chrono::{DateTime, Duration, Utc};
use relais_domain::Role;
use relais_domain::dto::{LoginRequest, Profile, SecondFactor, SessionGrant};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// Revoke every session and device of an account (used when it is disabled).
pub async fn revoke_all<C: ConnectionTrait>(
    db: &C,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    revoke(
        db,
        now,
        sea_orm::Condition::all().add(device::Column::AccountId.eq(account_id)),
        sea_orm::Condition::all().add(session::Column::AccountId.eq(account_id)),
    )
    .await
}

/// The caller behind a session token (the API's bearer, the console's cookie): the session
/// not revoked and within its idle and absolute limits, its account enabled and in the
/// session's organisation. Slides a web session's idle expiry (written at most once a
/// minute). The role and second-factor policy is the caller's to apply.
pub async fn resume(
    state: &crate::state::AppState,
    token: &str,
    ip: Option<std::net::IpAddr>,
) -> ServiceResult<crate::scope::Caller> {
    let now = state.now();
    let db = state.db().clone();
    // One query: the session and its account.
    let (s, acc) = session::Entity::find()
        .find_also_related(account::Entity)
        .filter(session::Column::TokenHash.eq(token_hash(token)))
        .filter(session::Column::RevokedAt.is_null())
        .one(&db)
        .await?
        .ok_or_else(ServiceError::unauthenticated)?;
    if s.expires_at <= now || s.idle_expires_at <= now {
        return Err(ServiceError::unauthenticated());
    }
    let acc = acc
        .filter(|a| a.organisation_id == s.organisation_id && !a.disabled && a.deleted_at.is_none())
        .ok_or_else(ServiceError::unauthenticated)?;
    let role = Role::parse(&acc.role)
        .ok_or_else(|| ServiceError::internal("account with an unknown role"))?;
    if s.kind == "web" {
        let idle = Duration::minutes(state.config().session_idle_minutes);
        let new_idle = (now + idle).min(s.expires_at);
        if new_idle - s.idle_expires_at > Duration::minutes(1) {
            let mut am: session::ActiveModel = s.clone().into();
            am.idle_expires_at = Set(new_idle);
            am.update(&db).await?;
        }
    }
    Ok(crate::scope::Caller {
        account_id: acc.id,
        organisation_id: acc.organisation_id,
        role,
        session_id: s.id,
        device_id: s.device_id,
        ip,
        second_factor_ok: s.second_factor_ok,
    })
}

pub async fn logout(t: &Scope) -> ServiceResult<()> {
    let (_turn, txn) = t.begin_write().await?;
    session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(t.now()),
        )
        .filter(session::Column::Id.eq(t.staff()?.session_id))
        .exec(&txn)
        .await?;
    // Logging a phone out ends its refresh token too.
    if let Some(d) = t.staff()?.device_id {
        revoke_device_family(&txn, d, t.now()).await?;
    }
    audit::record(&txn, t.audit_event(Action::Logout, None, None, "ok")).await?;
    txn.commit().await?;
    Ok(())
}

/// The caller's account, organisation and sites: what the phone shows after login.
pub async fn me(t: &Scope) -> ServiceResult<Profile> {
    let db = t.db();
    let acc = t
        .scoped::<account::Entity>()
        .filter(account::Column::Id.eq(t.staff()?.account_id))
        .one(db)
        .await?
        .ok_or_else(ServiceError::unauthenticated)?;
    let org = organisation::Entity::scoped(t.organisation_id())
        .one(db)
        .await?
        .ok_or_else(ServiceError::unauthenticated)?;
    let mut sites_q = t
        .scoped::<site::Entity>()
        .filter(site::Column::DeletedAt.is_null());
    if t.staff()?.role != Role::Admin {
        let ids: Vec<Uuid> = t
            .scoped::<account_site::Entity>()
            .filter(account_site::Column::AccountId.eq(acc.id))
            .all(db)
            .await?
            .into_iter()
            .map(|l| l.site_id)
            .collect();
        sites_q = sites_q.filter(site::Column::Id.is_in(ids));
    }
    let sites = sites_q.all(db).await?.into_iter().map(site_dto).collect();
    Ok(Profile {
        account_id: acc.id,
        email: acc.email,
        display_name: acc.display_name,
        role: t.staff()?.role,
        organisation: organisation_dto(org),
        second_factor_enrolled: acc.totp_enrolled,
        sites,
    })
}

pub async fn login(
    state: &crate::state::AppState,
    ip: Option<std::net::IpAddr>,
    req: LoginRequest,
) -> ServiceResult<SessionGrant> {
    let a = authenticate(
        state,
        ip,
        &req.email,
        &req.password,
        req.totp_code.as_deref(),
        req.recovery_code.as_deref(),
    )
    .await?;
    let now = state.now();
    let c = state.config();
    let token = random_token(32);
    let expires_at = now + Duration::hours(c.session_max_hours);
    let (_turn, txn) = state.begin_write().await?;
    session::ActiveModel {
        id: Set(Uuid::new_v4()),
        account_id: Set(a.account.id),
        organisation_id: Set(a.account.organisation_id),
        token_hash: Set(token_hash(&token)),
        kind: Set("web".into()),
        device_id: Set(None),
        second_factor_ok: Set(a.second_factor_ok),
        created_at: Set(now),
        idle_expires_at: Set(now + Duration::minutes(c.session_idle_minutes)),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, login_event(&a, ip, Action::Login, state.now())).await?;
    txn.commit().await?;
    Ok(SessionGrant {
        token,
        expires_at,
        idle_timeout_seconds: c.session_idle_minutes * 60,
        second_factor: if a.second_factor_ok {
            SecondFactor::Verified
        } else {
            SecondFactor::EnrolmentRequired
        },
    })
}
