//! What every connection and request shares: configuration, the (cached)
//! store, the handler set, the forwarder, the peer-name resolver, the global
//! budget for request bytes in memory, the connection slots and the pool of
//! connections still waiting for their first request.

use crate::config::ServeConfig;
use crate::forward::Forwarder;
use crate::pending::PendingPool;
use crate::resolver::{Resolver, ResolverConfig};
use crate::store::CachedStore;
use crate::throttle::{ConnLimit, DEFAULT_MAX_CONNECTIONS};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use xcat_handlers::{Handler, Runner, ServerInfo};

/// Command → handler.
pub trait HandlerSet: Send + Sync {
    fn get(&self, command: &str) -> Option<Arc<dyn Handler>>;
}

impl HandlerSet for xcat_handlers::Registry {
    fn get(&self, command: &str) -> Option<Arc<dyn Handler>> {
        xcat_handlers::Registry::get(self, command)
    }
}

impl HandlerSet for HashMap<String, Arc<dyn Handler>> {
    fn get(&self, command: &str) -> Option<Arc<dyn Handler>> {
        HashMap::get(self, command).cloned()
    }
}

pub use crate::budget::BUDGET_UNIT;

pub struct Shared {
    pub cfg: ServeConfig,
    pub info: Arc<ServerInfo>,
    pub store: CachedStore,
    pub handlers: Arc<dyn HandlerSet>,
    pub forwarder: Option<Arc<dyn Forwarder>>,
    pub resolver: Resolver,
    /// `site.xcatmaxconnections` slots (set by the accept loop).
    pub conn_limit: Arc<ConnLimit>,
    /// Connections before their first complete request.
    pub pending: Arc<PendingPool>,
    /// Memory for requests in flight ([`crate::budget`]).
    pub budget: crate::budget::Budget,
    /// The runner handed to handlers (set once the `Arc<Shared>` exists).
    pub runner: OnceLock<Arc<dyn Runner>>,
    /// `/var/log/xcat/commands.log`, when it could be opened.
    pub cmdlog: OnceLock<crate::cmdlog::CommandLog>,
    /// The `auditlog` writer, started at the first audited request (after
    /// the fork); `None` on a service node or without a database.
    pub audit: OnceLock<Option<crate::audit::AuditLog>>,
}

impl Shared {
    pub fn new(
        cfg: ServeConfig,
        store: Arc<dyn crate::store::Store>,
        handlers: Arc<dyn HandlerSet>,
        forwarder: Option<Arc<dyn Forwarder>>,
    ) -> Arc<Shared> {
        let info = Arc::new(ServerInfo {
            short_host: cfg.source_name.clone(),
            version_line: cfg.version_line.clone(),
            confdir: cfg.confdir.clone(),
            mn_marker: cfg.mn_marker.clone(),
            sn_marker: cfg.sn_marker.clone(),
            ha: cfg.ha.clone(),
        });
        let shared = Arc::new(Shared {
            store: CachedStore::new(store, cfg.limits.config_ttl),
            resolver: Resolver::system(ResolverConfig::default()),
            conn_limit: ConnLimit::with_reserve(DEFAULT_MAX_CONNECTIONS, cfg.limits.admin_reserve),
            pending: PendingPool::new(cfg.limits.max_pending),
            budget: crate::budget::Budget::new(cfg.limits.inflight_bytes),
            info,
            cfg,
            handlers,
            forwarder,
            runner: OnceLock::new(),
            cmdlog: OnceLock::new(),
            audit: OnceLock::new(),
        });
        let runner: Arc<dyn Runner> = Arc::new(crate::runner::for_daemon(&shared));
        let _ = shared.runner.set(runner);
        shared
    }

    pub fn runner(&self) -> Arc<dyn Runner> {
        match self.runner.get() {
            Some(r) => r.clone(),
            None => Arc::new(crate::runner::detached()),
        }
    }
}
