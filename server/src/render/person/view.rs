//! One view per page (`server/templates/person/`): what the template shows, nothing more.
//! Every expression is escaped by askama.

use askama::Template;

use super::words::W;

#[derive(Template)]
#[template(path = "person/blank.html")]
pub struct Blank<'a> {
    pub w: &'static W,
    pub exit_url: &'a str,
}

#[derive(Template)]
#[template(path = "person/neutral.html")]
pub struct Neutral<'a> {
    pub w: &'static W,
    pub exit_url: &'a str,
}

#[derive(Template)]
#[template(path = "person/message.html")]
pub struct Message<'a> {
    pub w: &'static W,
    pub exit_url: &'a str,
    pub text: &'static str,
}

#[derive(Template)]
#[template(path = "person/safety.html")]
pub struct Safety<'a> {
    pub w: &'static W,
    pub exit_url: &'a str,
}

#[derive(Template)]
#[template(path = "person/check.html")]
pub struct Check<'a> {
    pub w: &'static W,
    pub exit_url: &'a str,
    pub alert: Option<String>,
    pub wrong: bool,
}

pub struct Slot {
    pub href: String,
    pub label: String,
    pub time: String,
    pub place: Option<String>,
}

pub struct Day {
    pub id: String,
    pub title: String,
    pub slots: Vec<Slot>,
}

#[derive(Template)]
#[template(path = "person/slots.html")]
pub struct Slots<'a> {
    pub w: &'static W,
    pub exit_url: &'a str,
    pub title: &'static str,
    pub alert: Option<&'static str>,
    pub minutes: String,
    /// The first time offered: (link, text).
    pub first: Option<(String, String)>,
    pub days: Vec<Day>,
    pub earlier: Option<String>,
    pub later: Option<String>,
}

#[derive(Template)]
#[template(path = "person/confirm.html")]
pub struct Confirm<'a> {
    pub w: &'static W,
    pub exit_url: &'a str,
    pub title: &'static str,
    pub when: String,
    pub minutes: String,
    pub place: Option<String>,
    pub action: &'static str,
    pub key: &'a str,
    pub go: &'static str,
    pub back: &'static str,
}

#[derive(Template)]
#[template(path = "person/appointment.html")]
pub struct Appointment<'a> {
    pub w: &'static W,
    pub exit_url: &'a str,
    pub title: &'static str,
    pub already: bool,
    pub when: String,
    pub minutes: String,
    pub place: Option<String>,
    pub booked: bool,
}

#[derive(Template)]
#[template(path = "person/cancel_confirm.html")]
pub struct CancelConfirm<'a> {
    pub w: &'static W,
    pub exit_url: &'a str,
    pub when: String,
}

#[derive(Template)]
#[template(path = "person/cancelled.html")]
pub struct Cancelled<'a> {
    pub w: &'static W,
    pub exit_url: &'a str,
}
