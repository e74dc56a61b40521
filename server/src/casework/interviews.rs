//! What happens face to face: interviews, walk-ins, anonymous contacts and child-in-danger reports.

use crate::audit::{self, Action};
use crate::casework::common::TABLE;
use crate::casework::common::check_site;
use crate::casework::common::find;
use crate::casework::common::past_time;
use crate::casework::common::situation_dto;
use crate::casework::common::validate_problems;
use crate::casework::common::word;
use crate::casework::situations::NewSituation;
use crate::casework::situations::insert_situation;
use crate::casework::situations::possible_duplicates;
use crate::casework::transitions::apply_event;
use crate::casework::transitions::closed_error;
use crate::casework::transitions::touch;
use crate::crypto::FieldCipher;
use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::store::Stamp;
use crate::store::entities::{anonymous_contact, child_report, interview, situation};
use chrono::{DateTime, Duration, Utc};
use relais_domain::Validator;
use relais_domain::casework::{InterviewMode, problems_to_str};
use relais_domain::dto::{
    AnonymousContact, AnonymousContactInput, ChildReport, ChildReportInput, Interview,
    InterviewInput, PersonInput, Sex, WalkInInput, WalkInRecorded,
};
use relais_domain::outreach::{self, Event, Initiative, OriginChannel, State};
use relais_domain::problem::ProblemCode;
use relais_domain::safe_contact::SafeContactProfile;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

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
    now: DateTime<Utc>,
) -> ServiceResult<interview::Model> {
    let id = Uuid::new_v4();
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
        site_id: Set(i.site_id.or(match i.mode {
            InterviewMode::InPerson | InterviewMode::Phone => s.site_id,
            InterviewMode::HomeVisit | InterviewMode::AtPartner => None,
        })),
        ..Stamp::take(txn, now).await?.new_row()
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
        site_id: m.site_id,
    })
}

/// Record an interview (listening, assessment). Before assessment, it moves the situation
/// there; it is the first contact if none was recorded.
pub async fn record_interview(t: &Scope, id: Uuid, i: InterviewInput) -> ServiceResult<Interview> {
    let mut v = Validator::new();
    let at = past_time(&mut v, "at", i.at, t.now());
    let note = v.optional_text("note", i.note.as_deref(), relais_domain::limits::NOTES);
    let (least, most) = relais_domain::limits::INTERVIEW_MINUTES;
    if i.duration_minutes
        .is_some_and(|d| !(least..=most).contains(&i64::from(d)))
    {
        v.push(
            "duration_minutes",
            "out_of_range",
            ("Entre 1 et 600 minutes.", "Between 1 and 600 minutes."),
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    let m = find(t, id).await?;
    check_site(t, i.site_id).await?;
    let state = word(&m.state, State::parse, "situation.state")?;
    if state == State::Closed {
        return Err(closed_error(&m));
    }
    let (_turn, txn) = t.begin_write().await?;
    let row = insert_interview(
        &txn,
        t.state.cipher(),
        t.organisation_id(),
        &m,
        t.staff()?.account_id,
        &i,
        at,
        note.as_deref(),
        t.now(),
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
            t.now(),
        )
        .await?;
    } else {
        touch(&txn, &m, at, extra, t.now()).await?;
    }
    audit::record(
        &txn,
        t.audit_event(Action::InterviewRecorded, Some(TABLE), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    interview_dto(&row)
}

/// A walk-in emergency in one request: the person (a first name is enough), the situation
/// and the first interview.
pub async fn walk_in(t: &Scope, i: WalkInInput) -> ServiceResult<WalkInRecorded> {
    let mut v = Validator::new();
    validate_problems(&mut v, &i.problems);
    let note = v.optional_text("note", i.note.as_deref(), relais_domain::limits::NOTES);
    v.finish().map_err(ServiceError::validation)?;
    check_site(t, i.site_id).await?;
    let c = t.state.cipher();
    let now = t.now();
    let (_turn, txn) = t.begin_write().await?;
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
            commune: i.commune.clone(),
            safe_contact: SafeContactProfile::default(),
            notes: None,
        },
        now,
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
                now,
            )
        },
        now,
    )
    .await?;
    let interview_input = InterviewInput {
        mode: relais_domain::casework::InterviewMode::InPerson,
        at: None,
        duration_minutes: None,
        note: None,
        site_id: None,
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
        now,
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
        now,
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
    let zone = crate::zone::of_site_id(t.db(), t.organisation_id(), s.site_id).await?;
    let mut situation = situation_dto(c, &s, Some(&p), &[], now, zone)?;
    situation.possible_duplicates = possible_duplicates(t.db(), t.organisation_id(), &p).await?;
    Ok(WalkInRecorded {
        person_id: p.id,
        situation,
        interview: interview_dto(&row)?,
    })
}

/// That a child-in-danger report was made: date and recipient only.
pub async fn child_report(t: &Scope, id: Uuid, i: ChildReportInput) -> ServiceResult<ChildReport> {
    let m = find(t, id).await?;
    let zone = crate::zone::of_site_id(t.db(), t.organisation_id(), m.site_id).await?;
    let today = zone.local(t.now()).date();
    if i.reported_on > today || i.reported_on < today - Duration::days(366) {
        return Err(ServiceError::field(
            if i.reported_on > today {
                ProblemCode::InFuture
            } else {
                ProblemCode::TooOld
            },
            "reported_on",
            (
                "Date du signalement : dans l'année écoulée, pas dans le futur.",
                "Date of the report: within the past year, not in the future.",
            ),
        ));
    }
    let now = t.now();
    let (_turn, txn) = t.begin_write().await?;
    let row = child_report::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(t.organisation_id()),
        situation_id: Set(id),
        person_id: Set(m.person_id),
        reported_on: Set(i.reported_on),
        recipient: Set(i.recipient.as_str().into()),
        account_id: Set(t.staff()?.account_id),
        ..Stamp::take(&txn, now).await?.new_row()
    }
    .insert(&txn)
    .await?;
    touch(&txn, &m, now, |_| {}, now).await?;
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
    let at = past_time(&mut v, "at", i.at, t.now());
    validate_problems(&mut v, &i.problems);
    v.finish().map_err(ServiceError::validation)?;
    let now = t.now();
    let sex = i.sex.unwrap_or(Sex::Unknown);
    let band = i
        .age_band
        .unwrap_or(relais_domain::casework::AgeBand::Unknown);
    let (_turn, txn) = t.begin_write().await?;
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
        ..Stamp::take(&txn, now).await?.new_row()
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
