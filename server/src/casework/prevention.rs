//! Prevention actions: recorded by the service's staff, listed by period, removed when
//! entered by mistake, and counted by the report. No person is ever named in one.

use crate::audit::{self, Action};
use crate::casework::common::word;
use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::store::entities::{partner, prevention_action};
use crate::store::{Stamp, soft_delete};
use chrono::NaiveDate;
use relais_domain::Validator;
use relais_domain::dto::{PreventionAction, PreventionActionInput};
use relais_domain::prevention::{self, DateProblem, PreventionKind};
use relais_domain::problem::ProblemCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

fn count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

pub(crate) fn partner_ids_of(stored: &str) -> Vec<Uuid> {
    stored
        .split(',')
        .filter_map(|s| Uuid::parse_str(s.trim()).ok())
        .collect()
}

pub(crate) fn action_dto(m: &prevention_action::Model) -> ServiceResult<PreventionAction> {
    Ok(PreventionAction {
        id: m.id,
        held_on: m.held_on,
        kind: word(&m.kind, PreventionKind::parse, "prevention_action.kind")?,
        place: m.place.clone(),
        partner_ids: partner_ids_of(&m.partner_ids),
        people_reached: count(m.people_reached),
        pupils: m.pupils.map(count),
        inhabitants: m.inhabitants.map(count),
        professionals: m.professionals.map(count),
        created_at: m.created_at,
    })
}

/// The organisation's day today (its first site's zone).
async fn today(t: &Scope) -> ServiceResult<NaiveDate> {
    let zone = crate::zone::Zones::load(t.db(), t.organisation_id())
        .await?
        .organisation();
    Ok(zone.local(t.now()).date())
}

fn reached(n: u32) -> i32 {
    i32::try_from(n.min(prevention::MOST_REACHED)).unwrap_or(i32::MAX)
}

