//! Persons' files. Identity, contact details, the safe-contact profile and notes are sealed
//! at rest; lists show initials; every read of a whole file and every search is audited.

use axum::Json;
use axum::http::StatusCode;
use chrono::{Datelike, Utc};
use relais_domain::Validator;
use relais_domain::dto::{AuditEntry, Page, Person, PersonInput, PersonSummary, Sex};
use relais_domain::problem::ProblemCode;
use relais_domain::safe_contact::SafeContactProfile;
use relais_domain::text::{initials, normalise_name};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::{ServiceError, ServiceResult};
use super::extract::{ApiJson, ApiQuery, PathId};
use super::page;
use crate::api::caller::{Admins, FileReaders, Staff};
use crate::audit::{self, Action};
use crate::crypto::FieldCipher;
use crate::store::entities::{audit_log, person};
use crate::store::{next_change_seq, soft_delete};

const TABLE: &str = "person";

#[derive(Serialize, Deserialize)]
struct Identity {
    first_name: String,
    last_name: String,
}

#[derive(Serialize, Deserialize, Default)]
struct Contact {
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
}

struct ValidPerson {
    identity: Identity,
    contact: Contact,
    birth_year: Option<i32>,
    sex: Sex,
    safe_contact: SafeContactProfile,
    notes: Option<String>,
}

fn validate(input: PersonInput) -> ServiceResult<ValidPerson> {
    let now = Utc::now();
    let mut v = Validator::new();
    let first_name = v.required_text("first_name", &input.first_name, 100);
    let last_name = v.required_text("last_name", &input.last_name, 100);
    if let Some(y) = input.birth_year
        && !(1900..=now.year()).contains(&y)
    {
        v.push(
            "birth_year",
            "out_of_range",
            format!("Année entre 1900 et {}.", now.year()),
        );
    }
    let phone = match input
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => None,
        Some(p) => relais_domain::phone::normalise(p)
            .map_err(|e| v.push("phone", "invalid_phone", e.to_string()))
            .ok(),
    };
    let email = match input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        None => None,
        Some(e) => {
            let n = relais_domain::email::normalise(e);
            if n.is_none() {
                v.push("email", "invalid_email", "Adresse e-mail invalide.");
            }
            n
        }
    };
    let address = v.optional_text("address", input.address.as_deref(), 500);
    let notes = v.optional_text("notes", input.notes.as_deref(), 10_000);
    let mut safe_contact = input.safe_contact;
    safe_contact.validate("safe_contact", now, &mut v);
    v.finish().map_err(ServiceError::validation)?;
    Ok(ValidPerson {
        identity: Identity {
            first_name: first_name.unwrap_or_default(),
            last_name: last_name.unwrap_or_default(),
        },
        contact: Contact {
            phone,
            email,
            address,
        },
        birth_year: input.birth_year,
        sex: input.sex.unwrap_or(Sex::Unknown),
        safe_contact,
        notes,
    })
}

fn name_key(c: &FieldCipher, first: &str, last: &str) -> String {
    c.blind_index("name", &normalise_name(&format!("{first} {last}")))
}

/// Fill the sealed columns and search keys of `am` from `p`.
fn seal_into(c: &FieldCipher, id: Uuid, p: &ValidPerson, am: &mut person::ActiveModel) {
    am.identity = Set(c.seal_json(TABLE, "identity", id, &p.identity));
    am.contact = Set(c.seal_json(TABLE, "contact", id, &p.contact));
    am.safe_contact = Set(c.seal_json(TABLE, "safe_contact", id, &p.safe_contact));
    am.notes = Set(p
        .notes
        .as_ref()
        .map(|n| c.seal(TABLE, "notes", id, n.as_bytes())));
    am.name_key = Set(name_key(c, &p.identity.first_name, &p.identity.last_name));
    am.last_name_key = Set(c.blind_index("last_name", &normalise_name(&p.identity.last_name)));
    am.phone_key = Set(p
        .contact
        .phone
        .as_deref()
        .map(|ph| c.blind_index("phone", ph)));
    am.birth_year = Set(p.birth_year);
    am.sex = Set(p.sex.as_str().to_owned());
    am.safe_contact_checked_at = Set(p.safe_contact.checked_at);
}

fn open_person(c: &FieldCipher, m: person::Model) -> ServiceResult<Person> {
    let identity: Identity = c.open_json(TABLE, "identity", m.id, &m.identity)?;
    let contact: Contact = c.open_json(TABLE, "contact", m.id, &m.contact)?;
    let safe_contact: SafeContactProfile =
        c.open_json(TABLE, "safe_contact", m.id, &m.safe_contact)?;
    let notes = m
        .notes
        .as_deref()
        .map(|n| {
            c.open(TABLE, "notes", m.id, n)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        })
        .transpose()?;
    let now = Utc::now();
    Ok(Person {
        id: m.id,
        first_name: identity.first_name,
        last_name: identity.last_name,
        birth_year: m.birth_year,
        sex: Sex::parse(&m.sex).unwrap_or(Sex::Unknown),
        phone: contact.phone,
        email: contact.email,
        address: contact.address,
        safe_contact_stale: safe_contact.is_stale(now),
        safe_contact,
        notes,
        created_at: m.created_at,
        updated_at: m.updated_at,
        change_seq: m.change_seq,
    })
}

