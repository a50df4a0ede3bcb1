//! Hierarchical dispatch (xCAT-server/sbin/xcatd:2267-2493): a part whose `dest` names service
//! nodes is sent to the first one that accepts it (`dest:3001` unless a port
//! is given; the port is configurable), with `_xcatdest` cleared, `_xcatver`
//! set, `_xcatpreprocessed=1` and `noderange` removed.  A destination that is
//! this host runs locally.  Error texts are the stock ones.

use super::{relay, ForwardError, Forwarder};
use std::net::{ToSocketAddrs, UdpSocket};
use xcat_handlers::api::Aborted;
use xcat_handlers::Responder;
use xcat_proto::{Request, Response, Value};

/// What to do with a part's destination list.
pub enum Route {
    Local,
    Remote(Vec<String>),
}

/// `host` or `host:port` → `host:port`.
pub fn with_port(dest: &str, default_port: u16) -> String {
    let is_v6_literal = dest.matches(':').count() > 1 && !dest.starts_with('[');
    if is_v6_literal {
        return format!("[{dest}]:{default_port}");
    }
    if dest
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        dest.to_string()
    } else {
        format!("{dest}:{default_port}")
    }
}

/// `host`, `host:port`, `[v6]:port` or a bare IPv6 literal → (host, port).
fn split_port(dest: &str) -> (&str, Option<u16>) {
    if let Some(rest) = dest.strip_prefix('[') {
        if let Some((h, p)) = rest.split_once("]:") {
            return (h, p.parse().ok());
        }
        return (rest.trim_end_matches(']'), None);
    }
    match dest.split_once(':') {
        Some((h, p)) if !p.contains(':') => (h, p.parse().ok()),
        _ => (dest, None),
    }
}

/// Whether `dest` names this daemon: this host's names or addresses
/// (binding to an address succeeds only when it is local), unless an explicit
/// port other than ours says it is another daemon on this host.
pub fn is_local(dest: &str, own_names: &[&str], own_port: u16) -> bool {
    let (host, port) = split_port(dest);
    if port.is_some_and(|p| p != own_port) {
        return false;
    }
    if host.is_empty() || own_names.iter().any(|n| n.eq_ignore_ascii_case(host)) {
        return true;
    }
    match (host, 0u16).to_socket_addrs() {
        Ok(addrs) => {
            let addrs: Vec<_> = addrs.collect();
            !addrs.is_empty()
                && addrs
                    .iter()
                    .any(|a| a.ip().is_loopback() || UdpSocket::bind((a.ip(), 0)).is_ok())
        }
        Err(_) => false,
    }
}

pub fn route(dest: &[String], own_names: &[&str], own_port: u16) -> Route {
    let dests: Vec<String> = dest
        .iter()
        .flat_map(|d| d.split(','))
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect();
    if dests.is_empty() || dests.iter().any(|d| is_local(d, own_names, own_port)) {
        Route::Local
    } else {
        Route::Remote(dests)
    }
}

/// The request as a service node receives it.
pub fn forwarded_request(part: &Request, xcatver: &str) -> Request {
    let mut req = part.clone();
    req.set("_xcatdest", Value::Empty);
    req.set("_xcatver", xcatver);
    req.set("_xcatpreprocessed", "1");
    req.remove("noderange");
    req
}

/// Send `req` to the first destination that answers.
pub fn forward(
    fwd: &dyn Forwarder,
    dests: &[String],
    port: u16,
    req: &Request,
    aborted: &dyn Fn() -> bool,
    out: &mut dyn Responder,
) -> Result<(), Aborted> {
    let single = dests.len() == 1;
    for dest in dests {
        let addr = with_port(dest, port);
        match relay(fwd, &addr, req, aborted, out) {
            Ok(()) => return Ok(()),
            Err(ForwardError::Aborted) => return Err(Aborted),
            Err(ForwardError::Broken(e)) => {
                tracing::error!("hierarchical request to {addr} broke: {e}");
                return out.send(Response::new().error(format!(
                    "Unable to dispatch hierarchical sub-command to {addr}.  Error: {e}. "
                )));
            }
            Err(ForwardError::Connect(e)) => {
                tracing::warn!("service node {addr} unreachable: {e}");
                if single {
                    return out.send(Response::new().error(format!(
                        "Unable to dispatch hierarchical sub-command to {addr}.  Error: {e}. "
                    )));
                }
            }
        }
    }
    out.send(Response::new().error(format!(
        "Failed to dispatch command to any of the following service nodes: {}",
        dests.join(",")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_locality() {
        assert_eq!(with_port("sn1", 3001), "sn1:3001");
        assert_eq!(with_port("sn1:4001", 3001), "sn1:4001");
        assert_eq!(with_port("fd00::1", 3001), "[fd00::1]:3001");
        assert!(is_local("127.0.0.1", &[], 3001));
        assert!(is_local("127.0.0.1:3001", &[], 3001));
        assert!(!is_local("127.0.0.1:4001", &[], 3001));
        assert!(is_local("mn", &["mn"], 3001));
        assert!(!is_local("198.51.100.77", &[], 3001));
        assert!(
            matches!(route(&["198.51.100.1,198.51.100.2".into()], &[], 3001), Route::Remote(d) if d.len() == 2)
        );
    }

    #[test]
    fn forwarded_shape() {
        let mut r = Request::new("rpower");
        r.set("noderange", "n1");
        r.set("_xcatdest", "sn1");
        let f = forwarded_request(&r, "Version 2.19.0");
        assert_eq!(f.noderange(), None);
        assert_eq!(f.map["_xcatdest"], vec![Value::Empty]);
        assert_eq!(f.get("_xcatpreprocessed"), Some("1"));
    }
}
