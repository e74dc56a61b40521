//! Migration m0002_scheduling. Released: never edit it, add the next one.

use super::*;

pub(super) struct M0002Scheduling;

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
pub(super) enum Sched {
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
