//! Persons: identity and contact details sealed at rest, searched by keyed hashes, every read audited.

use crate::audit::{self, Action};
use crate::crypto::FieldCipher;
use crate::error::{ServiceError, ServiceResult};
use crate::paging::page;
use crate::scope::Scope;
use crate::store::entities::{audit_log, person};
use crate::store::{Stamp, soft_delete};
use chrono::Datelike;
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

pub(crate) const TABLE: &str = "person";

#[derive(Serialize, Deserialize)]
pub(crate) struct Identity {
    pub(crate) first_name: String,
    pub(crate) last_name: String,
}

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct Contact {
    pub(crate) phone: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) address: Option<String>,
}

pub(crate) struct ValidPerson {
    pub(crate) identity: Identity,
    pub(crate) contact: Contact,
    pub(crate) birth_year: Option<i32>,
    pub(crate) sex: Sex,
    /// The INSEE code of the commune of residence.
    pub(crate) commune: Option<String>,
    pub(crate) safe_contact: SafeContactProfile,
    pub(crate) notes: Option<String>,
}

pub(crate) fn validate(
    input: PersonInput,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<ValidPerson> {
    let mut v = Validator::new();
    let first_name = v.required_text(
        "first_name",
        &input.first_name,
        relais_domain::limits::PERSON_NAME,
    );
    let last_name = v.required_text(
        "last_name",
        &input.last_name,
        relais_domain::limits::PERSON_NAME,
    );
    if let Some(y) = input.birth_year
        && !(relais_domain::limits::FIRST_BIRTH_YEAR..=i64::from(now.year()))
            .contains(&i64::from(y))
    {
        v.push(
            "birth_year",
            "out_of_range",
            (
                format!("Année entre 1900 et {}.", now.year()),
                format!("A year from 1900 to {}.", now.year()),
            ),
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
            .map_err(|e| v.push("phone", "invalid_phone", e.said()))
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
                v.push(
                    "email",
                    "invalid_email",
                    ("Adresse e-mail invalide.", "Invalid e-mail address."),
                );
            }
            n
        }
    };
    let address = v.optional_text(
        "address",
        input.address.as_deref(),
        relais_domain::limits::ADDRESS,
    );
    let notes = v.optional_text(
        "notes",
        input.notes.as_deref(),
        relais_domain::limits::NOTES,
    );
    let commune = commune_of(&mut v, "commune", input.commune.as_deref());
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
        commune,
        safe_contact,
        notes,
    })
}

/// The INSEE code of the commune typed (blank: none); refused, naming `field`, when it is
/// not one commune of the official list.
pub(crate) fn commune_of(v: &mut Validator, field: &str, typed: Option<&str>) -> Option<String> {
    let typed = typed.map(str::trim).filter(|t| !t.is_empty())?;
    match relais_domain::commune::resolve(typed) {
        Ok(c) => Some(c.code),
        Err(e) => {
            v.push(field, "unknown_commune", e.said());
            None
        }
    }
}

/// The commune of residence stored for a person, read from its sealed INSEE code.
pub(crate) fn commune_code(c: &FieldCipher, m: &person::Model) -> ServiceResult<Option<String>> {
    m.commune
        .as_deref()
        .map(|b| {
            c.open(TABLE, "commune", m.id, b)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        })
        .transpose()
        .map_err(Into::into)
}

pub(crate) fn name_key(c: &FieldCipher, first: &str, last: &str) -> String {
    c.blind_index("name", &normalise_name(&format!("{first} {last}")))
}

/// Fill the sealed columns and search keys of `am` from `p`.
pub(crate) fn seal_into(c: &FieldCipher, id: Uuid, p: &ValidPerson, am: &mut person::ActiveModel) {
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
    am.commune = Set(p
        .commune
        .as_ref()
        .map(|code| c.seal(TABLE, "commune", id, code.as_bytes())));
    am.safe_contact_checked_at = Set(p.safe_contact.checked_at);
}

