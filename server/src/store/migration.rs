//! Numbered schema migrations, the same on SQLite and PostgreSQL. Never edit a released
//! migration: add the next one. `tests/` checks that a migrated database matches the entities.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

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
        ]
    }
}

struct M0001Foundation;

// Explicit names: the derive takes the module's name, the same for every migration here.
impl MigrationName for M0001Foundation {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
}

/// Columns every table the phone syncs carries: a stable UUID, timestamps, a position in
/// the organisation's change log, and soft deletion.
fn synced(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(timestamp_with_time_zone(Sync::CreatedAt))
        .col(timestamp_with_time_zone(Sync::UpdatedAt))
        .col(big_integer(Sync::ChangeSeq))
        .col(timestamp_with_time_zone_null(Sync::DeletedAt))
}

fn fk(
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
enum Sync {
    CreatedAt,
    UpdatedAt,
    ChangeSeq,
    DeletedAt,
}

#[derive(DeriveIden)]
enum Instance {
    Table,
    Id,
    KeyCheck,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ChangeCounter {
    Table,
    Id,
    Value,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden)]
enum Site {
    Table,
    Id,
    OrganisationId,
    Name,
    Address,
    Phone,
    TimeZone,
}

#[derive(DeriveIden)]
enum Account {
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
enum AccountSite {
    Table,
    AccountId,
    SiteId,
    OrganisationId,
}

#[derive(DeriveIden)]
enum RecoveryCode {
    Table,
    Id,
    AccountId,
    CodeHash,
    UsedAt,
}

#[derive(DeriveIden)]
enum Device {
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
enum Session {
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
enum Person {
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
enum AuditLog {
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
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}

struct M0002Scheduling;

impl MigrationName for M0002Scheduling {
    fn name(&self) -> &str {
        "m0002_scheduling"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0002Scheduling {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Site::Table)
                .add_column(boolean(Sched::AlsaceMoselle).default(false))
                .to_owned(),
        )
        .await?;

        let mut t = Table::create();
        t.table(Sched::AppointmentType)
            .col(pk_uuid(Sched::Id))
            .col(uuid(Sched::OrganisationId))
            .col(string_len(Sched::Name, 200))
            .col(string_len(Sched::PublicLabel, 200))
            .col(integer(Sched::DurationMinutes))
            .col(integer(Sched::StepMinutes))
            .col(integer(Sched::BufferBeforeMinutes))
            .col(integer(Sched::BufferAfterMinutes))
            .col(integer(Sched::MinNoticeMinutes))
            .col(integer(Sched::MaxHorizonDays))
            .col(string_len(Sched::PlaceKind, 20))
            .col(string_len(Sched::BookableBy, 30))
            .col(boolean(Sched::Reminders))
            .foreign_key(&mut fk(
                Sched::AppointmentType,
                Sched::OrganisationId,
                Organisation::Table,
                Organisation::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;

        let mut t = Table::create();
        t.table(Sched::OpeningWindow)
            .col(pk_uuid(Sched::Id))
            .col(uuid(Sched::OrganisationId))
            .col(uuid(Sched::CoordinatorId))
            .col(uuid(Sched::SiteId))
            .col(string_len(Sched::Days, 20))
            .col(string_len(Sched::StartTime, 8))
            .col(string_len(Sched::EndTime, 8))
            .col(date_null(Sched::ValidFrom))
            .col(date_null(Sched::ValidUntil))
            .foreign_key(&mut fk(
                Sched::OpeningWindow,
                Sched::CoordinatorId,
                Account::Table,
                Account::Id,
            ))
            .foreign_key(&mut fk(
                Sched::OpeningWindow,
                Sched::SiteId,
                Site::Table,
                Site::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;
        m.create_index(
            Index::create()
                .name("window_site")
                .table(Sched::OpeningWindow)
                .col(Sched::SiteId)
                .col(Sched::CoordinatorId)
                .to_owned(),
        )
        .await?;

        let mut t = Table::create();
        t.table(Sched::ScheduleException)
            .col(pk_uuid(Sched::Id))
            .col(uuid(Sched::OrganisationId))
            .col(uuid(Sched::CoordinatorId))
            .col(uuid(Sched::SiteId))
            .col(date(Sched::Date))
            .col(string_len(Sched::Kind, 10))
            .col(string_len_null(Sched::StartTime, 8))
            .col(string_len_null(Sched::EndTime, 8))
            .foreign_key(&mut fk(
                Sched::ScheduleException,
                Sched::CoordinatorId,
                Account::Table,
                Account::Id,
            ))
            .foreign_key(&mut fk(
                Sched::ScheduleException,
                Sched::SiteId,
                Site::Table,
                Site::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;
        m.create_index(
            Index::create()
                .name("exception_site_date")
                .table(Sched::ScheduleException)
                .col(Sched::SiteId)
                .col(Sched::Date)
                .to_owned(),
        )
        .await?;

        let mut t = Table::create();
        t.table(Sched::Absence)
            .col(pk_uuid(Sched::Id))
            .col(uuid(Sched::OrganisationId))
            .col(uuid(Sched::CoordinatorId))
            .col(string_len(Sched::Kind, 10))
            .col(timestamp_with_time_zone_null(Sched::StartsAt))
            .col(timestamp_with_time_zone_null(Sched::EndsAt))
            .col(string_len_null(Sched::Days, 20))
            .col(string_len_null(Sched::StartTime, 8))
            .col(string_len_null(Sched::EndTime, 8))
            .col(date_null(Sched::ValidFrom))
            .col(date_null(Sched::ValidUntil))
            .foreign_key(&mut fk(
                Sched::Absence,
                Sched::CoordinatorId,
                Account::Table,
                Account::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;
        m.create_index(
            Index::create()
                .name("absence_coordinator")
                .table(Sched::Absence)
                .col(Sched::CoordinatorId)
                .to_owned(),
        )
        .await?;

        let mut t = Table::create();
        t.table(Sched::Appointment)
            .col(pk_uuid(Sched::Id))
            .col(uuid(Sched::OrganisationId))
            .col(uuid(Sched::TypeId))
            .col(uuid(Sched::SiteId))
            .col(uuid(Sched::CoordinatorId))
            .col(timestamp_with_time_zone(Sched::StartsAt))
            .col(timestamp_with_time_zone(Sched::EndsAt))
            .col(timestamp_with_time_zone(Sched::BusyStart))
            .col(timestamp_with_time_zone(Sched::BusyEnd))
            .col(string_len(Sched::Status, 10))
            .col(integer(Sched::Version))
            .col(boolean(Sched::Emergency))
            .col(blob_null(Sched::Reason))
            .col(uuid(Sched::CreatedBy))
            .foreign_key(&mut fk(
                Sched::Appointment,
                Sched::TypeId,
                Sched::AppointmentType,
                Sched::Id,
            ))
            .foreign_key(&mut fk(
                Sched::Appointment,
                Sched::SiteId,
                Site::Table,
                Site::Id,
            ))
            .foreign_key(&mut fk(
                Sched::Appointment,
                Sched::CoordinatorId,
                Account::Table,
                Account::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;
        // The busy-time query: one coordinator (or several), one time range.
        m.create_index(
            Index::create()
                .name("appointment_busy")
                .table(Sched::Appointment)
                .col(Sched::CoordinatorId)
                .col(Sched::BusyStart)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("appointment_site_start")
                .table(Sched::Appointment)
                .col(Sched::SiteId)
                .col(Sched::StartsAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sched::AppointmentParticipant)
                .col(uuid(Sched::AppointmentId))
                .col(uuid(Sched::PersonId))
                .col(uuid(Sched::OrganisationId))
                .primary_key(
                    Index::create()
                        .col(Sched::AppointmentId)
                        .col(Sched::PersonId),
                )
                .foreign_key(&mut fk(
                    Sched::AppointmentParticipant,
                    Sched::AppointmentId,
                    Sched::Appointment,
                    Sched::Id,
                ))
                .foreign_key(&mut fk(
                    Sched::AppointmentParticipant,
                    Sched::PersonId,
                    Person::Table,
                    Person::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("participant_person")
                .table(Sched::AppointmentParticipant)
                .col(Sched::PersonId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sched::AppointmentEvent)
                .col(pk_uuid(Sched::Id))
                .col(uuid(Sched::AppointmentId))
                .col(uuid(Sched::OrganisationId))
                .col(timestamp_with_time_zone(Sched::At))
                .col(uuid(Sched::AccountId))
                .col(string_len(Sched::Kind, 20))
                .col(timestamp_with_time_zone_null(Sched::StartsAt))
                .col(uuid_null(Sched::SiteId))
                .col(uuid_null(Sched::CoordinatorId))
                .col(integer(Sched::Version))
                .foreign_key(&mut fk(
                    Sched::AppointmentEvent,
                    Sched::AppointmentId,
                    Sched::Appointment,
                    Sched::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("event_appointment")
                .table(Sched::AppointmentEvent)
                .col(Sched::AppointmentId)
                .col(Sched::At)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sched::IdempotencyKey)
                .col(uuid(Sched::AccountId))
                .col(string_len(Sched::Key, 200))
                .col(string_len(Sched::RequestHash, 64))
                .col(integer(Sched::Status))
                .col(text(Sched::Body))
                .col(timestamp_with_time_zone(Sched::CreatedAt))
                .primary_key(Index::create().col(Sched::AccountId).col(Sched::Key))
                .to_owned(),
        )
        .await?;

        let mut t = Table::create();
        t.table(Sched::CalendarFeed)
            .col(pk_uuid(Sched::Id))
            .col(uuid(Sched::OrganisationId))
            .col(uuid(Sched::CoordinatorId))
            .col(string_len_uniq(Sched::TokenHash, 64))
            .col(boolean(Sched::ShowNames))
            .col(timestamp_with_time_zone_null(Sched::RevokedAt))
            .foreign_key(&mut fk(
                Sched::CalendarFeed,
                Sched::CoordinatorId,
                Account::Table,
                Account::Id,
            ));
        m.create_table(synced(&mut t).to_owned()).await?;

        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            // The guarantee against double booking: no two live appointments of one
            // coordinator may overlap, buffers included, whatever the application does.
            let db = m.get_connection();
            db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS btree_gist")
                .await?;
            db.execute_unprepared(
                "ALTER TABLE appointment ADD CONSTRAINT appointment_no_overlap EXCLUDE USING gist \
                 (coordinator_id WITH =, tstzrange(busy_start, busy_end) WITH &&) \
                 WHERE (status IN ('planned', 'seen', 'no_show') AND deleted_at IS NULL)",
            )
            .await?;
        } else {
            // SQLite has no exclusion constraints: triggers give the same guarantee, on top of
            // the serialized write transaction the application already uses.
            let db = m.get_connection();
            for (name, event, exclude) in [
                ("appointment_no_overlap_insert", "INSERT", ""),
                (
                    "appointment_no_overlap_update",
                    "UPDATE",
                    "AND a.id <> NEW.id",
                ),
            ] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {name} BEFORE {event} ON appointment \
                     WHEN NEW.status IN ('planned', 'seen', 'no_show') AND NEW.deleted_at IS NULL AND EXISTS ( \
                       SELECT 1 FROM appointment a WHERE a.coordinator_id = NEW.coordinator_id {exclude} \
                       AND a.status IN ('planned', 'seen', 'no_show') AND a.deleted_at IS NULL \
                       AND a.busy_start < NEW.busy_end AND a.busy_end > NEW.busy_start) \
                     BEGIN SELECT RAISE(ABORT, 'appointment_no_overlap'); END"
                ))
                .await?;
            }
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Sched {
    AlsaceMoselle,
    AppointmentType,
    OpeningWindow,
    ScheduleException,
    Absence,
    Appointment,
    AppointmentParticipant,
    AppointmentEvent,
    IdempotencyKey,
    CalendarFeed,
    Id,
    OrganisationId,
    Name,
    PublicLabel,
    DurationMinutes,
    StepMinutes,
    BufferBeforeMinutes,
    BufferAfterMinutes,
    MinNoticeMinutes,
    MaxHorizonDays,
    PlaceKind,
    BookableBy,
    Reminders,
    CoordinatorId,
    SiteId,
    Days,
    StartTime,
    EndTime,
    ValidFrom,
    ValidUntil,
    Date,
    Kind,
    StartsAt,
    EndsAt,
    TypeId,
    BusyStart,
    BusyEnd,
    Status,
    Version,
    Emergency,
    Reason,
    CreatedBy,
    AppointmentId,
    PersonId,
    At,
    AccountId,
    Key,
    RequestHash,
    Body,
    CreatedAt,
    TokenHash,
    ShowNames,
    RevokedAt,
}

struct M0003Outreach;

impl MigrationName for M0003Outreach {
    fn name(&self) -> &str {
        "m0003_outreach"
    }
}

/// `(organisation_id, column)` index, the shape of most outreach queries.
async fn org_index(m: &SchemaManager<'_>, name: &str, table: Out, col: Out) -> Result<(), DbErr> {
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
enum Out {
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

struct M0004Outbox;

impl MigrationName for M0004Outbox {
    fn name(&self) -> &str {
        "m0004_outbox"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0004Outbox {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Sched::AppointmentType)
                .add_column(integer(Ob::ReminderOffsetHours).default(48))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Ob::Notification)
                .col(pk_uuid(Ob::Id))
                .col(uuid(Ob::OrganisationId))
                .col(uuid(Ob::AppointmentId))
                .col(integer(Ob::AppointmentVersion))
                .col(uuid(Ob::PersonId))
                .col(string_len(Ob::Kind, 20))
                .col(string_len(Ob::Channel, 10))
                .col(string_len(Ob::State, 20))
                .col(timestamp_with_time_zone(Ob::DueAt))
                .col(timestamp_with_time_zone(Ob::ExpiresAt))
                .col(integer(Ob::Attempt))
                .col(string_len_null(Ob::LockedBy, 100))
                .col(timestamp_with_time_zone_null(Ob::LeaseUntil))
                .col(timestamp_with_time_zone_null(Ob::SendStartedAt))
                .col(timestamp_with_time_zone_null(Ob::SentAt))
                .col(string_len_null(Ob::Provider, 30))
                .col(string_len_null(Ob::ProviderMessageId, 200))
                .col(string_len_null(Ob::Encoding, 10))
                .col(integer_null(Ob::Segments))
                .col(string_len_null(Ob::Reason, 200))
                .col(string_len(Ob::IdempotencyKey, 100).unique_key())
                .col(timestamp_with_time_zone(Ob::CreatedAt))
                .col(timestamp_with_time_zone(Ob::UpdatedAt))
                .foreign_key(&mut fk(
                    Ob::Notification,
                    Ob::AppointmentId,
                    Sched::Appointment,
                    Sched::Id,
                ))
                .to_owned(),
        )
        .await?;
        // The claim: due jobs in due order.
        m.create_index(
            Index::create()
                .name("notification_due")
                .table(Ob::Notification)
                .col(Ob::State)
                .col(Ob::DueAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("notification_appointment")
                .table(Ob::Notification)
                .col(Ob::AppointmentId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Ob::DevOutbox)
                .col(pk_uuid(Ob::Id))
                .col(uuid(Ob::OrganisationId))
                .col(uuid(Ob::NotificationId).unique_key())
                .col(string_len(Ob::Channel, 10))
                .col(blob(Ob::Recipient))
                .col(blob(Ob::Body))
                .col(timestamp_with_time_zone(Ob::CreatedAt))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Ob {
    ReminderOffsetHours,
    Notification,
    DevOutbox,
    Id,
    OrganisationId,
    AppointmentId,
    AppointmentVersion,
    PersonId,
    Kind,
    Channel,
    State,
    DueAt,
    ExpiresAt,
    Attempt,
    LockedBy,
    LeaseUntil,
    SendStartedAt,
    SentAt,
    Provider,
    ProviderMessageId,
    Encoding,
    Segments,
    Reason,
    IdempotencyKey,
    CreatedAt,
    UpdatedAt,
    NotificationId,
    Recipient,
    Body,
}

struct M0005Delivery;

impl MigrationName for M0005Delivery {
    fn name(&self) -> &str {
        "m0005_delivery"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0005Delivery {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Ob::Notification)
                .add_column(timestamp_with_time_zone_null(Dl::DeliveredAt))
                .to_owned(),
        )
        .await?;
        // One row per duty ("outbox"): who leads until when.
        m.create_table(
            Table::create()
                .table(Dl::LeaderLease)
                .col(string_len(Dl::Name, 40).primary_key())
                .col(string_len_null(Dl::Holder, 100))
                .col(timestamp_with_time_zone_null(Dl::Until))
                .to_owned(),
        )
        .await?;
        // Token buckets shared by every instance, one per provider.
        m.create_table(
            Table::create()
                .table(Dl::RateBucket)
                .col(string_len(Dl::Name, 40).primary_key())
                .col(double(Dl::Tokens))
                .col(timestamp_with_time_zone(Dl::RefilledAt))
                .to_owned(),
        )
        .await?;
        // Each provider event once.
        m.create_table(
            Table::create()
                .table(Dl::DeliveryReceipt)
                .col(pk_uuid(Dl::Id))
                .col(string_len(Dl::Provider, 30))
                .col(string_len(Dl::EventId, 200))
                .col(uuid_null(Dl::NotificationId))
                .col(string_len(Dl::Status, 30))
                .col(string_len(Dl::Outcome, 30))
                .col(timestamp_with_time_zone(Dl::ReceivedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("delivery_receipt_event")
                .table(Dl::DeliveryReceipt)
                .col(Dl::Provider)
                .col(Dl::EventId)
                .unique()
                .to_owned(),
        )
        .await?;
        // Numbers that answered STOP, by blind index: the number itself is not kept.
        m.create_table(
            Table::create()
                .table(Dl::SmsOptOut)
                .col(string_len(Dl::NumberIndex, 100).primary_key())
                .col(string_len(Dl::Source, 30))
                .col(timestamp_with_time_zone(Dl::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Dl::MessageTemplate)
                .col(pk_uuid(Dl::Id))
                .col(uuid(Dl::OrganisationId))
                .col(string_len(Dl::Kind, 20))
                .col(string_len(Dl::Channel, 10))
                .col(text(Dl::Body))
                .col(uuid(Dl::UpdatedBy))
                .col(timestamp_with_time_zone(Dl::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("message_template_one")
                .table(Dl::MessageTemplate)
                .col(Dl::OrganisationId)
                .col(Dl::Kind)
                .col(Dl::Channel)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("notification_provider_message")
                .table(Ob::Notification)
                .col(Ob::ProviderMessageId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Dl {
    DeliveredAt,
    LeaderLease,
    Name,
    Holder,
    Until,
    RateBucket,
    Tokens,
    RefilledAt,
    DeliveryReceipt,
    Id,
    Provider,
    EventId,
    NotificationId,
    Status,
    Outcome,
    ReceivedAt,
    SmsOptOut,
    NumberIndex,
    Source,
    CreatedAt,
    MessageTemplate,
    OrganisationId,
    Kind,
    Channel,
    Body,
    UpdatedBy,
    UpdatedAt,
}

struct M0006Hardening;

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
enum Hd {
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

/// An address is unique within an organisation, no longer across the deployment: creating
/// an account must not tell one organisation who works in another (issue 10 §7). Login
/// finds the account by address and password (and second factor when several match).
struct M0007AccountEmailPerOrganisation;

impl MigrationName for M0007AccountEmailPerOrganisation {
    fn name(&self) -> &str {
        "m0007_account_email_per_organisation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0007AccountEmailPerOrganisation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared(
                "ALTER TABLE account DROP CONSTRAINT IF EXISTS account_email_key",
            )
            .await?;
        } else {
            // SQLite cannot drop a column's UNIQUE: the table is rebuilt (the procedure of
            // SQLite's documentation). `store::migrate` runs migrations on one connection
            // with foreign keys off and checks them afterwards.
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DatabaseBackend::Sqlite,
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'account'",
                ))
                .await?
                .ok_or_else(|| DbErr::Migration("no account table".into()))?;
            let sql: String = row.try_get("", "sql")?;
            let new_sql = sql
                .replacen(
                    "CREATE TABLE \"account\"",
                    "CREATE TABLE \"account_new\"",
                    1,
                )
                .replacen(
                    "\"email\" varchar(254) NOT NULL UNIQUE",
                    "\"email\" varchar(254) NOT NULL",
                    1,
                );
            if new_sql.contains("UNIQUE") || !new_sql.contains("\"account_new\"") {
                return Err(DbErr::Migration(
                    "account table not as m0001 created it; refusing to rebuild".into(),
                ));
            }
            let indexes: Vec<String> = db
                .query_all_raw(sea_orm::Statement::from_string(
                    sea_orm::DatabaseBackend::Sqlite,
                    "SELECT sql FROM sqlite_master WHERE tbl_name = 'account' AND type = 'index' AND sql IS NOT NULL",
                ))
                .await?
                .iter()
                .map(|r| r.try_get::<String>("", "sql"))
                .collect::<Result<_, _>>()?;
            let txn = sea_orm::TransactionTrait::begin(db).await?;
            txn.execute_unprepared(&new_sql).await?;
            txn.execute_unprepared("INSERT INTO account_new SELECT * FROM account")
                .await?;
            txn.execute_unprepared("DROP TABLE account").await?;
            txn.execute_unprepared("ALTER TABLE account_new RENAME TO account")
                .await?;
            for i in indexes {
                txn.execute_unprepared(&i).await?;
            }
            txn.commit().await?;
        }
        m.create_index(
            Index::create()
                .name("account_org_email")
                .table(Ac7::Account)
                .col(Ac7::OrganisationId)
                .col(Ac7::Email)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("account_email")
                .table(Ac7::Account)
                .col(Ac7::Email)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Ac7 {
    Account,
    OrganisationId,
    Email,
}
