//! Accounts' credentials: Argon2id password hashes, TOTP second factor, recovery codes,
//! the lockout rule, and the sessions built on them (`sessions`). The HTTP side is in
//! `api::auth`.

pub mod credentials;
pub mod devices;
pub mod enrolment;
pub mod lockout;
pub mod password;
pub mod proxy;
pub mod sessions;
pub mod totp;
