//! The phone's local store: one SQLite file (rusqlite, the workspace's one SQLite). Every
//! record, queued intent, local echo and rejection reason is sealed with ChaCha20-Poly1305
//! under a random 256-bit key the host app keeps in the Android Keystore / iOS Keychain
//! (no passphrase, no KDF); the row's table and id are the associated data, so a sealed
//! value cannot be moved to another row. Only what the agenda needs to find rows stays in
//! clear: times, site and coordinator ids, states — never a name, number, note or code word.
//!
//! Schema changes are numbered steps (`UPGRADES`); a fresh install runs `FRESH`; a test
//! checks that upgrading from every version gives the fresh schema.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("local store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The key does not open what the store holds (another key, or corruption).
    #[error("local store: a sealed value does not open with this key")]
    Key,
    #[error("local store: the key must be 32 bytes")]
    KeyLength,
    #[error("local store: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The schema of a new install, at the latest version.
const FRESH: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE record (
    tbl TEXT NOT NULL,
    id TEXT NOT NULL,
    body BLOB NOT NULL,
    site_id TEXT,
    coordinator_id TEXT,
    starts_at INTEGER,
    ends_at INTEGER,
    stale INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tbl, id)
);
CREATE INDEX record_time ON record (tbl, starts_at);
CREATE TABLE intent (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    body BLOB NOT NULL,
    state TEXT NOT NULL,
    code TEXT,
    reason BLOB,
    created_at INTEGER NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE echo (
    intent_id TEXT NOT NULL,
    tbl TEXT NOT NULL,
    id TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (intent_id, tbl, id)
);
CREATE INDEX echo_row ON echo (tbl, id);
";

/// Step `n` takes a store from version `n` to `n + 1`.
const UPGRADES: &[&str] = &[
    // 1 → 2: local echoes of queued intents, shown until the server's version arrives.
    "CREATE TABLE echo (
        intent_id TEXT NOT NULL,
        tbl TEXT NOT NULL,
        id TEXT NOT NULL,
        body BLOB NOT NULL,
        PRIMARY KEY (intent_id, tbl, id)
    );
    CREATE INDEX echo_row ON echo (tbl, id);",
];

/// Version 1, as the first release created it (kept to test the upgrade path).
#[cfg(test)]
const V1: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE record (
    tbl TEXT NOT NULL,
    id TEXT NOT NULL,
    body BLOB NOT NULL,
    site_id TEXT,
    coordinator_id TEXT,
    starts_at INTEGER,
    ends_at INTEGER,
    stale INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tbl, id)
);
CREATE INDEX record_time ON record (tbl, starts_at);
CREATE TABLE intent (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    body BLOB NOT NULL,
    state TEXT NOT NULL,
    code TEXT,
    reason BLOB,
    created_at INTEGER NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0
);
";

pub const VERSION: i64 = UPGRADES.len() as i64 + 1;

fn migrate(c: &mut Connection) -> StoreResult<()> {
    let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tx = c.transaction()?;
    if v == 0 {
        tx.execute_batch(FRESH)?;
    } else if v > VERSION {
        return Err(StoreError::Corrupt(format!(
            "store version {v} is newer than this app ({VERSION})"
        )));
    } else {
        for step in &UPGRADES[(v - 1) as usize..] {
            tx.execute_batch(step)?;
        }
    }
    tx.pragma_update(None, "user_version", VERSION)?;
    tx.commit()?;
    Ok(())
}

pub struct Store {
    conn: Mutex<Connection>,
    cipher: ChaCha20Poly1305,
}

/// A record as stored: its table word, id, the sealed body's plaintext, and the columns
/// the agenda finds it by.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub tbl: &'static str,
    pub id: Uuid,
    pub body: Vec<u8>,
    pub site_id: Option<Uuid>,
    pub coordinator_id: Option<Uuid>,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
}

impl Store {
    pub fn open(path: &Path, key: &[u8]) -> StoreResult<Store> {
        if key.len() != 32 {
            return Err(StoreError::KeyLength);
        }
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        let store = Store {
            conn: Mutex::new(conn),
            cipher: ChaCha20Poly1305::new(Key::from_slice(key)),
        };
        store.check_key()?;
        Ok(store)
    }

