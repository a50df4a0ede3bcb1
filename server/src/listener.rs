//! Listening sockets and the accept loop: dual-stack `::` with IPV6_V6ONLY
//! off (0.0.0.0 when IPv6 is unavailable), backlog 8192 as stock; each
//! accepted socket waits for a connection permit (`site.xcatmaxconnections`,
//! see [`crate::throttle`]), then gets its TLS handshake (10 s limit), its
//! peer identity and a connection task.  Shutdown stops accepting; connection
//! tasks hold a guard so the caller can wait for them.

use crate::config::ServeConfig;
use crate::connection;
use crate::peer::{short_host, unmap, PeerInfo};
use crate::state::Shared;
use crate::store::{NetworkRow, SiteValues};
use crate::throttle::{max_connections, ConnLimit, ConnPermit};
use crate::tls::{peer_name, AcceptorCache, TlsSettings};
use socket2::{Domain, Protocol, Socket, Type};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

const BACKLOG: i32 = 8192;

/// How long the accept loop waits for site values before it goes on with
/// the last ones read.
const SITE_READ_BOUND: std::time::Duration = std::time::Duration::from_secs(2);

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

async fn site(shared: &Arc<Shared>) -> Arc<crate::store::SiteValues> {
    if let Some(site) = shared.store.fresh_site() {
        return site;
    }
    let s = shared.clone();
    match tokio::task::spawn_blocking(move || s.store.site()).await {
        Ok(Ok(v)) => v,
        _ => Arc::new(Default::default()),
    }
}

/// `networks` rows (cached like site values); none when unreadable.
async fn networks(shared: &Arc<Shared>) -> Arc<Vec<NetworkRow>> {
    if let Some(rows) = shared.store.fresh_networks() {
        return rows;
    }
    let s = shared.clone();
    match tokio::task::spawn_blocking(move || s.store.networks()).await {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            tracing::debug!("networks table unreadable: {e}");
            Arc::new(Vec::new())
        }
        Err(_) => Arc::new(Vec::new()),
    }
}

/// Short host name of a peer whose address resolved to `fqdn`: the domain
/// stripped is its network's `networks.domain`, else `site.domain`.
async fn peer_host(shared: &Arc<Shared>, site: &SiteValues, ip: IpAddr, fqdn: &str) -> String {
    let rows = networks(shared).await;
    let domain = crate::netdomain::peer_domain(ip, &rows, site.get("domain").map(String::as_str));
    short_host(fqdn, domain)
}

struct Accepted {
    tcp: TcpStream,
    addr: SocketAddr,
    site: Arc<SiteValues>,
    _permit: ConnPermit,
}

async fn handle(
    conn: Accepted,
    shared: Arc<Shared>,
    acceptors: Arc<AcceptorCache>,
    shutdown: watch::Receiver<bool>,
    _guard: mpsc::Sender<()>,
) {
    let Accepted {
        tcp,
        addr,
        site,
        _permit,
    } = conn;
    let _ = tcp.set_nodelay(true);
    let addr = unmap(addr);
    let acceptor = acceptors.get(&tls_settings(&site));
    let tls = match tokio::time::timeout(shared.cfg.limits.handshake, acceptor.accept(tcp)).await {
        Ok(Ok(t)) => t,
        Ok(Err(e)) => {
            tracing::info!("TLS handshake with {addr} failed: {e}");
            return;
        }
        Err(_) => {
            tracing::info!("TLS handshake with {addr} timed out");
            return;
        }
    };
    let name = peer_name(tls.get_ref().1.peer_certificates());
    let fqdn = shared.resolver.lookup(addr.ip()).await;
    let host = match fqdn.as_deref() {
        Some(f) => Some(peer_host(&shared, &site, addr.ip(), f).await),
        None => None,
    };
    let peer = PeerInfo {
        ip: Some(addr.ip()),
        port: addr.port(),
        name,
        fqdn,
        host,
    };
    connection::serve(tls, peer, shared, shutdown).await;
}

/// Accept until `shutdown` turns true; returns once accepting has stopped.
/// Every connection task holds a clone of `guard`.
pub async fn accept_loop(
    listeners: Vec<TcpListener>,
    shared: Arc<Shared>,
    acceptors: Arc<AcceptorCache>,
    mut shutdown: watch::Receiver<bool>,
    guard: mpsc::Sender<()>,
) {
    let (tx, mut rx) = mpsc::channel::<(TcpStream, SocketAddr)>(64);
    let mut accepters = Vec::new();
    for l in listeners {
        let tx = tx.clone();
        accepters.push(tokio::spawn(async move {
            loop {
                match l.accept().await {
                    Ok(pair) => {
                        if tx.send(pair).await.is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    }
                }
            }
        }));
    }
    drop(tx);
    let limit = ConnLimit::new(crate::throttle::DEFAULT_MAX_CONNECTIONS);
    let mut last_site: Arc<crate::store::SiteValues> = Arc::default();
    loop {
        let (tcp, addr) = tokio::select! {
            pair = rx.recv() => match pair {
                Some(pair) => pair,
                None => break,
            },
            _ = shutdown.changed() => break,
        };
        // Site values are re-read (briefly cached) for every connection, so a
        // changed xcatmaxconnections applies from the next accepted socket.
        // A database that hangs must not stop accepting: after a short
        // bound the last values read are used.
        let site = match tokio::time::timeout(SITE_READ_BOUND, site(&shared)).await {
            Ok(site) => {
                last_site = site.clone();
                site
            }
            Err(_) => {
                tracing::warn!("site table not readable in time; using the last values read");
                last_site.clone()
            }
        };
        limit.set_limit(max_connections(
            site.get("xcatmaxconnections").map(String::as_str),
        ));
        // Beyond the limit, accepted sockets wait here (and behind them in
        // the channel and the listen backlog) until a connection ends.
        let permit = tokio::select! {
            p = limit.acquire(rx.len() + 1) => p,
            _ = shutdown.changed() => break,
        };
        let conn = Accepted {
            tcp,
            addr,
            site,
            _permit: permit,
        };
        tokio::spawn(handle(
            conn,
            shared.clone(),
            acceptors.clone(),
            shutdown.clone(),
            guard.clone(),
        ));
    }
    for a in accepters {
        a.abort();
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
