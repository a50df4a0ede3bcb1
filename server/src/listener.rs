//! Listening sockets and the accept loop: dual-stack `::` with IPV6_V6ONLY
//! off (0.0.0.0 when IPv6 is unavailable), backlog 8192 as stock; each
//! accepted socket gets its TLS handshake (10 s limit), its peer identity and
//! then a connection task.  Shutdown stops accepting; connection tasks hold a
//! guard so the caller can wait for them.

use crate::config::ServeConfig;
use crate::connection;
use crate::peer::{short_host, unmap, PeerInfo};
use crate::state::Shared;
use crate::tls::{peer_name, AcceptorCache, TlsSettings};
use socket2::{Domain, Protocol, Socket, Type};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
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

async fn handle(
    tcp: TcpStream,
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptors: Arc<AcceptorCache>,
    shutdown: watch::Receiver<bool>,
    _guard: mpsc::Sender<()>,
) {
    let _ = tcp.set_nodelay(true);
    let addr = unmap(addr);
    let site = site(&shared).await;
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
    let host = fqdn
        .as_deref()
        .map(|f| short_host(f, site.get("domain").map(String::as_str)));
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
    loop {
        tokio::select! {
            pair = rx.recv() => match pair {
                Some((tcp, addr)) => {
                    tokio::spawn(handle(tcp, addr, shared.clone(), acceptors.clone(), shutdown.clone(), guard.clone()));
                }
                None => break,
            },
            _ = shutdown.changed() => break,
        }
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
