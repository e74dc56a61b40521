//! Situations: what the police or a partner hand over, their state machine (apply_event is the only writer of a state), contact attempts, callbacks, interviews, walk-ins, anonymous contacts and child-in-danger reports.

use crate::audit::{self, Action};
use crate::crypto::FieldCipher;
use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::store::entities::{
    account, anonymous_contact, appointment, appointment_participant, child_report,
    contact_attempt, interview, person, site, situation, situation_event,
};
use crate::store::{OrgScoped, next_change_seq};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;
use relais_domain::Validator;
use relais_domain::casework::{DocumentType, PersonRole, problems_parse, problems_to_str};
use relais_domain::dto::{
    AnonymousContact, AnonymousContactInput, AttemptInput, AttemptLogged, ChildReport,
    ChildReportInput, ContactAdvice, ContactAttempt, Interview, InterviewInput, Page, PersonInput,
    QueueEntry, Sex, Situation, SituationEvent, SituationEventInput, SituationInput, WalkInInput,
    WalkInRecorded,
};
use relais_domain::outreach::{
    self, Attempt, AttemptChannel, CallbackWindow, CloseReason, Event, Initiative, OriginChannel,
    Priority, QueueItem, SituationKind, State, Urgency,
};
use relais_domain::problem::ProblemCode;
use relais_domain::safe_contact::{self, SafeContactProfile};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub(crate) const TABLE: &str = "situation";

/// The zone for working days, due dates and "varied times". Sites carry their own zone for
/// appointments; the outreach rules use the service's (metropolitan France by default).
pub(crate) const TZ: Tz = chrono_tz::Europe::Paris;

pub(crate) fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&TZ).naive_local()
}

/// Holidays around `at` (a few weeks either side), sorted, for working-day arithmetic.
pub(crate) fn holidays_near(at: DateTime<Utc>) -> Vec<chrono::NaiveDate> {
    let d = local(at).date();
    relais_domain::holidays::holiday_dates(d - Duration::days(60), d + Duration::days(60), false)
}

/// A word read back from the database. Only this code writes these columns, so an unknown
/// word is corruption: a 500, logged without the value.
pub(crate) fn word<T>(s: &str, parse: fn(&str) -> Option<T>, column: &str) -> ServiceResult<T> {
    parse(s).ok_or_else(|| ServiceError::internal(format_args!("unknown word in column {column}")))
}

pub(crate) fn stale(current: i32) -> ServiceError {
    ServiceError::new(ProblemCode::StaleVersion, "Version périmée").detail(format!(
        "La situation a changé entre-temps (version actuelle {current})."
    ))
}

pub(crate) fn transition_error(e: outreach::TransitionError) -> ServiceError {
    ServiceError::transition(
        ProblemCode::InvalidTransition,
        e.to_string(),
        e.current.as_str(),
        e.allowed.iter().map(|a| a.as_str().to_owned()).collect(),
    )
}

pub(crate) fn attempts_for_advice(rows: &[contact_attempt::Model]) -> Vec<Attempt> {
    rows.iter()
        .filter_map(|r| {
            Some(Attempt {
                at: local(r.at),
                channel: AttemptChannel::parse(&r.channel)?,
                result: outreach::AttemptResult::parse(&r.result)?,
            })
        })
        .collect()
}

