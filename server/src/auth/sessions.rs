//! Sessions: password and second factor, lockout, TOTP enrolment and recovery codes, devices and their refresh-token families, logout and revocation.

use crate::audit::{self, Action};
use crate::auth::lockout::{Policy, State as LockState};
use crate::auth::totp;
use crate::crypto::{random_token, token_hash};
use crate::error::{ServiceError, ServiceResult};
use crate::organisation::{organisation_dto, site_dto};
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::OrgScoped;
use crate::store::entities::{
    account, account_site, device, organisation, recovery_code, session, site,
};
use chrono::{DateTime, Duration, Utc};
use relais_domain::Role;
use relais_domain::dto::{
    DeviceGrant, DeviceLoginRequest, LoginRequest, Profile, RecoveryCodes, RefreshRequest,
    SecondFactor, SessionGrant, TotpConfirm, TotpEnrolment,
};
use relais_domain::problem::ProblemCode;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

pub(crate) fn invalid_credentials() -> ServiceError {
    ServiceError::new(ProblemCode::InvalidCredentials, "Connexion refusée")
        .detail("Identifiants invalides, ou compte temporairement bloqué après trop d'essais.")
}

pub(crate) fn lock_policy(state: &AppState) -> Policy {
    let c = state.config();
    Policy {
        threshold: c.lockout_threshold,
        window: Duration::minutes(c.lockout_window_minutes),
        lock_for: Duration::minutes(c.lockout_minutes),
    }
}

pub(crate) struct Authenticated {
    pub(crate) account: account::Model,
    pub(crate) role: Role,
    pub(crate) second_factor_ok: bool,
}

