//! What a report publishes: its figures, and how a count reads (`Cell`: shown, small or
//! withheld).

use serde::{Deserialize, Serialize};

use super::Audience;
use crate::casework::{
    AgeBand, ChildReportRecipient, InterviewMode, OrientationStatus, PartnerKind, Problem,
    RoleGroup, Sex,
};
use crate::outreach::{CloseReason, Initiative, OriginChannel};
use crate::prevention::{PreventionKind, Public};
use chrono::NaiveDate;

/// A count as a report publishes it: the count, or why it is hidden (JSON: a number, or
/// `"small"`, or `"withheld"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Cell {
    Shown(u32),
    Hidden(Hidden),
}

/// Why a count of an external report is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Hidden {
    /// From 1 to 4: too few to publish ("< 5").
    Small,
    /// Any size, hidden so that a small count beside it cannot be worked out from the totals
    /// (complementary suppression). Never read as small: it may be large.
    Withheld,
}

impl Cell {
    /// The count, when it is shown.
    pub fn shown(self) -> Option<u32> {
        match self {
            Cell::Shown(n) => Some(n),
            Cell::Hidden(_) => None,
        }
    }

    pub fn is_hidden(self) -> bool {
        matches!(self, Cell::Hidden(_))
    }

    /// The cell as a reader reads it: the count, "< 5", or "masqué" / "withheld".
    pub fn text(self, lang: crate::words::Lang) -> String {
        match self {
            Cell::Shown(n) => n.to_string(),
            Cell::Hidden(h) => h.label(lang).to_owned(),
        }
    }

    /// The cell's kind, as the CSV writes it.
    pub fn kind(self) -> &'static str {
        match self {
            Cell::Shown(_) => "shown",
            Cell::Hidden(h) => h.as_str(),
        }
    }
}

impl Hidden {
    pub fn as_str(self) -> &'static str {
        match self {
            Hidden::Small => "small",
            Hidden::Withheld => "withheld",
        }
    }

    /// (French, English) as a table reads it.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Hidden::Small => ("< 5", "< 5"),
            Hidden::Withheld => ("masqué", "withheld"),
        }
    }

    pub fn label(self, lang: crate::words::Lang) -> &'static str {
        let (fr, en) = self.labels();
        lang.pick(fr, en)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count<K> {
    pub key: K,
    pub count: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Share<K> {
    pub key: K,
    pub count: Cell,
    /// Percent of the total, one decimal.
    pub percent: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OriginCell {
    pub channel: OriginChannel,
    pub initiative: Initiative,
    pub count: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleCell {
    pub role: RoleGroup,
    pub sex: Sex,
    pub age_band: AgeBand,
    pub count: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrientationCell {
    pub partner_kind: PartnerKind,
    pub status: OrientationStatus,
    pub count: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reachability {
    pub to_reach: Cell,
    pub reached: Cell,
    pub percent_reached: Option<f64>,
    pub median_hours_to_first_contact: Option<f64>,
    pub attempts_per_contact: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Month {
    /// "2026-03".
    pub month: String,
    pub new_situations: Cell,
    pub interviews: Cell,
    pub attempts: Cell,
    pub anonymous_contacts: Cell,
    /// Prevention actions held that month, and the people they reached (never hidden).
    pub prevention_actions: u32,
    pub people_reached: u32,
}

/// The prevention work beside the casework: collective actions and the people they
/// reached. Never hidden, in any version: an action names no one, and no total the report
/// publishes joins these figures to a count of persons, so they tell nothing of a hidden cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Prevention {
    pub actions: u32,
    pub people_reached: u32,
    pub by_kind: Vec<PreventionRow>,
    /// The people reached that were counted apart, by public.
    pub by_public: Vec<PublicCount>,
    /// The people reached that were not counted apart.
    pub public_not_given: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreventionRow {
    pub kind: PreventionKind,
    pub actions: u32,
    pub people_reached: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicCount {
    pub public: Public,
    pub people_reached: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub audience: Audience,
    /// Counts below this are suppressed (`null`); absent for an internal report.
    pub suppressed_below: Option<u32>,
    pub people_accompanied: Cell,
    pub new_situations: Cell,
    pub interviews_total: Cell,
    pub interviews: Vec<Count<InterviewMode>>,
    pub origins: Vec<OriginCell>,
    pub origin_by_channel: Vec<Share<OriginChannel>>,
    pub origin_by_initiative: Vec<Share<Initiative>>,
    pub problems: Vec<Count<Problem>>,
    pub roles: Vec<RoleCell>,
    pub minors: Cell,
    pub reachability: Reachability,
    pub orientations: Vec<OrientationCell>,
    pub closures: Vec<Count<CloseReason>>,
    pub child_reports: Vec<Count<ChildReportRecipient>>,
    pub anonymous_contacts: Cell,
    pub anonymous_by_channel: Vec<Count<OriginChannel>>,
    pub prevention: Prevention,
    pub monthly: Vec<Month>,
    /// By the person's commune of residence: the conventions' communes, then the others,
    /// then those not given. Each column adds up to its total.
    pub by_commune: Vec<super::PlaceRow>,
    /// By site: the organisation's sites, then elsewhere or not given. Each column adds up
    /// to its total (a person counts at the site where last seen).
    pub by_site: Vec<super::PlaceRow>,
    /// The convention this report is of (the funder's version), when it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub convention: Option<super::places::ConventionHeading>,
    /// The same period a year earlier, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compared: Option<super::compare::Comparison>,
}
