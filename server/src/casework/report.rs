//! The facts of the yearly activity report, loaded from stored rows only; the indicators are computed by relais_domain::report.

use crate::audit::Action;
use crate::casework::common::word;
use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::store::entities::{
    anonymous_contact, child_report, contact_attempt, interview, organisation, orientation, person,
    situation,
};
use chrono::NaiveDate;
use relais_domain::casework::{
    AgeBand, AnonymousAction, ChildReportRecipient, InterviewMode, OrientationStatus, PartnerKind,
    PersonRole, problems_parse,
};
use relais_domain::dto::Sex;
use relais_domain::outreach::{CloseReason, Initiative, OriginChannel};
use relais_domain::problem::ProblemCode;
use relais_domain::report::{
    AnonymousFact, Audience, Facts, OrientationFact, PreventionFact, Report, SituationFact, compute,
};
use sea_orm::EntityTrait;
use sea_orm::{ColumnTrait, QueryFilter};
use std::collections::HashMap;
use uuid::Uuid;

/// Everything the report needs for `[from, to]`, from stored rows only.
pub async fn load_facts(
    db: &sea_orm::DatabaseConnection,
    org: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> ServiceResult<Facts> {
    use crate::store::OrgScoped;
    // The report's days are the organisation's (its first site's zone).
    let zone = crate::zone::Zones::load(db, org).await?.organisation();
    let start = zone.day_start(from);
    let end = zone.day_start(to + chrono::Duration::days(1));
    let situations = situation::Entity::scoped(org)
        .filter(situation::Column::DeletedAt.is_null())
        .filter(situation::Column::ReceivedAt.lt(end))
        .all(db)
        .await?;
    let mut pids: Vec<Uuid> = situations.iter().map(|s| s.person_id).collect();
    pids.sort();
    pids.dedup();
    let mut persons: HashMap<Uuid, person::Model> = HashMap::new();
    for chunk in pids.chunks(500) {
        for p in person::Entity::scoped(org)
            .filter(person::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            persons.insert(p.id, p);
        }
    }
    let mut f = Facts::default();
    for s in &situations {
        let p = persons.get(&s.person_id);
        f.situations.push(SituationFact {
            person: Some(s.person_id),
            received_at: s.received_at,
            received_on: zone.local(s.received_at).date(),
            channel: word(&s.channel, OriginChannel::parse, "situation.channel")?,
            initiative: word(&s.initiative, Initiative::parse, "situation.initiative")?,
            role: word(&s.person_role, PersonRole::parse, "situation.person_role")?,
            problems: problems_parse(&s.problems),
            sex: p.and_then(|p| Sex::parse(&p.sex)).unwrap_or(Sex::Unknown),
            birth_year: p.and_then(|p| p.birth_year),
            first_contact_at: s.first_contact_at,
            attempts_to_first_contact: s.attempts_to_first_contact.max(0) as u32,
            closed: match (s.closed_at, s.close_reason.as_deref()) {
                (Some(at), Some(r)) => Some((
                    zone.local(at).date(),
                    word(r, CloseReason::parse, "situation.close_reason")?,
                )),
                _ => None,
            },
        });
    }
    for a in contact_attempt::Entity::scoped(org)
        .filter(contact_attempt::Column::DeletedAt.is_null())
        .filter(contact_attempt::Column::At.gte(start))
        .filter(contact_attempt::Column::At.lt(end))
        .all(db)
        .await?
    {
        f.attempts
            .push((Some(a.person_id), zone.local(a.at).date()));
    }
    for i in interview::Entity::scoped(org)
        .filter(interview::Column::DeletedAt.is_null())
        .filter(interview::Column::At.gte(start))
        .filter(interview::Column::At.lt(end))
        .all(db)
        .await?
    {
        f.interviews.push((
            Some(i.person_id),
            zone.local(i.at).date(),
            word(&i.mode, InterviewMode::parse, "interview.mode")?,
        ));
    }
    for o in orientation::Entity::scoped(org)
        .filter(orientation::Column::DeletedAt.is_null())
        .filter(orientation::Column::CreatedAt.gte(start))
        .filter(orientation::Column::CreatedAt.lt(end))
        .all(db)
        .await?
    {
        f.orientations.push(OrientationFact {
            person: Some(o.person_id),
            on: zone.local(o.created_at).date(),
            partner_kind: word(
                &o.partner_kind,
                PartnerKind::parse,
                "orientation.partner_kind",
            )?,
            status: word(&o.status, OrientationStatus::parse, "orientation.status")?,
        });
    }
    for c in child_report::Entity::scoped(org)
        .filter(child_report::Column::DeletedAt.is_null())
        .filter(child_report::Column::ReportedOn.gte(from))
        .filter(child_report::Column::ReportedOn.lte(to))
        .all(db)
        .await?
    {
        f.child_reports.push((
            Some(c.person_id),
            c.reported_on,
            word(
                &c.recipient,
                ChildReportRecipient::parse,
                "child_report.recipient",
            )?,
        ));
    }
    for a in anonymous_contact::Entity::scoped(org)
        .filter(anonymous_contact::Column::DeletedAt.is_null())
        .filter(anonymous_contact::Column::At.gte(start))
        .filter(anonymous_contact::Column::At.lt(end))
        .all(db)
        .await?
    {
        f.anonymous.push(AnonymousFact {
            on: zone.local(a.at).date(),
            channel: word(
                &a.channel,
                OriginChannel::parse,
                "anonymous_contact.channel",
            )?,
            sex: Sex::parse(&a.sex).unwrap_or(Sex::Unknown),
            age_band: AgeBand::parse(&a.age_band).unwrap_or(AgeBand::Unknown),
            problems: problems_parse(&a.problems),
            action: AnonymousAction::parse(&a.action).unwrap_or(AnonymousAction::Other),
        });
    }
    for a in crate::casework::prevention::held_between(db, org, from, to).await? {
        let dto = crate::casework::prevention::action_dto(&a)?;
        f.prevention.push(PreventionFact {
            on: dto.held_on,
            kind: dto.kind,
            people_reached: dto.people_reached,
            by_public: [dto.pupils, dto.inhabitants, dto.professionals],
        });
    }
    Ok(f)
}

/// The activity report over `[from, to]` (three years at most) for an audience, with, when
/// `compare`, the same period a year earlier beside it (computed and suppressed on its own);
/// and the organisation's name for its title. Generating it is audited.
pub async fn report(
    t: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    audience: Audience,
    compare: bool,
) -> ServiceResult<(Report, String)> {
    relais_domain::report::period::check(from, to)
        .map_err(|said| ServiceError::field(ProblemCode::InvalidParameter, "to", said))?;
    let facts = load_facts(t.db(), t.organisation_id(), from, to).await?;
    let mut r = compute(&facts, from, to, audience);
    if compare {
        let (a, b) = relais_domain::report::compare::a_year_earlier(from, to);
        let facts = load_facts(t.db(), t.organisation_id(), a, b).await?;
        let earlier = compute(&facts, a, b, audience);
        r.compared = Some(relais_domain::report::compare::compare(&r, &earlier));
    }
    t.state
        .audit(t.audit_event(Action::ReportGenerated, None, None, "ok"))
        .await?;
    let org_name = organisation::Entity::find_by_id(t.organisation_id())
        .one(t.db())
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok((r, org_name))
}
