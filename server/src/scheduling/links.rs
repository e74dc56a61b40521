//! The person's links. Staff create, list and revoke booking links; every booking gets a
//! manage link (written into its messages as `{lien}`). A person opens a link (the token is
//! looked up by its hash: the one query not started from an organisation, since the token is
//! what names it), answers the knowledge check, then books, moves or cancels through the
//! same booking services as staff, acting as `Actor::Person`: same free-slot check, notice,
//! horizon, keep-apart rule and idempotency.

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use relais_domain::booking_link::{self as rule, Purpose};
use relais_domain::dto::{
    AppointmentInput, AppointmentStatus, BookableBy, BookingLink, BookingLinkInput, CancelInput,
    CancelledBy, MoveInput,
};
use relais_domain::problem::ProblemCode;
use relais_domain::schedule;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::audit::{self, Action};
use crate::crypto::token_hash;
use crate::error::{ServiceError, ServiceResult};
use crate::scheduling::booking::{self, Booked, Idempotency};
use crate::scheduling::link_rows::{ids_json, ids_of, url_of};
use crate::scheduling::{find_coordinator, find_site, find_type, load_search, rules_of};
use crate::scope::{Actor, Scope};
use crate::state::AppState;
use crate::store::OrgScoped;
use crate::store::entities::{appointment, appointment_participant, booking_link, person, site};
use crate::zone::site_tz;

fn dto(state: &AppState, m: &booking_link::Model, with_url: bool) -> BookingLink {
    BookingLink {
        id: m.id,
        person_id: m.person_id,
        purpose: Purpose::parse(&m.purpose).unwrap_or(Purpose::Book),
        state: rule::state_of(
            m.expires_at,
            m.revoked_at,
            m.used_at,
            m.tries_left,
            state.now(),
        ),
        type_id: m.type_id,
        site_ids: ids_of(&m.site_ids),
        coordinator_ids: ids_of(&m.coordinator_ids),
        appointment_id: m.appointment_id,
        expires_at: m.expires_at,
        created_at: m.created_at,
        tries_left: m.tries_left,
        url: with_url.then(|| url_of(state, m.id)),
    }
}

// ------------------------------------------------------------------ staff

/// What a booking link offers, checked: a type the person may book, one site at least, the
/// coordinators of the organisation.
pub(crate) struct Offered {
    pub type_id: Uuid,
    pub site_ids: Vec<Uuid>,
    pub coordinator_ids: Vec<Uuid>,
}

/// Check what a booking link would offer; refusals name the field.
pub(crate) async fn check_offered(
    t: &Scope,
    type_id: Uuid,
    site_ids: &[Uuid],
    coordinator_ids: &[Uuid],
) -> ServiceResult<Offered> {
    let ty = find_type(t, type_id, "type_id").await?;
    if BookableBy::parse(&ty.bookable_by) != Some(BookableBy::Public) {
        return Err(ServiceError::field(
            ProblemCode::InvalidField,
            "type_id",
            (
                "Ce type de rendez-vous ne se réserve pas par lien (réservable par : le service).",
                "This appointment type is not booked through a link (booked by: the service).",
            ),
        ));
    }
    if site_ids.is_empty() {
        return Err(ServiceError::field(
            ProblemCode::Required,
            "site_ids",
            ("Au moins un lieu.", "At least one place."),
        ));
    }
    for (n, s) in site_ids.iter().enumerate() {
        find_site(t, *s, &format!("site_ids[{n}]")).await?;
    }
    for (n, c) in coordinator_ids.iter().enumerate() {
        find_coordinator(t, *c, &format!("coordinator_ids[{n}]")).await?;
    }
    Ok(Offered {
        type_id: ty.id,
        site_ids: site_ids.to_vec(),
        coordinator_ids: coordinator_ids.to_vec(),
    })
}

/// The booking link row for a person, unsaved: its token is derived from its id.
pub(crate) fn book_link_row(
    t: &Scope,
    person_id: Uuid,
    o: &Offered,
    expires_at: DateTime<Utc>,
    created_by: Uuid,
) -> booking_link::Model {
    let id = Uuid::new_v4();
    booking_link::Model {
        id,
        organisation_id: t.organisation_id(),
        person_id,
        purpose: Purpose::Book.as_str().into(),
        token_hash: token_hash(&t.state.cipher().link_token(id)),
        type_id: Some(o.type_id),
        site_ids: ids_json(&o.site_ids),
        coordinator_ids: ids_json(&o.coordinator_ids),
        appointment_id: None,
        expires_at,
        revoked_at: None,
        used_at: None,
        tries_left: rule::KNOWLEDGE_TRIES,
        created_by,
        created_at: t.now(),
        session_epoch: 0,
    }
}

