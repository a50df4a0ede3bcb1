//! Run-time configuration of the serving daemon: where things are, which
//! limits apply, and the identity strings the daemon shows to clients.
//! Built once by `main` from the command line and the environment.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Size and time limits of the protocol engine.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Longest request accepted from a peer without a client certificate
    /// (node scripts send a few hundred bytes).
    pub anon_request_bytes: usize,
    /// Longest request accepted from a peer with a verified certificate.
    pub request_bytes: usize,
    /// Memory for requests at once, over every connection: each request is
    /// charged its buffer's allocation twice (bytes and parsed tree) from
    /// its first byte until its command ends.
    pub inflight_bytes: usize,
    /// TLS handshake limit (stock: 10 s alarm); also bounded by `request_timeout`.
    pub handshake: Duration,
    /// Time a connection has to deliver one complete request, counted from
    /// the accept (first request) or the end of the previous answer; bytes
    /// arriving do not extend it (stock: 15 s of silence before a request).
    pub request_timeout: Duration,
    /// Connections between accept and their first complete request; beyond
    /// this the oldest of them is closed ([`crate::pending`]).
    pub max_pending: usize,
    /// Slots beyond `site.xcatmaxconnections` kept for `root`'s certificate
    /// (default 0: the limit applies to everyone, as stock).
    pub admin_reserve: usize,
    /// A write that does not complete in this time ends the connection.
    pub write_timeout: Duration,
    /// Largest burst written at once (several whole documents).
    pub write_chunk: usize,
    /// Response documents buffered between a handler and its connection.
    pub response_queue: usize,
    /// Requests received while another one runs, kept in order.
    pub pipelined_requests: usize,
    /// How long in-flight requests may run after SIGTERM.
    pub shutdown_grace: Duration,
    /// How long policy and site rows are reused before being read again.
    pub config_ttl: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            anon_request_bytes: 64 * 1024,
            request_bytes: 64 * 1024 * 1024,
            inflight_bytes: 256 * 1024 * 1024,
            handshake: Duration::from_secs(10),
            request_timeout: Duration::from_secs(15),
            max_pending: 1024,
            admin_reserve: 0,
            write_timeout: Duration::from_secs(120),
            write_chunk: 64 * 1024,
            response_queue: 64,
            pipelined_requests: 16,
            shutdown_grace: Duration::from_secs(30),
            config_ttl: Duration::from_secs(2),
        }
    }
}

/// Everything the serving daemon needs besides the database.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub confdir: PathBuf,
    /// Addresses to listen on; empty = dual-stack wildcard (`::`, else 0.0.0.0).
    pub listen: Vec<SocketAddr>,
    /// Port when `listen` is empty.
    pub port: u16,
    /// `--fallback HOST:PORT`: unknown commands go to this (stock) daemon.
    pub fallback: Option<String>,
    /// Port of service nodes' xcatd for hierarchy (stock hard-codes 3001).
    pub sn_port: u16,
    /// `xcatdsource` of every document this daemon makes.
    pub source_name: String,
    /// `lsxcatd -v` line.
    pub version_line: String,
    /// `_xcatver` sent to service nodes and compared with incoming `_xcatver`.
    pub xcatver: String,
    pub limits: Limits,
    /// `/etc/xCATMN` and `/etc/xCATSN` (`lsxcatd -t`; tests point elsewhere).
    pub mn_marker: PathBuf,
    pub sn_marker: PathBuf,
    /// The HA agent (`--ha-config`), handed to handlers and the write gate.
    pub ha: Option<xcat_handlers::api::HaHandle>,
}

impl ServeConfig {
    pub fn cert_dir(&self) -> PathBuf {
        self.confdir.join("cert")
    }

    /// `server-cred.pem`: certificate and key in one file (stock layout).
    pub fn server_cred(&self) -> PathBuf {
        self.cert_dir().join("server-cred.pem")
    }

    pub fn ca_file(&self) -> PathBuf {
        self.cert_dir().join("ca.pem")
    }

    /// A configuration with defaults for `confdir` (tests start from this).
    pub fn new(confdir: &Path) -> ServeConfig {
        ServeConfig {
            confdir: confdir.to_path_buf(),
            listen: Vec::new(),
            port: 3001,
            fallback: None,
            sn_port: 3001,
            source_name: default_source_name(),
            version_line: crate::version::version_line(),
            xcatver: crate::version::xcatver_for_peers(None),
            limits: Limits::default(),
            mn_marker: PathBuf::from("/etc/xCATMN"),
            sn_marker: PathBuf::from("/etc/xCATSN"),
            ha: None,
        }
    }
}

/// Short host name (up to the first dot), or `XCATD_SOURCE_NAME` when set
/// (fixture replay uses `vm`).
pub fn default_source_name() -> String {
    if let Ok(name) = std::env::var("XCATD_SOURCE_NAME") {
        if !name.is_empty() {
            return name;
        }
    }
    let host = nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_else(|| "localhost".to_string());
    short_name(&host).to_string()
}

/// Everything before the first dot.
pub fn short_name(host: &str) -> &str {
    host.split('.').next().unwrap_or(host)
}
