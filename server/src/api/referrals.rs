//! Referrals: the one-way inbox. A referrer (gendarme, police officer, partner) hands a
//! situation over, from their account or from their unit's software with an API key; they
//! then see only a status. Never the social follow-up: coordinators are bound by secrecy.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use chrono::Utc;
use relais_domain::Validator;
use relais_domain::casework::problems_to_str;
use relais_domain::dto::{
    PartnerUnit, PartnerUnitInput, PersonInput, ReferralInput, ReferralStatus,
};
use relais_domain::outreach::{Initiative, OriginChannel, State};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::error::{ServiceError, ServiceResult};
use super::extract::{ApiJson, PathId};
use super::situations::{NewSituation, insert_situation, validate_problems, word};
use crate::api::caller::{Admins, AnyRole, Staff, client_ip};
use crate::audit::{self, Action};
use crate::crypto::{random_token, token_hash};
use crate::state::AppState;
use crate::store::OrgScoped;
use crate::store::entities::{partner_unit, situation};

/// Who sent a referral.
enum Sender {
    Account(Uuid),
    Unit(partner_unit::Model),
}

fn status_of(m: &situation::Model) -> ServiceResult<ReferralStatus> {
    let state = word(&m.state, State::parse, "situation.state")?;
    Ok(ReferralStatus {
        id: m.id,
        submitted_at: m.received_at,
        unit: m.unit.clone(),
        external_ref: m.external_ref.clone(),
        status: state.referrer_status(m.first_contact_at.is_some()),
    })
}

async fn submit(
    state: &AppState,
    org: Uuid,
    sender: Sender,
    audit_event: audit::Event,
    i: ReferralInput,
) -> ServiceResult<(StatusCode, Json<ReferralStatus>)> {
    let mut v = Validator::new();
    validate_problems(&mut v, &i.problems);
    let unit = v.optional_text("unit", i.unit.as_deref(), 200);
    let note = v.optional_text("note", i.note.as_deref(), 2_000);
    let external_ref = v.optional_text("external_ref", i.external_ref.as_deref(), 100);
    let channel = match (&sender, i.channel) {
        (Sender::Unit(u), _) => OriginChannel::parse(&u.channel).unwrap_or(OriginChannel::Partner),
        (Sender::Account(_), Some(c)) if c.is_referral() => c,
        (Sender::Account(_), Some(_)) => {
            v.push(
                "channel",
                "not_a_referral_channel",
                "gendarmerie, police_nationale, police_municipale ou partner.",
            );
            OriginChannel::Partner
        }
        (Sender::Account(_), None) => {
            v.push("channel", "required", "Canal d'origine requis.");
            OriginChannel::Partner
        }
    };
    if unit.is_none() && matches!(sender, Sender::Account(_)) {
        v.push(
            "unit",
            "required",
            "Unité (brigade, commissariat, service) requise.",
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    let unit = match &sender {
        Sender::Unit(u) => Some(u.name.clone()),
        Sender::Account(_) => unit,
    };
    let (referred_by, unit_id) = match &sender {
        Sender::Account(a) => (Some(*a), None),
        Sender::Unit(u) => (None, Some(u.id)),
    };
    // The same reference from the same sender: the first referral, not a duplicate.
    if let Some(r) = &external_ref {
        let mut q =
            situation::Entity::scoped(org).filter(situation::Column::ExternalRef.eq(r.clone()));
        q = match (referred_by, unit_id) {
            (Some(a), _) => q.filter(situation::Column::ReferredBy.eq(a)),
            (_, Some(u)) => q.filter(situation::Column::PartnerUnitId.eq(u)),
            _ => q,
        };
        if let Some(prev) = q.one(state.db()).await? {
            return Ok((StatusCode::OK, Json(status_of(&prev)?)));
        }
    }
    // Only a coordinator checks a safe-contact profile: what a referrer or a unit's
    // software sends is recorded as declared, and no message goes out on it.
    let mut safe_contact = i.safe_contact;
    safe_contact.checked_at = None;
    let c = state.cipher();
    let (_turn, txn) = state.begin_write().await?;
    let p = super::persons::insert_person(
        &txn,
        c,
        org,
        referred_by.or(unit_id).unwrap_or_default(),
        PersonInput {
            first_name: i.first_name,
            last_name: i.last_name,
            birth_year: i.birth_year,
            sex: i.sex,
            phone: i.phone,
            email: None,
            address: None,
            safe_contact,
            notes: None,
        },
    )
    .await?;
    let m = insert_situation(
        &txn,
        c,
        org,
        NewSituation {
            urgency: i.urgency,
            problems: problems_to_str(&i.problems),
            consent_to_contact: i.consent_to_contact,
            document_type: i.document_type,
            unit,
            referred_by,
            partner_unit_id: unit_id,
            external_ref,
            note,
            ..NewSituation::new(p.id, i.kind, channel, Initiative::ThirdParty, i.person_role)
        },
    )
    .await?;
    let mut e = audit_event;
    e.record_id = Some(m.id);
    audit::record(&txn, e).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(status_of(&m)?)))
}

