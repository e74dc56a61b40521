//! The only writers of a situation's state and version: apply_event runs the state machine, fences the update on the version, stamps the change and writes the history row, in the caller's transaction; touch bumps the version for a change that is not a transition.

use crate::casework::common::word;
use crate::error::{ServiceError, ServiceResult};
use crate::store::Stamp;
use crate::store::entities::{situation, situation_event};
use chrono::{DateTime, Utc};
use relais_domain::outreach::{self, Event, State};
use relais_domain::problem::ProblemCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

pub(crate) fn stale(current: i32) -> ServiceError {
    ServiceError::new(ProblemCode::StaleVersion, "Version périmée").detail(format!(
        "La situation a changé entre-temps (version actuelle {current})."
    ))
}

pub(crate) fn transition_error(e: outreach::TransitionError) -> ServiceError {
    ServiceError::transition(
        ProblemCode::InvalidTransition,
        e.to_string(),
        e.current.as_str(),
        e.allowed.iter().map(|a| a.as_str().to_owned()).collect(),
    )
}

/// Apply `event` to a situation at `version` inside `txn`: the state machine decides, the
/// update is fenced on the version, the history gets a row. `extra` sets other columns.
/// `at` is when it happened (a call logged afterwards), `now` when it is recorded.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply_event<C: ConnectionTrait>(
    txn: &C,
    current: &situation::Model,
    version: Option<i32>,
    event: Event,
    account_id: Option<Uuid>,
    at: DateTime<Utc>,
    extra: impl FnOnce(&mut situation::ActiveModel),
    now: DateTime<Utc>,
) -> ServiceResult<situation::Model> {
    if let Some(v) = version
        && v != current.version
    {
        return Err(stale(current.version));
    }
    let from = word(&current.state, State::parse, "situation.state")?;
    let to = outreach::apply(from, event).map_err(transition_error)?;
    let mut am: situation::ActiveModel = current.clone().into();
    am.state = Set(to.as_str().into());
    am.version = Set(current.version + 1);
    Stamp::take(txn, now).await?.changed(&mut am);
    am.last_activity_at = Set(at.max(current.last_activity_at));
    if to != State::CallbackScheduled {
        am.callback_start = Set(None);
        am.callback_end = Set(None);
    }
    extra(&mut am);
    let r = situation::Entity::update_many()
        .set(am)
        .filter(situation::Column::Id.eq(current.id))
        .filter(situation::Column::Version.eq(current.version))
        .exec(txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(stale(current.version + 1));
    }
    situation_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(current.organisation_id),
        situation_id: Set(current.id),
        at: Set(now),
        account_id: Set(account_id),
        event: Set(event.as_str().into()),
        from_state: Set(from.as_str().into()),
        to_state: Set(to.as_str().into()),
    }
    .insert(txn)
    .await?;
    situation::Entity::find_by_id(current.id)
        .one(txn)
        .await?
        .ok_or_else(ServiceError::not_found)
}

/// Touch a situation after an action that does not change its state (attempt, interview
/// already in assessment, orientation, child report): new version, activity time, change seq.
pub(crate) async fn touch<C: ConnectionTrait>(
    txn: &C,
    current: &situation::Model,
    at: DateTime<Utc>,
    extra: impl FnOnce(&mut situation::ActiveModel),
    now: DateTime<Utc>,
) -> ServiceResult<situation::Model> {
    let mut am: situation::ActiveModel = current.clone().into();
    am.version = Set(current.version + 1);
    Stamp::take(txn, now).await?.changed(&mut am);
    am.last_activity_at = Set(at.max(current.last_activity_at));
    extra(&mut am);
    let r = situation::Entity::update_many()
        .set(am)
        .filter(situation::Column::Id.eq(current.id))
        .filter(situation::Column::Version.eq(current.version))
        .exec(txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(stale(current.version + 1));
    }
    situation::Entity::find_by_id(current.id)
        .one(txn)
        .await?
        .ok_or_else(ServiceError::not_found)
}

pub(crate) fn closed_error(m: &situation::Model) -> ServiceError {
    ServiceError::transition(
        ProblemCode::SituationClosed,
        "Situation close : rouvrez-la (une nouvelle situation liée est créée).",
        &m.state,
        vec![],
    )
}
