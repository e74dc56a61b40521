//! The coordinator phone's core. `client` is plain Rust (tested directly from `tests/`);
//! `ffi` is the thin uniffi layer the Android and iOS apps call. Every rule lives here or in
//! `relais-domain`, never in the apps.

#![deny(unsafe_code)] // uniffi's generated scaffolding is the only unsafe code in this crate.

pub mod client;
pub mod ffi;
pub mod phone;
pub mod store;

uniffi::setup_scaffolding!();
