//! Numbered schema migrations, the same on SQLite and PostgreSQL, one file each. Never edit a
//! released migration: add the next one. `tests/` checks that a migrated database matches the entities.

pub(super) use sea_orm_migration::prelude::*;
pub(super) use sea_orm_migration::schema::*;

mod m0001_foundation;
mod m0002_scheduling;
mod m0003_outreach;
mod m0004_outbox;
mod m0005_delivery;
mod m0006_hardening;
mod m0007_account_email_per_organisation;
mod m0008_sync_feed;
mod m0009_booking_link;
mod m0010_claim_index;
mod m0011_intent_answers;
mod m0012_link_session_epoch;
mod m0013_prevention_action;
mod m0014_person_commune;
mod m0015_convention;
mod m0016_interview_site;
mod m0017_invitation;

#[allow(unused_imports)]
use m0001_foundation::*;
#[allow(unused_imports)]
use m0002_scheduling::*;
#[allow(unused_imports)]
use m0003_outreach::*;
#[allow(unused_imports)]
use m0004_outbox::*;
#[allow(unused_imports)]
use m0005_delivery::*;
#[allow(unused_imports)]
use m0006_hardening::*;
#[allow(unused_imports)]
use m0007_account_email_per_organisation::*;
#[allow(unused_imports)]
use m0008_sync_feed::*;
#[allow(unused_imports)]
use m0009_booking_link::*;
#[allow(unused_imports)]
use m0010_claim_index::*;
#[allow(unused_imports)]
use m0011_intent_answers::*;
#[allow(unused_imports)]
use m0012_link_session_epoch::*;
#[allow(unused_imports)]
use m0013_prevention_action::*;
#[allow(unused_imports)]
use m0014_person_commune::*;
#[allow(unused_imports)]
use m0015_convention::*;
#[allow(unused_imports)]
use m0016_interview_site::*;
use m0017_invitation::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(M0001Foundation),
            Box::new(M0002Scheduling),
            Box::new(M0003Outreach),
            Box::new(M0004Outbox),
            Box::new(M0005Delivery),
            Box::new(M0006Hardening),
            Box::new(M0007AccountEmailPerOrganisation),
            Box::new(M0008SyncFeed),
            Box::new(M0009BookingLink),
            Box::new(M0010ClaimIndex),
            Box::new(M0011IntentAnswers),
            Box::new(M0012LinkSessionEpoch),
            Box::new(M0013PreventionAction),
            Box::new(M0014PersonCommune),
            Box::new(M0015Convention),
            Box::new(M0016InterviewSite),
            Box::new(M0017Invitation),
        ]
    }
}

// Explicit names in each migration: the derive would take the module's name.

/// Columns every table the phone syncs carries: a stable UUID, timestamps, a position in
/// the organisation's change log, and soft deletion.
pub(super) fn synced(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(timestamp_with_time_zone(Sync::CreatedAt))
        .col(timestamp_with_time_zone(Sync::UpdatedAt))
        .col(big_integer(Sync::ChangeSeq))
        .col(timestamp_with_time_zone_null(Sync::DeletedAt))
}

pub(super) fn fk(
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to_table: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}
