//! Casework: persons, situations and their state machine, contact attempts, interviews,
//! referrals, the partner directory and orientations, links between persons and the rule
//! that keeps linked parties apart, and the facts of the yearly report. Each service takes a
//! `Scope`; none knows HTTP.

pub mod attempts;
pub mod common;
pub mod conventions;
pub mod interviews;
pub mod partners;
pub mod persons;
pub mod prevention;
pub mod referrals;
pub mod report;
pub mod situations;
pub mod transitions;
