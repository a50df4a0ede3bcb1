//! What the protocol engine reads from the xCAT database, behind a trait so the
//! engine can be tested without one: site values, policy rows, `networks`
//! rows, noderange expansion, group membership and `passwd` rows.
//! [`CachedStore`] keeps site, policy and networks rows for a few seconds
//! only, since stock tools write the same database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xcat_schema::db::Db;
use xcat_schema::inherit::GroupMap;

pub use crate::netdomain::NetworkRow;

/// Why the store could not answer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database did not answer (unreachable, locked, full, …): the
    /// request fails with this message, it is never read as "no rows".
    #[error("{0}")]
    Database(String),
    /// Anything else (e.g. a malformed noderange).
    #[error("{0}")]
    Other(String),
}

impl StoreError {
    pub fn is_database(&self) -> bool {
        matches!(self, StoreError::Database(_))
    }
}

/// One row of the `policy` table (empty strings read as `None`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyRow {
    pub priority: Option<String>,
    pub name: Option<String>,
    pub host: Option<String>,
    pub commands: Option<String>,
    pub noderange: Option<String>,
    pub parameters: Option<String>,
    pub rule: Option<String>,
}

/// Result of expanding a noderange in verify mode.
#[derive(Debug, Clone, Default)]
pub struct Expansion {
    /// Expanded node names in stock order.
    pub nodes: Vec<String>,
    /// Names that are neither nodes nor groups.
    pub missing: Vec<String>,
    /// The nodelist group map the expansion read, handed on to the handler
    /// so it does not read nodelist again.
    pub groups: Option<Arc<GroupMap>>,
}

pub type SiteValues = HashMap<String, String>;

/// How to expand a noderange for a request: the handlers' one set of options
/// (`xcat_handlers::range_opts::for_request`).
pub type RangeOpts = xcat_schema::noderange::ExpandOpts;

pub trait Store: Send + Sync {
    /// Every `site` key with a non-empty value.
    fn site(&self) -> Result<SiteValues, StoreError>;
    /// Active (`disable` unset) policy rows.
    fn policy(&self) -> Result<Vec<PolicyRow>, StoreError>;
    /// Expand `range` (verify mode) relative to `cwd` for `^file` items,
    /// which are read only when `allow_files`.
    fn expand(
        &self,
        range: &str,
        cwd: Option<&str>,
        allow_files: bool,
    ) -> Result<Expansion, StoreError>;
    /// [`Store::expand`] with every option (bare-number prefix and suffix
    /// too).  The default ignores prefix and suffix.
    fn expand_with(&self, range: &str, opts: &RangeOpts) -> Result<Expansion, StoreError> {
        self.expand(
            range,
            opts.cwd.as_deref().and_then(|p| p.to_str()),
            opts.allow_files,
        )
    }
    /// Active `networks` rows (net, mask, domain), for peer host names.
    fn networks(&self) -> Result<Vec<NetworkRow>, StoreError> {
        Ok(Vec::new())
    }
    /// `nodelist.groups` of each node (for `extnoderange subgroups`).
    fn groups_of(&self, nodes: &[String]) -> Result<Vec<String>, StoreError>;
    /// `passwd` table password for `key=xcat, username=user`.
    fn xcat_password(&self, user: &str) -> Result<Option<String>, StoreError>;
    /// The database handle given to handlers, when there is one.
    fn db(&self) -> Option<Db>;
    /// A `token` row: (username, expire) of `tokenid`.
    /// Token rows whose id starts with `selector` (see `tokens::owner`).
    fn tokens_by_selector(&self, selector: &str) -> Result<Vec<TokenCandidate>, StoreError>;
    /// Write (insert or update) a `token` row.
    fn put_token(&self, row: &TokenRow) -> Result<(), StoreError>;
}

/// One row of the `token` table (times as stock `time2string`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenRow {
    pub tokenid: String,
    pub username: String,
    pub expire: String,
    pub created: Option<String>,
    pub access: Option<String>,
}

/// A token row found by its id's selector, to be compared in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCandidate {
    pub tokenid: String,
    pub username: String,
    pub expire: String,
}

struct Cached<T> {
    at: Instant,
    value: Arc<T>,
}

/// A [`Store`] that reuses site, policy and networks rows for `ttl`.
pub struct CachedStore {
    inner: Arc<dyn Store>,
    ttl: Duration,
    site: Mutex<Option<Cached<SiteValues>>>,
    policy: Mutex<Option<Cached<Vec<PolicyRow>>>>,
    networks: Mutex<Option<Cached<Vec<NetworkRow>>>>,
}

impl CachedStore {
    pub fn new(inner: Arc<dyn Store>, ttl: Duration) -> CachedStore {
        CachedStore {
            inner,
            ttl,
            site: Mutex::new(None),
            policy: Mutex::new(None),
            networks: Mutex::new(None),
        }
    }

    pub fn inner(&self) -> &Arc<dyn Store> {
        &self.inner
    }

