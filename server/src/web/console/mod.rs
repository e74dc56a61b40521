//! The staff console, the edge: pages served by `relais serve` under `/console`, for admins,
//! coordinators at a desk and referrers. Each handler parses, calls one service (the same
//! ones, with the same validation, as the JSON API) and renders with `render::console`.
//!
//! Signing in makes an API session (`auth::sessions::login`) whose token lives in a cookie
//! (`HttpOnly`, `SameSite=Strict`, `Secure` unless the console is served on loopback), so
//! the 15-minute idle lock, the 12-hour limit, logout and revocation are the API's. Every
//! form carries an anti-forgery token derived from the session, checked before anything
//! else; a form from another site is refused as well. Every page is `no-store` (the safety
//! headers of `web`).
//!
//! This file is the router; `kit` (who is calling), `answers` (what a page answers) and
//! `posted` (reading forms) are the toolkit below the pages; `pages` holds the console's few
//! pages of its own.

// A refusal here is the answer itself, sent at once: boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use std::marker::PhantomData;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, RawQuery};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use relais_domain::{FieldError, Role};

pub use super::cross_site;
use crate::crypto::token_hash;
use crate::edge::client_ip;
use crate::error::ServiceError;
use crate::render::console::{Form, Frame, Lang, page};
use crate::scope::{Actor, Caller, Scope};
use crate::state::AppState;

pub mod admin;
pub mod desk;
mod enrolment;
pub mod intake;
pub mod notices;
pub mod prevention;
pub mod referrer;
pub mod signin;

pub use notices::{Done, done, notice};

pub const COOKIE: &str = "relais_console";
const LANG_COOKIE: &str = "relais_lang";

mod answers;
mod kit;
mod pages;
mod posted;

pub use answers::*;
pub use kit::*;
use pages::*;
pub use posted::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(home))
        .route("/console/langue", get(language))
        .route("/console/static/console.css", get(css))
        .route("/console/static/console.js", get(js))
        .merge(signin::routes())
        .merge(desk::routes())
        .merge(intake::routes())
        .merge(prevention::routes())
        .merge(admin::routes())
        .merge(referrer::routes())
        .layer(axum::middleware::from_fn(draw_failures))
}
