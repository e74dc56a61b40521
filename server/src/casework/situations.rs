//! Situations: what the police or a partner hand over, their state machine (apply_event is the only writer of a state), contact attempts, callbacks, interviews, walk-ins, anonymous contacts and child-in-danger reports.

use crate::audit::{self, Action};
use crate::casework::common::{
    TABLE, check_site, check_staff, find, find_person, persons_of, situation_dto,
    validate_problems, word,
};
use crate::casework::common::{attempt_dto, attempts_of};
use crate::casework::transitions::apply_event;
use crate::crypto::FieldCipher;
use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::store::entities::{
    appointment, appointment_participant, person, situation, situation_event,
};
use crate::store::{OrgScoped, Stamp};
use chrono::{DateTime, Duration, Utc};
use relais_domain::Validator;
use relais_domain::casework::{DocumentType, PersonRole, problems_to_str};
use relais_domain::dto::AppointmentStatus;
use relais_domain::dto::{Page, Situation, SituationEvent, SituationEventInput, SituationInput};
use relais_domain::outreach::{
    self, CallbackWindow, Event, Initiative, OriginChannel, SituationKind, State, Urgency,
};
use relais_domain::problem::ProblemCode;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Deserialize;
use uuid::Uuid;

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
    /// A situation received at `received_at` (now, by the server's clock) with only its
    /// classification; set the rest with `..`.
    pub fn new(
        person_id: Uuid,
        kind: SituationKind,
        channel: OriginChannel,
        initiative: Initiative,
        person_role: PersonRole,
        received_at: DateTime<Utc>,
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
            received_at,
        }
    }
}

/// Insert a situation in state `received`, with its priority and due date.
pub async fn insert_situation<C: ConnectionTrait>(
    db: &C,
    c: &FieldCipher,
    organisation_id: Uuid,
    n: NewSituation,
    now: DateTime<Utc>,
) -> ServiceResult<situation::Model> {
    let id = Uuid::new_v4();
    let priority = outreach::priority(n.kind, n.urgency);
    // Working days where the situation is followed: its site's zone and holidays.
    let zone = crate::zone::of_site_id(db, organisation_id, n.site_id).await?;
    let received_local = zone.local(n.received_at);
    let due_local = outreach::due_at(received_local, priority, &zone.holidays_near(n.received_at));
    let due = zone.instant(due_local, n.received_at);
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
        ..Stamp::take(db, now).await?.new_row()
    }
    .insert(db)
    .await?)
}

/// The single-read view: the situation, its attempts with notes, its history, its note.
pub(crate) async fn full_view(t: &Scope, m: &situation::Model) -> ServiceResult<Situation> {
    let c = t.state.cipher();
    let now = t.now();
    let org = t.organisation_id();
    let attempts = attempts_of(t.db(), org, &[m.id])
        .await?
        .remove(&m.id)
        .unwrap_or_default();
    let p = persons_of(t.db(), org, &[m.person_id]).await?;
    let zone = crate::zone::of_site_id(t.db(), t.organisation_id(), m.site_id).await?;
    let mut s = situation_dto(c, m, p.get(&m.person_id), &attempts, now, zone)?;
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

pub async fn create(t: &Scope, i: SituationInput) -> ServiceResult<Situation> {
    let mut v = Validator::new();
    validate_problems(&mut v, &i.problems);
    v.finish().map_err(ServiceError::validation)?;
    let p = find_person(t, i.person_id, "person_id").await?;
    check_site(t, i.site_id).await?;
    check_staff(t, i.assigned_to, "assigned_to").await?;
    let c = t.state.cipher();
    let (_turn, txn) = t.begin_write().await?;
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
            ..NewSituation::new(
                p.id,
                i.kind,
                i.channel,
                i.initiative,
                i.person_role,
                t.now(),
            )
        },
        t.now(),
    )
    .await?;
    audit::record(
        &txn,
        t.audit_event(Action::SituationCreated, Some(TABLE), Some(m.id), "ok"),
    )
    .await?;
    txn.commit().await?;
    situation_dto(
        c,
        &m,
        Some(&p),
        &[],
        t.now(),
        crate::zone::of_site_id(t.db(), t.organisation_id(), m.site_id).await?,
    )
}