pub(crate) fn open_person(
    c: &FieldCipher,
    m: person::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<Person> {
    let identity: Identity = c.open_json(TABLE, "identity", m.id, &m.identity)?;
    let contact: Contact = c.open_json(TABLE, "contact", m.id, &m.contact)?;
    let safe_contact: SafeContactProfile =
        c.open_json(TABLE, "safe_contact", m.id, &m.safe_contact)?;
    let commune = commune_code(c, &m)?.and_then(|code| relais_domain::commune::by_code(&code));
    let notes = m
        .notes
        .as_deref()
        .map(|n| {
            c.open(TABLE, "notes", m.id, n)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        })
        .transpose()?;
    Ok(Person {
        id: m.id,
        first_name: identity.first_name,
        last_name: identity.last_name,
        birth_year: m.birth_year,
        sex: Sex::parse(&m.sex).unwrap_or(Sex::Unknown),
        phone: contact.phone,
        email: contact.email,
        address: contact.address,
        commune,
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

pub(crate) fn summary(
    c: &FieldCipher,
    m: person::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<PersonSummary> {
    let identity: Identity = c.open_json(TABLE, "identity", m.id, &m.identity)?;
    let stale = m
        .safe_contact_checked_at
        .is_none_or(|t| (now - t).num_days() >= relais_domain::safe_contact::STALE_AFTER_DAYS);
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
    pub(crate) limit: Option<String>,
    #[serde(default)]
    pub(crate) after: Option<String>,
    /// Exact match on the normalised full name or last name (accents and case ignored).
    #[serde(default)]
    pub(crate) name: Option<String>,
    /// Exact match on the normalised phone number.
    #[serde(default)]
    pub(crate) phone: Option<String>,
}

/// Validate, seal and insert a person (the caller audits and commits).
pub async fn insert_person<C: sea_orm::ConnectionTrait>(
    db: &C,
    c: &FieldCipher,
    organisation_id: Uuid,
    created_by: Uuid,
    input: PersonInput,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<person::Model> {
    let p = validate(input, now)?;
    let id = Uuid::new_v4();
    let mut am = person::ActiveModel {
        id: Set(id),
        organisation_id: Set(organisation_id),
        created_by: Set(created_by),
        ..Stamp::take(db, now).await?.new_row()
    };
    seal_into(c, id, &p, &mut am);
    Ok(am.insert(db).await?)
}

pub(crate) async fn find(t: &Scope, id: Uuid) -> ServiceResult<person::Model> {
    t.find_live::<person::Entity>(id)
        .await?
        .ok_or_else(ServiceError::not_found)
}

pub async fn list(t: &Scope, q: PersonQuery) -> ServiceResult<Page<PersonSummary>> {
    let paging = crate::paging::Paging {
        limit: q.limit.clone(),
        after: q.after.clone(),
    };
    let (limit, after) = (paging.limit()?, paging.cursor()?);
    let c = t.state.cipher();
    let mut query = t
        .scoped::<person::Entity>()
        .filter(person::Column::DeletedAt.is_null());
    let searching = q.name.is_some() || q.phone.is_some();
    if let Some(name) = q.name.as_deref() {
        // Blank or too long is refused; a name that folds to nothing (only marks) finds
        // nobody, as the document says it may be sent.
        let n = normalise_name(name);
        if name.trim().is_empty() || name.chars().count() > relais_domain::limits::NAME {
            return Err(ServiceError::field(
                ProblemCode::InvalidParameter,
                "name",
                ("Nom vide ou trop long.", "Name empty or too long."),
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
            .map_err(|e| ServiceError::field(ProblemCode::InvalidPhone, "phone", e.said()))?;
        query = query.filter(person::Column::PhoneKey.eq(c.blind_index("phone", &p)));
    }
    let rows = crate::paging::after(query, after)
        .limit(limit)
        .all(t.db())
        .await?;
    if searching {
        t.state
            .audit(t.audit_event(Action::PersonSearched, Some(TABLE), None, "ok"))
            .await?;
    }
    let next = (rows.len() as u64 == limit)
        .then(|| {
            rows.last()
                .map(|r| crate::paging::Cursor::of(r.change_seq, r.id).to_string())
        })
        .flatten();
    let items = rows
        .into_iter()
        .map(|m| summary(c, m, t.now()))
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok(Page {
        items,
        next_cursor: next,
    })
}

pub async fn create(t: &Scope, input: PersonInput) -> ServiceResult<Person> {
    let c = t.state.cipher();
    let (_turn, txn) = t.begin_write().await?;
    let m = insert_person(
        &txn,
        c,
        t.organisation_id(),
        t.staff()?.account_id,
        input,
        t.now(),
    )
    .await?;
    audit::record(
        &txn,
        t.audit_event(Action::PersonCreated, Some(TABLE), Some(m.id), "ok"),
    )
    .await?;
    txn.commit().await?;
    open_person(c, m, t.now())
}

/// Opening a file. Audited before the content is returned.
pub async fn get(t: &Scope, id: Uuid) -> ServiceResult<Person> {
    let m = find(t, id).await?;
    t.state
        .audit(t.audit_event(Action::PersonRead, Some(TABLE), Some(id), "ok"))
        .await?;
    open_person(t.state.cipher(), m, t.now())
}

pub async fn update(t: &Scope, id: Uuid, input: PersonInput) -> ServiceResult<Person> {
    let p = validate(input, t.now())?;
    let existing = find(t, id).await?;
    let c = t.state.cipher();
    let (_turn, txn) = t.begin_write().await?;
    let mut am = existing.into_active_model();
    seal_into(c, id, &p, &mut am);
    Stamp::take(&txn, t.now()).await?.changed(&mut am);
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        t.audit_event(Action::PersonUpdated, Some(TABLE), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    open_person(c, m, t.now())
}

/// How to reach the person safely, changed by a coordinator: confirmed with the person now
/// (`confirmed`) it counts as checked from now; changed without that it no longer counts
/// as checked, so no message goes on what the person has not confirmed
/// (`SafeContactProfile::revised`). Audited as a change of the file.
pub async fn set_safe_contact(
    t: &Scope,
    id: Uuid,
    mut next: SafeContactProfile,
    confirmed: bool,
) -> ServiceResult<Person> {
    next.checked_at = None;
    let mut v = Validator::new();
    next.validate("safe_contact", t.now(), &mut v);
    v.finish().map_err(ServiceError::validation)?;
    let existing = find(t, id).await?;
    let c = t.state.cipher();
    let before: SafeContactProfile =
        c.open_json(TABLE, "safe_contact", id, &existing.safe_contact)?;
    let next = before.revised(next, confirmed, t.now());
    let (_turn, txn) = t.begin_write().await?;
    let mut am = existing.into_active_model();
    am.safe_contact = Set(c.seal_json(TABLE, "safe_contact", id, &next));
    am.safe_contact_checked_at = Set(next.checked_at);
    Stamp::take(&txn, t.now()).await?.changed(&mut am);
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        t.audit_event(Action::PersonUpdated, Some(TABLE), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    open_person(c, m, t.now())
}

/// Soft deletion, admins only: the row stays for sync and retention, its content is kept
/// sealed until the retention job anonymises it.
pub async fn delete(t: &Scope, id: Uuid) -> ServiceResult<()> {
    let (_turn, txn) = t.begin_write().await?;
    if !soft_delete::<person::Entity, _>(&txn, t.organisation_id(), id, t.now()).await? {
        return Err(ServiceError::not_found());
    }
    audit::record(
        &txn,
        t.audit_event(Action::PersonDeleted, Some(TABLE), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Who opened or changed this file, newest first.
pub async fn access_log(
    t: &Scope,
    id: Uuid,
    p: crate::paging::Paging,
) -> ServiceResult<Page<AuditEntry>> {
    find(t, id).await?;
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
    Ok(page(rows, limit, |r| r.seq, crate::audit::audit_entry))
}

/// The organisation's audit log, newest first (admins).
pub async fn audit_log_view(
    t: &Scope,
    p: crate::paging::Paging,
) -> ServiceResult<Page<AuditEntry>> {
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
    Ok(page(rows, limit, |r| r.seq, crate::audit::audit_entry))
}
