//! The organisation's settings (its name, its own revealing words) and its sites.

use crate::audit::{self, Action};
use crate::error::{ServiceError, ServiceResult};
use crate::paging::Paging;
use crate::scope::Scope;
use crate::store::entities::{organisation, site};
use crate::store::{Stamp, soft_delete};
use relais_domain::Validator;
use relais_domain::dto::{Organisation, OrganisationInput, Page, Site, SiteInput};
use sea_orm::{ActiveModelTrait, ColumnTrait, IntoActiveModel, QueryFilter, Set};
use uuid::Uuid;

pub fn site_dto(s: site::Model) -> Site {
    Site {
        id: s.id,
        name: s.name,
        address: s.address,
        phone: s.phone,
        time_zone: s.time_zone,
        alsace_moselle: s.alsace_moselle,
        message_place: s.message_place,
        updated_at: s.updated_at,
        change_seq: s.change_seq,
    }
}

pub fn organisation_dto(o: organisation::Model) -> Organisation {
    Organisation {
        id: o.id,
        name: o.name,
        message_words: crate::wording::words_of(o.message_words.as_deref()),
        invitations: relais_domain::dto::InvitationSettings {
            expiry_days: o.invitation_expiry_days.into(),
            follow_up_days: o.invitation_follow_up_days.into(),
            callback_phone: o.callback_phone,
        },
    }
}

pub(crate) struct ValidSite {
    pub(crate) name: String,
    pub(crate) address: String,
    pub(crate) phone: Option<String>,
    pub(crate) time_zone: String,
    pub(crate) alsace_moselle: bool,
    pub(crate) message_place: Option<String>,
}

