//! The outbox's jobs that belong to an invitation (issue 27) rather than to an appointment:
//! its first message and its one follow-up. Loaded with the batch, checked again just
//! before sending (the invitation still open and at the version the job was planned for,
//! the person not stopped, the follow-up not before its day), composed in the neutral
//! wording, and settled afterwards: a first message sent makes the invitation `sent` and
//! plans its follow-up, once; one that never arrived makes it `undeliverable`.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use relais_domain::delivery::JobState;
use relais_domain::invitation::{
    self as rule, InvitationChannel, InvitationKind, InvitationMessage, InvitationState,
};
use relais_domain::safe_contact::SafeContactProfile;
use relais_domain::sms::{self, QuietHours};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::compose::{Batch, Check};
use super::providers::Outgoing;
use crate::state::AppState;
use crate::store::entities::{booking_link, invitation, notification, organisation, situation};

/// What a batch's invitation messages need besides what every message needs.
#[derive(Default)]
pub(crate) struct Invitations {
    rows: HashMap<Uuid, invitation::Model>,
    /// The link each link invitation carries, while it may still be used.
    links: HashMap<Uuid, String>,
    /// Each organisation's neutral call-back number and follow-up delay.
    callback: HashMap<Uuid, Option<String>>,
    follow_up_days: HashMap<Uuid, i64>,
    /// The zone the invitation's days are said in (its situation's site's).
    zones: HashMap<Uuid, Option<Uuid>>,
}

impl Invitations {
    pub(super) async fn load(
        state: &AppState,
        jobs: &[notification::Model],
    ) -> Result<Invitations, DbErr> {
        let mut out = Invitations::default();
        let ids: HashSet<Uuid> = jobs.iter().filter_map(|n| n.invitation_id).collect();
        if ids.is_empty() {
            return Ok(out);
        }
        let db = state.db();
        for i in invitation::Entity::find()
            .filter(invitation::Column::Id.is_in(ids))
            .all(db)
            .await?
        {
            out.rows.insert(i.id, i);
        }
        let orgs: HashSet<Uuid> = out.rows.values().map(|i| i.organisation_id).collect();
        for o in organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(orgs))
            .all(db)
            .await?
        {
            out.callback.insert(o.id, o.callback_phone);
            out.follow_up_days
                .insert(o.id, o.invitation_follow_up_days.into());
        }
        let situations: HashSet<Uuid> = out.rows.values().map(|i| i.situation_id).collect();
        let sites: HashMap<Uuid, Option<Uuid>> = situation::Entity::find()
            .filter(situation::Column::Id.is_in(situations))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.site_id))
            .collect();
        for i in out.rows.values() {
            out.zones
                .insert(i.id, sites.get(&i.situation_id).copied().flatten());
        }
        let link_ids: Vec<Uuid> = out
            .rows
            .values()
            .filter_map(|i| i.booking_link_id)
            .collect();
        if !state.config().public_url.is_empty() && !link_ids.is_empty() {
            let now = state.now();
            for l in booking_link::Entity::find()
                .filter(booking_link::Column::Id.is_in(link_ids))
                .all(db)
                .await?
            {
                if l.revoked_at.is_none() && l.used_at.is_none() && l.expires_at > now {
                    let url = crate::scheduling::link_rows::url_of(state, l.id);
                    if let Some(i) = out.rows.values().find(|i| i.booking_link_id == Some(l.id)) {
                        out.links.insert(i.id, url);
                    }
                }
            }
        }
        Ok(out)
    }
}

impl Batch {
    fn zone_of(&self, i: &invitation::Model) -> Tz {
        let site = self.invitations.zones.get(&i.id).copied().flatten();
        match site.and_then(|s| self.sites.get(&s)) {
            Some(s) => crate::zone::site_tz(s),
            // The organisation's zone: its first site's.
            None => self
                .sites
                .values()
                .filter(|s| s.organisation_id == i.organisation_id)
                .min_by_key(|s| (s.created_at, s.id))
                .map_or(crate::zone::DEFAULT, crate::zone::site_tz),
        }
    }