pub(crate) fn advice_dto(rows: &[contact_attempt::Model], now: DateTime<Utc>) -> ContactAdvice {
    let attempts = attempts_for_advice(rows);
    let a = outreach::advice(&attempts, local(now).date(), &holidays_near(now));
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
        advice: advice_dto(attempts, now),
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

/// What a new situation needs, validated.
pub struct NewSituation {
    pub person_id: Uuid,
    pub kind: SituationKind,
    pub urgency: Urgency,
    pub channel: OriginChannel,
    pub initiative: Initiative,
    pub person_role: PersonRole,
    pub problems: String,
    pub consent_to_contact: bool,
    pub document_type: DocumentType,
    pub site_id: Option<Uuid>,
    pub assigned_to: Option<Uuid>,
    pub unit: Option<String>,
    pub referred_by: Option<Uuid>,
    pub partner_unit_id: Option<Uuid>,
    pub external_ref: Option<String>,
    pub note: Option<String>,
    pub reopened_from: Option<Uuid>,
    pub received_at: DateTime<Utc>,
}

impl NewSituation {
    /// A situation received now with only its classification; set the rest with `..`.
    pub fn new(
        person_id: Uuid,
        kind: SituationKind,
        channel: OriginChannel,
        initiative: Initiative,
        person_role: PersonRole,
    ) -> Self {
        NewSituation {
            person_id,
            kind,
            urgency: Urgency::default(),
            channel,
            initiative,
            person_role,
            problems: String::new(),
            consent_to_contact: false,
            document_type: DocumentType::Unknown,
            site_id: None,
            assigned_to: None,
            unit: None,
            referred_by: None,
            partner_unit_id: None,
            external_ref: None,
            note: None,
            reopened_from: None,
            received_at: Utc::now(),
        }
    }
}

/// Insert a situation in state `received`, with its priority and due date.
pub async fn insert_situation<C: ConnectionTrait>(
    db: &C,
    c: &FieldCipher,
    organisation_id: Uuid,
    n: NewSituation,
) -> ServiceResult<situation::Model> {
    let id = Uuid::new_v4();
    let priority = outreach::priority(n.kind, n.urgency);
    let received_local = local(n.received_at);
    let due_local = outreach::due_at(received_local, priority, &holidays_near(n.received_at));
    let due = due_local
        .and_local_timezone(TZ)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or(n.received_at);
    let now = Utc::now();
    Ok(situation::ActiveModel {
        id: Set(id),
        organisation_id: Set(organisation_id),
        person_id: Set(n.person_id),
        state: Set(State::Received.as_str().into()),
        kind: Set(n.kind.as_str().into()),
        channel: Set(n.channel.as_str().into()),
        initiative: Set(n.initiative.as_str().into()),
        priority: Set(priority.as_str().into()),
        due_at: Set(due),
        received_at: Set(n.received_at),
        consent_to_contact: Set(n.consent_to_contact),
        person_role: Set(n.person_role.as_str().into()),
        problems: Set(n.problems),
        document_type: Set(n.document_type.as_str().into()),
        unit: Set(n.unit),
        referred_by: Set(n.referred_by),
        partner_unit_id: Set(n.partner_unit_id),
        external_ref: Set(n.external_ref),
        note: Set(n
            .note
            .as_ref()
            .map(|t| c.seal(TABLE, "note", id, t.as_bytes()))),
        site_id: Set(n.site_id),
        assigned_to: Set(n.assigned_to),
        callback_start: Set(None),
        callback_end: Set(None),
        first_contact_at: Set(None),
        attempts_to_first_contact: Set(0),
        last_activity_at: Set(n.received_at),
        close_reason: Set(None),
        closed_at: Set(None),
        reopened_from: Set(n.reopened_from),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(next_change_seq(db).await?),
        deleted_at: Set(None),
    }
    .insert(db)
    .await?)
}

pub(crate) fn validate_problems(v: &mut Validator, problems: &[relais_domain::casework::Problem]) {
    if problems.len() > 20 {
        v.push("problems", "too_many", "20 problèmes au plus.");
    }
}

pub(crate) async fn check_site(t: &Scope, id: Option<Uuid>) -> ServiceResult<()> {
    if let Some(id) = id {
        t.find_live::<site::Entity>(id)
            .await?
            .ok_or_else(|| ServiceError::field(ProblemCode::Unknown, "site_id", "Site inconnu."))?;
    }
    Ok(())
}

pub(crate) async fn check_staff(t: &Scope, id: Option<Uuid>, field: &str) -> ServiceResult<()> {
    if let Some(id) = id {
        let a = t.find_live::<account::Entity>(id).await?;
        if !a.is_some_and(|a| !a.disabled && a.role != "referrer") {
            return Err(ServiceError::field(
                ProblemCode::Unknown,
                field,
                "Intervenant inconnu.",
            ));
        }
    }
    Ok(())
}

pub(crate) async fn find_person(t: &Scope, id: Uuid, field: &str) -> ServiceResult<person::Model> {
    t.find_live::<person::Entity>(id)
        .await?
        .filter(|p| p.anonymised_at.is_none())
        .ok_or_else(|| ServiceError::field(ProblemCode::Unknown, field, "Personne inconnue."))
}

pub(crate) async fn find(t: &Scope, id: Uuid) -> ServiceResult<situation::Model> {
    t.find_live::<situation::Entity>(id)
        .await?
        .ok_or_else(ServiceError::not_found)
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

/// The single-read view: the situation, its attempts with notes, its history, its note.
pub(crate) async fn full_view(t: &Scope, m: &situation::Model) -> ServiceResult<Situation> {
    let c = t.state.cipher();
    let now = Utc::now();
    let org = t.organisation_id();
    let attempts = attempts_of(t.db(), org, &[m.id])
        .await?
        .remove(&m.id)
        .unwrap_or_default();
    let p = persons_of(t.db(), org, &[m.person_id]).await?;
    let mut s = situation_dto(c, m, p.get(&m.person_id), &attempts, now)?;
    s.attempts = attempts
        .iter()
        .map(|a| attempt_dto(c, a))
        .collect::<ServiceResult<_>>()?;
    s.history = situation_event::Entity::scoped(org)
        .filter(situation_event::Column::SituationId.eq(m.id))
        .order_by_asc(situation_event::Column::At)
        .all(t.db())
        .await?
        .into_iter()
        .map(|e| {
            Ok(SituationEvent {
                at: e.at,
                account_id: e.account_id,
                event: e.event,
                from_state: word(&e.from_state, State::parse, "situation_event.from_state")?,
                to_state: word(&e.to_state, State::parse, "situation_event.to_state")?,
            })
        })
        .collect::<ServiceResult<_>>()?;
    s.note = m
        .note
        .as_deref()
        .map(|n| {
            c.open(TABLE, "note", m.id, n)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        })
        .transpose()?;
    if let Some(person) = p.get(&m.person_id) {
        s.possible_duplicates = possible_duplicates(t.db(), org, person).await?;
    }
    Ok(s)
}

/// Other live files of the organisation with the same name or the same phone number (by
/// their blind indexes): perhaps the same person, said to the coordinator.
pub(crate) async fn possible_duplicates<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    p: &person::Model,
) -> ServiceResult<Vec<Uuid>> {
    if p.anonymised_at.is_some() {
        return Ok(Vec::new());
    }
    let mut same = Condition::any().add(person::Column::NameKey.eq(p.name_key.clone()));
    if let Some(k) = &p.phone_key {
        same = same.add(person::Column::PhoneKey.eq(k.clone()));
    }
    Ok(person::Entity::scoped(org)
        .filter(person::Column::Id.ne(p.id))
        .filter(person::Column::DeletedAt.is_null())
        .filter(person::Column::AnonymisedAt.is_null())
        .filter(same)
        .order_by_asc(person::Column::CreatedAt)
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(|x| x.id)
        .collect())
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

/// Apply `event` to a situation at `version` inside `txn`: the state machine decides, the
/// update is fenced on the version, the history gets a row. `extra` sets other columns.
pub(crate) async fn apply_event<C: ConnectionTrait>(
    txn: &C,
    current: &situation::Model,
    version: Option<i32>,
    event: Event,
    account_id: Option<Uuid>,
    at: DateTime<Utc>,
    extra: impl FnOnce(&mut situation::ActiveModel),
) -> ServiceResult<situation::Model> {
    if let Some(v) = version
        && v != current.version
    {
        return Err(stale(current.version));
    }
    let from = word(&current.state, State::parse, "situation.state")?;
    let to = outreach::apply(from, event).map_err(transition_error)?;
    let mut am: situation::ActiveModel = current.clone().into();
    am.state = Set(to.as_str().into());
    am.version = Set(current.version + 1);
    am.updated_at = Set(Utc::now());
    am.last_activity_at = Set(at.max(current.last_activity_at));
    am.change_seq = Set(next_change_seq(txn).await?);
    if to != State::CallbackScheduled {
        am.callback_start = Set(None);
        am.callback_end = Set(None);
    }
    extra(&mut am);
    let r = situation::Entity::update_many()
        .set(am)
        .filter(situation::Column::Id.eq(current.id))
        .filter(situation::Column::Version.eq(current.version))
        .exec(txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(stale(current.version + 1));
    }
    situation_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(current.organisation_id),
        situation_id: Set(current.id),
        at: Set(Utc::now()),
        account_id: Set(account_id),
        event: Set(event.as_str().into()),
        from_state: Set(from.as_str().into()),
        to_state: Set(to.as_str().into()),
    }
    .insert(txn)
    .await?;
    situation::Entity::find_by_id(current.id)
        .one(txn)
        .await?
        .ok_or_else(ServiceError::not_found)
}

/// Touch a situation after an action that does not change its state (attempt, interview
/// already in assessment, orientation, child report): new version, activity time, change seq.
pub(crate) async fn touch<C: ConnectionTrait>(
    txn: &C,
    current: &situation::Model,
    at: DateTime<Utc>,
    extra: impl FnOnce(&mut situation::ActiveModel),
) -> ServiceResult<situation::Model> {
    let mut am: situation::ActiveModel = current.clone().into();
    am.version = Set(current.version + 1);
    am.updated_at = Set(Utc::now());
    am.last_activity_at = Set(at.max(current.last_activity_at));
    am.change_seq = Set(next_change_seq(txn).await?);
    extra(&mut am);
    let r = situation::Entity::update_many()
        .set(am)
        .filter(situation::Column::Id.eq(current.id))
        .filter(situation::Column::Version.eq(current.version))
        .exec(txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(stale(current.version + 1));
    }
    situation::Entity::find_by_id(current.id)
        .one(txn)
        .await?
        .ok_or_else(ServiceError::not_found)
}

pub(crate) fn closed_error(m: &situation::Model) -> ServiceError {
    ServiceError::transition(
        ProblemCode::SituationClosed,
        "Situation close : rouvrez-la (une nouvelle situation liée est créée).",
        &m.state,
        vec![],
    )
}

/// A time the caller says something happened: not in the future, at most 30 days ago.
pub(crate) fn past_time(
    v: &mut Validator,
    field: &str,
    at: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let now = Utc::now();
    match at {
        None => now,
        Some(t) if t > now + Duration::minutes(5) => {
            v.push(field, "in_future", "Date dans le futur.");
            now
        }
        Some(t) if t < now - Duration::days(30) => {
            v.push(
                field,
                "too_old",
                "Plus de 30 jours : saisissez-la plus tôt.",
            );
            now
        }
        Some(t) => t,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SituationQuery {
    #[serde(default)]
    pub(crate) limit: Option<String>,
    #[serde(default)]
    pub(crate) after: Option<String>,
    /// Only this person's situations.
    #[serde(default)]
    pub(crate) person_id: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_interview<C: ConnectionTrait>(
    txn: &C,
    c: &FieldCipher,
    org: Uuid,
    s: &situation::Model,
    account: Uuid,
    i: &InterviewInput,
    at: DateTime<Utc>,
    note: Option<&str>,
) -> ServiceResult<interview::Model> {
    let id = Uuid::new_v4();
    let now = Utc::now();
    Ok(interview::ActiveModel {
        id: Set(id),
        organisation_id: Set(org),
        situation_id: Set(s.id),
        person_id: Set(s.person_id),
        at: Set(at),
        mode: Set(i.mode.as_str().into()),
        duration_minutes: Set(i.duration_minutes.map(|d| d as i32)),
        note: Set(note.map(|n| c.seal("interview", "note", id, n.as_bytes()))),
        account_id: Set(account),
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(next_change_seq(txn).await?),
        deleted_at: Set(None),
    }
    .insert(txn)
    .await?)
}

pub(crate) fn interview_dto(m: &interview::Model) -> ServiceResult<Interview> {
    Ok(Interview {
        id: m.id,
        situation_id: m.situation_id,
        at: m.at,
        mode: word(
            &m.mode,
            relais_domain::casework::InterviewMode::parse,
            "interview.mode",
        )?,
        duration_minutes: m.duration_minutes.map(|d| d.max(0) as u32),
        account_id: m.account_id,
    })
}

pub async fn create(t: &Scope, i: SituationInput) -> ServiceResult<Situation> {
    let mut v = Validator::new();
    validate_problems(&mut v, &i.problems);
    v.finish().map_err(ServiceError::validation)?;
    let p = find_person(&t, i.person_id, "person_id").await?;
    check_site(&t, i.site_id).await?;
    check_staff(&t, i.assigned_to, "assigned_to").await?;
    let c = t.state.cipher();
    let (_turn, txn) = t.state.begin_write().await?;
    let m = insert_situation(
        &txn,
        c,
        t.organisation_id(),
        NewSituation {
            urgency: i.urgency,
            problems: problems_to_str(&i.problems),
            consent_to_contact: i.consent_to_contact,
            document_type: i.document_type.unwrap_or(DocumentType::Unknown),
            site_id: i.site_id,
            assigned_to: Some(i.assigned_to.unwrap_or(t.staff()?.account_id)),
            ..NewSituation::new(p.id, i.kind, i.channel, i.initiative, i.person_role)
        },
    )
    .await?;
    audit::record(
        &txn,
        t.audit_event(Action::SituationCreated, Some(TABLE), Some(m.id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(situation_dto(c, &m, Some(&p), &[], Utc::now())?)
}

/// Situations of the organisation, by change sequence (initials only).
pub async fn list(t: &Scope, q: SituationQuery) -> ServiceResult<Page<Situation>> {
    let paging = crate::paging::Paging {
        limit: q.limit.clone(),
        after: q.after.clone(),
    };
    let (limit, after) = (paging.limit()?, paging.after()?);
    let mut query = t
        .scoped::<situation::Entity>()
        .filter(situation::Column::DeletedAt.is_null())
        .filter(situation::Column::ChangeSeq.gt(after));
    if let Some(pid) = q.person_id.as_deref() {
        let pid: Uuid = pid.parse().map_err(|_| {
            ServiceError::field(ProblemCode::InvalidParameter, "person_id", "UUID attendu.")
        })?;
        query = query.filter(situation::Column::PersonId.eq(pid));
    }
    let rows = query
        .order_by_asc(situation::Column::ChangeSeq)
        .limit(limit)
        .all(t.db())
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let pids: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect();
    let attempts = attempts_of(t.db(), t.organisation_id(), &ids).await?;
    let persons = persons_of(t.db(), t.organisation_id(), &pids).await?;
    let now = Utc::now();
    let c = t.state.cipher();
    let next_cursor = (rows.len() as u64 == limit)
        .then(|| rows.last().map(|r| r.change_seq.to_string()))
        .flatten();
    let items = rows
        .iter()
        .map(|m| {
            situation_dto(
                c,
                m,
                persons.get(&m.person_id),
                attempts.get(&m.id).map(Vec::as_slice).unwrap_or(&[]),
                now,
            )
        })
        .collect::<ServiceResult<_>>()?;
    Ok(Page { items, next_cursor })
}

/// Opening a situation: audited.
pub async fn get(t: &Scope, id: Uuid) -> ServiceResult<Situation> {
    let m = find(&t, id).await?;
    t.state
        .audit(t.audit_event(Action::SituationRead, Some(TABLE), Some(id), "ok"))
        .await?;
    Ok(full_view(&t, &m).await?)
}

/// Move a situation through its states. Invalid changes get a 409 naming the current state
/// and the allowed events.
pub async fn event(t: &Scope, id: Uuid, i: SituationEventInput) -> ServiceResult<Situation> {
    let m = find(&t, id).await?;
    let now = Utc::now();
    let mut v = Validator::new();
    match i.event {
        Event::Close if i.close_reason.is_none() => {
            v.push("close_reason", "required", "Motif de clôture requis.")
        }
        Event::ScheduleCallback => match i.callback {
            None => v.push(
                "callback",
                "required",
                "Créneau de rappel choisi par la personne requis.",
            ),
            Some(w) if w.end <= w.start => {
                v.push("callback.end", "before_start", "Fin avant le début.")
            }
            Some(w) if w.end <= now => v.push("callback.end", "in_past", "Créneau passé."),
            Some(w) if w.end - w.start > Duration::days(14) => {
                v.push("callback.end", "too_long", "14 jours au plus.")
            }
            Some(_) => {}
        },
        Event::SetAppointment if i.appointment_id.is_none() => v.push(
            "appointment_id",
            "required",
            "Rendez-vous de la personne requis.",
        ),
        _ => {}
    }
    if i.event != Event::Close && i.close_reason.is_some() {
        v.push("close_reason", "unexpected", "Seulement pour clore.");
    }
    v.finish().map_err(ServiceError::validation)?;
    if i.event == Event::SetAppointment
        && let Some(aid) = i.appointment_id
    {
        let a = t
            .find_live::<appointment::Entity>(aid)
            .await?
            .filter(|a| a.status == "planned");
        let is_theirs = match &a {
            Some(a) => appointment_participant::Entity::scoped(t.organisation_id())
                .filter(appointment_participant::Column::AppointmentId.eq(a.id))
                .filter(appointment_participant::Column::PersonId.eq(m.person_id))
                .one(t.db())
                .await?
                .is_some(),
            None => false,
        };
        if !is_theirs {
            return Err(ServiceError::field(
                ProblemCode::Unknown,
                "appointment_id",
                "Aucun rendez-vous prévu de cette personne avec cet identifiant.",
            ));
        }
    }
    let (_turn, txn) = t.state.begin_write().await?;
    let updated = apply_event(
        &txn,
        &m,
        Some(i.version),
        i.event,
        Some(t.staff()?.account_id),
        now,
        |am| {
            if let Some(w) = i.callback {
                am.callback_start = Set(Some(w.start));
                am.callback_end = Set(Some(w.end));
            }
            if let Some(r) = i.close_reason {
                am.close_reason = Set(Some(r.as_str().into()));
                am.closed_at = Set(Some(now));
            }
            if i.event == Event::Interview && m.first_contact_at.is_none() {
                am.first_contact_at = Set(Some(now));
            }
        },
    )
    .await?;
    audit::record(
        &txn,
        t.audit_event(Action::SituationChanged, Some(TABLE), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(full_view(&t, &updated).await?)
}

/// Log a contact attempt in one call. SMS, e-mail and letters need a safe-contact profile
/// that allows them; calls need one that allows calls once the person has set one. In a
/// callback window, only inside it.
pub async fn attempt(t: &Scope, id: Uuid, i: AttemptInput) -> ServiceResult<AttemptLogged> {
    let mut v = Validator::new();
    let at = past_time(&mut v, "at", i.at);
    let note = v.optional_text("note", i.note.as_deref(), 2_000);
    v.finish().map_err(ServiceError::validation)?;
    let m = find(&t, id).await?;
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
            local(w.start).format("%d/%m %H:%M"),
            local(w.end).format("%d/%m %H:%M")
        )));
    }
    let c = t.state.cipher();
    let p = find_person(&t, m.person_id, "person_id").await?;
    let profile: SafeContactProfile =
        c.open_json("person", "safe_contact", p.id, &p.safe_contact)?;
    let channel = match i.channel {
        AttemptChannel::Call => safe_contact::Channel::PhoneCall,
        AttemptChannel::Sms => safe_contact::Channel::Sms,
        AttemptChannel::Email => safe_contact::Channel::Email,
        AttemptChannel::Letter => safe_contact::Channel::Letter,
    };
    // A first call on the number the referral gave is how contact starts; once the person
    // has set a profile, calls follow it too. Written messages always need it.
    let must_check = i.channel != AttemptChannel::Call || profile.checked_at.is_some();
    if must_check && let Err(refusal) = profile.decide(channel, local(at)) {
        let why = match refusal {
            safe_contact::Refusal::ChannelNotAllowed => {
                "ce canal n'est pas autorisé par la personne"
            }
            safe_contact::Refusal::NoSafeAddress => "aucun numéro ou adresse sûr n'est connu",
            safe_contact::Refusal::OutsideSafeWindow => {
                "hors des horaires sûrs indiqués par la personne"
            }
            safe_contact::Refusal::NeverChecked => {
                "le profil de contact sûr n'a jamais été vérifié avec la personne"
            }
        };
        return Err(ServiceError::field(
            ProblemCode::UnsafeChannel,
            "channel",
            format!("Contact refusé : {why}."),
        ));
    }
    let reached = i.result.reached();
    let prior = contact_attempt::Entity::scoped(t.organisation_id())
        .filter(contact_attempt::Column::SituationId.eq(id))
        .filter(contact_attempt::Column::DeletedAt.is_null())
        .count(t.db())
        .await?;
    let aid = Uuid::new_v4();
    let (_turn, txn) = t.state.begin_write().await?;
    let now = Utc::now();
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
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(next_change_seq(&txn).await?),
        deleted_at: Set(None),
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
        )
        .await?
    } else {
        touch(&txn, &m, at, extra).await?
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
        situation: situation_dto(c, &updated, Some(&p), &attempts, Utc::now())?,
    })
}

/// Record an interview (listening, assessment). Before assessment, it moves the situation
/// there; it is the first contact if none was recorded.
pub async fn record_interview(t: &Scope, id: Uuid, i: InterviewInput) -> ServiceResult<Interview> {
    let mut v = Validator::new();
    let at = past_time(&mut v, "at", i.at);
    let note = v.optional_text("note", i.note.as_deref(), 10_000);
    if i.duration_minutes.is_some_and(|d| d == 0 || d > 600) {
        v.push(
            "duration_minutes",
            "out_of_range",
            "Entre 1 et 600 minutes.",
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    let m = find(&t, id).await?;
    let state = word(&m.state, State::parse, "situation.state")?;
    if state == State::Closed {
        return Err(closed_error(&m));
    }
    let (_turn, txn) = t.state.begin_write().await?;
    let row = insert_interview(
        &txn,
        t.state.cipher(),
        t.organisation_id(),
        &m,
        t.staff()?.account_id,
        &i,
        at,
        note.as_deref(),
    )
    .await?;
    let extra = |am: &mut situation::ActiveModel| {
        if m.first_contact_at.is_none() {
            am.first_contact_at = Set(Some(at));
        }
    };
    if outreach::next(state, Event::Interview).is_some() {
        apply_event(
            &txn,
            &m,
            None,
            Event::Interview,
            Some(t.staff()?.account_id),
            at,
            extra,
        )
        .await?;
    } else {
        touch(&txn, &m, at, extra).await?;
    }
    audit::record(
        &txn,
        t.audit_event(Action::InterviewRecorded, Some(TABLE), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(interview_dto(&row)?)
}

/// A walk-in emergency in one request: the person (a first name is enough), the situation
/// and the first interview.
pub async fn walk_in(t: &Scope, i: WalkInInput) -> ServiceResult<WalkInRecorded> {
    let mut v = Validator::new();
    validate_problems(&mut v, &i.problems);
    let note = v.optional_text("note", i.note.as_deref(), 10_000);
    v.finish().map_err(ServiceError::validation)?;
    check_site(&t, i.site_id).await?;
    let c = t.state.cipher();
    let now = Utc::now();
    let (_turn, txn) = t.state.begin_write().await?;
    let p = crate::casework::persons::insert_person(
        &txn,
        c,
        t.organisation_id(),
        t.staff()?.account_id,
        PersonInput {
            first_name: i.first_name.clone(),
            last_name: i
                .last_name
                .clone()
                .filter(|l| !l.trim().is_empty())
                .unwrap_or_else(|| "(inconnu)".to_owned()),
            birth_year: i.birth_year,
            sex: i.sex,
            phone: i.phone.clone(),
            email: None,
            address: None,
            safe_contact: SafeContactProfile::default(),
            notes: None,
        },
    )
    .await?;
    let s = insert_situation(
        &txn,
        c,
        t.organisation_id(),
        NewSituation {
            urgency: i.urgency,
            problems: problems_to_str(&i.problems),
            consent_to_contact: true,
            site_id: i.site_id,
            assigned_to: Some(t.staff()?.account_id),
            received_at: now,
            ..NewSituation::new(
                p.id,
                i.kind,
                OriginChannel::WalkIn,
                Initiative::OwnInitiative,
                i.person_role,
            )
        },
    )
    .await?;
    let interview_input = InterviewInput {
        mode: relais_domain::casework::InterviewMode::InPerson,
        at: None,
        duration_minutes: None,
        note: None,
    };
    let row = insert_interview(
        &txn,
        c,
        t.organisation_id(),
        &s,
        t.staff()?.account_id,
        &interview_input,
        now,
        note.as_deref(),
    )
    .await?;
    let s = apply_event(
        &txn,
        &s,
        None,
        Event::Interview,
        Some(t.staff()?.account_id),
        now,
        |am| am.first_contact_at = Set(Some(now)),
    )
    .await?;
    for (action, table, rid) in [
        (Action::PersonCreated, "person", p.id),
        (Action::SituationCreated, TABLE, s.id),
        (Action::InterviewRecorded, TABLE, s.id),
    ] {
        audit::record(&txn, t.audit_event(action, Some(table), Some(rid), "ok")).await?;
    }
    txn.commit().await?;
    let mut situation = situation_dto(c, &s, Some(&p), &[], now)?;
    situation.possible_duplicates = possible_duplicates(t.db(), t.organisation_id(), &p).await?;
    Ok(WalkInRecorded {
        person_id: p.id,
        situation,
        interview: interview_dto(&row)?,
    })
}

/// Reopening a closed situation creates a new one, linked to it, for the same person.
pub async fn reopen(t: &Scope, id: Uuid) -> ServiceResult<Situation> {
    let m = find(&t, id).await?;
    if m.state != State::Closed.as_str() {
        return Err(ServiceError::transition(
            ProblemCode::NotClosed,
            "Seule une situation close se rouvre.",
            &m.state,
            outreach::allowed(word(&m.state, State::parse, "situation.state")?)
                .iter()
                .map(|e| e.as_str().to_owned())
                .collect(),
        ));
    }
    let p = find_person(&t, m.person_id, "person_id").await?;
    let c = t.state.cipher();
    let (_turn, txn) = t.state.begin_write().await?;
    let n = insert_situation(
        &txn,
        c,
        t.organisation_id(),
        NewSituation {
            problems: m.problems.clone(),
            consent_to_contact: m.consent_to_contact,
            document_type: word(
                &m.document_type,
                DocumentType::parse,
                "situation.document_type",
            )?,
            site_id: m.site_id,
            assigned_to: Some(t.staff()?.account_id),
            unit: m.unit.clone(),
            reopened_from: Some(m.id),
            ..NewSituation::new(
                m.person_id,
                word(&m.kind, SituationKind::parse, "situation.kind")?,
                word(&m.channel, OriginChannel::parse, "situation.channel")?,
                word(&m.initiative, Initiative::parse, "situation.initiative")?,
                word(&m.person_role, PersonRole::parse, "situation.person_role")?,
            )
        },
    )
    .await?;
    audit::record(
        &txn,
        t.audit_event(Action::SituationCreated, Some(TABLE), Some(n.id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(situation_dto(c, &n, Some(&p), &[], Utc::now())?)
}

/// That a child-in-danger report was made: date and recipient only.
pub async fn child_report(t: &Scope, id: Uuid, i: ChildReportInput) -> ServiceResult<ChildReport> {
    let today = local(Utc::now()).date();
    if i.reported_on > today || i.reported_on < today - Duration::days(366) {
        return Err(ServiceError::field(
            ProblemCode::OutOfRange,
            "reported_on",
            "Date du signalement : dans l'année écoulée, pas dans le futur.",
        ));
    }
    let m = find(&t, id).await?;
    let now = Utc::now();
    let (_turn, txn) = t.state.begin_write().await?;
    let row = child_report::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(t.organisation_id()),
        situation_id: Set(id),
        person_id: Set(m.person_id),
        reported_on: Set(i.reported_on),
        recipient: Set(i.recipient.as_str().into()),
        account_id: Set(t.staff()?.account_id),
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(next_change_seq(&txn).await?),
        deleted_at: Set(None),
    }
    .insert(&txn)
    .await?;
    touch(&txn, &m, now, |_| {}).await?;
    audit::record(
        &txn,
        t.audit_event(Action::ChildReportRecorded, Some(TABLE), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(ChildReport {
        id: row.id,
        situation_id: id,
        reported_on: row.reported_on,
        recipient: i.recipient,
        account_id: row.account_id,
        created_at: row.created_at,
    })
}

/// An anonymous contact: statistics only.
pub async fn anonymous(t: &Scope, i: AnonymousContactInput) -> ServiceResult<AnonymousContact> {
    let mut v = Validator::new();
    let at = past_time(&mut v, "at", i.at);
    validate_problems(&mut v, &i.problems);
    v.finish().map_err(ServiceError::validation)?;
    let now = Utc::now();
    let sex = i.sex.unwrap_or(Sex::Unknown);
    let band = i
        .age_band
        .unwrap_or(relais_domain::casework::AgeBand::Unknown);
    let (_turn, txn) = t.state.begin_write().await?;
    let row = anonymous_contact::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(t.organisation_id()),
        at: Set(at),
        channel: Set(i.channel.as_str().into()),
        sex: Set(sex.as_str().into()),
        age_band: Set(band.as_str().into()),
        problems: Set(problems_to_str(&i.problems)),
        action: Set(i.action.as_str().into()),
        account_id: Set(t.staff()?.account_id),
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(next_change_seq(&txn).await?),
        deleted_at: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    let mut problems = i.problems.clone();
    problems.sort();
    problems.dedup();
    Ok(AnonymousContact {
        id: row.id,
        at,
        channel: i.channel,
        sex,
        age_band: band,
        problems,
        action: i.action,
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
    let now = Utc::now();
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let pids: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect();
    let attempts = attempts_of(t.db(), t.organisation_id(), &ids).await?;
    let persons = persons_of(t.db(), t.organisation_id(), &pids).await?;
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
                advice: advice_dto(attempts.get(&m.id).map(Vec::as_slice).unwrap_or(&[]), now),
            })
        })
        .collect::<ServiceResult<_>>()?;
    Ok(out)
}