/// Hand a situation over. The answer, and everything the sender can read afterwards, is a
/// status: received, contact made, no contact possible, closed.
#[utoipa::path(post, path = "/api/v1/referrals", tag = "referrals", security(("bearer" = [])), request_body = ReferralInput,
    responses((status = 201, body = ReferralStatus), (status = 200, body = ReferralStatus, description = "same external_ref: the first referral"), (status = 422, body = super::error::Problem)))]
pub async fn create(
    t: Staff<AnyRole>,
    ApiJson(i): ApiJson<ReferralInput>,
) -> ServiceResult<(StatusCode, Json<ReferralStatus>)> {
    let e = t.audit_event(Action::ReferralReceived, Some("situation"), None, "ok");
    submit(
        &t.state,
        t.organisation_id(),
        Sender::Account(t.caller.account_id),
        e,
        i,
    )
    .await
}

/// The caller's own referrals and their statuses, newest first.
#[utoipa::path(get, path = "/api/v1/referrals", tag = "referrals", security(("bearer" = [])),
    responses((status = 200, body = Vec<ReferralStatus>)))]
pub async fn list(t: Staff<AnyRole>) -> ServiceResult<Json<Vec<ReferralStatus>>> {
    let rows = t
        .scoped::<situation::Entity>()
        .filter(situation::Column::ReferredBy.eq(t.caller.account_id))
        .filter(situation::Column::DeletedAt.is_null())
        .order_by_desc(situation::Column::ReceivedAt)
        .limit(500)
        .all(t.db())
        .await?;
    Ok(Json(
        rows.iter().map(status_of).collect::<ServiceResult<_>>()?,
    ))
}

#[utoipa::path(get, path = "/api/v1/referrals/{id}", tag = "referrals", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = ReferralStatus), (status = 404, body = super::error::Problem)))]
pub async fn get(t: Staff<AnyRole>, PathId(id): PathId) -> ServiceResult<Json<ReferralStatus>> {
    let m = t
        .scoped::<situation::Entity>()
        .filter(situation::Column::Id.eq(id))
        .filter(situation::Column::ReferredBy.eq(t.caller.account_id))
        .filter(situation::Column::DeletedAt.is_null())
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::not_found)?;
    Ok(Json(status_of(&m)?))
}

/// A partner unit's software, authenticated by `Authorization: ApiKey <key>`.
pub struct UnitCaller {
    unit: partner_unit::Model,
    state: AppState,
    ip: Option<String>,
}

impl FromRequestParts<AppState> for UnitCaller {
    type Rejection = ServiceError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ServiceError> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, k)| {
                scheme.eq_ignore_ascii_case("apikey") && !k.is_empty() && k.len() <= 200
            })
            .map(|(_, k)| k.trim().to_owned())
            .ok_or_else(|| {
                ServiceError::unauthenticated()
                    .detail("Clé d'API absente : « Authorization: ApiKey <clé> ».")
            })?;
        let unit = partner_unit::Entity::find()
            .filter(partner_unit::Column::KeyHash.eq(token_hash(&key)))
            .filter(partner_unit::Column::RevokedAt.is_null())
            .one(state.db())
            .await?
            .ok_or_else(|| {
                ServiceError::unauthenticated().detail("Clé d'API inconnue ou révoquée.")
            })?;
        Ok(UnitCaller {
            unit,
            state: state.clone(),
            ip: client_ip(parts, state).map(|i| i.to_string()),
        })
    }
}

impl UnitCaller {
    fn audit_event(&self, action: Action, record: Option<Uuid>) -> audit::Event {
        audit::Event {
            organisation_id: Some(self.unit.organisation_id),
            account_id: None,
            role: None,
            ip: self.ip.clone(),
            action,
            record_type: Some("situation"),
            record_id: record,
            outcome: "ok",
        }
    }
}

