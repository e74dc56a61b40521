//! Referrals: a situation handed over by a referrer account or a partner unit's software; they see statuses only.

use crate::audit::{self, Action};
use crate::casework::common::{validate_problems, word};
use crate::casework::situations::{NewSituation, insert_situation};
use crate::crypto::{random_token, token_hash};
use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::OrgScoped;
use crate::store::entities::{partner_unit, situation};
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

/// A referral's answer: its status, and whether it is new (a second referral with the same
/// sender and reference is the first one).
pub struct Submitted {
    pub status: ReferralStatus,
    pub created: bool,
}

/// Who sent a referral.
pub(crate) enum Sender {
    Account(Uuid),
    Unit(partner_unit::Model),
}

pub(crate) fn status_of(m: &situation::Model) -> ServiceResult<ReferralStatus> {
    let state = word(&m.state, State::parse, "situation.state")?;
    Ok(ReferralStatus {
        id: m.id,
        submitted_at: m.received_at,
        unit: m.unit.clone(),
        external_ref: m.external_ref.clone(),
        status: state.referrer_status(m.first_contact_at.is_some()),
    })
}

pub(crate) async fn submit(
    state: &AppState,
    org: Uuid,
    sender: Sender,
    audit_event: audit::Event,
    i: ReferralInput,
) -> ServiceResult<Submitted> {
    let mut v = Validator::new();
    validate_problems(&mut v, &i.problems);
    let unit = v.optional_text("unit", i.unit.as_deref(), relais_domain::limits::NAME);
    let note = v.optional_text("note", i.note.as_deref(), relais_domain::limits::NOTE);
    let external_ref = v.optional_text(
        "external_ref",
        i.external_ref.as_deref(),
        relais_domain::limits::EXTERNAL_REF,
    );
    let channel = match (&sender, i.channel) {
        (Sender::Unit(u), _) => OriginChannel::parse(&u.channel).unwrap_or(OriginChannel::Partner),
        (Sender::Account(_), Some(c)) if c.is_referral() => c,
        (Sender::Account(_), Some(_)) => {
            v.push(
                "channel",
                "not_a_referral_channel",
                (
                    "gendarmerie, police_nationale, police_municipale ou partner.",
                    "gendarmerie, police_nationale, police_municipale or partner.",
                ),
            );
            OriginChannel::Partner
        }
        (Sender::Account(_), None) => {
            v.push(
                "channel",
                "required",
                (
                    "Canal d'origine requis.",
                    "The channel it came by is required.",
                ),
            );
            OriginChannel::Partner
        }
    };
    if unit.is_none() && matches!(sender, Sender::Account(_)) {
        v.push(
            "unit",
            "required",
            (
                "Unité (brigade, commissariat, service) requise.",
                "The unit (brigade, police station, service) is required.",
            ),
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
            return Ok(Submitted {
                status: status_of(&prev)?,
                created: false,
            });
        }
    }
    // Only a coordinator checks a safe-contact profile: what a referrer or a unit's
    // software sends is recorded as declared, and no message goes out on it.
    let mut safe_contact = i.safe_contact;
    safe_contact.checked_at = None;
    let c = state.cipher();
    let (_turn, txn) = state.begin_write().await?;
    let p = crate::casework::persons::insert_person(
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
            commune: i.commune,
            safe_contact,
            notes: None,
        },
        state.now(),
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
            ..NewSituation::new(
                p.id,
                i.kind,
                channel,
                Initiative::ThirdParty,
                i.person_role,
                state.now(),
            )
        },
        state.now(),
    )
    .await?;
    let mut e = audit_event;
    e.record_id = Some(m.id);
    audit::record(&txn, e).await?;
    txn.commit().await?;
    Ok(Submitted {
        status: status_of(&m)?,
        created: true,
    })
}

