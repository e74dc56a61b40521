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
    AnonymousFact, Audience, Facts, InterviewFact, OrientationFact, Places, PreventionFact, Report,
    SituationFact, compute,
};
use sea_orm::EntityTrait;
use sea_orm::{ColumnTrait, QueryFilter};
use std::collections::HashMap;
use uuid::Uuid;

/// Everything the report needs for `[from, to]`, from stored rows only (the communes of
/// residence opened with `cipher`); the rows by place are the organisation's conventions'
/// communes and its sites.
pub async fn load_facts(
    db: &sea_orm::DatabaseConnection,
    cipher: &crate::crypto::FieldCipher,
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
    for p in persons.values() {
        if let Some(code) = crate::casework::persons::commune_code(cipher, p)? {
            f.communes.insert(p.id, code);
        }
    }
    f.places = places(db, org).await?;
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
            site: s.site_id,
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
        f.interviews.push(InterviewFact {
            person: Some(i.person_id),
            on: zone.local(i.at).date(),
            mode: word(&i.mode, InterviewMode::parse, "interview.mode")?,
            site: i.site_id,
        });
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

/// The rows of the report by place: the communes of the organisation's conventions (in
/// the order they are listed, each once), and its sites by name.
async fn places(db: &sea_orm::DatabaseConnection, org: Uuid) -> ServiceResult<Places> {
    use crate::store::OrgScoped;
    use crate::store::entities::{convention, site};
    use sea_orm::QueryOrder;
    let mut codes: Vec<String> = Vec::new();
    for c in convention::Entity::scoped(org)
        .filter(convention::Column::DeletedAt.is_null())
        .order_by_desc(convention::Column::ValidFrom)
        .order_by_asc(convention::Column::Funder)
        .all(db)
        .await?
    {
        for code in c.communes.split(',').filter(|c| !c.is_empty()) {
            if !codes.iter().any(|k| k == code) {
                codes.push(code.to_owned());
            }
        }
    }
    let sites = site::Entity::scoped(org)
        .filter(site::Column::DeletedAt.is_null())
        .order_by_asc(site::Column::Name)
        .all(db)
        .await?;
    Ok(Places {
        communes: codes
            .iter()
            .filter_map(|c| relais_domain::commune::by_code(c))
            .collect(),
        sites: sites.into_iter().map(|s| (s.id, s.name)).collect(),
    })
}

/// What a report is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Asked {
    pub from: NaiveDate,
    /// Included.
    pub to: NaiveDate,
    pub audience: Audience,
    /// The same period a year earlier beside it.
    pub compare: bool,
    /// The funder's version of one convention: its share of the work, over the days of the
    /// period it runs, always suppressed (it leaves the service).
    pub convention: Option<Uuid>,
}

/// The activity report asked for (three years at most), with, when `compare`, the same
/// period a year earlier beside it (computed and suppressed on its own); and the
/// organisation's name for its title. Generating it is audited.
pub async fn report(t: &Scope, a: Asked) -> ServiceResult<(Report, String)> {
    relais_domain::report::period::check(a.from, a.to)
        .map_err(|said| ServiceError::field(ProblemCode::InvalidParameter, "to", said))?;
    let (mut from, mut to, mut audience) = (a.from, a.to, a.audience);
    let mut within = None;
    if let Some(id) = a.convention {
        let all = crate::casework::conventions::stored(t).await?;
        let c = all.iter().find(|c| c.model.id == id).ok_or_else(|| {
            ServiceError::field(
                ProblemCode::Unknown,
                "convention",
                ("Convention inconnue.", "Unknown convention."),
            )
        })?;
        from = from.max(c.model.valid_from);
        to = to.min(c.model.valid_until);
        if from > to {
            return Err(ServiceError::field(
                ProblemCode::InvalidParameter,
                "from",
                (
                    format!(
                        "La convention court du {} au {} : pas sur cette période.",
                        c.model.valid_from.format("%d/%m/%Y"),
                        c.model.valid_until.format("%d/%m/%Y")
                    ),
                    format!(
                        "The convention runs from {} to {}: not over this period.",
                        c.model.valid_from, c.model.valid_until
                    ),
                ),
            ));
        }
        audience = Audience::External;
        within = Some(crate::casework::conventions::heading(t, c, &all).await?);
    }
    let within_ref = &within;
    let load = |from, to| async move {
        let f = load_facts(t.db(), t.state.cipher(), t.organisation_id(), from, to).await?;
        ServiceResult::Ok(match within_ref {
            Some((h, sites)) => f.within(&h.communes, sites),
            None => f,
        })
    };
    let mut r = compute(&load(from, to).await?, from, to, audience);
    if a.compare {
        let (a, b) = relais_domain::report::compare::a_year_earlier(from, to);
        let earlier = compute(&load(a, b).await?, a, b, audience);
        r.compared = Some(relais_domain::report::compare::compare(&r, &earlier));
    }
    r.convention = within.map(|(h, _)| h);
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