/// Password, lockout, second factor. Every outcome is audited.
pub(crate) async fn authenticate(
    state: &AppState,
    ip: Option<std::net::IpAddr>,
    email: &str,
    password: &str,
    totp_code: Option<&str>,
    recovery_code: Option<&str>,
) -> ServiceResult<Authenticated> {
    let now = Utc::now();
    if ip.is_some_and(|ip| state.ip_throttle().is_blocked(ip, now)) {
        return Err(
            ServiceError::new(ProblemCode::TooManyAttempts, "Trop de tentatives")
                .detail("Trop d'échecs depuis cette adresse : réessayez dans quelques minutes.")
                .retry_after(
                    u32::try_from(state.config().lockout_window_minutes.saturating_mul(60))
                        .unwrap_or(900),
                ),
        );
    }
    if password.chars().count() > relais_domain::password::MAX_CHARS {
        return Err(invalid_credentials());
    }
    let db = state.db();
    // An address is unique within an organisation only: several accounts may share it.
    let candidates: Vec<account::Model> = match relais_domain::email::normalise(email) {
        Some(e) => {
            account::Entity::find()
                .filter(account::Column::Email.eq(e))
                .filter(account::Column::DeletedAt.is_null())
                .order_by_asc(account::Column::CreatedAt)
                .limit(10)
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    let policy = lock_policy(state);
    // Always pay for one hash at least, known address or not, locked or not.
    let password_ok: Vec<bool> = {
        let hasher = state.hasher().clone();
        let password = password.to_owned();
        let phcs: Vec<Option<String>> = if candidates.is_empty() {
            vec![None]
        } else {
            candidates
                .iter()
                .map(|a| Some(a.password_hash.clone()))
                .collect()
        };
        tokio::task::spawn_blocking(move || {
            phcs.iter()
                .map(|p| hasher.verify(&password, p.as_deref()))
                .collect()
        })
        .await
        .map_err(ServiceError::internal)?
    };
    let matching: Vec<&account::Model> = candidates
        .iter()
        .zip(&password_ok)
        .filter(|(_, ok)| **ok)
        .map(|(a, _)| a)
        .collect();
    // Several accounts with this address and password: the second factor says which.
    let acc = match matching.as_slice() {
        [] => candidates.first().cloned(),
        [one] => Some((*one).clone()),
        many => {
            let mut pick = None;
            for a in many {
                if second_factor_matches(state, db, a, totp_code, recovery_code, now).await? {
                    pick = Some((*a).clone());
                    break;
                }
            }
            pick.or_else(|| many.first().map(|a| (*a).clone()))
        }
    };
    let password_ok = !matching.is_empty();
    let lock = acc.as_ref().map(lock_state);
    let ev = |acc: Option<&account::Model>, action, outcome| login_audit(acc, ip, action, outcome);
    let fail = |acc: Option<account::Model>| async move {
        record_failure(state, acc.as_ref(), ip, now).await?;
        Err::<Authenticated, ServiceError>(invalid_credentials())
    };
    let Some(acc) = acc else {
        return fail(None).await;
    };
    // A wrong password counts against every account of the address that is not locked
    // (each was tried): sharing an address gives no attacker more guesses.
    if !password_ok && candidates.len() > 1 {
        let mut counted = false;
        for a in &candidates {
            if policy.is_locked(&lock_state(a), now) {
                continue;
            }
            record_failure(state, Some(a), if counted { None } else { ip }, now).await?;
            counted = true;
        }
        if !counted {
            state
                .audit(ev(Some(&acc), Action::LoginFailed, "locked"))
                .await?;
        }
        return Err(invalid_credentials());
    }
    if lock.is_some_and(|l| policy.is_locked(&l, now)) {
        // Do not count attempts while locked: the lock would never end under attack.
        state
            .audit(ev(Some(&acc), Action::LoginFailed, "locked"))
            .await?;
        return Err(invalid_credentials());
    }
    if !password_ok {
        return fail(Some(acc)).await;
    }
    if acc.disabled {
        state
            .audit(ev(Some(&acc), Action::LoginFailed, "disabled"))
            .await?;
        return Err(invalid_credentials());
    }
    let role = Role::parse(&acc.role)
        .ok_or_else(|| ServiceError::internal("account with an unknown role"))?;
    let mut second_factor_ok = false;
    let mut totp_step = None;
    if acc.totp_enrolled {
        let secret = acc
            .totp_secret
            .as_deref()
            .map(|s| state.cipher().open("account", "totp_secret", acc.id, s))
            .transpose()?
            .ok_or_else(|| ServiceError::internal("enrolled account without a secret"))?;
        if let Some(code) = totp_code {
            totp_step = totp::verify(&secret, code, now.timestamp(), acc.totp_last_step);
            let Some(step) = totp_step else {
                // The right code, already used: not a guess, so not a failure.
                if totp::verify(&secret, code, now.timestamp(), None).is_some() {
                    return Err(code_already_used(state, &acc, ip, "totp_code").await?);
                }
                return fail(Some(acc)).await;
            };
            // Consume the step with a fenced write: of two parallel logins with one code,
            // one wins.
            let won = account::Entity::update_many()
                .col_expr(
                    account::Column::TotpLastStep,
                    sea_orm::sea_query::Expr::value(step),
                )
                .filter(account::Column::Id.eq(acc.id))
                .filter(
                    sea_orm::Condition::any()
                        .add(account::Column::TotpLastStep.is_null())
                        .add(account::Column::TotpLastStep.lt(step)),
                )
                .exec(db)
                .await?;
            if won.rows_affected != 1 {
                return Err(code_already_used(state, &acc, ip, "totp_code").await?);
            }
        } else if let Some(code) = recovery_code {
            match use_recovery_code(db, acc.id, code, now).await? {
                Recovery::Used => {}
                Recovery::AlreadyUsed => {
                    return Err(code_already_used(state, &acc, ip, "recovery_code").await?);
                }
                Recovery::Unknown => return fail(Some(acc)).await,
            }
        } else {
            return Err(ServiceError::field(
                ProblemCode::SecondFactorNeeded,
                "totp_code",
                "Code de l'application d'authentification requis.",
            ));
        }
        second_factor_ok = true;
    }
    let mut am = acc.clone().into_active_model();
    am.failed_logins = Set(0);
    am.first_failed_at = Set(None);
    am.locked_until = Set(None);
    let mut acc = am.update(db).await?;
    if totp_step.is_some() {
        acc.totp_last_step = totp_step;
    }
    Ok(Authenticated {
        account: acc,
        role,
        second_factor_ok,
    })
}

/// Whether `a`'s second factor accepts this code, without consuming it: to tell apart
/// accounts of several organisations that share an address and a password.
pub(crate) async fn second_factor_matches<C: ConnectionTrait>(
    state: &AppState,
    db: &C,
    a: &account::Model,
    totp_code: Option<&str>,
    recovery_code: Option<&str>,
    now: DateTime<Utc>,
) -> ServiceResult<bool> {
    if let Some(code) = totp_code {
        let Some(sealed) = a.totp_secret.as_deref() else {
            return Ok(false);
        };
        let secret = state
            .cipher()
            .open("account", "totp_secret", a.id, sealed)?;
        return Ok(totp::verify(&secret, code, now.timestamp(), a.totp_last_step).is_some());
    }
    if let Some(code) = recovery_code {
        return Ok(recovery_code::Entity::find()
            .filter(recovery_code::Column::AccountId.eq(a.id))
            .filter(recovery_code::Column::CodeHash.eq(recovery_hash(code)))
            .filter(recovery_code::Column::UsedAt.is_null())
            .one(db)
            .await?
            .is_some());
    }
    Ok(!a.totp_enrolled)
}

/// A second login inside one TOTP period: said plainly, audited, not counted as a failure.
pub(crate) async fn code_already_used(
    state: &AppState,
    acc: &account::Model,
    ip: Option<std::net::IpAddr>,
    field: &'static str,
) -> ServiceResult<ServiceError> {
    state
        .audit(login_audit(
            Some(acc),
            ip,
            Action::LoginFailed,
            "code_reused",
        ))
        .await?;
    Ok(ServiceError::field(
        ProblemCode::CodeAlreadyUsed,
        field,
        if field == "totp_code" {
            "Ce code vient déjà de servir : attendez le suivant (30 secondes au plus)."
        } else {
            "Ce code de secours a déjà servi : utilisez-en un autre."
        },
    ))
}

/// A recovery code as stored: letters and digits only, upper case, hashed.
pub(crate) fn recovery_hash(code: &str) -> String {
    let normalised: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    token_hash(&normalised)
}

pub(crate) enum Recovery {
    Used,
    AlreadyUsed,
    Unknown,
}

pub(crate) fn lock_state(a: &account::Model) -> LockState {
    LockState {
        failed: a.failed_logins,
        first_failed_at: a.first_failed_at,
        locked_until: a.locked_until,
    }
}

pub(crate) fn login_audit(
    acc: Option<&account::Model>,
    ip: Option<std::net::IpAddr>,
    action: Action,
    outcome: &'static str,
) -> audit::Event {
    audit::Event {
        organisation_id: acc.map(|a| a.organisation_id),
        account_id: acc.map(|a| a.id),
        role: acc.and_then(|a| Role::parse(&a.role)),
        ip: ip.map(|i| i.to_string()),
        action,
        record_type: None,
        record_id: None,
        outcome,
    }
}

/// A wrong password or code: counts toward the account's lockout and the address's
/// throttle, and is audited.
pub(crate) async fn record_failure(
    state: &AppState,
    acc: Option<&account::Model>,
    ip: Option<std::net::IpAddr>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if let Some(ip) = ip {
        state.ip_throttle().failure(ip, now);
    }
    let (_turn, txn) = state.begin_write().await?;
    if let Some(a) = acc {
        let s = lock_policy(state).after_failure(&lock_state(a), now);
        let mut am = a.clone().into_active_model();
        am.failed_logins = Set(s.failed);
        am.first_failed_at = Set(s.first_failed_at);
        am.locked_until = Set(s.locked_until);
        am.update(&txn).await?;
    }
    audit::record(&txn, login_audit(acc, ip, Action::LoginFailed, "failed")).await?;
    txn.commit().await?;
    Ok(())
}

pub(crate) async fn use_recovery_code<C: ConnectionTrait>(
    db: &C,
    account_id: Uuid,
    code: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Recovery> {
    let found = recovery_code::Entity::find()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .filter(recovery_code::Column::CodeHash.eq(recovery_hash(code)))
        .one(db)
        .await?;
    let Some(rc) = found else {
        return Ok(Recovery::Unknown);
    };
    if rc.used_at.is_some() {
        return Ok(Recovery::AlreadyUsed);
    }
    // Fenced: of two parallel logins with one code, one wins.
    let r = recovery_code::Entity::update_many()
        .col_expr(
            recovery_code::Column::UsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(recovery_code::Column::Id.eq(rc.id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(if r.rows_affected == 1 {
        Recovery::Used
    } else {
        Recovery::AlreadyUsed
    })
}

pub(crate) fn login_event(
    a: &Authenticated,
    ip: Option<std::net::IpAddr>,
    action: Action,
) -> audit::Event {
    audit::Event {
        organisation_id: Some(a.account.organisation_id),
        account_id: Some(a.account.id),
        role: Some(a.role),
        ip: ip.map(|i| i.to_string()),
        action,
        record_type: None,
        record_id: None,
        outcome: "ok",
    }
}

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

/// Revoke every session and device of an account (used when it is disabled).
pub async fn revoke_all<C: ConnectionTrait>(
    db: &C,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    device::Entity::update_many()
        .col_expr(
            device::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(device::Column::AccountId.eq(account_id))
        .filter(device::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// A device, its refresh token (current and rotated) and every session it opened.
pub(crate) async fn revoke_device_family<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    device::Entity::update_many()
        .col_expr(
            device::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(device::Column::Id.eq(id))
        .filter(device::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(session::Column::DeviceId.eq(id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// "ABCD-EFGH-JK": 10 base32 characters (50 bits), grouped for reading aloud.
pub(crate) fn recovery_code_text() -> String {
    let raw = data_encoding::BASE32_NOPAD.encode(&rand::random::<[u8; 7]>());
    format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..10])
}

pub async fn logout(t: &Scope) -> ServiceResult<()> {
    let (_turn, txn) = t.state.begin_write().await?;
    session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(session::Column::Id.eq(t.staff()?.session_id))
        .exec(&txn)
        .await?;
    // Logging a phone out ends its refresh token too.
    if let Some(d) = t.staff()?.device_id {
        revoke_device_family(&txn, d, Utc::now()).await?;
    }
    audit::record(&txn, t.audit_event(Action::Logout, None, None, "ok")).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn totp_enrol(t: &Scope) -> ServiceResult<TotpEnrolment> {
    let acc = t
        .scoped::<account::Entity>()
        .filter(account::Column::Id.eq(t.staff()?.account_id))
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::unauthenticated)?;
    if acc.totp_enrolled {
        return Err(ServiceError::conflict(
            "Un second facteur est déjà enrôlé pour ce compte.",
        ));
    }
    let secret = totp::generate_secret();
    let uri = totp::otpauth_uri(&t.state.config().totp_issuer, &acc.email, &secret);
    let mut am = acc.clone().into_active_model();
    am.totp_secret = Set(Some(t.state.cipher().seal(
        "account",
        "totp_secret",
        acc.id,
        &secret,
    )));
    am.update(t.db()).await?;
    Ok(TotpEnrolment {
        secret: totp::secret_base32(&secret),
        otpauth_uri: uri,
    })
}

pub async fn totp_confirm(t: &Scope, req: TotpConfirm) -> ServiceResult<RecoveryCodes> {
    let acc = t
        .scoped::<account::Entity>()
        .filter(account::Column::Id.eq(t.staff()?.account_id))
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::unauthenticated)?;
    if acc.totp_enrolled {
        return Err(ServiceError::conflict(
            "Un second facteur est déjà enrôlé pour ce compte.",
        ));
    }
    let sealed = acc
        .totp_secret
        .as_deref()
        .ok_or_else(|| ServiceError::conflict("Commencez par POST /api/v1/auth/totp/enrol."))?;
    let secret = t
        .state
        .cipher()
        .open("account", "totp_secret", acc.id, sealed)?;
    // Guessing codes here is guessing a second factor: same lockout as a login.
    let now = Utc::now();
    if lock_policy(&t.state).is_locked(&lock_state(&acc), now) {
        return Err(
            ServiceError::new(ProblemCode::TooManyAttempts, "Trop de tentatives")
                .detail("Compte temporairement bloqué après trop d'essais."),
        );
    }
    let Some(step) = totp::verify(&secret, &req.code, now.timestamp(), None) else {
        record_failure(&t.state, Some(&acc), t.staff()?.ip, now).await?;
        return Err(ServiceError::field(
            ProblemCode::InvalidCode,
            "code",
            "Code incorrect ou expiré.",
        ));
    };
    let codes: Vec<String> = (0..10).map(|_| recovery_code_text()).collect();
    let (_turn, txn) = t.state.begin_write().await?;
    let mut am = acc.clone().into_active_model();
    am.totp_enrolled = Set(true);
    am.totp_last_step = Set(Some(step));
    am.update(&txn).await?;
    for c in &codes {
        recovery_code::ActiveModel {
            id: Set(Uuid::new_v4()),
            account_id: Set(acc.id),
            code_hash: Set(token_hash(&c.replace('-', ""))),
            used_at: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    session::Entity::update_many()
        .col_expr(
            session::Column::SecondFactorOk,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(session::Column::Id.eq(t.staff()?.session_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        t.audit_event(
            Action::SecondFactorEnrolled,
            Some("account"),
            Some(acc.id),
            "ok",
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(RecoveryCodes { codes })
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
        &state,
        ip,
        &req.email,
        &req.password,
        req.totp_code.as_deref(),
        req.recovery_code.as_deref(),
    )
    .await?;
    let now = Utc::now();
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
    audit::record(&txn, login_event(&a, ip, Action::Login)).await?;
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

pub async fn device_login(
    state: &crate::state::AppState,
    ip: Option<std::net::IpAddr>,
    req: DeviceLoginRequest,
) -> ServiceResult<DeviceGrant> {
    let name = {
        let mut v = relais_domain::Validator::new();
        let n = v.required_text("device_name", &req.device_name, 100);
        v.finish().map_err(ServiceError::validation)?;
        n.unwrap_or_default()
    };
    let a = authenticate(
        &state,
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
    let now = Utc::now();
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
        issue_device_grant(&txn, &state, &a.account, device_id, now).await?;
    audit::record(&txn, login_event(&a, ip, Action::DeviceLogin)).await?;
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
    let now = Utc::now();
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
        issue_device_grant(&txn, &state, &acc, dev.id, now).await?;
    let a = Authenticated {
        account: acc,
        role,
        second_factor_ok: true,
    };
    audit::record(&txn, login_event(&a, ip, Action::DeviceRefresh)).await?;
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
    let now = Utc::now();
    let (_turn, txn) = t.state.begin_write().await?;
    revoke_device_family(&txn, id, now).await?;
    audit::record(
        &txn,
        t.audit_event(Action::DeviceRevoked, Some("device"), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
