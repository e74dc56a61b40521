//! The person's pages, the edge: `/r/{token}` exchanges a link for a short session and a
//! clean URL; `/rdv` shows the step the session is at; the forms post, then redirect back to
//! `/rdv` (post/redirect/get), the outcome carried in the session. Parse, call
//! `scheduling::links`, render with `render::person`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Duration, NaiveDate};
use relais_domain::booking_link::{Notice, PersonSession, Purpose};
use relais_domain::problem::ProblemCode;

use super::cross_site;
use crate::edge::ClientIp;
use crate::error::ServiceError;
use crate::render::person::{AppointmentView, DayView, Page, SlotView, SlotsView, page};
use crate::scheduling::links::{self, Checked, Closed, Held, Offer, Offers};
use crate::state::AppState;

const COOKIE: &str = "rdv";
/// Days shown per page of slots: a week keeps the page light on a phone.
const DAYS: i64 = 7;

mod forms;
mod kit;
mod pages;

use forms::*;
use kit::*;
use pages::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/r/{token}", get(open))
        .route("/rdv", get(show))
        .route("/rdv/verifier", post(verify))
        .route("/rdv/reserver", post(reserve))
        .route("/rdv/deplacer", post(move_to))
        .route("/rdv/annuler", post(cancel))
        .route("/rdv/sortie", post(exit).get(exit))
        .route("/rdv/langue", get(language))
        .route("/rdv/securite", get(safety))
        .route("/rdv/static/rdv.css", get(css))
        .route("/rdv/static/rdv.js", get(js))
        // Browsers ask for it on their own: nothing, rather than a 404 in the console.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}
