//! Every check an invitation passes before anything is written, in the order a coordinator
//! fixes them, and the texts it would send.

use super::*;

/// An invitation checked and ready to write.
pub(super) struct Planned {
    pub(super) person_id: Uuid,
    pub(super) kind: InvitationKind,
    pub(super) channel: InvitationChannel,
    pub(super) link: Option<booking_link::Model>,
    pub(super) send_at: DateTime<Utc>,
    pub(super) expires_at: DateTime<Utc>,
    pub(super) tz: Tz,
    pub(super) settings: Settings,
}

/// The situation's zone: its site's, else the organisation's.
pub(super) async fn zone_of(t: &Scope, s: &situation::Model) -> ServiceResult<Tz> {
    Ok(crate::zone::Zones::load(t.db(), t.organisation_id())
        .await?
        .of(s.site_id)
        .tz)
}

/// Whether the person wants no more messages: staff's switch, or a STOP from their safe
/// number.
pub(super) async fn stopped(
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
pub(super) async fn plan(
    t: &Scope,
    situation_id: Uuid,
    i: &InvitationInput,
) -> ServiceResult<Planned> {
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
pub(super) async fn open_of(
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

pub(super) fn open_states() -> [&'static str; 3] {
    [
        InvitationState::Scheduled.as_str(),
        InvitationState::Sent.as_str(),
        InvitationState::Opened.as_str(),
    ]
}

/// The texts the invitation and its follow-up would carry (a link stands for itself).
pub(super) fn texts(p: &Planned, url: Option<&str>) -> (String, String) {
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
