//! Who a service works for: the organisation, the actor and the connection. Every service
//! takes a `Scope`; every query of organisation data starts from `Scope::scoped`, the one
//! place the organisation filter is applied for a caller. The HTTP edge builds a scope from a
//! bearer token (`api::caller`), a partner unit's key, or (coming) a person's booking link;
//! retention, the demo and sync build one for the system.

use std::net::IpAddr;

use relais_domain::Role;
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, Select};
use uuid::Uuid;

use crate::audit::{self, Action};
use crate::error::{ServiceError, ServiceResult};
use crate::state::AppState;
use crate::store::{OrgScoped, Synced};

/// A signed-in staff account, as its session proved it.
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

/// On whose behalf a service acts.
#[derive(Debug, Clone)]
pub enum Actor {
    /// A staff account (admin, coordinator, referrer).
    Staff(Caller),
    /// A partner unit's software (a brigade's or a station's), by its API key.
    PartnerUnit { unit_id: Uuid, ip: Option<IpAddr> },
    /// The service itself: retention, the demo, the outbox, sync housekeeping.
    System(&'static str),
    /// A person acting from their link (`scheduling::links`), after the knowledge check.
    /// Changes are recorded under the account that made the link, with the person's words
    /// in the history (`booked_by_person`…).
    Person {
        link_id: Uuid,
        on_behalf_of: Uuid,
        ip: Option<IpAddr>,
    },
}

/// An intent a phone pushed, being applied: the first write transaction of the service
/// records it (`Scope::begin_write`), so the intent and its effects commit together or not
/// at all, and a second application of the same intent fails on the record's key.
#[derive(Debug, Clone)]
pub struct IntentMark {
    pub device_id: Uuid,
    pub intent_id: Uuid,
    pub seq: i64,
    pub kind: &'static str,
    recorded: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl IntentMark {
    pub fn new(device_id: Uuid, intent_id: Uuid, seq: i64, kind: &'static str) -> Self {
        Self {
            device_id,
            intent_id,
            seq,
            kind,
            recorded: Default::default(),
        }
    }

    /// Whether a transaction of the service recorded the intent.
    pub fn recorded(&self) -> bool {
        self.recorded.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[derive(Clone)]
pub struct Scope {
    pub state: AppState,
    organisation_id: Uuid,
    pub actor: Actor,
    intent: Option<IntentMark>,
}

impl Scope {
    pub fn new(state: AppState, organisation_id: Uuid, actor: Actor) -> Self {
        Self {
            state,
            organisation_id,
            actor,
            intent: None,
        }
    }

    /// Now, as the server sees it (`crate::clock`).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.state.now()
    }

    /// The same scope, applying a phone's intent.
    pub fn applying(&self, mark: IntentMark) -> Scope {
        Scope {
            intent: Some(mark),
            ..self.clone()
        }
    }

    /// Whether the intent this scope applies was recorded by one of its transactions.
    pub fn intent_recorded(&self) -> bool {
        self.intent.as_ref().is_some_and(IntentMark::recorded)
    }

    /// A write transaction in the writer's turn (`let (_turn, txn) = t.begin_write().await?;`).
    /// While an intent is applied, its first transaction records it.
    pub async fn begin_write(
        &self,
    ) -> Result<
        (
            Option<tokio::sync::MutexGuard<'_, ()>>,
            sea_orm::DatabaseTransaction,
        ),
        sea_orm::DbErr,
    > {
        let (turn, txn) = self.state.begin_write().await?;
        if let (Some(m), Actor::Staff(c)) = (&self.intent, &self.actor)
            && !m.recorded.swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            use sea_orm::ActiveModelTrait;
            crate::store::entities::sync_intent::ActiveModel {
                device_id: sea_orm::Set(m.device_id),
                intent_id: sea_orm::Set(m.intent_id),
                organisation_id: sea_orm::Set(self.organisation_id),
                account_id: sea_orm::Set(c.account_id),
                seq: sea_orm::Set(m.seq),
                kind: sea_orm::Set(m.kind.to_owned()),
                outcome: sea_orm::Set("applied".to_owned()),
                answer: sea_orm::Set(None),
                created_at: sea_orm::Set(self.now()),
            }
            .insert(&txn)
            .await?;
        }
        Ok((turn, txn))
    }

    pub fn organisation_id(&self) -> Uuid {
        self.organisation_id
    }

    /// The staff account acting; a service meant for staff refuses any other actor.
    pub fn staff(&self) -> ServiceResult<&Caller> {
        match &self.actor {
            Actor::Staff(c) => Ok(c),
            _ => Err(ServiceError::forbidden()),
        }
    }

    /// The account a change is recorded under: the staff member, or the one who made the
    /// link a person acts from.
    pub fn recording_account(&self) -> ServiceResult<Uuid> {
        match &self.actor {
            Actor::Staff(c) => Ok(c.account_id),
            Actor::Person { on_behalf_of, .. } => Ok(*on_behalf_of),
            _ => Err(ServiceError::forbidden()),
        }
    }

    /// Whether a person acts, from their link.
    pub fn is_person(&self) -> bool {
        matches!(self.actor, Actor::Person { .. })
    }

    /// A query over `E` restricted to the scope's organisation.
    pub fn scoped<E: OrgScoped>(&self) -> Select<E> {
        E::scoped(self.organisation_id)
    }

    /// A live (not soft-deleted) row of the scope's organisation, by id.
    pub async fn find_live<E: Synced>(&self, id: Uuid) -> Result<Option<E::Model>, sea_orm::DbErr> {
        self.scoped::<E>()
            .filter(E::id_column().eq(id))
            .filter(E::deleted_at_column().is_null())
            .one(self.db())
            .await
    }

    /// The connection, for writes and transactions. Reads start from `scoped`.
    pub fn db(&self) -> &DatabaseConnection {
        self.state.db()
    }

    /// An audit event by the actor.
    pub fn audit_event(
        &self,
        action: Action,
        record_type: Option<&'static str>,
        record_id: Option<Uuid>,
        outcome: &'static str,
    ) -> audit::Event {
        let (account_id, role, ip) = match &self.actor {
            Actor::Staff(c) => (Some(c.account_id), Some(c.role), c.ip),
            Actor::PartnerUnit { ip, .. } | Actor::Person { ip, .. } => (None, None, *ip),
            Actor::System(_) => (None, None, None),
        };
        audit::Event {
            organisation_id: Some(self.organisation_id),
            account_id,
            role,
            ip: ip.map(|i| i.to_string()),
            action,
            record_type,
            record_id,
            outcome,
            at: self.now(),
        }
    }
}
