//! The change feed a phone pulls: every change of the organisation in (change sequence,
//! table, id) order, as records the device may hold or removals of those it may not (any
//! more). Only positions below the oldest running writer are handed out
//! (`store::sync::visible_below`), so a cursor never skips a commit.
//!
//! A situation travels with its attempts and its person; a held appointment with its
//! persons: a row entering the scope brings what it needs even when those rows did not
//! change. Every person's file sent is audited as a read, like `GET /persons/{id}`.

use std::collections::{HashMap, HashSet};

use relais_domain::dto::{
    BusySpan, SyncChange, SyncPage, SyncPerson, SyncRecord, SyncSituation, SyncTable,
};
use relais_domain::problem::ProblemCode;
use sea_orm::{ColumnTrait, Condition, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use uuid::Uuid;

use super::Holder;
use crate::audit::{self, Action};
use crate::casework::common::{
    attempt_dto, attempts_of, initials_or_anon, is_stale, persons_of, situation_dto,
};
use crate::casework::persons::open_person;
use crate::error::{ServiceError, ServiceResult};
use crate::scope::Scope;
use crate::store::entities::{
    absence, appointment, appointment_participant, appointment_type, opening_window, partner,
    person, schedule_exception, site, situation,
};
use crate::store::{Synced, sync::visible_below};
use crate::zone::Zones;

pub const DEFAULT_LIMIT: u64 = 500;
pub const MAX_LIMIT: u64 = 2_000;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullQuery {
    #[serde(default)]
    pub since: Option<String>,
    #[serde(default)]
    pub limit: Option<String>,
}

/// Where a device stands in the feed: the scope it was computed for, the last change sent
/// (sequence, table, id), and whether it is still in its first pass (nothing to remove yet).
#[derive(Debug, Clone, PartialEq, Eq)]
struct FeedCursor {
    scope: String,
    seq: i64,
    table: u8,
    id: Uuid,
    first_pass: bool,
}

impl FeedCursor {
    fn start(scope: String) -> Self {
        FeedCursor {
            scope,
            seq: 0,
            table: 0,
            id: Uuid::nil(),
            first_pass: true,
        }
    }

    fn parse(s: &str) -> Option<FeedCursor> {
        let mut it = s.split('.');
        if it.next()? != "v1" {
            return None;
        }
        let scope = it.next()?.to_owned();
        let seq = it.next()?.parse::<i64>().ok().filter(|n| *n >= 0)?;
        let table = it.next()?.parse::<u8>().ok()?;
        let id = Uuid::parse_str(it.next()?).ok()?;
        let first_pass = match it.next()? {
            "1" => true,
            "0" => false,
            _ => return None,
        };
        (it.next().is_none() && scope.len() <= 32).then_some(FeedCursor {
            scope,
            seq,
            table,
            id,
            first_pass,
        })
    }
}

impl std::fmt::Display for FeedCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "v1.{}.{}.{}.{}.{}",
            self.scope,
            self.seq,
            self.table,
            self.id,
            u8::from(self.first_pass)
        )
    }
}

/// A changed row, before it becomes a record or a removal.
#[allow(clippy::large_enum_variant)] // Short-lived, one page at a time.
enum Raw {
    Site(site::Model),
    Type(appointment_type::Model),
    Window(opening_window::Model),
    Exception(schedule_exception::Model),
    Absence(absence::Model),
    Partner(partner::Model),
    Appointment(appointment::Model),
    Situation(situation::Model),
    Person(person::Model),
}

/// The keys (sequence, id) of `E`'s rows after the cursor in the order of the feed, below
/// the visible line: read from the feed index alone.
async fn changed<E: Synced>(
    t: &Scope,
    k: u8,
    c: &FeedCursor,
    below: Option<i64>,
    limit: u64,
) -> ServiceResult<Vec<(i64, Uuid)>> {
    let (seq, id) = (E::change_seq_column(), E::id_column());
    let after = if k > c.table {
        Condition::all().add(seq.gte(c.seq))
    } else if k == c.table {
        Condition::any()
            .add(seq.gt(c.seq))
            .add(Condition::all().add(seq.eq(c.seq)).add(id.gt(c.id)))
    } else {
        Condition::all().add(seq.gt(c.seq))
    };
    let mut q = t.scoped::<E>().filter(after);
    if let Some(b) = below {
        q = q.filter(seq.lt(b));
    }
    Ok(q.select_only()
        .column(seq)
        .column(id)
        .order_by_asc(seq)
        .order_by_asc(id)
        .limit(limit)
        .into_tuple()
        .all(t.db())
        .await?)
}

