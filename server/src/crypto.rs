//! Field-level encryption (XChaCha20-Poly1305) and keyed search hashes (HMAC-SHA-256).
//! The master key lives outside the database; each sealed value is bound to its table,
//! column and row so a ciphertext copied to another row does not open.

use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use data_encoding::{BASE64, HEXLOWER};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the data key must be 32 bytes encoded in base64 (got {0} bytes)")]
    BadKeyLength(usize),
    #[error("the data key is not valid base64")]
    BadKeyEncoding,
    #[error("a sealed field could not be opened: wrong key or altered data")]
    Open,
    #[error("cannot read or write the key file {path}: {source}")]
    KeyFile {
        path: String,
        source: std::io::Error,
    },
}

pub struct FieldCipher {
    aead: XChaCha20Poly1305,
    index_key: [u8; 32],
    /// Derives the person's link tokens from the links' ids.
    link_key: [u8; 32],
    /// Signs the person's short sessions.
    session_key: [u8; 32],
}

impl std::fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FieldCipher(..)")
    }
}

fn derive(master: &[u8; 32], label: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

impl FieldCipher {
    pub fn new(master: &[u8; 32]) -> Self {
        let enc = derive(master, "relais field encryption v1");
        Self {
            aead: XChaCha20Poly1305::new((&enc).into()),
            index_key: derive(master, "relais blind index v1"),
            link_key: derive(master, "relais person link tokens v1"),
            session_key: derive(master, "relais person sessions v1"),
        }
    }

    pub fn from_base64(s: &str) -> Result<Self, CryptoError> {
        let bytes = BASE64
            .decode(s.trim().as_bytes())
            .map_err(|_| CryptoError::BadKeyEncoding)?;
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::BadKeyLength(bytes.len()))?;
        Ok(Self::new(&key))
    }

    /// A new random key, base64.
    pub fn generate_key() -> String {
        let mut k = [0u8; 32];
        rand::rng().fill_bytes(&mut k);
        BASE64.encode(&k)
    }

    /// Write a fresh key to `path`, readable by the owner only. Refuses to overwrite.
    pub fn create_key_file(path: &Path) -> Result<String, CryptoError> {
        use std::io::Write;
        let err = |source| CryptoError::KeyFile {
            path: path.display().to_string(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let key = Self::generate_key();
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(path).map_err(err)?;
        f.write_all(key.as_bytes()).map_err(err)?;
        f.write_all(b"\n").map_err(err)?;
        Ok(key)
    }

    pub fn read_key_file(path: &Path) -> Result<Self, CryptoError> {
        let s = std::fs::read_to_string(path).map_err(|source| CryptoError::KeyFile {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_base64(&s)
    }

    fn aad(table: &str, column: &str, row: Uuid) -> Vec<u8> {
        let mut a = Vec::with_capacity(64);
        a.extend_from_slice(table.as_bytes());
        a.push(0);
        a.extend_from_slice(column.as_bytes());
        a.push(0);
        a.extend_from_slice(row.as_bytes());
        a
    }

    /// version ‖ nonce ‖ ciphertext+tag.
    pub fn seal(&self, table: &str, column: &str, row: Uuid, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let aad = Self::aad(table, column, row);
        let ct = self
            .aead
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 encryption does not fail for in-memory buffers");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ct.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out
    }

    pub fn open(
        &self,
        table: &str,
        column: &str,
        row: Uuid,
        sealed: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < 1 + NONCE_LEN + 16 || sealed[0] != VERSION {
            return Err(CryptoError::Open);
        }
        let aad = Self::aad(table, column, row);
        self.aead
            .decrypt(
                XNonce::from_slice(&sealed[1..1 + NONCE_LEN]),
                Payload {
                    msg: &sealed[1 + NONCE_LEN..],
                    aad: &aad,
                },
            )
            .map_err(|_| CryptoError::Open)
    }

    pub fn seal_json<T: serde::Serialize>(
        &self,
        table: &str,
        column: &str,
        row: Uuid,
        v: &T,
    ) -> Vec<u8> {
        let bytes = serde_json::to_vec(v).expect("serialising plain data structures does not fail");
        self.seal(table, column, row, &bytes)
    }

    pub fn open_json<T: serde::de::DeserializeOwned>(
        &self,
        table: &str,
        column: &str,
        row: Uuid,
        sealed: &[u8],
    ) -> Result<T, CryptoError> {
        let bytes = self.open(table, column, row, sealed)?;
        serde_json::from_slice(&bytes).map_err(|_| CryptoError::Open)
    }

    /// Keyed hash of an already-normalised value, for equality search. `kind` separates
    /// the domains so a name hash never equals a phone hash.
    pub fn blind_index(&self, kind: &str, normalised: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.index_key)
            .expect("HMAC takes any key length");
        mac.update(kind.as_bytes());
        mac.update(&[0]);
        mac.update(normalised.as_bytes());
        HEXLOWER.encode(&mac.finalize().into_bytes()[..16])
    }
}

impl FieldCipher {
    /// The token of a person's link: a keyed hash of its id, so the server can write it
    /// into a reminder again without storing it (the database keeps `token_hash`).
    pub fn link_token(&self, link_id: Uuid) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.link_key)
            .expect("HMAC takes any key length");
        mac.update(link_id.as_bytes());
        let out = mac.finalize().into_bytes();
        let mut first = [0u8; 16];
        first.copy_from_slice(&out[..16]);
        relais_domain::booking_link::token_from(&first)
    }

    /// `payload.mac` for the person's session cookie.
    pub fn sign_session(&self, payload: &str) -> String {
        format!("{payload}.{}", self.session_mac(payload))
    }

    /// The payload of a cookie whose MAC is right (compared in constant time).
    pub fn check_session<'a>(&self, cookie: &'a str) -> Option<&'a str> {
        let (payload, mac) = cookie.rsplit_once('.')?;
        let want = self.session_mac(payload);
        let ok = want.len() == mac.len()
            && want
                .bytes()
                .zip(mac.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        ok.then_some(payload)
    }

    fn session_mac(&self, payload: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.session_key)
            .expect("HMAC takes any key length");
        mac.update(payload.as_bytes());
        data_encoding::BASE64URL_NOPAD.encode(&mac.finalize().into_bytes()[..18])
    }
}

