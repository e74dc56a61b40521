//! Migration m0016_interview_site. Released: never edit it, add the next one.

use super::*;

/// The site an interview was held at (issue 26 §2: the report by site, and a convention that
/// covers sites). Empty for the interviews recorded before it, and for those held elsewhere
/// (a home visit, at a partner's).
pub(super) struct M0016InterviewSite;

impl MigrationName for M0016InterviewSite {
    fn name(&self) -> &str {
        "m0016_interview_site"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0016InterviewSite {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Is::Interview)
                .add_column(uuid_null(Is::SiteId))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Is {
    Interview,
    SiteId,
}
