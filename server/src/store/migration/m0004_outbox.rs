//! Migration m0004_outbox. Released: never edit it, add the next one.

use super::*;

pub(super) struct M0004Outbox;

impl MigrationName for M0004Outbox {
    fn name(&self) -> &str {
        "m0004_outbox"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0004Outbox {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Sched::AppointmentType)
                .add_column(integer(Ob::ReminderOffsetHours).default(48))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Ob::Notification)
                .col(pk_uuid(Ob::Id))
                .col(uuid(Ob::OrganisationId))
                .col(uuid(Ob::AppointmentId))
                .col(integer(Ob::AppointmentVersion))
                .col(uuid(Ob::PersonId))
                .col(string_len(Ob::Kind, 20))
                .col(string_len(Ob::Channel, 10))
                .col(string_len(Ob::State, 20))
                .col(timestamp_with_time_zone(Ob::DueAt))
                .col(timestamp_with_time_zone(Ob::ExpiresAt))
                .col(integer(Ob::Attempt))
                .col(string_len_null(Ob::LockedBy, 100))
                .col(timestamp_with_time_zone_null(Ob::LeaseUntil))
                .col(timestamp_with_time_zone_null(Ob::SendStartedAt))
                .col(timestamp_with_time_zone_null(Ob::SentAt))
                .col(string_len_null(Ob::Provider, 30))
                .col(string_len_null(Ob::ProviderMessageId, 200))
                .col(string_len_null(Ob::Encoding, 10))
                .col(integer_null(Ob::Segments))
                .col(string_len_null(Ob::Reason, 200))
                .col(string_len(Ob::IdempotencyKey, 100).unique_key())
                .col(timestamp_with_time_zone(Ob::CreatedAt))
                .col(timestamp_with_time_zone(Ob::UpdatedAt))
                .foreign_key(&mut fk(
                    Ob::Notification,
                    Ob::AppointmentId,
                    Sched::Appointment,
                    Sched::Id,
                ))
                .to_owned(),
        )
        .await?;
        // The claim: due jobs in due order.
        m.create_index(
            Index::create()
                .name("notification_due")
                .table(Ob::Notification)
                .col(Ob::State)
                .col(Ob::DueAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("notification_appointment")
                .table(Ob::Notification)
                .col(Ob::AppointmentId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Ob::DevOutbox)
                .col(pk_uuid(Ob::Id))
                .col(uuid(Ob::OrganisationId))
                .col(uuid(Ob::NotificationId).unique_key())
                .col(string_len(Ob::Channel, 10))
                .col(blob(Ob::Recipient))
                .col(blob(Ob::Body))
                .col(timestamp_with_time_zone(Ob::CreatedAt))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(super) enum Ob {
    ReminderOffsetHours,
    Notification,
    DevOutbox,
    Id,
    OrganisationId,
    AppointmentId,
    AppointmentVersion,
    PersonId,
    Kind,
    Channel,
    State,
    DueAt,
    ExpiresAt,
    Attempt,
    LockedBy,
    LeaseUntil,
    SendStartedAt,
    SentAt,
    Provider,
    ProviderMessageId,
    Encoding,
    Segments,
    Reason,
    IdempotencyKey,
    CreatedAt,
    UpdatedAt,
    NotificationId,
    Recipient,
    Body,
}
