//! Calendar feeds: an iCalendar subscription per coordinator, by unguessable token.

use crate::crypto::{random_token, token_hash};
use crate::error::{ServiceError, ServiceResult};
use crate::scheduling::booking::participants;
use crate::scope::Scope;
use crate::store::entities::{appointment, appointment_type, calendar_feed, person, site};
use crate::store::{OrgScoped, Stamp};
use chrono::{DateTime, Duration, Utc};
use relais_domain::dto::{AppointmentStatus, CalendarFeed, CalendarFeedInput};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

pub(crate) fn ics_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Fold lines at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.
pub(crate) fn ics_line(out: &mut String, line: &str) {
    let mut count = 0;
    for c in line.chars() {
        if count + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            count = 1;
        }
        out.push(c);
        count += c.len_utf8();
    }
    out.push_str("\r\n");
}

pub(crate) fn ics_time(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A calendar feed as iCalendar text: no login (calendar apps cannot), the unguessable
/// token is the secret; revoking the feed ends it, and so does its owner losing the right to
/// read files. 30 days back, 180 days ahead.
pub async fn feed(state: &crate::state::AppState, token: &str) -> ServiceResult<String> {
    let db = state.db();
    let f = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TokenHash.eq(token_hash(token)))
        .filter(calendar_feed::Column::RevokedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let org = f.organisation_id;
    // The feed dies with its owner's right to see these files: disabled, deleted, or no
    // longer a role that reads files.
    let owner = crate::store::entities::account::Entity::find_by_id(f.coordinator_id)
        .one(db)
        .await?
        .filter(|a| a.organisation_id == org && !a.disabled && a.deleted_at.is_none())
        .filter(|a| relais_domain::Role::parse(&a.role).is_some_and(|r| r.may_read_person_files()));
    if owner.is_none() {
        return Err(ServiceError::not_found());
    }
    let now = state.now();
    let rows = appointment::Entity::scoped(org)
        .filter(appointment::Column::CoordinatorId.eq(f.coordinator_id))
        .filter(appointment::Column::DeletedAt.is_null())
        .filter(appointment::Column::StartsAt.gte(now - Duration::days(30)))
        .filter(appointment::Column::StartsAt.lt(now + Duration::days(180)))
        .order_by_asc(appointment::Column::StartsAt)
        .limit(5000)
        .all(db)
        .await?;
    let sites: HashMap<Uuid, site::Model> = site::Entity::scoped(org)
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let types: HashMap<Uuid, String> = appointment_type::Entity::scoped(org)
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.public_label))
        .collect();
    let mut initials: HashMap<Uuid, String> = HashMap::new();
    if f.show_names {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let people = participants(db, org, &ids).await?;
        let pids: Vec<Uuid> = people.values().flatten().copied().collect();
        let persons: HashMap<Uuid, person::Model> = person::Entity::scoped(org)
            .filter(person::Column::Id.is_in(pids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        for (appt, ps) in people {
            let names: Vec<String> = ps
                .iter()
                .filter_map(|p| persons.get(p))
                .filter_map(|p| crate::casework::persons::initials_of(state.cipher(), p).ok())
                .collect();
            initials.insert(appt, names.join(", "));
        }
    }
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Relais//Agenda//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Relais",
    ] {
        ics_line(&mut out, l);
    }
    for m in rows {
        let site = sites.get(&m.site_id);
        let mut summary = types
            .get(&m.type_id)
            .cloned()
            .unwrap_or_else(|| "Rendez-vous".into());
        if let Some(n) = initials.get(&m.id).filter(|n| !n.is_empty()) {
            summary = format!("{summary} – {n}");
        }
        ics_line(&mut out, "BEGIN:VEVENT");
        ics_line(&mut out, &format!("UID:{}@relais", m.id));
        ics_line(&mut out, &format!("DTSTAMP:{}", ics_time(m.updated_at)));
        ics_line(&mut out, &format!("DTSTART:{}", ics_time(m.starts_at)));
        ics_line(&mut out, &format!("DTEND:{}", ics_time(m.ends_at)));
        ics_line(&mut out, &format!("SEQUENCE:{}", m.version));
        ics_line(&mut out, &format!("SUMMARY:{}", ics_escape(&summary)));
        if let Some(s) = site {
            ics_line(
                &mut out,
                &format!(
                    "LOCATION:{}",
                    ics_escape(&format!("{}, {}", s.name, s.address))
                ),
            );
        }
        let status =
            if AppointmentStatus::parse(&m.status).is_some_and(AppointmentStatus::takes_time) {
                "CONFIRMED"
            } else {
                "CANCELLED"
            };
        ics_line(&mut out, &format!("STATUS:{status}"));
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    Ok(out)
}

/// The caller's live feeds; an admin sees every account's, to revoke them.
pub async fn list_feeds(t: &Scope) -> ServiceResult<Vec<CalendarFeed>> {
    let mut q = calendar_feed::Entity::scoped(t.organisation_id())
        .filter(calendar_feed::Column::RevokedAt.is_null());
    if t.staff()?.role != relais_domain::Role::Admin {
        q = q.filter(calendar_feed::Column::CoordinatorId.eq(t.staff()?.account_id));
    }
    let rows = q
        .order_by_asc(calendar_feed::Column::CreatedAt)
        .limit(1000)
        .all(t.db())
        .await?;
    Ok(rows
        .into_iter()
        .map(|m| CalendarFeed {
            id: m.id,
            path: None,
            show_names: m.show_names,
            created_at: m.created_at,
            account_id: Some(m.coordinator_id),
        })
        .collect())
}

pub async fn revoke_feed(t: &Scope, id: Uuid) -> ServiceResult<()> {
    let now = t.now();
    let (_turn, txn) = t.begin_write().await?;
    let stamp = Stamp::take(&txn, now).await?;
    let mut q = stamp
        .changed_many(calendar_feed::Entity::update_many())
        .col_expr(
            calendar_feed::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(calendar_feed::Column::OrganisationId.eq(t.organisation_id()));
    // An admin revokes anyone's feed in the organisation; others only their own.
    if t.staff()?.role != relais_domain::Role::Admin {
        q = q.filter(calendar_feed::Column::CoordinatorId.eq(t.staff()?.account_id));
    }
    let r = q
        .filter(calendar_feed::Column::Id.eq(id))
        .filter(calendar_feed::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if r.rows_affected == 0 {
        return Err(ServiceError::not_found());
    }
    txn.commit().await?;
    Ok(())
}

/// A new calendar feed for the caller; its path (with the token) is shown once.
pub async fn create_feed(t: &Scope, i: CalendarFeedInput) -> ServiceResult<CalendarFeed> {
    let token = random_token(32);
    let now = t.now();
    let (_turn, txn) = t.begin_write().await?;
    let m = calendar_feed::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(t.organisation_id()),
        coordinator_id: Set(t.staff()?.account_id),
        token_hash: Set(token_hash(&token)),
        show_names: Set(i.show_names),
        revoked_at: Set(None),
        ..Stamp::take(&txn, now).await?.new_row()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(CalendarFeed {
        id: m.id,
        path: Some(format!("/api/v1/calendar/{token}.ics")),
        show_names: m.show_names,
        created_at: now,
        account_id: Some(m.coordinator_id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ics_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(60));
        ics_line(&mut out, &long);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), long);
        assert_eq!(ics_escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
