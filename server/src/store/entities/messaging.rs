//! The outbox: jobs (notifications), the development outbox, leases, rate buckets, receipts, the STOP list and message templates.

/// One message to one person on one channel about one version of an appointment, or of an
/// invitation (`invitation_id`, its version in `appointment_version`): the durable outbox.
/// `state`: scheduled → running → sent | retryable | unknown | failed |
/// skipped; scheduled/retryable → cancelled.
pub mod notification {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notification")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        /// The appointment it is about; none for an invitation's message.
        pub appointment_id: Option<Uuid>,
        /// The version of the appointment (or invitation) it was planned for.
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
        /// The invitation it belongs to (its first message or its follow-up).
        pub invitation_id: Option<Uuid>,
    }
    no_relations!();
}

/// An invitation (issue 27): a message that asks the person to book through a single-use
/// link (`booking_link_id`) or to call the service back. `state` as
/// `relais_domain::invitation::InvitationState`; `version` moves with every change of state,
/// and its messages are sent only while it is the one they were planned for.
pub mod invitation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "invitation")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        pub situation_id: Uuid,
        pub person_id: Uuid,
        pub kind: String,
        pub channel: String,
        pub state: String,
        pub version: i32,
        pub booking_link_id: Option<Uuid>,
        /// The appointment that ended it, when one was booked.
        pub appointment_id: Option<Uuid>,
        /// When its message was planned to go out (the next safe moment).
        pub send_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub sent_at: Option<DateTimeUtc>,
        pub opened_at: Option<DateTimeUtc>,
        pub ended_at: Option<DateTimeUtc>,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
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
