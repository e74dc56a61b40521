//! The pre-send check and the message: a batch loads what its jobs need in a few queries, checks each one again (appointment unchanged, profile still allows the channel, number not on the STOP list, wording clean) and composes the neutral text.

use super::providers::Outgoing;
use crate::crypto::FieldCipher;
use crate::outbox::after_quiet;
use crate::state::AppState;
use crate::store::entities::{
    appointment, message_template, notification, organisation, person, site, sms_opt_out,
};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use relais_domain::dto::AppointmentStatus;
use relais_domain::safe_contact::{Channel, SafeContactProfile};
use relais_domain::sms::{self, MessageKind, QuietHours};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub(crate) fn profile_of(c: &FieldCipher, p: &person::Model) -> Option<SafeContactProfile> {
    if p.anonymised_at.is_some() {
        return None;
    }
    c.open_json("person", "safe_contact", p.id, &p.safe_contact)
        .ok()
}

/// The channels the profile allows for written messages, in principle (windows and quiet
/// hours are checked at send time).
pub(crate) fn channels(p: &SafeContactProfile) -> Vec<&'static str> {
    let mut v = Vec::new();
    if p.checked_at.is_some() && p.sms && p.safe_phone.is_some() {
        v.push("sms");
    }
    if p.checked_at.is_some() && p.email && p.safe_email.is_some() {
        v.push("email");
    }
    v
}