    /// A store sealed under another key cannot be read: it is refused (the host wipes it).
    fn check_key(&self) -> StoreResult<()> {
        let c = self.conn();
        let probe: Option<Vec<u8>> = c
            .query_row("SELECT value FROM meta WHERE key = 'key_check'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .map(|hex| decode_hex(&hex))
            .transpose()?;
        match probe {
            Some(sealed) => {
                self.open_sealed("meta", "key_check", &sealed)?;
            }
            None => {
                let sealed = self.seal("meta", "key_check", b"relais");
                c.execute(
                    "INSERT INTO meta (key, value) VALUES ('key_check', ?1)",
                    params![encode_hex(&sealed)],
                )?;
            }
        }
        Ok(())
    }

    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn seal(&self, tbl: &str, id: &str, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let aad = format!("{tbl}/{id}");
        let mut out = nonce.to_vec();
        // Encryption with a valid key and nonce cannot fail.
        out.extend(
            self.cipher
                .encrypt(
                    Nonce::from_slice(&nonce),
                    Payload {
                        msg: plain,
                        aad: aad.as_bytes(),
                    },
                )
                .unwrap_or_default(),
        );
        out
    }

    pub fn open_sealed(&self, tbl: &str, id: &str, sealed: &[u8]) -> StoreResult<Vec<u8>> {
        if sealed.len() < 12 + 16 {
            return Err(StoreError::Key);
        }
        let aad = format!("{tbl}/{id}");
        self.cipher
            .decrypt(
                Nonce::from_slice(&sealed[..12]),
                Payload {
                    msg: &sealed[12..],
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Key)
    }

    pub fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        meta_get(&self.conn(), key)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        meta_set(&self.conn(), key, value)
    }

    /// Every record of a table, opened.
    pub fn all(&self, tbl: &str) -> StoreResult<Vec<(Uuid, Vec<u8>)>> {
        let c = self.conn();
        let mut st = c.prepare_cached("SELECT id, body FROM record WHERE tbl = ?1")?;
        let rows = st.query_map(params![tbl], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body) = row?;
            out.push((parse_id(&id)?, self.open_sealed(tbl, &id, &body)?));
        }
        Ok(out)
    }

    pub fn get(&self, tbl: &str, id: Uuid) -> StoreResult<Option<Vec<u8>>> {
        let c = self.conn();
        let sid = id.to_string();
        let body: Option<Vec<u8>> = c
            .query_row(
                "SELECT body FROM record WHERE tbl = ?1 AND id = ?2",
                params![tbl, sid],
                |r| r.get(0),
            )
            .optional()?;
        body.map(|b| self.open_sealed(tbl, &sid, &b)).transpose()
    }

    /// Records of a table starting in `[from, to)` (epoch seconds), opened, by start.
    pub fn between(&self, tbl: &str, from: i64, to: i64) -> StoreResult<Vec<(Uuid, Vec<u8>)>> {
        let c = self.conn();
        let mut st = c.prepare_cached(
            "SELECT id, body FROM record WHERE tbl = ?1 AND starts_at >= ?2 AND starts_at < ?3 ORDER BY starts_at",
        )?;
        let rows = st.query_map(params![tbl, from, to], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body) = row?;
            out.push((parse_id(&id)?, self.open_sealed(tbl, &id, &body)?));
        }
        Ok(out)
    }

    /// Erase everything: records, intents, echoes, the cursor. The key check stays.
    pub fn wipe(&self) -> StoreResult<()> {
        let mut c = self.conn();
        let tx = c.transaction()?;
        tx.execute_batch(
            "DELETE FROM record; DELETE FROM intent; DELETE FROM echo;
             DELETE FROM meta WHERE key <> 'key_check';",
        )?;
        tx.commit()?;
        // secure_delete zeroes the freed pages; VACUUM drops them and the WAL is checkpointed.
        c.execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(())
    }

    pub fn transaction<T>(&self, f: impl FnOnce(&Tx<'_>) -> StoreResult<T>) -> StoreResult<T> {
        let mut c = self.conn();
        let tx = c.transaction()?;
        let out = f(&Tx {
            tx: &tx,
            store: self,
        })?;
        tx.commit()?;
        Ok(out)
    }
}

