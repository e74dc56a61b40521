//! The JSON API under `/api/v1`: routes, the OpenAPI document, and small conversions from
//! rows to wire types.

pub mod accounts;
pub mod appointments;
pub mod auth;
pub mod caller;
pub mod contract;
pub mod error;
pub mod extract;
pub mod hooks;
pub mod partners;
pub mod persons;
pub mod referrals;
pub mod report;
pub mod retention;
pub mod schedule;
pub mod sites;
pub mod situations;
pub mod templates;

use axum::Json;
use axum::Router;
use axum::routing::{delete, get, post, put};
use utoipa::OpenApi;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/hooks/sms/twilio/status", post(hooks::twilio_status))
        .route("/hooks/sms/twilio/inbound", post(hooks::twilio_inbound))
        .route("/hooks/sms/brevo", post(hooks::brevo))
        .route("/hooks/sms/webhook", post(hooks::generic))
        .route("/message-templates", get(templates::list))
        .route("/message-templates/preview", post(templates::preview))
        .route(
            "/message-templates/{kind}/{channel}",
            put(templates::put).delete(templates::delete),
        )
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/device", post(auth::device_login))
        .route("/auth/device/refresh", post(auth::device_refresh))
        .route("/auth/totp/enrol", post(auth::totp_enrol))
        .route("/auth/totp/confirm", post(auth::totp_confirm))
        .route("/devices/{id}", delete(auth::revoke_device))
        .route("/me", get(auth::me))
        .route(
            "/organisation",
            get(sites::get_organisation).put(sites::update_organisation),
        )
        .route("/sites", get(sites::list).post(sites::create))
        .route(
            "/sites/{id}",
            get(sites::get).put(sites::update).delete(sites::delete),
        )
        .route("/accounts", get(accounts::list).post(accounts::create))
        .route("/accounts/{id}", get(accounts::get).patch(accounts::update))
        .route("/persons", get(persons::list).post(persons::create))
        .route(
            "/persons/{id}",
            get(persons::get)
                .put(persons::update)
                .delete(persons::delete),
        )
        .route("/persons/{id}/access-log", get(persons::access_log))
        .route("/audit", get(persons::audit_log_view))
        .route(
            "/appointment-types",
            get(schedule::list_types).post(schedule::create_type),
        )
        .route("/appointment-types/{id}", put(schedule::update_type))
        .route(
            "/opening-windows",
            get(schedule::list_windows).post(schedule::create_window),
        )
        .route("/opening-windows/{id}", delete(schedule::delete_window))
        .route(
            "/schedule-exceptions",
            get(schedule::list_exceptions).post(schedule::create_exception),
        )
        .route(
            "/absences",
            get(schedule::list_absences).post(schedule::create_absence),
        )
        .route(
            "/schedule-exceptions/{id}",
            delete(schedule::delete_exception),
        )
        .route("/absences/{id}", delete(schedule::delete_absence))
        .route("/holidays", get(schedule::holidays))
        .route("/availability", get(schedule::availability))
        .route("/availability/next", get(schedule::next_available))
        .route("/appointments", post(appointments::book))
        .route("/appointments/{id}", get(appointments::get))
        .route(
            "/appointments/{id}/move",
            post(appointments::move_appointment),
        )
        .route("/appointments/{id}/cancel", post(appointments::cancel))
        .route("/appointments/{id}/seen", post(appointments::seen))
        .route("/appointments/{id}/no-show", post(appointments::no_show))
        .route(
            "/appointments/{id}/notifications",
            get(appointments::notifications),
        )
        .route("/dev-outbox", get(appointments::dev_outbox))
        .route("/agenda", get(appointments::agenda))
        .route(
            "/calendar-feeds",
            post(appointments::create_feed).get(appointments::list_feeds),
        )
        .route("/calendar-feeds/{id}", delete(appointments::revoke_feed))
        .route("/calendar/{file}", get(appointments::feed))
        .route("/referrals", get(referrals::list).post(referrals::create))
        .route("/referrals/{id}", get(referrals::get))
        .route("/partner/referrals", post(referrals::unit_create))
        .route("/partner/referrals/{id}", get(referrals::unit_get))
        .route(
            "/partner-units",
            get(referrals::list_units).post(referrals::create_unit),
        )
        .route("/partner-units/{id}", delete(referrals::revoke_unit))
        .route(
            "/situations",
            get(situations::list).post(situations::create),
        )
        .route("/situations/{id}", get(situations::get))
        .route("/situations/{id}/events", post(situations::event))
        .route("/situations/{id}/attempts", post(situations::attempt))
        .route(
            "/situations/{id}/interviews",
            post(situations::record_interview),
        )
        .route("/situations/{id}/reopen", post(situations::reopen))
        .route(
            "/situations/{id}/child-reports",
            post(situations::child_report),
        )
        .route(
            "/situations/{id}/orientations",
            get(partners::list_orientations).post(partners::orient),
        )
        .route("/orientations/{id}/status", post(partners::set_status))
        .route("/walk-ins", post(situations::walk_in))
        .route("/anonymous-contacts", post(situations::anonymous))
        .route("/queue", get(situations::queue))
        .route("/partners", get(partners::list).post(partners::create))
        .route(
            "/partners/{id}",
            put(partners::update).delete(partners::delete),
        )
        .route(
            "/persons/{id}/links",
            get(partners::links).post(partners::link),
        )
        .route("/person-links/{id}", delete(partners::unlink))
        .route("/report", get(report::report))
        .route("/retention", post(retention::run))
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
    paths(
        auth::login, auth::logout, auth::device_login, auth::device_refresh, auth::totp_enrol, auth::totp_confirm,
        auth::revoke_device, auth::me,
        sites::get_organisation, sites::update_organisation, sites::list, sites::get, sites::create, sites::update, sites::delete,
        accounts::list, accounts::get, accounts::create, accounts::update,
        persons::list, persons::create, persons::get, persons::update, persons::delete, persons::access_log, persons::audit_log_view,
        schedule::list_types, schedule::create_type, schedule::update_type, schedule::list_windows, schedule::create_window,
        schedule::delete_window, schedule::list_exceptions, schedule::create_exception, schedule::delete_exception, schedule::list_absences,
        schedule::create_absence, schedule::delete_absence, schedule::holidays, schedule::availability, schedule::next_available,
        appointments::book, appointments::get, appointments::move_appointment, appointments::cancel, appointments::seen,
        appointments::no_show, appointments::agenda, appointments::create_feed, appointments::list_feeds, appointments::revoke_feed,
        appointments::notifications, appointments::dev_outbox,
        referrals::create, referrals::list, referrals::get, referrals::unit_create, referrals::unit_get,
        referrals::create_unit, referrals::list_units, referrals::revoke_unit,
        situations::create, situations::list, situations::get, situations::event, situations::attempt,
        situations::record_interview, situations::walk_in, situations::reopen, situations::child_report,
        situations::anonymous, situations::queue,
        partners::list, partners::create, partners::update, partners::delete, partners::orient,
        partners::list_orientations, partners::set_status, partners::link, partners::links, partners::unlink,
        report::report, retention::run,
        templates::list, templates::put, templates::delete, templates::preview,
    ),
    components(schemas(error::Problem, relais_domain::FieldError)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

async fn openapi_json() -> Json<&'static serde_json::Value> {
    Json(contract::document())
}
