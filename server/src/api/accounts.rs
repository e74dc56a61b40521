//! Staff accounts of the caller's organisation (admins only).

use axum::Json;
use axum::http::StatusCode;
use relais_domain::Validator;
use relais_domain::dto::{Account, AccountInput, AccountPatch, Page};
use relais_domain::problem::ProblemCode;
use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};

use super::error::{ServiceError, ServiceResult};
use super::extract::{ApiJson, ApiQuery, Paging, PathId};
use crate::accounts as svc;
use crate::accounts::{account_dto, check_sites, create_account, is_unique_violation, set_sites};
use crate::api::caller::{Admins, Staff};
use crate::audit::{self, Action};
use crate::store::entities::account;

#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])),
    params(("limit" = Option<u64>, Query), ("after" = Option<i64>, Query)), responses((status = 200, body = Page<Account>)))]
pub async fn list(
    t: Staff<Admins>,
    ApiQuery(p): ApiQuery<Paging>,
) -> ServiceResult<Json<Page<Account>>> {
    svc::list(&t, p).await.map(Json)
}

#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Account), (status = 404, body = super::error::Problem)))]
pub async fn get(t: Staff<Admins>, PathId(id): PathId) -> ServiceResult<Json<Account>> {
    svc::get(&t, id).await.map(Json)
}

#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])), request_body = AccountInput,
    responses((status = 201, body = Account), (status = 409, body = super::error::Problem), (status = 422, body = super::error::Problem)))]
pub async fn create(
    t: Staff<Admins>,
    ApiJson(input): ApiJson<AccountInput>,
) -> ServiceResult<(StatusCode, Json<Account>)> {
    let mut v = Validator::new();
    let email = relais_domain::email::normalise(&input.email);
    if email.is_none() {
        v.push("email", "invalid_email", "Adresse e-mail invalide.");
    }
    let display_name = v.required_text("display_name", &input.display_name, 200);
    if let Err(p) = relais_domain::password::check(&input.password, email.as_deref().unwrap_or(""))
    {
        v.push("password", p.code(), p.message());
    }
    check_sites(&t, &input.site_ids, &mut v).await?;
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
            "Cette adresse est déjà utilisée.",
        ));
    }
    let hasher = t.state.hasher().clone();
    let password = input.password;
    let phc = tokio::task::spawn_blocking(move || hasher.hash(&password))
        .await
        .map_err(ServiceError::internal)?;
    let (_turn, txn) = t.state.begin_write().await?;
    let a = create_account(
        &txn,
        t.organisation_id(),
        &email,
        &display_name.unwrap_or_default(),
        input.role,
        phc,
    )
    .await;
    let a = match a {
        Ok(a) => a,
        Err(e) if is_unique_violation(&e) => {
            return Err(ServiceError::field(
                ProblemCode::EmailTaken,
                "email",
                "Cette adresse est déjà utilisée.",
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
    Ok((StatusCode::CREATED, Json(dto)))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{id}", tag = "accounts", security(("bearer" = [])), request_body = AccountPatch,
    params(("id" = Uuid, Path)), responses((status = 200, body = Account), (status = 404, body = super::error::Problem)))]
pub async fn update(
    t: Staff<Admins>,
    PathId(id): PathId,
    ApiJson(patch): ApiJson<AccountPatch>,
) -> ServiceResult<Json<Account>> {
    svc::update(&t, id, patch).await.map(Json)
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![list, get, create, update]
}