/// Situations of the organisation, by change sequence (initials only).
pub async fn list(t: &Scope, q: SituationQuery) -> ServiceResult<Page<Situation>> {
    let paging = crate::paging::Paging {
        limit: q.limit.clone(),
        after: q.after.clone(),
    };
    let (limit, after) = (paging.limit()?, paging.cursor()?);
    let mut query = t
        .scoped::<situation::Entity>()
        .filter(situation::Column::DeletedAt.is_null());
    if let Some(pid) = q.person_id.as_deref() {
        let pid: Uuid = pid.parse().map_err(|_| {
            ServiceError::field(
                ProblemCode::InvalidParameter,
                "person_id",
                ("UUID attendu.", "A UUID expected."),
            )
        })?;
        query = query.filter(situation::Column::PersonId.eq(pid));
    }
    let rows = crate::paging::after(query, after)
        .limit(limit)
        .all(t.db())
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let pids: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect();
    let attempts = attempts_of(t.db(), t.organisation_id(), &ids).await?;
    let persons = persons_of(t.db(), t.organisation_id(), &pids).await?;
    let now = t.now();
    let zones = crate::zone::Zones::load(t.db(), t.organisation_id()).await?;
    let c = t.state.cipher();
    let next_cursor = (rows.len() as u64 == limit)
        .then(|| {
            rows.last()
                .map(|r| crate::paging::Cursor::of(r.change_seq, r.id).to_string())
        })
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
                zones.of(m.site_id),
            )
        })
        .collect::<ServiceResult<_>>()?;
    Ok(Page { items, next_cursor })
}

/// Opening a situation: audited.
pub async fn get(t: &Scope, id: Uuid) -> ServiceResult<Situation> {
    let m = find(t, id).await?;
    t.state
        .audit(t.audit_event(Action::SituationRead, Some(TABLE), Some(id), "ok"))
        .await?;
    full_view(t, &m).await
}

/// Opening a situation's file at a desk: the situation and its person, the two reads audited
/// together in one write (the console's file page; the API reads them one by one).
pub async fn open_file(
    t: &Scope,
    id: Uuid,
) -> ServiceResult<(Situation, relais_domain::dto::Person)> {
    let m = find(t, id).await?;
    let p = crate::casework::persons::find(t, m.person_id).await?;
    {
        let _turn = t.state.write_lock().await;
        audit::record_many(
            t.db(),
            vec![
                t.audit_event(Action::SituationRead, Some(TABLE), Some(id), "ok"),
                t.audit_event(
                    Action::PersonRead,
                    Some(crate::casework::persons::TABLE),
                    Some(p.id),
                    "ok",
                ),
            ],
        )
        .await?;
    }
    let person = crate::casework::persons::open_person(t.state.cipher(), p, t.now())?;
    Ok((full_view(t, &m).await?, person))
}

/// A call-back window typed as a day and two wall-clock times, read in the situation's zone
/// (its site's, the organisation's otherwise), as its due dates are: 10:00 at a site in
/// Cayenne is 13:00 UTC, not 09:00. A time the zone skips (the spring change) is refused, a
/// time it repeats is the first one.
pub async fn callback_in_local_time(
    t: &Scope,
    id: Uuid,
    day: chrono::NaiveDate,
    from: chrono::NaiveTime,
    to: chrono::NaiveTime,
) -> ServiceResult<CallbackWindow> {
    let m = find(t, id).await?;
    let zone = crate::zone::of_site_id(t.db(), t.organisation_id(), m.site_id).await?;
    let at = |time: chrono::NaiveTime, field: &str| {
        day.and_time(time)
            .and_local_timezone(zone.tz)
            .earliest()
            .map(|x| x.with_timezone(&Utc))
            .ok_or_else(|| {
                ServiceError::field(
                    ProblemCode::InvalidField,
                    field,
                    (
                        "Cette heure n'existe pas ce jour-là (changement d'heure).",
                        "This time does not exist that day (clock change).",
                    ),
                )
            })
    };
    Ok(CallbackWindow {
        start: at(from, "callback_from")?,
        end: at(to, "callback_to")?,
    })
}

