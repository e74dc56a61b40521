//! A coordinator's calendar: weekly opening windows, dated exceptions, absences, and public holidays.

use crate::error::{ServiceError, ServiceResult};
use crate::scheduling::rules::{
    absence_dto, check_days, check_range, exception_dto, find_coordinator, find_site,
    local_problem, own_calendar, window_dto, window_rule,
};
use crate::scheduling::words::{days_to_text, time_text};
use crate::scope::Scope;
use crate::store::entities::{absence, opening_window, schedule_exception};
use crate::store::{OrgScoped, Stamp, Synced, soft_delete};
use crate::zone::site_tz;
use chrono_tz::Tz;
use relais_domain::Validator;
use relais_domain::dto::{
    Absence, AbsenceInput, HolidayDto, OpeningWindow, OpeningWindowInput, ScheduleException,
    ScheduleExceptionInput,
};
use relais_domain::problem::ProblemCode;
use relais_domain::schedule::{self, WeeklyWindow};
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarQuery {
    #[serde(default)]
    pub(crate) coordinator_id: Option<String>,
    #[serde(default)]
    pub(crate) site_id: Option<String>,
}

pub(crate) fn uuid_param(v: &Option<String>, field: &str) -> ServiceResult<Option<Uuid>> {
    v.as_deref()
        .map(|s| {
            Uuid::parse_str(s).map_err(|_| {
                ServiceError::field(
                    ProblemCode::InvalidParameter,
                    field,
                    ("UUID attendu.", "A UUID expected."),
                )
            })
        })
        .transpose()
}

