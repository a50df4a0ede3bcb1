//! SQLite in the stock layout: a directory with one `<table>.sqlite` file per table.
//!
//! Each pooled connection opens `site.sqlite` as its main database and ATTACHes every other
//! table file under the table's own name (plus existing user tables `x_*.sqlite`), so one
//! transaction can span several tables and commits atomically (rollback journal,
//! `journal_mode=DELETE`, SQLite's super-journal; the attach limit is raised to 125 at build
//! time through `.cargo/config.toml`). Writers start with `BEGIN IMMEDIATE`; contention is
//! handled by a 30 s busy timeout plus retries, never reported as an error.
//!
//! Schema check on open: Diesel's migration runner records versions in a table inside one
//! database file, which does not fit 73 independent files that stock tools also create and
//! alter. So, like stock's own start-up, each table file is opened on its own and the DDL
//! generated from the registry (the same text as `migrations/sqlite/`) is applied:
//! `CREATE TABLE IF NOT EXISTS` with the exact stock statement (SQLite stores it without the
//! `IF NOT EXISTS`, so `sqlite_master.sql` equals stock's) and `ALTER TABLE … ADD` for schema
//! columns a file lacks. Nothing is ever dropped. New files are created with mode 0600.

use super::query::quote_ident;
use super::DbError;
use crate::ddl::{self, DdlBackend};
use crate::registry;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, PooledConnection};
use diesel::sql_types::Text;
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The table whose file is each connection's main database.
pub(crate) const MAIN_TABLE: &str = "site";
/// Busy timeout of every connection.
const BUSY_TIMEOUT_MS: u32 = 30_000;
/// How long `BEGIN IMMEDIATE` / `COMMIT` are retried while the database stays locked: the
/// busy timeout, so a file another process (a stock `chtab`, the `sqlite3` shell) keeps
/// locked fails the command after that long with a clear error instead of hanging it.
const MAX_LOCK_WAIT: Duration = Duration::from_millis(BUSY_TIMEOUT_MS as u64);

pub(crate) type SqliteConn = PooledConnection<ConnectionManager<SqliteConnection>>;

/// Pool of connections with every table file attached.
pub(crate) struct SqlitePool {
    pool: r2d2::Pool<ConnectionManager<SqliteConnection>>,
    dir: PathBuf,
}

impl SqlitePool {
    /// A connection; user table files created since it was opened are attached first.
    pub(crate) fn get(&self) -> Result<SqliteConn, DbError> {
        let mut conn = self.pool.get()?;
        attach_new_user_tables(&mut conn, &self.dir)?;
        Ok(conn)
    }
}

/// Checks/creates every table file and builds the pool.
pub(crate) fn open(dir: &Path, pool_size: u32) -> Result<SqlitePool, DbError> {
    std::fs::create_dir_all(dir)?;
    migrate(dir)?;
    let main = table_file(dir, MAIN_TABLE);
    let url = main
        .to_str()
        .ok_or_else(|| DbError::Config(format!("{} is not valid UTF-8", main.display())))?;
    let manager = ConnectionManager::<SqliteConnection>::new(url);
    let pool = r2d2::Pool::builder()
        .max_size(pool_size)
        .min_idle(Some(1))
        .connection_customizer(Box::new(AttachTables {
            dir: dir.to_path_buf(),
        }))
        .build(manager)?;
    Ok(SqlitePool {
        pool,
        dir: dir.to_path_buf(),
    })
}

fn table_file(dir: &Path, table: &str) -> PathBuf {
    dir.join(format!("{table}.sqlite"))
}

/// Creates `path` empty with mode 0600 unless it exists (an empty file is an empty database).
fn create_private_file(path: &Path) -> Result<(), DbError> {
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(DbError::Other(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

/// True for SQLITE_BUSY / SQLITE_LOCKED.
pub(crate) fn is_busy(e: &diesel::result::Error) -> bool {
    match e {
        diesel::result::Error::DatabaseError(_, info) => {
            let m = info.message();
            m.contains("database is locked") || m.contains("busy") || m.contains("is locked")
        }
        _ => false,
    }
}

/// Runs `sql` (BEGIN IMMEDIATE / COMMIT), retrying while the database is locked.
pub(crate) fn exec_retrying_busy(conn: &mut SqliteConnection, sql: &str) -> Result<(), DbError> {
    let start = Instant::now();
    loop {
        match conn.batch_execute(sql) {
            Ok(()) => return Ok(()),
            Err(e) if is_busy(&e) && start.elapsed() < MAX_LOCK_WAIT => {
                tracing::debug!("database busy on {sql}, retrying");
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) if is_busy(&e) => {
                return Err(DbError::Other(format!(
                    "database is locked: another process has held it for more than {} s ({e})",
                    MAX_LOCK_WAIT.as_secs()
                )))
            }
            Err(e) => return Err(e.into()),
        }
    }
}

#[derive(QueryableByName)]
struct ColInfo {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    ty: String,
}

/// (column name, declared type) of `schema.table` in DB order (empty when the table does
/// not exist).
fn db_columns(
    conn: &mut SqliteConnection,
    schema: &str,
    table: &str,
) -> Result<Vec<(String, String)>, DbError> {
    let rows: Vec<ColInfo> =
        diesel::sql_query("SELECT name, type AS ty FROM pragma_table_info(?, ?)")
            .bind::<Text, _>(table)
            .bind::<Text, _>(schema)
            .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.name, r.ty)).collect())
}