/// Whether a booking link like `row` would offer at least one free time before it expires
/// (the person's page searches the same way).
pub(crate) async fn offers_a_slot(t: &Scope, row: &booking_link::Model) -> ServiceResult<bool> {
    let h = held(&t.state, row.clone(), None);
    let days = (row.expires_at - t.now()).num_days().max(1) + 1;
    let o = all_offers(&h, None, days).await?;
    Ok(o.first.is_some_and(|f| f.start < row.expires_at))
}

/// A booking link for a person. The type must be bookable by the person (`public`).
pub async fn create(t: &Scope, person_id: Uuid, i: BookingLinkInput) -> ServiceResult<BookingLink> {
    let account = t.staff()?.account_id;
    t.find_live::<person::Entity>(person_id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let offered = check_offered(t, i.type_id, &i.site_ids, &i.coordinator_ids).await?;
    let days = i.valid_days.unwrap_or(rule::DEFAULT_VALID_DAYS);
    if !(1..=rule::MAX_VALID_DAYS).contains(&days) {
        return Err(ServiceError::field(
            ProblemCode::OutOfRange,
            "valid_days",
            (
                format!("De 1 à {} jours.", rule::MAX_VALID_DAYS),
                format!("From 1 to {} days.", rule::MAX_VALID_DAYS),
            ),
        ));
    }
    let row = book_link_row(
        t,
        person_id,
        &offered,
        t.now() + Duration::days(days),
        account,
    );
    let id = row.id;
    let (_turn, txn) = t.begin_write().await?;
    let m = booking_link::ActiveModel::from(row).insert(&txn).await?;
    audit::record(
        &txn,
        t.audit_event(Action::LinkCreated, Some("booking_link"), Some(id), "ok"),
    )
    .await?;
    txn.commit().await?;
    Ok(dto(&t.state, &m, true))
}

/// A person's links, newest first (without their addresses).
pub async fn list(t: &Scope, person_id: Uuid) -> ServiceResult<Vec<BookingLink>> {
    t.find_live::<person::Entity>(person_id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let mut rows = t
        .scoped::<booking_link::Entity>()
        .filter(booking_link::Column::PersonId.eq(person_id))
        .all(t.db())
        .await?;
    rows.sort_by_key(|m| std::cmp::Reverse(m.created_at));
    Ok(rows.iter().map(|m| dto(&t.state, m, false)).collect())
}

/// Revoke a link: it opens the neutral page from now on.
pub async fn revoke(t: &Scope, link_id: Uuid) -> ServiceResult<BookingLink> {
    t.staff()?;
    let m = t
        .scoped::<booking_link::Entity>()
        .filter(booking_link::Column::Id.eq(link_id))
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let (_turn, txn) = t.begin_write().await?;
    let mut am: booking_link::ActiveModel = m.clone().into();
    if m.revoked_at.is_none() {
        am.revoked_at = Set(Some(t.now()));
    }
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        t.audit_event(
            Action::LinkRevoked,
            Some("booking_link"),
            Some(link_id),
            "ok",
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(dto(&t.state, &m, false))
}

// ------------------------------------------------------------------ the person

/// Why a link does not open. The person sees the same neutral page for all of them.
#[derive(Debug, PartialEq, Eq)]
pub enum Closed {
    /// Unknown, expired, revoked, used, locked, or its appointment is past or cancelled.
    Invalid,
    /// Too many tries from this address or on this token's prefix.
    Throttled,
}

/// A link the person holds, with the scope they act in.
pub struct Held {
    pub link: booking_link::Model,
    pub scope: Scope,
    pub purpose: Purpose,
}

fn person_scope(state: &AppState, link: &booking_link::Model, ip: Option<IpAddr>) -> Scope {
    Scope::new(
        state.clone(),
        link.organisation_id,
        Actor::Person {
            link_id: link.id,
            on_behalf_of: link.created_by,
            ip,
        },
    )
}

/// Whether the link still opens now.
async fn usable(state: &AppState, link: &booking_link::Model) -> Result<bool, sea_orm::DbErr> {
    let now = state.now();
    if link.revoked_at.is_some() || link.tries_left <= 0 {
        return Ok(false);
    }
    match Purpose::parse(&link.purpose) {
        Some(Purpose::Book) => Ok(link.used_at.is_none() && link.expires_at > now),
        Some(Purpose::Manage) => {
            let Some(aid) = link.appointment_id else {
                return Ok(false);
            };
            let a = appointment::Entity::scoped(link.organisation_id)
                .filter(appointment::Column::Id.eq(aid))
                .filter(appointment::Column::DeletedAt.is_null())
                .one(state.db())
                .await?;
            Ok(a.is_some_and(|a| {
                a.status == AppointmentStatus::Planned.as_str() && a.starts_at > now
            }))
        }
        None => Ok(false),
    }
}

/// Open a link from its token. Guessing is throttled per address and per token prefix:
/// every token that does not open counts against both, and once either is over its limit a
/// token that does not open gets the "too many tries" page. A valid token still opens from
/// an address or a prefix that is blocked: people behind one address (a carrier's NAT, a
/// shelter's proxy) are not locked out by someone else's guesses, and a token's 69 bits
/// leave nothing to find by guessing however fast (the throttle stops the noise).
pub async fn open(
    state: &AppState,
    token: &str,
    ip: Option<IpAddr>,
) -> ServiceResult<Result<Held, Closed>> {
    let now = state.now();
    let prefix: String = token.chars().take(rule::PREFIX_LEN).collect();
    let by_ip = ip.is_some_and(|ip| state.link_throttle().ip.is_blocked(ip, now));
    let blocked = by_ip || state.link_throttle().prefix.is_blocked(prefix.clone(), now);
    let fail = || {
        if let Some(ip) = ip {
            state.link_throttle().ip.failure(ip, now);
        }
        state.link_throttle().prefix.failure(prefix.clone(), now);
        Ok(Err(if blocked {
            Closed::Throttled
        } else {
            Closed::Invalid
        }))
    };
    if !rule::looks_like_token(token) {
        return fail();
    }
    let Some(link) = booking_link::Entity::find()
        .filter(booking_link::Column::TokenHash.eq(token_hash(token)))
        .one(state.db())
        .await?
    else {
        return fail();
    };
    if !usable(state, &link).await? {
        // Not counted (the holder of a spent link is no guesser), and the same page as a
        // miss: whether a token ever existed is not told.
        return Ok(Err(if blocked {
            Closed::Throttled
        } else {
            Closed::Invalid
        }));
    }
    crate::scheduling::invitations::opened(state, &link).await?;
    audit::record(
        state.db(),
        person_scope(state, &link, ip).audit_event(
            Action::LinkOpened,
            Some("booking_link"),
            Some(link.id),
            "ok",
        ),
    )
    .await?;
    Ok(Ok(held(state, link, ip)))
}

fn held(state: &AppState, link: booking_link::Model, ip: Option<IpAddr>) -> Held {
    let scope = person_scope(state, &link, ip);
    let purpose = Purpose::parse(&link.purpose).unwrap_or(Purpose::Book);
    Held {
        link,
        scope,
        purpose,
    }
}

/// The link of a person's session, if it still opens. A booking link the session already
/// booked with gives way to the appointment's manage link (a second submit, a reload, a
/// second tab of the same person show the booking made).
pub async fn resume(
    state: &AppState,
    link_id: Uuid,
    epoch: i32,
    ip: Option<IpAddr>,
) -> ServiceResult<Option<Held>> {
    let Some(mut link) = booking_link::Entity::find_by_id(link_id)
        .one(state.db())
        .await?
    else {
        return Ok(None);
    };
    // A session of an earlier epoch (a copy kept after a quick exit) holds nothing.
    if link.session_epoch != epoch {
        return Ok(None);
    }
    if link.purpose == Purpose::Book.as_str()
        && link.used_at.is_some()
        && link.revoked_at.is_none()
        && let Some(aid) = link.appointment_id
    {
        match booking_link::Entity::scoped(link.organisation_id)
            .filter(booking_link::Column::AppointmentId.eq(aid))
            .filter(booking_link::Column::Purpose.eq(Purpose::Manage.as_str()))
            .one(state.db())
            .await?
        {
            Some(m) => link = m,
            None => return Ok(None),
        }
    }
    if !usable(state, &link).await? {
        return Ok(None);
    }
    Ok(Some(held(state, link, ip)))
}

/// The quick exit: every session of the person's links ends, whatever copy of its cookie a
/// browser kept (the links themselves still open, to a new session).
pub async fn end_sessions(state: &AppState, link_id: Uuid) -> ServiceResult<()> {
    let Some(link) = booking_link::Entity::find_by_id(link_id)
        .one(state.db())
        .await?
    else {
        return Ok(());
    };
    let _turn = state.write_lock().await;
    booking_link::Entity::update_many()
        .col_expr(
            booking_link::Column::SessionEpoch,
            sea_orm::sea_query::ExprTrait::add(Expr::col(booking_link::Column::SessionEpoch), 1),
        )
        .filter(booking_link::Column::OrganisationId.eq(link.organisation_id))
        .filter(booking_link::Column::PersonId.eq(link.person_id))
        .exec(state.db())
        .await?;
    Ok(())
}

/// What the knowledge check answered.
#[derive(Debug, PartialEq, Eq)]
pub enum Checked {
    Passed,
    /// Wrong; this many tries left.
    Wrong(i32),
    /// Wrong, and the link is now locked.
    Locked,
    /// Not judged: too many wrong answers from this address, across links.
    Throttled,
}

/// The knowledge check: the code word when one was agreed, else the first three letters of
/// the last name. Answers from an address with too many wrong ones (across links) are not
/// judged and spend no try.
pub async fn check(h: &Held, answer: &str, ip: Option<IpAddr>) -> ServiceResult<Checked> {
    let t = &h.scope;
    let now = t.now();
    let answers = &t.state.link_throttle().answers;
    if ip.is_some_and(|ip| answers.is_blocked(ip, now)) {
        return Ok(Checked::Throttled);
    }
    let c = t.state.cipher();
    let p = t
        .find_live::<person::Entity>(h.link.person_id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    // A file retention has anonymised has no name to check against: the link is dead.
    let Ok(identity) =
        c.open_json::<crate::casework::persons::Identity>("person", "identity", p.id, &p.identity)
    else {
        return Ok(Checked::Locked);
    };
    if p.anonymised_at.is_some() {
        return Ok(Checked::Locked);
    }
    let code_word = crate::outbox::compose::profile_of(c, &p).and_then(|pr| pr.code_word);
    let ok = rule::knowledge_matches(&identity.last_name, code_word.as_deref(), answer);
    // Every answer spends a try under one write before it is judged: answers sent at once
    // are judged one after another, and none once the tries are spent (the row stays locked
    // on PostgreSQL, the writer's turn serialises SQLite). A right answer gives its try back.
    let (_turn, txn) = t.begin_write().await?;
    let spent = booking_link::Entity::update_many()
        .col_expr(
            booking_link::Column::TriesLeft,
            sea_orm::sea_query::ExprTrait::sub(Expr::col(booking_link::Column::TriesLeft), 1),
        )
        .filter(booking_link::Column::Id.eq(h.link.id))
        .filter(booking_link::Column::TriesLeft.gt(0))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    let left = booking_link::Entity::find_by_id(h.link.id)
        .one(&txn)
        .await?
        .map_or(0, |l| l.tries_left);
    let (out, outcome) = match (spent, ok) {
        (false, _) => (Checked::Locked, "locked"),
        (true, true) => {
            booking_link::Entity::update_many()
                .col_expr(booking_link::Column::TriesLeft, Expr::value(left + 1))
                .filter(booking_link::Column::Id.eq(h.link.id))
                .exec(&txn)
                .await?;
            (Checked::Passed, "ok")
        }
        (true, false) if left <= 0 => (Checked::Locked, "wrong"),
        (true, false) => (Checked::Wrong(left), "wrong"),
    };
    if outcome == "wrong"
        && let Some(ip) = ip
    {
        answers.failure(ip, now);
    }
    audit::record(
        &txn,
        t.audit_event(
            Action::LinkChecked,
            Some("booking_link"),
            Some(h.link.id),
            outcome,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// A free slot offered on the person's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub site_id: Uuid,
    pub coordinator_id: Uuid,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// How a slot travels in a form and a link: `<place number>-<unix start>` (the place's
/// position among the link's sites). Short, because a page lists a week of them.
pub fn key_of(h: &Held, o: &Offer) -> String {
    let n = ids_of(&h.link.site_ids)
        .iter()
        .position(|s| *s == o.site_id)
        .unwrap_or(0);
    format!("{n}-{}", o.start.timestamp())
}

/// The site and start a key names, if the link offers that site.
pub fn parse_key(h: &Held, key: &str) -> Option<(Uuid, DateTime<Utc>)> {
    let (n, t) = key.split_once('-')?;
    let site = *ids_of(&h.link.site_ids).get(n.parse::<usize>().ok()?)?;
    let start = DateTime::from_timestamp(t.parse().ok()?, 0)?;
    Some((site, start))
}

/// A place as the person may read it: the site's neutral place text when the person's
/// profile allows naming it and the text passes the revealing-word check; otherwise none.
#[derive(Debug, Clone)]
pub struct Place {
    pub site_id: Uuid,
    pub text: Option<String>,
    pub tz: Tz,
}

/// The free slots a link offers over `days` days from `from` (today at the earliest), by
/// day, and the first free slot within the type's horizon.
pub struct Offers {
    pub duration_minutes: i32,
    pub days: BTreeMap<NaiveDate, Vec<Offer>>,
    pub first: Option<Offer>,
    pub places: Vec<Place>,
    pub horizon_end: NaiveDate,
}

/// The link's places as the person may read them, with their sites.
async fn places(
    t: &Scope,
    person_id: Uuid,
    site_ids: &[Uuid],
) -> ServiceResult<(Vec<Place>, Vec<site::Model>)> {
    let mut sites = Vec::new();
    for id in site_ids {
        if let Some(s) = t.find_live::<site::Entity>(*id).await? {
            sites.push(s);
        }
    }
    let named = sites.iter().any(|s| s.message_place.is_some());
    let may_name = named
        && t.find_live::<person::Entity>(person_id)
            .await?
            .as_ref()
            .and_then(|p| crate::outbox::compose::profile_of(t.state.cipher(), p))
            .is_some_and(|pr| pr.may_name_service);
    // The organisation's words are read only when a place text may be shown.
    let revealing = if may_name {
        Some(crate::wording::load(t.db(), t.organisation_id()).await?.0)
    } else {
        None
    };
    let places = sites
        .iter()
        .map(|s| Place {
            site_id: s.id,
            text: s
                .message_place
                .clone()
                .filter(|p| revealing.as_ref().is_some_and(|r| r.find(p).is_none())),
            tz: site_tz(s),
        })
        .collect();
    Ok((places, sites))
}

/// The slots of a booking link (or, for a manage link, of its appointment's type, site and
/// coordinator, the appointment's own time not counting), one line per time and place.
pub async fn offers(h: &Held, from: Option<NaiveDate>, days: i64) -> ServiceResult<Offers> {
    let mut out = all_offers(h, from, days).await?;
    for v in out.days.values_mut() {
        // One line per time: the person chooses a time and a place, not a coordinator.
        v.dedup_by_key(|o| (o.start, o.site_id));
    }
    Ok(out)
}

/// Every free (site, coordinator, time) the link offers over the days.
async fn all_offers(h: &Held, from: Option<NaiveDate>, days: i64) -> ServiceResult<Offers> {
    let t = &h.scope;
    let type_id = h.link.type_id.ok_or_else(ServiceError::not_found)?;
    let ty = find_type(t, type_id, "type_id").await?;
    let rules = rules_of(&ty);
    let now = h.scope.now();
    let site_ids = ids_of(&h.link.site_ids);
    let (places, sites) = places(t, h.link.person_id, &site_ids).await?;
    let tz = places
        .first()
        .map(|p| p.tz)
        .unwrap_or(chrono_tz::Europe::Paris);
    let today = now.with_timezone(&tz).date_naive();
    let horizon_end = (now + rules.horizon).with_timezone(&tz).date_naive();
    let from = from.unwrap_or(today).clamp(today, horizon_end);
    let to = (from + Duration::days(days - 1)).min(horizon_end);
    let window = search(h, &rules, &places, &sites, from, to, now).await?;
    // The first free time from today: the window's own when it starts today, otherwise
    // searched a week at a time (what is read is what is shown, or a week of it).
    let mut first = if from == today {
        window.first().cloned()
    } else {
        None
    };
    let mut week = today;
    while first.is_none() && week < from && week <= horizon_end {
        let end = (week + Duration::days(6)).min(horizon_end).min(from);
        first = search(h, &rules, &places, &sites, week, end, now)
            .await?
            .first()
            .cloned();
        week = end + Duration::days(1);
    }
    if first.is_none() {
        first = window.first().cloned();
    }
    let mut week = to + Duration::days(1);
    while first.is_none() && week <= horizon_end {
        let end = (week + Duration::days(6)).min(horizon_end);
        first = search(h, &rules, &places, &sites, week, end, now)
            .await?
            .first()
            .cloned();
        week = end + Duration::days(1);
    }
    let mut out = Offers {
        duration_minutes: ty.duration_minutes,
        days: BTreeMap::new(),
        first,
        places,
        horizon_end,
    };
    for o in window {
        let tz = out
            .places
            .iter()
            .find(|p| p.site_id == o.site_id)
            .map_or(tz, |p| p.tz);
        out.days
            .entry(o.start.with_timezone(&tz).date_naive())
            .or_default()
            .push(o);
    }
    Ok(out)
}

/// The free (site, coordinator, time) the link offers between two local dates, in order.
async fn search(
    h: &Held,
    rules: &schedule::SlotRules,
    places: &[Place],
    sites: &[site::Model],
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<Offer>> {
    let t = &h.scope;
    let coordinators = ids_of(&h.link.coordinator_ids);
    let one = match coordinators.as_slice() {
        [c] => Some(*c),
        _ => None,
    };
    let mut out = Vec::new();
    for (place, s) in places.iter().zip(sites) {
        let data = load_search(
            t.db(),
            t.organisation_id(),
            s.clone(),
            one,
            from,
            to,
            h.link.appointment_id,
        )
        .await?;
        let cals: Vec<_> = data
            .calendars()
            .into_iter()
            .filter(|(c, _)| coordinators.is_empty() || coordinators.contains(c))
            .collect();
        out.extend(
            schedule::free_slots_many(&cals, rules, from, to, now)
                .into_iter()
                .map(|f| Offer {
                    site_id: place.site_id,
                    coordinator_id: f.coordinator,
                    start: f.slot.start,
                    end: f.slot.end,
                }),
        );
    }
    out.sort_by_key(|o| (o.start, o.site_id, o.coordinator_id));
    // Never offer a time that would put the person beside someone kept apart from them
    // (the booking's own check, in its transaction, stays the guarantee).
    if let (Some(first), Some(last)) = (out.first(), out.last()) {
        let within = (
            first.start - Duration::days(1),
            last.end + Duration::days(1),
        );
        let theirs = crate::casework::partners::kept_apart_appointments(
            t.db(),
            t.organisation_id(),
            h.link.person_id,
            within,
        )
        .await?;
        if !theirs.is_empty() {
            let tz_of = |site: Uuid| {
                places
                    .iter()
                    .find(|p| p.site_id == site)
                    .map_or(chrono_tz::Europe::Paris, |p| p.tz)
            };
            out.retain(|o| {
                let tz = tz_of(o.site_id);
                let local = |t: DateTime<Utc>| t.with_timezone(&tz).naive_local();
                !theirs.iter().any(|a| {
                    relais_domain::casework::linked_meet(
                        o.site_id,
                        (local(o.start), local(o.end)),
                        a.site_id,
                        (local(a.starts_at), local(a.ends_at)),
                    )
                })
            });
        }
    }
    Ok(out)
}

/// One free time the person chose, as the confirmation shows it.
pub struct Chosen {
    pub offer: Offer,
    pub place: Place,
    /// The place's number when the link offers several that may not be named.
    pub number: Option<usize>,
    pub duration_minutes: i32,
}

/// The free offers at `start` at `site` (one per coordinator free then), and what the
/// confirmation needs to show it.
async fn at(h: &Held, site: Uuid, start: DateTime<Utc>) -> ServiceResult<(Vec<Offer>, Chosen)> {
    let t = &h.scope;
    let site_ids = ids_of(&h.link.site_ids);
    let n = site_ids
        .iter()
        .position(|s| *s == site)
        .ok_or_else(not_offered)?;
    let type_id = h.link.type_id.ok_or_else(ServiceError::not_found)?;
    let ty = find_type(t, type_id, "type_id").await?;
    let rules = rules_of(&ty);
    let (places, sites) = places(t, h.link.person_id, &[site]).await?;
    let place = places.first().cloned().ok_or_else(not_offered)?;
    let day = start.with_timezone(&place.tz).date_naive();
    let free: Vec<Offer> = search(h, &rules, &places, &sites, day, day, h.scope.now())
        .await?
        .into_iter()
        .filter(|o| o.start == start)
        .collect();
    let number = (site_ids.len() > 1 && place.text.is_none()).then_some(n + 1);
    let chosen = Chosen {
        offer: free.first().cloned().unwrap_or(Offer {
            site_id: site,
            coordinator_id: Uuid::nil(),
            start,
            end: start + rules.duration,
        }),
        place,
        number,
        duration_minutes: ty.duration_minutes,
    };
    Ok((free, chosen))
}

/// The time the person chose, if it is still free.
pub async fn chosen(h: &Held, site: Uuid, start: DateTime<Utc>) -> ServiceResult<Option<Chosen>> {
    let (free, c) = at(h, site, start).await?;
    Ok((!free.is_empty()).then_some(c))
}

/// The coordinators free at `start` at `site` that the link offers.
async fn free_at(h: &Held, site: Uuid, start: DateTime<Utc>) -> ServiceResult<Vec<Uuid>> {
    Ok(at(h, site, start)
        .await?
        .0
        .into_iter()
        .map(|o| o.coordinator_id)
        .collect())
}

fn not_offered() -> ServiceError {
    ServiceError::field(
        ProblemCode::SlotUnavailable,
        "creneau",
        (
            "Ce créneau n'est pas proposé par ce lien.",
            "This time is not offered by this link.",
        ),
    )
}

/// What a person's booking answered: the appointment and its manage link.
pub struct PersonBooked {
    pub appointment_id: Uuid,
    pub manage_link_id: Uuid,
    /// Its sessions' epoch, for the session that moves to it.
    pub manage_epoch: i32,
    /// The link had already booked (a second submit): this is the first appointment.
    pub already: bool,
}

/// What a booking link booked already, if anything (its idempotency record).
async fn first_booking(
    t: &Scope,
    key: &str,
) -> ServiceResult<Option<crate::store::entities::idempotency_key::Model>> {
    Ok(
        crate::store::entities::idempotency_key::Entity::find_by_id((
            t.recording_account()?,
            key.to_owned(),
        ))
        .one(t.db())
        .await?,
    )
}

/// Book from a booking link at a time and place, with a coordinator the link offers who is
/// free then (the person chooses a time, not a person). A second submit (a double click, a
/// reload, a second tab) books nothing more: it answers the first booking.
pub async fn book(h: &Held, site: Uuid, start: DateTime<Utc>) -> ServiceResult<PersonBooked> {
    let t = &h.scope;
    if h.purpose != Purpose::Book || !ids_of(&h.link.site_ids).contains(&site) {
        return Err(not_offered());
    }
    let type_id = h.link.type_id.ok_or_else(ServiceError::not_found)?;
    let ty = find_type(t, type_id, "type_id").await?;
    if BookableBy::parse(&ty.bookable_by) != Some(BookableBy::Public) {
        return Err(not_offered());
    }
    let key = format!("link:{}", h.link.id);
    let request_hash = booking::request_hash(format!("{site}.{}", start.timestamp()).as_bytes());
    let candidates = free_at(h, site, start).await?;
    let mut last = None;
    let mut answer = match (candidates.is_empty(), first_booking(t, &key).await?) {
        (_, Some(prev)) => Some((prev.body, true)),
        (true, None) => return Err(booking::slot_taken()),
        (false, None) => None,
    };
    for c in candidates
        .into_iter()
        .take(if answer.is_some() { 0 } else { usize::MAX })
    {
        let input = AppointmentInput {
            type_id,
            site_id: site,
            coordinator_id: c,
            person_id: h.link.person_id,
            start: start.fixed_offset(),
            emergency_reason: None,
        };
        let idem = Idempotency {
            key: key.clone(),
            request_hash: request_hash.clone(),
        };
        match booking::book(t, input, Some(idem)).await {
            Ok(Booked::Created(body)) => {
                answer = Some((body, false));
                break;
            }
            Ok(Booked::Replayed { body, .. }) => {
                answer = Some((body, true));
                break;
            }
            Err(e) if e.code() == ProblemCode::IdempotencyKeyReused => {
                let prev = first_booking(t, &key).await?.ok_or(e)?;
                answer = Some((prev.body, true));
                break;
            }
            Err(e)
                if matches!(
                    e.code(),
                    ProblemCode::SlotTaken | ProblemCode::SlotUnavailable
                ) =>
            {
                last = Some(e);
            }
            Err(e) => return Err(e),
        }
    }
    let Some((body, already)) = answer else {
        return Err(last.unwrap_or_else(booking::slot_taken));
    };
    let appointment_id = serde_json::from_str::<relais_domain::dto::Appointment>(&body)
        .map_err(ServiceError::internal)?
        .id;
    let (_turn, txn) = t.begin_write().await?;
    booking_link::Entity::update_many()
        .col_expr(booking_link::Column::UsedAt, Expr::value(h.scope.now()))
        .col_expr(
            booking_link::Column::AppointmentId,
            Expr::value(appointment_id),
        )
        .filter(booking_link::Column::Id.eq(h.link.id))
        .filter(booking_link::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    let manage = t
        .scoped::<booking_link::Entity>()
        .filter(booking_link::Column::AppointmentId.eq(appointment_id))
        .filter(booking_link::Column::Purpose.eq(Purpose::Manage.as_str()))
        .one(t.db())
        .await?
        .ok_or_else(|| ServiceError::internal("a booking without its manage link"))?;
    Ok(PersonBooked {
        appointment_id,
        manage_link_id: manage.id,
        manage_epoch: manage.session_epoch,
        already,
    })
}

/// The appointment of a manage link, as the person may see it.
pub struct Seen {
    pub appointment: appointment::Model,
    pub place: Place,
}

pub async fn appointment(h: &Held) -> ServiceResult<Seen> {
    let t = &h.scope;
    let id = h.link.appointment_id.ok_or_else(ServiceError::not_found)?;
    let a = booking::find(t, id).await?;
    // The link is the person's: an appointment they no longer take part in is not theirs.
    appointment_participant::Entity::scoped(t.organisation_id())
        .filter(appointment_participant::Column::AppointmentId.eq(id))
        .filter(appointment_participant::Column::PersonId.eq(h.link.person_id))
        .one(t.db())
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let place = places(t, h.link.person_id, &[a.site_id])
        .await?
        .0
        .pop()
        .ok_or_else(ServiceError::not_found)?;
    Ok(Seen {
        appointment: a,
        place,
    })
}

/// Move the manage link's appointment to another free slot of the same site and coordinator.
pub async fn move_to(h: &Held, site: Uuid, start: DateTime<Utc>) -> ServiceResult<()> {
    let seen = appointment(h).await?;
    let a = &seen.appointment;
    if h.purpose != Purpose::Manage || site != a.site_id {
        return Err(not_offered());
    }
    if start == a.starts_at {
        return Ok(());
    }
    booking::move_appointment(
        &h.scope,
        a.id,
        MoveInput {
            start: start.fixed_offset(),
            site_id: None,
            coordinator_id: None,
            version: a.version,
            emergency_reason: None,
        },
    )
    .await?;
    Ok(())
}

/// Cancel the manage link's appointment: recorded as excused, cancelled by the person.
pub async fn cancel(h: &Held) -> ServiceResult<()> {
    let seen = appointment(h).await?;
    if h.purpose != Purpose::Manage {
        return Err(ServiceError::forbidden());
    }
    booking::cancel(
        &h.scope,
        seen.appointment.id,
        CancelInput {
            by: CancelledBy::Person,
            reason: None,
            version: seen.appointment.version,
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn link_states_are_stored_words() {
        use relais_domain::booking_link::LinkState;
        assert_eq!(LinkState::parse("active"), Some(LinkState::Active));
    }
}
