//! The connection throttle: at most `site.xcatmaxconnections`
//! connections (default 64) are served at once.  A connection takes its
//! [`ConnPermit`] once its first complete request is in hand (the handshake
//! and the request before it are bounded by [`crate::pending`] instead, so
//! silent or trickling peers hold no slot) and keeps it until it ends;
//! requests beyond the limit wait for a permit instead of being refused.
//! `root`'s certificate may use a reserve beyond the limit (`--admin-reserve`,
//! default none), so the administrator gets in while long commands hold the
//! slots.  The limit follows the
//! site value: raising it adds permits at once, lowering it removes free
//! permits and retires busy ones as they come back.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Stock default of `site.xcatmaxconnections`.
pub const DEFAULT_MAX_CONNECTIONS: usize = 64;

/// At most one throttling warning per this interval (stock: 30 s).
const WARN_INTERVAL: Duration = Duration::from_secs(30);

/// `site.xcatmaxconnections` → limit; unset, empty, non-numeric or zero
/// values give the default.
pub fn max_connections(value: Option<&str>) -> usize {
    value
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_MAX_CONNECTIONS)
}

struct State {
    /// The limit in force.
    limit: usize,
    /// Permits still out that must be retired (not returned) when they come
    /// back, after the limit was lowered below the number in use.
    debt: usize,
    /// When the last throttling warning was logged.
    warned: Option<Instant>,
}

/// A semaphore whose capacity can be changed while permits are out.
pub struct ConnLimit {
    sem: Arc<Semaphore>,
    /// Slots beyond the limit for the administrator.
    reserve: Arc<Semaphore>,
    state: Mutex<State>,
    /// Requests waiting for a permit now.
    waiting: AtomicUsize,
}

/// Held for the whole life of one connection.
pub struct ConnPermit {
    permit: Option<OwnedSemaphorePermit>,
    limit: Arc<ConnLimit>,
    /// From the administrator's reserve (not subject to the limit's debt).
    reserved: bool,
}

impl Drop for ConnPermit {
    fn drop(&mut self) {
        let Some(permit) = self.permit.take() else {
            return;
        };
        if self.reserved {
            return;
        }
        let mut state = self.limit.lock();
        if state.debt > 0 {
            state.debt -= 1;
            permit.forget();
        } else {
            drop(permit);
        }
    }
}

impl ConnLimit {
    pub fn new(limit: usize) -> Arc<ConnLimit> {
        Self::with_reserve(limit, 0)
    }

    /// A limit plus `reserve` slots only the administrator may use.
    pub fn with_reserve(limit: usize, reserve: usize) -> Arc<ConnLimit> {
        let limit = limit.max(1);
        Arc::new(ConnLimit {
            sem: Arc::new(Semaphore::new(limit)),
            reserve: Arc::new(Semaphore::new(reserve)),
            state: Mutex::new(State {
                limit,
                debt: 0,
                warned: None,
            }),
            waiting: AtomicUsize::new(0),
        })
    }

