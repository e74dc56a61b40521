//! Scheduling: appointment types, opening windows, exceptions, absences, holidays and the slot search.

use crate::error::{ServiceError, ServiceResult};
use crate::paging::{Paging, page};
use crate::scope::Scope;
use crate::store::entities::{
    absence, account, appointment, appointment_type, opening_window, schedule_exception, site,
};
use crate::store::{OrgScoped, Synced, next_change_seq, soft_delete};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use relais_domain::Validator;
use relais_domain::dto::{
    Absence, AbsenceInput, AppointmentType, AppointmentTypeInput, BookableBy, HolidayDto,
    OpeningWindow, OpeningWindowInput, Page, PlaceKind, ScheduleException, ScheduleExceptionInput,
    Slot,
};
use relais_domain::problem::ProblemCode;
use relais_domain::schedule::{
    self, Calendar, DateException, Interval, LocalTimeProblem, SlotRules, WeeklyWindow,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub(crate) fn days_to_text(days: &[u8]) -> String {
    let mut d = days.to_vec();
    d.sort_unstable();
    d.dedup();
    d.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
}

pub(crate) fn days_from_text(s: &str) -> Vec<u8> {
    s.split(',').filter_map(|d| d.trim().parse().ok()).collect()
}

pub(crate) fn time_text(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

pub(crate) fn time_parse(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").unwrap_or(NaiveTime::MIN)
}

pub(crate) fn place_str(p: PlaceKind) -> &'static str {
    match p {
        PlaceKind::Site => "site",
        PlaceKind::Phone => "phone",
        PlaceKind::HomeVisit => "home_visit",
        PlaceKind::Partner => "partner",
    }
}

pub(crate) fn place_parse(s: &str) -> PlaceKind {
    match s {
        "phone" => PlaceKind::Phone,
        "home_visit" => PlaceKind::HomeVisit,
        "partner" => PlaceKind::Partner,
        _ => PlaceKind::Site,
    }
}

pub(crate) fn bookable_str(b: BookableBy) -> &'static str {
    match b {
        BookableBy::Staff => "staff",
        BookableBy::StaffAndReferrers => "staff_and_referrers",
        BookableBy::Public => "public",
    }
}

pub(crate) fn bookable_parse(s: &str) -> BookableBy {
    match s {
        "staff_and_referrers" => BookableBy::StaffAndReferrers,
        "public" => BookableBy::Public,
        _ => BookableBy::Staff,
    }
}

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
        place_kind: place_parse(&t.place_kind),
        bookable_by: bookable_parse(&t.bookable_by),
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

pub(crate) fn site_tz(s: &site::Model) -> Tz {
    s.time_zone.parse().unwrap_or(chrono_tz::Europe::Paris)
}

pub(crate) async fn find_type(
    t: &Scope,
    id: Uuid,
    field: &str,
) -> ServiceResult<appointment_type::Model> {
    t.find_live::<appointment_type::Entity>(id)
        .await?
        .ok_or_else(|| {
            ServiceError::field(ProblemCode::Unknown, field, "Type de rendez-vous inconnu.")
        })
}

pub(crate) async fn find_site(t: &Scope, id: Uuid, field: &str) -> ServiceResult<site::Model> {
    t.find_live::<site::Entity>(id)
        .await?
        .ok_or_else(|| ServiceError::field(ProblemCode::Unknown, field, "Site inconnu."))
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
        .filter(account::Column::Role.is_in(["coordinator", "admin"]))
        .one(t.db())
        .await?
        .ok_or_else(|| {
            ServiceError::field(
                ProblemCode::Unknown,
                field,
                "Intervenant inconnu ou inactif.",
            )
        })
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
            "Jours de 1 (lundi) à 7 (dimanche), au moins un.",
        );
    }
}

pub(crate) fn check_range(v: &mut Validator, field: &str, start: NaiveTime, end: NaiveTime) {
    if start >= end {
        v.push(
            field,
            "end_before_start",
            "La fin doit suivre le début (le même jour).",
        );
    }
}

