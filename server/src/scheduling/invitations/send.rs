//! Preview an invitation (nothing written) and create it: its link, its record and its
//! first message in one transaction.

use super::*;

/// What an invitation would send, checked like the real one, nothing written.
pub async fn preview(
    t: &Scope,
    situation_id: Uuid,
    i: InvitationInput,
) -> ServiceResult<InvitationPreview> {
    let p = plan(t, situation_id, &i).await?;
    let url = p
        .link
        .as_ref()
        .map(|l| crate::scheduling::link_rows::url_of(&t.state, l.id));
    let (text, follow) = texts(&p, url.as_deref());
    let sms_channel = i.channel == InvitationChannel::Sms;
    let (text, follow) = if sms_channel {
        (sms::for_sms(&text), sms::for_sms(&follow))
    } else {
        (text, follow)
    };
    let size = sms_channel.then(|| sms::size(&text));
    let message = i.channel.message_channel().is_some();
    Ok(InvitationPreview {
        follow_up_at: message
            .then(|| rule::follow_up_due(p.send_at, p.expires_at, p.settings.follow_up_days))
            .flatten(),
        follow_up_text: message.then_some(follow),
        text: message.then_some(text),
        send_at: p.send_at,
        expires_at: p.expires_at,
        encoding: size.as_ref().map(|s| s.encoding.as_str().to_owned()),
        segments: size.map(|s| s.segments as u32),
    })
}

/// Invite the situation's person. Refused, with its reason and nothing written, when the
/// profile does not allow the channel, no slot is free, or an invitation is already open.
pub async fn create(
    t: &Scope,
    situation_id: Uuid,
    i: InvitationInput,
) -> ServiceResult<Invitation> {
    let account = t.staff()?.account_id;
    let p = plan(t, situation_id, &i).await?;
    let now = t.now();
    let id = Uuid::new_v4();
    let in_person = i.channel.message_channel().is_none();
    let (_turn, txn) = t.begin_write().await?;
    // An invitation that expired unanswered is written so, before its successor.
    expire_past(&txn, t.organisation_id(), Some(situation_id), now).await?;
    if let Some(l) = &p.link {
        booking_link::ActiveModel::from(l.clone())
            .insert(&txn)
            .await?;
    }
    let row = invitation::ActiveModel {
        id: Set(id),
        organisation_id: Set(t.organisation_id()),
        situation_id: Set(situation_id),
        person_id: Set(p.person_id),
        kind: Set(p.kind.as_str().into()),
        channel: Set(p.channel.as_str().into()),
        // In person, it is handed over now: nothing to send.
        state: Set(if in_person {
            InvitationState::Sent
        } else {
            InvitationState::Scheduled
        }
        .as_str()
        .into()),
        version: Set(1),
        booking_link_id: Set(p.link.as_ref().map(|l| l.id)),
        appointment_id: Set(None),
        send_at: Set(p.send_at),
        expires_at: Set(p.expires_at),
        sent_at: Set(in_person.then_some(now)),
        opened_at: Set(None),
        ended_at: Set(None),
        created_by: Set(account),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        // Two coordinators at once: the unique open index lets one through.
        if e.to_string().to_lowercase().contains("unique") {
            refused(Refused::AlreadyOpen)
        } else {
            e.into()
        }
    })?;
    if let Some(ch) = invite::channel_of(p.channel) {
        invite::job(
            &row,
            InvitationMessage::Invitation,
            ch,
            row.version,
            p.send_at,
            now,
        )
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        t.audit_event(
            Action::InvitationCreated,
            Some("invitation"),
            Some(id),
            "ok",
        ),
    )
    .await?;
    txn.commit().await?;
    if p.send_at <= now && !in_person {
        t.state.wake_outbox();
    }
    let mut out = dto(&row, &[], now);
    if in_person {
        out.url = p
            .link
            .as_ref()
            .map(|l| crate::scheduling::link_rows::url_of(&t.state, l.id));
    }
    Ok(out)
}
