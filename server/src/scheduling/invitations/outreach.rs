//! The outreach status of situations, from their latest invitation and appointment: what
//! the call-back queue reads.

use super::*;

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