    fn cached<T>(
        &self,
        slot: &Mutex<Option<Cached<T>>>,
        load: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<Arc<T>, StoreError> {
        if let Ok(guard) = slot.lock() {
            if let Some(c) = guard.as_ref() {
                if c.at.elapsed() < self.ttl {
                    return Ok(c.value.clone());
                }
            }
        }
        let value = Arc::new(load()?);
        if let Ok(mut guard) = slot.lock() {
            *guard = Some(Cached {
                at: Instant::now(),
                value: value.clone(),
            });
        }
        Ok(value)
    }

    fn fresh<T>(&self, slot: &Mutex<Option<Cached<T>>>) -> Option<Arc<T>> {
        let guard = slot.lock().ok()?;
        let c = guard.as_ref()?;
        (c.at.elapsed() < self.ttl).then(|| c.value.clone())
    }

    /// Site values when the cached copy is still fresh (never blocks on the DB).
    pub fn fresh_site(&self) -> Option<Arc<SiteValues>> {
        self.fresh(&self.site)
    }

    /// Networks rows when the cached copy is still fresh (never blocks on the DB).
    pub fn fresh_networks(&self) -> Option<Arc<Vec<NetworkRow>>> {
        self.fresh(&self.networks)
    }

    /// Networks rows, at most `ttl` old.
    pub fn networks(&self) -> Result<Arc<Vec<NetworkRow>>, StoreError> {
        self.cached(&self.networks, || self.inner.networks())
    }

    /// Site values, at most `ttl` old.
    pub fn site(&self) -> Result<Arc<SiteValues>, StoreError> {
        self.cached(&self.site, || self.inner.site())
    }

    /// Policy rows, at most `ttl` old.
    pub fn policy(&self) -> Result<Arc<Vec<PolicyRow>>, StoreError> {
        self.cached(&self.policy, || self.inner.policy())
    }

    /// One site value (empty values count as unset).
    pub fn site_value(&self, key: &str) -> Option<String> {
        self.site()
            .ok()
            .and_then(|s| s.get(key).cloned())
            .filter(|v| !v.is_empty())
    }
}

/// An in-memory store for tests (the `testing` feature).
#[cfg(feature = "testing")]
#[derive(Default)]
pub struct MemStore {
    pub site: Mutex<SiteValues>,
    pub policy: Mutex<Vec<PolicyRow>>,
    /// group name → members
    pub groups: Mutex<HashMap<String, Vec<String>>>,
    pub nodes: Mutex<Vec<String>>,
    pub passwords: Mutex<HashMap<String, String>>,
    pub tokens: Mutex<HashMap<String, TokenRow>>,
    pub networks: Mutex<Vec<NetworkRow>>,
    pub db: Option<Db>,
}

#[cfg(feature = "testing")]
impl MemStore {
    fn lock<T: Clone>(m: &Mutex<T>) -> T {
        match m.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }
}

#[cfg(feature = "testing")]
impl Store for MemStore {
    fn site(&self) -> Result<SiteValues, StoreError> {
        Ok(Self::lock(&self.site))
    }

    fn policy(&self) -> Result<Vec<PolicyRow>, StoreError> {
        Ok(Self::lock(&self.policy))
    }

    /// Comma lists of node and group names only (enough for tests).
    fn expand(
        &self,
        range: &str,
        _cwd: Option<&str>,
        _allow_files: bool,
    ) -> Result<Expansion, StoreError> {
        let nodes = Self::lock(&self.nodes);
        let groups = Self::lock(&self.groups);
        let mut out = Expansion::default();
        for item in range.split(',').filter(|s| !s.is_empty()) {
            if nodes.iter().any(|n| n == item) {
                if !out.nodes.iter().any(|n| n == item) {
                    out.nodes.push(item.to_string());
                }
            } else if let Some(members) = groups.get(item) {
                for m in members {
                    if !out.nodes.contains(m) {
                        out.nodes.push(m.clone());
                    }
                }
            } else {
                out.missing.push(item.to_string());
            }
        }
        Ok(out)
    }

    fn networks(&self) -> Result<Vec<NetworkRow>, StoreError> {
        Ok(Self::lock(&self.networks))
    }

    fn groups_of(&self, nodes: &[String]) -> Result<Vec<String>, StoreError> {
        let groups = Self::lock(&self.groups);
        let mut out: Vec<String> = groups
            .iter()
            .filter(|(_, members)| members.iter().any(|m| nodes.contains(m)))
            .map(|(g, _)| g.clone())
            .collect();
        out.sort();
        Ok(out)
    }

    fn xcat_password(&self, user: &str) -> Result<Option<String>, StoreError> {
        Ok(Self::lock(&self.passwords).get(user).cloned())
    }

    fn db(&self) -> Option<Db> {
        self.db.clone()
    }

    fn tokens_by_selector(&self, selector: &str) -> Result<Vec<TokenCandidate>, StoreError> {
        Ok(Self::lock(&self.tokens)
            .values()
            .filter(|t| t.tokenid.starts_with(selector))
            .map(|t| TokenCandidate {
                tokenid: t.tokenid.clone(),
                username: t.username.clone(),
                expire: t.expire.clone(),
            })
            .collect())
    }

    fn put_token(&self, row: &TokenRow) -> Result<(), StoreError> {
        let mut m = self
            .tokens
            .lock()
            .map_err(|e| StoreError::Other(e.to_string()))?;
        m.insert(row.tokenid.clone(), row.clone());
        Ok(())
    }
}