/// Soft-delete a live row of someone's calendar (a window, an exception, an absence): the
/// coordinator themself or an admin.
pub(crate) async fn delete_calendar_row<E: Synced>(
    t: &Scope,
    id: Uuid,
    coordinator: fn(&E::Model) -> Uuid,
) -> ServiceResult<()> {
    let row = t
        .find_live::<E>(id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    own_calendar(t, coordinator(&row))?;
    let (_turn, txn) = t.begin_write().await?;
    soft_delete::<E, _>(&txn, t.organisation_id(), id, t.now()).await?;
    txn.commit().await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayQuery {
    pub(crate) year: String,
    #[serde(default)]
    pub(crate) alsace_moselle: Option<String>,
}

/// Live rows of one kind of calendar entry, for one coordinator and/or one site (a kind
/// without a site ignores `site_id`), at most a thousand.
async fn list_rows<E: Synced>(
    t: &Scope,
    q: &CalendarQuery,
    coordinator: E::Column,
    site: Option<E::Column>,
    order: E::Column,
) -> ServiceResult<Vec<E::Model>> {
    let mut sel = t.scoped::<E>().filter(E::deleted_at_column().is_null());
    if let Some(c) = uuid_param(&q.coordinator_id, "coordinator_id")? {
        sel = sel.filter(coordinator.eq(c));
    }
    if let Some(col) = site
        && let Some(s) = uuid_param(&q.site_id, "site_id")?
    {
        sel = sel.filter(col.eq(s));
    }
    Ok(sel.order_by_asc(order).limit(1000).all(t.db()).await?)
}

pub async fn list_windows(t: &Scope, q: CalendarQuery) -> ServiceResult<Vec<OpeningWindow>> {
    let rows = list_rows::<opening_window::Entity>(
        t,
        &q,
        opening_window::Column::CoordinatorId,
        Some(opening_window::Column::SiteId),
        opening_window::Column::ChangeSeq,
    )
    .await?;
    Ok(rows.into_iter().map(window_dto).collect())
}

pub async fn create_window(t: &Scope, i: OpeningWindowInput) -> ServiceResult<OpeningWindow> {
    own_calendar(t, i.coordinator_id)?;
    let mut v = Validator::new();
    check_days(&mut v, "days", &i.days);
    check_range(&mut v, "end", i.start, i.end);
    if let (Some(f), Some(u)) = (i.valid_from, i.valid_until)
        && f > u
    {
        v.push(
            "valid_until",
            "end_before_start",
            (
                "La fin de validité précède son début.",
                "The end of validity comes before its start.",
            ),
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    find_coordinator(t, i.coordinator_id, "coordinator_id").await?;
    find_site(t, i.site_id, "site_id").await?;
    let rule = WeeklyWindow {
        days: i.days.clone(),
        start: i.start,
        end: i.end,
        valid_from: i.valid_from,
        valid_until: i.valid_until,
    };
    let now = t.now();
    let (_turn, txn) = t.begin_write().await?;
    let stamp = Stamp::take(&txn, now).await?; // takes the write lock before the overlap check
    // A coordinator cannot be at two sites at once: check their windows everywhere.
    let existing = opening_window::Entity::scoped(t.organisation_id())
        .filter(opening_window::Column::CoordinatorId.eq(i.coordinator_id))
        .filter(opening_window::Column::DeletedAt.is_null())
        .all(&txn)
        .await?;
    if let Some(clash) = existing.iter().find(|w| window_rule(w).overlaps(&rule)) {
        return Err(ServiceError::field(
            ProblemCode::OverlappingWindow,
            "start",
            (
                format!(
                    "Chevauche la plage {} ({}–{}).",
                    clash.id, clash.start_time, clash.end_time
                ),
                format!(
                    "Overlaps the window {} ({}–{}).",
                    clash.id, clash.start_time, clash.end_time
                ),
            ),
        ));
    }
    let m = opening_window::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(t.organisation_id()),
        coordinator_id: Set(i.coordinator_id),
        site_id: Set(i.site_id),
        days: Set(days_to_text(&i.days)),
        start_time: Set(time_text(i.start)),
        end_time: Set(time_text(i.end)),
        valid_from: Set(i.valid_from),
        valid_until: Set(i.valid_until),
        ..stamp.new_row()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(window_dto(m))
}

pub async fn delete_window(t: &Scope, id: Uuid) -> ServiceResult<()> {
    delete_calendar_row::<opening_window::Entity>(t, id, |r| r.coordinator_id).await
}

pub async fn list_exceptions(t: &Scope, q: CalendarQuery) -> ServiceResult<Vec<ScheduleException>> {
    let rows = list_rows::<schedule_exception::Entity>(
        t,
        &q,
        schedule_exception::Column::CoordinatorId,
        Some(schedule_exception::Column::SiteId),
        schedule_exception::Column::Date,
    )
    .await?;
    Ok(rows.into_iter().map(exception_dto).collect())
}

pub async fn create_exception(
    t: &Scope,
    i: ScheduleExceptionInput,
) -> ServiceResult<ScheduleException> {
    own_calendar(t, i.coordinator_id)?;
    find_coordinator(t, i.coordinator_id, "coordinator_id").await?;
    let s = find_site(t, i.site_id, "site_id").await?;
    let mut v = Validator::new();
    use relais_domain::dto::ExceptionKind::{Closed, Extra};
    match (
        relais_domain::dto::ExceptionKind::parse(&i.kind),
        i.start,
        i.end,
    ) {
        (Some(Closed), None, None) => {}
        (Some(Closed), _, _) => v.push(
            "start",
            "not_allowed",
            (
                "Une fermeture couvre la journée : pas d'heures.",
                "A closure covers the whole day: no times.",
            ),
        ),
        (Some(Extra), Some(st), Some(en)) => {
            check_range(&mut v, "end", st, en);
            // A dated window must name real instants.
            for (field, time) in [("start", st), ("end", en)] {
                if let Err(p) = schedule::exact_instant(site_tz(&s), i.date.and_time(time)) {
                    local_problem(&mut v, field, p);
                }
            }
        }
        (Some(Extra), _, _) => v.push(
            "start",
            "required",
            (
                "Une plage supplémentaire a un début et une fin.",
                "An extra window has a start and an end.",
            ),
        ),
        (None, _, _) => v.push("kind", "invalid", ("closed ou extra.", "closed or extra.")),
    }
    v.finish().map_err(ServiceError::validation)?;
    let now = t.now();
    let (_turn, txn) = t.begin_write().await?;
    let m = schedule_exception::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(t.organisation_id()),
        coordinator_id: Set(i.coordinator_id),
        site_id: Set(i.site_id),
        date: Set(i.date),
        kind: Set(i.kind.clone()),
        start_time: Set(i.start.map(time_text)),
        end_time: Set(i.end.map(time_text)),
        ..Stamp::take(&txn, now).await?.new_row()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(exception_dto(m))
}

pub async fn delete_exception(t: &Scope, id: Uuid) -> ServiceResult<()> {
    delete_calendar_row::<schedule_exception::Entity>(t, id, |r| r.coordinator_id).await
}

pub async fn list_absences(t: &Scope, q: CalendarQuery) -> ServiceResult<Vec<Absence>> {
    let rows = list_rows::<absence::Entity>(
        t,
        &q,
        absence::Column::CoordinatorId,
        None,
        absence::Column::ChangeSeq,
    )
    .await?;
    Ok(rows.into_iter().map(absence_dto).collect())
}

pub async fn create_absence(t: &Scope, i: AbsenceInput) -> ServiceResult<Absence> {
    own_calendar(t, i.coordinator_id)?;
    find_coordinator(t, i.coordinator_id, "coordinator_id").await?;
    let mut v = Validator::new();
    let mut instants = (None, None);
    match i.kind.as_str() {
        "one_off" => {
            // Without a zone, the organisation's.
            let tz: Option<Tz> = match i.time_zone.as_deref() {
                None => Some(
                    crate::zone::Zones::load(t.db(), t.organisation_id())
                        .await?
                        .organisation()
                        .tz,
                ),
                Some(z) => z.parse().ok(),
            };
            match (tz, i.start_local, i.end_local) {
                (None, _, _) => v.push(
                    "time_zone",
                    "unknown_time_zone",
                    ("Fuseau IANA inconnu.", "Unknown IANA time zone."),
                ),
                (Some(tz), Some(s), Some(e)) => {
                    let s = schedule::exact_instant(tz, s)
                        .map_err(|p| local_problem(&mut v, "start_local", p))
                        .ok();
                    let e = schedule::exact_instant(tz, e)
                        .map_err(|p| local_problem(&mut v, "end_local", p))
                        .ok();
                    if let (Some(s), Some(e)) = (s, e)
                        && s >= e
                    {
                        v.push(
                            "end_local",
                            "end_before_start",
                            (
                                "La fin doit suivre le début.",
                                "The end must come after the start.",
                            ),
                        );
                    }
                    instants = (s, e);
                }
                _ => v.push(
                    "start_local",
                    "required",
                    (
                        "Une absence ponctuelle a un début et une fin.",
                        "A one-off absence has a start and an end.",
                    ),
                ),
            }
        }
        "recurring" => match (&i.days, i.start, i.end) {
            (Some(days), Some(s), Some(e)) => {
                check_days(&mut v, "days", days);
                check_range(&mut v, "end", s, e);
            }
            _ => v.push(
                "days",
                "required",
                (
                    "Une absence récurrente a des jours, un début et une fin.",
                    "A recurring absence has days, a start and an end.",
                ),
            ),
        },
        _ => v.push(
            "kind",
            "invalid",
            ("one_off ou recurring.", "one_off or recurring."),
        ),
    }
    v.finish().map_err(ServiceError::validation)?;
    let now = t.now();
    let recurring = i.kind == "recurring";
    let (_turn, txn) = t.begin_write().await?;
    let m = absence::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(t.organisation_id()),
        coordinator_id: Set(i.coordinator_id),
        kind: Set(i.kind.clone()),
        starts_at: Set(instants.0),
        ends_at: Set(instants.1),
        days: Set(i.days.as_deref().filter(|_| recurring).map(days_to_text)),
        start_time: Set(i.start.filter(|_| recurring).map(time_text)),
        end_time: Set(i.end.filter(|_| recurring).map(time_text)),
        valid_from: Set(i.valid_from.filter(|_| recurring)),
        valid_until: Set(i.valid_until.filter(|_| recurring)),
        ..Stamp::take(&txn, now).await?.new_row()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(absence_dto(m))
}

pub async fn delete_absence(t: &Scope, id: Uuid) -> ServiceResult<()> {
    delete_calendar_row::<absence::Entity>(t, id, |r| r.coordinator_id).await
}

pub async fn holidays(_t: &Scope, q: HolidayQuery) -> ServiceResult<Vec<HolidayDto>> {
    let year: i32 = q
        .year
        .parse()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| {
            ServiceError::field(
                ProblemCode::InvalidParameter,
                "year",
                ("Année entre 1900 et 2200.", "A year from 1900 to 2200."),
            )
        })?;
    let am = match q.alsace_moselle.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ServiceError::field(
                ProblemCode::InvalidParameter,
                "alsace_moselle",
                ("true ou false.", "true or false."),
            ));
        }
    };
    Ok(relais_domain::holidays::holidays(year, am)
        .into_iter()
        .map(|h| HolidayDto {
            date: h.date,
            name: h.name.into(),
        })
        .collect())
}
