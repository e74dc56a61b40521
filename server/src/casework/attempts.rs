//! Contact attempts and the call-back queue: each attempt logged against the safe-contact profile, the advice after three attempts or ten working days, what is due first.

use crate::audit::{self, Action};
use crate::casework::common::TABLE;
use crate::casework::common::callback_of;
use crate::casework::common::find;
use crate::casework::common::find_person;
use crate::casework::common::initials_or_anon;
use crate::casework::common::is_stale;
use crate::casework::common::past_time;
use crate::casework::common::persons_of;
use crate::casework::common::situation_dto;
use crate::casework::common::word;
use crate::casework::common::{advice_dto, attempt_dto, attempts_of};
use crate::casework::transitions::apply_event;
use crate::casework::transitions::closed_error;
use crate::casework::transitions::touch;
use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::store::entities::{contact_attempt, situation};
use crate::store::{OrgScoped, Stamp};
use relais_domain::Validator;
use relais_domain::dto::{AttemptInput, AttemptLogged, QueueEntry};
use relais_domain::invitation::OutreachStatus;
use relais_domain::outreach::{self, Event, Priority, QueueItem, State};
use relais_domain::problem::ProblemCode;
use relais_domain::safe_contact::SafeContactProfile;
use sea_orm::{ActiveModelTrait, ColumnTrait, PaginatorTrait, QueryFilter, QuerySelect, Set};
use std::collections::HashMap;
use uuid::Uuid;

