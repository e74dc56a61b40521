//! The admin's pages, a room per topic: `sites`, `accounts` (and roles), `hours` (a
//! coordinator's opening windows per site), `absences` (and the week's preview), `partners`
//! (and their units' keys), `messages` (the wording of each message), `report` (the HTML with
//! its charts, the CSV, the version meant to leave the service) and `audit` (the log and the
//! retention rules). This file holds the routes and what the rooms share.

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate, Utc};
use relais_domain::Role;
use relais_domain::casework::PartnerKind;
use relais_domain::dto::{
    AbsenceInput, AccountInput, AccountPatch, OpeningWindowInput, PartnerInput, PartnerUnitInput,
    SiteInput,
};
use relais_domain::outreach::OriginChannel;
use relais_domain::problem::ProblemCode;
use relais_domain::report::Audience;
use relais_domain::safe_contact::Channel;
use relais_domain::sms::MessageKind;
use uuid::Uuid;

use super::{Admins, Checked, Desk, Done, Kind, Page, done, html, not_found, notice, query};
use crate::error::ServiceError;
use crate::paging::Paging;
use crate::render::console::spec::{Field, FormView, Input};
use crate::render::console::table::{Cell, TableView};
use crate::render::console::text::Text;
use crate::render::console::{Form, draw, options, page};
use crate::scheduling::calendar;
use crate::state::AppState;

mod absences;
mod accounts;
mod audit;
mod conventions;
mod exceptions;
mod hours;
mod messages;
mod partners;
mod report;
mod sites;
mod types;

use absences::*;
use accounts::*;
use audit::*;
use conventions::*;
use exceptions::*;
use hours::*;
use messages::*;
use partners::*;
use report::*;
use sites::*;
use types::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/admin/sites", get(sites).post(create_site))
        .route(
            "/console/admin/comptes",
            get(accounts_page).post(create_account),
        )
        .route(
            "/console/admin/comptes/{id}/{change}",
            post(disable).get(|| async { super::see_other("/console/admin/comptes") }),
        )
        .route("/console/admin/horaires", get(windows).post(create_window))
        .route(
            "/console/admin/exceptions",
            get(exceptions).post(create_exception),
        )
        .route(
            "/console/admin/exceptions/{id}/retirer",
            post(remove_exception).get(|| async { super::see_other("/console/admin/exceptions") }),
        )
        .route("/console/admin/types", get(types_list).post(create_type))
        .route(
            "/console/admin/types/{id}",
            post(update_type).get(|| async { super::see_other("/console/admin/types") }),
        )
        .route(
            "/console/admin/partenaires",
            get(partners_page).post(create_partner),
        )
        .route(
            "/console/admin/cles",
            post(create_key).get(|| async { super::see_other("/console/admin/partenaires") }),
        )
        .route(
            "/console/admin/cles/{id}/revoquer",
            post(revoke_key).get(|| async { super::see_other("/console/admin/partenaires") }),
        )
        .route(
            "/console/admin/absences",
            get(absences).post(create_absence),
        )
        .route("/console/admin/apercu", get(preview))
        .route(
            "/console/admin/messages",
            get(templates_page).post(templates_submit),
        )
        .route(
            "/console/admin/invitations",
            post(invitation_settings_submit)
                .get(|| async { super::see_other("/console/admin/messages") }),
        )
        .route("/console/admin/journal", get(audit_page))
        .route(
            "/console/admin/conservation",
            get(retention_page).post(retention_run),
        )
        .route(
            "/console/admin/conventions",
            get(conventions_page).post(create_convention),
        )
        .route(
            "/console/admin/conventions/{id}/retirer",
            post(remove_convention)
                .get(|| async { super::see_other("/console/admin/conventions") }),
        )
        .route("/console/admin/rapport", get(report_page))
        .route("/console/admin/rapport/document", get(report_document))
}

type D = Desk<Admins>;

/// Which form of a page was refused, why, and what was typed.
type Again<'a> = Option<(&'static str, &'a super::Refusal, Vec<(String, String)>)>;
