//! A coordinator's or a site's agenda, persons by initials.

use crate::error::{ServiceError, ServiceResult};
use crate::scheduling::booking::appointment_dto;
use crate::scheduling::booking::not_delivered;
use crate::scheduling::booking::participants;
use crate::scheduling::find_site;
use crate::scope::Scope;
use crate::store::entities::{appointment, person, site};
use crate::zone::site_tz;
use chrono::{Duration, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use relais_domain::dto::AgendaEntry;
use relais_domain::problem::ProblemCode;
use relais_domain::schedule;
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgendaQuery {
    #[serde(default)]
    pub(crate) coordinator_id: Option<String>,
    #[serde(default)]
    pub(crate) site_id: Option<String>,
    pub(crate) from: String,
    #[serde(default)]
    pub(crate) days: Option<String>,
}

/// A coordinator's or a site's agenda over `days` days from `from` (1 = a day, 7 = a week),
/// persons shown by initials.
pub async fn agenda(t: &Scope, q: AgendaQuery) -> ServiceResult<Vec<AgendaEntry>> {
    let parse_id = |v: &Option<String>, f: &str| {
        v.as_deref()
            .map(|s| {
                Uuid::parse_str(s).map_err(|_| {
                    ServiceError::field(
                        ProblemCode::InvalidParameter,
                        f,
                        ("UUID attendu.", "A UUID expected."),
                    )
                })
            })
            .transpose()
    };
    let coordinator = parse_id(&q.coordinator_id, "coordinator_id")?;
    let site_id = parse_id(&q.site_id, "site_id")?;
    if coordinator.is_some() == site_id.is_some() {
        return Err(ServiceError::field(
            ProblemCode::InvalidParameter,
            "coordinator_id",
            (
                "Donnez coordinator_id ou site_id, l'un des deux.",
                "Give coordinator_id or site_id, one of the two.",
            ),
        ));
    }
    let from = NaiveDate::parse_from_str(&q.from, "%Y-%m-%d").map_err(|_| {
        ServiceError::field(
            ProblemCode::InvalidParameter,
            "from",
            ("Date AAAA-MM-JJ attendue.", "A date YYYY-MM-DD expected."),
        )
    })?;
    let days: i64 = match q.days.as_deref() {
        None => 1,
        Some(d) => d
            .parse()
            .ok()
            .filter(|d| (1..=31).contains(d))
            .ok_or_else(|| {
                ServiceError::field(
                    ProblemCode::InvalidParameter,
                    "days",
                    ("Entre 1 et 31.", "Between 1 and 31."),
                )
            })?,
    };
    let tz = match site_id {
        Some(s) => site_tz(&find_site(t, s, "site_id").await?),
        None => {
            crate::zone::Zones::load(t.db(), t.organisation_id())
                .await?
                .organisation()
                .tz
        }
    };
    let lo = schedule::rule_instant(tz, from.and_time(NaiveTime::MIN), schedule::Edge::Start);
    let hi = schedule::rule_instant(
        tz,
        (from + Duration::days(days)).and_time(NaiveTime::MIN),
        schedule::Edge::Start,
    );
    let mut sel = t
        .scoped::<appointment::Entity>()
        .filter(appointment::Column::DeletedAt.is_null())
        .filter(appointment::Column::StartsAt.gte(lo))
        .filter(appointment::Column::StartsAt.lt(hi));
    if let Some(c) = coordinator {
        sel = sel.filter(appointment::Column::CoordinatorId.eq(c));
    }
    if let Some(s) = site_id {
        sel = sel.filter(appointment::Column::SiteId.eq(s));
    }
    let rows = sel
        .order_by_asc(appointment::Column::StartsAt)
        .limit(2000)
        .all(t.db())
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let people = participants(t.db(), t.organisation_id(), &ids).await?;
    let person_ids: Vec<Uuid> = people.values().flatten().copied().collect();
    let persons = t
        .scoped::<person::Entity>()
        .filter(person::Column::Id.is_in(person_ids))
        .all(t.db())
        .await?;
    let mut initials = HashMap::new();
    for p in persons {
        initials.insert(
            p.id,
            crate::casework::persons::initials_of(t.state.cipher(), &p)?,
        );
    }
    let sites: HashMap<Uuid, Tz> = t
        .scoped::<site::Entity>()
        .all(t.db())
        .await?
        .into_iter()
        .map(|s| (s.id, site_tz(&s)))
        .collect();
    let flagged = not_delivered(t, &rows).await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let ps = people.get(&m.id).cloned().unwrap_or_default();
            let person_initials = ps.iter().filter_map(|p| initials.get(p).cloned()).collect();
            let tz = sites.get(&m.site_id).copied().unwrap_or(tz);
            let mut appointment = appointment_dto(m, ps, tz, Vec::new());
            appointment.reminder_not_delivered = flagged.contains(&appointment.id);
            AgendaEntry {
                appointment,
                person_initials,
            }
        })
        .collect())
}
