//! End-to-end suites over HTTP against a real server. SQLite by default; PostgreSQL when
//! `RELAIS_TEST_POSTGRES_URL` is set (CI runs both).

#![allow(clippy::unwrap_used)]

#[path = "e2e/access.rs"]
mod access;
#[path = "e2e/auth.rs"]
mod auth;
#[path = "e2e/bad_input.rs"]
mod bad_input;
#[path = "e2e/communes.rs"]
mod communes;
#[path = "e2e/console.rs"]
mod console;
#[path = "e2e/console_pages.rs"]
mod console_pages;
#[path = "e2e/console_reach.rs"]
mod console_reach;
#[path = "e2e/daily.rs"]
mod daily;
#[path = "e2e/delivery.rs"]
mod delivery;
#[path = "e2e/hardening.rs"]
mod hardening;
#[path = "e2e/invitations.rs"]
mod invitations;
#[path = "e2e/outbox.rs"]
mod outbox;
#[path = "e2e/outreach.rs"]
mod outreach;
#[path = "e2e/person_pages.rs"]
mod person_pages;
#[path = "e2e/persons.rs"]
mod persons;
#[path = "e2e/phone.rs"]
mod phone;
#[path = "e2e/prevention.rs"]
mod prevention;
#[path = "e2e/processes.rs"]
mod processes;
#[path = "e2e/report.rs"]
mod report;
#[path = "e2e/report_formats.rs"]
mod report_formats;
#[path = "e2e/report_places.rs"]
mod report_places;
#[path = "e2e/scheduling.rs"]
mod scheduling;
#[path = "e2e/sync.rs"]
mod sync;
