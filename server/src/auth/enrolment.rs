//! Second-factor enrolment: the TOTP secret, its confirmation and the recovery codes shown once.

use crate::audit::{self, Action};
use crate::auth::credentials::{lock_policy, lock_state, record_failure};
use crate::auth::totp;
use crate::crypto::token_hash;
use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::store::entities::{account, recovery_code, session};
use relais_domain::dto::{RecoveryCodes, TotpConfirm, TotpEnrolment};
use relais_domain::problem::ProblemCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use uuid::Uuid;

/// "ABCD-EFGH-JK": 10 base32 characters (50 bits), grouped for reading aloud.
pub(crate) fn recovery_code_text() -> String {
    let raw = data_encoding::BASE32_NOPAD.encode(&rand::random::<[u8; 7]>());
    format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..10])
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
    // A secret already waiting for its first code is shown again (a reloaded page, a second
    // try): the app that scanned it keeps working. A new one only when there is none.
    if let Some(sealed) = acc.totp_secret.as_deref()
        && let Ok(secret) = t
            .state
            .cipher()
            .open("account", "totp_secret", acc.id, sealed)
    {
        return Ok(TotpEnrolment {
            secret: totp::secret_base32(&secret),
            otpauth_uri: totp::otpauth_uri(&t.state.config().totp_issuer, &acc.email, &secret),
        });
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
    let now = t.now();
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
            ("Code incorrect ou expiré.", "Wrong or expired code."),
        ));
    };
    let codes: Vec<String> = (0..10).map(|_| recovery_code_text()).collect();
    let (_turn, txn) = t.begin_write().await?;
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
