//! Database handle: backend selection, pooled connections, transactions and the dynamic
//! row access every handler uses.
//!
//! * `location` — where the database is (`--db`, cfgloc) and the `lsxcatd -d` lines.
//! * `sqlite` / `pg` — pools and the per-open schema check (create missing tables with the
//!   stock DDL, add missing columns, never drop anything).
//! * `conn` — reads, deletes, plain inserts; `bulk_delete` — deleting many keys at once; `set_attribs` — stock `setAttribs` semantics,
//!   single and bulk.
//! * `query` — the dynamic, cacheable Diesel statement all of them use.
//!
//! There is no cache of table data: every call reads the database, because stock tools and
//! service nodes write the same tables.

mod bulk_delete;
mod conn;
mod location;
pub(crate) mod pg;
mod pg_pool;
mod query;
mod set_attribs;
pub(crate) mod sqlite;

use std::path::PathBuf;
use std::sync::Arc;

pub use conn::{Conn, FilterOp};

/// Errors of the database layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// Neither a schema table nor an existing user (`x_*`) table.
    #[error("No such table: {0}")]
    NoTable(String),
    /// A column that the table does not have.
    #[error("No column \"{column}\" in table \"{table}\"")]
    NoColumn { table: String, column: String },
    /// An error reported by the database (the text is the database's message).
    #[error("{0}")]
    Sql(#[from] diesel::result::Error),
    /// Could not get a connection (server down, refused, unreachable).
    #[error("database unreachable: {0}")]
    Connect(String),
    /// Bad `--db` / cfgloc value.
    #[error("{0}")]
    Config(String),
    /// A database engine xcatd-rs does not run on (MySQL, DB2, CSV).
    #[error("{0}")]
    Unsupported(String),
    /// A write was attempted inside [`Db::read`].
    #[error("internal error: write attempted in a read-only database section")]
    ReadOnly,
    #[error("{0}")]
    Other(String),
}

impl From<r2d2::Error> for DbError {
    fn from(e: r2d2::Error) -> Self {
        DbError::Connect(e.to_string())
    }
}

impl From<std::io::Error> for DbError {
    fn from(e: std::io::Error) -> Self {
        DbError::Other(e.to_string())
    }
}

/// Which SQL engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Pg,
}

/// Where the database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbLocation {
    /// Stock layout: one `<table>.sqlite` file per table in this directory.
    SqliteDir(PathBuf),
    /// A PostgreSQL database (`postgres://user:pw@host:port/dbname`).
    Pg { url: String },
}

/// One row: values in the order of the columns asked for (`None` = SQL NULL; `''` is
/// returned as `Some("")` — both mean "not set").
pub type Row = Vec<Option<String>>;

enum Pools {
    Sqlite(sqlite::SqlitePool),
    Pg(pg::PgPool),
}

struct DbInner {
    loc: DbLocation,
    pools: Pools,
    write_mutex: std::sync::Mutex<()>,
}

thread_local! {
    static IN_WRITE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks the current thread as inside `Db::write` (refuses nesting).
struct WriteNesting;

impl WriteNesting {
    fn enter() -> Result<WriteNesting, DbError> {
        if IN_WRITE.with(|w| w.replace(true)) {
            return Err(DbError::Other(
                "internal error: Db::write called inside another Db::write".into(),
            ));
        }
        Ok(WriteNesting)
    }
}

impl Drop for WriteNesting {
    fn drop(&mut self) {
        IN_WRITE.with(|w| w.set(false));
    }
}

/// Default pool size: SQLite CPUs+2 within 4..=16 (each connection holds one descriptor
/// per table file; writers serialise anyway), PostgreSQL 2*CPUs+2 within 4..=32.
pub fn default_pool_size(loc: &DbLocation) -> u32 {
    let cpus = std::thread::available_parallelism().map_or(1, usize::from) as u32;
    match loc {
        DbLocation::SqliteDir(_) => (cpus + 2).clamp(4, 16),
        DbLocation::Pg { .. } => (2 * cpus + 2).clamp(4, 32),
    }
}

/// Pooled handle on the xCAT database (cheap to clone).
#[derive(Clone)]
pub struct Db {
    inner: Arc<DbInner>,
}

impl Db {
    /// Opens the database, creating missing tables/columns (never dropping anything).
    pub fn open(loc: &DbLocation) -> Result<Db, DbError> {
        Self::open_with_pool(loc, None)
    }

    /// [`Db::open`] with `pool_size` connections at most (default: follows the machine,
    /// see [`default_pool_size`]).
    pub fn open_with_pool(loc: &DbLocation, pool_size: Option<u32>) -> Result<Db, DbError> {
        let size = pool_size.unwrap_or_else(|| default_pool_size(loc)).max(1);
        let pools = match loc {
            DbLocation::SqliteDir(dir) => Pools::Sqlite(sqlite::open(dir, size)?),
            DbLocation::Pg { url } => Pools::Pg(pg::open(url, size)?),
        };
        Ok(Db {
            inner: Arc::new(DbInner {
                loc: loc.clone(),
                pools,
                write_mutex: std::sync::Mutex::new(()),
            }),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.inner.pools {
            Pools::Sqlite(_) => Backend::Sqlite,
            Pools::Pg(_) => Backend::Pg,
        }
    }

    pub fn location(&self) -> &DbLocation {
        &self.inner.loc
    }

    /// The `lsxcatd -d` lines for this database.
    pub fn describe(&self) -> Vec<String> {
        self.inner.loc.describe()
    }

    fn checkout(&self, writable: bool) -> Result<Conn, DbError> {
        match &self.inner.pools {
            Pools::Sqlite(p) => Ok(Conn::sqlite(p.get()?, writable)),
            Pools::Pg(p) => Ok(Conn::pg(p.get()?, writable)),
        }
    }

    /// Runs `f` on a pooled connection without a transaction (each statement is atomic).
    /// Writes inside are refused with [`DbError::ReadOnly`].
    pub fn read<T>(&self, f: impl FnOnce(&mut Conn) -> Result<T, DbError>) -> Result<T, DbError> {
        let mut conn = self.checkout(false)?;
        f(&mut conn)
    }

    /// Runs `f` in ONE transaction: committed when `f` returns `Ok`, rolled back when it
    /// returns `Err` (or panics, or the process dies). SQLite starts with `BEGIN IMMEDIATE`
    /// (retried while another writer holds the lock); PostgreSQL takes a transaction-level
    /// advisory lock so concurrent writers of xcatd-rs serialise like on SQLite.
    ///
    /// On SQLite the writers of this process also queue on an in-process mutex, so they hand
    /// over without the busy-handler's sleeps. A `write` nested inside another `write` on the
    /// same thread is refused (it would wait for itself).
    pub fn write<T, E: From<DbError>>(
        &self,
        f: impl FnOnce(&mut Conn) -> Result<T, E>,
    ) -> Result<T, E> {
        let _nesting = WriteNesting::enter()?;
        let _serial = match &self.inner.pools {
            Pools::Sqlite(_) => Some(
                self.inner
                    .write_mutex
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
            ),
            Pools::Pg(_) => None,
        };
        let mut conn = self.checkout(true)?;
        conn.begin_write()?;
        match f(&mut conn) {
            Ok(v) => match conn.commit() {
                Ok(()) => Ok(v),
                Err(e) => {
                    conn.rollback();
                    Err(e.into())
                }
            },
            Err(e) => {
                conn.rollback();
                Err(e)
            }
        }
    }
}
