//! Argon2id password hashes in PHC strings (16-byte salt).

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

#[derive(Clone)]
pub struct Hasher {
    argon: Argon2<'static>,
    /// A hash of a random password, verified when the account does not exist, so a login
    /// takes as long whether or not the e-mail is known.
    dummy: String,
}

impl Hasher {
    pub fn new(memory_kib: u32, iterations: u32) -> Result<Self, String> {
        let params = Params::new(memory_kib, iterations, 1, None).map_err(|e| e.to_string())?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut h = Self {
            argon,
            dummy: String::new(),
        };
        h.dummy = h.hash(&crate::crypto::random_token(16));
        Ok(h)
    }

    pub fn hash(&self, password: &str) -> String {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        self.argon
            .hash_password_with_salt(password.as_bytes(), &salt)
            .expect("Argon2 accepts any password of at most 128 characters and a 16-byte salt")
            .to_string()
    }

    /// Constant work whether `phc` is a real hash or `None` (unknown account).
    pub fn verify(&self, password: &str, phc: Option<&str>) -> bool {
        let (target, real) = match phc {
            Some(p) => (p, true),
            None => (self.dummy.as_str(), false),
        };
        let Ok(parsed) = PasswordHash::new(target) else {
            return false;
        };
        self.argon
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && real
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_carry_their_parameters() {
        let h = Hasher::new(19 * 1024, 2).unwrap();
        let phc = h.hash("cheval agrafe batterie");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(h.verify("cheval agrafe batterie", Some(&phc)));
        assert!(!h.verify("cheval agrafe batteriE", Some(&phc)));
        assert!(!h.verify("anything", None));
        assert!(!h.verify("anything", Some("not a phc string")));
        assert_ne!(phc, h.hash("cheval agrafe batterie"), "salted");
    }
}