/// A local write transaction: a feed page with its cursor, or an intent with its echoes.
pub struct Tx<'a> {
    pub tx: &'a Transaction<'a>,
    store: &'a Store,
}

impl Tx<'_> {
    pub fn put(&self, r: &Row) -> StoreResult<()> {
        let id = r.id.to_string();
        let sealed = self.store.seal(r.tbl, &id, &r.body);
        self.tx
            .prepare_cached(
                "INSERT INTO record (tbl, id, body, site_id, coordinator_id, starts_at, ends_at, stale)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)
                 ON CONFLICT (tbl, id) DO UPDATE SET body = excluded.body, site_id = excluded.site_id,
                   coordinator_id = excluded.coordinator_id, starts_at = excluded.starts_at,
                   ends_at = excluded.ends_at, stale = 0",
            )?
            .execute(params![
                r.tbl,
                id,
                sealed,
                r.site_id.map(|u| u.to_string()),
                r.coordinator_id.map(|u| u.to_string()),
                r.starts_at,
                r.ends_at
            ])?;
        Ok(())
    }

    pub fn remove(&self, tbl: &str, id: Uuid) -> StoreResult<()> {
        self.tx
            .prepare_cached("DELETE FROM record WHERE tbl = ?1 AND id = ?2")?
            .execute(params![tbl, id.to_string()])?;
        Ok(())
    }

    pub fn get(&self, tbl: &str, id: Uuid) -> StoreResult<Option<Vec<u8>>> {
        let sid = id.to_string();
        let body: Option<Vec<u8>> = self
            .tx
            .query_row(
                "SELECT body FROM record WHERE tbl = ?1 AND id = ?2",
                params![tbl, sid],
                |r| r.get(0),
            )
            .optional()?;
        body.map(|b| self.store.open_sealed(tbl, &sid, &b))
            .transpose()
    }

    pub fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        meta_get(self.tx, key)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        meta_set(self.tx, key, value)
    }

    pub fn seal(&self, tbl: &str, id: &str, plain: &[u8]) -> Vec<u8> {
        self.store.seal(tbl, id, plain)
    }

    pub fn open_sealed(&self, tbl: &str, id: &str, sealed: &[u8]) -> StoreResult<Vec<u8>> {
        self.store.open_sealed(tbl, id, sealed)
    }
}

fn meta_get(c: &Connection, key: &str) -> StoreResult<Option<String>> {
    Ok(
        c.query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
            r.get(0)
        })
        .optional()?,
    )
}

fn meta_set(c: &Connection, key: &str, value: &str) -> StoreResult<()> {
    c.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub fn parse_id(s: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(s).map_err(|_| StoreError::Corrupt("an id is not a UUID".into()))
}

/// Hex, for sealed values kept in `meta`.
pub fn encode_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn decode_hex(s: &str) -> StoreResult<Vec<u8>> {
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| StoreError::Corrupt("meta".into()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn schema(c: &Connection) -> Vec<String> {
        let mut st = c
            .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        st.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|s| s.unwrap().split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    #[test]
    fn upgraded_equals_fresh() {
        let mut fresh = Connection::open_in_memory().unwrap();
        migrate(&mut fresh).unwrap();
        let mut old = Connection::open_in_memory().unwrap();
        old.execute_batch(V1).unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        migrate(&mut old).unwrap();
        assert_eq!(schema(&fresh), schema(&old));
        let v: i64 = old
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, VERSION);
    }

    #[test]
    fn sealed_values_open_only_with_their_key_and_row() {
        let dir = std::env::temp_dir().join(format!("relais-store-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.db");
        let s = Store::open(&path, &[7u8; 32]).unwrap();
        let sealed = s.seal("person", "a", b"Camille");
        assert_eq!(s.open_sealed("person", "a", &sealed).unwrap(), b"Camille");
        assert!(s.open_sealed("person", "b", &sealed).is_err());
        drop(s);
        assert!(matches!(
            Store::open(&path, &[8u8; 32]),
            Err(StoreError::Key)
        ));
        assert!(matches!(
            Store::open(&path, &[8u8; 31]),
            Err(StoreError::KeyLength)
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
