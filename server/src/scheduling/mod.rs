//! Scheduling: what can be booked and when, and booking itself. Each module takes a `Scope`
//! and answers wire types or a `ServiceError`; none knows HTTP.
//!
//! - `types`: appointment types; `calendar`: opening windows, exceptions, absences, holidays;
//! - `search`: free slots (data loaded in four indexed queries, then `domain::schedule`);
//! - `booking`: book, move, cancel, seen / no-show, with idempotency and the keep-apart rule;
//! - `agenda`, `feed`: a coordinator's or site's agenda, and iCalendar feeds;
//! - `links`: the person's booking and manage links, and what a person does with them;
//!   `link_rows`: the manage link a booking writes and the addresses the outbox reads;
//! - `invitations`: invitations by message (a self-booking link or "call us"), their
//!   follow-up, expiry and outreach status;
//! - `messages`: the messages of an appointment; `rules`, `words`: shared lookups and words.

pub mod agenda;
pub mod booking;
pub mod calendar;
pub mod feed;
pub mod invitations;
pub mod link_rows;
pub mod links;
pub mod messages;
pub mod rules;
pub mod search;
pub mod types;
pub mod words;

pub(crate) use rules::{
    find_coordinator, find_site, find_type, find_type_site_coordinator, rules_of,
};
pub(crate) use search::load_search;
