//! Who is calling, and what they may touch. Every authenticated handler takes a `Tenant<A>`:
//! the extractor checks the bearer token, the session's expiry, the account, the second
//! factor and the role policy `A`, and the `Tenant` it yields is the only way handlers reach
//! organisation data: `tenant.scoped::<E>()` filters by the caller's organisation.

use relais_domain::problem::ProblemCode;
use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use chrono::{Duration, Utc};
use relais_domain::Role;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    Select, Set,
};
use uuid::Uuid;

use crate::app::AppState;
use crate::audit::{self, Action};
use crate::crypto::token_hash;
use crate::error::ServiceError;
use crate::store::entities::{account, session};
use crate::store::{OrgScoped, Synced};

#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: Uuid,
    pub organisation_id: Uuid,
    pub role: Role,
    pub session_id: Uuid,
    pub device_id: Option<Uuid>,
    pub ip: Option<IpAddr>,
    pub second_factor_ok: bool,
}

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

pub struct Tenant<A: Access = AnyRole> {
    db: DatabaseConnection,
    pub caller: Caller,
    pub state: AppState,
    _access: PhantomData<A>,
}

impl<A: Access> Tenant<A> {
    pub fn organisation_id(&self) -> Uuid {
        self.caller.organisation_id
    }

    /// A query over `E` restricted to the caller's organisation.
    pub fn scoped<E: OrgScoped>(&self) -> Select<E> {
        E::scoped(self.caller.organisation_id)
    }

    /// A live (not soft-deleted) row of the caller's organisation, by id.
    pub async fn find_live<E: Synced>(&self, id: Uuid) -> Result<Option<E::Model>, sea_orm::DbErr> {
        self.scoped::<E>()
            .filter(E::id_column().eq(id))
            .filter(E::deleted_at_column().is_null())
            .one(&self.db)
            .await
    }

    /// The connection, for writes and transactions. Reads start from `scoped`.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn audit_event(
        &self,
        action: Action,
        record_type: Option<&'static str>,
        record_id: Option<Uuid>,
        outcome: &'static str,
    ) -> audit::Event {
        audit::Event {
            organisation_id: Some(self.caller.organisation_id),
            account_id: Some(self.caller.account_id),
            role: Some(self.caller.role),
            ip: self.caller.ip.map(|i| i.to_string()),
            action,
            record_type,
            record_id,
            outcome,
        }
    }
}

pub fn client_ip(parts: &Parts, state: &AppState) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    let trusted = state.trusted_proxies();
    if trusted.is_empty() {
        return Some(peer);
    }
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    Some(crate::auth::proxy::client(peer, &forwarded, trusted))
}

/// The peer address, when the server was started with connect info (absent in unit tests).
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, state)))
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() && token.len() <= 200)
        .then(|| token.trim())
}

impl<A: Access> FromRequestParts<AppState> for Tenant<A> {
    type Rejection = ServiceError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ServiceError> {
        let token = bearer(parts).ok_or_else(ServiceError::unauthenticated)?;
        let now = Utc::now();
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
            .filter(|a| {
                a.organisation_id == s.organisation_id && !a.disabled && a.deleted_at.is_none()
            })
            .ok_or_else(ServiceError::unauthenticated)?;
        let role = Role::parse(&acc.role)
            .ok_or_else(|| ServiceError::internal("account with an unknown role"))?;
        if !s.second_factor_ok && !A::BEFORE_SECOND_FACTOR {
            return Err(ServiceError::new(ProblemCode::SecondFactorRequired, "Second facteur requis")
                .detail("Enrôlez une application d'authentification (POST /api/v1/auth/totp/enrol) avant de continuer."));
        }
        if !A::allows(role) {
            return Err(ServiceError::forbidden());
        }
        // Sliding idle expiry for web sessions, written at most once a minute.
        if s.kind == "web" {
            let idle = Duration::minutes(state.config().session_idle_minutes);
            let new_idle = (now + idle).min(s.expires_at);
            if new_idle - s.idle_expires_at > Duration::minutes(1) {
                let mut am = s.clone().into_active_model();
                am.idle_expires_at = Set(new_idle);
                am.update(&db).await?;
            }
        }
        Ok(Tenant {
            db,
            caller: Caller {
                account_id: acc.id,
                organisation_id: acc.organisation_id,
                role,
                session_id: s.id,
                device_id: s.device_id,
                ip: client_ip(parts, state),
                second_factor_ok: s.second_factor_ok,
            },
            state: state.clone(),
            _access: PhantomData,
        })
    }
}
