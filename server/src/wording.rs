//! The revealing words of one organisation: the built-in list, the words its admins
//! added, its own name and its sites' names (`relais_domain::wording`). Loaded where a text
//! a person will read is written or sent: templates, place texts, the outbox.

use relais_domain::wording::Revealing;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::store::entities::{organisation, site};

/// The words stored one a line.
pub fn words_of(stored: Option<&str>) -> Vec<String> {
    stored
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The list for an organisation whose row and live sites are at hand, plus `also` (a site's
/// new name and address, before they are saved). Names count whole and by their significant
/// words; the sites' addresses say which of those words are only the town or the street.
pub fn revealing_of(
    org: Option<&organisation::Model>,
    sites: &[&site::Model],
    also: Option<(&str, &str)>,
) -> Revealing {
    let own = org
        .map(|o| words_of(o.message_words.as_deref()))
        .unwrap_or_default();
    let names = org
        .map(|o| o.name.as_str())
        .into_iter()
        .chain(sites.iter().map(|s| s.name.as_str()))
        .chain(also.map(|(name, _)| name));
    let addresses = sites
        .iter()
        .map(|s| s.address.as_str())
        .chain(also.map(|(_, address)| address));
    Revealing::with(own.iter().map(String::as_str)).with_names(names, addresses)
}

/// The list for one organisation, and its sites' place texts, read from the database.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    organisation_id: Uuid,
) -> Result<(Revealing, Vec<String>), DbErr> {
    let org = organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?;
    let sites = site::Entity::find()
        .filter(site::Column::OrganisationId.eq(organisation_id))
        .filter(site::Column::DeletedAt.is_null())
        .all(db)
        .await?;
    let refs: Vec<&site::Model> = sites.iter().collect();
    let places = sites
        .iter()
        .filter_map(|s| s.message_place.clone())
        .collect();
    Ok((revealing_of(org.as_ref(), &refs, None), places))
}