/// Move a situation through its states. Invalid changes get a 409 naming the current state
/// and the allowed events.
pub async fn event(t: &Scope, id: Uuid, i: SituationEventInput) -> ServiceResult<Situation> {
    let m = find(t, id).await?;
    let now = t.now();
    let mut v = Validator::new();
    match i.event {
        Event::Close if i.close_reason.is_none() => v.push(
            "close_reason",
            "required",
            ("Motif de clôture requis.", "A closing reason is required."),
        ),
        Event::ScheduleCallback => match i.callback {
            None => v.push(
                "callback",
                "required",
                (
                    "Créneau de rappel choisi par la personne requis.",
                    "The call-back time the person chose is required.",
                ),
            ),
            Some(w) if w.end <= w.start => v.push(
                "callback.end",
                "before_start",
                ("Fin avant le début.", "End before the start."),
            ),
            Some(w) if w.end <= now => v.push(
                "callback.end",
                "in_past",
                ("Créneau passé.", "Time already past."),
            ),
            Some(w) if w.end - w.start > Duration::days(14) => v.push(
                "callback.end",
                "too_long",
                ("14 jours au plus.", "14 days at most."),
            ),
            Some(_) => {}
        },
        Event::SetAppointment if i.appointment_id.is_none() => v.push(
            "appointment_id",
            "required",
            (
                "Rendez-vous de la personne requis.",
                "The person's appointment is required.",
            ),
        ),
        _ => {}
    }
    if i.event != Event::Close && i.close_reason.is_some() {
        v.push(
            "close_reason",
            "unexpected",
            ("Seulement pour clore.", "Only when closing."),
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    if i.event == Event::SetAppointment
        && let Some(aid) = i.appointment_id
    {
        let a = t
            .find_live::<appointment::Entity>(aid)
            .await?
            .filter(|a| a.status == AppointmentStatus::Planned.as_str());
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
                (
                    "Aucun rendez-vous prévu de cette personne avec cet identifiant.",
                    "No planned appointment of this person with this id.",
                ),
            ));
        }
    }
    let (_turn, txn) = t.begin_write().await?;
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
        now,
    )
    .await?;
    if updated.state == State::Closed.as_str() {
        // A closed situation invites no one any more.
        crate::scheduling::invitations::revoke_open(&txn, t.organisation_id(), Some(id), None, now)
            .await?;
    }
    audit::record(
        &txn,
        t.audit_event(Action::SituationChanged, Some(TABLE), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    full_view(t, &updated).await
}

/// Hand a situation over to another coordinator (or back to the shared queue): it leaves
/// the previous holder's phone at their next sync.
pub async fn assign(
    t: &Scope,
    id: Uuid,
    i: relais_domain::dto::AssignInput,
) -> ServiceResult<Situation> {
    let m = find(t, id).await?;
    check_staff(t, i.assigned_to, "assigned_to").await?;
    if i.version != m.version {
        return Err(crate::casework::transitions::stale(m.version));
    }
    let (_turn, txn) = t.begin_write().await?;
    let updated = crate::casework::transitions::touch(
        &txn,
        &m,
        t.now(),
        |am| {
            am.assigned_to = Set(i.assigned_to);
        },
        t.now(),
    )
    .await?;
    audit::record(
        &txn,
        t.audit_event(Action::SituationAssigned, Some(TABLE), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    full_view(t, &updated).await
}

/// Reopening a closed situation creates a new one, linked to it, for the same person.
pub async fn reopen(t: &Scope, id: Uuid) -> ServiceResult<Situation> {
    let m = find(t, id).await?;
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
    let p = find_person(t, m.person_id, "person_id").await?;
    let c = t.state.cipher();
    let (_turn, txn) = t.begin_write().await?;
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
                t.now(),
            )
        },
        t.now(),
    )
    .await?;
    audit::record(
        &txn,
        t.audit_event(Action::SituationCreated, Some(TABLE), Some(n.id), "ok"),
    )
    .await?;
    txn.commit().await?;
    situation_dto(
        c,
        &n,
        Some(&p),
        &[],
        t.now(),
        crate::zone::of_site_id(t.db(), t.organisation_id(), n.site_id).await?,
    )
}
