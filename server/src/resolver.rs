//! Reverse lookups of peer addresses on a few dedicated threads, never on
//! the pool that runs commands: a dead DNS server ties up these threads
//! only.  Concurrent lookups of one address share one query (coalescing);
//! answers are cached (names for [`Resolver::ttl`], failures for a shorter
//! negative time); a caller waits at most the timeout and then goes on
//! without a name, while the query may finish later and fill the cache.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// The blocking lookup itself (getnameinfo in the daemon).
pub type LookupFn = dyn Fn(IpAddr) -> Option<String> + Send + Sync;

/// Addresses waiting for a thread; beyond this a lookup is not attempted.
const QUEUE: usize = 1024;
/// Cached answers kept at most (expired ones are dropped first).
const CACHE_MAX: usize = 4096;

#[derive(Debug, Clone)]
pub struct ResolverConfig {
    pub threads: usize,
    /// How long a caller waits for an answer.
    pub timeout: Duration,
    /// How long a name is reused.
    pub ttl: Duration,
    /// How long a failed lookup (no name, or still unanswered) is reused.
    pub negative_ttl: Duration,
}

impl Default for ResolverConfig {
    fn default() -> ResolverConfig {
        ResolverConfig {
            threads: 4,
            timeout: Duration::from_secs(2),
            ttl: Duration::from_secs(30),
            negative_ttl: Duration::from_secs(5),
        }
    }
}

type Waiters = Vec<oneshot::Sender<Option<String>>>;

#[derive(Default)]
struct State {
    cache: HashMap<IpAddr, (Instant, Option<String>)>,
    in_flight: HashMap<IpAddr, Waiters>,
}

struct Core {
    cfg: ResolverConfig,
    lookup: Box<LookupFn>,
    state: Mutex<State>,
}

impl Core {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn cached(&self, state: &State, ip: &IpAddr) -> Option<Option<String>> {
        let (at, name) = state.cache.get(ip)?;
        let ttl = if name.is_some() {
            self.cfg.ttl
        } else {
            self.cfg.negative_ttl
        };
        (at.elapsed() < ttl).then(|| name.clone())
    }

    fn remember(&self, state: &mut State, ip: IpAddr, name: Option<String>) {
        if state.cache.len() >= CACHE_MAX {
            let (ttl, neg) = (self.cfg.ttl, self.cfg.negative_ttl);
            state
                .cache
                .retain(|_, (at, n)| at.elapsed() < if n.is_some() { ttl } else { neg });
            if state.cache.len() >= CACHE_MAX {
                state.cache.clear();
            }
        }
        state.cache.insert(ip, (Instant::now(), name));
    }

    /// One thread: answer queued addresses until the resolver is dropped.
    fn work(self: Arc<Core>, queue: Arc<Mutex<Receiver<IpAddr>>>) {
        loop {
            let next = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
            let Ok(ip) = next else { return };
            let name = (self.lookup)(ip);
            let waiters = {
                let mut state = self.lock();
                self.remember(&mut state, ip, name.clone());
                state.in_flight.remove(&ip).unwrap_or_default()
            };
            for w in waiters {
                let _ = w.send(name.clone());
            }
        }
    }
}

/// Handle on the resolver threads (they end when it is dropped).
pub struct Resolver {
    core: Arc<Core>,
    queue: SyncSender<IpAddr>,
}

impl Resolver {
    /// Resolver threads running `lookup`.
    pub fn with_lookup(cfg: ResolverConfig, lookup: Box<LookupFn>) -> Resolver {
        let (queue, rx) = sync_channel(QUEUE);
        let rx = Arc::new(Mutex::new(rx));
        let core = Arc::new(Core {
            cfg,
            lookup,
            state: Mutex::new(State::default()),
        });
        for i in 0..core.cfg.threads.max(1) {
            let (core, rx) = (core.clone(), rx.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("xcatd-dns{i}"))
                .spawn(move || core.work(rx));
            if let Err(e) = spawned {
                tracing::warn!("resolver thread not started: {e}");
            }
        }
        Resolver { core, queue }
    }

