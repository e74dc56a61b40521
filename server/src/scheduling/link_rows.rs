//! The person's link rows that other services write or read: the manage link a booking
//! creates in its own transaction, and the addresses the outbox writes into messages as
//! `{lien}`. Below `booking` and `outbox`, so that neither depends on `links` (which uses
//! them both).

use relais_domain::booking_link::{self as rule, Purpose};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::crypto::{FieldCipher, token_hash};
use crate::state::AppState;
use crate::store::entities::{appointment, booking_link};

pub(crate) fn ids_json(ids: &[Uuid]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

pub(crate) fn ids_of(s: &str) -> Vec<Uuid> {
    serde_json::from_str(s).unwrap_or_default()
}

/// The address of a link: `<public_url>/r/<token>`.
pub fn url_of(state: &AppState, link_id: Uuid) -> String {
    format!(
        "{}/r/{}",
        state.config().public_url.trim_end_matches('/'),
        state.cipher().link_token(link_id)
    )
}

/// Inside a booking's transaction: the appointment's manage link (one per appointment).
pub(crate) async fn manage_link<C: ConnectionTrait>(
    txn: &C,
    cipher: &FieldCipher,
    a: &appointment::Model,
    person_id: Uuid,
    created_by: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sea_orm::DbErr> {
    let id = Uuid::new_v4();
    booking_link::ActiveModel {
        id: Set(id),
        organisation_id: Set(a.organisation_id),
        person_id: Set(person_id),
        purpose: Set(Purpose::Manage.as_str().into()),
        token_hash: Set(token_hash(&cipher.link_token(id))),
        type_id: Set(Some(a.type_id)),
        site_ids: Set(ids_json(&[a.site_id])),
        coordinator_ids: Set(ids_json(&[a.coordinator_id])),
        appointment_id: Set(Some(a.id)),
        // A manage link lasts until its appointment starts (checked against the
        // appointment's current time when opened: a move carries it along).
        expires_at: Set(a.starts_at),
        revoked_at: Set(None),
        used_at: Set(None),
        tries_left: Set(rule::KNOWLEDGE_TRIES),
        created_by: Set(created_by),
        created_at: Set(now),
        session_epoch: Set(0),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The manage links of some appointments, for their messages: appointment → address.
/// Revoked and locked links are left out (the message then carries no link).
pub(crate) async fn manage_urls<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    appointment_ids: Vec<Uuid>,
) -> Result<std::collections::HashMap<Uuid, String>, sea_orm::DbErr> {
    if state.config().public_url.is_empty() || appointment_ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(booking_link::Entity::find()
        .filter(booking_link::Column::Purpose.eq(Purpose::Manage.as_str()))
        .filter(booking_link::Column::AppointmentId.is_in(appointment_ids))
        .filter(booking_link::Column::RevokedAt.is_null())
        .filter(booking_link::Column::TriesLeft.gt(0))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| Some((m.appointment_id?, url_of(state, m.id))))
        .collect())
}