/// `revealing`: the organisation's words with this site's new name and address; the place
/// text a message may carry must pass it.
pub(crate) fn validate(
    input: SiteInput,
    revealing: impl FnOnce(&str, &str) -> relais_domain::wording::Revealing,
) -> ServiceResult<ValidSite> {
    let mut v = Validator::new();
    let name = v.required_text("name", &input.name, relais_domain::limits::NAME);
    let address = v.required_text("address", &input.address, relais_domain::limits::ADDRESS);
    let message_place = v
        .optional_text(
            "message_place",
            input.message_place.as_deref(),
            relais_domain::limits::MESSAGE_PLACE,
        )
        .inspect(|p| {
            if let Err(e) = revealing(
                name.as_deref().unwrap_or(""),
                address.as_deref().unwrap_or(""),
            )
            .check(p)
            {
                v.push("message_place", "revealing_word", e);
            }
        });
    let phone = match input
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => None,
        Some(p) => match relais_domain::phone::normalise(p) {
            Ok(e) => Some(e),
            Err(e) => {
                v.push("phone", "invalid_phone", e.said());
                None
            }
        },
    };
    let tz = input.time_zone.unwrap_or_else(|| "Europe/Paris".into());
    if tz.parse::<chrono_tz::Tz>().is_err() {
        v.push(
            "time_zone",
            "unknown_time_zone",
            (
                "Fuseau IANA inconnu (ex. Europe/Paris, America/Cayenne).",
                "Unknown IANA time zone (e.g. Europe/Paris, America/Cayenne).",
            ),
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    Ok(ValidSite {
        message_place,
        alsace_moselle: input.alsace_moselle,
        name: name.unwrap_or_default(),
        address: address.unwrap_or_default(),
        phone,
        time_zone: tz,
    })
}

/// Validate with the organisation's revealing words: its own, its name, the other sites'
/// names and this site's new name.
pub(crate) async fn validate_in(
    t: &Scope,
    this: Option<Uuid>,
    input: SiteInput,
) -> ServiceResult<ValidSite> {
    let org = t.scoped::<organisation::Entity>().one(t.db()).await?;
    let others: Vec<site::Model> = t
        .scoped::<site::Entity>()
        .filter(site::Column::DeletedAt.is_null())
        .all(t.db())
        .await?
        .into_iter()
        .filter(|s| Some(s.id) != this)
        .collect();
    let others: Vec<&site::Model> = others.iter().collect();
    validate(input, |name, address| {
        crate::wording::revealing_of(org.as_ref(), &others, Some((name, address)))
    })
}

pub(crate) async fn find(t: &Scope, id: Uuid) -> ServiceResult<site::Model> {
    t.find_live::<site::Entity>(id)
        .await?
        .ok_or_else(ServiceError::not_found)
}

pub async fn list(t: &Scope, p: Paging) -> ServiceResult<Page<Site>> {
    let (rows, limit) = crate::paging::live_rows::<site::Entity>(t, &p).await?;
    Ok(crate::paging::keyset_page(
        rows,
        limit,
        |s| (s.change_seq, s.id),
        site_dto,
    ))
}

pub async fn get(t: &Scope, id: Uuid) -> ServiceResult<Site> {
    let s = find(t, id).await?;
    Ok(site_dto(s))
}

pub async fn create(t: &Scope, input: SiteInput) -> ServiceResult<Site> {
    let v = validate_in(t, None, input).await?;
    let now = t.now();
    let id = Uuid::new_v4();
    let (_turn, txn) = t.begin_write().await?;
    let stamp = Stamp::take(&txn, now).await?;
    let m = site::ActiveModel {
        id: Set(id),
        organisation_id: Set(t.organisation_id()),
        name: Set(v.name),
        address: Set(v.address),
        phone: Set(v.phone),
        time_zone: Set(v.time_zone),
        alsace_moselle: Set(v.alsace_moselle),
        message_place: Set(v.message_place),
        ..stamp.new_row()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        t.audit_event(Action::SiteWritten, Some("site"), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(site_dto(m))
}

pub async fn update(t: &Scope, id: Uuid, input: SiteInput) -> ServiceResult<Site> {
    let existing = find(t, id).await?;
    let v = validate_in(t, Some(id), input).await?;
    let (_turn, txn) = t.begin_write().await?;
    let mut am = existing.into_active_model();
    am.name = Set(v.name);
    am.address = Set(v.address);
    am.phone = Set(v.phone);
    am.time_zone = Set(v.time_zone);
    am.alsace_moselle = Set(v.alsace_moselle);
    am.message_place = Set(v.message_place);
    Stamp::take(&txn, t.now()).await?.changed(&mut am);
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        t.audit_event(Action::SiteWritten, Some("site"), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(site_dto(m))
}

pub async fn delete(t: &Scope, id: Uuid) -> ServiceResult<()> {
    let (_turn, txn) = t.begin_write().await?;
    if !soft_delete::<site::Entity, _>(&txn, t.organisation_id(), id, t.now()).await? {
        return Err(ServiceError::not_found());
    }
    audit::record(
        &txn,
        t.audit_event(Action::SiteWritten, Some("site"), Some(id), "deleted"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn get_organisation(t: &Scope) -> ServiceResult<Organisation> {
    let o = t
        .scoped::<organisation::Entity>()
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::not_found)?;
    Ok(organisation_dto(o))
}

pub async fn update_organisation(
    t: &Scope,
    input: OrganisationInput,
) -> ServiceResult<Organisation> {
    let mut v = Validator::new();
    let name = v.required_text("name", &input.name, relais_domain::limits::NAME);
    let words = input.message_words.map(|ws| {
        let mut kept = Vec::new();
        for (i, w) in ws.iter().enumerate() {
            let w = w.trim();
            if w.is_empty()
                || w.chars().count() > relais_domain::limits::MESSAGE_WORD
                || w.contains('\n')
            {
                v.push(
                    format!("message_words[{i}]"),
                    "invalid",
                    (
                        "Un mot ou une expression de 1 à 100 caractères, sur une ligne.",
                        "A word or phrase of 1 to 100 characters, on one line.",
                    ),
                );
            } else {
                kept.push(w.to_owned());
            }
        }
        if ws.len() > relais_domain::limits::MESSAGE_WORDS {
            v.push(
                "message_words",
                "too_many",
                ("500 mots au plus.", "500 words at most."),
            );
        }
        kept.join("\n")
    });
    let invitations = input.invitations.map(|i| {
        if let Err((field, said)) =
            relais_domain::invitation::check_settings(i.expiry_days, i.follow_up_days)
        {
            v.push(format!("invitations.{field}"), "out_of_range", said);
        }
        let phone = match i
            .callback_phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => None,
            Some(p) => match relais_domain::phone::normalise(p) {
                Ok(e) => Some(e),
                Err(e) => {
                    v.push("invitations.callback_phone", "invalid_phone", e.said());
                    None
                }
            },
        };
        (i.expiry_days, i.follow_up_days, phone)
    });
    v.finish().map_err(ServiceError::validation)?;
    let o = t
        .scoped::<organisation::Entity>()
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let (_turn, txn) = t.begin_write().await?;
    let mut am = o.into_active_model();
    am.name = Set(name.unwrap_or_default());
    if let Some(w) = words {
        am.message_words = Set(Some(w).filter(|w| !w.is_empty()));
    }
    if let Some((expiry, follow_up, phone)) = invitations {
        am.invitation_expiry_days = Set(expiry as i32);
        am.invitation_follow_up_days = Set(follow_up as i32);
        am.callback_phone = Set(phone);
    }
    Stamp::take(&txn, t.now()).await?.changed(&mut am);
    let o = am.update(&txn).await?;
    txn.commit().await?;
    Ok(organisation_dto(o))
}
