//! Migration m0015_convention. Released: never edit it, add the next one.

use super::*;

/// The conventions that fund the post (issue 26 §2): a funder, the communes (INSEE codes)
/// and sites it covers, a period. The report of one convention is its funder's version.
pub(super) struct M0015Convention;

impl MigrationName for M0015Convention {
    fn name(&self) -> &str {
        "m0015_convention"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0015Convention {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(Cv::Convention)
            .col(pk_uuid(Cv::Id))
            .col(uuid(Cv::OrganisationId))
            .col(string_len(Cv::Funder, 800))
            // INSEE codes, comma-separated (100 at most).
            .col(string_len(Cv::Communes, 700))
            // Site ids, comma-separated (50 at most).
            .col(string_len(Cv::SiteIds, 1900))
            .col(date(Cv::ValidFrom))
            .col(date(Cv::ValidUntil));
        m.create_table(synced(&mut t).to_owned()).await?;
        m.create_index(
            Index::create()
                .name("convention_org")
                .table(Cv::Convention)
                .col(Cv::OrganisationId)
                .col(Cv::ValidFrom)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Cv {
    Convention,
    Id,
    OrganisationId,
    Funder,
    Communes,
    SiteIds,
    ValidFrom,
    ValidUntil,
}
