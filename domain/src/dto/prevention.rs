//! Prevention actions: collective, counted by the people reached, never naming anyone.

use super::prelude::*;
use crate::prevention::PreventionKind;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreventionActionInput {
    /// The day it was held (today at the latest, three calendar years back at most).
    pub held_on: NaiveDate,
    pub kind: PreventionKind,
    /// Where, in words ("Marché du samedi, place de la mairie"): never a person's name.
    pub place: String,
    /// Partners of the directory who took part.
    #[serde(default)]
    pub partner_ids: Vec<Uuid>,
    /// Everyone the action reached.
    pub people_reached: u32,
    /// Of them, counted apart (each optional; together at most `people_reached`).
    #[serde(default)]
    pub pupils: Option<u32>,
    #[serde(default)]
    pub inhabitants: Option<u32>,
    #[serde(default)]
    pub professionals: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreventionAction {
    pub id: Uuid,
    pub held_on: NaiveDate,
    pub kind: PreventionKind,
    pub place: String,
    pub partner_ids: Vec<Uuid>,
    pub people_reached: u32,
    pub pupils: Option<u32>,
    pub inhabitants: Option<u32>,
    pub professionals: Option<u32>,
    pub created_at: DateTime<Utc>,
}
