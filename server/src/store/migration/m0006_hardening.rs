//! Migration m0006_hardening. Released: never edit it, add the next one.

use super::*;

pub(super) struct M0006Hardening;

impl MigrationName for M0006Hardening {
    fn name(&self) -> &str {
        "m0006_hardening"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0006Hardening {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Words an organisation adds to the list a message may never contain, one a line.
        m.alter_table(
            Table::alter()
                .table(Hd::Organisation)
                .add_column(text_null(Hd::MessageWords))
                .to_owned(),
        )
        .await?;
        // The neutral place text a message may name (never the site's address as such).
        m.alter_table(
            Table::alter()
                .table(Hd::Site)
                .add_column(string_len_null(Hd::MessagePlace, 500))
                .to_owned(),
        )
        .await?;
        // The refresh token a device held before its last rotation: presenting it again
        // means it was stolen, and the whole device (its token family) is revoked.
        m.alter_table(
            Table::alter()
                .table(Hd::Device)
                .add_column(string_len_null(Hd::PreviousRefreshHash, 100))
                .to_owned(),
        )
        .await?;
        // The audit log keeps 12 months: the last pruned row's position and hash anchor the
        // chain that remains.
        m.alter_table(
            Table::alter()
                .table(Hd::AuditHead)
                .add_column(big_integer(Hd::PrunedSeq).default(0))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Hd::AuditHead)
                .add_column(string_len_null(Hd::PrunedHash, 64))
                .to_owned(),
        )
        .await?;
        // Why a coordinator let a victim / alleged-perpetrator pair meet (sealed).
        m.alter_table(
            Table::alter()
                .table(Hd::PersonLink)
                .add_column(blob_null(Hd::KeepApartOffReason))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(super) enum Hd {
    AuditHead,
    PrunedSeq,
    PrunedHash,
    PersonLink,
    KeepApartOffReason,
    Organisation,
    MessageWords,
    Site,
    MessagePlace,
    Device,
    PreviousRefreshHash,
}
