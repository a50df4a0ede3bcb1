//! Listening sockets and the accept loop: dual-stack `::` with IPV6_V6ONLY
//! off (0.0.0.0 when IPv6 is unavailable), backlog 8192 as stock; each
//! accepted socket joins the pending pool ([`crate::pending`]), gets its TLS
//! handshake (10 s limit, within the request timeout), its peer identity
//! (reverse lookup started at accept) and a connection task, which takes a
//! `site.xcatmaxconnections` slot once it has a complete request.  Failed
//! accepts (EMFILE) pause with a growing backoff and are logged once per
//! interval.  Shutdown stops accepting; connection tasks hold a guard so
//! the caller can wait for them.

use crate::accept_values::AcceptValues;
use crate::config::ServeConfig;
use crate::connection;
use crate::peer::{short_host, unmap, PeerInfo};
use crate::pending::PendingGuard;
use crate::state::Shared;
use crate::store::SiteValues;
use crate::throttle::max_connections;
use crate::tls::{peer_name, AcceptorCache, TlsSettings};
use socket2::{Domain, Protocol, Socket, Type};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

const BACKLOG: i32 = 8192;

fn bind_one(addr: SocketAddr, dual_stack: bool) -> std::io::Result<std::net::TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(!dual_stack)?;
    }
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// `--listen ADDR` (with or without a port) → socket address.
pub fn parse_listen(s: &str, port: u16) -> Option<SocketAddr> {
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(sa);
    }
    let bare = s.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>()
        .ok()
        .map(|ip| SocketAddr::new(ip, port))
}

/// Bind the request port(s) (blocking; before daemonising).
pub fn bind(cfg: &ServeConfig) -> std::io::Result<Vec<std::net::TcpListener>> {
    if !cfg.listen.is_empty() {
        return cfg
            .listen
            .iter()
            .map(|a| bind_one(*a, a.ip() == IpAddr::V6(Ipv6Addr::UNSPECIFIED)))
            .collect();
    }
    let v6 = SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), cfg.port);
    match bind_one(v6, true) {
        Ok(l) => Ok(vec![l]),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Err(e),
        Err(e) => {
            tracing::info!("IPv6 unavailable ({e}); listening on 0.0.0.0");
            let v4 = SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), cfg.port);
            Ok(vec![bind_one(v4, false)?])
        }
    }
}

fn tls_settings(site: &crate::store::SiteValues) -> TlsSettings {
    TlsSettings {
        ciphers: site
            .get("xcatsslciphers")
            .cloned()
            .filter(|s| !s.is_empty()),
        version: site
            .get("xcatsslversion")
            .cloned()
            .filter(|s| !s.is_empty()),
    }
}

/// Short host name of a peer whose address resolved to `fqdn`: the domain
/// stripped is its network's `networks.domain`, else `site.domain`.
async fn peer_host(
    shared: &Arc<Shared>,
    values: &AcceptValues,
    site: &SiteValues,
    ip: IpAddr,
    fqdn: &str,
) -> String {
    let rows = values.networks(shared).await;
    let domain = crate::netdomain::peer_domain(ip, &rows, site.get("domain").map(String::as_str));
    short_host(fqdn, domain)
}

struct Accepted {
    tcp: TcpStream,
    addr: SocketAddr,
    started: Instant,
    pending: PendingGuard,
}

async fn handle(
    conn: Accepted,
    shared: Arc<Shared>,
    values: Arc<AcceptValues>,
    acceptors: Arc<AcceptorCache>,
    shutdown: watch::Receiver<bool>,
    _guard: mpsc::Sender<()>,
) {
    let Accepted {
        tcp,
        addr,
        started,
        pending,
    } = conn;
    let _ = tcp.set_nodelay(true);
    xcat_net::keepalive::detect_dead_peer(&tcp);
    let addr = unmap(addr);
    // The reverse lookup runs on the resolver threads during the handshake.
    let lookup = shared.resolver.lookup(addr.ip());
    // Site values are re-read (briefly cached) for every connection, so a changed
    // xcatmaxconnections applies from the next request; here, not in the accept loop,
    // so a database that hangs delays no other connection (crate::accept_values).
    let site = values.site(&shared).await;
    shared.conn_limit.set_limit(max_connections(
        site.get("xcatmaxconnections").map(String::as_str),
    ));
    let limits = &shared.cfg.limits;
    let acceptor = acceptors.get(&tls_settings(&site));
    let handshake = tokio::time::timeout(
        limits.handshake.min(limits.request_timeout),
        acceptor.accept(tcp),
    );
    let tls = tokio::select! {
        r = handshake => match r {
            Ok(Ok(t)) => t,
            Ok(Err(e)) => {
                tracing::info!("TLS handshake with {addr} failed: {e}");
                return;
            }
            Err(_) => {
                tracing::info!("TLS handshake with {addr} timed out");
                return;
            }
        },
        _ = pending.evicted() => {
            tracing::debug!("{addr}: closed before its handshake to make room");
            return;
        }
    };
    let name = peer_name(tls.get_ref().1.peer_certificates());
    let fqdn = lookup.await;
    let host = match fqdn.as_deref() {
        Some(f) => Some(peer_host(&shared, &values, &site, addr.ip(), f).await),
        None => None,
    };
    let peer = PeerInfo {
        ip: Some(addr.ip()),
        port: addr.port(),
        name,
        fqdn,
        host,
    };
    let start = connection::Start {
        deadline: (started + limits.request_timeout).into(),
        pending,
    };
    connection::serve(tls, peer, shared, shutdown, start).await;
}

/// Pauses and log lines after failed accepts (EMFILE, ENFILE, ENOBUFS):
/// the pause doubles up to a second, and one line per interval says how
/// many failures there were.
pub struct AcceptBackoff {
    pause: Duration,
    logged: Option<Instant>,
    unlogged: u64,
}