    /// An invitation's message as it would leave now. `None`: the invitation, the profile,
    /// the address, the link or the call-back number is gone, or the text would reveal.
    pub(super) fn compose_invitation(
        &self,
        n: &notification::Model,
    ) -> Option<(Outgoing, Tz, &SafeContactProfile)> {
        let i = self
            .invitations
            .rows
            .get(&n.invitation_id?)
            .filter(|i| i.organisation_id == n.organisation_id)?;
        let profile = match self.profiles.get(&n.person_id)? {
            (org, Some(p)) if *org == n.organisation_id => p,
            _ => return None,
        };
        let kind = InvitationKind::parse(&i.kind)?;
        let message = InvitationMessage::parse(&n.kind)?;
        let recipient = match n.channel.as_str() {
            "sms" => profile.safe_phone.clone()?,
            "email" => profile.safe_email.clone()?,
            _ => return None,
        };
        let revealing = self.revealing.get(&n.organisation_id)?;
        let tz = self.zone_of(i);
        let (link, tel) = match kind {
            InvitationKind::Link => {
                let link = self.invitations.links.get(&i.id)?;
                // The host is read as the person will read it (the token is random letters).
                let host = link.rsplit_once('/').map_or(link.as_str(), |(h, _)| h);
                if revealing.find(host).is_some() {
                    return None;
                }
                (Some(link.as_str()), None)
            }
            InvitationKind::CallUs => {
                let tel = self
                    .invitations
                    .callback
                    .get(&i.organisation_id)?
                    .as_deref()?;
                (None, Some(relais_domain::phone::national(tel)))
            }
        };
        let until = rule::until_fr(i.expires_at, tz);
        let body = rule::text(kind, message, &until, link, tel.as_deref());
        // Checked as it will be read: a text that would reveal is never sent.
        if revealing.find(&body).is_some() {
            tracing::warn!(notification = %n.id, "invitation text failed the revealing-word check");
            return None;
        }
        let body = if n.channel == "sms" {
            sms::for_sms(&body)
        } else {
            body
        };
        let ucs2 = n.channel == "sms" && sms::size(&body).encoding == sms::Encoding::Ucs2;
        Some((
            Outgoing {
                notification_id: n.id,
                organisation_id: n.organisation_id,
                channel: n.channel.clone(),
                recipient,
                body,
                ucs2,
                idempotency_key: n.idempotency_key.clone(),
            },
            tz,
            profile,
        ))
    }

    /// Everything checked again just before an invitation's message leaves.
    pub(super) fn check_invitation(
        &self,
        state: &AppState,
        n: &notification::Model,
        now: DateTime<Utc>,
        quiet: QuietHours,
    ) -> Check {
        if now >= n.expires_at {
            return Check::Fail("expired");
        }
        if n.attempt > sms::MAX_ATTEMPTS as i32 {
            return Check::Fail("attempts_exhausted");
        }
        let Some(message) = InvitationMessage::parse(&n.kind) else {
            return Check::Skip("unknown_kind");
        };
        let Some(i) = n
            .invitation_id
            .and_then(|id| self.invitations.rows.get(&id))
            .filter(|i| i.organisation_id == n.organisation_id)
        else {
            return Check::Skip("invitation_gone");
        };
        if i.version != n.appointment_version {
            return Check::Skip("invitation_changed");
        }
        let st = InvitationState::parse(&i.state).map(|s| s.at(i.expires_at, now));
        let expected = match message {
            InvitationMessage::Invitation => matches!(st, Some(InvitationState::Scheduled)),
            InvitationMessage::FollowUp => {
                matches!(st, Some(InvitationState::Sent | InvitationState::Opened))
            }
        };
        if !expected {
            return Check::Skip("invitation_ended");
        }
        if message == InvitationMessage::FollowUp {
            // Its day counts from when the invitation went out (a first message held back by
            // the person's windows moves it on).
            let days = self
                .invitations
                .follow_up_days
                .get(&i.organisation_id)
                .copied()
                .unwrap_or(rule::DEFAULT_FOLLOW_UP_DAYS);
            match i
                .sent_at
                .and_then(|s| rule::follow_up_due(s, i.expires_at, days))
            {
                None => return Check::Skip("no_follow_up"),
                Some(due) if due > now => return Check::Wait(due),
                Some(_) => {}
            }
        }
        if self.stopped.contains(&n.person_id) {
            return Check::Skip("no_more_messages");
        }
        if self.stop_replied.contains(&n.person_id) {
            return Check::Skip("opted_out");
        }
        let Some((out, tz, profile)) = self.compose_invitation(n) else {
            return Check::Skip("no_address");
        };
        match self.deliverable(state, n, &out, tz, profile, now, quiet, true) {
            None => Check::Send(out),
            Some(c) => c,
        }
    }
}

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
            // Only the invitations still waiting on their first message's outcome.
            let open: Vec<Uuid> = invitation::Entity::find()
                .filter(invitation::Column::State.is_in([
                    InvitationState::Scheduled.as_str(),
                    InvitationState::Sent.as_str(),
                ]))
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
