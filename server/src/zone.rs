//! Where "local" comes from: the one source of time zones. A site has an IANA zone (and
//! the Alsace-Moselle flag for its public holidays); a situation, a walk-in or a report
//! without a site uses its organisation's zone, which is the zone of its first site. Slots,
//! working days and due dates of situations, "varied times" of call-backs, quiet hours and
//! the days of the report all read their zone here. Metropolitan France is the default only
//! for an organisation that has no site yet.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::store::OrgScoped;
use crate::store::entities::site;

/// The zone of an organisation without a site: metropolitan France.
pub const DEFAULT: Tz = chrono_tz::Europe::Paris;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zone {
    pub tz: Tz,
    /// Alsace-Moselle's two extra public holidays apply.
    pub alsace_moselle: bool,
}

impl Default for Zone {
    fn default() -> Self {
        Zone {
            tz: DEFAULT,
            alsace_moselle: false,
        }
    }
}

impl Zone {
    /// A site's zone. The zone was checked when the site was saved; an unreadable one (a
    /// row written by hand) falls back to the default rather than failing every page.
    pub fn of_site(s: &site::Model) -> Zone {
        Zone {
            tz: s.time_zone.parse().unwrap_or(DEFAULT),
            alsace_moselle: s.alsace_moselle,
        }
    }

    /// Wall-clock time there.
    pub fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.tz).naive_local()
    }

    /// The instant of a wall-clock time there (the first one in the autumn repeat, the end of
    /// the spring gap), or `fallback` for a time that cannot be placed.
    pub fn instant(&self, local: NaiveDateTime, fallback: DateTime<Utc>) -> DateTime<Utc> {
        local
            .and_local_timezone(self.tz)
            .earliest()
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or(fallback)
    }

    /// The start of a local day, as an instant.
    pub fn day_start(&self, d: NaiveDate) -> DateTime<Utc> {
        let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
        self.instant(midnight, midnight.and_utc())
    }

    /// Public holidays around `at` (sixty days either side), sorted, for working days.
    pub fn holidays_near(&self, at: DateTime<Utc>) -> Vec<NaiveDate> {
        let d = self.local(at).date();
        relais_domain::holidays::holiday_dates(
            d - Duration::days(60),
            d + Duration::days(60),
            self.alsace_moselle,
        )
    }
}

/// A site's IANA zone.
pub fn site_tz(s: &site::Model) -> Tz {
    Zone::of_site(s).tz
}

/// The zones of one organisation: its sites' and its own.
#[derive(Clone, Debug, Default)]
pub struct Zones {
    organisation: Zone,
    sites: HashMap<Uuid, Zone>,
}

impl Zones {
    /// One query: the organisation's sites, oldest first (deleted ones too: a situation of a
    /// closed site keeps its zone).
    pub async fn load<C: ConnectionTrait>(db: &C, organisation_id: Uuid) -> Result<Zones, DbErr> {
        let sites = site::Entity::scoped(organisation_id)
            .order_by_asc(site::Column::CreatedAt)
            .order_by_asc(site::Column::Id)
            .all(db)
            .await?;
        let organisation = sites
            .iter()
            .find(|s| s.deleted_at.is_none())
            .or(sites.first())
            .map(Zone::of_site)
            .unwrap_or_default();
        Ok(Zones {
            organisation,
            sites: sites.iter().map(|s| (s.id, Zone::of_site(s))).collect(),
        })
    }

    /// The organisation's own zone (its first site's).
    pub fn organisation(&self) -> Zone {
        self.organisation
    }

    /// The zone of a site, or the organisation's for no site.
    pub fn of(&self, site_id: Option<Uuid>) -> Zone {
        site_id
            .and_then(|id| self.sites.get(&id).copied())
            .unwrap_or(self.organisation)
    }
}

/// The zone of one site of an organisation (the organisation's if it is not one of its).
pub async fn of_site_id<C: ConnectionTrait>(
    db: &C,
    organisation_id: Uuid,
    site_id: Option<Uuid>,
) -> Result<Zone, DbErr> {
    if let Some(id) = site_id
        && let Some(s) = site::Entity::scoped(organisation_id)
            .filter(site::Column::Id.eq(id))
            .one(db)
            .await?
    {
        return Ok(Zone::of_site(&s));
    }
    Ok(Zones::load(db, organisation_id).await?.organisation())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn local_days_are_the_zone_s() {
        let reunion = Zone {
            tz: chrono_tz::Indian::Reunion,
            alsace_moselle: false,
        };
        let paris = Zone::default();
        // 31 December 21:00 UTC: still the 31st in Paris, already 1 January in Réunion.
        let t = Utc.with_ymd_and_hms(2026, 12, 31, 21, 0, 0).unwrap();
        assert_eq!(paris.local(t).date().to_string(), "2026-12-31");
        assert_eq!(reunion.local(t).date().to_string(), "2027-01-01");
        let jan1 = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert_eq!(
            reunion.day_start(jan1),
            Utc.with_ymd_and_hms(2026, 12, 31, 20, 0, 0).unwrap()
        );
        assert_eq!(
            paris.day_start(jan1),
            Utc.with_ymd_and_hms(2026, 12, 31, 23, 0, 0).unwrap()
        );
        let alsace = Zone {
            alsace_moselle: true,
            ..paris
        };
        let boxing_day = NaiveDate::from_ymd_opt(2026, 12, 26).unwrap();
        assert!(alsace.holidays_near(t).contains(&boxing_day));
        assert!(!paris.holidays_near(t).contains(&boxing_day));
    }
}
