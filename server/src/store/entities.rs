//! sea-orm entities, one module per table. Sensitive columns hold ciphertext (`Vec<u8>`)
//! sealed by `crate::crypto::FieldCipher`; nothing here ever holds a plaintext name or number.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod instance {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "instance")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub key_check: Vec<u8>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod organisation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organisation")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub name: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub change_seq: i64,
        pub deleted_at: Option<DateTimeUtc>,
        /// Words the organisation adds to the revealing list, one a line.
        pub message_words: Option<String>,
    }
    no_relations!();
}

pub mod site {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "site")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        pub name: String,
        pub address: String,
        pub phone: Option<String>,
        pub time_zone: String,
        /// Adds Good Friday and 26 December to the site's public holidays.
        pub alsace_moselle: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub change_seq: i64,
        pub deleted_at: Option<DateTimeUtc>,
        /// What a message may say of the place ("12 rue de la Paix, Melun"); none: left out.
        pub message_place: Option<String>,
    }
    no_relations!();
}

pub mod account {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        pub email: String,
        pub display_name: String,
        pub role: String,
        pub password_hash: String,
        pub totp_secret: Option<Vec<u8>>,
        pub totp_enrolled: bool,
        pub totp_last_step: Option<i64>,
        pub failed_logins: i32,
        pub first_failed_at: Option<DateTimeUtc>,
        pub locked_until: Option<DateTimeUtc>,
        pub disabled: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub change_seq: i64,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod account_site {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account_site")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub account_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub site_id: Uuid,
        pub organisation_id: Uuid,
    }
    no_relations!();
}

pub mod recovery_code {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "recovery_code")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub account_id: Uuid,
        pub code_hash: String,
        pub used_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod device {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "device")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub account_id: Uuid,
        pub organisation_id: Uuid,
        pub name: String,
        pub refresh_hash: String,
        pub refresh_expires_at: DateTimeUtc,
        pub created_at: DateTimeUtc,
        pub last_used_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
        /// The token before the last rotation: seen again, the device is revoked.
        pub previous_refresh_hash: Option<String>,
    }
    no_relations!();
}

pub mod session {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "session")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub account_id: Uuid,
        pub organisation_id: Uuid,
        pub token_hash: String,
        /// `web` or `device`.
        pub kind: String,
        pub device_id: Option<Uuid>,
        pub second_factor_ok: bool,
        pub created_at: DateTimeUtc,
        pub idle_expires_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
    }

    /// Lets the authentication read a session and its account in one query.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::account::Entity",
            from = "Column::AccountId",
            to = "super::account::Column::Id"
        )]
        Account,
    }

    impl Related<super::account::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Account.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod person {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "person")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        /// Sealed JSON: first and last name.
        pub identity: Vec<u8>,
        /// Sealed JSON: phone, e-mail, postal address.
        pub contact: Vec<u8>,
        /// Sealed JSON: the safe-contact profile.
        pub safe_contact: Vec<u8>,
        /// Sealed free text.
        pub notes: Option<Vec<u8>>,
        /// Keyed hashes of normalised values, to find a person without storing plaintext.
        pub name_key: String,
        pub last_name_key: String,
        pub phone_key: Option<String>,
        /// Kept in clear for the yearly statistics (age band, sex).
        pub birth_year: Option<i32>,
        pub sex: String,
        pub safe_contact_checked_at: Option<DateTimeUtc>,
        /// Set by retention: identity, contact, profile and notes are gone.
        pub anonymised_at: Option<DateTimeUtc>,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub change_seq: i64,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod audit_log {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub at: DateTimeUtc,
        pub organisation_id: Option<Uuid>,
        pub account_id: Option<Uuid>,
        pub role: Option<String>,
        pub ip: Option<String>,
        pub action: String,
        pub record_type: Option<String>,
        pub record_id: Option<Uuid>,
        pub outcome: String,
        pub prev_hash: String,
        pub hash: String,
    }
    no_relations!();
}

macro_rules! synced_cols {
    ($(#[$m:meta])* pub struct Model { $($body:tt)* }) => {
        $(#[$m])*
        pub struct Model {
            $($body)*
            pub created_at: DateTimeUtc,
            pub updated_at: DateTimeUtc,
            pub change_seq: i64,
            pub deleted_at: Option<DateTimeUtc>,
        }
    };
}

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

pub mod partner_unit {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "partner_unit")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        pub name: String,
        pub channel: String,
        /// SHA-256 of the API key; the key itself is shown once.
        pub key_hash: String,
        pub key_prefix: String,
        pub created_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod situation {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "situation")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub person_id: Uuid,
            pub state: String,
            pub kind: String,
            pub channel: String,
            pub initiative: String,
            pub priority: String,
            pub due_at: DateTimeUtc,
            pub received_at: DateTimeUtc,
            pub consent_to_contact: bool,
            pub person_role: String,
            /// Comma-separated problem words.
            pub problems: String,
            pub document_type: String,
            pub unit: Option<String>,
            /// The referrer's account, for a referral submitted by a referrer.
            pub referred_by: Option<Uuid>,
            pub partner_unit_id: Option<Uuid>,
            pub external_ref: Option<String>,
            /// Sealed: the referral's note.
            pub note: Option<Vec<u8>>,
            pub site_id: Option<Uuid>,
            pub assigned_to: Option<Uuid>,
            pub callback_start: Option<DateTimeUtc>,
            pub callback_end: Option<DateTimeUtc>,
            pub first_contact_at: Option<DateTimeUtc>,
            pub attempts_to_first_contact: i32,
            pub last_activity_at: DateTimeUtc,
            pub close_reason: Option<String>,
            pub closed_at: Option<DateTimeUtc>,
            pub reopened_from: Option<Uuid>,
            pub version: i32,
        }
    }
    no_relations!();
}

