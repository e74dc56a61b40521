//! Partner units, situations and their events, contact attempts, interviews, the partner directory, orientations, child reports, anonymous contacts and links between persons.

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
            /// Where it was held: one of the organisation's sites, or none (elsewhere).
            pub site_id: Option<Uuid>,
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

/// A convention that funds the post: a funder, the communes and sites it covers, a period.
pub mod convention {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "convention")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub funder: String,
            /// INSEE codes, comma-separated.
            pub communes: String,
            /// Site ids, comma-separated.
            pub site_ids: String,
            pub valid_from: Date,
            pub valid_until: Date,
        }
    }
    no_relations!();
}

/// A prevention action: collective, counted by the people reached; no person named.
pub mod prevention_action {
    use sea_orm::entity::prelude::*;
    synced_cols! {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "prevention_action")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub organisation_id: Uuid,
            pub held_on: Date,
            pub kind: String,
            pub place: String,
            /// The partners who took part, their ids comma-separated.
            pub partner_ids: String,
            pub people_reached: i32,
            pub pupils: Option<i32>,
            pub inhabitants: Option<i32>,
            pub professionals: Option<i32>,
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
