//! The conventions that fund the post: who funds it, which communes or sites it covers,
//! for what period. The report of one convention is the funder's version.

use super::Commune;
use super::prelude::*;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConventionInput {
    /// Who funds ("Ville de Villefontaine", "Département de l'Isère", "État — FIPD").
    pub funder: String,
    /// The communes covered: each by its name or INSEE code, as a person's commune.
    #[serde(default)]
    pub communes: Vec<String>,
    /// The sites covered.
    #[serde(default)]
    pub site_ids: Vec<Uuid>,
    pub valid_from: NaiveDate,
    /// Included.
    pub valid_until: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Convention {
    pub id: Uuid,
    pub funder: String,
    pub communes: Vec<Commune>,
    pub site_ids: Vec<Uuid>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// Other conventions whose period overlaps this one's and that cover one of its
    /// communes or sites: allowed (a commune and the Département may co-fund), but a funder
    /// reading two reports must know that the same work is in both.
    pub overlaps: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
}
