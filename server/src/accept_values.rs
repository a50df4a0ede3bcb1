//! The database values a new connection needs around its handshake — site values (TLS
//! settings, `xcatmaxconnections`) before it, `networks` rows (the peer's domain) after
//! it — read so that a database that hangs never holds connections up: one read at a
//! time per kind, each connection waits for it at most [`READ_BOUND`], and while a read
//! is under way the other connections go on at once with the last values read.
//!
//! Why: with HA (`--ha-config`) the database sits behind the VIP, which is on no host
//! while a takeover runs (the old active fenced, the new one not yet up): connections to
//! it hang until libpq's connect timeout.  The members' heartbeats ride on connections to
//! this port with a deadline of one heartbeat interval; when the accept loop waited for
//! the site values of every connection in turn (2 s each), the witness and the standby
//! answered no heartbeat, the standby never took over (or its lease ran out right after)
//! and clients got "SSL Timeout".  With a healthy database the read takes milliseconds,
//! so a changed site value still applies from the next connection after the cache's ttl.

use crate::state::Shared;
use crate::store::{NetworkRow, SiteValues};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a connection waits for a read under way before it goes on with the last
/// values read.
pub const READ_BOUND: Duration = Duration::from_secs(2);

/// The last values of one kind, and whether a read of them is under way.
pub struct Latest<T> {
    last: Arc<Mutex<Arc<T>>>,
    reading: Arc<AtomicBool>,
}

impl<T: Default> Default for Latest<T> {
    fn default() -> Self {
        Latest {
            last: Arc::new(Mutex::new(Arc::default())),
            reading: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// Clears the "read under way" flag when the read ends, also by a panic.
struct Reading(Arc<AtomicBool>);

impl Drop for Reading {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl<T: Send + Sync + 'static> Latest<T> {
    fn last(&self) -> Arc<T> {
        self.last.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn keep(last: &Mutex<Arc<T>>, v: &Arc<T>) {
        *last.lock().unwrap_or_else(|p| p.into_inner()) = v.clone();
    }

    /// `fresh` when the cache has it; else the result of `load` (started here unless a
    /// read is under way) within [`READ_BOUND`]; else the last values read.
    pub async fn get<F>(&self, what: &str, fresh: Option<Arc<T>>, load: F) -> Arc<T>
    where
        F: FnOnce() -> Result<Arc<T>, String> + Send + 'static,
    {
        if let Some(v) = fresh {
            Self::keep(&self.last, &v);
            return v;
        }
        if self.reading.swap(true, Ordering::SeqCst) {
            return self.last();
        }
        let guard = Reading(self.reading.clone());
        let last = self.last.clone();
        let read = tokio::task::spawn_blocking(move || {
            let _guard = guard;
            let v = load()?;
            Self::keep(&last, &v);
            Ok::<_, String>(v)
        });
        match tokio::time::timeout(READ_BOUND, read).await {
            Ok(Ok(Ok(v))) => v,
            Ok(Ok(Err(e))) => {
                tracing::debug!("{what} unreadable: {e}; using the last values read");
                self.last()
            }
            Ok(Err(_)) => self.last(),
            Err(_) => {
                tracing::warn!("{what} not readable in time; using the last values read");
                self.last()
            }
        }
    }
}

/// The values of the accept path.
#[derive(Default)]
pub struct AcceptValues {
    site: Latest<SiteValues>,
    networks: Latest<Vec<NetworkRow>>,
}

impl AcceptValues {
    /// Site values for a new connection.
    pub async fn site(&self, shared: &Arc<Shared>) -> Arc<SiteValues> {
        let s = shared.clone();
        let load = move || s.store.site().map_err(|e| e.to_string());
        self.site
            .get("site table", shared.store.fresh_site(), load)
            .await
    }

    /// `networks` rows for a connection's peer name (none when never read).
    pub async fn networks(&self, shared: &Arc<Shared>) -> Arc<Vec<NetworkRow>> {
        let s = shared.clone();
        let load = move || s.store.networks().map_err(|e| e.to_string());
        self.networks
            .get("networks table", shared.store.fresh_networks(), load)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hanging_read_holds_one_caller_for_the_bound_and_no_other() {
        let l: Arc<Latest<u32>> = Arc::default();
        let v = l.get("t", None, || Ok(Arc::new(7))).await;
        assert_eq!(*v, 7);
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let first = {
            let l = l.clone();
            tokio::spawn(async move {
                l.get("t", None, move || {
                    let _ = rx.recv();
                    Ok(Arc::new(9))
                })
                .await
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        // A read is under way: no second one (its value would be 1), the last values.
        let other = l.get("t", None, || Ok(Arc::new(1))).await;
        assert_eq!(*other, 7);
        assert_eq!(
            *first.await.unwrap(),
            7,
            "the bound passed: the last values"
        );
        tx.send(()).unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(*l.get("t", None, || Err("down".into())).await, 9);
    }

    #[tokio::test]
    async fn fresh_values_are_kept_as_the_last() {
        let l: Latest<u32> = Latest::default();
        assert_eq!(*l.get("t", Some(Arc::new(3)), || Ok(Arc::new(4))).await, 3);
        assert_eq!(*l.get("t", None, || Err("down".into())).await, 3);
    }
}
