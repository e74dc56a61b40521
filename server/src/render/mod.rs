//! Rendering shared by the edges: what the JSON API offers as CSV or HTML and what the staff
//! console will show. Pure functions of wire or domain types; no I/O, no HTTP.

pub mod console;
pub mod html;
pub mod person;
pub mod report;
