//! The organisation, its sites, staff accounts and their second factor, devices, sessions, persons and the audit log.

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
        /// How long an invitation stays valid, in days (2 to 30).
        pub invitation_expiry_days: i32,
        /// After how many days an unanswered invitation gets its one follow-up.
        pub invitation_follow_up_days: i32,
        /// The service's neutral call-back number (E.164), for "call us" invitations.
        pub callback_phone: Option<String>,
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
        /// Sealed: the INSEE code of the commune of residence. Kept by anonymisation, like
        /// the birth year and sex, so that a report gives the same figures after it.
        pub commune: Option<Vec<u8>>,
        pub safe_contact_checked_at: Option<DateTimeUtc>,
        /// Set by retention: identity, contact, profile and notes are gone.
        pub anonymised_at: Option<DateTimeUtc>,
        /// "No more messages" (staff, or the person's STOP): no invitation, follow-up or
        /// reminder goes out while set.
        pub messages_stopped_at: Option<DateTimeUtc>,
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

/// An intent a device pushed, recorded once per (device, intent id) in the transaction that
/// applied it (or on its own when refused): a retry gets the first answer back.
pub mod sync_intent {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sync_intent")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub device_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub intent_id: Uuid,
        pub organisation_id: Uuid,
        pub account_id: Uuid,
        pub seq: i64,
        pub kind: String,
        pub outcome: String,
        pub answer: Option<String>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}