    fn permit(self: &Arc<Self>, p: OwnedSemaphorePermit, reserved: bool) -> ConnPermit {
        ConnPermit {
            permit: Some(p),
            limit: self.clone(),
            reserved,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The limit in force.
    pub fn limit(&self) -> usize {
        self.lock().limit
    }

    /// Connections being served now.
    pub fn in_use(&self) -> usize {
        let state = self.lock();
        (state.limit + state.debt).saturating_sub(self.sem.available_permits())
    }

    /// Change the limit (no effect when unchanged).
    pub fn set_limit(&self, limit: usize) {
        let limit = limit.max(1);
        let mut state = self.lock();
        if limit > state.limit {
            let grow = limit - state.limit;
            let repaid = grow.min(state.debt);
            state.debt -= repaid;
            self.sem.add_permits(grow - repaid);
        } else if limit < state.limit {
            let shrink = state.limit - limit;
            let removed = self.sem.forget_permits(shrink);
            state.debt += shrink - removed;
        }
        state.limit = limit;
    }

    /// A permit without waiting, if one is free.
    pub fn try_acquire(self: &Arc<Self>) -> Option<ConnPermit> {
        let permit = self.sem.clone().try_acquire_owned().ok()?;
        Some(self.permit(permit, false))
    }

    /// Wait for a permit; `admin` may also take one of the reserve.  When
    /// it has to wait, a warning is logged first (at most every 30 s).
    pub async fn acquire(self: &Arc<Self>, admin: bool) -> ConnPermit {
        if let Some(p) = self.try_acquire() {
            return p;
        }
        if admin {
            if let Ok(p) = self.reserve.clone().try_acquire_owned() {
                return self.permit(p, true);
            }
        }
        let waiting = self.waiting.fetch_add(1, Ordering::SeqCst) + 1;
        self.warn(waiting);
        let reserve = self.reserve.clone();
        let got = tokio::select! {
            p = self.sem.clone().acquire_owned() => p.map(|p| self.permit(p, false)),
            p = reserve.acquire_owned(), if admin => p.map(|p| self.permit(p, true)),
        };
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        // The semaphores are never closed; serve rather than stall.
        got.unwrap_or_else(|_| ConnPermit {
            permit: None,
            limit: self.clone(),
            reserved: false,
        })
    }

    fn warn(&self, waiting: usize) {
        let (limit, due) = {
            let mut state = self.lock();
            let due = state.warned.is_none_or(|t| t.elapsed() >= WARN_INTERVAL);
            if due {
                state.warned = Some(Instant::now());
            }
            (state.limit, due)
        };
        if due {
            tracing::warn!(
                "xcatd: Connections are being throttled: {} served, {} waiting, allowed {} (site.xcatmaxconnections)",
                self.in_use(),
                waiting,
                limit
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_values() {
        assert_eq!(max_connections(None), 64);
        assert_eq!(max_connections(Some("")), 64);
        assert_eq!(max_connections(Some("abc")), 64);
        assert_eq!(max_connections(Some("0")), 64);
        assert_eq!(max_connections(Some("-3")), 64);
        assert_eq!(max_connections(Some(" 8 ")), 8);
    }

    #[tokio::test]
    async fn limit_is_enforced_and_adapts() {
        let limit = ConnLimit::new(2);
        let a = limit.acquire(false).await;
        let b = limit.acquire(false).await;
        assert!(limit.try_acquire().is_none());
        assert_eq!(limit.in_use(), 2);

        // Lowering below the number in use: the next returned permit is retired.
        limit.set_limit(1);
        drop(a);
        assert!(limit.try_acquire().is_none(), "still one in use, limit 1");
        drop(b);
        let c = limit.try_acquire().expect("limit 1 with none in use");
        assert!(limit.try_acquire().is_none());

        // Raising adds capacity at once.
        limit.set_limit(3);
        let d = limit.try_acquire().expect("second of three");
        let e = limit.try_acquire().expect("third of three");
        assert!(limit.try_acquire().is_none());
        assert_eq!(limit.in_use(), 3);
        drop((c, d, e));
        assert_eq!(limit.in_use(), 0);
        assert_eq!(limit.limit(), 3);
    }

    #[tokio::test]
    async fn raising_repays_debt_first() {
        let limit = ConnLimit::new(3);
        let held: Vec<_> = (0..3).filter_map(|_| limit.try_acquire()).collect();
        assert_eq!(held.len(), 3);
        limit.set_limit(1); // debt 2
        limit.set_limit(2); // debt 1
        drop(held);
        let a = limit.try_acquire().expect("one");
        let b = limit.try_acquire().expect("two");
        assert!(limit.try_acquire().is_none());
        drop((a, b));
    }

    #[tokio::test]
    async fn waiter_is_served_when_a_permit_returns() {
        let limit = ConnLimit::new(1);
        let first = limit.acquire(false).await;
        let l2 = limit.clone();
        let waiter = tokio::spawn(async move { l2.acquire(false).await });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        drop(first);
        let second = waiter.await.expect("waiter");
        assert_eq!(limit.in_use(), 1);
        drop(second);
    }

    #[tokio::test]
    async fn the_admin_has_a_reserve() {
        let limit = ConnLimit::with_reserve(1, 1);
        let busy = limit.acquire(false).await;
        let admin = tokio::time::timeout(Duration::from_secs(5), limit.acquire(true))
            .await
            .expect("admin served from the reserve");
        let l2 = limit.clone();
        let user = tokio::spawn(async move { l2.acquire(false).await });
        tokio::task::yield_now().await;
        assert!(!user.is_finished(), "others wait");
        drop(admin);
        tokio::task::yield_now().await;
        assert!(!user.is_finished(), "the reserve is not theirs");
        drop(busy);
        drop(user.await.expect("served once the slot returns"));
    }
}
