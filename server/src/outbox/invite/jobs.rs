//! The rows an invitation's messages live in: a first message's or a follow-up's job, and
//! settling an invitation once its first message's outcome is known.

use super::*;

/// Settle the invitations of these jobs after a pass (or every open one, `None`, from the
/// leader's tick, which catches a pass that stopped between its send and this): a first
/// message sent makes its invitation `sent` and plans the one follow-up; one that failed or
/// was not delivered makes it `undeliverable`. Each step is a conditional update on the
/// invitation's state and version: whichever instance gets there first does it, once.
pub async fn settle(state: &AppState, invitation_ids: Option<Vec<Uuid>>) -> Result<(), DbErr> {
    let db = state.db();
    let mut q = notification::Entity::find()
        .filter(notification::Column::InvitationId.is_not_null())
        .filter(notification::Column::Kind.eq(InvitationMessage::Invitation.as_str()))
        .filter(notification::Column::State.is_in([
            JobState::Sent.as_str(),
            JobState::Delivered.as_str(),
            JobState::Failed.as_str(),
            JobState::Undelivered.as_str(),
            JobState::Skipped.as_str(),
        ]));
    match invitation_ids {
        Some(ids) if ids.is_empty() => return Ok(()),
        Some(ids) => q = q.filter(notification::Column::InvitationId.is_in(ids)),
        None => {
            // Only the invitations whose first message a stopped pass may have left
            // unsettled (a receipt settles a sent one itself, at once).
            let open: Vec<Uuid> = invitation::Entity::find()
                .filter(invitation::Column::State.eq(InvitationState::Scheduled.as_str()))
                .all(db)
                .await?
                .into_iter()
                .map(|i| i.id)
                .collect();
            if open.is_empty() {
                return Ok(());
            }
            q = q.filter(notification::Column::InvitationId.is_in(open));
        }
    }
    let jobs = q.all(db).await?;
    if jobs.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = jobs.iter().filter_map(|n| n.invitation_id).collect();
    let rows: HashMap<Uuid, invitation::Model> = invitation::Entity::find()
        .filter(invitation::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    for n in &jobs {
        let Some(i) = n.invitation_id.and_then(|id| rows.get(&id)) else {
            continue;
        };
        let Some(st) = InvitationState::parse(&i.state) else {
            continue;
        };
        let delivered = matches!(
            JobState::parse(&n.state),
            Some(JobState::Sent | JobState::Delivered)
        );
        // Skipped by its own invitation's end: nothing to settle. Skipped otherwise (the
        // profile no longer allows it, a STOP): the person was not reached.
        if n.state == JobState::Skipped.as_str()
            && n.reason
                .as_deref()
                .is_none_or(|r| r.starts_with("invitation_"))
        {
            continue;
        }
        let event = if delivered {
            rule::InvitationEvent::Send
        } else {
            rule::InvitationEvent::Undeliverable
        };
        // A first message that failed before it went out: the invitation was sent to nobody.
        let from = if !delivered && st == InvitationState::Scheduled {
            InvitationState::Sent
        } else {
            st
        };
        let Some(to) = from.next(event) else {
            continue;
        };
        let _turn = state.write_lock().await;
        let txn = sea_orm::TransactionTrait::begin(db).await?;
        let now = state.now();
        let sent_at = n.sent_at.unwrap_or(now);
        let mut upd = invitation::Entity::update_many()
            .col_expr(invitation::Column::State, Expr::value(to.as_str()))
            .col_expr(invitation::Column::Version, Expr::value(i.version + 1))
            .col_expr(invitation::Column::UpdatedAt, Expr::value(now));
        if to == InvitationState::Sent {
            upd = upd.col_expr(invitation::Column::SentAt, Expr::value(sent_at));
        } else {
            upd = upd.col_expr(invitation::Column::EndedAt, Expr::value(now));
        }
        let r = upd
            .filter(invitation::Column::Id.eq(i.id))
            .filter(invitation::Column::Version.eq(i.version))
            .exec(&txn)
            .await?;
        if r.rows_affected == 1 && to == InvitationState::Sent {
            plan_follow_up(&txn, state, i, n, i.version + 1, sent_at).await?;
        }
        if r.rows_affected == 1 && to == InvitationState::Undeliverable {
            tracing::info!(invitation = %i.id, "invitation not delivered: back to the coordinator");
        }
        txn.commit().await?;
    }
    Ok(())
}

/// The one follow-up of an invitation that went out, if it will still be valid two days
/// after it: due `follow_up_days` after the send, on the same channel.
async fn plan_follow_up<C: ConnectionTrait>(
    txn: &C,
    state: &AppState,
    i: &invitation::Model,
    first: &notification::Model,
    version: i32,
    sent_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let days = organisation::Entity::find_by_id(i.organisation_id)
        .one(txn)
        .await?
        .map_or(rule::DEFAULT_FOLLOW_UP_DAYS, |o| {
            o.invitation_follow_up_days.into()
        });
    let Some(due) = rule::follow_up_due(sent_at, i.expires_at, days) else {
        return Ok(());
    };
    job(
        i,
        InvitationMessage::FollowUp,
        &first.channel,
        version,
        due,
        state.now(),
    )
    .insert(txn)
    .await?;
    Ok(())
}

/// A job of an invitation's message, to insert.
pub(crate) fn job(
    i: &invitation::Model,
    message: InvitationMessage,
    channel: &str,
    version: i32,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> notification::ActiveModel {
    let id = Uuid::new_v4();
    notification::ActiveModel {
        id: Set(id),
        organisation_id: Set(i.organisation_id),
        appointment_id: Set(None),
        appointment_version: Set(version),
        person_id: Set(i.person_id),
        kind: Set(message.as_str().into()),
        channel: Set(channel.into()),
        state: Set(JobState::Scheduled.as_str().into()),
        due_at: Set(due),
        // Never after the invitation's last moment.
        expires_at: Set(i.expires_at),
        attempt: Set(0),
        locked_by: Set(None),
        lease_until: Set(None),
        send_started_at: Set(None),
        sent_at: Set(None),
        provider: Set(None),
        provider_message_id: Set(None),
        encoding: Set(None),
        segments: Set(None),
        reason: Set(None),
        idempotency_key: Set(format!("relais-{}", id.simple())),
        created_at: Set(now),
        updated_at: Set(now),
        delivered_at: Set(None),
        invitation_id: Set(Some(i.id)),
    }
}

/// The channel an invitation's messages use, as the outbox spells it.
pub(crate) fn channel_of(c: InvitationChannel) -> Option<&'static str> {
    match c {
        InvitationChannel::Sms => Some("sms"),
        InvitationChannel::Email => Some("email"),
        InvitationChannel::InPerson => None,
    }
}
