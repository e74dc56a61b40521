//! Delivery receipts and STOP replies from the gateways: each provider event stored once, a receipt only moves a job forward, a STOP puts the number on the opt-out list (by blind index).

use crate::error::ServiceError;
use crate::state::AppState;
use crate::store::entities::{delivery_receipt, notification, sms_opt_out};
use relais_domain::delivery::JobState;
use relais_domain::delivery::{Receipt, advance};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// Record receipt `event_id` of `provider` once and move the job it names forward.
/// Returns what came of it: applied, ignored (not a step forward), duplicate, unknown_id.
pub async fn apply_receipt(
    state: &AppState,
    provider: &str,
    event_id: &str,
    key: Option<&str>,
    provider_id: Option<&str>,
    status: &str,
    r: Receipt,
) -> Result<&'static str, ServiceError> {
    let db = state.db();
    let n = match (key, provider_id) {
        (Some(k), _) => {
            notification::Entity::find()
                .filter(notification::Column::IdempotencyKey.eq(k))
                .one(db)
                .await?
        }
        (None, Some(p)) => {
            notification::Entity::find()
                .filter(notification::Column::ProviderMessageId.eq(p))
                .one(db)
                .await?
        }
        (None, None) => None,
    };
    let target = n.as_ref().and_then(|n| advance(&n.state, r));
    let outcome = match (&n, target) {
        (None, _) => "unknown_id",
        (Some(_), None) => "ignored",
        (Some(_), Some(_)) => "applied",
    };
    let stored = delivery_receipt::ActiveModel {
        id: Set(Uuid::new_v4()),
        provider: Set(provider.into()),
        event_id: Set(event_id.chars().take(200).collect()),
        notification_id: Set(n.as_ref().map(|n| n.id)),
        status: Set(status.chars().take(30).collect()),
        outcome: Set(outcome.into()),
        received_at: Set(state.now()),
    }
    .insert(db)
    .await;
    if stored.is_err() {
        return Ok("duplicate");
    }
    if let (Some(n), Some(to)) = (n, target) {
        let now = state.now();
        let mut q = notification::Entity::update_many()
            .col_expr(notification::Column::State, Expr::value(to))
            .col_expr(notification::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                notification::Column::LockedBy,
                Expr::value(Option::<String>::None),
            );
        if to == JobState::Delivered.as_str() {
            q = q.col_expr(notification::Column::DeliveredAt, Expr::value(now));
        }
        if to == JobState::Undelivered.as_str() {
            q = q.col_expr(notification::Column::Reason, Expr::value(status));
        }
        if n.sent_at.is_none() {
            q = q.col_expr(notification::Column::SentAt, Expr::value(now));
        }
        if n.provider_message_id.is_none()
            && let Some(p) = provider_id
        {
            q = q.col_expr(notification::Column::ProviderMessageId, Expr::value(p));
        }
        // Fenced on the state read: a concurrent receipt or send result is not overwritten.
        let r = q
            .filter(notification::Column::Id.eq(n.id))
            .filter(notification::Column::State.eq(n.state.as_str()))
            .exec(db)
            .await?;
        if r.rows_affected == 0 {
            return Ok("ignored");
        }
        if let Some(i) = n.invitation_id {
            // An invitation that never arrived goes back to the coordinator.
            super::invite::settle(state, Some(vec![i])).await?;
        }
    }
    Ok(outcome)
}

/// Add a number to the opt-out list (a STOP reply).
pub async fn opt_out(state: &AppState, phone: &str, source: &str) -> Result<(), ServiceError> {
    let phone = if phone.starts_with('+') || phone.starts_with('0') {
        phone.to_owned()
    } else {
        format!("+{phone}")
    };
    let index = crate::outbox::compose::opt_out_index(state, &phone);
    // Already there: nothing to do.
    let _ = sms_opt_out::ActiveModel {
        number_index: Set(index),
        source: Set(source.into()),
        created_at: Set(state.now()),
    }
    .insert(state.db())
    .await;
    tracing::info!(source, "number added to the SMS opt-out list");
    Ok(())
}
