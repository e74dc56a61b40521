//! Migration m0009_booking_link. Released: never edit it, add the next one.

use super::*;

/// The person's links: a booking link (choose a slot, once) or a manage link (see, move or
/// cancel one appointment). The token is not stored: only its SHA-256 (`token_hash`); the
/// server derives it again from the id to write it into a reminder.
pub(super) struct M0009BookingLink;

impl MigrationName for M0009BookingLink {
    fn name(&self) -> &str {
        "m0009_booking_link"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0009BookingLink {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Bl::BookingLink)
                .col(uuid(Bl::Id).primary_key())
                .col(uuid(Bl::OrganisationId))
                .col(uuid(Bl::PersonId))
                .col(string_len(Bl::Purpose, 16))
                .col(string_len(Bl::TokenHash, 64))
                .col(uuid_null(Bl::TypeId))
                .col(text(Bl::SiteIds))
                .col(text(Bl::CoordinatorIds))
                .col(uuid_null(Bl::AppointmentId))
                .col(timestamp_with_time_zone(Bl::ExpiresAt))
                .col(timestamp_with_time_zone_null(Bl::RevokedAt))
                .col(timestamp_with_time_zone_null(Bl::UsedAt))
                .col(integer(Bl::TriesLeft))
                .col(uuid(Bl::CreatedBy))
                .col(timestamp_with_time_zone(Bl::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("booking_link_token")
                .table(Bl::BookingLink)
                .col(Bl::TokenHash)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("booking_link_person")
                .table(Bl::BookingLink)
                .col(Bl::OrganisationId)
                .col(Bl::PersonId)
                .to_owned(),
        )
        .await?;
        // One manage link per appointment (moves keep it; a revoked one is not replaced).
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX booking_link_manage ON booking_link (appointment_id) \
                 WHERE purpose = 'manage'",
            )
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(super) enum Bl {
    BookingLink,
    Id,
    OrganisationId,
    PersonId,
    Purpose,
    TokenHash,
    TypeId,
    SiteIds,
    CoordinatorIds,
    AppointmentId,
    ExpiresAt,
    RevokedAt,
    UsedAt,
    TriesLeft,
    CreatedBy,
    CreatedAt,
}
