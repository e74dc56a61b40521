//! Migration m0012_link_session_epoch. Released: never edit it, add the next one.

use super::*;

/// The person's session cookie is stateless (signed, 20 idle minutes): a copy the browser
/// kept outlived the quick exit. Each link now counts its sessions' epoch; a session names
/// the epoch it was opened in, and the quick exit moves the link to the next one, which
/// ends every copy of that session at once (the link itself still opens).
pub(super) struct M0012LinkSessionEpoch;

impl MigrationName for M0012LinkSessionEpoch {
    fn name(&self) -> &str {
        "m0012_link_session_epoch"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0012LinkSessionEpoch {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(super::m0009_booking_link::Bl::BookingLink)
                .add_column(integer(Epoch::SessionEpoch).default(0))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Epoch {
    SessionEpoch,
}
