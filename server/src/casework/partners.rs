//! The partner directory, orientations, links between persons and the rule that keeps linked parties apart.

use crate::audit::{self, Action};
use crate::casework::common::word;
use crate::casework::transitions::{apply_event, touch};
use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::store::entities::{
    appointment, appointment_participant, orientation, partner, person, person_link, situation,
};
use crate::store::{OrgScoped, Stamp, soft_delete};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use relais_domain::Validator;
use relais_domain::casework::{self, LinkRelation, OrientationStatus, PartnerKind};
use relais_domain::dto::AppointmentStatus;
use relais_domain::dto::{
    Orientation, OrientationInput, OrientationStatusInput, Partner, PartnerInput, PersonLink,
    PersonLinkInput,
};
use relais_domain::outreach::{Event, State};
use relais_domain::problem::ProblemCode;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

pub(crate) fn partner_dto(m: partner::Model) -> ServiceResult<Partner> {
    Ok(Partner {
        id: m.id,
        name: m.name,
        kind: word(&m.kind, PartnerKind::parse, "partner.kind")?,
        contact: m.contact,
        updated_at: m.updated_at,
        change_seq: m.change_seq,
    })
}

pub(crate) fn validate_partner(i: &PartnerInput) -> ServiceResult<(String, Option<String>)> {
    let mut v = Validator::new();
    let name = v.required_text("name", &i.name, relais_domain::limits::NAME);
    let contact = v.optional_text(
        "contact",
        i.contact.as_deref(),
        relais_domain::limits::ADDRESS,
    );
    v.finish().map_err(ServiceError::validation)?;
    Ok((name.unwrap_or_default(), contact))
}

pub(crate) fn orientation_dto(m: &orientation::Model) -> ServiceResult<Orientation> {
    Ok(Orientation {
        id: m.id,
        situation_id: m.situation_id,
        partner_id: m.partner_id,
        partner_kind: word(
            &m.partner_kind,
            PartnerKind::parse,
            "orientation.partner_kind",
        )?,
        status: word(&m.status, OrientationStatus::parse, "orientation.status")?,
        consent: m.consent,
        overridden: m.override_reason.is_some(),
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

pub(crate) async fn links_of<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    person_id: Uuid,
) -> Result<Vec<person_link::Model>, sea_orm::DbErr> {
    person_link::Entity::scoped(org)
        .filter(person_link::Column::DeletedAt.is_null())
        .filter(
            Condition::any()
                .add(person_link::Column::PersonA.eq(person_id))
                .add(person_link::Column::PersonB.eq(person_id)),
        )
        .all(db)
        .await
}

pub(crate) fn other(l: &person_link::Model, me: Uuid) -> Uuid {
    if l.person_a == me {
        l.person_b
    } else {
        l.person_a
    }
}

/// `l` as seen from `me`'s file, with the other person's file (if still there).
pub(crate) fn link_dto(
    t: &Scope,
    l: &person_link::Model,
    me: Uuid,
    other_file: Option<&person::Model>,
) -> ServiceResult<PersonLink> {
    Ok(PersonLink {
        id: l.id,
        other_person_id: other(l, me),
        other_initials: crate::casework::common::initials_or_anon(t.state.cipher(), other_file)?,
        relation: word(&l.relation, LinkRelation::parse, "person_link.relation")?,
        keep_apart: l.keep_apart,
    })
}

/// Refuse to put `person_id` at `site_id` from `start` to `end` when a person linked to
/// them (and kept apart) has an appointment there on a half-day this one overlaps. Run
/// inside the write transaction of every booking, move and force-booking, after the change
/// counter is taken: two writers cannot both pass.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn check_linked_apart<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    person_id: Uuid,
    site_id: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    tz: Tz,
    moving: Option<Uuid>,
) -> ServiceResult<()> {
    let apart = |links: Vec<person_link::Model>| kept_apart_from(&links, person_id);
    let mut others = apart(links_of(db, org, person_id).await?);
    if others.is_empty() {
        return Ok(());
    }
    // Two bookings of linked persons at once must not both see the other's absence: lock
    // the persons first (read again once locked, in case a link came meanwhile).
    if lock_persons(db, org, person_id, &others).await? {
        others = apart(links_of(db, org, person_id).await?);
        lock_persons(db, org, person_id, &others).await?;
    }
    let day = chrono::Duration::days(1);
    let theirs = live_appointments_of(db, org, &others, Some((start - day, end + day))).await?;
    let mine = (
        start.with_timezone(&tz).naive_local(),
        end.with_timezone(&tz).naive_local(),
    );
    if theirs.iter().any(|a| {
        Some(a.id) != moving
            && casework::linked_meet(
                site_id,
                mine,
                a.site_id,
                (
                    a.starts_at.with_timezone(&tz).naive_local(),
                    a.ends_at.with_timezone(&tz).naive_local(),
                ),
            )
    }) {
        return Err(linked_conflict());
    }
    Ok(())
}

/// The people `person_id`'s links keep apart from them.
fn kept_apart_from(links: &[person_link::Model], person_id: Uuid) -> Vec<Uuid> {
    links
        .iter()
        .filter(|l| l.keep_apart)
        .map(|l| other(l, person_id))
        .collect()
}

/// A booking or a move refused by the keep-apart rule goes into the person's access log,
/// where their coordinator sees it (a linked person probing for the other's times leaves a
/// trace). Written after the refused transaction is gone; other errors pass through.
pub(crate) async fn audit_linked_refusal(
    t: &Scope,
    person_id: Uuid,
    e: &ServiceError,
) -> ServiceResult<()> {
    if e.code() == ProblemCode::LinkedPartySameHalfDay {
        t.state
            .audit(t.audit_event(
                Action::LinkedPartyRefused,
                Some("person"),
                Some(person_id),
                "refused",
            ))
            .await?;
    }
    Ok(())
}

/// The live appointments, within `within`, of the people kept apart from `person_id`: what
/// a person's page must not offer a time beside (`casework::linked_meet`). A read only:
/// `check_linked_apart`, inside the booking's transaction, stays the guarantee.
pub(crate) async fn kept_apart_appointments<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    person_id: Uuid,
    within: (DateTime<Utc>, DateTime<Utc>),
) -> ServiceResult<Vec<appointment::Model>> {
    let others = kept_apart_from(&links_of(db, org, person_id).await?, person_id);
    if others.is_empty() {
        return Ok(Vec::new());
    }
    live_appointments_of(db, org, &others, Some(within)).await
}

