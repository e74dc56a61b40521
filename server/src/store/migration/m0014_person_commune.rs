//! Migration m0014_person_commune. Released: never edit it, add the next one.

use super::*;

/// A person's commune of residence (issue 26 §2): its INSEE code, sealed like the rest of the
/// file, kept by anonymisation like the birth year and sex (the report counts by commune).
pub(super) struct M0014PersonCommune;

impl MigrationName for M0014PersonCommune {
    fn name(&self) -> &str {
        "m0014_person_commune"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0014PersonCommune {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Pc::Person)
                .add_column(blob_null(Pc::Commune))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Pc {
    Person,
    Commune,
}
