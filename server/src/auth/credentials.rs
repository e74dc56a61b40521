//! Proving who one is: password, then TOTP or a recovery code (each consumed once, fenced), the lockout per account and per address, and the audit of every failure.

use crate::audit::{self, Action};
use crate::auth::lockout::{Policy, State as LockState};
use crate::auth::totp;
use crate::crypto::token_hash;
use crate::error::{ServiceError, ServiceResult};
use crate::state::AppState;
use crate::store::entities::{account, recovery_code};
use chrono::{DateTime, Duration, Utc};
use relais_domain::Role;
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
    let (acc, _) = check_password(state, ip, email, password, totp_code, recovery_code).await?;
    second_factor(state, ip, acc, totp_code, recovery_code).await
}

/// The password step: the throttle per address, the account the address and password name
/// (several organisations may share both: the code, if any, says which), its lockout, whether
/// it is disabled. Gives that account and every account the password matched. Every failure
/// is audited and counted.
pub(crate) async fn check_password(
    state: &AppState,
    ip: Option<std::net::IpAddr>,
    email: &str,
    password: &str,
    totp_code: Option<&str>,
    recovery_code: Option<&str>,
) -> ServiceResult<(account::Model, Vec<account::Model>)> {
    let now = state.now();
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
    let matching_refs: Vec<&account::Model> = candidates
        .iter()
        .zip(&password_ok)
        .filter(|(_, ok)| **ok)
        .map(|(a, _)| a)
        .collect();
    // Several accounts with this address and password: the second factor says which.
    let acc = match matching_refs.as_slice() {
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
    let password_ok = !matching_refs.is_empty();
    let matching: Vec<account::Model> = matching_refs.into_iter().cloned().collect();
    let lock = acc.as_ref().map(lock_state);
    let ev =
        |acc: Option<&account::Model>, action, outcome| login_audit(acc, ip, action, outcome, now);
    let fail = |acc: Option<account::Model>| async move {
        record_failure(state, acc.as_ref(), ip, now).await?;
        Err::<(account::Model, Vec<account::Model>), ServiceError>(invalid_credentials())
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
    Ok((acc, matching))
}

/// Of the accounts a password matched, the one this code is for (the first if none).
pub(crate) async fn pick_by_code(
    state: &AppState,
    accounts: &[account::Model],
    totp_code: Option<&str>,
    recovery_code: Option<&str>,
) -> ServiceResult<Option<account::Model>> {
    if accounts.len() > 1 {
        for a in accounts {
            if second_factor_matches(state, state.db(), a, totp_code, recovery_code, state.now())
                .await?
            {
                return Ok(Some(a.clone()));
            }
        }
    }
    Ok(accounts.first().cloned())
}

/// The second step: the account's lockout and state checked again (time passed since the
/// password), then its authenticator's code or a recovery code, each consumed once. A wrong
/// code counts as a failure.
pub(crate) async fn second_factor(
    state: &AppState,
    ip: Option<std::net::IpAddr>,
    acc: account::Model,
    totp_code: Option<&str>,
    recovery_code: Option<&str>,
) -> ServiceResult<Authenticated> {
    let now = state.now();
    let db = state.db();
    let policy = lock_policy(state);
    let ev =
        |acc: Option<&account::Model>, action, outcome| login_audit(acc, ip, action, outcome, now);
    let fail = |acc: Option<account::Model>| async move {
        record_failure(state, acc.as_ref(), ip, now).await?;
        Err::<Authenticated, ServiceError>(invalid_credentials())
    };
    if policy.is_locked(&lock_state(&acc), now) {
        state
            .audit(ev(Some(&acc), Action::LoginFailed, "locked"))
            .await?;
        return Err(invalid_credentials());
    }
    if acc.disabled || acc.deleted_at.is_some() {
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
                (
                    "Code de l'application d'authentification requis.",
                    "The authenticator app's code is required.",
                ),
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
            state.now(),
        ))
        .await?;
    Ok(ServiceError::field(
        ProblemCode::CodeAlreadyUsed,
        field,
        (
            if field == "totp_code" {
                "Ce code vient déjà de servir : attendez le suivant (30 secondes au plus)."
            } else {
                "Ce code de secours a déjà servi : utilisez-en un autre."
            },
            if field == "totp_code" {
                "This code has just been used: wait for the next one (30 seconds at most)."
            } else {
                "This recovery code has been used: use another one."
            },
        ),
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
    at: DateTime<Utc>,
) -> audit::Event {
    audit::Event {
        at,
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
    audit::record(
        &txn,
        login_audit(acc, ip, Action::LoginFailed, "failed", now),
    )
    .await?;
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
    at: DateTime<Utc>,
) -> audit::Event {
    audit::Event {
        at,
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