/// What the pre-send check decides.
pub(crate) enum Check {
    Send(Outgoing),
    /// Not now: quiet hours until this instant.
    Wait(DateTime<Utc>),
    Skip(&'static str),
    /// Too late: the person did not get it, and the coordinator must know.
    Fail(&'static str),
}

/// Everything a batch of jobs needs, read in a handful of queries.
#[derive(Default)]
pub(crate) struct Batch {
    pub(super) appointments: HashMap<Uuid, appointment::Model>,
    /// The person's organisation and profile.
    pub(super) profiles: HashMap<Uuid, (Uuid, Option<SafeContactProfile>)>,
    /// Persons who want no more messages (staff's switch).
    pub(super) stopped: HashSet<Uuid>,
    /// Persons whose safe number answered STOP: no message of any channel reaches them.
    pub(super) stop_replied: HashSet<Uuid>,
    pub(super) sites: HashMap<Uuid, site::Model>,
    pub(super) templates: HashMap<(Uuid, String, String), String>,
    /// Each organisation's revealing words (its own, its name, its sites' names).
    pub(super) revealing: HashMap<Uuid, relais_domain::wording::Revealing>,
    pub(super) opted_out: HashSet<String>,
    /// The appointments' manage links (`{lien}`), when the server has a public address.
    pub(super) links: HashMap<Uuid, String>,
    /// The invitations of the batch's invitation messages, and what composing them needs.
    pub(super) invitations: super::invite::Invitations,
}

impl Batch {
    pub(crate) async fn load(
        state: &AppState,
        jobs: &[notification::Model],
    ) -> Result<Batch, DbErr> {
        let db = state.db();
        let c = state.cipher();
        let mut b = Batch::default();
        if jobs.is_empty() {
            return Ok(b);
        }
        let ids = |f: fn(&notification::Model) -> Uuid| -> Vec<Uuid> {
            let set: HashSet<Uuid> = jobs.iter().map(f).collect();
            set.into_iter().collect()
        };
        let appointment_ids: HashSet<Uuid> = jobs.iter().filter_map(|n| n.appointment_id).collect();
        for a in appointment::Entity::find()
            .filter(appointment::Column::Id.is_in(appointment_ids))
            .all(db)
            .await?
        {
            b.appointments.insert(a.id, a);
        }
        b.links = crate::scheduling::link_rows::manage_urls(
            db,
            state,
            b.appointments.keys().copied().collect(),
        )
        .await?;
        let orgs: HashSet<Uuid> = jobs.iter().map(|n| n.organisation_id).collect();
        // Every site of these organisations: the appointments' sites, and the names no
        // message may carry.
        for s in site::Entity::find()
            .filter(site::Column::OrganisationId.is_in(orgs.clone()))
            .all(db)
            .await?
        {
            b.sites.insert(s.id, s);
        }
        for o in organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(orgs.clone()))
            .all(db)
            .await?
        {
            let sites: Vec<&site::Model> = b
                .sites
                .values()
                .filter(|s| s.organisation_id == o.id)
                .collect();
            let r = crate::wording::revealing_of(Some(&o), &sites, None);
            b.revealing.insert(o.id, r);
        }
        let mut indexes = Vec::new();
        let mut index_of = Vec::new();
        for p in person::Entity::find()
            .filter(person::Column::Id.is_in(ids(|n| n.person_id)))
            .all(db)
            .await?
        {
            let profile = profile_of(c, &p);
            if let Some(phone) = profile.as_ref().and_then(|x| x.safe_phone.as_deref()) {
                indexes.push(opt_out_index(state, phone));
                index_of.push((p.id, opt_out_index(state, phone)));
            }
            if p.messages_stopped_at.is_some() {
                b.stopped.insert(p.id);
            }
            b.profiles.insert(p.id, (p.organisation_id, profile));
        }
        if !indexes.is_empty() {
            for o in sms_opt_out::Entity::find()
                .filter(sms_opt_out::Column::NumberIndex.is_in(indexes))
                .all(db)
                .await?
            {
                b.opted_out.insert(o.number_index);
            }
            // A STOP from the person's safe number stops every message to them, e-mail too.
            for (person, index) in index_of {
                if b.opted_out.contains(&index) {
                    b.stop_replied.insert(person);
                }
            }
        }
        for t in message_template::Entity::find()
            .filter(message_template::Column::OrganisationId.is_in(orgs))
            .all(db)
            .await?
        {
            b.templates
                .insert((t.organisation_id, t.kind, t.channel), t.body);
        }
        b.invitations = super::invite::Invitations::load(state, jobs).await?;
        Ok(b)
    }

    /// The message of job `n` as it would leave now, without the checks (the reconciler
    /// needs it to ask the provider). `None`: the appointment, site or profile is gone.
    pub(crate) fn compose(
        &self,
        n: &notification::Model,
    ) -> Option<(Outgoing, Tz, &SafeContactProfile)> {
        if n.invitation_id.is_some() {
            return self.compose_invitation(n);
        }
        let a = self
            .appointments
            .get(&n.appointment_id?)
            .filter(|a| a.organisation_id == n.organisation_id)?;
        let s = self.sites.get(&a.site_id)?;
        let profile = match self.profiles.get(&n.person_id)? {
            (org, Some(p)) if *org == n.organisation_id => p,
            _ => return None,
        };
        let kind = MessageKind::parse(&n.kind)?;
        let tz = crate::zone::site_tz(s);
        let recipient = match n.channel.as_str() {
            "sms" => profile.safe_phone.clone()?,
            "email" => profile.safe_email.clone()?,
            _ => return None,
        };
        let revealing = self.revealing.get(&n.organisation_id)?;
        // The site's neutral place text, never its address; left out when the profile
        // does not allow naming the place or the text fails today's list.
        let place = s
            .message_place
            .as_deref()
            .filter(|_| profile.may_name_service)
            .filter(|p| revealing.find(p).is_none());
        // The manage link, while it can still move or cancel something.
        let link = self
            .links
            .get(&a.id)
            .map(String::as_str)
            .filter(|_| kind != MessageKind::Cancellation)
            // A host name that names the service makes the link itself revealing (the
            // token after the last "/" is random letters: not read).
            .filter(|l| {
                revealing
                    .find(l.rsplit_once('/').map_or(*l, |(host, _)| host))
                    .is_none()
            });
        let mut body =
            match self
                .templates
                .get(&(n.organisation_id, n.kind.clone(), n.channel.clone()))
            {
                Some(t) => sms::render_template(t, a.starts_at, tz, place, link),
                None => sms::neutral_text(kind, a.starts_at, tz, place, link),
            };
        // Checked again as it will be read: a word or a site's name added since the
        // template was saved falls back to the bare neutral text.
        if revealing.find(&body).is_some() {
            tracing::warn!(
                notification = %n.id,
                "rendered message failed the revealing-word check; neutral text used"
            );
            body = sms::neutral_text(kind, a.starts_at, tz, None, link);
        }
        if n.channel == "sms" {
            body = sms::for_sms(&body);
        }
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

    /// Everything checked again just before sending.
    pub(crate) fn check(
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
        if n.invitation_id.is_some() {
            return self.check_invitation(state, n, now, quiet);
        }
        let Some(kind) = MessageKind::parse(&n.kind) else {
            return Check::Skip("unknown_kind");
        };
        let Some(a) = n
            .appointment_id
            .and_then(|id| self.appointments.get(&id))
            .filter(|a| a.organisation_id == n.organisation_id)
        else {
            return Check::Skip("appointment_gone");
        };
        if a.version != n.appointment_version {
            return Check::Skip("appointment_changed");
        }
        let expected = if kind == MessageKind::Cancellation {
            AppointmentStatus::Revoked
        } else {
            AppointmentStatus::Planned
        };
        if a.status != expected.as_str() || a.deleted_at.is_some() {
            return Check::Skip("appointment_not_planned");
        }
        if !matches!(self.profiles.get(&n.person_id), Some((org, Some(_))) if *org == n.organisation_id)
        {
            return Check::Skip("no_profile");
        }
        if self.stopped.contains(&n.person_id) {
            return Check::Skip("no_more_messages");
        }
        if self.stop_replied.contains(&n.person_id) {
            return Check::Skip("opted_out");
        }
        let Some((out, tz, profile)) = self.compose(n) else {
            return Check::Skip("no_address");
        };
        match self.deliverable(state, n, &out, tz, profile, now, quiet, false) {
            None => Check::Send(out),
            Some(c) => c,
        }
    }

    /// The checks every message passes last, whatever it is about: the sender and subject
    /// against the organisation's words, the channel available, the profile allowing it now
    /// (`wait_for_window`: outside the person's windows it waits for the next one instead of
    /// being skipped), the STOP list and quiet hours. `None`: send it.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn deliverable(
        &self,
        state: &AppState,
        n: &notification::Model,
        out: &Outgoing,
        tz: Tz,
        profile: &SafeContactProfile,
        now: DateTime<Utc>,
        quiet: QuietHours,
        wait_for_window: bool,
    ) -> Option<Check> {
        // What the phone shows before the message is opened, against this organisation's
        // words and names (the built-in list was checked at start).
        let c = state.config();
        let shown: &[&str] = if n.channel == "sms" {
            &[c.sms_sender.as_str()]
        } else {
            &[c.smtp_from.as_str(), c.email_subject.as_str()]
        };
        if self
            .revealing
            .get(&n.organisation_id)
            .is_none_or(|r| shown.iter().any(|v| r.find(v).is_some()))
        {
            return Some(Check::Fail("revealing_sender"));
        }
        if n.channel == "email" && state.gateways().email_unavailable() {
            return Some(Check::Fail("email_unavailable"));
        }
        let local = now.with_timezone(&tz).naive_local();
        let channel = if n.channel == "sms" {
            Channel::Sms
        } else {
            Channel::Email
        };
        match profile.decide(channel, local) {
            Ok(()) => {}
            Err(relais_domain::safe_contact::Refusal::OutsideSafeWindow) if wait_for_window => {
                let q = if channel == Channel::Sms {
                    quiet
                } else {
                    QuietHours {
                        start: chrono::NaiveTime::MIN,
                        end: chrono::NaiveTime::MIN,
                    }
                };
                return Some(
                    match relais_domain::invitation::next_send_moment(profile, local, q) {
                        Some(at) => Check::Wait(
                            crate::zone::Zone {
                                tz,
                                alsace_moselle: false,
                            }
                            .instant(at, now),
                        ),
                        None => Check::Skip("channel_not_allowed"),
                    },
                );
            }
            Err(_) => return Some(Check::Skip("channel_not_allowed")),
        }
        if channel == Channel::Sms {
            if self
                .opted_out
                .contains(&opt_out_index(state, &out.recipient))
            {
                return Some(Check::Skip("opted_out"));
            }
            if quiet.contains(local.time()) {
                return Some(Check::Wait(after_quiet(now, tz, quiet)));
            }
        }
        None
    }
}

/// The blind index of a number on the opt-out list.
pub fn opt_out_index(state: &AppState, phone: &str) -> String {
    let e164 = relais_domain::phone::normalise(phone).unwrap_or_else(|_| phone.to_owned());
    state.cipher().blind_index("sms_opt_out", &e164)
}
