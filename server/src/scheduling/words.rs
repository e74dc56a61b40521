//! How scheduling words and times are stored as text (week days, wall-clock times, place kinds, who may book).

use chrono::NaiveTime;
use relais_domain::dto::{BookableBy, PlaceKind};

pub(crate) fn days_to_text(days: &[u8]) -> String {
    let mut d = days.to_vec();
    d.sort_unstable();
    d.dedup();
    d.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
}

pub(crate) fn days_from_text(s: &str) -> Vec<u8> {
    s.split(',').filter_map(|d| d.trim().parse().ok()).collect()
}

pub(crate) fn time_text(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

pub(crate) fn time_parse(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").unwrap_or(NaiveTime::MIN)
}

pub(crate) fn place_str(p: PlaceKind) -> &'static str {
    match p {
        PlaceKind::Site => "site",
        PlaceKind::Phone => "phone",
        PlaceKind::HomeVisit => "home_visit",
        PlaceKind::Partner => "partner",
    }
}

pub(crate) fn place_parse(s: &str) -> PlaceKind {
    match s {
        "phone" => PlaceKind::Phone,
        "home_visit" => PlaceKind::HomeVisit,
        "partner" => PlaceKind::Partner,
        _ => PlaceKind::Site,
    }
}

pub(crate) fn bookable_str(b: BookableBy) -> &'static str {
    match b {
        BookableBy::Staff => "staff",
        BookableBy::StaffAndReferrers => "staff_and_referrers",
        BookableBy::Public => "public",
    }
}

pub(crate) fn bookable_parse(s: &str) -> BookableBy {
    match s {
        "staff_and_referrers" => BookableBy::StaffAndReferrers,
        "public" => BookableBy::Public,
        _ => BookableBy::Staff,
    }
}