pub(crate) fn local_problem(v: &mut Validator, field: &str, p: LocalTimeProblem) {
    match p {
        LocalTimeProblem::DoesNotExist => v.push(field, "nonexistent_local_time", "Cette heure n'existe pas ce jour-là (passage à l'heure d'été)."),
        LocalTimeProblem::Ambiguous => v.push(field, "ambiguous_local_time", "Cette heure existe deux fois ce jour-là (passage à l'heure d'hiver) : précisez une autre heure."),
    }
}

pub(crate) fn validate_type(i: &AppointmentTypeInput) -> ServiceResult<(String, String)> {
    let mut v = Validator::new();
    let name = v.required_text("name", &i.name, 200);
    let label = v.required_text("public_label", &i.public_label, 200);
    if !(5..=8 * 60).contains(&i.duration_minutes) {
        v.push(
            "duration_minutes",
            "out_of_range",
            "Durée entre 5 minutes et 8 heures.",
        );
    }
    if let Some(s) = i.step_minutes
        && !(5..=8 * 60).contains(&s)
    {
        v.push(
            "step_minutes",
            "out_of_range",
            "Pas entre 5 minutes et 8 heures.",
        );
    }
    for (f, x) in [
        ("buffer_before_minutes", i.buffer_before_minutes),
        ("buffer_after_minutes", i.buffer_after_minutes),
    ] {
        if !(0..=4 * 60).contains(&x) {
            v.push(f, "out_of_range", "Entre 0 et 240 minutes.");
        }
    }
    if !(0..=60 * 24 * 30).contains(&i.min_notice_minutes) {
        v.push("min_notice_minutes", "out_of_range", "Entre 0 et 30 jours.");
    }
    if let Some(h) = i.max_horizon_days
        && !(1..=366).contains(&h)
    {
        v.push("max_horizon_days", "out_of_range", "Entre 1 et 366 jours.");
    }
    if let Some(h) = i.reminder_offset_hours
        && !(1..=168).contains(&h)
    {
        v.push(
            "reminder_offset_hours",
            "out_of_range",
            "Entre 1 et 168 heures.",
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    Ok((name.unwrap_or_default(), label.unwrap_or_default()))
}

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
                ServiceError::field(ProblemCode::InvalidParameter, field, "UUID attendu.")
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
    let (_turn, txn) = t.state.begin_write().await?;
    soft_delete::<E, _>(&txn, t.organisation_id(), id).await?;
    txn.commit().await?;
    Ok(())
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayQuery {
    pub(crate) year: String,
    #[serde(default)]
    pub(crate) alsace_moselle: Option<String>,
}

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
        .filter(appointment::Column::Status.is_in(["planned", "seen", "no_show"]))
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
            "Date AAAA-MM-JJ attendue.",
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

pub async fn list_types(t: &Scope, p: Paging) -> ServiceResult<Page<AppointmentType>> {
    let (limit, after) = (p.limit()?, p.after()?);
    let rows = t
        .scoped::<appointment_type::Entity>()
        .filter(appointment_type::Column::DeletedAt.is_null())
        .filter(appointment_type::Column::ChangeSeq.gt(after))
        .order_by_asc(appointment_type::Column::ChangeSeq)
        .limit(limit)
        .all(t.db())
        .await?;
    Ok(page(rows, limit, |r| r.change_seq, type_dto))
}

pub async fn create_type(t: &Scope, i: AppointmentTypeInput) -> ServiceResult<AppointmentType> {
    let (name, label) = validate_type(&i)?;
    let now = Utc::now();
    let (_turn, txn) = t.state.begin_write().await?;
    let m = appointment_type::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(t.organisation_id()),
        name: Set(name),
        public_label: Set(label),
        duration_minutes: Set(i.duration_minutes),
        step_minutes: Set(i.step_minutes.unwrap_or(i.duration_minutes)),
        buffer_before_minutes: Set(i.buffer_before_minutes),
        buffer_after_minutes: Set(i.buffer_after_minutes),
        min_notice_minutes: Set(i.min_notice_minutes),
        max_horizon_days: Set(i.max_horizon_days.unwrap_or(60)),
        place_kind: Set(place_str(i.place_kind).into()),
        bookable_by: Set(bookable_str(i.bookable_by).into()),
        reminders: Set(i.reminders),
        reminder_offset_hours: Set(i.reminder_offset_hours.unwrap_or(48)),
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(next_change_seq(&txn).await?),
        deleted_at: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(type_dto(m))
}

pub async fn update_type(
    t: &Scope,
    id: Uuid,
    i: AppointmentTypeInput,
) -> ServiceResult<AppointmentType> {
    let (name, label) = validate_type(&i)?;
    let existing = find_type(&t, id, "id")
        .await
        .map_err(|_| ServiceError::not_found())?;
    let (_turn, txn) = t.state.begin_write().await?;
    let mut am = existing.into_active_model();
    am.name = Set(name);
    am.public_label = Set(label);
    am.duration_minutes = Set(i.duration_minutes);
    am.step_minutes = Set(i.step_minutes.unwrap_or(i.duration_minutes));
    am.buffer_before_minutes = Set(i.buffer_before_minutes);
    am.buffer_after_minutes = Set(i.buffer_after_minutes);
    am.min_notice_minutes = Set(i.min_notice_minutes);
    am.max_horizon_days = Set(i.max_horizon_days.unwrap_or(60));
    am.place_kind = Set(place_str(i.place_kind).into());
    am.bookable_by = Set(bookable_str(i.bookable_by).into());
    am.reminders = Set(i.reminders);
    am.reminder_offset_hours = Set(i.reminder_offset_hours.unwrap_or(48));
    am.updated_at = Set(Utc::now());
    am.change_seq = Set(next_change_seq(&txn).await?);
    let m = am.update(&txn).await?;
    txn.commit().await?;
    Ok(type_dto(m))
}

pub async fn list_windows(t: &Scope, q: CalendarQuery) -> ServiceResult<Vec<OpeningWindow>> {
    let mut sel = t
        .scoped::<opening_window::Entity>()
        .filter(opening_window::Column::DeletedAt.is_null());
    if let Some(c) = uuid_param(&q.coordinator_id, "coordinator_id")? {
        sel = sel.filter(opening_window::Column::CoordinatorId.eq(c));
    }
    if let Some(s) = uuid_param(&q.site_id, "site_id")? {
        sel = sel.filter(opening_window::Column::SiteId.eq(s));
    }
    let rows = sel
        .order_by_asc(opening_window::Column::ChangeSeq)
        .limit(1000)
        .all(t.db())
        .await?;
    Ok(rows.into_iter().map(window_dto).collect())
}

pub async fn create_window(t: &Scope, i: OpeningWindowInput) -> ServiceResult<OpeningWindow> {
    own_calendar(&t, i.coordinator_id)?;
    let mut v = Validator::new();
    check_days(&mut v, "days", &i.days);
    check_range(&mut v, "end", i.start, i.end);
    if let (Some(f), Some(u)) = (i.valid_from, i.valid_until)
        && f > u
    {
        v.push(
            "valid_until",
            "end_before_start",
            "La fin de validité précède son début.",
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    find_coordinator(&t, i.coordinator_id, "coordinator_id").await?;
    find_site(&t, i.site_id, "site_id").await?;
    let rule = WeeklyWindow {
        days: i.days.clone(),
        start: i.start,
        end: i.end,
        valid_from: i.valid_from,
        valid_until: i.valid_until,
    };
    let now = Utc::now();
    let (_turn, txn) = t.state.begin_write().await?;
    let seq = next_change_seq(&txn).await?; // takes the write lock before the overlap check
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
            format!(
                "Chevauche la plage {} ({}–{}).",
                clash.id, clash.start_time, clash.end_time
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
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(seq),
        deleted_at: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(window_dto(m))
}

pub async fn delete_window(t: &Scope, id: Uuid) -> ServiceResult<()> {
    delete_calendar_row::<opening_window::Entity>(&t, id, |r| r.coordinator_id).await
}

pub async fn list_exceptions(t: &Scope, q: CalendarQuery) -> ServiceResult<Vec<ScheduleException>> {
    let mut sel = t
        .scoped::<schedule_exception::Entity>()
        .filter(schedule_exception::Column::DeletedAt.is_null());
    if let Some(c) = uuid_param(&q.coordinator_id, "coordinator_id")? {
        sel = sel.filter(schedule_exception::Column::CoordinatorId.eq(c));
    }
    if let Some(s) = uuid_param(&q.site_id, "site_id")? {
        sel = sel.filter(schedule_exception::Column::SiteId.eq(s));
    }
    let rows = sel
        .order_by_asc(schedule_exception::Column::Date)
        .limit(1000)
        .all(t.db())
        .await?;
    Ok(rows.into_iter().map(exception_dto).collect())
}

pub async fn create_exception(
    t: &Scope,
    i: ScheduleExceptionInput,
) -> ServiceResult<ScheduleException> {
    own_calendar(&t, i.coordinator_id)?;
    find_coordinator(&t, i.coordinator_id, "coordinator_id").await?;
    let s = find_site(&t, i.site_id, "site_id").await?;
    let mut v = Validator::new();
    match (i.kind.as_str(), i.start, i.end) {
        ("closed", None, None) => {}
        ("closed", _, _) => v.push(
            "start",
            "not_allowed",
            "Une fermeture couvre la journée : pas d'heures.",
        ),
        ("extra", Some(st), Some(en)) => {
            check_range(&mut v, "end", st, en);
            // A dated window must name real instants.
            for (field, time) in [("start", st), ("end", en)] {
                if let Err(p) = schedule::exact_instant(site_tz(&s), i.date.and_time(time)) {
                    local_problem(&mut v, field, p);
                }
            }
        }
        ("extra", _, _) => v.push(
            "start",
            "required",
            "Une plage supplémentaire a un début et une fin.",
        ),
        _ => v.push("kind", "invalid", "closed ou extra."),
    }
    v.finish().map_err(ServiceError::validation)?;
    let now = Utc::now();
    let (_turn, txn) = t.state.begin_write().await?;
    let m = schedule_exception::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(t.organisation_id()),
        coordinator_id: Set(i.coordinator_id),
        site_id: Set(i.site_id),
        date: Set(i.date),
        kind: Set(i.kind.clone()),
        start_time: Set(i.start.map(time_text)),
        end_time: Set(i.end.map(time_text)),
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(next_change_seq(&txn).await?),
        deleted_at: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(exception_dto(m))
}

pub async fn delete_exception(t: &Scope, id: Uuid) -> ServiceResult<()> {
    delete_calendar_row::<schedule_exception::Entity>(&t, id, |r| r.coordinator_id).await
}

pub async fn list_absences(t: &Scope, q: CalendarQuery) -> ServiceResult<Vec<Absence>> {
    let mut sel = t
        .scoped::<absence::Entity>()
        .filter(absence::Column::DeletedAt.is_null());
    if let Some(c) = uuid_param(&q.coordinator_id, "coordinator_id")? {
        sel = sel.filter(absence::Column::CoordinatorId.eq(c));
    }
    let rows = sel
        .order_by_asc(absence::Column::ChangeSeq)
        .limit(1000)
        .all(t.db())
        .await?;
    Ok(rows.into_iter().map(absence_dto).collect())
}

pub async fn create_absence(t: &Scope, i: AbsenceInput) -> ServiceResult<Absence> {
    own_calendar(&t, i.coordinator_id)?;
    find_coordinator(&t, i.coordinator_id, "coordinator_id").await?;
    let mut v = Validator::new();
    let mut instants = (None, None);
    match i.kind.as_str() {
        "one_off" => {
            let tz: Option<Tz> = match i.time_zone.as_deref() {
                None => Some(chrono_tz::Europe::Paris),
                Some(z) => z.parse().ok(),
            };
            match (tz, i.start_local, i.end_local) {
                (None, _, _) => v.push("time_zone", "unknown_time_zone", "Fuseau IANA inconnu."),
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
                            "La fin doit suivre le début.",
                        );
                    }
                    instants = (s, e);
                }
                _ => v.push(
                    "start_local",
                    "required",
                    "Une absence ponctuelle a un début et une fin.",
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
                "Une absence récurrente a des jours, un début et une fin.",
            ),
        },
        _ => v.push("kind", "invalid", "one_off ou recurring."),
    }
    v.finish().map_err(ServiceError::validation)?;
    let now = Utc::now();
    let recurring = i.kind == "recurring";
    let (_turn, txn) = t.state.begin_write().await?;
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
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(next_change_seq(&txn).await?),
        deleted_at: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(absence_dto(m))
}

pub async fn delete_absence(t: &Scope, id: Uuid) -> ServiceResult<()> {
    delete_calendar_row::<absence::Entity>(&t, id, |r| r.coordinator_id).await
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
                "Année entre 1900 et 2200.",
            )
        })?;
    let am = match q.alsace_moselle.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ServiceError::field(
                ProblemCode::InvalidParameter,
                "alsace_moselle",
                "true ou false.",
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

/// Free slots of one appointment type at one site, for one coordinator or all of them.
pub async fn availability(t: &Scope, q: AvailabilityQuery) -> ServiceResult<Vec<Slot>> {
    let type_id = uuid_param(&Some(q.type_id.clone()), "type_id")?.unwrap_or_default();
    let site_id = uuid_param(&Some(q.site_id.clone()), "site_id")?.unwrap_or_default();
    let coordinator = uuid_param(&q.coordinator_id, "coordinator_id")?;
    let (from, to) = (date_param(&q.from, "from")?, date_param(&q.to, "to")?);
    if to < from {
        return Err(ServiceError::field(
            ProblemCode::ReversedRange,
            "to",
            "La fin précède le début.",
        ));
    }
    if (to - from).num_days() > 92 {
        return Err(ServiceError::field(
            ProblemCode::RangeTooLong,
            "to",
            "92 jours au plus par recherche.",
        ));
    }
    let ty = find_type(&t, type_id, "type_id").await?;
    let rules = rules_of(&ty);
    let now = Utc::now();
    if from > (now + rules.horizon).date_naive() + Duration::days(1) {
        return Err(ServiceError::field(
            ProblemCode::PastHorizon,
            "from",
            format!(
                "Au-delà de l'horizon de réservation ({} jours).",
                ty.max_horizon_days
            ),
        ));
    }
    let site = find_site(&t, site_id, "site_id").await?;
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
    let slots = schedule::free_slots_many(&data.calendars(), &rules, from, to, now);
    Ok(slots
        .into_iter()
        .map(|s| data.slot_dto(s.coordinator, s.slot))
        .collect())
}

/// The first free slot from today up to the type's horizon, across the site's coordinators.
pub async fn next_available(t: &Scope, q: NextQuery) -> ServiceResult<Option<Slot>> {
    let type_id = uuid_param(&Some(q.type_id.clone()), "type_id")?.unwrap_or_default();
    let site_id = uuid_param(&Some(q.site_id.clone()), "site_id")?.unwrap_or_default();
    let coordinator = uuid_param(&q.coordinator_id, "coordinator_id")?;
    let ty = find_type(&t, type_id, "type_id").await?;
    let rules = rules_of(&ty);
    let site = find_site(&t, site_id, "site_id").await?;
    let now = Utc::now();
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
