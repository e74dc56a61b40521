//! Answers kept while the rows they were computed from have not changed: the free slots of
//! a search (the availability endpoints), checked on each use with one indexed query
//! instead of the six the search reads.
//!
//! Every write to a synced table stamps its rows with a change sequence (`store::sync`).
//! Before computing, `since` is read: on PostgreSQL the oldest transaction still running
//! (`visible_below`), on SQLite the counter's next value. Every row with a smaller sequence
//! was committed before the computation read anything, so it is in the answer; a row written
//! since, or by a transaction still running then, has a sequence at or above `since`. The
//! answer is still the answer while no row of the organisation's schedule tables has one
//! (`unchanged_since`) — in this instance or any other on the same database. Soft deletion
//! is a stamped write too. Time moves the answer as well: an entry is used until `until`
//! (its first slot's notice, and a minute at most, so a slot coming into the horizon shows
//! within a minute).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use relais_domain::schedule::{CoordinatorSlot, SlotRules};
use sea_orm::sea_query::{Condition, Expr, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbErr, ExprTrait, Statement};
use uuid::Uuid;

use super::Synced;
use super::entities::{
    absence, account, appointment, appointment_type, opening_window, schedule_exception, site,
};

/// A search: organisation, type, site, coordinator (or all), first and last local date.
pub type SearchKey = (Uuid, Uuid, Uuid, Option<Uuid>, NaiveDate, NaiveDate);

/// What a search computed: the free slots, the site's zone, the type's rules and horizon.
pub struct FreeSlots {
    pub slots: Vec<CoordinatorSlot<Uuid>>,
    pub tz: Tz,
    pub rules: SlotRules,
    pub max_horizon_days: i32,
}

struct Entry<V> {
    value: V,
    since: i64,
    until: DateTime<Utc>,
}

/// A bounded map of answers with the change position they were computed below.
pub struct Fresh<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
    cap: usize,
}

impl<K: Eq + Hash, V: Clone> Fresh<K, V> {
    pub fn new(cap: usize) -> Self {
        Fresh {
            entries: Mutex::new(HashMap::new()),
            cap,
        }
    }

    /// The answer kept for `k` if not out of time, with the position to check it against.
    pub fn get(&self, k: &K, now: DateTime<Utc>) -> Option<(V, i64)> {
        let map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        map.get(k)
            .filter(|e| now < e.until)
            .map(|e| (e.value.clone(), e.since))
    }

    /// Keep `value`, computed from rows below `since`, until `until`. When full, everything
    /// is dropped: cheaper than an eviction order, and the next uses refill it.
    pub fn put(&self, k: K, value: V, since: i64, until: DateTime<Utc>) {
        let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.cap && !map.contains_key(&k) {
            map.clear();
        }
        map.insert(
            k,
            Entry {
                value,
                since,
                until,
            },
        );
    }
}

/// The position below which every change is committed: read before computing an answer.
pub async fn since<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    if let Some(below) = super::sync::visible_below(db).await? {
        return Ok(below);
    }
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT value FROM change_counter WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("change_counter".into()))?;
    Ok(row.try_get::<i64>("", "value")? + 1)
}

fn changed<E: Synced + Default + sea_orm::sea_query::IntoIden>(
    org: Uuid,
    since: i64,
) -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(E::default())
        .and_where(Expr::col((E::default(), E::organisation_column())).eq(org))
        .and_where(Expr::col((E::default(), E::change_seq_column())).gte(since))
        .limit(1)
        .to_owned()
}

/// Whether no row a slot search reads (sites, accounts, types, opening windows, exceptions,
/// absences, appointments) of the organisation changed at or after `since`: one statement,
/// each table read through its `(organisation_id, change_seq, id)` index.
pub async fn schedule_unchanged_since<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    since: i64,
) -> Result<bool, DbErr> {
    let any = Condition::any()
        .add(Expr::exists(changed::<site::Entity>(org, since)))
        .add(Expr::exists(changed::<account::Entity>(org, since)))
        .add(Expr::exists(changed::<appointment_type::Entity>(
            org, since,
        )))
        .add(Expr::exists(changed::<opening_window::Entity>(org, since)))
        .add(Expr::exists(changed::<schedule_exception::Entity>(
            org, since,
        )))
        .add(Expr::exists(changed::<absence::Entity>(org, since)))
        .add(Expr::exists(changed::<appointment::Entity>(org, since)));
    let q = Query::select()
        .expr_as(
            Expr::case(any, Expr::val(1)).finally(Expr::val(0)),
            "changed",
        )
        .to_owned();
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(backend.build(&q))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("changed".into()))?;
    Ok(row.try_get::<i32>("", "changed")? == 0)
}
