//! PostgreSQL: pooled Diesel connections on a database laid out like stock's (lower-case
//! unquoted table names, quoted column names). Works in place on a database the stock
//! daemon created.
//!
//! Schema check on open, under a session advisory lock so two daemons cannot race:
//! 1. the Diesel migrations embedded from `migrations/postgres/` (generated from the
//!    registry; `CREATE TABLE IF NOT EXISTS` with the stock text, so existing stock tables are
//!    accepted untouched; Diesel records the version in `__diesel_schema_migrations`);
//! 2. like stock's `updateschema`, on every open: any schema table missing is created and any
//!    schema column missing is added with `ALTER TABLE … ADD`. Nothing is ever dropped.

use super::DbError;
use crate::ddl::{self, DdlBackend};
use crate::registry;
use diesel::connection::SimpleConnection;
use diesel::sql_types::Text;
use diesel::{PgConnection, QueryableByName, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// The Diesel migrations for PostgreSQL (generated files, see `src/bin/gen-migrations.rs`).
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// Advisory lock key for the schema check ("xcatschm").
const MIGRATE_LOCK: i64 = 0x7863_6174_7363_686d;
/// Advisory lock key every write transaction takes ("xcatwrit").
pub(crate) const WRITE_LOCK: i64 = 0x7863_6174_7772_6974;

pub(crate) use super::pg_pool::{PgConn, PgPool};

pub(crate) fn open(url: &str, pool_size: u32) -> Result<PgPool, DbError> {
    let pool = PgPool::build(url, pool_size)?;
    let mut conn = pool.get()?;
    conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATE_LOCK})"))?;
    let result = migrate(&mut conn);
    let unlock = conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATE_LOCK})"));
    result?;
    unlock?;
    drop(conn);
    Ok(pool)
}

fn migrate(conn: &mut PgConnection) -> Result<(), DbError> {
    conn.run_pending_migrations(MIGRATIONS)
        .map_err(|e| DbError::Other(format!("database migration failed: {e}")))?;
    for t in registry::tables() {
        let have = columns_of(conn, t.name)?;
        if have.is_empty() {
            conn.batch_execute(&ddl::create_table(t, DdlBackend::Pg))?;
            tracing::info!("created table {}", t.name);
            continue;
        }
        for col in t.cols.iter().filter(|c| !have.iter().any(|(h, _)| h == *c)) {
            if t.is_key(col) {
                tracing::warn!("table {}: key column {col} missing, not added", t.name);
                continue;
            }
            conn.batch_execute(&ddl::add_column(t, col, DdlBackend::Pg))?;
            tracing::info!("table {}: added column {col}", t.name);
        }
    }
    Ok(())
}

#[derive(QueryableByName)]
struct ColInfo {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    ty: String,
}

/// (column name, type) of a table in the current schema, in DB order (empty = no table).
pub(crate) fn columns_of(
    conn: &mut PgConnection,
    table: &str,
) -> Result<Vec<(String, String)>, DbError> {
    let rows: Vec<ColInfo> = diesel::sql_query(
        "SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS ty \
         FROM pg_catalog.pg_attribute a \
         JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relname = $1 AND c.relkind IN ('r','p') \
         AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
    )
    .bind::<Text, _>(table)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.name, r.ty)).collect())
}

#[derive(QueryableByName)]
struct TableName {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Existing user tables (`x_*`) in the current schema, sorted.
pub(crate) fn user_tables(conn: &mut PgConnection) -> Result<Vec<String>, DbError> {
    let rows: Vec<TableName> = diesel::sql_query(
        "SELECT c.relname::text AS name FROM pg_catalog.pg_class c \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r','p') \
         AND c.relname LIKE 'x\\_%' ORDER BY c.relname",
    )
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| r.name)
        .filter(|n| registry::is_user_table_name(n))
        .collect())
}
