//! Wire types of the JSON API under `/api/v1`, shared by the server and the phone core so
//! the two cannot drift. Request types reject unknown fields. One module per topic; every
//! type is reachable as `dto::Name`.

mod auth;
mod conventions;
mod invitations;
mod links;
mod messages;
mod organisation;
mod partners;
mod persons;
mod prevention;
mod scheduling;
mod situations;
mod sync;

pub use auth::*;
pub use conventions::*;
pub use invitations::*;
pub use links::*;
pub use messages::*;
pub use organisation::*;
pub use partners::*;
pub use persons::*;
pub use prevention::*;
pub use scheduling::*;
pub use situations::*;
pub use sync::*;

pub use crate::casework::Sex;

/// What every topic module imports: the wire's own words come from the rules' modules.
mod prelude {
    pub(super) use super::rfc3339;
    pub(super) use crate::casework::{
        AgeBand, AnonymousAction, ChildReportRecipient, DocumentType, InterviewMode, LinkRelation,
        OrientationStatus, PartnerKind, PersonRole, Problem, Sex,
    };
    pub(super) use crate::outreach::{
        AttemptChannel, AttemptResult, CallbackWindow, CloseReason, Event, Initiative,
        OriginChannel, Priority, ReferrerStatus, SituationKind, State, Urgency,
    };
    pub(super) use crate::role::Role;
    pub(super) use crate::safe_contact::SafeContactProfile;
    pub(super) use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
    pub(super) use serde::{Deserialize, Serialize};
    pub(super) use uuid::Uuid;
}

/// RFC 3339 with the offset, formatted once and written as one string: chrono's own
/// `Serialize` goes through `fmt::Write`, which serde_json escapes a character at a time
/// (a fifth of the availability endpoint's time before this).
mod rfc3339 {
    use chrono::{DateTime, FixedOffset, SecondsFormat};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, false))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        DateTime::<FixedOffset>::deserialize(d)
    }
}
