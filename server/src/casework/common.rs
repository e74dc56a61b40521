//! What the casework services share: a situation read back (its words, its view, its attempts and the advice they give), the rows a request names, and the checks of the times and problems it gives. Nothing here calls another casework module.

use crate::crypto::FieldCipher;
use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::store::OrgScoped;
use crate::store::entities::{account, contact_attempt, person, site, situation};
use crate::zone::Zone;
use chrono::{DateTime, Duration, Utc};
use relais_domain::Role;
use relais_domain::Validator;
use relais_domain::casework::{DocumentType, PersonRole, problems_parse};
use relais_domain::dto::{ContactAdvice, ContactAttempt, Situation};
use relais_domain::outreach::{
    self, Attempt, AttemptChannel, CallbackWindow, CloseReason, Initiative, OriginChannel,
    Priority, SituationKind, State,
};
use relais_domain::problem::ProblemCode;
use relais_domain::safe_contact::{self};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

pub(crate) const TABLE: &str = "situation";

/// A word read back from the database. Only this code writes these columns, so an unknown
/// word is corruption: a 500, logged without the value.
pub(crate) fn word<T>(s: &str, parse: fn(&str) -> Option<T>, column: &str) -> ServiceResult<T> {
    parse(s).ok_or_else(|| ServiceError::internal(format_args!("unknown word in column {column}")))
}

pub(crate) fn is_stale(p: &person::Model, now: DateTime<Utc>) -> bool {
    p.safe_contact_checked_at
        .is_none_or(|t| (now - t).num_days() >= safe_contact::STALE_AFTER_DAYS)
}

pub(crate) fn initials_or_anon(
    c: &FieldCipher,
    p: Option<&person::Model>,
) -> ServiceResult<String> {
    match p {
        Some(p) if p.anonymised_at.is_none() => crate::casework::persons::initials_of(c, p),
        _ => Ok("—".to_owned()),
    }
}

pub(crate) fn situation_dto(
    c: &FieldCipher,
    m: &situation::Model,
    p: Option<&person::Model>,
    attempts: &[contact_attempt::Model],
    now: DateTime<Utc>,
    zone: Zone,
) -> ServiceResult<Situation> {
    let state = word(&m.state, State::parse, "situation.state")?;
    Ok(Situation {
        id: m.id,
        person_id: m.person_id,
        person_initials: initials_or_anon(c, p)?,
        state,
        allowed_events: outreach::allowed(state),
        kind: word(&m.kind, SituationKind::parse, "situation.kind")?,
        channel: word(&m.channel, OriginChannel::parse, "situation.channel")?,
        initiative: word(&m.initiative, Initiative::parse, "situation.initiative")?,
        priority: word(&m.priority, Priority::parse, "situation.priority")?,
        due_at: m.due_at,
        received_at: m.received_at,
        consent_to_contact: m.consent_to_contact,
        person_role: word(&m.person_role, PersonRole::parse, "situation.person_role")?,
        problems: problems_parse(&m.problems),
        document_type: word(
            &m.document_type,
            DocumentType::parse,
            "situation.document_type",
        )?,
        unit: m.unit.clone(),
        site_id: m.site_id,
        assigned_to: m.assigned_to,
        callback: callback_of(m),
        first_contact_at: m.first_contact_at,
        close_reason: m
            .close_reason
            .as_deref()
            .map(|r| word(r, CloseReason::parse, "situation.close_reason"))
            .transpose()?,
        closed_at: m.closed_at,
        reopened_from: m.reopened_from,
        safe_contact_stale: p.is_none_or(|p| is_stale(p, now)),
        advice: advice_dto(attempts, now, zone),
        version: m.version,
        updated_at: m.updated_at,
        change_seq: m.change_seq,
        attempts: Vec::new(),
        history: Vec::new(),
        note: None,
        possible_duplicates: Vec::new(),
    })
}

pub(crate) fn callback_of(m: &situation::Model) -> Option<CallbackWindow> {
    Some(CallbackWindow {
        start: m.callback_start?,
        end: m.callback_end?,
    })
}

pub(crate) fn validate_problems(v: &mut Validator, problems: &[relais_domain::casework::Problem]) {
    if problems.len() > relais_domain::limits::PROBLEMS {
        v.push(
            "problems",
            "too_many",
            ("20 problèmes au plus.", "20 problems at most."),
        );
    }
}

pub(crate) async fn check_site(t: &Scope, id: Option<Uuid>) -> ServiceResult<()> {
    if let Some(id) = id {
        t.find_live::<site::Entity>(id).await?.ok_or_else(|| {
            ServiceError::field(
                ProblemCode::Unknown,
                "site_id",
                ("Site inconnu.", "Unknown site."),
            )
        })?;
    }
    Ok(())
}

