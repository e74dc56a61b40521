//! The phone's sync: what a device may hold (`Holder`), the change feed it pulls (`pull`),
//! and the intents it pushes (`push`), applied by the same services as the API.
//!
//! Only device sessions of roles that read files sync; a referrer's device, a web session
//! and a partner unit are refused before anything is read.

pub mod pull;
pub mod push;

use chrono::{DateTime, Duration, Utc};
use relais_domain::Role;
use relais_domain::outreach::State;
use sea_orm::{ColumnTrait, QueryFilter};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::store::entities::{account_site, appointment, situation};

/// How far back a phone holds appointments.
pub const DAYS_BACK: i64 = 14;

/// Who is syncing, and what they may hold: their sites' agenda from `window_start`, the
/// situations on their queue or assigned to them, the persons those need.
#[derive(Debug, Clone)]
pub struct Holder {
    pub account_id: Uuid,
    pub device_id: Uuid,
    pub role: Role,
    pub sites: Vec<Uuid>,
    pub window_start: DateTime<Utc>,
}

impl Holder {
    /// The device's holder, or a refusal: device sessions only, roles that read files only.
    pub async fn of(t: &Scope) -> ServiceResult<Holder> {
        let c = t.staff()?;
        let device_id = c.device_id.ok_or_else(|| {
            ServiceError::forbidden()
                .detail("La synchronisation est réservée aux téléphones enregistrés.")
        })?;
        if !c.role.may_read_person_files() {
            return Err(ServiceError::forbidden());
        }
        let mut sites: Vec<Uuid> = t
            .scoped::<account_site::Entity>()
            .filter(account_site::Column::AccountId.eq(c.account_id))
            .all(t.db())
            .await?
            .into_iter()
            .map(|l| l.site_id)
            .collect();
        sites.sort();
        Ok(Holder {
            account_id: c.account_id,
            device_id,
            role: c.role,
            sites,
            window_start: t.now() - Duration::days(DAYS_BACK),
        })
    }

    /// What the scope depends on besides the rows themselves: a change of it resets the feed.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.account_id.as_bytes());
        h.update(self.role.as_str().as_bytes());
        for s in &self.sites {
            h.update(s.as_bytes());
        }
        data_encoding::HEXLOWER.encode(&h.finalize()[..6])
    }

    /// A situation the device holds: on the queue (unassigned, open) or assigned to them.
    pub fn holds_situation(&self, m: &situation::Model) -> bool {
        m.deleted_at.is_none()
            && match m.assigned_to {
                Some(a) => {
                    a == self.account_id
                        && (m.state != State::Closed.as_str()
                            || m.closed_at.is_some_and(|c| c >= self.window_start))
                }
                None => m.state != State::Closed.as_str(),
            }
    }

    /// An appointment the device holds in full: at one of their sites, or theirs.
    pub fn holds_appointment(&self, m: &appointment::Model) -> bool {
        m.deleted_at.is_none()
            && m.busy_end >= self.window_start
            && (self.sites.contains(&m.site_id) || m.coordinator_id == self.account_id)
    }

    /// Whether the device must know this appointment's time as busy (times only): what the
    /// server's free-slot search counts as busy.
    pub fn needs_busy(&self, m: &appointment::Model) -> bool {
        use relais_domain::dto::AppointmentStatus as S;
        m.deleted_at.is_none()
            && m.busy_end >= self.window_start
            && [S::Planned, S::Seen, S::NoShow]
                .iter()
                .any(|s| s.as_str() == m.status)
    }
}
