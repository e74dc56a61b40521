//! Migration m0013_prevention_action. Released: never edit it, add the next one.

use super::*;

/// Prevention actions: the collective work the report counts beside the casework (a stand,
/// a school session, forum theatre, a film debate, a training), by the people they reached.
/// No column names a person.
pub(super) struct M0013PreventionAction;

impl MigrationName for M0013PreventionAction {
    fn name(&self) -> &str {
        "m0013_prevention_action"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0013PreventionAction {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(Pa::PreventionAction)
            .col(pk_uuid(Pa::Id))
            .col(uuid(Pa::OrganisationId))
            .col(date(Pa::HeldOn))
            .col(string_len(Pa::Kind, 30))
            .col(string_len(Pa::Place, 800))
            // The partners who took part: their ids, comma-separated (20 at most).
            .col(string_len(Pa::PartnerIds, 800))
            .col(integer(Pa::PeopleReached))
            .col(integer_null(Pa::Pupils))
            .col(integer_null(Pa::Inhabitants))
            .col(integer_null(Pa::Professionals))
            .col(uuid(Pa::AccountId));
        m.create_table(synced(&mut t).to_owned()).await?;
        m.create_index(
            Index::create()
                .name("prevention_action_held_on")
                .table(Pa::PreventionAction)
                .col(Pa::OrganisationId)
                .col(Pa::HeldOn)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Pa {
    PreventionAction,
    Id,
    OrganisationId,
    HeldOn,
    Kind,
    Place,
    PartnerIds,
    PeopleReached,
    Pupils,
    Inhabitants,
    Professionals,
    AccountId,
}