/// The rows of `E` with these ids.
async fn rows_of<E: Synced>(t: &Scope, ids: &[Uuid]) -> ServiceResult<Vec<E::Model>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        out.extend(
            t.scoped::<E>()
                .filter(E::id_column().is_in(chunk.to_vec()))
                .all(t.db())
                .await?,
        );
    }
    Ok(out)
}

fn parse_limit(s: Option<&str>) -> ServiceResult<u64> {
    match s {
        None => Ok(DEFAULT_LIMIT),
        Some(s) => s
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ServiceError::field(
                    ProblemCode::InvalidParameter,
                    "limit",
                    (
                        format!("Nombre entre 1 et {MAX_LIMIT}."),
                        format!("A number from 1 to {MAX_LIMIT}."),
                    ),
                )
            }),
    }
}

/// One page of the device's feed.
pub async fn pull(t: &Scope, q: PullQuery) -> ServiceResult<SyncPage> {
    let holder = Holder::of(t).await?;
    let limit = parse_limit(q.limit.as_deref())?;
    let scope = holder.fingerprint();
    let (cursor, reset) = match q.since.as_deref() {
        None | Some("") => (FeedCursor::start(scope.clone()), true),
        Some(s) => {
            let c = FeedCursor::parse(s).ok_or_else(|| {
                ServiceError::field(
                    ProblemCode::InvalidParameter,
                    "since",
                    ("Curseur invalide.", "Invalid cursor."),
                )
            })?;
            if c.scope == scope {
                (c, false)
            } else {
                (FeedCursor::start(scope.clone()), true)
            }
        }
    };
    let server_time = t.now();
    let below = visible_below(t.db()).await?;
    // First the keys of every table (index only), merged; then the rows of the page.
    let mut keys: Vec<(i64, u8, Uuid)> = Vec::new();
    let mut full = false;
    macro_rules! keys {
        ($k:expr, $e:ident) => {{
            let got = changed::<$e::Entity>(t, $k, &cursor, below, limit).await?;
            full |= got.len() as u64 == limit;
            keys.extend(got.into_iter().map(|(seq, id)| (seq, $k, id)));
        }};
    }
    // The order of the tables among changes of one sequence.
    keys!(0, site);
    keys!(1, appointment_type);
    keys!(2, opening_window);
    keys!(3, schedule_exception);
    keys!(4, absence);
    keys!(5, partner);
    keys!(6, appointment);
    keys!(7, situation);
    keys!(PERSON, person);
    keys.sort();
    let more = full || keys.len() as u64 > limit;
    keys.truncate(limit as usize);
    let mut rows: Vec<(i64, u8, Uuid, Raw)> = Vec::with_capacity(keys.len());
    macro_rules! fetch {
        ($k:expr, $e:ident, $v:ident) => {{
            let ids: Vec<Uuid> = keys.iter().filter(|x| x.1 == $k).map(|x| x.2).collect();
            if !ids.is_empty() {
                for m in rows_of::<$e::Entity>(t, &ids).await? {
                    rows.push((m.change_seq, $k, m.id, Raw::$v(m)));
                }
            }
        }};
    }
    fetch!(0, site, Site);
    fetch!(1, appointment_type, Type);
    fetch!(2, opening_window, Window);
    fetch!(3, schedule_exception, Exception);
    fetch!(4, absence, Absence);
    fetch!(5, partner, Partner);
    fetch!(6, appointment, Appointment);
    fetch!(7, situation, Situation);
    fetch!(PERSON, person, Person);
    // A row changed again between the two reads comes with its newer sequence: keep the
    // page's order and cursor from the keys.
    let place: std::collections::HashMap<(u8, Uuid), (i64, u8, Uuid)> =
        keys.iter().map(|k| ((k.1, k.2), *k)).collect();
    for r in &mut rows {
        if let Some(k) = place.get(&(r.1, r.2)) {
            r.0 = k.0;
        }
    }
    rows.sort_by_key(|r| (r.0, r.1, r.2));
    let last_key = keys.last().copied();
    let next = match last_key {
        Some((seq, table, id)) => FeedCursor {
            scope,
            seq,
            table,
            id,
            first_pass: cursor.first_pass && more,
        },
        None => FeedCursor {
            first_pass: false,
            ..cursor
        },
    };
    let mut b = Builder::new(t, &holder).await?;
    b.skip_removals = cursor.first_pass;
    b.passed = Some((cursor.seq, cursor.table, cursor.id));
    b.add(rows.into_iter().map(|r| r.3).collect()).await?;
    let changes = b.finish().await?;
    Ok(SyncPage {
        reset,
        changes,
        cursor: next.to_string(),
        has_more: more,
        server_time,
    })
}

