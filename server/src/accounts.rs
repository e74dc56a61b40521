//! Accounts: staff accounts of an organisation, their roles and sites, the first admin.

use crate::audit::{self, Action};
use crate::error::{ServiceError, ServiceResult};
use crate::paging::Paging;
use crate::scope::Scope;
use crate::store::entities::{account, account_site, site};
use crate::store::{OrgScoped, Stamp};
use relais_domain::Validator;
use relais_domain::dto::{Account, AccountInput, AccountPatch, Page};
use relais_domain::problem::ProblemCode;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, Set,
};
use uuid::Uuid;

pub(crate) async fn account_dto<C: ConnectionTrait>(
    db: &C,
    a: account::Model,
) -> Result<Account, sea_orm::DbErr> {
    let site_ids = account_site::Entity::scoped(a.organisation_id)
        .filter(account_site::Column::AccountId.eq(a.id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.site_id)
        .collect();
    Ok(to_dto(a, site_ids))
}

pub(crate) fn to_dto(a: account::Model, site_ids: Vec<Uuid>) -> Account {
    Account {
        id: a.id,
        email: a.email,
        display_name: a.display_name,
        role: relais_domain::Role::parse(&a.role).unwrap_or(relais_domain::Role::Referrer),
        site_ids,
        disabled: a.disabled,
        second_factor_enrolled: a.totp_enrolled,
        created_at: a.created_at,
    }
}

/// Sites must exist in the caller's organisation.
pub(crate) async fn check_sites(t: &Scope, ids: &[Uuid], v: &mut Validator) -> ServiceResult<()> {
    if ids.len() > 50 {
        v.push(
            "site_ids",
            "too_many",
            ("50 sites au plus.", "50 sites at most."),
        );
        return Ok(());
    }
    let found = t
        .scoped::<site::Entity>()
        .filter(site::Column::Id.is_in(ids.to_vec()))
        .filter(site::Column::DeletedAt.is_null())
        .count(t.db())
        .await?;
    let mut distinct = ids.to_vec();
    distinct.sort();
    distinct.dedup();
    if found != distinct.len() as u64 {
        v.push(
            "site_ids",
            "unknown",
            (
                "Site inconnu dans cette organisation.",
                "No such site in this organisation.",
            ),
        );
    }
    Ok(())
}

pub(crate) async fn set_sites<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    account_id: Uuid,
    ids: &[Uuid],
) -> Result<(), sea_orm::DbErr> {
    account_site::Entity::delete_many()
        .filter(account_site::Column::AccountId.eq(account_id))
        .filter(account_site::Column::OrganisationId.eq(org))
        .exec(db)
        .await?;
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    for site_id in ids {
        account_site::ActiveModel {
            account_id: Set(account_id),
            site_id: Set(site_id),
            organisation_id: Set(org),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Insert an account; `password_hash` is a PHC string from `Hasher::hash`, computed by the
/// caller outside any transaction (it takes tens of milliseconds).
pub async fn create_account<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    email: &str,
    display_name: &str,
    role: relais_domain::Role,
    password_hash: String,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<account::Model, sea_orm::DbErr> {
    account::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org),
        email: Set(email.to_owned()),
        display_name: Set(display_name.to_owned()),
        role: Set(role.as_str().to_owned()),
        password_hash: Set(password_hash),
        totp_secret: Set(None),
        totp_enrolled: Set(false),
        totp_last_step: Set(None),
        failed_logins: Set(0),
        first_failed_at: Set(None),
        locked_until: Set(None),
        disabled: Set(false),
        ..Stamp::take(db, now).await?.new_row()
    }
    .insert(db)
    .await
}

pub(crate) async fn find(t: &Scope, id: Uuid) -> ServiceResult<account::Model> {
    t.find_live::<account::Entity>(id)
        .await?
        .ok_or_else(ServiceError::not_found)
}

pub(crate) fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// `relais create-admin`: the organisation (created if new) and its first administrator.
pub async fn create_first_admin(
    state: &crate::state::AppState,
    organisation_name: &str,
    email: &str,
    display_name: &str,
    password: &str,
) -> Result<Uuid, String> {
    use crate::store::entities::organisation;
    let mut v = Validator::new();
    let org_name = v.required_text(
        "organisation",
        organisation_name,
        relais_domain::limits::NAME,
    );
    let name = v.required_text("name", display_name, relais_domain::limits::NAME);
    let email_n = relais_domain::email::normalise(email);
    if email_n.is_none() {
        v.push(
            "email",
            "invalid_email",
            ("adresse e-mail invalide", "invalid e-mail address"),
        );
    }
    if let Err(p) = relais_domain::password::check(password, email_n.as_deref().unwrap_or("")) {
        v.push("password", p.code(), p.said());
    }
    v.finish().map_err(|errs| {
        errs.iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let (org_name, name, email) = (
        org_name.unwrap_or_default(),
        name.unwrap_or_default(),
        email_n.unwrap_or_default(),
    );
    let db = state.db();
    if account::Entity::find()
        .filter(account::Column::Email.eq(email.clone()))
        .count(db)
        .await
        .map_err(|e| e.to_string())?
        > 0
    {
        return Err(format!("an account with the e-mail {email} already exists"));
    }
    let phc = state.hasher().hash(password);
    let (_turn, txn) = state.begin_write().await.map_err(|e| e.to_string())?;
    let org = organisation::Entity::find()
        .filter(organisation::Column::Name.eq(org_name.clone()))
        .one(&txn)
        .await
        .map_err(|e| e.to_string())?;
    let org_id = match org {
        Some(o) => o.id,
        None => {
            let now = state.now();
            let id = Uuid::new_v4();
            organisation::ActiveModel {
                id: Set(id),
                name: Set(org_name),
                message_words: Set(None),
                ..Stamp::take(&txn, now)
                    .await
                    .map_err(|e| e.to_string())?
                    .new_row()
            }
            .insert(&txn)
            .await
            .map_err(|e| e.to_string())?;
            id
        }
    };
    let a = create_account(
        &txn,
        org_id,
        &email,
        &name,
        relais_domain::Role::Admin,
        phc,
        state.now(),
    )
    .await
    .map_err(|e| e.to_string())?;
    audit::record(
        &txn,
        audit::Event {
            organisation_id: Some(org_id),
            account_id: None,
            role: None,
            ip: None,
            action: Action::AccountCreated,
            record_type: Some("account"),
            record_id: Some(a.id),
            outcome: "ok",
            at: state.now(),
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    txn.commit().await.map_err(|e| e.to_string())?;
    Ok(a.id)
}

pub async fn list(t: &Scope, p: Paging) -> ServiceResult<Page<Account>> {
    let (rows, limit) = crate::paging::live_rows::<account::Entity>(t, &p).await?;
    // One query for every listed account's sites.
    let ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    let links = t
        .scoped::<account_site::Entity>()
        .filter(account_site::Column::AccountId.is_in(ids))
        .all(t.db())
        .await?;
    Ok(crate::paging::keyset_page(
        rows,
        limit,
        |a| (a.change_seq, a.id),
        |a| {
            let sites = links
                .iter()
                .filter(|l| l.account_id == a.id)
                .map(|l| l.site_id)
                .collect();
            to_dto(a, sites)
        },
    ))
}

pub async fn get(t: &Scope, id: Uuid) -> ServiceResult<Account> {
    let a = find(t, id).await?;
    Ok(account_dto(t.db(), a).await?)
}

pub async fn update(t: &Scope, id: Uuid, patch: AccountPatch) -> ServiceResult<Account> {
    let a = find(t, id).await?;
    let mut v = Validator::new();
    let display_name = patch
        .display_name
        .as_deref()
        .and_then(|d| v.required_text("display_name", d, relais_domain::limits::NAME));
    if let Some(ids) = &patch.site_ids {
        check_sites(t, ids, &mut v).await?;
    }
    if id == t.staff()?.account_id
        && (patch.disabled == Some(true)
            || patch.role.is_some_and(|r| r != relais_domain::Role::Admin))
    {
        v.push(
            "disabled",
            "self_lockout",
            ("Un administrateur ne peut ni se désactiver ni se retirer le rôle d'administrateur.", "An admin can neither disable themselves nor remove their own admin role."),
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    let now = t.now();
    let (_turn, txn) = t.begin_write().await?;
    let mut am = a.into_active_model();
    if let Some(d) = display_name {
        am.display_name = Set(d);
    }
    if let Some(r) = patch.role {
        am.role = Set(r.as_str().to_owned());
    }
    if let Some(d) = patch.disabled {
        am.disabled = Set(d);
        if d {
            crate::auth::sessions::revoke_all(&txn, id, now).await?;
        }
    }
    Stamp::take(&txn, now).await?.changed(&mut am);
    let a = am.update(&txn).await?;
    if let Some(ids) = &patch.site_ids {
        set_sites(&txn, t.organisation_id(), id, ids).await?;
    }
    audit::record(
        &txn,
        t.audit_event(Action::AccountUpdated, Some("account"), Some(id), "ok"),
    )
    .await?;
    let dto = account_dto(&txn, a).await?;
    txn.commit().await?;
    Ok(dto)
}

/// An account's second factor reset by an admin (a lost or changed phone): its
/// authenticator secret and recovery codes erased, every session and device revoked; at its
/// next sign-in the person enrols a new authenticator. Never one's own. Audited.
pub async fn reset_second_factor(t: &Scope, id: Uuid) -> ServiceResult<Account> {
    let a = find(t, id).await?;
    if id == t.staff()?.account_id {
        return Err(ServiceError::field(
            relais_domain::problem::ProblemCode::InvalidField,
            "id",
            (
                "On ne réinitialise pas son propre second facteur : demandez-le à un autre administrateur.",
                "You cannot reset your own second factor: ask another admin.",
            ),
        ));
    }
    let now = t.now();
    let (_turn, txn) = t.begin_write().await?;
    crate::store::entities::recovery_code::Entity::delete_many()
        .filter(crate::store::entities::recovery_code::Column::AccountId.eq(id))
        .exec(&txn)
        .await?;
    crate::auth::sessions::revoke_all(&txn, id, now).await?;
    let mut am = a.into_active_model();
    am.totp_secret = Set(None);
    am.totp_enrolled = Set(false);
    am.totp_last_step = Set(None);
    Stamp::take(&txn, now).await?.changed(&mut am);
    let a = am.update(&txn).await?;
    audit::record(
        &txn,
        t.audit_event(Action::SecondFactorReset, Some("account"), Some(id), "ok"),
    )
    .await?;
    let dto = account_dto(&txn, a).await?;
    txn.commit().await?;
    Ok(dto)
}

/// A staff account of the organisation: its address unique within the organisation only,
/// its password checked and hashed off the async threads, its sites, audited.
pub async fn create(t: &Scope, input: AccountInput) -> ServiceResult<Account> {
    let mut v = Validator::new();
    let email = relais_domain::email::normalise(&input.email);
    if email.is_none() {
        v.push(
            "email",
            "invalid_email",
            ("Adresse e-mail invalide.", "Invalid e-mail address."),
        );
    }
    let display_name = v.required_text(
        "display_name",
        &input.display_name,
        relais_domain::limits::NAME,
    );
    if let Err(p) = relais_domain::password::check(&input.password, email.as_deref().unwrap_or(""))
    {
        v.push("password", p.code(), p.said());
    }
    check_sites(t, &input.site_ids, &mut v).await?;
    v.finish().map_err(ServiceError::validation)?;
    let email = email.unwrap_or_default();
    // Unique within the organisation only: whether the address has an account elsewhere is
    // not this organisation's to learn (issue 10 §7).
    if t.scoped::<account::Entity>()
        .filter(account::Column::Email.eq(email.clone()))
        .count(t.db())
        .await?
        > 0
    {
        return Err(ServiceError::field(
            ProblemCode::EmailTaken,
            "email",
            (
                "Cette adresse est déjà utilisée.",
                "This address is already in use.",
            ),
        ));
    }
    let hasher = t.state.hasher().clone();
    let password = input.password;
    let phc = tokio::task::spawn_blocking(move || hasher.hash(&password))
        .await
        .map_err(ServiceError::internal)?;
    let (_turn, txn) = t.begin_write().await?;
    let a = create_account(
        &txn,
        t.organisation_id(),
        &email,
        &display_name.unwrap_or_default(),
        input.role,
        phc,
        t.now(),
    )
    .await;
    let a = match a {
        Ok(a) => a,
        Err(e) if is_unique_violation(&e) => {
            return Err(ServiceError::field(
                ProblemCode::EmailTaken,
                "email",
                (
                    "Cette adresse est déjà utilisée.",
                    "This address is already in use.",
                ),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    set_sites(&txn, t.organisation_id(), a.id, &input.site_ids).await?;
    audit::record(
        &txn,
        t.audit_event(Action::AccountCreated, Some("account"), Some(a.id), "ok"),
    )
    .await?;
    let dto = account_dto(&txn, a).await?;
    txn.commit().await?;
    Ok(dto)
}
