//! Lookups and conversions shared by the scheduling services: a site's zone, the booking rules of a type, rows to wire types and to the rules of domain::schedule, and the checks of a calendar entry.

use crate::error::{ServiceError, ServiceResult};
use crate::scheduling::words::{days_from_text, time_parse};
use crate::scope::Scope;
use crate::store::entities::{
    absence, account, appointment_type, opening_window, schedule_exception, site,
};
use chrono::{Duration, NaiveTime};
use relais_domain::Role;
use relais_domain::Validator;
use relais_domain::dto::{
    Absence, AppointmentType, BookableBy, OpeningWindow, PlaceKind, ScheduleException,
};
use relais_domain::problem::ProblemCode;
use relais_domain::schedule::{DateException, LocalTimeProblem, SlotRules, WeeklyWindow};
use sea_orm::{ColumnTrait, QueryFilter};
use uuid::Uuid;

pub(crate) fn rules_of(t: &appointment_type::Model) -> SlotRules {
    SlotRules {
        duration: Duration::minutes(t.duration_minutes.into()),
        step: Duration::minutes(t.step_minutes.into()),
        buffer_before: Duration::minutes(t.buffer_before_minutes.into()),
        buffer_after: Duration::minutes(t.buffer_after_minutes.into()),
        min_notice: Duration::minutes(t.min_notice_minutes.into()),
        horizon: Duration::days(t.max_horizon_days.into()),
    }
}

pub(crate) fn type_dto(t: appointment_type::Model) -> AppointmentType {
    AppointmentType {
        id: t.id,
        name: t.name,
        public_label: t.public_label,
        duration_minutes: t.duration_minutes,
        step_minutes: t.step_minutes,
        buffer_before_minutes: t.buffer_before_minutes,
        buffer_after_minutes: t.buffer_after_minutes,
        min_notice_minutes: t.min_notice_minutes,
        max_horizon_days: t.max_horizon_days,
        place_kind: PlaceKind::parse(&t.place_kind).unwrap_or(PlaceKind::Site),
        bookable_by: BookableBy::parse(&t.bookable_by).unwrap_or(BookableBy::Staff),
        reminders: t.reminders,
        reminder_offset_hours: t.reminder_offset_hours,
        updated_at: t.updated_at,
        change_seq: t.change_seq,
    }
}

pub(crate) fn window_rule(w: &opening_window::Model) -> WeeklyWindow {
    WeeklyWindow {
        days: days_from_text(&w.days),
        start: time_parse(&w.start_time),
        end: time_parse(&w.end_time),
        valid_from: w.valid_from,
        valid_until: w.valid_until,
    }
}

pub(crate) fn window_dto(w: opening_window::Model) -> OpeningWindow {
    let r = window_rule(&w);
    OpeningWindow {
        id: w.id,
        coordinator_id: w.coordinator_id,
        site_id: w.site_id,
        days: r.days,
        start: r.start,
        end: r.end,
        valid_from: w.valid_from,
        valid_until: w.valid_until,
        change_seq: w.change_seq,
    }
}

pub(crate) async fn find_type(
    t: &Scope,
    id: Uuid,
    field: &str,
) -> ServiceResult<appointment_type::Model> {
    t.find_live::<appointment_type::Entity>(id)
        .await?
        .ok_or_else(|| {
            ServiceError::field(
                ProblemCode::Unknown,
                field,
                ("Type de rendez-vous inconnu.", "Unknown appointment type."),
            )
        })
}

pub(crate) async fn find_site(t: &Scope, id: Uuid, field: &str) -> ServiceResult<site::Model> {
    t.find_live::<site::Entity>(id).await?.ok_or_else(|| {
        ServiceError::field(
            ProblemCode::Unknown,
            field,
            ("Site inconnu.", "Unknown site."),
        )
    })
}

/// An active staff member who holds appointments (coordinator or admin) of the organisation.
pub(crate) async fn find_coordinator(
    t: &Scope,
    id: Uuid,
    field: &str,
) -> ServiceResult<account::Model> {
    t.scoped::<account::Entity>()
        .filter(account::Column::Id.eq(id))
        .filter(account::Column::DeletedAt.is_null())
        .filter(account::Column::Disabled.eq(false))
        .filter(
            account::Column::Role.is_in(
                Role::ALL
                    .iter()
                    .filter(|r| r.holds_appointments())
                    .map(|r| r.as_str()),
            ),
        )
        .one(t.db())
        .await?
        .ok_or_else(|| {
            ServiceError::field(
                ProblemCode::Unknown,
                field,
                (
                    "Intervenant inconnu ou inactif.",
                    "Unknown or inactive staff member.",
                ),
            )
        })
}

/// A type and a site of the organisation, in one round trip (the type's row joined with the
/// site's); on a miss the single lookups run to name the field that is wrong.
pub(crate) async fn find_type_and_site(
    t: &Scope,
    type_id: Uuid,
    site_id: Uuid,
) -> ServiceResult<(appointment_type::Model, site::Model)> {
    type_site(t, type_id, site_id, None).await
}

