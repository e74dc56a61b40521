//! The database: connection (SQLite or PostgreSQL), migrations, `OrgScoped` (the one place
//! that scopes a query to an organisation) and `Synced`; the sync columns are written by
//! `sync::Stamp` only.

pub mod entities;
pub mod fresh;
pub mod migration;
pub mod sync;

pub use sync::{Stamp, soft_delete};

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DbErr, EntityTrait, QueryFilter, Select, Statement,
};
use sea_orm_migration::MigratorTrait;
use uuid::Uuid;

pub use migration::Migrator;

pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opt = ConnectOptions::new(url.to_owned());
    // sqlx logs statements at info level; statements carry no values here, but logs are
    // kept free of the database's chatter all the same.
    opt.sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        // WAL lets readers proceed during a write; writers queue on busy_timeout.
        opt.max_connections(8).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .create_if_missing(true)
        });
    } else {
        opt.max_connections(20);
    }
    Database::connect(opt).await
}

/// Apply the pending migrations. On SQLite they run on a connection of their own with
/// foreign keys off (a table rebuild needs it: SQLite's documented procedure), and the
/// keys are checked before the server goes on.
pub async fn migrate(url: &str, db: &DatabaseConnection) -> Result<(), DbErr> {
    if !url.starts_with("sqlite:") {
        return Migrator::up(db, None).await;
    }
    let mut opt = ConnectOptions::new(url.to_owned());
    opt.sqlx_logging(false)
        .max_connections(1)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(false)
                .busy_timeout(Duration::from_secs(10))
                .create_if_missing(true)
        });
    let single = Database::connect(opt).await?;
    Migrator::up(&single, None).await?;
    let broken = single
        .query_all_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            "PRAGMA foreign_key_check",
        ))
        .await?;
    single.close().await?;
    if broken.is_empty() {
        Ok(())
    } else {
        Err(DbErr::Migration(format!(
            "{} rows break a foreign key after migrating",
            broken.len()
        )))
    }
}

pub fn is_postgres(db: &impl ConnectionTrait) -> bool {
    db.get_database_backend() == DatabaseBackend::Postgres
}

/// Tables whose rows belong to one organisation. Every read of such a table in a request
/// starts from `scoped`, which is the only place the organisation filter is written.
pub trait OrgScoped: EntityTrait {
    fn organisation_column() -> Self::Column;

    fn scoped(organisation_id: Uuid) -> Select<Self> {
        Self::find().filter(Self::organisation_column().eq(organisation_id))
    }
}

macro_rules! org_scoped {
    ($($m:ident),*) => {$(
        impl OrgScoped for entities::$m::Entity {
            fn organisation_column() -> Self::Column {
                entities::$m::Column::OrganisationId
            }
        }
    )*};
}
org_scoped!(
    site,
    account,
    account_site,
    device,
    session,
    person,
    audit_log,
    appointment_type,
    opening_window,
    schedule_exception,
    absence,
    appointment,
    appointment_participant,
    appointment_event,
    calendar_feed,
    partner_unit,
    situation,
    situation_event,
    contact_attempt,
    interview,
    partner,
    orientation,
    child_report,
    anonymous_contact,
    prevention_action,
    convention,
    person_link,
    notification,
    dev_outbox,
    message_template,
    sync_intent,
    booking_link,
    invitation
);

/// Tables the phone syncs: soft deletion, `updated_at` and a change sequence.
pub trait Synced: OrgScoped {
    fn id_column() -> Self::Column;
    fn deleted_at_column() -> Self::Column;
    fn updated_at_column() -> Self::Column;
    fn change_seq_column() -> Self::Column;
}

macro_rules! synced {
    ($($m:ident),*) => {$(
        impl Synced for entities::$m::Entity {
            fn id_column() -> Self::Column { entities::$m::Column::Id }
            fn deleted_at_column() -> Self::Column { entities::$m::Column::DeletedAt }
            fn updated_at_column() -> Self::Column { entities::$m::Column::UpdatedAt }
            fn change_seq_column() -> Self::Column { entities::$m::Column::ChangeSeq }
        }
        sync::sync_columns!($m);
    )*};
}
synced!(
    site,
    account,
    person,
    appointment_type,
    opening_window,
    schedule_exception,
    absence,
    appointment,
    calendar_feed,
    situation,
    contact_attempt,
    interview,
    partner,
    orientation,
    child_report,
    anonymous_contact,
    prevention_action,
    convention,
    person_link
);

impl OrgScoped for entities::organisation::Entity {
    fn organisation_column() -> Self::Column {
        entities::organisation::Column::Id
    }
}
