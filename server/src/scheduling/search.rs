//! The slot search: everything a search needs loaded in four indexed queries, then domain::schedule.

use crate::error::{ServiceError, ServiceResult};
use crate::scheduling::calendar::uuid_param;
use crate::scheduling::rules::{
    exception_rule, find_site, find_type, find_type_and_site, rules_of, window_rule,
};
use crate::scheduling::words::{days_from_text, time_parse};
use crate::scope::Scope;
use crate::store::OrgScoped;
use crate::store::entities::{
    absence, account, appointment, opening_window, schedule_exception, site,
};
use crate::store::fresh::{self, FreeSlots};
use crate::zone::site_tz;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use relais_domain::dto::AppointmentStatus;
use relais_domain::dto::{Slot, SlotRun, SlotRuns};
use relais_domain::problem::ProblemCode;
use relais_domain::schedule::SlotRules;
use relais_domain::schedule::{self, Calendar, DateException, Interval, WeeklyWindow};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Everything the search needs for some coordinators at one site over a date range, in four
/// queries whatever the number of coordinators or days.
pub(crate) struct SearchData {
    pub(crate) tz: Tz,
    pub(crate) coordinators: Vec<Uuid>,
    pub(crate) windows: HashMap<Uuid, Vec<WeeklyWindow>>,
    pub(crate) exceptions: HashMap<Uuid, Vec<DateException>>,
    pub(crate) recurring: HashMap<Uuid, Vec<WeeklyWindow>>,
    pub(crate) absences: HashMap<Uuid, Vec<Interval>>,
    pub(crate) busy: HashMap<Uuid, Vec<Interval>>,
    pub(crate) holidays: Vec<NaiveDate>,
}

/// `exclude`: an appointment whose own time does not count (when moving it).
pub(crate) async fn load_search<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    site: site::Model,
    coordinator: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
    exclude: Option<Uuid>,
) -> Result<SearchData, sea_orm::DbErr> {
    let tz = site_tz(&site);
    // UTC bounds that surely cover the local dates (zones are within ±14 h), plus buffers.
    let lo = DateTime::<Utc>::from_naive_utc_and_offset(from.and_time(NaiveTime::MIN), Utc)
        - Duration::hours(24);
    let hi = DateTime::<Utc>::from_naive_utc_and_offset(to.and_time(NaiveTime::MIN), Utc)
        + Duration::hours(48);
    let mut wq = opening_window::Entity::scoped(org)
        .filter(opening_window::Column::SiteId.eq(site.id))
        .filter(opening_window::Column::DeletedAt.is_null());
    if let Some(c) = coordinator {
        wq = wq.filter(opening_window::Column::CoordinatorId.eq(c));
    }
    // Only active accounts hold appointments: filtered in the same query.
    let active_accounts = sea_orm::sea_query::Query::select()
        .column(account::Column::Id)
        .from(account::Entity)
        .and_where(account::Column::OrganisationId.eq(org))
        .and_where(account::Column::Disabled.eq(false))
        .and_where(account::Column::DeletedAt.is_null())
        .to_owned();
    let window_rows = wq
        .filter(opening_window::Column::CoordinatorId.in_subquery(active_accounts))
        .all(db)
        .await?;
    let mut active: Vec<Uuid> = window_rows.iter().map(|w| w.coordinator_id).collect();
    active.sort();
    active.dedup();
    let mut windows: HashMap<Uuid, Vec<WeeklyWindow>> = HashMap::new();
    for w in &window_rows {
        windows
            .entry(w.coordinator_id)
            .or_default()
            .push(window_rule(w));
    }
    let mut exceptions: HashMap<Uuid, Vec<DateException>> = HashMap::new();
    for e in schedule_exception::Entity::scoped(org)
        .filter(schedule_exception::Column::SiteId.eq(site.id))
        .filter(schedule_exception::Column::CoordinatorId.is_in(active.clone()))
        .filter(schedule_exception::Column::DeletedAt.is_null())
        .filter(schedule_exception::Column::Date.between(from, to))
        .all(db)
        .await?
    {
        exceptions
            .entry(e.coordinator_id)
            .or_default()
            .push(exception_rule(&e));
    }
    let mut recurring: HashMap<Uuid, Vec<WeeklyWindow>> = HashMap::new();
    let mut absences: HashMap<Uuid, Vec<Interval>> = HashMap::new();
    for a in absence::Entity::scoped(org)
        .filter(absence::Column::CoordinatorId.is_in(active.clone()))
        .filter(absence::Column::DeletedAt.is_null())
        .all(db)
        .await?
    {
        match (a.kind.as_str(), a.starts_at, a.ends_at) {
            ("one_off", Some(s), Some(e)) if e > lo && s < hi => absences
                .entry(a.coordinator_id)
                .or_default()
                .push(Interval { start: s, end: e }),
            ("recurring", _, _) => {
                recurring
                    .entry(a.coordinator_id)
                    .or_default()
                    .push(WeeklyWindow {
                        days: a.days.as_deref().map(days_from_text).unwrap_or_default(),
                        start: a
                            .start_time
                            .as_deref()
                            .map(time_parse)
                            .unwrap_or(NaiveTime::MIN),
                        end: a
                            .end_time
                            .as_deref()
                            .map(time_parse)
                            .unwrap_or(NaiveTime::MIN),
                        valid_from: a.valid_from,
                        valid_until: a.valid_until,
                    })
            }
            _ => {}
        }
    }
    // The busy times: one indexed range query over (coordinator_id, busy_start).
    let mut bq = appointment::Entity::scoped(org)
        .filter(appointment::Column::CoordinatorId.is_in(active.clone()))
        .filter(appointment::Column::Status.is_in([
            AppointmentStatus::Planned.as_str(),
            AppointmentStatus::Seen.as_str(),
            AppointmentStatus::NoShow.as_str(),
        ]))
        .filter(appointment::Column::DeletedAt.is_null())
        .filter(appointment::Column::BusyStart.lt(hi))
        .filter(appointment::Column::BusyEnd.gt(lo));
    if let Some(x) = exclude {
        bq = bq.filter(appointment::Column::Id.ne(x));
    }
    let rows: Vec<(Uuid, DateTime<Utc>, DateTime<Utc>)> = bq
        .select_only()
        .column(appointment::Column::CoordinatorId)
        .column(appointment::Column::BusyStart)
        .column(appointment::Column::BusyEnd)
        .order_by_asc(appointment::Column::BusyStart)
        .into_tuple()
        .all(db)
        .await?;
    let mut busy: HashMap<Uuid, Vec<Interval>> = HashMap::new();
    for (c, s, e) in rows {
        busy.entry(c)
            .or_default()
            .push(Interval { start: s, end: e });
    }
    let holidays = relais_domain::holidays::holiday_dates(from, to, site.alsace_moselle);
    Ok(SearchData {
        tz,
        coordinators: active,
        windows,
        exceptions,
        recurring,
        absences,
        busy,
        holidays,
    })
}