/// A person's initials, for agendas and lists.
pub(crate) fn initials_of(c: &FieldCipher, m: &person::Model) -> ServiceResult<String> {
    let identity: Identity = c.open_json(TABLE, "identity", m.id, &m.identity)?;
    Ok(initials(&identity.first_name, &identity.last_name))
}

fn summary(c: &FieldCipher, m: person::Model) -> ServiceResult<PersonSummary> {
    let identity: Identity = c.open_json(TABLE, "identity", m.id, &m.identity)?;
    let stale = m.safe_contact_checked_at.is_none_or(|t| {
        (Utc::now() - t).num_days() >= relais_domain::safe_contact::STALE_AFTER_DAYS
    });
    Ok(PersonSummary {
        id: m.id,
        initials: initials(&identity.first_name, &identity.last_name),
        birth_year: m.birth_year,
        safe_contact_stale: stale,
        updated_at: m.updated_at,
        change_seq: m.change_seq,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonQuery {
    #[serde(default)]
    limit: Option<String>,
    #[serde(default)]
    after: Option<String>,
    /// Exact match on the normalised full name or last name (accents and case ignored).
    #[serde(default)]
    name: Option<String>,
    /// Exact match on the normalised phone number.
    #[serde(default)]
    phone: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", security(("bearer" = [])),
    params(("limit" = Option<u64>, Query), ("after" = Option<i64>, Query),
           ("name" = Option<String>, Query, description = "full name or last name, accents and case ignored"),
           ("phone" = Option<String>, Query)),
    responses((status = 200, body = Page<PersonSummary>), (status = 403, body = super::error::Problem)))]
pub async fn list(
    t: Staff<FileReaders>,
    ApiQuery(q): ApiQuery<PersonQuery>,
) -> ServiceResult<Json<Page<PersonSummary>>> {
    let paging = super::extract::Paging {
        limit: q.limit.clone(),
        after: q.after.clone(),
    };
    let (limit, after) = (paging.limit()?, paging.after()?);
    let c = t.state.cipher();
    let mut query = t
        .scoped::<person::Entity>()
        .filter(person::Column::DeletedAt.is_null())
        .filter(person::Column::ChangeSeq.gt(after));
    let searching = q.name.is_some() || q.phone.is_some();
    if let Some(name) = q.name.as_deref() {
        let n = normalise_name(name);
        if n.is_empty() || n.chars().count() > 200 {
            return Err(ServiceError::field(
                ProblemCode::InvalidParameter,
                "name",
                "Nom vide ou trop long.",
            ));
        }
        query = query.filter(
            Condition::any()
                .add(person::Column::NameKey.eq(c.blind_index("name", &n)))
                .add(person::Column::LastNameKey.eq(c.blind_index("last_name", &n))),
        );
    }
    if let Some(phone) = q.phone.as_deref() {
        let p = relais_domain::phone::normalise(phone)
            .map_err(|e| ServiceError::field(ProblemCode::InvalidPhone, "phone", e.to_string()))?;
        query = query.filter(person::Column::PhoneKey.eq(c.blind_index("phone", &p)));
    }
    let rows = query
        .order_by_asc(person::Column::ChangeSeq)
        .limit(limit)
        .all(t.db())
        .await?;
    if searching {
        t.state
            .audit(t.audit_event(Action::PersonSearched, Some(TABLE), None, "ok"))
            .await?;
    }
    let next = (rows.len() as u64 == limit)
        .then(|| rows.last().map(|r| r.change_seq.to_string()))
        .flatten();
    let items = rows
        .into_iter()
        .map(|m| summary(c, m))
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok(Json(Page {
        items,
        next_cursor: next,
    }))
}

#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", security(("bearer" = [])), request_body = PersonInput,
    responses((status = 201, body = Person), (status = 422, body = super::error::Problem)))]