/// The records of rows the device may hold (and removals of the others), with what they
/// bring along, and the audit of every file sent.
pub(crate) struct Builder<'a> {
    t: &'a Scope,
    holder: &'a Holder,
    zones: Zones,
    out: Vec<SyncChange>,
    persons_sent: HashSet<Uuid>,
    files_sent: Vec<Uuid>,
    /// Where the feed stood before this page: persons at or below it were sent then (if
    /// needed then); `None` (an intent's answer): bring every person a row needs.
    pub passed: Option<(i64, u8, Uuid)>,
    pub skip_removals: bool,
}

/// The persons' place among the feed's tables (the last).
const PERSON: u8 = 8;

impl<'a> Builder<'a> {
    pub async fn new(t: &'a Scope, holder: &'a Holder) -> ServiceResult<Builder<'a>> {
        Ok(Builder {
            t,
            holder,
            zones: Zones::load(t.db(), t.organisation_id()).await?,
            out: Vec::new(),
            persons_sent: HashSet::new(),
            files_sent: Vec::new(),
            passed: None,
            skip_removals: false,
        })
    }

    fn put(&mut self, r: SyncRecord) {
        self.out.push(SyncChange::Put { record: r });
    }

    fn remove(&mut self, table: SyncTable, id: Uuid) {
        if !self.skip_removals {
            self.out.push(SyncChange::Remove { table, id });
        }
    }

    async fn add(&mut self, rows: Vec<Raw>) -> ServiceResult<()> {
        use crate::organisation::site_dto;
        use crate::scheduling::rules::{absence_dto, exception_dto, type_dto, window_dto};
        // Rows that bring others along are handled in groups, in feed order otherwise.
        let mut appointments = Vec::new();
        let mut situations = Vec::new();
        let mut persons = Vec::new();
        for r in rows {
            match r {
                Raw::Site(m) if m.deleted_at.is_none() => self.put(SyncRecord::Site(site_dto(m))),
                Raw::Site(m) => self.remove(SyncTable::Site, m.id),
                Raw::Type(m) if m.deleted_at.is_none() => {
                    self.put(SyncRecord::AppointmentType(type_dto(m)))
                }
                Raw::Type(m) => self.remove(SyncTable::AppointmentType, m.id),
                Raw::Window(m) if m.deleted_at.is_none() => {
                    self.put(SyncRecord::OpeningWindow(window_dto(m)))
                }
                Raw::Window(m) => self.remove(SyncTable::OpeningWindow, m.id),
                Raw::Exception(m) if m.deleted_at.is_none() => {
                    self.put(SyncRecord::ScheduleException(exception_dto(m)))
                }
                Raw::Exception(m) => self.remove(SyncTable::ScheduleException, m.id),
                Raw::Absence(m) if m.deleted_at.is_none() => {
                    self.put(SyncRecord::Absence(absence_dto(m)))
                }
                Raw::Absence(m) => self.remove(SyncTable::Absence, m.id),
                Raw::Partner(m) if m.deleted_at.is_none() => {
                    let p = crate::casework::partners::partner_dto(m)?;
                    self.put(SyncRecord::Partner(p))
                }
                Raw::Partner(m) => self.remove(SyncTable::Partner, m.id),
                Raw::Appointment(m) => appointments.push(m),
                Raw::Situation(m) => situations.push(m),
                Raw::Person(m) => persons.push(m),
            }
        }
        self.appointments(appointments).await?;
        self.situations(situations).await?;
        self.persons(persons).await?;
        Ok(())
    }

    /// Held appointments in full with their persons, others' as busy time, the rest removed.
    pub async fn appointments(&mut self, rows: Vec<appointment::Model>) -> ServiceResult<()> {
        // Every row's participants: a held row brings them, a row that left may take them
        // away.
        let all: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
        let mut participants: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for chunk in all.chunks(500) {
            for p in self
                .t
                .scoped::<appointment_participant::Entity>()
                .filter(appointment_participant::Column::AppointmentId.is_in(chunk.to_vec()))
                .all(self.t.db())
                .await?
            {
                participants
                    .entry(p.appointment_id)
                    .or_default()
                    .push(p.person_id);
            }
        }
        let mut wanted = Vec::new();
        let mut left = Vec::new();
        for m in rows {
            if !self.holder.holds_appointment(&m) {
                left.extend(participants.remove(&m.id).unwrap_or_default());
            }
            if self.holder.holds_appointment(&m) {
                let mut pids = participants.remove(&m.id).unwrap_or_default();
                pids.sort();
                wanted.extend(pids.iter().copied());
                let tz = self.zones.of(Some(m.site_id)).tz;
                let dto = crate::scheduling::booking::appointment_dto(m, pids, tz, Vec::new());
                self.put(SyncRecord::Appointment(dto));
            } else if self.holder.needs_busy(&m) {
                self.put(SyncRecord::Busy(BusySpan {
                    id: m.id,
                    coordinator_id: m.coordinator_id,
                    start: m.busy_start,
                    end: m.busy_end,
                }));
            } else {
                self.remove(SyncTable::Appointment, m.id);
            }
        }
        self.bring_persons(wanted).await?;
        self.let_go(left).await
    }

    /// Held situations with their attempts and person; the others removed.
    pub async fn situations(&mut self, rows: Vec<situation::Model>) -> ServiceResult<()> {
        let (held, gone): (Vec<_>, Vec<_>) = rows
            .into_iter()
            .partition(|m| self.holder.holds_situation(m));
        let left: Vec<Uuid> = gone.iter().map(|m| m.person_id).collect();
        for m in gone {
            self.remove(SyncTable::Situation, m.id);
        }
        self.let_go(left).await?;
        if held.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = held.iter().map(|m| m.id).collect();
        let pids: Vec<Uuid> = held.iter().map(|m| m.person_id).collect();
        let db = self.t.db();
        let org = self.t.organisation_id();
        let mut attempts = attempts_of(db, org, &ids).await?;
        let persons = persons_of(db, org, &pids).await?;
        let c = self.t.state.cipher();
        let now = self.t.now();
        for m in &held {
            let a = attempts.remove(&m.id).unwrap_or_default();
            let zone = self.zones.of(m.site_id);
            let situation = situation_dto(c, m, persons.get(&m.person_id), &a, now, zone)?;
            let attempts = a
                .iter()
                .map(|x| attempt_dto(c, x))
                .collect::<ServiceResult<Vec<_>>>()?;
            self.put(SyncRecord::Situation(SyncSituation {
                situation,
                attempts,
            }));
        }
        self.bring_persons(pids).await
    }

    /// Changed persons: held when a held situation or appointment needs them.
    async fn persons(&mut self, rows: Vec<person::Model>) -> ServiceResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
        let needed = self.needed_among(&ids).await?;
        for m in rows {
            if m.deleted_at.is_none() && needed.contains(&m.id) {
                self.person(m)?;
            } else if !self.persons_sent.contains(&m.id) {
                self.remove(SyncTable::Person, m.id);
            }
        }
        Ok(())
    }

    /// The persons of rows that left the device: removed unless another held row still
    /// needs them (their own row has not changed, so the feed would not say it otherwise).
    async fn let_go(&mut self, ids: Vec<Uuid>) -> ServiceResult<()> {
        let mut ids: Vec<Uuid> = ids
            .into_iter()
            .filter(|id| !self.persons_sent.contains(id))
            .collect();
        ids.sort();
        ids.dedup();
        if ids.is_empty() || self.skip_removals {
            return Ok(());
        }
        let needed = self.needed_among(&ids).await?;
        for id in ids {
            if !needed.contains(&id) {
                self.remove(SyncTable::Person, id);
            }
        }
        Ok(())
    }

    /// The persons a held row needs, unless the feed will send them in their own right (a
    /// person the cursor has not passed yet is sent, and judged, when it comes).
    async fn bring_persons(&mut self, ids: Vec<Uuid>) -> ServiceResult<()> {
        let passed = self.passed;
        let ids: Vec<Uuid> = ids
            .into_iter()
            .filter(|id| !self.persons_sent.contains(id))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut found: Vec<person::Model> = persons_of(self.t.db(), self.t.organisation_id(), &ids)
            .await?
            .into_values()
            .filter(|p| p.deleted_at.is_none())
            .filter(|p| {
                passed
                    .is_none_or(|(seq, table, id)| (p.change_seq, PERSON, p.id) <= (seq, table, id))
            })
            .collect();
        found.sort_by_key(|p| p.id);
        for p in found {
            self.person(p)?;
        }
        Ok(())
    }

    fn person(&mut self, m: person::Model) -> ServiceResult<()> {
        if !self.persons_sent.insert(m.id) {
            return Ok(());
        }
        let c = self.t.state.cipher();
        let now = self.t.now();
        let initials = initials_or_anon(c, Some(&m))?;
        let stale = is_stale(&m, now);
        let file = if self.holder.role.may_read_person_files() && m.anonymised_at.is_none() {
            self.files_sent.push(m.id);
            Some(open_person(c, m.clone(), now)?)
        } else {
            None
        };
        self.put(SyncRecord::Person(SyncPerson {
            id: m.id,
            initials,
            safe_contact_stale: stale,
            file,
        }));
        Ok(())
    }

    /// Which of `ids` the device needs: persons of its held situations and appointments.
    async fn needed_among(&self, ids: &[Uuid]) -> ServiceResult<HashSet<Uuid>> {
        let h = self.holder;
        let db = self.t.db();
        let mut set = HashSet::new();
        for chunk in ids.chunks(500) {
            set.extend(
                self.t
                    .scoped::<situation::Entity>()
                    .filter(situation::Column::PersonId.is_in(chunk.to_vec()))
                    .all(db)
                    .await?
                    .iter()
                    .filter(|m| h.holds_situation(m))
                    .map(|m| m.person_id),
            );
            let parts = self
                .t
                .scoped::<appointment_participant::Entity>()
                .filter(appointment_participant::Column::PersonId.is_in(chunk.to_vec()))
                .all(db)
                .await?;
            let appointment_ids: Vec<Uuid> = parts.iter().map(|p| p.appointment_id).collect();
            let mut held = HashSet::new();
            for a in appointment_ids.chunks(500) {
                held.extend(
                    self.t
                        .scoped::<appointment::Entity>()
                        .filter(appointment::Column::Id.is_in(a.to_vec()))
                        .filter(appointment::Column::BusyEnd.gte(h.window_start))
                        .all(db)
                        .await?
                        .iter()
                        .filter(|m| h.holds_appointment(m))
                        .map(|m| m.id),
                );
            }
            set.extend(
                parts
                    .iter()
                    .filter(|p| held.contains(&p.appointment_id))
                    .map(|p| p.person_id),
            );
        }
        Ok(set)
    }

    /// The changes, once every file sent is in the audit log.
    pub async fn finish(self) -> ServiceResult<Vec<SyncChange>> {
        if !self.files_sent.is_empty() {
            let events = self
                .files_sent
                .iter()
                .map(|id| {
                    self.t
                        .audit_event(Action::PersonRead, Some("person"), Some(*id), "ok")
                })
                .collect();
            let (_turn, txn) = self.t.begin_write().await?;
            audit::record_many(&txn, events).await?;
            txn.commit().await?;
        }
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let c = FeedCursor {
            scope: "a1b2c3d4e5f6".into(),
            seq: 42,
            table: 6,
            id: Uuid::from_u128(7),
            first_pass: false,
        };
        assert_eq!(FeedCursor::parse(&c.to_string()), Some(c));
        for bad in [
            "",
            "v1",
            "v2.x.1.0.00000000-0000-0000-0000-000000000000.0",
            "v1.x.-1.0.00000000-0000-0000-0000-000000000000.0",
            "v1.x.1.0.nope.0",
            "v1.x.1.0.00000000-0000-0000-0000-000000000000.2",
            "v1.x.1.0.00000000-0000-0000-0000-000000000000.0.extra",
        ] {
            assert_eq!(FeedCursor::parse(bad), None, "{bad}");
        }
    }
}