impl SearchData {
    pub fn calendars(&self) -> Vec<(Uuid, Calendar<'_>)> {
        const NONE_W: &[WeeklyWindow] = &[];
        const NONE_E: &[DateException] = &[];
        const NONE_I: &[Interval] = &[];
        self.coordinators
            .iter()
            .filter(|c| self.windows.contains_key(c))
            .map(|c| {
                (
                    *c,
                    Calendar {
                        tz: self.tz,
                        windows: self.windows.get(c).map_or(NONE_W, Vec::as_slice),
                        exceptions: self.exceptions.get(c).map_or(NONE_E, Vec::as_slice),
                        recurring_absences: self.recurring.get(c).map_or(NONE_W, Vec::as_slice),
                        absences: self.absences.get(c).map_or(NONE_I, Vec::as_slice),
                        busy: self.busy.get(c).map_or(NONE_I, Vec::as_slice),
                        holidays: &self.holidays,
                    },
                )
            })
            .collect()
    }

    pub fn slot_dto(&self, coordinator: Uuid, s: Interval) -> Slot {
        let off = |t: DateTime<Utc>| t.with_timezone(&self.tz).fixed_offset();
        Slot {
            coordinator_id: coordinator,
            start: off(s.start),
            end: off(s.end),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityQuery {
    pub(crate) type_id: String,
    pub(crate) site_id: String,
    #[serde(default)]
    pub(crate) coordinator_id: Option<String>,
    pub(crate) from: String,
    pub(crate) to: String,
}

pub(crate) fn date_param(s: &str, field: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        ServiceError::field(
            ProblemCode::InvalidParameter,
            field,
            ("Date AAAA-MM-JJ attendue.", "A date YYYY-MM-DD expected."),
        )
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextQuery {
    pub(crate) type_id: String,
    pub(crate) site_id: String,
    #[serde(default)]
    pub(crate) coordinator_id: Option<String>,
}

/// Free slots of one appointment type at one site, for one coordinator or all of them.
pub async fn availability(t: &Scope, q: AvailabilityQuery) -> ServiceResult<Vec<Slot>> {
    let found = search_range(t, q).await?;
    let off = |x: DateTime<Utc>| x.with_timezone(&found.tz).fixed_offset();
    Ok(found
        .slots
        .iter()
        .map(|s| Slot {
            coordinator_id: s.coordinator,
            start: off(s.slot.start),
            end: off(s.slot.end),
        })
        .collect())
}

/// The same free slots as `availability`, in runs (`SlotRuns`).
pub async fn availability_runs(t: &Scope, q: AvailabilityQuery) -> ServiceResult<SlotRuns> {
    let found = search_range(t, q).await?;
    let tz = found.tz;
    let runs = schedule::runs(&found.slots, found.rules.step, |x| {
        x.with_timezone(&tz).date_naive()
    });
    Ok(SlotRuns {
        step_minutes: found.rules.step.num_minutes() as i32,
        duration_minutes: found.rules.duration.num_minutes() as i32,
        runs: runs
            .into_iter()
            .map(|r| SlotRun {
                coordinator_id: r.coordinator,
                start: r.first.start.with_timezone(&tz).fixed_offset(),
                count: r.count,
            })
            .collect(),
    })
}

fn past_horizon(
    from: NaiveDate,
    rules: &SlotRules,
    days: i32,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if from > (now + rules.horizon).date_naive() + Duration::days(1) {
        return Err(ServiceError::field(
            ProblemCode::PastHorizon,
            "from",
            (
                format!("Au-delà de l'horizon de réservation ({days} jours)."),
                format!("Beyond the booking horizon ({days} days)."),
            ),
        ));
    }
    Ok(())
}

/// The query checked, then the free slots: those kept from an earlier identical search
/// while nothing they depend on changed (`store::fresh`: one query), or else the type and
/// site read, the search's data loaded in four queries and the slots computed once.
async fn search_range(t: &Scope, q: AvailabilityQuery) -> ServiceResult<Arc<FreeSlots>> {
    let type_id = uuid_param(&Some(q.type_id.clone()), "type_id")?.unwrap_or_default();
    let site_id = uuid_param(&Some(q.site_id.clone()), "site_id")?.unwrap_or_default();
    let coordinator = uuid_param(&q.coordinator_id, "coordinator_id")?;
    let (from, to) = (date_param(&q.from, "from")?, date_param(&q.to, "to")?);
    if to < from {
        return Err(ServiceError::field(
            ProblemCode::ReversedRange,
            "to",
            (
                "La fin précède le début.",
                "The end comes before the start.",
            ),
        ));
    }
    if (to - from).num_days() > 92 {
        return Err(ServiceError::field(
            ProblemCode::RangeTooLong,
            "to",
            (
                "92 jours au plus par recherche.",
                "92 days at most per search.",
            ),
        ));
    }
    let org = t.organisation_id();
    let key = (org, type_id, site_id, coordinator, from, to);
    let now = t.now();
    let kept = t.state.free_slots();
    if let Some((found, since)) = kept.get(&key, now)
        && fresh::schedule_unchanged_since(t.db(), org, since).await?
    {
        past_horizon(from, &found.rules, found.max_horizon_days, now)?;
        return Ok(found);
    }
    let since = fresh::since(t.db()).await?;
    let (ty, site) = find_type_and_site(t, type_id, site_id).await?;
    let rules = rules_of(&ty);
    past_horizon(from, &rules, ty.max_horizon_days, now)?;
    let data = load_search(t.db(), org, site, coordinator, from, to, None).await?;
    let slots = schedule::free_slots_many(&data.calendars(), &rules, from, to, now);
    // Kept until the first slot comes within the notice, a minute at most.
    let until = slots
        .first()
        .map(|s| s.slot.start - rules.min_notice)
        .unwrap_or(now + Duration::minutes(1))
        .min(now + Duration::minutes(1));
    let found = Arc::new(FreeSlots {
        slots,
        tz: data.tz,
        rules,
        max_horizon_days: ty.max_horizon_days,
    });
    kept.put(key, found.clone(), since, until);
    Ok(found)
}

/// The first free slot from today up to the type's horizon, across the site's coordinators.
pub async fn next_available(t: &Scope, q: NextQuery) -> ServiceResult<Option<Slot>> {
    let type_id = uuid_param(&Some(q.type_id.clone()), "type_id")?.unwrap_or_default();
    let site_id = uuid_param(&Some(q.site_id.clone()), "site_id")?.unwrap_or_default();
    let coordinator = uuid_param(&q.coordinator_id, "coordinator_id")?;
    let ty = find_type(t, type_id, "type_id").await?;
    let rules = rules_of(&ty);
    let site = find_site(t, site_id, "site_id").await?;
    let now = t.now();
    let from = now.with_timezone(&site_tz(&site)).date_naive();
    let to = (now + rules.horizon).date_naive() + Duration::days(1);
    let data = load_search(
        t.db(),
        t.organisation_id(),
        site,
        coordinator,
        from,
        to,
        None,
    )
    .await?;
    let first = schedule::next_available(&data.calendars(), &rules, from, now);
    Ok(first.map(|s| data.slot_dto(s.coordinator, s.slot)))
}
