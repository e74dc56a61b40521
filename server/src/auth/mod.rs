//! Accounts' credentials: Argon2id password hashes, TOTP second factor, recovery codes,
//! and the lockout rule. The HTTP side is in `api::auth`.

pub mod lockout;
pub mod password;
pub mod proxy;
pub mod totp;
