//! How week days and wall-clock times of the scheduling rules are stored as text. (Place
//! kinds, who may book and statuses are `words!` of the domain.)

use chrono::NaiveTime;

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