    /// Resolver threads calling getnameinfo.
    pub fn system(cfg: ResolverConfig) -> Resolver {
        Self::with_lookup(cfg, Box::new(crate::peer::reverse_lookup_blocking))
    }

    pub fn ttl(&self) -> Duration {
        self.core.cfg.ttl
    }

    /// The FQDN of `ip`; `None` when it has none or does not answer in time.
    /// Call (without awaiting) to start the lookup early.
    pub fn lookup(&self, ip: IpAddr) -> impl std::future::Future<Output = Option<String>> {
        let rx = self.start(ip);
        let timeout = self.core.cfg.timeout;
        let core = self.core.clone();
        async move {
            let rx = match rx {
                Ok(answer) => return answer,
                Err(rx) => rx,
            };
            match tokio::time::timeout(timeout, rx).await {
                Ok(Ok(name)) => name,
                _ => {
                    // Unanswered in time: later callers do not wait again
                    // until the negative time has passed (the answer, when
                    // it comes, replaces this).
                    let mut state = core.lock();
                    if core.cached(&state, &ip).is_none() {
                        core.remember(&mut state, ip, None);
                    }
                    None
                }
            }
        }
    }

    /// `Ok(answer)` from the cache, or the receiver of a (shared) query.
    #[allow(clippy::type_complexity)]
    fn start(&self, ip: IpAddr) -> Result<Option<String>, oneshot::Receiver<Option<String>>> {
        let mut state = self.core.lock();
        if let Some(answer) = self.core.cached(&state, &ip) {
            return Ok(answer);
        }
        let (tx, rx) = oneshot::channel();
        if let Some(waiters) = state.in_flight.get_mut(&ip) {
            waiters.push(tx);
            return Err(rx);
        }
        match self.queue.try_send(ip) {
            Ok(()) => {
                state.in_flight.insert(ip, vec![tx]);
                Err(rx)
            }
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn cfg(timeout_ms: u64) -> ResolverConfig {
        ResolverConfig {
            threads: 2,
            timeout: Duration::from_millis(timeout_ms),
            ttl: Duration::from_secs(60),
            negative_ttl: Duration::from_secs(60),
        }
    }

    #[tokio::test]
    async fn one_query_per_address_and_cached() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let r = Arc::new(Resolver::with_lookup(
            cfg(5000),
            Box::new(move |ip| {
                c.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(100));
                Some(format!("host-{ip}"))
            }),
        ));
        let ip: IpAddr = "198.18.0.7".parse().unwrap();
        let all: Vec<_> = (0..50).map(|_| r.lookup(ip)).collect();
        for name in futures_join(all).await {
            assert_eq!(name.as_deref(), Some("host-198.18.0.7"));
        }
        assert_eq!(r.lookup(ip).await.as_deref(), Some("host-198.18.0.7"));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn failures_are_cached_and_a_dead_server_does_not_block_others() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let dead: IpAddr = "198.18.0.9".parse().unwrap();
        let r = Resolver::with_lookup(
            cfg(100),
            Box::new(move |ip| {
                c.fetch_add(1, Ordering::SeqCst);
                if ip == "198.18.0.9".parse::<IpAddr>().unwrap() {
                    std::thread::sleep(Duration::from_secs(3));
                    return None;
                }
                Some("fast".into())
            }),
        );
        assert_eq!(r.lookup(dead).await, None);
        // The second attempt answers from the negative cache: no new query.
        assert_eq!(r.lookup(dead).await, None);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // The other thread still answers other addresses.
        let other: IpAddr = "198.18.0.10".parse().unwrap();
        assert_eq!(r.lookup(other).await.as_deref(), Some("fast"));
    }

    async fn futures_join<F: std::future::Future<Output = Option<String>> + Send + 'static>(
        all: Vec<F>,
    ) -> Vec<Option<String>> {
        let handles: Vec<_> = all.into_iter().map(tokio::spawn).collect();
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.unwrap());
        }
        out
    }
}
