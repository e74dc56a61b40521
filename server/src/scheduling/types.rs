//! Appointment types: what can be booked, for how long, with which notice and horizon.

use crate::error::{ServiceError, ServiceResult};
use crate::paging::Paging;
use crate::scheduling::rules::{find_type, type_dto};
use crate::scope::Scope;
use crate::store::Stamp;
use crate::store::entities::appointment_type;
use relais_domain::Validator;
use relais_domain::dto::{AppointmentType, AppointmentTypeInput, Page};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use uuid::Uuid;

pub(crate) fn validate_type(i: &AppointmentTypeInput) -> ServiceResult<(String, String)> {
    let mut v = Validator::new();
    let name = v.required_text("name", &i.name, relais_domain::limits::NAME);
    let label = v.required_text("public_label", &i.public_label, relais_domain::limits::NAME);
    use relais_domain::limits::{BUFFER, DURATION, HORIZON, NOTICE, REMINDER_HOURS};
    let within = |(least, most): (i64, i64), x: i32| (least..=most).contains(&i64::from(x));
    if !within(DURATION, i.duration_minutes) {
        v.push(
            "duration_minutes",
            "out_of_range",
            (
                "Durée entre 5 minutes et 8 heures.",
                "A duration between 5 minutes and 8 hours.",
            ),
        );
    }
    if let Some(s) = i.step_minutes
        && !within(DURATION, s)
    {
        v.push(
            "step_minutes",
            "out_of_range",
            (
                "Pas entre 5 minutes et 8 heures.",
                "Step between 5 minutes and 8 hours.",
            ),
        );
    }
    for (f, x) in [
        ("buffer_before_minutes", i.buffer_before_minutes),
        ("buffer_after_minutes", i.buffer_after_minutes),
    ] {
        if !within(BUFFER, x) {
            v.push(
                f,
                "out_of_range",
                ("Entre 0 et 240 minutes.", "Between 0 and 240 minutes."),
            );
        }
    }
    if !within(NOTICE, i.min_notice_minutes) {
        v.push(
            "min_notice_minutes",
            "out_of_range",
            ("Entre 0 et 30 jours.", "Between 0 and 30 days."),
        );
    }
    if let Some(h) = i.max_horizon_days
        && !within(HORIZON, h)
    {
        v.push(
            "max_horizon_days",
            "out_of_range",
            ("Entre 1 et 366 jours.", "Between 1 and 366 days."),
        );
    }
    if let Some(h) = i.reminder_offset_hours
        && !within(REMINDER_HOURS, h)
    {
        v.push(
            "reminder_offset_hours",
            "out_of_range",
            ("Entre 1 et 168 heures.", "Between 1 and 168 hours."),
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    Ok((name.unwrap_or_default(), label.unwrap_or_default()))
}

pub async fn list_types(t: &Scope, p: Paging) -> ServiceResult<Page<AppointmentType>> {
    let (rows, limit) = crate::paging::live_rows::<appointment_type::Entity>(t, &p).await?;
    Ok(crate::paging::keyset_page(
        rows,
        limit,
        |r| (r.change_seq, r.id),
        type_dto,
    ))
}

pub async fn create_type(t: &Scope, i: AppointmentTypeInput) -> ServiceResult<AppointmentType> {
    let (name, label) = validate_type(&i)?;
    let now = t.now();
    let (_turn, txn) = t.begin_write().await?;
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
        place_kind: Set(i.place_kind.as_str().into()),
        bookable_by: Set(i.bookable_by.as_str().into()),
        reminders: Set(i.reminders),
        reminder_offset_hours: Set(i.reminder_offset_hours.unwrap_or(48)),
        ..Stamp::take(&txn, now).await?.new_row()
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
    let existing = find_type(t, id, "id")
        .await
        .map_err(|_| ServiceError::not_found())?;
    let (_turn, txn) = t.begin_write().await?;
    let mut am = existing.into_active_model();
    am.name = Set(name);
    am.public_label = Set(label);
    am.duration_minutes = Set(i.duration_minutes);
    am.step_minutes = Set(i.step_minutes.unwrap_or(i.duration_minutes));
    am.buffer_before_minutes = Set(i.buffer_before_minutes);
    am.buffer_after_minutes = Set(i.buffer_after_minutes);
    am.min_notice_minutes = Set(i.min_notice_minutes);
    am.max_horizon_days = Set(i.max_horizon_days.unwrap_or(60));
    am.place_kind = Set(i.place_kind.as_str().into());
    am.bookable_by = Set(i.bookable_by.as_str().into());
    am.reminders = Set(i.reminders);
    am.reminder_offset_hours = Set(i.reminder_offset_hours.unwrap_or(48));
    Stamp::take(&txn, t.now()).await?.changed(&mut am);
    let m = am.update(&txn).await?;
    txn.commit().await?;
    Ok(type_dto(m))
}