/// Record an action. Refused, naming the field: a blank place, more people counted apart
/// than reached (422); a date in the future or over three calendar years back, a partner
/// not in the directory (409).
pub async fn record(t: &Scope, i: PreventionActionInput) -> ServiceResult<PreventionAction> {
    let mut v = Validator::new();
    let place = v.required_text("place", &i.place, relais_domain::limits::NAME);
    let most = prevention::MOST_REACHED;
    for (field, n) in [
        ("people_reached", Some(i.people_reached)),
        ("pupils", i.pupils),
        ("inhabitants", i.inhabitants),
        ("professionals", i.professionals),
    ] {
        if n.is_some_and(|n| n > most) {
            v.push(
                field,
                "out_of_range",
                (
                    format!("{most} personnes au plus."),
                    format!("{most} people at most."),
                ),
            );
        }
    }
    if let Some(sum) = prevention::parts_over_total(
        i.people_reached,
        &[i.pupils, i.inhabitants, i.professionals],
    ) {
        v.push(
            "people_reached",
            "parts_over_total",
            (
                format!(
                    "Les publics comptés à part ({sum}) dépassent les personnes sensibilisées ({})",
                    i.people_reached
                ),
                format!(
                    "The publics counted apart ({sum}) outnumber the people reached ({})",
                    i.people_reached
                ),
            ),
        );
    }
    if i.partner_ids.len() > relais_domain::limits::ACTION_PARTNERS {
        v.push(
            "partner_ids",
            "too_many",
            (
                format!(
                    "{} partenaires au plus.",
                    relais_domain::limits::ACTION_PARTNERS
                ),
                format!(
                    "{} partners at most.",
                    relais_domain::limits::ACTION_PARTNERS
                ),
            ),
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    if let Err(p) = prevention::check_date(i.held_on, today(t).await?) {
        let code = match p {
            DateProblem::InFuture => ProblemCode::InFuture,
            DateProblem::TooOld => ProblemCode::TooOld,
        };
        return Err(ServiceError::field(code, "held_on", p.said()));
    }
    let mut partners = i.partner_ids.clone();
    partners.sort();
    partners.dedup();
    if !partners.is_empty() {
        let known = t
            .scoped::<partner::Entity>()
            .filter(partner::Column::DeletedAt.is_null())
            .filter(partner::Column::Id.is_in(partners.clone()))
            .all(t.db())
            .await?
            .len();
        if known != partners.len() {
            return Err(ServiceError::field(
                ProblemCode::Unknown,
                "partner_ids",
                (
                    "Partenaire inconnu de l'annuaire.",
                    "A partner not in the directory.",
                ),
            ));
        }
    }
    let now = t.now();
    let id = Uuid::new_v4();
    let (_turn, txn) = t.begin_write().await?;
    let m = prevention_action::ActiveModel {
        id: Set(id),
        organisation_id: Set(t.organisation_id()),
        held_on: Set(i.held_on),
        kind: Set(i.kind.as_str().into()),
        place: Set(place.unwrap_or_default()),
        partner_ids: Set(partners
            .iter()
            .map(Uuid::to_string)
            .collect::<Vec<_>>()
            .join(",")),
        people_reached: Set(reached(i.people_reached)),
        pupils: Set(i.pupils.map(reached)),
        inhabitants: Set(i.inhabitants.map(reached)),
        professionals: Set(i.professionals.map(reached)),
        account_id: Set(t.staff()?.account_id),
        ..Stamp::take(&txn, now).await?.new_row()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        t.audit_event(
            Action::PreventionActionRecorded,
            Some("prevention_action"),
            Some(id),
            "ok",
        ),
    )
    .await?;
    txn.commit().await?;
    action_dto(&m)
}

/// The actions held in `[from, to]`, the latest first: `to` today when not given, `from`
/// the first day of the year before `to`'s. A filter: the other way round, it keeps none.
pub async fn list(
    t: &Scope,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ServiceResult<Vec<PreventionAction>> {
    use chrono::Datelike;
    let to = match to {
        Some(d) => d,
        None => today(t).await?,
    };
    let from = from.unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year() - 1, 1, 1).unwrap_or(to));
    held_between(t.db(), t.organisation_id(), from, to)
        .await?
        .iter()
        .map(action_dto)
        .collect()
}

/// The stored actions of `[from, to]`, the latest first: the list and the report's facts.
pub(crate) async fn held_between<C: sea_orm::ConnectionTrait>(
    db: &C,
    org: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<prevention_action::Model>, sea_orm::DbErr> {
    use crate::store::OrgScoped;
    prevention_action::Entity::scoped(org)
        .filter(prevention_action::Column::DeletedAt.is_null())
        .filter(prevention_action::Column::HeldOn.gte(from))
        .filter(prevention_action::Column::HeldOn.lte(to))
        .order_by_desc(prevention_action::Column::HeldOn)
        .order_by_desc(prevention_action::Column::CreatedAt)
        .all(db)
        .await
}

/// The usual list: from the first day of last year to today.
pub async fn recent(t: &Scope) -> ServiceResult<(NaiveDate, NaiveDate, Vec<PreventionAction>)> {
    use chrono::Datelike;
    let to = today(t).await?;
    let from = NaiveDate::from_ymd_opt(to.year() - 1, 1, 1).unwrap_or(to);
    Ok((from, to, list(t, Some(from), Some(to)).await?))
}

/// Remove an action entered by mistake (it leaves the report).
pub async fn remove(t: &Scope, id: Uuid) -> ServiceResult<()> {
    let (_turn, txn) = t.begin_write().await?;
    if !soft_delete::<prevention_action::Entity, _>(&txn, t.organisation_id(), id, t.now()).await? {
        return Err(ServiceError::not_found());
    }
    audit::record(
        &txn,
        t.audit_event(
            Action::PreventionActionRemoved,
            Some("prevention_action"),
            Some(id),
            "ok",
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
