//! The interface between the daemon and the handlers.
//!
//! A handler runs synchronously on a blocking thread (database work is
//! synchronous Diesel).  It sends each response document through a
//! [`Responder`] as soon as it has it; the daemon serialises, adds
//! `xcatdsource` and writes `serverdone` last.  A big answer therefore never sits
//! whole in memory: the responder is a bounded channel to the connection writer.

use crate::runner::Runner;
use std::path::PathBuf;
use std::sync::Arc;
use xcat_proto::{Request, Response};
use xcat_schema::db::{Conn, Db, DbError};
use xcat_schema::inherit::{GroupMap, InheritCtx};

/// The client went away or aborted; the handler should stop (writes in its
/// open transaction are rolled back when it returns the error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the client is gone")]
pub struct Aborted;

/// Where a handler's response documents go.
pub trait Responder: Send {
    fn send(&mut self, response: Response) -> Result<(), Aborted>;
}

/// A responder that keeps everything (tests, internal requests).
impl Responder for Vec<Response> {
    fn send(&mut self, response: Response) -> Result<(), Aborted> {
        self.push(response);
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// Sent to the client as `error` + `errorcode 1`.
    #[error("{0}")]
    Message(String),
    #[error("database error: {0}")]
    Db(#[from] xcat_schema::db::DbError),
    #[error(transparent)]
    Aborted(#[from] Aborted),
}

/// The HA agent inside the daemon (`xcatd --ha-config`, crate `haagent`), as the
/// `hastatus` built-in and the daemon's write gate see it.
pub trait HaAgent: Send + Sync {
    /// The `hastatus` data lines.
    fn status(&self) -> Vec<String>;
    /// The same facts as Prometheus metrics (text exposition format).
    fn metrics(&self) -> String {
        String::new()
    }
    /// A heartbeat from another member (its own status lines); answers with ours.
    fn heartbeat(&self, caller: &[&str]) -> Result<Vec<String>, String>;
    /// `activate [--force]`, `standby`, `deactivate`: what happened, then the status.
    fn admin(&self, words: &[&str]) -> Result<Vec<String>, String>;
    /// Why write commands must be refused now; `None` when they may run.
    fn write_refusal(&self) -> Option<String>;
    /// Whether a certificate name belongs to the HA set (this node, a peer, the
    /// witness): its heartbeats are answered without the policy table, which lives
    /// behind the VIP and is unreachable exactly while a takeover is decided.
    fn knows(&self, _cert_name: &str) -> bool {
        false
    }
}

/// A shared [`HaAgent`] (cloned into every request's [`ServerInfo`]).
#[derive(Clone)]
pub struct HaHandle(pub Arc<dyn HaAgent>);

impl std::fmt::Debug for HaHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HaHandle")
    }
}

/// Facts about the running daemon, shared by every request.
#[derive(Debug, Clone)]
pub struct ServerInfo {
    /// Short host name (`xcatdsource`).
    pub short_host: String,
    /// `lsxcatd -v`: `Version 2.19.0 (xcatd-rs 0.1.0, git commit abc)`.
    pub version_line: String,
    /// Configuration directory (default `/etc/xcat`).
    pub confdir: PathBuf,
    /// `/etc/xCATMN` and `/etc/xCATSN` (paths overridable for tests).
    pub mn_marker: PathBuf,
    pub sn_marker: PathBuf,
    /// The HA agent, when the daemon runs with one (`None`: `hastatus` says `role: none`).
    pub ha: Option<HaHandle>,
}

/// What a handler can use while it runs one request.
#[derive(Clone)]
pub struct Ctx {
    pub db: Db,
    pub server: Arc<ServerInfo>,
    pub runner: Arc<dyn Runner>,
    /// Authenticated user name (`username[0]` after policy).
    pub user: Option<String>,
    /// Peer host short name, when it resolved.
    pub peer_host: Option<String>,
    /// The caller is root or a trusted peer (may read/write files as root).
    pub privileged: bool,
    /// The nodelist group map the daemon's expansion of this request's
    /// noderange read, if any: attribute resolution can start from it
    /// (`InheritCtx::load_with_groups`) instead of reading nodelist again.
    pub groups: Option<Arc<GroupMap>>,
}

impl Ctx {
    /// Group membership and `site.hierarchicalattrs` for attribute
    /// resolution, starting from the group map the daemon already read for
    /// this request when there is one.
    pub fn inherit_ctx(&self, conn: &mut Conn) -> Result<InheritCtx, DbError> {
        match &self.groups {
            Some(groups) => InheritCtx::load_with_groups(conn, groups.clone()),
            None => InheritCtx::load(conn),
        }
    }
}

/// One piece of a request after `preprocess`: run here, or forward to the first
/// service node in `dest` that accepts it (hierarchy).
#[derive(Debug, Clone)]
pub struct Part {
    pub request: Request,
    pub dest: Vec<String>,
}

impl Part {
    pub fn local(request: Request) -> Part {
        Part {
            request,
            dest: Vec::new(),
        }
    }
}

pub trait Handler: Send + Sync {
    /// Command names this handler serves.
    fn commands(&self) -> &'static [&'static str];

    /// Split a request per service node.  Default: run everything here.
    /// A request that carries `_xcatpreprocessed=1` skips this step.
    fn preprocess(&self, _ctx: &Ctx, request: Request) -> Result<Vec<Part>, HandlerError> {
        Ok(vec![Part::local(request)])
    }

    /// Run one (local) part, streaming every response document through `out`.
    fn process(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError>;

    /// Whether `command` changes data (the database, or hosts it drives): such
    /// commands are refused when the HA agent says this daemon must not write.
    fn writes(&self, _command: &str) -> bool {
        false
    }

    /// Whether the daemon must expand and verify `noderange` into `node`
    /// before `process` (stock does this for every plugin command).
    fn wants_expanded_nodes(&self) -> bool {
        true
    }
}
