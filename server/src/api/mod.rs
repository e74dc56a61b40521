//! The JSON API under `/api/v1`: routes, the OpenAPI document, and small conversions from
//! rows to wire types.

pub mod accounts;
pub mod appointments;
pub mod auth;
pub mod caller;
pub mod communes;
pub mod conditional;
mod constraints;
pub mod contract;
pub mod conventions;
pub mod error;
pub mod extract;
pub mod hooks;
pub mod invitations;
pub mod links;
pub mod partners;
pub mod persons;
pub mod prevention;
pub mod referrals;
pub mod report;
pub mod retention;
pub mod router;
pub mod schedule;
pub mod sites;
pub mod situations;
pub mod sync;
pub mod templates;

use axum::Json;
use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

use crate::state::AppState;

/// Every handler, each named once in its module's `routes()`.
pub(crate) fn all() -> router::ApiRouter {
    let documented = [
        auth::routes(),
        sites::routes(),
        accounts::routes(),
        persons::routes(),
        communes::routes(),
        schedule::routes(),
        appointments::routes(),
        referrals::routes(),
        situations::routes(),
        partners::routes(),
        prevention::routes(),
        report::routes(),
        conventions::routes(),
        retention::routes(),
        templates::routes(),
        sync::routes(),
        links::routes(),
        invitations::routes(),
    ];
    documented
        .into_iter()
        .fold(hooks::routes(), router::ApiRouter::merge)
}

/// The API's router, mounted at `/api/v1`.
pub fn routes() -> Router<AppState> {
    let (router, _, _) = all().into_parts();
    router.route("/openapi.json", get(openapi_json))
}

/// The OpenAPI document as the handlers declare it (before `contract` makes it true).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, paths, schemas) = all().into_parts();
    let mut doc = ApiDoc::openapi();
    doc.paths.merge(paths);
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, schema) in schemas {
        components.schemas.entry(name).or_insert(schema);
    }
    doc
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        // Partner units' software: `Authorization: ApiKey <key>`.
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Header(
                utoipa::openapi::security::ApiKeyValue::new("Authorization"),
            )),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Relais API", description = "Appointments and outreach for social workers in police and gendarmerie premises."),
    components(schemas(error::Problem, relais_domain::FieldError)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

async fn openapi_json() -> Json<&'static serde_json::Value> {
    Json(contract::document())
}