/// Log a contact attempt in one call. SMS, e-mail and letters need a safe-contact profile
/// that allows them; calls need one that allows calls once the person has set one. In a
/// callback window, only inside it.
pub async fn attempt(t: &Scope, id: Uuid, i: AttemptInput) -> ServiceResult<AttemptLogged> {
    let mut v = Validator::new();
    let at = past_time(&mut v, "at", i.at, t.now());
    let note = v.optional_text("note", i.note.as_deref(), relais_domain::limits::NOTE);
    v.finish().map_err(ServiceError::validation)?;
    let m = find(t, id).await?;
    let zone = crate::zone::of_site_id(t.db(), t.organisation_id(), m.site_id).await?;
    let state = word(&m.state, State::parse, "situation.state")?;
    if state == State::Closed {
        return Err(closed_error(&m));
    }
    if state == State::CallbackScheduled
        && let Some(w) = callback_of(&m)
        && !w.allows(at)
    {
        return Err(ServiceError::new(
            ProblemCode::OutsideCallbackWindow,
            "Hors du créneau de rappel",
        )
        .detail(format!(
            "La personne a demandé à être rappelée entre {} et {} : appelez dans ce créneau, ou reprenez les appels (« resume_contact »).",
            zone.local(w.start).format("%d/%m %H:%M"),
            zone.local(w.end).format("%d/%m %H:%M")
        )));
    }
    let c = t.state.cipher();
    let p = find_person(t, m.person_id, "person_id").await?;
    let profile: SafeContactProfile =
        c.open_json("person", "safe_contact", p.id, &p.safe_contact)?;
    if let Err(refusal) = profile.check_attempt(i.channel, zone.local(at)) {
        return Err(ServiceError::field(
            ProblemCode::UnsafeChannel,
            "channel",
            (
                format!("Contact refusé : {}.", refusal.reason_fr()),
                format!("Contact refused: {}.", refusal.reason_en()),
            ),
        ));
    }
    let reached = i.result.reached();
    let prior = contact_attempt::Entity::scoped(t.organisation_id())
        .filter(contact_attempt::Column::SituationId.eq(id))
        .filter(contact_attempt::Column::DeletedAt.is_null())
        .count(t.db())
        .await?;
    let aid = Uuid::new_v4();
    let (_turn, txn) = t.begin_write().await?;
    let now = t.now();
    let a = contact_attempt::ActiveModel {
        id: Set(aid),
        organisation_id: Set(t.organisation_id()),
        situation_id: Set(id),
        person_id: Set(m.person_id),
        at: Set(at),
        channel: Set(i.channel.as_str().into()),
        result: Set(i.result.as_str().into()),
        note: Set(note
            .as_ref()
            .map(|n| c.seal("contact_attempt", "note", aid, n.as_bytes()))),
        account_id: Set(t.staff()?.account_id),
        ..Stamp::take(&txn, now).await?.new_row()
    }
    .insert(&txn)
    .await?;
    let first_contact = reached && m.first_contact_at.is_none();
    let extra = |am: &mut situation::ActiveModel| {
        if m.first_contact_at.is_none() {
            am.attempts_to_first_contact = Set(prior as i32 + 1);
        }
        if first_contact {
            am.first_contact_at = Set(Some(at));
        }
    };
    // Calling starts the contacting phase when the coordinator had not said so yet.
    let updated = if matches!(state, State::Received | State::ToQualify) {
        apply_event(
            &txn,
            &m,
            None,
            Event::Qualify,
            Some(t.staff()?.account_id),
            at,
            extra,
            now,
        )
        .await?
    } else {
        touch(&txn, &m, at, extra, now).await?
    };
    audit::record(
        &txn,
        t.audit_event(Action::AttemptLogged, Some(TABLE), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    let attempts = attempts_of(t.db(), t.organisation_id(), &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(AttemptLogged {
        attempt: attempt_dto(c, &a)?,
        situation: situation_dto(c, &updated, Some(&p), &attempts, t.now(), zone)?,
    })
}

/// The caller's call-back queue: situations assigned to them or to nobody, not closed, what
/// is due now first. Initials only; opening a line is `GET /situations/{id}` (audited).
pub async fn queue(t: &Scope) -> ServiceResult<Vec<QueueEntry>> {
    use sea_orm::Condition;
    let rows = t
        .scoped::<situation::Entity>()
        .filter(situation::Column::DeletedAt.is_null())
        .filter(situation::Column::State.ne(State::Closed.as_str()))
        .filter(
            Condition::any()
                .add(situation::Column::AssignedTo.eq(t.staff()?.account_id))
                .add(situation::Column::AssignedTo.is_null()),
        )
        .limit(2_000)
        .all(t.db())
        .await?;
    let now = t.now();
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let pids: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect();
    let attempts = attempts_of(t.db(), t.organisation_id(), &ids).await?;
    let persons = persons_of(t.db(), t.organisation_id(), &pids).await?;
    let zones = crate::zone::Zones::load(t.db(), t.organisation_id()).await?;
    let by_id: HashMap<Uuid, &situation::Model> = rows.iter().map(|r| (r.id, r)).collect();
    let mut items = rows
        .iter()
        .map(|m| {
            Ok(QueueItem {
                key: m.id,
                state: word(&m.state, State::parse, "situation.state")?,
                priority: word(&m.priority, Priority::parse, "situation.priority")?,
                due: m.due_at,
                callback: callback_of(m),
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    let pairs: Vec<(Uuid, Uuid)> = rows.iter().map(|r| (r.id, r.person_id)).collect();
    let reach =
        crate::scheduling::invitations::outreach_of(t.db(), t.organisation_id(), &pairs, now)
            .await?;
    outreach::order_queue(&mut items, now);
    let c = t.state.cipher();
    let out = items
        .into_iter()
        .filter_map(|i| by_id.get(&i.key).map(|m| (i, *m)))
        .map(|(i, m)| {
            let p = persons.get(&m.person_id);
            Ok(QueueEntry {
                situation_id: m.id,
                person_id: m.person_id,
                person_initials: initials_or_anon(c, p)?,
                state: i.state,
                priority: i.priority,
                due_at: m.due_at,
                overdue: m.due_at < now && m.first_contact_at.is_none(),
                callback_open: i.callback.is_some_and(|w| w.allows(now)),
                callback: i.callback,
                safe_contact_stale: p.is_none_or(|p| is_stale(p, now)),
                advice: advice_dto(
                    attempts.get(&m.id).map(Vec::as_slice).unwrap_or(&[]),
                    now,
                    zones.of(m.site_id),
                ),
                outreach: reach
                    .get(&m.id)
                    .copied()
                    .unwrap_or(OutreachStatus::NotInvited),
                to_call: reach.get(&m.id).is_some_and(|o| o.to_call()),
            })
        })
        .collect::<ServiceResult<_>>()?;
    Ok(out)
}
