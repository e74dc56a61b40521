//! Migration m0005_delivery. Released: never edit it, add the next one.

use super::*;

pub(super) struct M0005Delivery;

impl MigrationName for M0005Delivery {
    fn name(&self) -> &str {
        "m0005_delivery"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0005Delivery {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Ob::Notification)
                .add_column(timestamp_with_time_zone_null(Dl::DeliveredAt))
                .to_owned(),
        )
        .await?;
        // One row per duty ("outbox"): who leads until when.
        m.create_table(
            Table::create()
                .table(Dl::LeaderLease)
                .col(string_len(Dl::Name, 40).primary_key())
                .col(string_len_null(Dl::Holder, 100))
                .col(timestamp_with_time_zone_null(Dl::Until))
                .to_owned(),
        )
        .await?;
        // Token buckets shared by every instance, one per provider.
        m.create_table(
            Table::create()
                .table(Dl::RateBucket)
                .col(string_len(Dl::Name, 40).primary_key())
                .col(double(Dl::Tokens))
                .col(timestamp_with_time_zone(Dl::RefilledAt))
                .to_owned(),
        )
        .await?;
        // Each provider event once.
        m.create_table(
            Table::create()
                .table(Dl::DeliveryReceipt)
                .col(pk_uuid(Dl::Id))
                .col(string_len(Dl::Provider, 30))
                .col(string_len(Dl::EventId, 200))
                .col(uuid_null(Dl::NotificationId))
                .col(string_len(Dl::Status, 30))
                .col(string_len(Dl::Outcome, 30))
                .col(timestamp_with_time_zone(Dl::ReceivedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("delivery_receipt_event")
                .table(Dl::DeliveryReceipt)
                .col(Dl::Provider)
                .col(Dl::EventId)
                .unique()
                .to_owned(),
        )
        .await?;
        // Numbers that answered STOP, by blind index: the number itself is not kept.
        m.create_table(
            Table::create()
                .table(Dl::SmsOptOut)
                .col(string_len(Dl::NumberIndex, 100).primary_key())
                .col(string_len(Dl::Source, 30))
                .col(timestamp_with_time_zone(Dl::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Dl::MessageTemplate)
                .col(pk_uuid(Dl::Id))
                .col(uuid(Dl::OrganisationId))
                .col(string_len(Dl::Kind, 20))
                .col(string_len(Dl::Channel, 10))
                .col(text(Dl::Body))
                .col(uuid(Dl::UpdatedBy))
                .col(timestamp_with_time_zone(Dl::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("message_template_one")
                .table(Dl::MessageTemplate)
                .col(Dl::OrganisationId)
                .col(Dl::Kind)
                .col(Dl::Channel)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("notification_provider_message")
                .table(Ob::Notification)
                .col(Ob::ProviderMessageId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(super) enum Dl {
    DeliveredAt,
    LeaderLease,
    Name,
    Holder,
    Until,
    RateBucket,
    Tokens,
    RefilledAt,
    DeliveryReceipt,
    Id,
    Provider,
    EventId,
    NotificationId,
    Status,
    Outcome,
    ReceivedAt,
    SmsOptOut,
    NumberIndex,
    Source,
    CreatedAt,
    MessageTemplate,
    OrganisationId,
    Kind,
    Channel,
    Body,
    UpdatedBy,
    UpdatedAt,
}
