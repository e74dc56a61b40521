//! The shared state of a running server: the database, the data key, the password hasher,
//! configuration, the gateways and the writer's turn; and start-up (connect, migrate, load
//! and check the data key). Services receive it inside their `Scope`; it knows no HTTP.

use std::path::Path;
use std::sync::Arc;

use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, Set, TransactionTrait,
};

use crate::auth::lockout::{IpThrottle, Throttle};

/// Guessing of the person's link tokens, throttled by address and by token prefix, and
/// of the knowledge check's answers, by address (across links).
pub struct LinkThrottle {
    pub ip: Throttle<std::net::IpAddr>,
    pub prefix: Throttle<String>,
    pub answers: Throttle<std::net::IpAddr>,
}

/// Wrong answers to the knowledge check from one address, across links, before its answers
/// wait for the window to pass (two links' five tries).
pub const WRONG_ANSWERS_PER_ADDRESS: u32 = 10;
use crate::auth::password::Hasher;
use crate::config::Config;
use crate::crypto::FieldCipher;
use crate::store::{self, entities::instance};

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    db: DatabaseConnection,
    cipher: FieldCipher,
    hasher: Hasher,
    config: Config,
    ip_throttle: IpThrottle,
    link_throttle: LinkThrottle,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    trusted_proxies: Vec<crate::auth::proxy::Net>,
    /// SQLite has one writer at a time, and a writer that finds the lock taken sleeps in
    /// millisecond steps: queueing writers here instead keeps throughput under contention.
    write_lock: tokio::sync::Mutex<()>,
    gateways: crate::outbox::providers::Gateways,
    /// Wakes the dispatcher: the scheduler's tick, or a change that enqueued a message.
    outbox_wake: tokio::sync::Notify,
    /// Free slots of recent searches, used again while nothing they read has changed.
    free_slots: store::fresh::Fresh<store::fresh::SearchKey, Arc<store::fresh::FreeSlots>>,
    /// The server's time (`crate::clock`): the system clock, moved only by tests.
    clock: crate::clock::Clock,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("{0}")]
    Crypto(#[from] crate::crypto::CryptoError),
    #[error("{0}")]
    Config(String),
}

