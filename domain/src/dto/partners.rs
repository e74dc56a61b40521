//! The partner directory, orientations, and links between persons.

use super::prelude::*;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerInput {
    pub name: String,
    pub kind: PartnerKind,
    /// How the service reaches the partner (phone, e-mail, address).
    #[serde(default)]
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Partner {
    pub id: Uuid,
    pub name: String,
    pub kind: PartnerKind,
    pub contact: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub change_seq: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrientationInput {
    pub partner_id: Uuid,
    /// Whether the person agreed to be oriented.
    pub consent: bool,
    /// Required without consent (e.g. a child in danger); audited.
    #[serde(default)]
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrientationStatusInput {
    pub status: OrientationStatus,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Orientation {
    pub id: Uuid,
    pub situation_id: Uuid,
    pub partner_id: Uuid,
    pub partner_kind: PartnerKind,
    pub status: OrientationStatus,
    pub consent: bool,
    /// Oriented without consent, with a (sealed, audited) reason.
    pub overridden: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonLinkInput {
    pub other_person_id: Uuid,
    pub relation: LinkRelation,
    /// Never booked at one site on one half-day. Defaults to true except parent and child.
    #[serde(default)]
    pub keep_apart: Option<bool>,
    /// Required (and audited) to turn keep-apart off for a relation that keeps apart.
    #[serde(default)]
    pub keep_apart_off_reason: Option<String>,
}

/// A link as seen from one person's file: the other person by initials, nothing else.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonLink {
    pub id: Uuid,
    pub other_person_id: Uuid,
    pub other_initials: String,
    pub relation: LinkRelation,
    pub keep_apart: bool,
}
