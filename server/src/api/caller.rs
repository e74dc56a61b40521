//! Who is calling, and what they may touch. Every staff handler takes a `Staff<A>`: the
//! extractor checks the bearer token, the session's expiry, the account, the second factor
//! and the role policy `A`, and yields the caller's `Scope`, the only way to organisation
//! data (`scoped::<E>()` filters by the caller's organisation).

use relais_domain::problem::ProblemCode;
use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use relais_domain::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::crypto::token_hash;
use crate::error::ServiceError;
use crate::scope::{Actor, Caller, Scope};
use crate::state::AppState;
use crate::store::entities::partner_unit;

/// Role policy of an endpoint.
pub trait Access: Send + Sync + 'static {
    fn allows(role: Role) -> bool;
    /// Whether a session still waiting for its second factor may call it.
    const BEFORE_SECOND_FACTOR: bool = false;
}

/// Any authenticated staff account with a verified second factor.
pub struct AnyRole;
impl Access for AnyRole {
    fn allows(_: Role) -> bool {
        true
    }
}

/// Admins and coordinators: those who may open persons' files. Never referrers.
pub struct FileReaders;
impl Access for FileReaders {
    fn allows(role: Role) -> bool {
        role.may_read_person_files()
    }
}

pub struct Admins;
impl Access for Admins {
    fn allows(role: Role) -> bool {
        role.may_administer()
    }
}

/// Any account, including one whose session still waits for a second factor to be enrolled.
pub struct Enrolling;
impl Access for Enrolling {
    fn allows(_: Role) -> bool {
        true
    }
    const BEFORE_SECOND_FACTOR: bool = true;
}

/// A signed-in staff account whose role the policy `A` allows: the scope of every staff
/// handler (`Deref` to `Scope`), with the caller's own facts at hand.
pub struct Staff<A: Access = AnyRole> {
    scope: Scope,
    pub caller: Caller,
    _access: PhantomData<A>,
}

impl<A: Access> std::ops::Deref for Staff<A> {
    type Target = Scope;
    fn deref(&self) -> &Scope {
        &self.scope
    }
}

pub use crate::edge::{ClientIp, client_ip};

fn bearer(parts: &Parts) -> Option<&str> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() && token.len() <= 200)
        .then(|| token.trim())
}

impl<A: Access> FromRequestParts<AppState> for Staff<A> {
    type Rejection = ServiceError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ServiceError> {
        let token = bearer(parts).ok_or_else(ServiceError::unauthenticated)?;
        let caller = crate::auth::sessions::resume(state, token, client_ip(parts, state)).await?;
        if !caller.second_factor_ok && !A::BEFORE_SECOND_FACTOR {
            return Err(ServiceError::new(ProblemCode::SecondFactorRequired, "Second facteur requis")
                .detail("Enrôlez une application d'authentification (POST /api/v1/auth/totp/enrol) avant de continuer."));
        }
        if !A::allows(caller.role) {
            return Err(ServiceError::forbidden());
        }
        Ok(Staff {
            scope: Scope::new(
                state.clone(),
                caller.organisation_id,
                Actor::Staff(caller.clone()),
            ),
            caller,
            _access: PhantomData,
        })
    }
}

/// A partner unit's software, authenticated by `Authorization: ApiKey <key>`: the scope of
/// its organisation with the unit as the actor.
pub struct UnitKey {
    scope: Scope,
    pub unit: partner_unit::Model,
}

impl std::ops::Deref for UnitKey {
    type Target = Scope;
    fn deref(&self) -> &Scope {
        &self.scope
    }
}

impl FromRequestParts<AppState> for UnitKey {
    type Rejection = ServiceError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ServiceError> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, k)| {
                scheme.eq_ignore_ascii_case("apikey") && !k.is_empty() && k.len() <= 200
            })
            .map(|(_, k)| k.trim().to_owned())
            .ok_or_else(|| {
                ServiceError::unauthenticated()
                    .detail("Clé d'API absente : « Authorization: ApiKey <clé> ».")
            })?;
        let unit = partner_unit::Entity::find()
            .filter(partner_unit::Column::KeyHash.eq(token_hash(&key)))
            .filter(partner_unit::Column::RevokedAt.is_null())
            .one(state.db())
            .await?
            .ok_or_else(|| {
                ServiceError::unauthenticated().detail("Clé d'API inconnue ou révoquée.")
            })?;
        let actor = Actor::PartnerUnit {
            unit_id: unit.id,
            ip: client_ip(parts, state),
        };
        Ok(UnitKey {
            scope: Scope::new(state.clone(), unit.organisation_id, actor),
            unit,
        })
    }
}
