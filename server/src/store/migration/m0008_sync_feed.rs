//! Migration m0008_sync_feed. Released: never edit it, add the next one.

use super::*;

/// The phone's sync: the intents a device pushed, recorded once each, and the change feed's
/// indexes. On PostgreSQL the change sequence becomes the writing transaction's id
/// (`store::sync`), so no row is locked by every writer; the rows written so far take this
/// migration's transaction id, below every later one.
pub(super) struct M0008SyncFeed;

impl MigrationName for M0008SyncFeed {
    fn name(&self) -> &str {
        "m0008_sync_feed"
    }
}

/// The tables the feed reads by `(organisation_id, change_seq, id)`.
const FEED_TABLES: &[&str] = &[
    "site",
    "appointment_type",
    "opening_window",
    "schedule_exception",
    "absence",
    "appointment",
    "situation",
    "person",
    "contact_attempt",
    "partner",
];

#[async_trait::async_trait]
impl MigrationTrait for M0008SyncFeed {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Si::SyncIntent)
                .col(uuid(Si::DeviceId))
                .col(uuid(Si::IntentId))
                .col(uuid(Si::OrganisationId))
                .col(uuid(Si::AccountId))
                .col(big_integer(Si::Seq))
                .col(string_len(Si::Kind, 32))
                .col(string_len(Si::Outcome, 16))
                .col(text_null(Si::Answer))
                .col(timestamp_with_time_zone(Si::CreatedAt))
                .primary_key(Index::create().col(Si::DeviceId).col(Si::IntentId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sync_intent_device_seq")
                .table(Si::SyncIntent)
                .col(Si::DeviceId)
                .col(Si::Seq)
                .unique()
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        for t in FEED_TABLES {
            db.execute_unprepared(&format!(
                "CREATE INDEX {t}_feed ON {t} (organisation_id, change_seq, id)"
            ))
            .await?;
            if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
                db.execute_unprepared(&format!(
                    "UPDATE {t} SET change_seq = pg_current_xact_id()::text::bigint"
                ))
                .await?;
            }
        }
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            for t in [
                "account",
                "calendar_feed",
                "interview",
                "orientation",
                "child_report",
                "anonymous_contact",
                "person_link",
                "organisation",
            ] {
                db.execute_unprepared(&format!(
                    "UPDATE {t} SET change_seq = pg_current_xact_id()::text::bigint"
                ))
                .await?;
            }
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(super) enum Si {
    SyncIntent,
    DeviceId,
    IntentId,
    OrganisationId,
    AccountId,
    Seq,
    Kind,
    Outcome,
    Answer,
    CreatedAt,
}
