//! Migration m0007_account_email_per_organisation. Released: never edit it, add the next one.

use super::*;

/// An address is unique within an organisation, no longer across the deployment: creating
/// an account must not tell one organisation who works in another (issue 10 §7). Login
/// finds the account by address and password (and second factor when several match).
pub(super) struct M0007AccountEmailPerOrganisation;

impl MigrationName for M0007AccountEmailPerOrganisation {
    fn name(&self) -> &str {
        "m0007_account_email_per_organisation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0007AccountEmailPerOrganisation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared(
                "ALTER TABLE account DROP CONSTRAINT IF EXISTS account_email_key",
            )
            .await?;
        } else {
            // SQLite cannot drop a column's UNIQUE: the table is rebuilt (the procedure of
            // SQLite's documentation). `store::migrate` runs migrations on one connection
            // with foreign keys off and checks them afterwards.
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DatabaseBackend::Sqlite,
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'account'",
                ))
                .await?
                .ok_or_else(|| DbErr::Migration("no account table".into()))?;
            let sql: String = row.try_get("", "sql")?;
            let new_sql = sql
                .replacen(
                    "CREATE TABLE \"account\"",
                    "CREATE TABLE \"account_new\"",
                    1,
                )
                .replacen(
                    "\"email\" varchar(254) NOT NULL UNIQUE",
                    "\"email\" varchar(254) NOT NULL",
                    1,
                );
            if new_sql.contains("UNIQUE") || !new_sql.contains("\"account_new\"") {
                return Err(DbErr::Migration(
                    "account table not as m0001 created it; refusing to rebuild".into(),
                ));
            }
            let indexes: Vec<String> = db
                .query_all_raw(sea_orm::Statement::from_string(
                    sea_orm::DatabaseBackend::Sqlite,
                    "SELECT sql FROM sqlite_master WHERE tbl_name = 'account' AND type = 'index' AND sql IS NOT NULL",
                ))
                .await?
                .iter()
                .map(|r| r.try_get::<String>("", "sql"))
                .collect::<Result<_, _>>()?;
            let txn = sea_orm::TransactionTrait::begin(db).await?;
            txn.execute_unprepared(&new_sql).await?;
            txn.execute_unprepared("INSERT INTO account_new SELECT * FROM account")
                .await?;
            txn.execute_unprepared("DROP TABLE account").await?;
            txn.execute_unprepared("ALTER TABLE account_new RENAME TO account")
                .await?;
            for i in indexes {
                txn.execute_unprepared(&i).await?;
            }
            txn.commit().await?;
        }
        m.create_index(
            Index::create()
                .name("account_org_email")
                .table(Ac7::Account)
                .col(Ac7::OrganisationId)
                .col(Ac7::Email)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("account_email")
                .table(Ac7::Account)
                .col(Ac7::Email)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(super) enum Ac7 {
    Account,
    OrganisationId,
    Email,
}
