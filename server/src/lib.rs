//! Relais server: the HTTP API over a SQLite or PostgreSQL store. Start reading at `app`
//! (state and router), then `tenancy` (who may touch what) and `api`.

pub mod accounts;
pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
pub mod casework;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod demo;
pub mod edge;
pub mod error;
pub mod glossary;
pub mod input;
pub mod organisation;
pub mod outbox;
pub mod paging;
pub mod render;
pub mod retention;
pub mod scheduling;
pub mod scope;
pub mod state;
pub mod store;
pub mod sync;
pub mod web;
pub mod wording;
pub mod zone;

pub use config::Config;
pub use state::AppState;

/// Logs to stderr, text or JSON. The default filter keeps the database drivers quiet;
/// nothing this crate logs carries names, numbers, addresses or notes.
pub fn init_logging(format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
