//! What ends an invitation (answered, withdrawn, expired), the person opening its link, and
//! the person's "no more messages" switch.

use super::*;

/// End one invitation by `event`, if it is still open (an expired one is written expired
/// instead): its version moves on, its pending messages are cancelled, its link revoked
/// (a booking used it already).
pub(super) async fn end<C: ConnectionTrait>(
    txn: &C,
    m: &invitation::Model,
    event: InvitationEvent,
    appointment_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some(st) = InvitationState::parse(&m.state) else {
        return Ok(false);
    };
    let event = if st.is_open() && now >= m.expires_at {
        InvitationEvent::Expire
    } else {
        event
    };
    let Some(to) = st.next(event) else {
        return Ok(false);
    };
    let r = invitation::Entity::update_many()
        .col_expr(invitation::Column::State, Expr::value(to.as_str()))
        .col_expr(invitation::Column::Version, Expr::value(m.version + 1))
        .col_expr(invitation::Column::EndedAt, Expr::value(now))
        .col_expr(invitation::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            invitation::Column::AppointmentId,
            Expr::value(appointment_id),
        )
        .filter(invitation::Column::Id.eq(m.id))
        .filter(invitation::Column::Version.eq(m.version))
        .exec(txn)
        .await?;
    if r.rows_affected == 0 {
        return Ok(false);
    }
    notification::Entity::update_many()
        .col_expr(
            notification::Column::State,
            Expr::value(relais_domain::delivery::JobState::Cancelled.as_str()),
        )
        .col_expr(notification::Column::UpdatedAt, Expr::value(now))
        .filter(notification::Column::InvitationId.eq(m.id))
        .filter(notification::Column::State.is_in([
            relais_domain::delivery::JobState::Scheduled.as_str(),
            relais_domain::delivery::JobState::Retryable.as_str(),
        ]))
        .exec(txn)
        .await?;
    if event != InvitationEvent::Book
        && let Some(l) = m.booking_link_id
    {
        booking_link::Entity::update_many()
            .col_expr(booking_link::Column::RevokedAt, Expr::value(now))
            .filter(booking_link::Column::Id.eq(l))
            .filter(booking_link::Column::RevokedAt.is_null())
            .exec(txn)
            .await?;
    }
    Ok(true)
}

/// Write `expired` on the open invitations past their expiry (of one situation, or all of
/// an organisation's): what a reading already says, made durable before a successor.
pub(super) async fn expire_past<C: ConnectionTrait>(
    txn: &C,
    org: Uuid,
    situation_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut q = invitation::Entity::scoped(org)
        .filter(invitation::Column::State.is_in(open_states()))
        .filter(invitation::Column::ExpiresAt.lte(now));
    if let Some(s) = situation_id {
        q = q.filter(invitation::Column::SituationId.eq(s));
    }
    for m in q.all(txn).await? {
        end(txn, &m, InvitationEvent::Expire, None, now).await?;
    }
    Ok(())
}

/// Inside a booking's transaction: the person's open invitations are answered.
pub(crate) async fn end_for_person<C: ConnectionTrait>(
    txn: &C,
    org: Uuid,
    person_id: Uuid,
    appointment_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for m in invitation::Entity::scoped(org)
        .filter(invitation::Column::PersonId.eq(person_id))
        .filter(invitation::Column::State.is_in(open_states()))
        .all(txn)
        .await?
    {
        end(txn, &m, InvitationEvent::Book, Some(appointment_id), now).await?;
    }
    Ok(())
}

/// Inside a closing's (or an anonymisation's) transaction: the open invitations of a
/// situation, or of every situation of a person, are withdrawn.
pub(crate) async fn revoke_open<C: ConnectionTrait>(
    txn: &C,
    org: Uuid,
    situation_id: Option<Uuid>,
    person_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut q =
        invitation::Entity::scoped(org).filter(invitation::Column::State.is_in(open_states()));
    if let Some(s) = situation_id {
        q = q.filter(invitation::Column::SituationId.eq(s));
    }
    if let Some(p) = person_id {
        q = q.filter(invitation::Column::PersonId.eq(p));
    }
    for m in q.all(txn).await? {
        end(txn, &m, InvitationEvent::Revoke, None, now).await?;
    }
    Ok(())
}

/// The person opened an invitation's link.
pub(crate) async fn opened(
    state: &crate::state::AppState,
    link: &booking_link::Model,
) -> Result<(), DbErr> {
    let now = state.now();
    let Some(m) = invitation::Entity::scoped(link.organisation_id)
        .filter(invitation::Column::BookingLinkId.eq(link.id))
        .one(state.db())
        .await?
    else {
        return Ok(());
    };
    let Some(st) = InvitationState::parse(&m.state) else {
        return Ok(());
    };
    // Opened before its message was recorded sent (a quick person, a slow settle): sent.
    let from = if st == InvitationState::Scheduled {
        InvitationState::Sent
    } else {
        st
    };
    if from.next(InvitationEvent::Open) != Some(InvitationState::Opened)
        || st == InvitationState::Opened
    {
        return Ok(());
    }
    let _turn = state.write_lock().await;
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::State,
            Expr::value(InvitationState::Opened.as_str()),
        )
        .col_expr(invitation::Column::OpenedAt, Expr::value(now))
        .col_expr(invitation::Column::UpdatedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(m.id))
        .filter(invitation::Column::Version.eq(m.version))
        .filter(invitation::Column::State.eq(m.state.as_str()))
        .exec(state.db())
        .await?;
    Ok(())
}

/// The person's "no more messages" switch, audited. Turning it on also withdraws their open
/// invitations (their messages would not go anyway).
pub async fn set_messages(
    t: &Scope,
    person_id: Uuid,
    stopped: bool,
) -> ServiceResult<relais_domain::dto::MessagesSwitch> {
    t.staff()?;
    let p = t
        .find_live::<person::Entity>(person_id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let now = t.now();
    let since = match (stopped, p.messages_stopped_at) {
        (true, Some(at)) => Some(at),
        (true, None) => Some(now),
        (false, _) => None,
    };
    let (_turn, txn) = t.begin_write().await?;
    if since != p.messages_stopped_at {
        person::Entity::update_many()
            .col_expr(person::Column::MessagesStoppedAt, Expr::value(since))
            .filter(person::Column::Id.eq(person_id))
            .filter(person::Column::OrganisationId.eq(t.organisation_id()))
            .exec(&txn)
            .await?;
    }
    if stopped {
        revoke_open(&txn, t.organisation_id(), None, Some(person_id), now).await?;
    }
    audit::record(
        &txn,
        t.audit_event(
            Action::MessagesStopped,
            Some("person"),
            Some(person_id),
            if stopped { "on" } else { "off" },
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(relais_domain::dto::MessagesSwitch { stopped, since })
}

/// Where the person's "no more messages" switch stands.
pub async fn messages(
    t: &Scope,
    person_id: Uuid,
) -> ServiceResult<relais_domain::dto::MessagesSwitch> {
    t.staff()?;
    let p = t
        .find_live::<person::Entity>(person_id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    Ok(relais_domain::dto::MessagesSwitch {
        stopped: p.messages_stopped_at.is_some(),
        since: p.messages_stopped_at,
    })
}
