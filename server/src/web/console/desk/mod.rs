//! The coordinator at a desk, a room per topic: `queue` (the call-back queue), `file` (a
//! situation's file, whose opening the service audits) and `forms` (its forms: a contact
//! attempt, the state changes the state allows, orientation with consent, an interview, a
//! child-in-danger report), `actions` (what those forms do), `invite` (invitations: the
//! exact text first, then sent), `booking` (from the file, with a
//! slot picker) and `agenda` (the day or the week, seen / no-show / cancel). This file holds
//! the routes and what the rooms share.

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use relais_domain::casework::{ChildReportRecipient, InterviewMode};
use relais_domain::delivery::JobState;
use relais_domain::dto::{
    AppointmentInput, AppointmentStatus, AttemptInput, CancelInput, ChildReportInput,
    InterviewInput, OrientationInput, OutcomeInput, Partner, Person, Situation,
    SituationEventInput,
};
use relais_domain::outreach::Event;
use relais_domain::outreach::{AttemptChannel, AttemptResult, CloseReason};
use relais_domain::safe_contact::Channel;
use relais_domain::sms::MessageKind;
use uuid::Uuid;

use super::{
    Checked, Desk, Done, FileReaders, Kind, Page, Posted, done, html, not_found, notice, query,
};
use crate::casework::{attempts, interviews, partners, persons, situations};
use crate::paging::Paging;
use crate::render::console::spec::{Field, FormView, Input};
use crate::render::console::table::{Cell, TableView};
use crate::render::console::text::Text;
use crate::render::console::{Form, Frame, Lang, draw, options, page};
use crate::scheduling::{search, types};
use crate::state::AppState;

mod actions;
mod agenda;
mod booking;
mod feeds;
mod file;
mod follow_up;
mod forms;
mod invite;
mod moving;
mod queue;
mod reach;

use actions::*;
use agenda::*;
use booking::*;
use feeds::*;
use file::*;
use follow_up::*;
use forms::*;
use invite::*;
use moving::*;
use queue::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/file", get(queue))
        .route("/console/situations/{id}", get(file))
        // A form's address opened directly (a bookmark, a reload refused): back to the file.
        .route(
            "/console/situations/{id}/tentative",
            post(attempt).get(to_file),
        )
        .route("/console/situations/{id}/etat", post(event).get(to_file))
        .route(
            "/console/situations/{id}/orientation",
            post(orient).get(to_file),
        )
        .route(
            "/console/situations/{id}/entretien",
            post(interview).get(to_file),
        )
        .route(
            "/console/situations/{id}/enfant",
            post(child_report).get(to_file),
        )
        .route(
            "/console/situations/{id}/orientations/{oid}/{to}",
            post(orientation_outcome).get(to_file_of),
        )
        .route(
            "/console/situations/{id}/liens",
            post(create_link).get(to_file),
        )
        .route(
            "/console/situations/{id}/liens/{lid}/terminer",
            post(end_link).get(to_file_of),
        )
        .route(
            "/console/situations/{id}/invitation",
            post(invite).get(to_file),
        )
        .route(
            "/console/situations/{id}/invitations/{iid}/retirer",
            post(revoke_invitation).get(to_file_of),
        )
        .route(
            "/console/situations/{id}/messages",
            post(reach::switch).get(to_file),
        )
        .route(
            "/console/situations/{id}/contact-sur",
            post(reach::reach).get(to_file),
        )
        .route(
            "/console/situations/{id}/rouvrir",
            post(reopen).get(to_file),
        )
        .route("/console/personnes/{id}/consultations", get(access_log))
        .route(
            "/console/situations/{id}/rendez-vous",
            get(slots).post(book),
        )
        .route("/console/agenda", get(agenda_page))
        .route("/console/agenda/abonnements", get(feeds).post(create_feed))
        .route(
            "/console/agenda/abonnements/{id}/revoquer",
            post(revoke_feed).get(|| async { super::see_other("/console/agenda/abonnements") }),
        )
        .route("/console/rendez-vous/{id}", get(appointment_page))
        .route(
            "/console/rendez-vous/{id}/deplacer",
            get(move_page).post(move_appointment),
        )
        .route(
            "/console/rendez-vous/{id}/{action}",
            post(outcome).get(|| async { super::see_other("/console/agenda") }),
        )
}

type D = Desk<FileReaders>;

/// A follow-up's address opened directly: back to the file.
async fn to_file_of(Path(p): Path<Vec<String>>) -> Response {
    to_file(Path(p.into_iter().next().unwrap_or_default())).await
}

async fn to_file(Path(id): Path<String>) -> Response {
    match Uuid::parse_str(&id) {
        Ok(id) => super::see_other(&format!("/console/situations/{id}")),
        Err(_) => super::see_other("/console/file"),
    }
}

const TZ: Tz = crate::zone::DEFAULT;

fn when(t: DateTime<Utc>, l: Lang) -> String {
    let t = t.with_timezone(&TZ);
    if l.english {
        t.format("%Y-%m-%d %H:%M").to_string()
    } else {
        t.format("%d/%m/%Y %H:%M").to_string()
    }
}

/// The id in a page's address; one that cannot be an id is a page that does not exist.
fn id_of(raw: &str) -> Result<Uuid, super::Failed> {
    Uuid::parse_str(raw).map_err(|_| crate::error::ServiceError::not_found().into())
}
