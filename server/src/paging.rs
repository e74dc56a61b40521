//! Keyset pagination over the change sequence: `?limit=&after=` and the page it yields.

use relais_domain::dto::Page;
use relais_domain::problem::ProblemCode;

use crate::error::ServiceError;

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
                    format!("Nombre entre 1 et {MAX_LIMIT}."),
                )),
            },
        }
    }

    pub fn after(&self) -> Result<i64, ServiceError> {
        match &self.after {
            None => Ok(0),
            Some(s) => s.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                ServiceError::field(ProblemCode::InvalidParameter, "after", "Curseur invalide.")
            }),
        }
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
