//! Migration m0017_invitation. Released: never edit it, add the next one.

use super::*;

/// Invitations (issue 27): a message that reaches the person with a self-booking link or a
/// "call us" text, its one follow-up, its expiry. The outbox learns jobs that belong to an
/// invitation (`notification.invitation_id`; `appointment_id` becomes optional). The
/// organisation's settings (validity, follow-up delay, neutral call-back number) and the
/// person's "no more messages" switch.
pub(super) struct M0017Invitation;

impl MigrationName for M0017Invitation {
    fn name(&self) -> &str {
        "m0017_invitation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0017Invitation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Iv::Invitation)
                .col(uuid(Iv::Id).primary_key())
                .col(uuid(Iv::OrganisationId))
                .col(uuid(Iv::SituationId))
                .col(uuid(Iv::PersonId))
                .col(string_len(Iv::Kind, 16))
                .col(string_len(Iv::Channel, 16))
                .col(string_len(Iv::State, 16))
                .col(integer(Iv::Version))
                .col(uuid_null(Iv::BookingLinkId))
                .col(uuid_null(Iv::AppointmentId))
                .col(timestamp_with_time_zone(Iv::SendAt))
                .col(timestamp_with_time_zone(Iv::ExpiresAt))
                .col(timestamp_with_time_zone_null(Iv::SentAt))
                .col(timestamp_with_time_zone_null(Iv::OpenedAt))
                .col(timestamp_with_time_zone_null(Iv::EndedAt))
                .col(uuid(Iv::CreatedBy))
                .col(timestamp_with_time_zone(Iv::CreatedAt))
                .col(timestamp_with_time_zone(Iv::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("invitation_situation")
                .table(Iv::Invitation)
                .col(Iv::OrganisationId)
                .col(Iv::SituationId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("invitation_person")
                .table(Iv::Invitation)
                .col(Iv::OrganisationId)
                .col(Iv::PersonId)
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        // One open invitation per situation, whatever the instances and the retries.
        db.execute_unprepared(
            "CREATE UNIQUE INDEX invitation_open ON invitation (situation_id) \
             WHERE state IN ('scheduled', 'sent', 'opened')",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX invitation_link ON invitation (booking_link_id) \
             WHERE booking_link_id IS NOT NULL",
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Iv::Organisation)
                .add_column(integer(Iv::InvitationExpiryDays).default(7))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Iv::Organisation)
                .add_column(integer(Iv::InvitationFollowUpDays).default(3))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Iv::Organisation)
                .add_column(string_len_null(Iv::CallbackPhone, 32))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Iv::Person)
                .add_column(timestamp_with_time_zone_null(Iv::MessagesStoppedAt))
                .to_owned(),
        )
        .await?;
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared(
                "ALTER TABLE notification ALTER COLUMN appointment_id DROP NOT NULL",
            )
            .await?;
            db.execute_unprepared("ALTER TABLE notification ADD COLUMN invitation_id uuid NULL")
                .await?;
        } else {
            // SQLite cannot drop a NOT NULL: the table is rebuilt (SQLite's documented
            // procedure, as m0007 did; `store::migrate` runs with foreign keys off).
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DatabaseBackend::Sqlite,
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'notification'",
                ))
                .await?
                .ok_or_else(|| DbErr::Migration("no notification table".into()))?;
            let sql: String = row.try_get("", "sql")?;
            let new_sql = sql
                .replacen(
                    "CREATE TABLE \"notification\"",
                    "CREATE TABLE \"notification_new\"",
                    1,
                )
                .replacen(
                    "\"appointment_id\" uuid_text NOT NULL,",
                    "\"appointment_id\" uuid_text NULL,",
                    1,
                )
                .replacen(
                    ", FOREIGN KEY (\"appointment_id\")",
                    ", \"invitation_id\" uuid_text NULL, FOREIGN KEY (\"appointment_id\")",
                    1,
                );
            if !new_sql.contains("\"notification_new\"")
                || !new_sql.contains("\"appointment_id\" uuid_text NULL,")
                || !new_sql.contains("\"invitation_id\"")
            {
                return Err(DbErr::Migration(
                    "notification table not as m0004/m0005 made it; refusing to rebuild".into(),
                ));
            }
            let indexes: Vec<String> = db
                .query_all_raw(sea_orm::Statement::from_string(
                    sea_orm::DatabaseBackend::Sqlite,
                    "SELECT sql FROM sqlite_master WHERE tbl_name = 'notification' AND type = 'index' AND sql IS NOT NULL",
                ))
                .await?
                .iter()
                .map(|r| r.try_get::<String>("", "sql"))
                .collect::<Result<_, _>>()?;
            let txn = sea_orm::TransactionTrait::begin(db).await?;
            txn.execute_unprepared(&new_sql).await?;
            txn.execute_unprepared("INSERT INTO notification_new SELECT *, NULL FROM notification")
                .await?;
            txn.execute_unprepared("DROP TABLE notification").await?;
            txn.execute_unprepared("ALTER TABLE notification_new RENAME TO notification")
                .await?;
            for i in indexes {
                txn.execute_unprepared(&i).await?;
            }
            txn.commit().await?;
        }
        db.execute_unprepared(
            "CREATE INDEX notification_invitation ON notification (invitation_id) \
             WHERE invitation_id IS NOT NULL",
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Iv {
    Invitation,
    Id,
    OrganisationId,
    SituationId,
    PersonId,
    Kind,
    Channel,
    State,
    Version,
    BookingLinkId,
    AppointmentId,
    SendAt,
    ExpiresAt,
    SentAt,
    OpenedAt,
    EndedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Organisation,
    InvitationExpiryDays,
    InvitationFollowUpDays,
    CallbackPhone,
    Person,
    MessagesStoppedAt,
}
