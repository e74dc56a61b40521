//! Migration m0001_foundation. Released: never edit it, add the next one.

use super::*;

pub(super) struct M0001Foundation;

impl MigrationName for M0001Foundation {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0001Foundation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Instance::Table)
                .col(integer(Instance::Id).primary_key())
                .col(blob(Instance::KeyCheck))
                .col(timestamp_with_time_zone(Instance::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ChangeCounter::Table)
                .col(integer(ChangeCounter::Id).primary_key())
                .col(big_integer(ChangeCounter::Value))
                .to_owned(),
        )
        .await?;

        let mut t = Table::create();
        t.table(Organisation::Table)
            .col(pk_uuid(Organisation::Id))
            .col(string_len(Organisation::Name, 200));
        m.create_table(synced(&mut t).to_owned()).await?;

        let mut t = Table::create();
        t.table(Site::Table)
            .col(pk_uuid(Site::Id))
            .col(uuid(Site::OrganisationId))
            .col(string_len(Site::Name, 200))
            .col(string_len(Site::Address, 500))
            .col(string_len_null(Site::Phone, 20))
            .col(string_len(Site::TimeZone, 64))
            .foreign_key(&mut fk(
                Site::Table,
                Site::OrganisationId,
                Organisation::Table,
                Organisation::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;
        m.create_index(
            Index::create()
                .name("site_org_seq")
                .table(Site::Table)
                .col(Site::OrganisationId)
                .col(Sync::ChangeSeq)
                .to_owned(),
        )
        .await?;

        let mut t = Table::create();
        t.table(Account::Table)
            .col(pk_uuid(Account::Id))
            .col(uuid(Account::OrganisationId))
            .col(string_len_uniq(Account::Email, 254))
            .col(string_len(Account::DisplayName, 200))
            .col(string_len(Account::Role, 20))
            .col(string_len(Account::PasswordHash, 200))
            .col(blob_null(Account::TotpSecret))
            .col(boolean(Account::TotpEnrolled))
            .col(big_integer_null(Account::TotpLastStep))
            .col(integer(Account::FailedLogins))
            .col(timestamp_with_time_zone_null(Account::FirstFailedAt))
            .col(timestamp_with_time_zone_null(Account::LockedUntil))
            .col(boolean(Account::Disabled))
            .foreign_key(&mut fk(
                Account::Table,
                Account::OrganisationId,
                Organisation::Table,
                Organisation::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;
        m.create_index(
            Index::create()
                .name("account_org_seq")
                .table(Account::Table)
                .col(Account::OrganisationId)
                .col(Sync::ChangeSeq)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AccountSite::Table)
                .col(uuid(AccountSite::AccountId))
                .col(uuid(AccountSite::SiteId))
                .col(uuid(AccountSite::OrganisationId))
                .primary_key(
                    Index::create()
                        .col(AccountSite::AccountId)
                        .col(AccountSite::SiteId),
                )
                .foreign_key(&mut fk(
                    AccountSite::Table,
                    AccountSite::AccountId,
                    Account::Table,
                    Account::Id,
                ))
                .foreign_key(&mut fk(
                    AccountSite::Table,
                    AccountSite::SiteId,
                    Site::Table,
                    Site::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RecoveryCode::Table)
                .col(pk_uuid(RecoveryCode::Id))
                .col(uuid(RecoveryCode::AccountId))
                .col(string_len(RecoveryCode::CodeHash, 64))
                .col(timestamp_with_time_zone_null(RecoveryCode::UsedAt))
                .foreign_key(&mut fk(
                    RecoveryCode::Table,
                    RecoveryCode::AccountId,
                    Account::Table,
                    Account::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Device::Table)
                .col(pk_uuid(Device::Id))
                .col(uuid(Device::AccountId))
                .col(uuid(Device::OrganisationId))
                .col(string_len(Device::Name, 100))
                .col(string_len_uniq(Device::RefreshHash, 64))
                .col(timestamp_with_time_zone(Device::RefreshExpiresAt))
                .col(timestamp_with_time_zone(Device::CreatedAt))
                .col(timestamp_with_time_zone(Device::LastUsedAt))
                .col(timestamp_with_time_zone_null(Device::RevokedAt))
                .foreign_key(&mut fk(
                    Device::Table,
                    Device::AccountId,
                    Account::Table,
                    Account::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Session::Table)
                .col(pk_uuid(Session::Id))
                .col(uuid(Session::AccountId))
                .col(uuid(Session::OrganisationId))
                .col(string_len_uniq(Session::TokenHash, 64))
                .col(string_len(Session::Kind, 10))
                .col(uuid_null(Session::DeviceId))
                .col(boolean(Session::SecondFactorOk))
                .col(timestamp_with_time_zone(Session::CreatedAt))
                .col(timestamp_with_time_zone(Session::IdleExpiresAt))
                .col(timestamp_with_time_zone(Session::ExpiresAt))
                .col(timestamp_with_time_zone_null(Session::RevokedAt))
                .foreign_key(&mut fk(
                    Session::Table,
                    Session::AccountId,
                    Account::Table,
                    Account::Id,
                ))
                .to_owned(),
        )
        .await?;

        let mut t = Table::create();
        t.table(Person::Table)
            .col(pk_uuid(Person::Id))
            .col(uuid(Person::OrganisationId))
            .col(blob(Person::Identity))
            .col(blob(Person::Contact))
            .col(blob(Person::SafeContact))
            .col(blob_null(Person::Notes))
            .col(string_len(Person::NameKey, 64))
            .col(string_len(Person::LastNameKey, 64))
            .col(string_len_null(Person::PhoneKey, 64))
            .col(integer_null(Person::BirthYear))
            .col(string_len(Person::Sex, 10))
            .col(timestamp_with_time_zone_null(Person::SafeContactCheckedAt))
            .col(uuid(Person::CreatedBy))
            .foreign_key(&mut fk(
                Person::Table,
                Person::OrganisationId,
                Organisation::Table,
                Organisation::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;
        m.create_index(
            Index::create()
                .name("person_org_seq")
                .table(Person::Table)
                .col(Person::OrganisationId)
                .col(Sync::ChangeSeq)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("person_org_name")
                .table(Person::Table)
                .col(Person::OrganisationId)
                .col(Person::NameKey)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("person_org_last_name")
                .table(Person::Table)
                .col(Person::OrganisationId)
                .col(Person::LastNameKey)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("person_org_phone")
                .table(Person::Table)
                .col(Person::OrganisationId)
                .col(Person::PhoneKey)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_integer(AuditLog::Seq).primary_key())
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(uuid_null(AuditLog::OrganisationId))
                .col(uuid_null(AuditLog::AccountId))
                .col(string_len_null(AuditLog::Role, 20))
                .col(string_len_null(AuditLog::Ip, 45))
                .col(string_len(AuditLog::Action, 40))
                .col(string_len_null(AuditLog::RecordType, 40))
                .col(uuid_null(AuditLog::RecordId))
                .col(string_len(AuditLog::Outcome, 20))
                .col(string_len(AuditLog::PrevHash, 64))
                .col(string_len(AuditLog::Hash, 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_record")
                .table(AuditLog::Table)
                .col(AuditLog::RecordId)
                .col(AuditLog::Seq)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_org")
                .table(AuditLog::Table)
                .col(AuditLog::OrganisationId)
                .col(AuditLog::Seq)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(integer(AuditHead::Id).primary_key())
                .col(big_integer(AuditHead::Seq))
                .col(string_len(AuditHead::Hash, 64))
                .to_owned(),
        )
        .await?;

        let db = m.get_connection();
        db.execute_unprepared("INSERT INTO change_counter (id, value) VALUES (1, 0)")
            .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{}')",
            crate::audit::GENESIS
        ))
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(super) enum Sync {
    CreatedAt,
    UpdatedAt,
    ChangeSeq,
    DeletedAt,
}

#[derive(DeriveIden)]
pub(super) enum Instance {
    Table,
    Id,
    KeyCheck,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(super) enum ChangeCounter {
    Table,
    Id,
    Value,
}

#[derive(DeriveIden)]
pub(super) enum Organisation {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden)]
pub(super) enum Site {
    Table,
    Id,
    OrganisationId,
    Name,
    Address,
    Phone,
    TimeZone,
}

#[derive(DeriveIden)]
pub(super) enum Account {
    Table,
    Id,
    OrganisationId,
    Email,
    DisplayName,
    Role,
    PasswordHash,
    TotpSecret,
    TotpEnrolled,
    TotpLastStep,
    FailedLogins,
    FirstFailedAt,
    LockedUntil,
    Disabled,
}

#[derive(DeriveIden)]
pub(super) enum AccountSite {
    Table,
    AccountId,
    SiteId,
    OrganisationId,
}

#[derive(DeriveIden)]
pub(super) enum RecoveryCode {
    Table,
    Id,
    AccountId,
    CodeHash,
    UsedAt,
}

#[derive(DeriveIden)]
pub(super) enum Device {
    Table,
    Id,
    AccountId,
    OrganisationId,
    Name,
    RefreshHash,
    RefreshExpiresAt,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
pub(super) enum Session {
    Table,
    Id,
    AccountId,
    OrganisationId,
    TokenHash,
    Kind,
    DeviceId,
    SecondFactorOk,
    CreatedAt,
    IdleExpiresAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
pub(super) enum Person {
    Table,
    Id,
    OrganisationId,
    Identity,
    Contact,
    SafeContact,
    Notes,
    NameKey,
    LastNameKey,
    PhoneKey,
    BirthYear,
    Sex,
    SafeContactCheckedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
pub(super) enum AuditLog {
    Table,
    Seq,
    At,
    OrganisationId,
    AccountId,
    Role,
    Ip,
    Action,
    RecordType,
    RecordId,
    Outcome,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
pub(super) enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}
