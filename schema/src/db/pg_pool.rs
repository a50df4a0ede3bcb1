//! The PostgreSQL connection pool and its checkout rule: wait for a busy pool (up to
//! [`CHECKOUT_WAIT`]), but fail within a fraction of a second when the server cannot be
//! reached, with the server's own reason ("database unreachable: … Connection refused").
//!
//! r2d2 alone keeps retrying a refused connection until its whole checkout timeout has
//! passed (15 s per checkout, several checkouts per request). Here every connection
//! attempt's outcome is recorded; when the pool has no connection to give after a short
//! slice and the last attempt failed, one direct attempt decides: refused → error at once.
//! Broken connections (server restarted) are dropped by r2d2's test on checkout, so the
//! next command gets a fresh one without restarting the daemon.

use super::DbError;
use diesel::r2d2::{ConnectionManager, ManageConnection, PooledConnection};
use diesel::{Connection, PgConnection};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a checkout waits for a connection while the server answers.
const CHECKOUT_WAIT: Duration = Duration::from_secs(15);
/// How long one wait on the pool lasts before the server's health is looked at.
const SLICE: Duration = Duration::from_millis(200);
/// r2d2's own timeout: its background retries back off to half of it.
const POOL_TIMEOUT: Duration = Duration::from_secs(4);
/// libpq `connect_timeout` (seconds) added to URLs without one: a silent host
/// (packets dropped) is given up after this long.
const CONNECT_TIMEOUT_S: u32 = 5;

pub(crate) type PgConn = PooledConnection<RecordingManager>;

/// Outcome of the latest connection attempt (`Some` = it failed, with why).
#[derive(Default)]
struct Health {
    last_failure: Mutex<Option<String>>,
}

impl Health {
    fn record(&self, failure: Option<String>) {
        if let Ok(mut g) = self.last_failure.lock() {
            *g = failure;
        }
    }

    fn failing(&self) -> bool {
        self.last_failure
            .lock()
            .map(|g| g.is_some())
            .unwrap_or(false)
    }
}

/// Diesel's manager, recording whether each new connection could be made.
pub(crate) struct RecordingManager {
    inner: ConnectionManager<PgConnection>,
    health: Arc<Health>,
}

impl ManageConnection for RecordingManager {
    type Connection = PgConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<PgConnection, Self::Error> {
        let result = self.inner.connect();
        self.health
            .record(result.as_ref().err().map(|e| e.to_string()));
        result
    }

    fn is_valid(&self, conn: &mut PgConnection) -> Result<(), Self::Error> {
        self.inner.is_valid(conn)
    }

    fn has_broken(&self, conn: &mut PgConnection) -> bool {
        self.inner.has_broken(conn)
    }
}

pub(crate) struct PgPool {
    pool: r2d2::Pool<RecordingManager>,
    url: String,
    health: Arc<Health>,
}

/// `url` with a libpq `connect_timeout` unless it sets one.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}connect_timeout={CONNECT_TIMEOUT_S}")
}

impl PgPool {
    pub(crate) fn build(url: &str, max_size: u32) -> Result<PgPool, DbError> {
        let url = with_connect_timeout(url);
        let health = Arc::new(Health::default());
        let manager = RecordingManager {
            inner: ConnectionManager::<PgConnection>::new(&url),
            health: health.clone(),
        };
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            .connection_timeout(POOL_TIMEOUT)
            .build(manager)?;
        Ok(PgPool { pool, url, health })
    }

    /// A connection: an idle or new one, or an error naming why the server cannot be
    /// reached (at once), or a timeout after [`CHECKOUT_WAIT`] of a full pool.
    pub(crate) fn get(&self) -> Result<PgConn, DbError> {
        let start = Instant::now();
        loop {
            let waited = self.pool.get_timeout(SLICE);
            let err = match waited {
                Ok(conn) => return Ok(conn),
                Err(e) => e,
            };
            if self.health.failing() {
                // One direct attempt decides whether the server is there.
                match PgConnection::establish(&self.url) {
                    Ok(_) => self.health.record(None),
                    Err(e) => {
                        self.health.record(Some(e.to_string()));
                        return Err(DbError::Connect(e.to_string().trim_end().to_string()));
                    }
                }
            }
            if start.elapsed() >= CHECKOUT_WAIT {
                return Err(err.into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_timeout_is_added_once() {
        assert_eq!(
            with_connect_timeout("postgres://u@h/db"),
            "postgres://u@h/db?connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout("postgres://u@h/db?sslmode=require"),
            "postgres://u@h/db?sslmode=require&connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout("postgres://u@h/db?connect_timeout=1"),
            "postgres://u@h/db?connect_timeout=1"
        );
    }
}
