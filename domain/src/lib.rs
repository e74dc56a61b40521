//! Relais domain: the rules and the wire types shared by the server and the phone core.
//! Everything here is pure (no I/O, no clock reads): callers pass `now` in.

#[macro_use]
pub mod words;

pub mod booking_link;
pub mod casework;
#[cfg(feature = "communes")]
pub mod commune;
pub mod convention;
pub mod delivery;
pub mod dto;
pub mod email;
pub mod holidays;
pub mod invitation;
pub mod limits;
pub mod outreach;
pub mod password;
pub mod phone;
pub mod prevention;
pub mod problem;
pub mod report;
pub mod role;
pub mod safe_contact;
pub mod schedule;
pub mod sms;
pub mod text;
pub mod validation;
pub mod wording;

pub use role::Role;
pub use validation::{FieldError, Said, Validator};
