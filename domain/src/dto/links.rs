//! The person's links, as staff create, list and revoke them.

use super::prelude::*;
use crate::booking_link::{LinkState, Purpose};

/// A booking link for a person: one appointment type, one or more sites, optionally some
/// coordinators (none: any coordinator at those sites), valid for some days (default 7).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingLinkInput {
    pub type_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub site_ids: Vec<Uuid>,
    #[serde(default)]
    pub coordinator_ids: Vec<Uuid>,
    /// 1 to 30 days; 7 if absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 30))]
    pub valid_days: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingLink {
    pub id: Uuid,
    pub person_id: Uuid,
    pub purpose: Purpose,
    pub state: LinkState,
    pub type_id: Option<Uuid>,
    pub site_ids: Vec<Uuid>,
    pub coordinator_ids: Vec<Uuid>,
    /// A manage link's appointment.
    pub appointment_id: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// Wrong answers to the knowledge check left before the link locks.
    pub tries_left: i32,
    /// Only in the answer that created the link: the address to send or read out to the
    /// person (the server keeps only a hash of its token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}
