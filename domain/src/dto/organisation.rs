//! The organisation, its sites, accounts, the audit log and pages of lists.

use super::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
    /// Words this organisation adds to those no message may contain (its name and its
    /// sites' names are always added).
    pub message_words: Vec<String>,
    pub invitations: InvitationSettings,
}

/// How the organisation's invitations behave (issue 27).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationSettings {
    /// How long an invitation stays valid: 2 to 30 days (7 by default).
    #[cfg_attr(feature = "openapi", schema(minimum = 2, maximum = 30))]
    pub expiry_days: i64,
    /// After how many days without a booking the one follow-up goes (3 by default), if the
    /// invitation is then valid two more days.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 28))]
    pub follow_up_days: i64,
    /// The service's neutral call-back number, for "call us" invitations.
    #[serde(default)]
    pub callback_phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationInput {
    pub name: String,
    /// Replaces the organisation's own revealing words; absent: left as they are.
    #[serde(default)]
    pub message_words: Option<Vec<String>>,
    /// Replaces the invitation settings; absent: left as they are.
    #[serde(default)]
    pub invitations: Option<InvitationSettings>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Site {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub phone: Option<String>,
    /// IANA zone, e.g. `Europe/Paris`.
    pub time_zone: String,
    /// Adds Good Friday and 26 December to the site's public holidays.
    pub alsace_moselle: bool,
    /// What messages to the person say of the place; none: the place is left out.
    pub message_place: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// Position in the organisation's change log, for sync.
    pub change_seq: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteInput {
    pub name: String,
    pub address: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// Defaults to `Europe/Paris`.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Bas-Rhin, Haut-Rhin, Moselle: two more public holidays.
    #[serde(default)]
    pub alsace_moselle: bool,
    /// A neutral place text for messages ("12 rue de la Paix, Melun"), checked like a
    /// template; never the site's name. Absent: messages do not name the place.
    #[serde(default)]
    pub message_place: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub account_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub organisation: Organisation,
    pub second_factor_enrolled: bool,
    /// The sites this account works at.
    pub sites: Vec<Site>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub site_ids: Vec<Uuid>,
    pub disabled: bool,
    pub second_factor_enrolled: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountInput {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Initial password, 12 to 128 characters; the person changes it at first login.
    pub password: String,
    #[serde(default)]
    pub site_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountPatch {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub site_ids: Option<Vec<Uuid>>,
    /// Disabling ends every session and revokes every device of the account.
    #[serde(default)]
    pub disabled: Option<bool>,
}