pub(crate) async fn check_staff(t: &Scope, id: Option<Uuid>, field: &str) -> ServiceResult<()> {
    if let Some(id) = id {
        let a = t.find_live::<account::Entity>(id).await?;
        if !a.is_some_and(|a| !a.disabled && a.role != Role::Referrer.as_str()) {
            return Err(ServiceError::field(
                ProblemCode::Unknown,
                field,
                ("Intervenant inconnu.", "Unknown staff member."),
            ));
        }
    }
    Ok(())
}

pub(crate) async fn find_person(t: &Scope, id: Uuid, field: &str) -> ServiceResult<person::Model> {
    t.find_live::<person::Entity>(id)
        .await?
        .filter(|p| p.anonymised_at.is_none())
        .ok_or_else(|| {
            ServiceError::field(
                ProblemCode::Unknown,
                field,
                ("Personne inconnue.", "Unknown person."),
            )
        })
}

pub(crate) async fn find(t: &Scope, id: Uuid) -> ServiceResult<situation::Model> {
    t.find_live::<situation::Entity>(id)
        .await?
        .ok_or_else(ServiceError::not_found)
}

pub(crate) async fn persons_of<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    ids: &[Uuid],
) -> ServiceResult<HashMap<Uuid, person::Model>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        for p in person::Entity::scoped(org)
            .filter(person::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(p.id, p);
        }
    }
    Ok(out)
}

/// A time the caller says something happened: not in the future, at most 30 days ago.
pub(crate) fn past_time(
    v: &mut Validator,
    field: &str,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    match at {
        None => now,
        Some(t) if t > now + Duration::minutes(5) => {
            v.push(
                field,
                "in_future",
                ("Date dans le futur.", "Date in the future."),
            );
            now
        }
        Some(t) if t < now - Duration::days(30) => {
            v.push(
                field,
                "too_old",
                (
                    "Plus de 30 jours : saisissez-la plus tôt.",
                    "More than 30 days ago: enter it sooner.",
                ),
            );
            now
        }
        Some(t) => t,
    }
}

pub(crate) fn attempts_for_advice(rows: &[contact_attempt::Model], zone: Zone) -> Vec<Attempt> {
    rows.iter()
        .filter_map(|r| {
            Some(Attempt {
                at: zone.local(r.at),
                channel: AttemptChannel::parse(&r.channel)?,
                result: outreach::AttemptResult::parse(&r.result)?,
            })
        })
        .collect()
}

/// What to do next with a person, by the attempts so far, in the zone where they are
/// followed (its working days and "varied times").
pub(crate) fn advice_dto(
    rows: &[contact_attempt::Model],
    now: DateTime<Utc>,
    zone: Zone,
) -> ContactAdvice {
    let attempts = attempts_for_advice(rows, zone);
    let a = outreach::advice(&attempts, zone.local(now).date(), &zone.holidays_near(now));
    let (advice, untried) = match a {
        outreach::ContactAdvice::Reached => ("reached", vec![]),
        outreach::ContactAdvice::ProposeUnreachable => ("propose_unreachable", vec![]),
        outreach::ContactAdvice::TryAgain { untried } => (
            "try_again",
            untried
                .iter()
                .map(|b| {
                    match b {
                        outreach::TimeBand::Morning => "morning",
                        outreach::TimeBand::Midday => "midday",
                        outreach::TimeBand::Afternoon => "afternoon",
                        outreach::TimeBand::Evening => "evening",
                    }
                    .to_owned()
                })
                .collect(),
        ),
    };
    ContactAdvice {
        advice: advice.to_owned(),
        untried,
        attempts: rows.len() as u32,
    }
}

pub(crate) async fn attempts_of<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    ids: &[Uuid],
) -> ServiceResult<HashMap<Uuid, Vec<contact_attempt::Model>>> {
    let mut out: HashMap<Uuid, Vec<contact_attempt::Model>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for chunk in ids.chunks(500) {
        let rows = contact_attempt::Entity::scoped(org)
            .filter(contact_attempt::Column::SituationId.is_in(chunk.to_vec()))
            .filter(contact_attempt::Column::DeletedAt.is_null())
            .order_by_asc(contact_attempt::Column::At)
            .all(db)
            .await?;
        for r in rows {
            out.entry(r.situation_id).or_default().push(r);
        }
    }
    Ok(out)
}

pub(crate) fn attempt_dto(
    c: &FieldCipher,
    a: &contact_attempt::Model,
) -> ServiceResult<ContactAttempt> {
    Ok(ContactAttempt {
        id: a.id,
        at: a.at,
        channel: word(&a.channel, AttemptChannel::parse, "contact_attempt.channel")?,
        result: word(
            &a.result,
            outreach::AttemptResult::parse,
            "contact_attempt.result",
        )?,
        account_id: a.account_id,
        note: a
            .note
            .as_deref()
            .map(|n| {
                c.open("contact_attempt", "note", a.id, n)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
            })
            .transpose()?,
    })
}