/// Creates missing table files/tables and adds missing schema columns, one file at a time.
fn migrate(dir: &Path) -> Result<(), DbError> {
    for t in registry::tables() {
        let path = table_file(dir, t.name);
        create_private_file(&path)?;
        let url = path
            .to_str()
            .ok_or_else(|| DbError::Config(format!("{} is not valid UTF-8", path.display())))?;
        let mut conn = SqliteConnection::establish(url)
            .map_err(|e| DbError::Connect(format!("{}: {e}", path.display())))?;
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}; PRAGMA journal_mode = DELETE;"
        ))?;
        exec_retrying_busy(&mut conn, "BEGIN IMMEDIATE")?;
        let result = migrate_table(&mut conn, t);
        match result {
            Ok(()) => exec_retrying_busy(&mut conn, "COMMIT")?,
            Err(e) => {
                let _ = conn.batch_execute("ROLLBACK");
                return Err(e);
            }
        }
    }
    Ok(())
}

fn migrate_table(conn: &mut SqliteConnection, t: &registry::TableDef) -> Result<(), DbError> {
    conn.batch_execute(&ddl::create_table_if_not_exists(t, DdlBackend::Sqlite))?;
    let have = db_columns(conn, "main", t.name)?;
    for col in t.cols.iter().filter(|c| !have.iter().any(|(h, _)| h == *c)) {
        if t.is_key(col) || t.is_required(col) {
            // SQLite cannot add a key or NOT NULL column without a default; stock would
            // rebuild the table. Leave the data alone and say so.
            tracing::warn!(
                "table {}: key/required column {col} missing, not added",
                t.name
            );
            continue;
        }
        conn.batch_execute(&ddl::add_column(t, col, DdlBackend::Sqlite))?;
        tracing::info!("table {}: added column {col}", t.name);
    }
    Ok(())
}

/// `x_*.sqlite` user table files in the directory.
fn user_table_files(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter_map(|n| n.strip_suffix(".sqlite").map(str::to_string))
        .filter(|n| registry::is_user_table_name(n))
        .collect();
    names.sort();
    names
}

fn attach(
    conn: &mut SqliteConnection,
    dir: &Path,
    name: &str,
) -> Result<(), diesel::result::Error> {
    let path = table_file(dir, name);
    let path = path.to_string_lossy();
    diesel::sql_query(format!("ATTACH DATABASE ? AS {}", quote_ident(name)))
        .bind::<Text, _>(path.as_ref())
        .execute(conn)
        .map(|_| ())
}

#[derive(QueryableByName)]
struct DbName {
    #[diesel(sql_type = Text)]
    name: String,
}

fn attach_new_user_tables(conn: &mut SqliteConnection, dir: &Path) -> Result<(), DbError> {
    let files = user_table_files(dir);
    if files.is_empty() {
        return Ok(());
    }
    let attached: Vec<DbName> =
        diesel::sql_query("SELECT name FROM pragma_database_list").load(conn)?;
    for f in files {
        if !attached.iter().any(|a| a.name == f) {
            attach(conn, dir, &f)?;
        }
    }
    Ok(())
}

/// Sets up each new pooled connection: busy timeout, every table file attached, rollback
/// journal.
#[derive(Debug)]
struct AttachTables {
    dir: PathBuf,
}

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for AttachTables {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        let setup = |conn: &mut SqliteConnection| -> Result<(), diesel::result::Error> {
            conn.batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};"))?;
            for t in registry::tables() {
                if t.name != MAIN_TABLE {
                    attach(conn, &self.dir, t.name)?;
                }
            }
            for u in user_table_files(&self.dir) {
                attach(conn, &self.dir, &u)?;
            }
            conn.batch_execute("PRAGMA journal_mode = DELETE;")
        };
        setup(conn).map_err(diesel::r2d2::Error::QueryError)
    }
}

/// (name, declared type) of a table's columns as seen through an attached connection.
pub(crate) fn columns_of(
    conn: &mut SqliteConnection,
    table: &str,
) -> Result<Vec<(String, String)>, DbError> {
    let schema = if table == MAIN_TABLE { "main" } else { table };
    db_columns(conn, schema, table)
}

/// `"schema"."table"` for an attached table.
pub(crate) fn table_ref(table: &str) -> String {
    if table == MAIN_TABLE {
        format!("\"main\".{}", quote_ident(table))
    } else {
        format!("{}.{}", quote_ident(table), quote_ident(table))
    }
}

/// User tables (`x_*`) attached to this connection that contain their table.
pub(crate) fn user_tables(conn: &mut SqliteConnection) -> Result<Vec<String>, DbError> {
    let attached: Vec<DbName> =
        diesel::sql_query("SELECT name FROM pragma_database_list").load(conn)?;
    let mut out = Vec::new();
    for a in attached {
        if registry::is_user_table_name(&a.name) && !columns_of(conn, &a.name)?.is_empty() {
            out.push(a.name);
        }
    }
    out.sort();
    Ok(out)
}
