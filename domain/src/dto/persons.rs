//! Persons: identity, contact details and the safe-contact profile.

use super::prelude::*;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonInput {
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub birth_year: Option<i32>,
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// The commune of residence: its name, its INSEE code, or its name with its department
    /// ("Sainte-Colombe (69)") when several share it. Never shown outside the service.
    #[serde(default)]
    pub commune: Option<String>,
    #[serde(default)]
    pub safe_contact: SafeContactProfile,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A commune of the official list (INSEE's code officiel géographique).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Commune {
    /// The INSEE code: five characters ("38553", "2A004").
    pub code: String,
    pub name: String,
    /// The department's code ("38", "2A", "971").
    pub department: String,
}

/// A person's whole file. Reading one is audited.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub birth_year: Option<i32>,
    pub sex: Sex,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// The commune of residence, from the official list.
    #[serde(default)]
    pub commune: Option<Commune>,
    pub safe_contact: SafeContactProfile,
    pub safe_contact_stale: bool,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub change_seq: i64,
}

/// How lists show a person: initials only, until the file is opened.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonSummary {
    pub id: Uuid,
    pub initials: String,
    pub birth_year: Option<i32>,
    pub safe_contact_stale: bool,
    pub updated_at: DateTime<Utc>,
    pub change_seq: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub account_id: Option<Uuid>,
    pub role: Option<Role>,
    pub action: String,
    pub record_type: Option<String>,
    pub record_id: Option<Uuid>,
    pub outcome: String,
    pub ip: Option<String>,
}

/// A page of a list. Pass `next_cursor` back as `?after=` for the next page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}