pub mod situation_event {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "situation_event")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        pub situation_id: Uuid,
        pub at: DateTimeUtc,
        pub account_id: Option<Uuid>,
        pub event: String,
        pub from_state: String,
        pub to_state: String,
    }
    no_relations!();
}

pub mod contact_attempt {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "contact_attempt")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub situation_id: Uuid,
            pub person_id: Uuid,
            pub at: DateTimeUtc,
            pub channel: String,
            pub result: String,
            pub note: Option<Vec<u8>>,
            pub account_id: Uuid,
        }
    }
    no_relations!();
}

pub mod interview {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "interview")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub situation_id: Uuid,
            pub person_id: Uuid,
            pub at: DateTimeUtc,
            pub mode: String,
            pub duration_minutes: Option<i32>,
            pub note: Option<Vec<u8>>,
            pub account_id: Uuid,
        }
    }
    no_relations!();
}

pub mod partner {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "partner")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub name: String,
            pub kind: String,
            pub contact: Option<String>,
        }
    }
    no_relations!();
}

pub mod orientation {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "orientation")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub situation_id: Uuid,
            pub person_id: Uuid,
            pub partner_id: Uuid,
            pub partner_kind: String,
            pub status: String,
            pub consent: bool,
            pub override_reason: Option<Vec<u8>>,
            pub account_id: Uuid,
        }
    }
    no_relations!();
}

pub mod child_report {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "child_report")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub situation_id: Uuid,
            pub person_id: Uuid,
            pub reported_on: Date,
            pub recipient: String,
            pub account_id: Uuid,
        }
    }
    no_relations!();
}

pub mod anonymous_contact {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "anonymous_contact")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub at: DateTimeUtc,
            pub channel: String,
            pub sex: String,
            pub age_band: String,
            pub problems: String,
            pub action: String,
            pub account_id: Uuid,
        }
    }
    no_relations!();
}

pub mod person_link {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "person_link")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub person_a: Uuid,
            pub person_b: Uuid,
            pub relation: String,
            pub keep_apart: bool,
            /// Sealed: why keep-apart was turned off for a relation that keeps apart.
            pub keep_apart_off_reason: Option<Vec<u8>>,
        }
    }
    no_relations!();
}

/// One message to one person on one channel about one version of an appointment: the
/// durable outbox. `state`: scheduled → running → sent | retryable | unknown | failed |
/// skipped; scheduled/retryable → cancelled.
pub mod notification {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notification")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        pub appointment_id: Uuid,
        pub appointment_version: i32,
        pub person_id: Uuid,
        pub kind: String,
        pub channel: String,
        pub state: String,
        pub due_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub attempt: i32,
        pub locked_by: Option<String>,
        pub lease_until: Option<DateTimeUtc>,
        pub send_started_at: Option<DateTimeUtc>,
        pub sent_at: Option<DateTimeUtc>,
        pub provider: Option<String>,
        pub provider_message_id: Option<String>,
        pub encoding: Option<String>,
        pub segments: Option<i32>,
        pub reason: Option<String>,
        pub idempotency_key: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub delivered_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

/// Messages "sent" without a configured provider: kept here (sealed), nothing leaves.
pub mod dev_outbox {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dev_outbox")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        pub notification_id: Uuid,
        pub channel: String,
        pub recipient: Vec<u8>,
        pub body: Vec<u8>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// Who leads a duty (rescue, reconciliation, daily jobs) until when.
pub mod leader_lease {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "leader_lease")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub holder: Option<String>,
        pub until: Option<DateTimeUtc>,
    }
    no_relations!();
}

/// A token bucket shared by every instance (one per provider).
pub mod rate_bucket {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "rate_bucket")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub tokens: f64,
        pub refilled_at: DateTimeUtc,
    }
    no_relations!();
}

/// Each delivery receipt a provider sent, once (unique provider + event id).
pub mod delivery_receipt {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "delivery_receipt")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub provider: String,
        pub event_id: String,
        pub notification_id: Option<Uuid>,
        pub status: String,
        /// applied, ignored (not forward), unknown_id.
        pub outcome: String,
        pub received_at: DateTimeUtc,
    }
    no_relations!();
}

/// Numbers that answered STOP, by blind index.
pub mod sms_opt_out {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sms_opt_out")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub number_index: String,
        pub source: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// An organisation's own wording for one kind of message on one channel.
pub mod message_template {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "message_template")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        pub kind: String,
        pub channel: String,
        pub body: String,
        pub updated_by: Uuid,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}