#[utoipa::path(post, path = "/api/v1/partner/referrals", tag = "referrals", request_body = ReferralInput,
    security(("api_key" = [])),
    responses((status = 201, body = ReferralStatus), (status = 401, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn unit_create(
    u: UnitCaller,
    ApiJson(i): ApiJson<ReferralInput>,
) -> ServiceResult<(StatusCode, Json<ReferralStatus>)> {
    let e = u.audit_event(Action::ReferralReceived, None);
    let org = u.unit.organisation_id;
    let state = u.state.clone();
    submit(&state, org, Sender::Unit(u.unit), e, i).await
}

#[utoipa::path(get, path = "/api/v1/partner/referrals/{id}", tag = "referrals", security(("api_key" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = ReferralStatus), (status = 404, body = super::error::Problem)))]
pub async fn unit_get(u: UnitCaller, PathId(id): PathId) -> ServiceResult<Json<ReferralStatus>> {
    let m = situation::Entity::scoped(u.unit.organisation_id)
        .filter(situation::Column::Id.eq(id))
        .filter(situation::Column::PartnerUnitId.eq(u.unit.id))
        .filter(situation::Column::DeletedAt.is_null())
        .one(u.state.db())
        .await?
        .ok_or_else(ServiceError::not_found)?;
    Ok(Json(status_of(&m)?))
}

fn unit_dto(m: partner_unit::Model, key: Option<String>) -> ServiceResult<PartnerUnit> {
    Ok(PartnerUnit {
        id: m.id,
        name: m.name,
        channel: word(&m.channel, OriginChannel::parse, "partner_unit.channel")?,
        api_key: key,
        key_prefix: m.key_prefix,
        created_at: m.created_at,
        revoked_at: m.revoked_at,
    })
}

/// A partner unit and its API key (shown once).
#[utoipa::path(post, path = "/api/v1/partner-units", tag = "referrals", security(("bearer" = [])), request_body = PartnerUnitInput,
    responses((status = 201, body = PartnerUnit), (status = 422, body = super::error::Problem)))]
pub async fn create_unit(
    t: Staff<Admins>,
    ApiJson(i): ApiJson<PartnerUnitInput>,
) -> ServiceResult<(StatusCode, Json<PartnerUnit>)> {
    let mut v = Validator::new();
    let name = v.required_text("name", &i.name, 200);
    if !i.channel.is_referral() {
        v.push(
            "channel",
            "not_a_referral_channel",
            "gendarmerie, police_nationale, police_municipale ou partner.",
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    let key = format!("rk_{}", random_token(32));
    let id = Uuid::new_v4();
    let (_turn, txn) = t.state.begin_write().await?;
    let m = partner_unit::ActiveModel {
        id: Set(id),
        organisation_id: Set(t.organisation_id()),
        name: Set(name.unwrap_or_default()),
        channel: Set(i.channel.as_str().into()),
        key_hash: Set(token_hash(&key)),
        key_prefix: Set(key.chars().take(10).collect()),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        t.audit_event(
            Action::PartnerUnitWritten,
            Some("partner_unit"),
            Some(id),
            "ok",
        ),
    )
    .await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(unit_dto(m, Some(key))?)))
}

#[utoipa::path(get, path = "/api/v1/partner-units", tag = "referrals", security(("bearer" = [])),
    responses((status = 200, body = Vec<PartnerUnit>)))]
pub async fn list_units(t: Staff<Admins>) -> ServiceResult<Json<Vec<PartnerUnit>>> {
    let rows = t
        .scoped::<partner_unit::Entity>()
        .order_by_asc(partner_unit::Column::Name)
        .all(t.db())
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|m| unit_dto(m, None))
            .collect::<ServiceResult<_>>()?,
    ))
}

/// Revoke a unit's key: its software gets 401 from now on.
#[utoipa::path(delete, path = "/api/v1/partner-units/{id}", tag = "referrals", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn revoke_unit(t: Staff<Admins>, PathId(id): PathId) -> ServiceResult<StatusCode> {
    use sea_orm::sea_query::Expr;
    let (_turn, txn) = t.state.begin_write().await?;
    let r = partner_unit::Entity::update_many()
        .col_expr(partner_unit::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(partner_unit::Column::OrganisationId.eq(t.organisation_id()))
        .filter(partner_unit::Column::Id.eq(id))
        .filter(partner_unit::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(ServiceError::not_found());
    }
    audit::record(
        &txn,
        t.audit_event(
            Action::PartnerUnitWritten,
            Some("partner_unit"),
            Some(id),
            "ok",
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