/// On PostgreSQL, lock the rows of `person` and `others` (in id order, so two writers never
/// wait on each other crosswise) until the transaction ends: a booking or a link of linked
/// persons waits for the other's commit before it checks. SQLite has one writer at a time.
/// Returns whether rows were locked.
pub(crate) async fn lock_persons<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    person: Uuid,
    others: &[Uuid],
) -> ServiceResult<bool> {
    if db.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        return Ok(false);
    }
    let mut ids: Vec<Uuid> = others.to_vec();
    ids.push(person);
    ids.sort();
    ids.dedup();
    person::Entity::scoped(org)
        .filter(person::Column::Id.is_in(ids))
        .order_by_asc(person::Column::Id)
        .lock_exclusive()
        .all(db)
        .await?;
    Ok(true)
}

pub(crate) fn linked_conflict() -> ServiceError {
    ServiceError::new(
        ProblemCode::LinkedPartySameHalfDay,
        "Personne liée sur place",
    )
    .detail(
        "Une personne liée à celle-ci (à tenir à distance) a déjà un rendez-vous sur ce site \
         dans la même demi-journée. Choisissez un autre site ou une autre demi-journée.",
    )
}

/// The planned or seen appointments of these persons (overlapping `within`, if given).
pub(crate) async fn live_appointments_of<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    persons: &[Uuid],
    within: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> ServiceResult<Vec<appointment::Model>> {
    let ids: Vec<Uuid> = appointment_participant::Entity::scoped(org)
        .filter(appointment_participant::Column::PersonId.is_in(persons.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.appointment_id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = appointment::Entity::scoped(org)
        .filter(appointment::Column::Id.is_in(ids))
        .filter(appointment::Column::Status.is_in([
            AppointmentStatus::Planned.as_str(),
            AppointmentStatus::Seen.as_str(),
        ]))
        .filter(appointment::Column::DeletedAt.is_null());
    if let Some((from, to)) = within {
        q = q
            .filter(appointment::Column::StartsAt.lt(to))
            .filter(appointment::Column::EndsAt.gt(from));
    }
    Ok(q.all(db).await?)
}

/// A new keep-apart link between `a` and `b` is refused while they already have planned
/// appointments at one site on one half-day: the coordinator moves one first.
pub(crate) async fn check_existing_apart<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    a: Uuid,
    b: Uuid,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let parts = appointment_participant::Entity::scoped(org)
        .filter(appointment_participant::Column::PersonId.is_in([a, b]))
        .all(db)
        .await?;
    let rows: Vec<appointment::Model> = live_appointments_of(db, org, &[a, b], None)
        .await?
        .into_iter()
        .filter(|x| x.status == AppointmentStatus::Planned.as_str() && x.ends_at > now)
        .collect();
    let of = |p: Uuid| -> Vec<&appointment::Model> {
        let ids: Vec<Uuid> = parts
            .iter()
            .filter(|x| x.person_id == p)
            .map(|x| x.appointment_id)
            .collect();
        rows.iter().filter(|r| ids.contains(&r.id)).collect()
    };
    let (mine, theirs) = (of(a), of(b));
    if mine.is_empty() || theirs.is_empty() {
        return Ok(());
    }
    let sites: std::collections::HashMap<Uuid, Tz> =
        crate::store::entities::site::Entity::scoped(org)
            .all(db)
            .await?
            .iter()
            .map(|s| (s.id, crate::zone::site_tz(s)))
            .collect();
    let local = |x: &appointment::Model| {
        let tz = sites
            .get(&x.site_id)
            .copied()
            .unwrap_or(crate::zone::DEFAULT);
        (
            x.starts_at.with_timezone(&tz).naive_local(),
            x.ends_at.with_timezone(&tz).naive_local(),
        )
    };
    for x in &mine {
        for y in &theirs {
            if x.id != y.id && casework::linked_meet(x.site_id, local(x), y.site_id, local(y)) {
                return Err(ServiceError::new(
                    ProblemCode::LinkedPartySameHalfDay,
                    "Rendez-vous déjà pris le même jour",
                )
                .detail(
                    "Ces deux personnes ont déjà rendez-vous sur un même site dans la même \
                     demi-journée. Déplacez l'un des rendez-vous avant de les lier.",
                ));
            }
        }
    }
    Ok(())
}

pub async fn list(t: &Scope) -> ServiceResult<Vec<Partner>> {
    let rows = t
        .scoped::<partner::Entity>()
        .filter(partner::Column::DeletedAt.is_null())
        .order_by_asc(partner::Column::Name)
        .all(t.db())
        .await?;
    rows.into_iter()
        .map(partner_dto)
        .collect::<ServiceResult<_>>()
}

pub async fn create(t: &Scope, i: PartnerInput) -> ServiceResult<Partner> {
    let (name, contact) = validate_partner(&i)?;
    let now = t.now();
    let id = Uuid::new_v4();
    let (_turn, txn) = t.begin_write().await?;
    let m = partner::ActiveModel {
        id: Set(id),
        organisation_id: Set(t.organisation_id()),
        name: Set(name),
        kind: Set(i.kind.as_str().into()),
        contact: Set(contact),
        ..Stamp::take(&txn, now).await?.new_row()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        t.audit_event(Action::PartnerWritten, Some("partner"), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    partner_dto(m)
}

pub async fn update(t: &Scope, id: Uuid, i: PartnerInput) -> ServiceResult<Partner> {
    let (name, contact) = validate_partner(&i)?;
    let current = t
        .find_live::<partner::Entity>(id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let (_turn, txn) = t.begin_write().await?;
    let mut am: partner::ActiveModel = current.into();
    am.name = Set(name);
    am.kind = Set(i.kind.as_str().into());
    am.contact = Set(contact);
    Stamp::take(&txn, t.now()).await?.changed(&mut am);
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        t.audit_event(Action::PartnerWritten, Some("partner"), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    partner_dto(m)
}

pub async fn delete(t: &Scope, id: Uuid) -> ServiceResult<()> {
    let (_turn, txn) = t.begin_write().await?;
    if !soft_delete::<partner::Entity, _>(&txn, t.organisation_id(), id, t.now()).await? {
        return Err(ServiceError::not_found());
    }
    audit::record(
        &txn,
        t.audit_event(Action::PartnerWritten, Some("partner"), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Propose an orientation. It moves an assessed situation (or one in follow-up) to
/// "orientation". Without the person's consent it needs a reason, sealed and audited.
pub async fn orient(t: &Scope, id: Uuid, i: OrientationInput) -> ServiceResult<Orientation> {
    let mut v = Validator::new();
    let reason = v.optional_text(
        "override_reason",
        i.override_reason.as_deref(),
        relais_domain::limits::NOTE,
    );
    if !i.consent && reason.is_none() {
        v.push(
            "override_reason",
            "required",
            (
                "Sans le consentement de la personne, un motif est requis (il est tracé).",
                "Without the person's consent, a reason is required (it is recorded).",
            ),
        );
    }
    if i.consent && reason.is_some() {
        v.push(
            "override_reason",
            "unexpected",
            ("Seulement sans consentement.", "Only without consent."),
        );
    }
    v.finish().map_err(ServiceError::validation)?;
    let s = t
        .find_live::<situation::Entity>(id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let p = t
        .find_live::<partner::Entity>(i.partner_id)
        .await?
        .ok_or_else(|| {
            ServiceError::field(
                ProblemCode::Unknown,
                "partner_id",
                ("Partenaire inconnu.", "Unknown partner."),
            )
        })?;
    let now = t.now();
    let oid = Uuid::new_v4();
    let (_turn, txn) = t.begin_write().await?;
    let state = word(&s.state, State::parse, "situation.state")?;
    if state == State::Orientation {
        touch(&txn, &s, now, |_| {}, now).await?;
    } else {
        apply_event(
            &txn,
            &s,
            None,
            Event::Orient,
            Some(t.staff()?.account_id),
            now,
            |_| {},
            now,
        )
        .await?;
    }
    let m = orientation::ActiveModel {
        id: Set(oid),
        organisation_id: Set(t.organisation_id()),
        situation_id: Set(id),
        person_id: Set(s.person_id),
        partner_id: Set(p.id),
        partner_kind: Set(p.kind.clone()),
        status: Set(OrientationStatus::Proposed.as_str().into()),
        consent: Set(i.consent),
        override_reason: Set(reason.as_ref().map(|r| {
            t.state
                .cipher()
                .seal("orientation", "override_reason", oid, r.as_bytes())
        })),
        account_id: Set(t.staff()?.account_id),
        ..Stamp::take(&txn, now).await?.new_row()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        t.audit_event(
            if reason.is_some() {
                Action::OrientationOverride
            } else {
                Action::OrientationProposed
            },
            Some("orientation"),
            Some(oid),
            "ok",
        ),
    )
    .await?;
    txn.commit().await?;
    orientation_dto(&m)
}

pub async fn list_orientations(t: &Scope, id: Uuid) -> ServiceResult<Vec<Orientation>> {
    t.find_live::<situation::Entity>(id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let rows = t
        .scoped::<orientation::Entity>()
        .filter(orientation::Column::SituationId.eq(id))
        .filter(orientation::Column::DeletedAt.is_null())
        .order_by_asc(orientation::Column::CreatedAt)
        .all(t.db())
        .await?;
    rows.iter()
        .map(orientation_dto)
        .collect::<ServiceResult<_>>()
}

/// proposed → accepted | refused; accepted → handed over. Anything else: 409 naming the
/// current status and the allowed ones.
pub async fn set_status(
    t: &Scope,
    id: Uuid,
    i: OrientationStatusInput,
) -> ServiceResult<Orientation> {
    let m = t
        .find_live::<orientation::Entity>(id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let current = word(&m.status, OrientationStatus::parse, "orientation.status")?;
    current.change(i.status).map_err(|e| {
        ServiceError::transition(
            ProblemCode::InvalidTransition,
            e.to_string(),
            e.current.as_str(),
            e.allowed.iter().map(|a| a.as_str().to_owned()).collect(),
        )
    })?;
    let s = t
        .find_live::<situation::Entity>(m.situation_id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let now = t.now();
    let (_turn, txn) = t.begin_write().await?;
    let r = orientation::Entity::update_many()
        .set(orientation::ActiveModel {
            status: Set(i.status.as_str().into()),
            ..Stamp::take(&txn, now).await?.changed_row()
        })
        .filter(orientation::Column::Id.eq(id))
        .filter(orientation::Column::Status.eq(m.status.clone()))
        .exec(&txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(ServiceError::conflict(
            "L'orientation a changé entre-temps.",
        ));
    }
    if s.state != State::Closed.as_str() {
        touch(&txn, &s, now, |_| {}, now).await?;
    }
    audit::record(
        &txn,
        t.audit_event(
            Action::OrientationChanged,
            Some("orientation"),
            Some(id),
            "ok",
        ),
    )
    .await?;
    txn.commit().await?;
    let m = orientation::Entity::find_by_id(id)
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::not_found)?;
    orientation_dto(&m)
}

/// Link two people. Each file then shows the other by initials only.
pub async fn link(t: &Scope, id: Uuid, i: PersonLinkInput) -> ServiceResult<PersonLink> {
    t.find_live::<person::Entity>(id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    if i.other_person_id == id {
        return Err(ServiceError::field(
            ProblemCode::SamePerson,
            "other_person_id",
            (
                "Une personne ne se lie pas à elle-même.",
                "A person is not linked to themselves.",
            ),
        ));
    }
    let other_file = t
        .find_live::<person::Entity>(i.other_person_id)
        .await?
        .ok_or_else(|| {
            ServiceError::field(
                ProblemCode::Unknown,
                "other_person_id",
                ("Personne inconnue.", "Unknown person."),
            )
        })?;
    if links_of(t.db(), t.organisation_id(), id)
        .await?
        .iter()
        .any(|l| other(l, id) == i.other_person_id)
    {
        return Err(ServiceError::conflict(
            "Ces deux personnes sont déjà liées.",
        ));
    }
    let keep_apart = i.keep_apart.unwrap_or(i.relation.keeps_apart_by_default());
    // Turning the rule off for a relation that keeps apart (a victim and the alleged
    // perpetrator) needs a reason, sealed and audited.
    let off_reason = if !keep_apart && i.relation.keeps_apart_by_default() {
        let mut v = Validator::new();
        let r = v.optional_text(
            "keep_apart_off_reason",
            i.keep_apart_off_reason.as_deref(),
            relais_domain::limits::REASON,
        );
        if r.is_none() {
            v.push(
                "keep_apart_off_reason",
                "required",
                (
                    "Pour cette relation, dites pourquoi ces personnes peuvent se croiser.",
                    "For this relation, say why these persons may meet.",
                ),
            );
        }
        v.finish().map_err(ServiceError::validation)?;
        r
    } else {
        None
    };
    let now = t.now();
    let link_id = Uuid::new_v4();
    let (_turn, txn) = t.begin_write().await?;
    let stamp = Stamp::take(&txn, now).await?;
    if keep_apart {
        lock_persons(&txn, t.organisation_id(), id, &[i.other_person_id]).await?;
        check_existing_apart(&txn, t.organisation_id(), id, i.other_person_id, now).await?;
    }
    let m = person_link::ActiveModel {
        id: Set(link_id),
        organisation_id: Set(t.organisation_id()),
        person_a: Set(id),
        person_b: Set(i.other_person_id),
        relation: Set(i.relation.as_str().into()),
        keep_apart: Set(keep_apart),
        keep_apart_off_reason: Set(off_reason.as_ref().map(|r| {
            t.state.cipher().seal(
                "person_link",
                "keep_apart_off_reason",
                link_id,
                r.as_bytes(),
            )
        })),
        ..stamp.new_row()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        t.audit_event(
            Action::PersonLinked,
            Some("person"),
            Some(id),
            if off_reason.is_some() {
                "keep_apart_off"
            } else {
                "ok"
            },
        ),
    )
    .await?;
    txn.commit().await?;
    link_dto(t, &m, id, Some(&other_file))
}

pub async fn links(t: &Scope, id: Uuid) -> ServiceResult<Vec<PersonLink>> {
    t.find_live::<person::Entity>(id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let rows = links_of(t.db(), t.organisation_id(), id).await?;
    let others: Vec<Uuid> = rows.iter().map(|l| other(l, id)).collect();
    let files = crate::casework::common::persons_of(t.db(), t.organisation_id(), &others).await?;
    rows.iter()
        .map(|l| link_dto(t, l, id, files.get(&other(l, id))))
        .collect::<ServiceResult<_>>()
}

pub async fn unlink(t: &Scope, id: Uuid) -> ServiceResult<()> {
    let (_turn, txn) = t.begin_write().await?;
    if !soft_delete::<person_link::Entity, _>(&txn, t.organisation_id(), id, t.now()).await? {
        return Err(ServiceError::not_found());
    }
    audit::record(
        &txn,
        t.audit_event(Action::PersonUnlinked, Some("person_link"), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
