//! Migration m0003_outreach. Released: never edit it, add the next one.

use super::*;

pub(super) struct M0003Outreach;

impl MigrationName for M0003Outreach {
    fn name(&self) -> &str {
        "m0003_outreach"
    }
}

/// `(organisation_id, column)` index, the shape of most outreach queries.
pub(super) async fn org_index(
    m: &SchemaManager<'_>,
    name: &str,
    table: Out,
    col: Out,
) -> Result<(), DbErr> {
    m.create_index(
        Index::create()
            .name(name)
            .table(table)
            .col(Out::OrganisationId)
            .col(col)
            .to_owned(),
    )
    .await
}

#[async_trait::async_trait]
impl MigrationTrait for M0003Outreach {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Person::Table)
                .add_column(timestamp_with_time_zone_null(Out::AnonymisedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Out::PartnerUnit)
                .col(pk_uuid(Out::Id))
                .col(uuid(Out::OrganisationId))
                .col(string_len(Out::Name, 200))
                .col(string_len(Out::Channel, 30))
                .col(string_len(Out::KeyHash, 100).unique_key())
                .col(string_len(Out::KeyPrefix, 20))
                .col(timestamp_with_time_zone(Out::CreatedAt))
                .col(timestamp_with_time_zone_null(Out::RevokedAt))
                .to_owned(),
        )
        .await?;

        let mut t = Table::create();
        t.table(Out::Situation)
            .col(pk_uuid(Out::Id))
            .col(uuid(Out::OrganisationId))
            .col(uuid(Out::PersonId))
            .col(string_len(Out::State, 30))
            .col(string_len(Out::Kind, 30))
            .col(string_len(Out::Channel, 30))
            .col(string_len(Out::Initiative, 30))
            .col(string_len(Out::Priority, 30))
            .col(timestamp_with_time_zone(Out::DueAt))
            .col(timestamp_with_time_zone(Out::ReceivedAt))
            .col(boolean(Out::ConsentToContact))
            .col(string_len(Out::PersonRole, 30))
            .col(string_len(Out::Problems, 500))
            .col(string_len(Out::DocumentType, 30))
            .col(string_len_null(Out::Unit, 200))
            .col(uuid_null(Out::ReferredBy))
            .col(uuid_null(Out::PartnerUnitId))
            .col(string_len_null(Out::ExternalRef, 100))
            .col(blob_null(Out::Note))
            .col(uuid_null(Out::SiteId))
            .col(uuid_null(Out::AssignedTo))
            .col(timestamp_with_time_zone_null(Out::CallbackStart))
            .col(timestamp_with_time_zone_null(Out::CallbackEnd))
            .col(timestamp_with_time_zone_null(Out::FirstContactAt))
            .col(integer(Out::AttemptsToFirstContact))
            .col(timestamp_with_time_zone(Out::LastActivityAt))
            .col(string_len_null(Out::CloseReason, 30))
            .col(timestamp_with_time_zone_null(Out::ClosedAt))
            .col(uuid_null(Out::ReopenedFrom))
            .col(integer(Out::Version))
            .foreign_key(&mut fk(
                Out::Situation,
                Out::PersonId,
                Person::Table,
                Person::Id,
            ))
            .foreign_key(&mut fk(
                Out::Situation,
                Out::PartnerUnitId,
                Out::PartnerUnit,
                Out::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;
        org_index(m, "situation_state", Out::Situation, Out::State).await?;
        org_index(m, "situation_received", Out::Situation, Out::ReceivedAt).await?;
        org_index(m, "situation_person", Out::Situation, Out::PersonId).await?;
        org_index(m, "situation_referred_by", Out::Situation, Out::ReferredBy).await?;

        m.create_table(
            Table::create()
                .table(Out::SituationEvent)
                .col(pk_uuid(Out::Id))
                .col(uuid(Out::OrganisationId))
                .col(uuid(Out::SituationId))
                .col(timestamp_with_time_zone(Out::At))
                .col(uuid_null(Out::AccountId))
                .col(string_len(Out::Event, 30))
                .col(string_len(Out::FromState, 30))
                .col(string_len(Out::ToState, 30))
                .foreign_key(&mut fk(
                    Out::SituationEvent,
                    Out::SituationId,
                    Out::Situation,
                    Out::Id,
                ))
                .to_owned(),
        )
        .await?;
        org_index(
            m,
            "situation_event_situation",
            Out::SituationEvent,
            Out::SituationId,
        )
        .await?;

        // Attempts, interviews, orientations and child reports carry the person too, so the
        // report counts people without joining through situations.
        let mut t = Table::create();
        t.table(Out::ContactAttempt)
            .col(pk_uuid(Out::Id))
            .col(uuid(Out::OrganisationId))
            .col(uuid(Out::SituationId))
            .col(uuid(Out::PersonId))
            .col(timestamp_with_time_zone(Out::At))
            .col(string_len(Out::Channel, 30))
            .col(string_len(Out::Result, 30))
            .col(blob_null(Out::Note))
            .col(uuid(Out::AccountId))
            .foreign_key(&mut fk(
                Out::ContactAttempt,
                Out::SituationId,
                Out::Situation,
                Out::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;
        org_index(
            m,
            "attempt_situation",
            Out::ContactAttempt,
            Out::SituationId,
        )
        .await?;
        org_index(m, "attempt_at", Out::ContactAttempt, Out::At).await?;

        let mut t = Table::create();
        t.table(Out::Interview)
            .col(pk_uuid(Out::Id))
            .col(uuid(Out::OrganisationId))
            .col(uuid(Out::SituationId))
            .col(uuid(Out::PersonId))
            .col(timestamp_with_time_zone(Out::At))
            .col(string_len(Out::Mode, 30))
            .col(integer_null(Out::DurationMinutes))
            .col(blob_null(Out::Note))
            .col(uuid(Out::AccountId))
            .foreign_key(&mut fk(
                Out::Interview,
                Out::SituationId,
                Out::Situation,
                Out::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;
        org_index(m, "interview_at", Out::Interview, Out::At).await?;

        let mut t = Table::create();
        t.table(Out::Partner)
            .col(pk_uuid(Out::Id))
            .col(uuid(Out::OrganisationId))
            .col(string_len(Out::Name, 200))
            .col(string_len(Out::Kind, 30))
            .col(string_len_null(Out::Contact, 500));
        m.create_table(synced(&mut t).to_owned()).await?;

        let mut t = Table::create();
        t.table(Out::Orientation)
            .col(pk_uuid(Out::Id))
            .col(uuid(Out::OrganisationId))
            .col(uuid(Out::SituationId))
            .col(uuid(Out::PersonId))
            .col(uuid(Out::PartnerId))
            .col(string_len(Out::PartnerKind, 30))
            .col(string_len(Out::Status, 30))
            .col(boolean(Out::Consent))
            .col(blob_null(Out::OverrideReason))
            .col(uuid(Out::AccountId))
            .foreign_key(&mut fk(
                Out::Orientation,
                Out::SituationId,
                Out::Situation,
                Out::Id,
            ))
            .foreign_key(&mut fk(
                Out::Orientation,
                Out::PartnerId,
                Out::Partner,
                Out::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;
        org_index(
            m,
            "orientation_situation",
            Out::Orientation,
            Out::SituationId,
        )
        .await?;

        let mut t = Table::create();
        t.table(Out::ChildReport)
            .col(pk_uuid(Out::Id))
            .col(uuid(Out::OrganisationId))
            .col(uuid(Out::SituationId))
            .col(uuid(Out::PersonId))
            .col(date(Out::ReportedOn))
            .col(string_len(Out::Recipient, 30))
            .col(uuid(Out::AccountId))
            .foreign_key(&mut fk(
                Out::ChildReport,
                Out::SituationId,
                Out::Situation,
                Out::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;

        let mut t = Table::create();
        t.table(Out::AnonymousContact)
            .col(pk_uuid(Out::Id))
            .col(uuid(Out::OrganisationId))
            .col(timestamp_with_time_zone(Out::At))
            .col(string_len(Out::Channel, 30))
            .col(string_len(Out::Sex, 10))
            .col(string_len(Out::AgeBand, 20))
            .col(string_len(Out::Problems, 500))
            .col(string_len(Out::Action, 30))
            .col(uuid(Out::AccountId));
        m.create_table(synced(&mut t).to_owned()).await?;
        org_index(m, "anonymous_at", Out::AnonymousContact, Out::At).await?;

        let mut t = Table::create();
        t.table(Out::PersonLink)
            .col(pk_uuid(Out::Id))
            .col(uuid(Out::OrganisationId))
            .col(uuid(Out::PersonA))
            .col(uuid(Out::PersonB))
            .col(string_len(Out::Relation, 30))
            .col(boolean(Out::KeepApart))
            .foreign_key(&mut fk(
                Out::PersonLink,
                Out::PersonA,
                Person::Table,
                Person::Id,
            ))
            .foreign_key(&mut fk(
                Out::PersonLink,
                Out::PersonB,
                Person::Table,
                Person::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;
        org_index(m, "person_link_a", Out::PersonLink, Out::PersonA).await?;
        org_index(m, "person_link_b", Out::PersonLink, Out::PersonB).await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(super) enum Out {
    AnonymisedAt,
    PartnerUnit,
    Situation,
    SituationEvent,
    ContactAttempt,
    Interview,
    Partner,
    Orientation,
    ChildReport,
    AnonymousContact,
    PersonLink,
    Id,
    OrganisationId,
    Name,
    Channel,
    KeyHash,
    KeyPrefix,
    CreatedAt,
    RevokedAt,
    PersonId,
    State,
    Kind,
    Initiative,
    Priority,
    DueAt,
    ReceivedAt,
    ConsentToContact,
    PersonRole,
    Problems,
    DocumentType,
    Unit,
    ReferredBy,
    PartnerUnitId,
    ExternalRef,
    Note,
    SiteId,
    AssignedTo,
    CallbackStart,
    CallbackEnd,
    FirstContactAt,
    AttemptsToFirstContact,
    LastActivityAt,
    CloseReason,
    ClosedAt,
    ReopenedFrom,
    Version,
    SituationId,
    At,
    AccountId,
    Event,
    FromState,
    ToState,
    Result,
    Mode,
    DurationMinutes,
    Contact,
    PartnerId,
    PartnerKind,
    Status,
    Consent,
    OverrideReason,
    ReportedOn,
    Recipient,
    Sex,
    AgeBand,
    Action,
    PersonA,
    PersonB,
    Relation,
    KeepApart,
}
