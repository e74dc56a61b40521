//! The conventions that fund the post: recorded by an admin (funder, communes, sites,
//! period), listed with the others they overlap, removed when entered by mistake.

use crate::audit::{self, Action};
use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::store::entities::{convention, site};
use crate::store::{Stamp, soft_delete};
use relais_domain::Validator;
use relais_domain::convention::{Cover, check, overlaps};
use relais_domain::dto::{Convention, ConventionInput};
use relais_domain::problem::ProblemCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

fn split<T>(stored: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .filter_map(parse)
        .collect()
}

/// A stored convention's cover: its communes' codes and its sites.
pub(crate) struct Stored {
    pub model: convention::Model,
    pub communes: Vec<String>,
    pub sites: Vec<Uuid>,
}

impl Stored {
    fn of(model: convention::Model) -> Self {
        Stored {
            communes: split(&model.communes, |s| Some(s.to_owned())),
            sites: split(&model.site_ids, |s| Uuid::parse_str(s).ok()),
            model,
        }
    }

    pub fn cover(&self) -> Cover<'_> {
        Cover {
            from: self.model.valid_from,
            until: self.model.valid_until,
            communes: &self.communes,
            sites: &self.sites,
        }
    }

    fn dto(&self, all: &[Stored]) -> Convention {
        Convention {
            id: self.model.id,
            funder: self.model.funder.clone(),
            communes: self
                .communes
                .iter()
                .filter_map(|c| relais_domain::commune::by_code(c))
                .collect(),
            site_ids: self.sites.clone(),
            valid_from: self.model.valid_from,
            valid_until: self.model.valid_until,
            overlaps: all
                .iter()
                .filter(|o| o.model.id != self.model.id && overlaps(self.cover(), o.cover()))
                .map(|o| o.model.id)
                .collect(),
            created_at: self.model.created_at,
        }
    }
}

/// How a funder's version names its convention, and the sites it covers.
pub(crate) async fn heading(
    t: &Scope,
    c: &Stored,
    all: &[Stored],
) -> ServiceResult<(relais_domain::report::places::ConventionHeading, Vec<Uuid>)> {
    let mut sites = Vec::new();
    for id in &c.sites {
        if let Some(s) = t
            .find_live::<crate::store::entities::site::Entity>(*id)
            .await?
        {
            sites.push(s.name);
        }
    }
    let dto = c.dto(all);
    Ok((
        relais_domain::report::places::ConventionHeading {
            id: dto.id,
            funder: dto.funder,
            communes: dto.communes,
            sites,
            valid_from: dto.valid_from,
            valid_until: dto.valid_until,
            overlapped: !dto.overlaps.is_empty(),
        },
        c.sites.clone(),
    ))
}

/// The organisation's conventions, stored, the latest period first.
pub(crate) async fn stored(t: &Scope) -> ServiceResult<Vec<Stored>> {
    Ok(t.scoped::<convention::Entity>()
        .filter(convention::Column::DeletedAt.is_null())
        .order_by_desc(convention::Column::ValidFrom)
        .order_by_asc(convention::Column::Funder)
        .all(t.db())
        .await?
        .into_iter()
        .map(Stored::of)
        .collect())
}

pub async fn list(t: &Scope) -> ServiceResult<Vec<Convention>> {
    let all = stored(t).await?;
    Ok(all.iter().map(|c| c.dto(&all)).collect())
}

pub async fn get(t: &Scope, id: Uuid) -> ServiceResult<Convention> {
    let all = stored(t).await?;
    all.iter()
        .find(|c| c.model.id == id)
        .map(|c| c.dto(&all))
        .ok_or_else(ServiceError::not_found)
}

/// Record a convention. Refused, naming the field: a blank funder, a commune not in the
/// official list (422); an end before the start, over ten years, nothing covered (422);
/// a site not the organisation's (409). Overlapping another is allowed, and said.
pub async fn create(t: &Scope, i: ConventionInput) -> ServiceResult<Convention> {
    let mut v = Validator::new();
    let funder = v.required_text("funder", &i.funder, relais_domain::limits::NAME);
    let mut communes: Vec<String> = Vec::new();
    for (n, typed) in i.communes.iter().enumerate() {
        if let Some(code) =
            crate::casework::persons::commune_of(&mut v, &format!("communes[{n}]"), Some(typed))
            && !communes.contains(&code)
        {
            communes.push(code);
        }
    }
    for (field, n, most) in [
        (
            "communes",
            i.communes.len(),
            relais_domain::limits::CONVENTION_COMMUNES,
        ),
        (
            "site_ids",
            i.site_ids.len(),
            relais_domain::limits::CONVENTION_SITES,
        ),
    ] {
        if n > most {
            v.push(
                field,
                "too_many",
                (format!("{most} au plus."), format!("{most} at most.")),
            );
        }
    }
    let mut sites = i.site_ids.clone();
    sites.sort();
    sites.dedup();
    let cover = Cover {
        from: i.valid_from,
        until: i.valid_until,
        communes: &communes,
        sites: &sites,
    };
    if v.is_empty()
        && let Err((field, said)) = check(cover)
    {
        v.push(field, "invalid", said);
    }
    v.finish().map_err(ServiceError::validation)?;
    if !sites.is_empty() {
        let known = t
            .scoped::<site::Entity>()
            .filter(site::Column::DeletedAt.is_null())
            .filter(site::Column::Id.is_in(sites.clone()))
            .all(t.db())
            .await?
            .len();
        if known != sites.len() {
            return Err(ServiceError::field(
                ProblemCode::Unknown,
                "site_ids",
                ("Site inconnu.", "Unknown site."),
            ));
        }
    }
    let now = t.now();
    let id = Uuid::new_v4();
    let (_turn, txn) = t.begin_write().await?;
    convention::ActiveModel {
        id: Set(id),
        organisation_id: Set(t.organisation_id()),
        funder: Set(funder.unwrap_or_default()),
        communes: Set(communes.join(",")),
        site_ids: Set(sites
            .iter()
            .map(Uuid::to_string)
            .collect::<Vec<_>>()
            .join(",")),
        valid_from: Set(i.valid_from),
        valid_until: Set(i.valid_until),
        ..Stamp::take(&txn, now).await?.new_row()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        t.audit_event(
            Action::ConventionWritten,
            Some("convention"),
            Some(id),
            "ok",
        ),
    )
    .await?;
    txn.commit().await?;
    get(t, id).await
}

/// Remove a convention entered by mistake.
pub async fn remove(t: &Scope, id: Uuid) -> ServiceResult<()> {
    let (_turn, txn) = t.begin_write().await?;
    if !soft_delete::<convention::Entity, _>(&txn, t.organisation_id(), id, t.now()).await? {
        return Err(ServiceError::not_found());
    }
    audit::record(
        &txn,
        t.audit_event(
            Action::ConventionWritten,
            Some("convention"),
            Some(id),
            "removed",
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
