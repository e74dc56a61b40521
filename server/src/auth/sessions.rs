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
    // A sign-in held between its two steps opens nothing.
    if s.expires_at <= now || s.idle_expires_at <= now || s.kind == SIGN_IN_KIND {
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
    open_session(state, ip, &a).await
}

/// A web session for an account that proved who it is (its second factor, or none yet:
/// then only the enrolment pages open).
async fn open_session(
    state: &crate::state::AppState,
    ip: Option<std::net::IpAddr>,
    a: &crate::auth::credentials::Authenticated,
) -> ServiceResult<SessionGrant> {
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
    audit::record(&txn, login_event(a, ip, Action::Login, state.now())).await?;
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

/// How long the code may follow the password.
pub const SIGN_IN_MINUTES: i64 = 5;

/// At most this many accounts share one address and password (`check_password` reads ten).
const SIGN_IN_ACCOUNTS: usize = 10;

/// The kind of the row that holds a sign-in between its two steps.
const SIGN_IN_KIND: &str = "sign_in";

/// The first step of the console's sign-in answered.
pub enum Begun {
    /// The account has no second factor yet: a session that opens only its enrolment.
    Session(SessionGrant),
    /// The password was right; the code is asked next. `token` holds the sign-in on the
    /// server for `SIGN_IN_MINUTES` (the browser keeps it in a cookie of its own); it opens
    /// nothing by itself.
    Code { token: String },
}

/// One row per account the password matched, each under its own hash of the one token.
fn sign_in_hash(token: &str, n: usize) -> String {
    token_hash(&format!("{token}:{n}"))
}

/// The console's sign-in, first step: the address and the password (throttle, lockout and
/// audit as always). When the account has a second factor, the sign-in is held on the server
/// for a few minutes, for every account the password matched, and the code is asked next.
pub async fn begin(
    state: &crate::state::AppState,
    ip: Option<std::net::IpAddr>,
    email: &str,
    password: &str,
) -> ServiceResult<Begun> {
    let (acc, matching) =
        crate::auth::credentials::check_password(state, ip, email, password, None, None).await?;
    if !acc.totp_enrolled {
        let a = crate::auth::credentials::second_factor(state, ip, acc, None, None).await?;
        return open_session(state, ip, &a).await.map(Begun::Session);
    }
    let now = state.now();
    let until = now + Duration::minutes(SIGN_IN_MINUTES);
    let token = random_token(32);
    let (_turn, txn) = state.begin_write().await?;
    for (n, a) in matching
        .iter()
        .filter(|a| a.totp_enrolled)
        .take(SIGN_IN_ACCOUNTS)
        .enumerate()
    {
        session::ActiveModel {
            id: Set(Uuid::new_v4()),
            account_id: Set(a.id),
            organisation_id: Set(a.organisation_id),
            token_hash: Set(sign_in_hash(&token, n)),
            kind: Set(SIGN_IN_KIND.into()),
            device_id: Set(None),
            second_factor_ok: Set(false),
            created_at: Set(now),
            idle_expires_at: Set(until),
            expires_at: Set(until),
            revoked_at: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(Begun::Code { token })
}

/// The console's sign-in, second step: the code (or a recovery code) for the sign-in held by
/// `token`. A wrong code counts against the account as in one step and leaves the sign-in
/// held; an unknown or expired one is `Unauthenticated` (start again). Once signed in, the
/// held sign-in ends.
pub async fn finish(
    state: &crate::state::AppState,
    ip: Option<std::net::IpAddr>,
    token: &str,
    totp_code: Option<&str>,
    recovery_code: Option<&str>,
) -> ServiceResult<SessionGrant> {
    let now = state.now();
    let db = state.db();
    let hashes: Vec<String> = (0..SIGN_IN_ACCOUNTS)
        .map(|n| sign_in_hash(token, n))
        .collect();
    let held: Vec<(session::Model, Option<account::Model>)> = session::Entity::find()
        .find_also_related(account::Entity)
        .filter(session::Column::TokenHash.is_in(hashes))
        .filter(session::Column::Kind.eq(SIGN_IN_KIND))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .all(db)
        .await?;
    let accounts: Vec<account::Model> = held.iter().filter_map(|(_, a)| a.clone()).collect();
    if accounts.is_empty() {
        return Err(ServiceError::unauthenticated());
    }
    if totp_code.is_none() && recovery_code.is_none() {
        return Err(ServiceError::field(
            relais_domain::problem::ProblemCode::SecondFactorNeeded,
            "totp_code",
            (
                "Code de l'application d'authentification requis.",
                "The authenticator app's code is required.",
            ),
        ));
    }
    let Some(acc) =
        crate::auth::credentials::pick_by_code(state, &accounts, totp_code, recovery_code).await?
    else {
        return Err(ServiceError::unauthenticated());
    };
    let a =
        crate::auth::credentials::second_factor(state, ip, acc, totp_code, recovery_code).await?;
    let ids: Vec<Uuid> = held.iter().map(|(s, _)| s.id).collect();
    session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(session::Column::Id.is_in(ids))
        .exec(db)
        .await?;
    open_session(state, ip, &a).await
}