pub async fn create(
    t: Staff<FileReaders>,
    ApiJson(input): ApiJson<PersonInput>,
) -> ServiceResult<(StatusCode, Json<Person>)> {
    let c = t.state.cipher();
    let (_turn, txn) = t.state.begin_write().await?;
    let m = insert_person(&txn, c, t.organisation_id(), t.caller.account_id, input).await?;
    audit::record(
        &txn,
        t.audit_event(Action::PersonCreated, Some(TABLE), Some(m.id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(open_person(c, m)?)))
}

/// Validate, seal and insert a person (the caller audits and commits).
pub async fn insert_person<C: sea_orm::ConnectionTrait>(
    db: &C,
    c: &FieldCipher,
    organisation_id: Uuid,
    created_by: Uuid,
    input: PersonInput,
) -> ServiceResult<person::Model> {
    let p = validate(input)?;
    let now = Utc::now();
    let id = Uuid::new_v4();
    let mut am = person::ActiveModel {
        id: Set(id),
        organisation_id: Set(organisation_id),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        change_seq: Set(next_change_seq(db).await?),
        deleted_at: Set(None),
        ..Default::default()
    };
    seal_into(c, id, &p, &mut am);
    Ok(am.insert(db).await?)
}

async fn find(
    t: &Staff<impl crate::api::caller::Access>,
    id: Uuid,
) -> ServiceResult<person::Model> {
    t.find_live::<person::Entity>(id)
        .await?
        .ok_or_else(ServiceError::not_found)
}

/// Opening a file. Audited before the content is returned.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Person), (status = 404, body = super::error::Problem)))]
pub async fn get(t: Staff<FileReaders>, PathId(id): PathId) -> ServiceResult<Json<Person>> {
    let m = find(&t, id).await?;
    t.state
        .audit(t.audit_event(Action::PersonRead, Some(TABLE), Some(id), "ok"))
        .await?;
    Ok(Json(open_person(t.state.cipher(), m)?))
}

#[utoipa::path(put, path = "/api/v1/persons/{id}", tag = "persons", security(("bearer" = [])), request_body = PersonInput,
    params(("id" = Uuid, Path)), responses((status = 200, body = Person), (status = 404, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn update(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiJson(input): ApiJson<PersonInput>,
) -> ServiceResult<Json<Person>> {
    let p = validate(input)?;
    let existing = find(&t, id).await?;
    let c = t.state.cipher();
    let (_turn, txn) = t.state.begin_write().await?;
    let mut am = existing.into_active_model();
    seal_into(c, id, &p, &mut am);
    am.updated_at = Set(Utc::now());
    am.change_seq = Set(next_change_seq(&txn).await?);
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        t.audit_event(Action::PersonUpdated, Some(TABLE), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(Json(open_person(c, m)?))
}

/// Soft deletion, admins only: the row stays for sync and retention, its content is kept
/// sealed until the retention job anonymises it.
#[utoipa::path(delete, path = "/api/v1/persons/{id}", tag = "persons", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = super::error::Problem)))]
pub async fn delete(t: Staff<Admins>, PathId(id): PathId) -> ServiceResult<StatusCode> {
    let (_turn, txn) = t.state.begin_write().await?;
    if !soft_delete::<person::Entity, _>(&txn, t.organisation_id(), id).await? {
        return Err(ServiceError::not_found());
    }
    audit::record(
        &txn,
        t.audit_event(Action::PersonDeleted, Some(TABLE), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who opened or changed this file, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/access-log", tag = "persons", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("limit" = Option<u64>, Query), ("after" = Option<i64>, Query, description = "audit sequence to continue below")),
    responses((status = 200, body = Page<AuditEntry>), (status = 404, body = super::error::Problem)))]
pub async fn access_log(
    t: Staff<FileReaders>,
    PathId(id): PathId,
    ApiQuery(p): ApiQuery<super::extract::Paging>,
) -> ServiceResult<Json<Page<AuditEntry>>> {
    find(&t, id).await?;
    let limit = p.limit()?;
    let mut q = t
        .scoped::<audit_log::Entity>()
        .filter(audit_log::Column::RecordId.eq(id))
        .filter(audit_log::Column::RecordType.eq(TABLE));
    if p.after.is_some() {
        q = q.filter(audit_log::Column::Seq.lt(p.after()?));
    }
    let rows = q
        .order_by_desc(audit_log::Column::Seq)
        .limit(limit)
        .all(t.db())
        .await?;
    t.state
        .audit(t.audit_event(Action::AuditRead, Some(TABLE), Some(id), "ok"))
        .await?;
    Ok(Json(page(rows, limit, |r| r.seq, super::audit_entry)))
}

/// The organisation's audit log, newest first (admins).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])),
    params(("limit" = Option<u64>, Query), ("after" = Option<i64>, Query, description = "audit sequence to continue below")),
    responses((status = 200, body = Page<AuditEntry>)))]
pub async fn audit_log_view(
    t: Staff<Admins>,
    ApiQuery(p): ApiQuery<super::extract::Paging>,
) -> ServiceResult<Json<Page<AuditEntry>>> {
    let limit = p.limit()?;
    let mut q = t.scoped::<audit_log::Entity>();
    if p.after.is_some() {
        q = q.filter(audit_log::Column::Seq.lt(p.after()?));
    }
    let rows = q
        .order_by_desc(audit_log::Column::Seq)
        .limit(limit)
        .all(t.db())
        .await?;
    t.state
        .audit(t.audit_event(Action::AuditRead, None, None, "ok"))
        .await?;
    Ok(Json(page(rows, limit, |r| r.seq, super::audit_entry)))
}