/// SHA-256 hex of a secret token: what the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    HEXLOWER.encode(&Sha256::digest(token.as_bytes()))
}

/// A random token of `bytes` bytes, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    data_encoding::BASE64URL_NOPAD.encode(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_binds_to_the_row() {
        let c = FieldCipher::from_base64(&FieldCipher::generate_key()).unwrap();
        let id = Uuid::new_v4();
        let s = c.seal("person", "identity", id, b"Marie Dupont");
        assert!(!s.windows(5).any(|w| w == b"Marie"));
        assert_eq!(
            c.open("person", "identity", id, &s).unwrap(),
            b"Marie Dupont"
        );
        assert!(c.open("person", "identity", Uuid::new_v4(), &s).is_err());
        assert!(c.open("person", "contact", id, &s).is_err());
        let mut t = s.clone();
        let last = t.len() - 1;
        t[last] ^= 1;
        assert!(c.open("person", "identity", id, &t).is_err());
        let other = FieldCipher::from_base64(&FieldCipher::generate_key()).unwrap();
        assert!(other.open("person", "identity", id, &s).is_err());
    }

    #[test]
    fn blind_index_is_keyed_and_separated() {
        let c = FieldCipher::new(&[7; 32]);
        let d = FieldCipher::new(&[8; 32]);
        assert_eq!(
            c.blind_index("name", "marie dupont"),
            c.blind_index("name", "marie dupont")
        );
        assert_ne!(
            c.blind_index("name", "marie dupont"),
            d.blind_index("name", "marie dupont")
        );
        assert_ne!(c.blind_index("name", "x"), c.blind_index("phone", "x"));
    }

    #[test]
    fn key_parsing_errors_say_why() {
        assert!(matches!(
            FieldCipher::from_base64("!!"),
            Err(CryptoError::BadKeyEncoding)
        ));
        assert!(matches!(
            FieldCipher::from_base64("AAAA"),
            Err(CryptoError::BadKeyLength(3))
        ));
    }
}
