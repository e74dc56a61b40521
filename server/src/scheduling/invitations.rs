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

fn refused(r: Refused) -> ServiceError {
    let code = match r {
        Refused::AlreadyOpen => ProblemCode::Conflict,
        Refused::NoFreeSlot => ProblemCode::SlotUnavailable,
        Refused::Closed => ProblemCode::SituationClosed,
        Refused::NoCallbackNumber => ProblemCode::Required,
        Refused::NoMoreMessages
        | Refused::NeverChecked
        | Refused::ChannelNotAllowed
        | Refused::NoSafeAddress => ProblemCode::UnsafeChannel,
    };
    ServiceError::field(code, r.field(), r.said())
}

/// An invitation checked and ready to write.
struct Planned {
    person_id: Uuid,
    kind: InvitationKind,
    channel: InvitationChannel,
    link: Option<booking_link::Model>,
    send_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    tz: Tz,
    settings: Settings,
}

/// The situation's zone: its site's, else the organisation's.
async fn zone_of(t: &Scope, s: &situation::Model) -> ServiceResult<Tz> {
    Ok(crate::zone::Zones::load(t.db(), t.organisation_id())
        .await?
        .of(s.site_id)
        .tz)
}

/// Whether the person wants no more messages: staff's switch, or a STOP from their safe
/// number.
async fn stopped(
    t: &Scope,
    p: &person::Model,
    profile: &SafeContactProfile,
) -> ServiceResult<bool> {
    if p.messages_stopped_at.is_some() {
        return Ok(true);
    }
    let Some(phone) = profile.safe_phone.as_deref() else {
        return Ok(false);
    };
    Ok(
        sms_opt_out::Entity::find_by_id(opt_out_index(&t.state, phone))
            .one(t.db())
            .await?
            .is_some(),
    )
}

