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

mod jobs;
pub use jobs::*;

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