/// A booking's type and site, and whether its coordinator holds appointments, in one round
/// trip (the coordinator as an `EXISTS`). On a miss the single lookups name the field.
pub(crate) async fn find_type_site_coordinator(
    t: &Scope,
    type_id: Uuid,
    site_id: Uuid,
    coordinator_id: Uuid,
) -> ServiceResult<(appointment_type::Model, site::Model)> {
    type_site(t, type_id, site_id, Some(coordinator_id)).await
}

async fn type_site(
    t: &Scope,
    type_id: Uuid,
    site_id: Uuid,
    coordinator_id: Option<Uuid>,
) -> ServiceResult<(appointment_type::Model, site::Model)> {
    use crate::store::OrgScoped;
    use sea_orm::QueryTrait;
    use sea_orm::sea_query::{Expr, Query};
    let org = t.organisation_id();
    let mut q = t
        .scoped::<appointment_type::Entity>()
        .filter(appointment_type::Column::Id.eq(type_id))
        .filter(appointment_type::Column::DeletedAt.is_null())
        .select_also(site::Entity)
        .filter(site::Entity::organisation_column().eq(org))
        .filter(site::Column::Id.eq(site_id))
        .filter(site::Column::DeletedAt.is_null());
    if let Some(c) = coordinator_id {
        let holds = Query::select()
            .expr(Expr::val(1))
            .from(account::Entity)
            .and_where(account::Entity::organisation_column().eq(org))
            .and_where(account::Column::Id.eq(c))
            .and_where(account::Column::DeletedAt.is_null())
            .and_where(account::Column::Disabled.eq(false))
            .and_where(
                account::Column::Role.is_in([Role::Coordinator.as_str(), Role::Admin.as_str()]),
            )
            .to_owned();
        q = q.filter(Expr::exists(holds));
    }
    QueryTrait::query(&mut q).from(site::Entity);
    if let Some((ty, Some(s))) = q.one(t.db()).await? {
        return Ok((ty, s));
    }
    let ty = find_type(t, type_id, "type_id").await?;
    let s = find_site(t, site_id, "site_id").await?;
    if let Some(c) = coordinator_id {
        find_coordinator(t, c, "coordinator_id").await?;
    }
    Ok((ty, s))
}

/// Coordinators manage their own calendar; admins manage everyone's.
pub(crate) fn own_calendar(t: &Scope, coordinator_id: Uuid) -> ServiceResult<()> {
    let caller = t.staff()?;
    if caller.role == relais_domain::Role::Admin || caller.account_id == coordinator_id {
        Ok(())
    } else {
        Err(ServiceError::forbidden()
            .detail("Seul l'intervenant lui-même ou un administrateur modifie cet agenda."))
    }
}

pub(crate) fn check_days(v: &mut Validator, field: &str, days: &[u8]) {
    if days.is_empty() || days.iter().any(|d| !(1..=7).contains(d)) {
        v.push(
            field,
            "invalid_day",
            (
                "Jours de 1 (lundi) à 7 (dimanche), au moins un.",
                "Days from 1 (Monday) to 7 (Sunday), at least one.",
            ),
        );
    }
}

pub(crate) fn check_range(v: &mut Validator, field: &str, start: NaiveTime, end: NaiveTime) {
    if start >= end {
        v.push(
            field,
            "end_before_start",
            (
                "La fin doit suivre le début (le même jour).",
                "The end must come after the start (the same day).",
            ),
        );
    }
}

pub(crate) fn local_problem(v: &mut Validator, field: &str, p: LocalTimeProblem) {
    match p {
        LocalTimeProblem::DoesNotExist => v.push(field, "nonexistent_local_time", ("Cette heure n'existe pas ce jour-là (passage à l'heure d'été).", "This time does not exist that day (clocks go forward).")),
        LocalTimeProblem::Ambiguous => v.push(field, "ambiguous_local_time", ("Cette heure existe deux fois ce jour-là (passage à l'heure d'hiver) : précisez une autre heure.", "This time happens twice that day (clocks go back): give another time.")),
    }
}

pub(crate) fn exception_dto(e: schedule_exception::Model) -> ScheduleException {
    ScheduleException {
        id: e.id,
        coordinator_id: e.coordinator_id,
        site_id: e.site_id,
        date: e.date,
        kind: e.kind,
        start: e.start_time.as_deref().map(time_parse),
        end: e.end_time.as_deref().map(time_parse),
    }
}

pub(crate) fn exception_rule(e: &schedule_exception::Model) -> DateException {
    match (
        e.kind.as_str(),
        e.start_time.as_deref(),
        e.end_time.as_deref(),
    ) {
        ("extra", Some(s), Some(en)) => DateException::Extra {
            date: e.date,
            start: time_parse(s),
            end: time_parse(en),
        },
        _ => DateException::Closed { date: e.date },
    }
}

pub(crate) fn absence_dto(a: absence::Model) -> Absence {
    Absence {
        id: a.id,
        coordinator_id: a.coordinator_id,
        kind: a.kind,
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        days: a.days.as_deref().map(days_from_text),
        start: a.start_time.as_deref().map(time_parse),
        end: a.end_time.as_deref().map(time_parse),
        valid_from: a.valid_from,
        valid_until: a.valid_until,
    }
}
