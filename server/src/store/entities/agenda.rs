//! Appointment types, opening windows, exceptions, absences, appointments, their events and participants, idempotency keys and calendar feeds.

pub mod appointment_type {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "appointment_type")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub name: String,
            pub public_label: String,
            pub duration_minutes: i32,
            pub step_minutes: i32,
            pub buffer_before_minutes: i32,
            pub buffer_after_minutes: i32,
            pub min_notice_minutes: i32,
            pub max_horizon_days: i32,
            pub place_kind: String,
            pub bookable_by: String,
            pub reminders: bool,
            /// Hours before the appointment the reminder goes out (default 48).
            pub reminder_offset_hours: i32,
        }
    }
    no_relations!();
}

pub mod opening_window {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "opening_window")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub coordinator_id: Uuid,
            pub site_id: Uuid,
            /// ISO weekdays, "1,2,5".
            pub days: String,
            /// Local wall-clock "HH:MM".
            pub start_time: String,
            pub end_time: String,
            pub valid_from: Option<Date>,
            pub valid_until: Option<Date>,
        }
    }
    no_relations!();
}

pub mod schedule_exception {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "schedule_exception")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub coordinator_id: Uuid,
            pub site_id: Uuid,
            pub date: Date,
            /// `closed` or `extra`.
            pub kind: String,
            pub start_time: Option<String>,
            pub end_time: Option<String>,
        }
    }
    no_relations!();
}

pub mod absence {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "absence")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub coordinator_id: Uuid,
            /// `one_off` (starts_at/ends_at) or `recurring` (days, times, validity).
            pub kind: String,
            pub starts_at: Option<DateTimeUtc>,
            pub ends_at: Option<DateTimeUtc>,
            pub days: Option<String>,
            pub start_time: Option<String>,
            pub end_time: Option<String>,
            pub valid_from: Option<Date>,
            pub valid_until: Option<Date>,
        }
    }
    no_relations!();
}

pub mod appointment {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "appointment")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub type_id: Uuid,
            pub site_id: Uuid,
            pub coordinator_id: Uuid,
            pub starts_at: DateTimeUtc,
            pub ends_at: DateTimeUtc,
            /// The coordinator's time taken, buffers included: what may not overlap.
            pub busy_start: DateTimeUtc,
            pub busy_end: DateTimeUtc,
            /// planned, seen, no_show, excused (cancelled by the person), revoked (by the service).
            pub status: String,
            /// Bumped by every change; reminders key on it.
            pub version: i32,
            pub emergency: bool,
            /// Sealed: the reason of an emergency booking or of a cancellation.
            pub reason: Option<Vec<u8>>,
            pub created_by: Uuid,
        }
    }
    no_relations!();
}

pub mod appointment_participant {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "appointment_participant")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub appointment_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: Uuid,
        pub organisation_id: Uuid,
    }
    no_relations!();
}

pub mod appointment_event {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "appointment_event")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub appointment_id: Uuid,
        pub organisation_id: Uuid,
        pub at: DateTimeUtc,
        pub account_id: Uuid,
        /// booked, force_booked, moved, excused, revoked, seen, no_show.
        pub kind: String,
        pub starts_at: Option<DateTimeUtc>,
        pub site_id: Option<Uuid>,
        pub coordinator_id: Option<Uuid>,
        pub version: i32,
    }
    no_relations!();
}

/// A person's link (`scheduling::links`): the token is derived from `id`, only its hash is kept.
pub mod booking_link {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "booking_link")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        pub person_id: Uuid,
        /// book or manage.
        pub purpose: String,
        pub token_hash: String,
        /// book: the appointment type offered.
        pub type_id: Option<Uuid>,
        /// book: JSON array of the sites offered.
        pub site_ids: String,
        /// book: JSON array of the coordinators offered (empty: any at those sites).
        pub coordinator_ids: String,
        /// manage: the appointment.
        pub appointment_id: Option<Uuid>,
        pub expires_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
        /// book: when the person booked with it.
        pub used_at: Option<DateTimeUtc>,
        /// Wrong answers to the knowledge check left before it locks.
        pub tries_left: i32,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        /// The sessions' epoch: a session opened in another one no longer holds the link
        /// (the quick exit moves it on).
        pub session_epoch: i32,
    }
    no_relations!();
}

pub mod idempotency_key {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotency_key")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub account_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub request_hash: String,
        pub status: i32,
        pub body: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod calendar_feed {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "calendar_feed")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub coordinator_id: Uuid,
            pub token_hash: String,
            pub show_names: bool,
            pub revoked_at: Option<DateTimeUtc>,
        }
    }
    no_relations!();
}
