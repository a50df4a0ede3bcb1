//! Connections between accept and their first complete request: the TLS
//! handshake and the first request are still to come, and nobody knows yet
//! whether the peer is an xCAT client.  They do not take the slots that
//! `site.xcatmaxconnections` counts ([`crate::throttle`]); instead at most
//! `max_pending` of them exist at once, and a new one beyond that closes the
//! OLDEST (the one nearest its deadline).  A storm of silent or trickling
//! connections therefore never keeps a new client waiting: it only shortens
//! how long the storm's own connections live.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;

#[derive(Default)]
struct State {
    next_id: u64,
    /// Registration order = age: the first entry is the oldest.
    live: BTreeMap<u64, Arc<Notify>>,
    evicted: u64,
}

/// The registry of pending connections.
pub struct PendingPool {
    max: usize,
    state: Mutex<State>,
}

/// Held by a pending connection until its first complete request (or its end).
pub struct PendingGuard {
    pool: Arc<PendingPool>,
    id: u64,
    evict: Arc<Notify>,
}

impl PendingPool {
    pub fn new(max: usize) -> Arc<PendingPool> {
        Arc::new(PendingPool {
            max: max.max(1),
            state: Mutex::new(State::default()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Register a new connection, closing the oldest ones beyond the limit.
    pub fn admit(self: &Arc<Self>) -> PendingGuard {
        let evict = Arc::new(Notify::new());
        let mut state = self.lock();
        let id = state.next_id;
        state.next_id += 1;
        state.live.insert(id, evict.clone());
        while state.live.len() > self.max {
            let Some((_, oldest)) = state.live.pop_first() else {
                break;
            };
            oldest.notify_one();
            state.evicted += 1;
        }
        PendingGuard {
            pool: self.clone(),
            id,
            evict,
        }
    }

    /// Connections pending now.
    pub fn len(&self) -> usize {
        self.lock().live.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Connections closed so far to make room.
    pub fn evicted(&self) -> u64 {
        self.lock().evicted
    }
}

impl PendingGuard {
    /// Resolves when this connection was closed to make room for a newer one.
    pub async fn evicted(&self) {
        self.evict.notified().await
    }
}

impl Drop for PendingGuard {
    fn drop(&mut self) {
        self.pool.lock().live.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn oldest_is_evicted_beyond_the_limit() {
        let pool = PendingPool::new(2);
        let a = pool.admit();
        let b = pool.admit();
        assert_eq!(pool.len(), 2);
        let c = pool.admit();
        assert_eq!(pool.len(), 2);
        assert_eq!(pool.evicted(), 1);
        // `a` is told (the notification waits for it), `b` is not.
        tokio::time::timeout(std::time::Duration::from_secs(1), a.evicted())
            .await
            .expect("oldest evicted");
        assert!(
            tokio::time::timeout(std::time::Duration::from_millis(50), b.evicted())
                .await
                .is_err()
        );
        drop((a, b, c));
        assert!(pool.is_empty());
    }
}
