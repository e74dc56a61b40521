//! The one writer of the sync columns (`created_at`, `updated_at`, `change_seq`,
//! `deleted_at`) that phones pull changes by. A write to a synced table takes a `Stamp`
//! inside its transaction and lets it fill the columns:
//!
//! ```ignore
//! let stamp = Stamp::take(&txn, now).await?;
//! appointment::ActiveModel { id: Set(id), /* … */ ..stamp.new_row() }.insert(&txn).await?;
//! stamp.changed(&mut am);            // an update through an ActiveModel
//! stamp.changed_many(Entity::update_many()) // an update of many rows
//! ```
//!
//! The test below fails when any other file of the server writes these columns.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, QueryFilter, Statement, UpdateMany,
};
use uuid::Uuid;

use super::Synced;

/// Next position in the change log, taken inside the writing transaction.
///
/// SQLite has one writer at a time: a counter row bumped inside the transaction gives
/// positions that become visible in order, at no extra cost.
///
/// PostgreSQL runs writers side by side, and a counter row would make every one of them wait
/// for the one before to commit (pgbench here: 4,500 inserts a second without it, 540–720
/// with it). The position is the writing transaction's own id instead: no lock, and every
/// row a transaction writes shares it. Ids are assigned in start order but commits land in
/// any order, so the feed reads only below the oldest transaction still running
/// ([`visible_below`]): nothing below that line can appear later, and a phone's cursor never
/// skips a commit.
async fn next_change_seq<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => "SELECT pg_current_xact_id()::text::bigint AS value",
        _ => "UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value",
    };
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("change_counter".into()))?;
    row.try_get::<i64>("", "value")
}

/// The change sequences a reader may hand out now: every position below this one belongs to
/// a finished transaction, so no row with a smaller position can still appear. `None`: no
/// limit (SQLite, where the one writer commits its positions in order).
pub async fn visible_below<C: ConnectionTrait>(db: &C) -> Result<Option<i64>, DbErr> {
    let backend = db.get_database_backend();
    if backend != sea_orm::DatabaseBackend::Postgres {
        return Ok(None);
    }
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS value",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("snapshot".into()))?;
    Ok(Some(row.try_get::<i64>("", "value")?))
}

/// A position in the change log and the instant of a write, taken inside its transaction.
#[derive(Clone, Copy, Debug)]
pub struct Stamp {
    seq: i64,
    at: DateTime<Utc>,
}

impl Stamp {
    /// The next position in the change log, for a write at `at`.
    pub async fn take<C: ConnectionTrait>(db: &C, at: DateTime<Utc>) -> Result<Stamp, DbErr> {
        Ok(Stamp {
            seq: next_change_seq(db).await?,
            at,
        })
    }

    /// The sync columns of a new live row, the rest unset: the base of an ActiveModel
    /// literal (`..stamp.new_row()`).
    pub fn new_row<A: SyncColumns>(&self) -> A {
        let mut a = <A as ActiveModelTrait>::default();
        a.set_sync(Some(self.at), self.at, self.seq, Some(None));
        a
    }

    /// The sync columns of a change, the rest unset: the base of an ActiveModel given to
    /// `update_many().set(…)`.
    pub fn changed_row<A: SyncColumns>(&self) -> A {
        let mut a = <A as ActiveModelTrait>::default();
        self.changed(&mut a);
        a
    }

    /// A changed row.
    pub fn changed<A: SyncColumns>(&self, a: &mut A) {
        a.set_sync(None, self.at, self.seq, None);
    }

    /// A row deleted (kept as a tombstone phones learn of).
    pub fn deleted<A: SyncColumns>(&self, a: &mut A) {
        a.set_sync(None, self.at, self.seq, Some(Some(self.at)));
    }

    /// Rows changed by one statement.
    pub fn changed_many<E: Synced>(&self, u: UpdateMany<E>) -> UpdateMany<E> {
        u.col_expr(E::updated_at_column(), Expr::value(self.at))
            .col_expr(E::change_seq_column(), Expr::value(self.seq))
    }

    /// Rows deleted by one statement.
    pub fn deleted_many<E: Synced>(&self, u: UpdateMany<E>) -> UpdateMany<E> {
        self.changed_many(u)
            .col_expr(E::deleted_at_column(), Expr::value(self.at))
    }
}

/// The ActiveModel of a table with sync columns.
pub trait SyncColumns: ActiveModelTrait {
    /// `None` leaves a column as it is.
    fn set_sync(
        &mut self,
        created_at: Option<DateTime<Utc>>,
        updated_at: DateTime<Utc>,
        change_seq: i64,
        deleted_at: Option<Option<DateTime<Utc>>>,
    );
}

macro_rules! sync_columns {
    ($($m:ident),*) => {$(
        impl $crate::store::sync::SyncColumns for $crate::store::entities::$m::ActiveModel {
            fn set_sync(
                &mut self,
                created_at: Option<::chrono::DateTime<::chrono::Utc>>,
                updated_at: ::chrono::DateTime<::chrono::Utc>,
                change_seq: i64,
                deleted_at: Option<Option<::chrono::DateTime<::chrono::Utc>>>,
            ) {
                if let Some(c) = created_at {
                    self.created_at = ::sea_orm::Set(c);
                }
                self.updated_at = ::sea_orm::Set(updated_at);
                self.change_seq = ::sea_orm::Set(change_seq);
                if let Some(d) = deleted_at {
                    self.deleted_at = ::sea_orm::Set(d);
                }
            }
        }
    )*};
}
pub(crate) use sync_columns;

// The organisation row is synced too (its name, its words); the other tables are listed once,
// in `store::synced!`, which calls this macro.
sync_columns!(organisation);

/// Mark a live row of the organisation deleted, with a new change sequence so phones learn
/// of it. Returns whether a row was deleted (false: unknown, another organisation's, or already gone).
pub async fn soft_delete<E: Synced, C: ConnectionTrait>(
    db: &C,
    organisation_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let stamp = Stamp::take(db, now).await?;
    let r = stamp
        .deleted_many(E::update_many())
        .filter(E::organisation_column().eq(organisation_id))
        .filter(E::id_column().eq(id))
        .filter(E::deleted_at_column().is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

#[cfg(test)]
mod tests {
    /// Every write of a sync column goes through `Stamp`: no other file of the server names
    /// them in a write, or takes a change sequence of its own.
    #[test]
    fn only_the_stamp_writes_the_sync_columns() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let forbidden = [
            "change_seq: Set(",
            "change_seq = Set(",
            "deleted_at: Set(",
            "deleted_at = Set(",
            "Column::ChangeSeq, ",
            "Column::DeletedAt, ",
            "next_change_seq(",
        ];
        let mut found = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if !rel.ends_with(".rs")
                    || rel == "store/sync.rs"
                    || rel.starts_with("store/migration")
                {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                for (n, line) in text.lines().enumerate() {
                    if forbidden.iter().any(|f| line.contains(f)) {
                        found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "sync columns written by hand:\n{}",
            found.join("\n")
        );
    }
}
