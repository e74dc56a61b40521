//! Invitations (issue 27): staff invite a situation's person by a message they can safely
//! receive — a self-booking link (the booking-link machinery of `links`, one link per
//! invitation) or a "call us" text — sent through the outbox at the next moment the
//! person's profile allows, followed up once, expiring. Everything is checked before
//! anything is written, and the invitation, its link and its first message are written in
//! one transaction. Booking (through the link, by staff, from a phone), closing the
//! situation and anonymisation end the open ones (`end_for_person`, `revoke_for_situation`).
//! The rules are `relais_domain::invitation`; the messages' checks are `outbox::invite`.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use relais_domain::dto::{Invitation, InvitationInput, InvitationPreview, InvitationSend};
use relais_domain::invitation::{
    self as rule, InvitationChannel, InvitationEvent, InvitationKind, InvitationMessage,
    InvitationState, OutreachStatus, Refused,
};
use relais_domain::outreach::State;
use relais_domain::problem::ProblemCode;
use relais_domain::safe_contact::SafeContactProfile;
use relais_domain::sms;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use uuid::Uuid;

use crate::audit::{self, Action};
use crate::error::{ServiceError, ServiceResult};
use crate::outbox::compose::{opt_out_index, profile_of};
use crate::outbox::invite;
use crate::scheduling::links::{self, Offered};
use crate::scope::Scope;
use crate::store::OrgScoped;
use crate::store::entities::{
    booking_link, invitation, notification, organisation, person, situation, sms_opt_out,
};

mod ends;
mod outreach;
mod plan;
mod send;

pub use ends::*;
pub(crate) use outreach::*;
use plan::*;
pub use send::*;

/// An organisation's invitation settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub expiry_days: i64,
    pub follow_up_days: i64,
    pub callback_phone: Option<String>,
}

impl Settings {
    pub fn of(o: &organisation::Model) -> Settings {
        Settings {
            expiry_days: o.invitation_expiry_days.into(),
            follow_up_days: o.invitation_follow_up_days.into(),
            callback_phone: o.callback_phone.clone(),
        }
    }
}

pub(super) fn refused(r: Refused) -> ServiceError {
    let code = match r {
        Refused::AlreadyOpen => ProblemCode::Conflict,
        Refused::NoFreeSlot => ProblemCode::SlotUnavailable,
        Refused::Closed => ProblemCode::SituationClosed,
        // The organisation's settings lack it: a state of the service, not of the request.
        Refused::NoCallbackNumber => ProblemCode::Conflict,
        Refused::NoMoreMessages
        | Refused::NeverChecked
        | Refused::ChannelNotAllowed
        | Refused::NoSafeAddress => ProblemCode::UnsafeChannel,
    };
    ServiceError::field(code, r.field(), r.said())
}

pub(super) fn dto(
    m: &invitation::Model,
    jobs: &[notification::Model],
    now: DateTime<Utc>,
) -> Invitation {
    let state = InvitationState::parse(&m.state)
        .unwrap_or(InvitationState::Revoked)
        .at(m.expires_at, now);
    Invitation {
        id: m.id,
        situation_id: m.situation_id,
        person_id: m.person_id,
        kind: InvitationKind::parse(&m.kind).unwrap_or(InvitationKind::Link),
        channel: InvitationChannel::parse(&m.channel).unwrap_or(InvitationChannel::InPerson),
        state,
        send_at: m.send_at,
        expires_at: m.expires_at,
        sent_at: m.sent_at,
        opened_at: m.opened_at,
        ended_at: m.ended_at,
        appointment_id: m.appointment_id,
        booking_link_id: m.booking_link_id,
        created_by: m.created_by,
        created_at: m.created_at,
        messages: jobs
            .iter()
            .filter(|n| n.invitation_id == Some(m.id))
            .map(|n| InvitationSend {
                id: n.id,
                message: InvitationMessage::parse(&n.kind).unwrap_or(InvitationMessage::Invitation),
                channel: n.channel.clone(),
                state: n.state.clone(),
                due_at: n.due_at,
                sent_at: n.sent_at,
                reason: n.reason.clone(),
            })
            .collect(),
        url: None,
    }
}

/// A situation's invitations, newest first, with their messages (the file's timeline).
pub async fn list(t: &Scope, situation_id: Uuid) -> ServiceResult<Vec<Invitation>> {
    t.staff()?;
    t.find_live::<situation::Entity>(situation_id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let rows = t
        .scoped::<invitation::Entity>()
        .filter(invitation::Column::SituationId.eq(situation_id))
        .order_by_desc(invitation::Column::CreatedAt)
        .all(t.db())
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let jobs = t
        .scoped::<notification::Entity>()
        .filter(notification::Column::InvitationId.is_in(ids))
        .order_by_asc(notification::Column::CreatedAt)
        .all(t.db())
        .await?;
    let now = t.now();
    Ok(rows.iter().map(|m| dto(m, &jobs, now)).collect())
}

/// Withdraw an open invitation: its link opens the neutral page, its messages do not go.
pub async fn revoke(t: &Scope, invitation_id: Uuid) -> ServiceResult<Invitation> {
    t.staff()?;
    let m = t
        .scoped::<invitation::Entity>()
        .filter(invitation::Column::Id.eq(invitation_id))
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let (_turn, txn) = t.begin_write().await?;
    let now = t.now();
    end(&txn, &m, InvitationEvent::Revoke, None, now).await?;
    audit::record(
        &txn,
        t.audit_event(
            Action::InvitationRevoked,
            Some("invitation"),
            Some(invitation_id),
            "ok",
        ),
    )
    .await?;
    txn.commit().await?;
    let m = invitation::Entity::find_by_id(invitation_id)
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let jobs = t
        .scoped::<notification::Entity>()
        .filter(notification::Column::InvitationId.eq(invitation_id))
        .all(t.db())
        .await?;
    Ok(dto(&m, &jobs, now))
}