/// At most one "accept failed" line per this interval.
const ACCEPT_LOG_INTERVAL: Duration = Duration::from_secs(30);
const ACCEPT_PAUSE_MIN: Duration = Duration::from_millis(10);
const ACCEPT_PAUSE_MAX: Duration = Duration::from_secs(1);

impl Default for AcceptBackoff {
    fn default() -> Self {
        Self::new()
    }
}

impl AcceptBackoff {
    pub fn new() -> AcceptBackoff {
        AcceptBackoff {
            pause: Duration::ZERO,
            logged: None,
            unlogged: 0,
        }
    }

    /// An accept failed at `now`: how long to pause, and `Some(n)` when a
    /// line is due now (`n` failures since the last line were not logged).
    pub fn failed(&mut self, now: Instant) -> (Duration, Option<u64>) {
        self.pause = (self.pause * 2).clamp(ACCEPT_PAUSE_MIN, ACCEPT_PAUSE_MAX);
        let due = self
            .logged
            .is_none_or(|t| now.duration_since(t) >= ACCEPT_LOG_INTERVAL);
        if due {
            self.logged = Some(now);
            let n = std::mem::take(&mut self.unlogged);
            (self.pause, Some(n))
        } else {
            self.unlogged += 1;
            (self.pause, None)
        }
    }

    /// An accept succeeded: the next failure pauses briefly again.
    pub fn succeeded(&mut self) {
        self.pause = Duration::ZERO;
    }
}

async fn accept_forever(l: TcpListener, tx: mpsc::Sender<(TcpStream, SocketAddr)>) {
    let mut backoff = AcceptBackoff::new();
    loop {
        match l.accept().await {
            Ok(pair) => {
                backoff.succeeded();
                if tx.send(pair).await.is_err() {
                    return;
                }
            }
            Err(e) => {
                let (pause, log) = backoff.failed(Instant::now());
                if let Some(unlogged) = log {
                    tracing::warn!(
                        "accept failed: {e} (pausing up to {ACCEPT_PAUSE_MAX:?}; \
                         {unlogged} earlier failures not logged)"
                    );
                }
                tokio::time::sleep(pause).await;
            }
        }
    }
}

/// Accept until `shutdown` turns true; returns once accepting has stopped
/// (the listening sockets are closed: new connections are refused).
/// Every connection task holds a clone of `guard`.
pub async fn accept_loop(
    listeners: Vec<TcpListener>,
    shared: Arc<Shared>,
    acceptors: Arc<AcceptorCache>,
    mut shutdown: watch::Receiver<bool>,
    guard: mpsc::Sender<()>,
) {
    let (tx, mut rx) = mpsc::channel::<(TcpStream, SocketAddr)>(64);
    let accepters: Vec<_> = listeners
        .into_iter()
        .map(|l| tokio::spawn(accept_forever(l, tx.clone())))
        .collect();
    drop(tx);
    let values = Arc::new(AcceptValues::default());
    loop {
        let (tcp, addr) = tokio::select! {
            pair = rx.recv() => match pair {
                Some(pair) => pair,
                None => break,
            },
            _ = shutdown.changed() => break,
        };
        let conn = Accepted {
            tcp,
            addr,
            started: Instant::now(),
            pending: shared.pending.admit(),
        };
        tokio::spawn(handle(
            conn,
            shared.clone(),
            values.clone(),
            acceptors.clone(),
            shutdown.clone(),
            guard.clone(),
        ));
    }
    for a in accepters {
        a.abort();
        let _ = a.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses() {
        assert_eq!(
            parse_listen("127.0.0.1", 3001),
            Some("127.0.0.1:3001".parse().unwrap())
        );
        assert_eq!(parse_listen("::", 3001), Some("[::]:3001".parse().unwrap()));
        assert_eq!(
            parse_listen("[::1]:4000", 3001),
            Some("[::1]:4000".parse().unwrap())
        );
        assert_eq!(parse_listen("nonsense", 3001), None);
    }

    #[test]
    fn accept_failures_back_off_and_log_once_per_interval() {
        let mut b = AcceptBackoff::new();
        let t0 = Instant::now();
        let mut lines = Vec::new();
        let mut pauses = Vec::new();
        for i in 0..200u64 {
            // 200 failures, 100 ms apart (20 s)
            let (pause, line) = b.failed(t0 + Duration::from_millis(100 * i));
            pauses.push(pause);
            lines.extend(line);
        }
        assert_eq!(lines, vec![0], "one line in 20 s");
        assert_eq!(pauses[0], ACCEPT_PAUSE_MIN);
        assert_eq!(*pauses.last().unwrap(), ACCEPT_PAUSE_MAX);
        let (_, line) = b.failed(t0 + Duration::from_secs(31));
        assert_eq!(line, Some(199), "the next line counts the silent ones");
        b.succeeded();
        assert_eq!(b.failed(t0 + Duration::from_secs(32)).0, ACCEPT_PAUSE_MIN);
    }

    #[test]
    fn wildcard_is_dual_stack_and_v4_peers_are_unmapped() {
        let mut cfg = ServeConfig::new(std::path::Path::new("/nonexistent"));
        cfg.port = 0;
        let l = bind(&cfg).unwrap().remove(0);
        l.set_nonblocking(false).unwrap();
        let addr = l.local_addr().unwrap();
        if addr.is_ipv6() {
            let c = std::net::TcpStream::connect(("127.0.0.1", addr.port())).unwrap();
            let (_, peer) = l.accept().unwrap();
            assert!(peer.is_ipv6(), "v4 client arrives v4-mapped: {peer}");
            assert_eq!(unmap(peer).ip(), c.local_addr().unwrap().ip());
        }
    }
}