impl AppState {
    /// Now, as the server sees it (`crate::clock`).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.clock.now()
    }
    /// The server's clock, for a test to move.
    pub fn clock(&self) -> &crate::clock::Clock {
        &self.0.clock
    }
    pub fn db(&self) -> &DatabaseConnection {
        &self.0.db
    }
    pub fn gateways(&self) -> &crate::outbox::providers::Gateways {
        &self.0.gateways
    }
    pub fn outbox_wake(&self) -> &tokio::sync::Notify {
        &self.0.outbox_wake
    }
    /// Tell the dispatcher there may be work now.
    pub fn wake_outbox(&self) {
        self.0.outbox_wake.notify_one();
    }
    /// Where the development outbox keeps what it "sends".
    pub fn dev_outbox(&self) -> crate::outbox::providers::DevOutbox<'_> {
        crate::outbox::providers::DevOutbox {
            db: self.db(),
            cipher: self.cipher(),
            now: self.now(),
        }
    }
    /// Free slots of recent searches (`store::fresh`).
    pub fn free_slots(
        &self,
    ) -> &store::fresh::Fresh<store::fresh::SearchKey, Arc<store::fresh::FreeSlots>> {
        &self.0.free_slots
    }
    pub fn cipher(&self) -> &FieldCipher {
        &self.0.cipher
    }
    pub fn hasher(&self) -> &Hasher {
        &self.0.hasher
    }
    pub fn config(&self) -> &Config {
        &self.0.config
    }
    pub fn quiet_hours(&self) -> relais_domain::sms::QuietHours {
        self.0.config.quiet_hours()
    }
    pub fn ip_throttle(&self) -> &IpThrottle {
        &self.0.ip_throttle
    }
    pub fn link_throttle(&self) -> &LinkThrottle {
        &self.0.link_throttle
    }
    pub fn trusted_proxies(&self) -> &[crate::auth::proxy::Net] {
        &self.0.trusted_proxies
    }

    /// The writer's turn on SQLite (nothing on PostgreSQL, whose row locks do the work).
    pub async fn write_lock(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        if self.0.config.is_sqlite() {
            Some(self.0.write_lock.lock().await)
        } else {
            None
        }
    }

    /// A write transaction, after the writer's turn. Keep the guard alive with the
    /// transaction: `let (_turn, txn) = state.begin_write().await?;`
    pub async fn begin_write(
        &self,
    ) -> Result<(Option<tokio::sync::MutexGuard<'_, ()>>, DatabaseTransaction), sea_orm::DbErr>
    {
        let turn = self.write_lock().await;
        let txn = self.db().begin().await?;
        Ok((turn, txn))
    }

    /// An audit row on its own (a read or a refusal), in the writer's turn.
    pub async fn audit(&self, e: crate::audit::Event) -> Result<(), sea_orm::DbErr> {
        let _turn = self.write_lock().await;
        crate::audit::record(self.db(), e).await
    }

    /// Connect, migrate, load the data key (creating it for a brand-new SQLite database)
    /// and check it opens what the database was sealed with.
    pub async fn start(config: Config) -> Result<AppState, StartError> {
        let fresh_sqlite = config.sqlite_path().is_some_and(|p| !p.exists());
        if let Some(dir) = config
            .sqlite_path()
            .as_deref()
            .and_then(Path::parent)
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                StartError::Config(format!(
                    "cannot create the data directory {}: {e}",
                    dir.display()
                ))
            })?;
        }
        let cipher = load_cipher(&config, fresh_sqlite)?;
        if fresh_sqlite && let Some(path) = config.sqlite_path() {
            // The database file readable by its owner only, like the key; SQLite gives its
            // WAL and shared-memory files the same mode.
            create_private_file(&path).map_err(|e| {
                StartError::Config(format!("cannot create {}: {e}", path.display()))
            })?;
        }
        let db = store::connect(&config.database_url).await?;
        store::migrate(&config.database_url, &db).await?;
        check_key(&db, &cipher).await?;
        let hasher = Hasher::new(config.argon2_memory_kib, config.argon2_iterations)
            .map_err(StartError::Config)?;
        let ip_throttle = IpThrottle::new(
            config.ip_failures_per_window,
            chrono::Duration::minutes(config.lockout_window_minutes),
        );
        let window = chrono::Duration::minutes(config.lockout_window_minutes);
        let link_throttle = LinkThrottle {
            ip: Throttle::new(config.link_failures_per_address, window),
            prefix: Throttle::new(config.link_failures_per_prefix, window),
            answers: Throttle::new(WRONG_ANSWERS_PER_ADDRESS, window),
        };
        // reqwest and lettre use rustls with ring, installed once for the process.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let gateways =
            crate::outbox::providers::Gateways::from_config(&config).map_err(StartError::Config)?;
        if gateways.email_unavailable() {
            tracing::warn!(
                "an SMS gateway is configured but no smtp_url: e-mail reminders are unavailable \
                 and fail visibly on the appointment (set RELAIS_SMTP_URL to send them)"
            );
        }
        let trusted_proxies =
            crate::auth::proxy::parse_list(&config.trusted_proxies).unwrap_or_default();
        Ok(AppState(Arc::new(Inner {
            trusted_proxies,
            db,
            cipher,
            hasher,
            config,
            ip_throttle,
            link_throttle,
            write_lock: tokio::sync::Mutex::new(()),
            gateways,
            outbox_wake: tokio::sync::Notify::new(),
            free_slots: store::fresh::Fresh::new(512),
            clock: crate::clock::Clock::default(),
        })))
    }
}

fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path).map(drop)
}

fn load_cipher(config: &Config, fresh_sqlite: bool) -> Result<FieldCipher, StartError> {
    if let Some(k) = &config.data_key {
        return Ok(FieldCipher::from_base64(k)?);
    }
    let Some(path) = config.key_file() else {
        return Err(StartError::Config(
            "no data key: set RELAIS_DATA_KEY or RELAIS_DATA_KEY_FILE (generate one with `relais generate-key`)".into(),
        ));
    };
    if path.exists() {
        return Ok(FieldCipher::read_key_file(&path)?);
    }
    if fresh_sqlite {
        FieldCipher::create_key_file(&path)?;
        tracing::warn!(path = %path.display(), "created a new data key file: back it up, the data cannot be read without it");
        return Ok(FieldCipher::read_key_file(&path)?);
    }
    Err(StartError::Config(format!(
        "the data key file {} does not exist, and the database already does: without its key the data cannot be read. \
         Set RELAIS_DATA_KEY_FILE to the right file",
        path.display()
    )))
}

const KEY_CHECK: &[u8] = b"relais key check";

async fn check_key(db: &DatabaseConnection, cipher: &FieldCipher) -> Result<(), StartError> {
    let nil = uuid::Uuid::nil();
    match instance::Entity::find_by_id(1).one(db).await? {
        Some(row) => {
            let ok = cipher
                .open("instance", "key_check", nil, &row.key_check)
                .is_ok_and(|p| p == KEY_CHECK);
            if !ok {
                return Err(StartError::Config(
                    "the data key does not match this database (it was sealed with another key)"
                        .into(),
                ));
            }
        }
        None => {
            instance::ActiveModel {
                id: Set(1),
                key_check: Set(cipher.seal("instance", "key_check", nil, KEY_CHECK)),
                created_at: Set(crate::clock::wall()),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