/// Every check, in the order a coordinator fixes them; nothing written.
async fn plan(t: &Scope, situation_id: Uuid, i: &InvitationInput) -> ServiceResult<Planned> {
    let account = t.staff()?.account_id;
    let s = t
        .find_live::<situation::Entity>(situation_id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    if s.state == State::Closed.as_str() {
        return Err(refused(Refused::Closed));
    }
    let p = t
        .find_live::<person::Entity>(s.person_id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    if p.anonymised_at.is_some() {
        return Err(refused(Refused::Closed));
    }
    let profile = profile_of(t.state.cipher(), &p).unwrap_or_default();
    let stop = stopped(t, &p, &profile).await?;
    rule::check_channel(&profile, stop, i.channel).map_err(refused)?;
    let settings = Settings::of(
        &organisation::Entity::find_by_id(t.organisation_id())
            .one(t.db())
            .await?
            .ok_or_else(ServiceError::not_found)?,
    );
    let now = t.now();
    let expires_at = now + Duration::days(settings.expiry_days);
    let offered: Option<Offered> = match i.kind {
        InvitationKind::Link => {
            let type_id = i.type_id.ok_or_else(|| {
                ServiceError::field(
                    ProblemCode::Required,
                    "type_id",
                    (
                        "Le type de rendez-vous que la personne choisira.",
                        "The appointment type the person will book.",
                    ),
                )
            })?;
            Some(links::check_offered(t, type_id, &i.site_ids, &i.coordinator_ids).await?)
        }
        InvitationKind::CallUs => {
            if settings.callback_phone.is_none() {
                return Err(refused(Refused::NoCallbackNumber));
            }
            None
        }
    };
    if i.kind == InvitationKind::Link
        && i.channel.message_channel().is_some()
        && t.state.config().public_url.is_empty()
    {
        return Err(ServiceError::field(
            ProblemCode::Conflict,
            "channel",
            (
                "Le serveur n'a pas d'adresse publique (RELAIS_PUBLIC_URL) : un lien ne peut pas partir par message. Remettez-le en main propre.",
                "The server has no public address (RELAIS_PUBLIC_URL): a link cannot go by message. Hand it over in person.",
            ),
        ));
    }
    if open_of(t, situation_id, now).await?.is_some() {
        return Err(refused(Refused::AlreadyOpen));
    }
    let tz = zone_of(t, &s).await?;
    let send_at = match i.channel.message_channel() {
        None => now,
        Some(c) => {
            let quiet = if c == relais_domain::safe_contact::Channel::Sms {
                t.state.quiet_hours()
            } else {
                sms::QuietHours {
                    start: chrono::NaiveTime::MIN,
                    end: chrono::NaiveTime::MIN,
                }
            };
            let local = now.with_timezone(&tz).naive_local();
            let at = rule::next_send_moment(&profile, local, quiet)
                .ok_or_else(|| refused(Refused::ChannelNotAllowed))?;
            crate::zone::Zone {
                tz,
                alsace_moselle: false,
            }
            .instant(at, now)
            .max(now)
        }
    };
    if send_at >= expires_at {
        return Err(refused(Refused::ChannelNotAllowed));
    }
    let link = match &offered {
        None => None,
        Some(o) => {
            let row = links::book_link_row(t, s.person_id, o, expires_at, account);
            if !links::offers_a_slot(t, &row).await? {
                return Err(refused(Refused::NoFreeSlot));
            }
            Some(row)
        }
    };
    Ok(Planned {
        person_id: s.person_id,
        kind: i.kind,
        channel: i.channel,
        link,
        send_at,
        expires_at,
        tz,
        settings,
    })
}

/// The situation's open invitation, if one is still open at `now`.
async fn open_of(
    t: &Scope,
    situation_id: Uuid,
    now: DateTime<Utc>,
) -> ServiceResult<Option<invitation::Model>> {
    Ok(t.scoped::<invitation::Entity>()
        .filter(invitation::Column::SituationId.eq(situation_id))
        .filter(invitation::Column::State.is_in(open_states()))
        .filter(invitation::Column::ExpiresAt.gt(now))
        .one(t.db())
        .await?)
}

fn open_states() -> [&'static str; 3] {
    [
        InvitationState::Scheduled.as_str(),
        InvitationState::Sent.as_str(),
        InvitationState::Opened.as_str(),
    ]
}

/// The texts the invitation and its follow-up would carry (a link stands for itself).
fn texts(p: &Planned, url: Option<&str>) -> (String, String) {
    let until = rule::until_fr(p.expires_at, p.tz);
    let tel = p
        .settings
        .callback_phone
        .as_deref()
        .map(relais_domain::phone::national);
    let one = |m| rule::text(p.kind, m, &until, url, tel.as_deref());
    (
        one(InvitationMessage::Invitation),
        one(InvitationMessage::FollowUp),
    )
}

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
    let mut out = dto(t, &row, &[], now);
    if in_person {
        out.url = p
            .link
            .as_ref()
            .map(|l| crate::scheduling::link_rows::url_of(&t.state, l.id));
    }
    Ok(out)
}

fn dto(
    _t: &Scope,
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
    Ok(rows.iter().map(|m| dto(t, m, &jobs, now)).collect())
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
    Ok(dto(t, &m, &jobs, now))
}

/// End one invitation by `event`, if it is still open (an expired one is written expired
/// instead): its version moves on, its pending messages are cancelled, its link revoked
/// (a booking used it already).
async fn end<C: ConnectionTrait>(
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
async fn expire_past<C: ConnectionTrait>(
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

/// The outreach status of some situations: from each one's latest invitation and its
/// person's latest appointment (`relais_domain::invitation::outreach_status`).
pub(crate) async fn outreach_of<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    situations: &[(Uuid, Uuid)],
    now: DateTime<Utc>,
) -> Result<HashMap<Uuid, OutreachStatus>, DbErr> {
    use crate::store::entities::{appointment, appointment_participant};
    let ids: Vec<Uuid> = situations.iter().map(|(s, _)| *s).collect();
    let persons: Vec<Uuid> = situations.iter().map(|(_, p)| *p).collect();
    // The latest invitation of each situation, and when it last changed.
    let mut latest: HashMap<Uuid, (DateTime<Utc>, DateTime<Utc>, InvitationState)> = HashMap::new();
    for m in invitation::Entity::scoped(org)
        .filter(invitation::Column::SituationId.is_in(ids))
        .all(db)
        .await?
    {
        let st = InvitationState::parse(&m.state)
            .unwrap_or(InvitationState::Revoked)
            .at(m.expires_at, now);
        let when = match st {
            // An expiry happens at the expiry, whenever it is written.
            InvitationState::Expired => m.expires_at,
            _ => m
                .ended_at
                .or(m.opened_at)
                .or(m.sent_at)
                .unwrap_or(m.created_at),
        };
        let e = latest
            .entry(m.situation_id)
            .or_insert((m.created_at, when, st));
        if m.created_at >= e.0 {
            *e = (m.created_at, when, st);
        }
    }
    let parts = appointment_participant::Entity::scoped(org)
        .filter(appointment_participant::Column::PersonId.is_in(persons))
        .all(db)
        .await?;
    let by_appt: HashMap<Uuid, Uuid> = parts
        .iter()
        .map(|p| (p.appointment_id, p.person_id))
        .collect();
    let mut last_appt: HashMap<Uuid, (DateTime<Utc>, relais_domain::dto::AppointmentStatus)> =
        HashMap::new();
    for a in appointment::Entity::scoped(org)
        .filter(appointment::Column::Id.is_in(by_appt.keys().copied().collect::<Vec<_>>()))
        .filter(appointment::Column::DeletedAt.is_null())
        .all(db)
        .await?
    {
        let Some(st) = relais_domain::dto::AppointmentStatus::parse(&a.status) else {
            continue;
        };
        let Some(p) = by_appt.get(&a.id) else {
            continue;
        };
        let e = last_appt.entry(*p).or_insert((a.updated_at, st));
        if a.updated_at >= e.0 {
            *e = (a.updated_at, st);
        }
    }
    Ok(situations
        .iter()
        .map(|(s, p)| {
            (
                *s,
                rule::outreach_status(
                    latest.get(s).map(|(_, w, st)| (*w, *st)),
                    last_appt.get(p).copied(),
                ),
            )
        })
        .collect())
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
