//! Keyset pagination over the change sequence: `?limit=&after=` and the page it yields.
//! Rows written by one transaction share a change sequence (PostgreSQL: the transaction's
//! id), so the cursor is the sequence and the row's id: `"<seq>.<id>"` (a bare `"<seq>"`,
//! as older clients send, starts after every row of that sequence).

use relais_domain::dto::Page;
use relais_domain::problem::ProblemCode;

use crate::error::ServiceError;
use crate::store::Synced;
use sea_orm::{ColumnTrait, Condition, QueryFilter, QueryOrder, QuerySelect, Select};
use uuid::Uuid;

/// `?limit=&after=` keyset pagination over the change sequence.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paging {
    #[serde(default)]
    pub limit: Option<String>,
    #[serde(default)]
    pub after: Option<String>,
}

pub const DEFAULT_LIMIT: u64 = 50;
pub const MIN_LIMIT: u64 = 1;
pub const MAX_LIMIT: u64 = 200;

impl Paging {
    pub fn limit(&self) -> Result<u64, ServiceError> {
        match &self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(s) => match s.parse::<u64>() {
                Ok(n) if (MIN_LIMIT..=MAX_LIMIT).contains(&n) => Ok(n),
                _ => Err(ServiceError::field(
                    ProblemCode::InvalidParameter,
                    "limit",
                    (
                        format!("Nombre entre 1 et {MAX_LIMIT}."),
                        format!("A number from 1 to {MAX_LIMIT}."),
                    ),
                )),
            },
        }
    }

    pub fn after(&self) -> Result<i64, ServiceError> {
        match &self.after {
            None => Ok(0),
            Some(s) => s.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                ServiceError::field(
                    ProblemCode::InvalidParameter,
                    "after",
                    ("Curseur invalide.", "Invalid cursor."),
                )
            }),
        }
    }
}

/// Where a page of a synced table starts: after this (change sequence, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub seq: i64,
    pub id: Uuid,
}

impl Cursor {
    pub const START: Cursor = Cursor {
        seq: 0,
        id: Uuid::nil(),
    };

    pub fn parse(s: &str) -> Option<Cursor> {
        let (seq, id) = match s.split_once('.') {
            Some((seq, id)) => (seq, Uuid::parse_str(id).ok()?),
            None => (s, Uuid::max()),
        };
        let seq = seq.parse::<i64>().ok().filter(|n| *n >= 0)?;
        Some(Cursor { seq, id })
    }

    pub fn of(seq: i64, id: Uuid) -> Cursor {
        Cursor { seq, id }
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.seq, self.id)
    }
}

impl Paging {
    /// The keyset cursor of a synced table's list.
    pub fn cursor(&self) -> Result<Cursor, ServiceError> {
        match &self.after {
            None => Ok(Cursor::START),
            Some(s) => Cursor::parse(s).ok_or_else(|| {
                ServiceError::field(
                    ProblemCode::InvalidParameter,
                    "after",
                    ("Curseur invalide.", "Invalid cursor."),
                )
            }),
        }
    }
}

/// The rows of a synced table after `c`, in (change sequence, id) order.
pub fn after<E: Synced>(q: Select<E>, c: Cursor) -> Select<E> {
    q.filter(
        Condition::any().add(E::change_seq_column().gt(c.seq)).add(
            Condition::all()
                .add(E::change_seq_column().eq(c.seq))
                .add(E::id_column().gt(c.id)),
        ),
    )
    .order_by_asc(E::change_seq_column())
    .order_by_asc(E::id_column())
}

/// A page of the scope's live rows of a synced table, in `after` order, and the page size.
pub async fn live_rows<E: Synced>(
    t: &crate::scope::Scope,
    p: &Paging,
) -> Result<(Vec<E::Model>, u64), ServiceError> {
    let (limit, cursor) = (p.limit()?, p.cursor()?);
    let rows = after(
        t.scoped::<E>().filter(E::deleted_at_column().is_null()),
        cursor,
    )
    .limit(limit)
    .all(t.db())
    .await?;
    Ok((rows, limit))
}

/// A page of `limit` rows of a synced table in `after` order; a full page gets a cursor to
/// the next.
pub fn keyset_page<M, T>(
    rows: Vec<M>,
    limit: u64,
    key: impl Fn(&M) -> (i64, Uuid),
    map: impl FnMut(M) -> T,
) -> Page<T> {
    let next_cursor = (rows.len() as u64 == limit)
        .then(|| {
            rows.last().map(|r| {
                let (seq, id) = key(r);
                Cursor::of(seq, id).to_string()
            })
        })
        .flatten();
    Page {
        items: rows.into_iter().map(map).collect(),
        next_cursor,
    }
}

/// A page of `limit` rows ordered by `key`; a full page gets a cursor to the next.
pub fn page<M, T>(
    rows: Vec<M>,
    limit: u64,
    key: impl Fn(&M) -> i64,
    map: impl FnMut(M) -> T,
) -> Page<T> {
    let next_cursor = (rows.len() as u64 == limit)
        .then(|| rows.last().map(|r| key(r).to_string()))
        .flatten();
    Page {
        items: rows.into_iter().map(map).collect(),
        next_cursor,
    }
}

/// Pages of the longest size, fetched one after the other.
const EVERY_LIMIT: &str = "200";
/// How many pages `every` reads at most (10,000 rows): a bound, not a limit a service meets.
const EVERY_PAGES: usize = 50;

/// Every row of a paged list, read page after page (a picker, a short list such as an
/// organisation's accounts or sites): as one page with no next cursor.
pub async fn every<T, F, Fut>(mut list: F) -> Result<Page<T>, ServiceError>
where
    F: FnMut(Paging) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, ServiceError>>,
{
    let mut items = Vec::new();
    let mut after = None;
    for _ in 0..EVERY_PAGES {
        let page = list(Paging {
            limit: Some(EVERY_LIMIT.to_owned()),
            after: after.take(),
        })
        .await?;
        items.extend(page.items);
        match page.next_cursor {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    Ok(Page {
        items,
        next_cursor: None,
    })
}
