//! Migration m0011_intent_answers. Released: never edit it, add the next one.

use super::*;

/// The recorded answers of applied sync intents held the records sent back (whole person
/// files, in clear, outside the encryption and the retention). They now hold ids only, and
/// a replay reads the records afresh; the answers written before are cleared (a replay of
/// one says "applied" with no records, and the phone's next pull brings them).
pub(super) struct M0011IntentAnswers;

impl MigrationName for M0011IntentAnswers {
    fn name(&self) -> &str {
        "m0011_intent_answers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0011IntentAnswers {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("UPDATE sync_intent SET answer = NULL WHERE outcome = 'applied'")
            .await?;
        Ok(())
    }
}