pub(crate) fn unit_dto(m: partner_unit::Model, key: Option<String>) -> ServiceResult<PartnerUnit> {
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

/// Hand a situation over. The answer, and everything the sender can read afterwards, is a
/// status: received, contact made, no contact possible, closed.
pub async fn create(t: &Scope, i: ReferralInput) -> ServiceResult<Submitted> {
    let e = t.audit_event(Action::ReferralReceived, Some("situation"), None, "ok");
    submit(
        &t.state,
        t.organisation_id(),
        Sender::Account(t.staff()?.account_id),
        e,
        i,
    )
    .await
}

/// The caller's own referrals and their statuses, newest first.
pub async fn list(t: &Scope) -> ServiceResult<Vec<ReferralStatus>> {
    let rows = t
        .scoped::<situation::Entity>()
        .filter(situation::Column::ReferredBy.eq(t.staff()?.account_id))
        .filter(situation::Column::DeletedAt.is_null())
        .order_by_desc(situation::Column::ReceivedAt)
        .limit(500)
        .all(t.db())
        .await?;
    rows.iter().map(status_of).collect::<ServiceResult<_>>()
}

pub async fn get(t: &Scope, id: Uuid) -> ServiceResult<ReferralStatus> {
    let m = t
        .scoped::<situation::Entity>()
        .filter(situation::Column::Id.eq(id))
        .filter(situation::Column::ReferredBy.eq(t.staff()?.account_id))
        .filter(situation::Column::DeletedAt.is_null())
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::not_found)?;
    status_of(&m)
}

/// A partner unit and its API key (shown once).
pub async fn create_unit(t: &Scope, i: PartnerUnitInput) -> ServiceResult<PartnerUnit> {
    let mut v = Validator::new();
    let name = v.required_text("name", &i.name, relais_domain::limits::NAME);
    if !i.channel.is_referral() {
        v.push(
            "channel",
            "not_a_referral_channel",
            (
                "gendarmerie, police_nationale, police_municipale ou partner.",
                "gendarmerie, police_nationale, police_municipale or partner.",
            ),
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    let key = format!("rk_{}", random_token(32));
    let id = Uuid::new_v4();
    let (_turn, txn) = t.begin_write().await?;
    let m = partner_unit::ActiveModel {
        id: Set(id),
        organisation_id: Set(t.organisation_id()),
        name: Set(name.unwrap_or_default()),
        channel: Set(i.channel.as_str().into()),
        key_hash: Set(token_hash(&key)),
        key_prefix: Set(key.chars().take(10).collect()),
        created_at: Set(t.now()),
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
    unit_dto(m, Some(key))
}

pub async fn list_units(t: &Scope) -> ServiceResult<Vec<PartnerUnit>> {
    let rows = t
        .scoped::<partner_unit::Entity>()
        .order_by_asc(partner_unit::Column::Name)
        .all(t.db())
        .await?;
    rows.into_iter()
        .map(|m| unit_dto(m, None))
        .collect::<ServiceResult<_>>()
}

/// Revoke a unit's key: its software gets 401 from now on.
pub async fn revoke_unit(t: &Scope, id: Uuid) -> ServiceResult<()> {
    use sea_orm::sea_query::Expr;
    let (_turn, txn) = t.begin_write().await?;
    let r = partner_unit::Entity::update_many()
        .col_expr(partner_unit::Column::RevokedAt, Expr::value(t.now()))
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
    Ok(())
}

/// A referral from a partner unit's software, by its API key.
pub async fn unit_create(
    t: &Scope,
    unit: partner_unit::Model,
    i: ReferralInput,
) -> ServiceResult<Submitted> {
    let e = t.audit_event(Action::ReferralReceived, Some("situation"), None, "ok");
    submit(&t.state, t.organisation_id(), Sender::Unit(unit), e, i).await
}

/// The status of one of the unit's own referrals.
pub async fn unit_get(t: &Scope, unit_id: Uuid, id: Uuid) -> ServiceResult<ReferralStatus> {
    let m = t
        .scoped::<situation::Entity>()
        .filter(situation::Column::Id.eq(id))
        .filter(situation::Column::PartnerUnitId.eq(unit_id))
        .filter(situation::Column::DeletedAt.is_null())
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::not_found)?;
    status_of(&m)
}
