//! Staff roles. There is deliberately no role in which police or gendarmerie read a file:
//! a referrer hands situations over and sees their status, nothing else.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// CCAS head or network coordinator: sites, accounts, wording, reports.
    Admin,
    /// Intervenant social: reads and writes persons' files.
    Coordinator,
    /// Gendarme, police officer or partner: submits referrals, sees statuses only.
    Referrer,
}

words!(Role {
    Admin = "admin" => ("Administration", "Administration"),
    Coordinator = "coordinator" => ("Intervenant·e social·e", "Social worker"),
    Referrer = "referrer" => ("Référent·e (signalements)", "Referrer"),
});

impl Role {
    /// Who may open a person's file (identity, contact details, safe-contact profile, notes).
    pub fn may_read_person_files(self) -> bool {
        matches!(self, Role::Admin | Role::Coordinator)
    }

    /// Who holds appointments and has a calendar (hours, absences, exceptions).
    pub fn holds_appointments(self) -> bool {
        matches!(self, Role::Admin | Role::Coordinator)
    }

    /// Who manages the organisation: sites, accounts.
    pub fn may_administer(self) -> bool {
        matches!(self, Role::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_referrers_never_read_files() {
        for &r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert!(!Role::Referrer.may_read_person_files());
        assert!(!Role::Referrer.may_administer());
        assert_eq!(Role::parse("police"), None);
    }
}
