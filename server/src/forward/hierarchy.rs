//! Hierarchical dispatch of one part: its `dest` list
//! (comma lists split) is tried in order, as stock does
//! (`xCAT-server/sbin/xcatd:2403-2484`): a destination that is this host
//! runs the part here; a remote one gets the part at `dest:port` (the port
//! is configurable; stock hard-codes 3001) with `_xcatdest` cleared,
//! `_xcatver` set, `_xcatpreprocessed=1` and `noderange` removed.  A
//! destination that cannot be reached moves on to the next; error texts are
//! the stock ones.

use super::{relay, ForwardError, Forwarder, Timeouts};
use std::net::{ToSocketAddrs, UdpSocket};
use xcat_handlers::api::Aborted;
use xcat_handlers::Responder;
use xcat_proto::{Request, Response, Value};

/// One destination of a part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dest {
    /// This daemon.
    Here,
    /// Another xcatd, `host:port`.
    Remote(String),
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

/// A part's destinations in order; none → `[Here]`.
pub fn destinations(dest: &[String], own_names: &[&str], own_port: u16, sn_port: u16) -> Vec<Dest> {
    let dests: Vec<Dest> = dest
        .iter()
        .flat_map(|d| d.split(','))
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| match is_local(d, own_names, own_port) {
            true => Dest::Here,
            false => Dest::Remote(with_port(d, sn_port)),
        })
        .collect();
    if dests.is_empty() {
        vec![Dest::Here]
    } else {
        dests
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

/// How remote destinations are reached.
pub struct Remote<'a> {
    /// `None`: the daemon has no credential to forward with.
    pub fwd: Option<&'a dyn Forwarder>,
    pub timeouts: Timeouts,
    /// This daemon is a service node: stock reports no "Failed to dispatch
    /// … any of" there (`xCAT-server/sbin/xcatd:2479`).
    pub on_service_node: bool,
}

fn unable(addr: &str, e: &str) -> Response {
    Response::new().error(format!(
        "Unable to dispatch hierarchical sub-command to {addr}.  Error: {e}. "
    ))
}

/// Run one part: the first destination that is here or accepts the request.
pub fn run_part(
    remote: &Remote,
    dests: &[Dest],
    forwarded: &Request,
    aborted: &dyn Fn() -> bool,
    out: &mut dyn Responder,
    run_here: &mut dyn FnMut(&mut dyn Responder) -> Result<(), Aborted>,
) -> Result<(), Aborted> {
    let single = dests.len() == 1;
    for dest in dests {
        let addr = match dest {
            Dest::Here => return run_here(out),
            Dest::Remote(addr) => addr,
        };
        let Some(fwd) = remote.fwd else {
            return out.send(unable(addr, "no credentials to forward with"));
        };
        match relay(fwd, addr, forwarded, &remote.timeouts, aborted, out) {
            Ok(()) => return Ok(()),
            Err(ForwardError::Aborted) => return Err(Aborted),
            Err(ForwardError::Broken(e)) => {
                tracing::error!("Error dispatching request to {addr}: {e}");
                return out.send(unable(addr, &e));
            }
            Err(ForwardError::Connect(e)) if single => {
                tracing::error!("Error dispatching request to {addr}: {e}");
                return out.send(unable(addr, &e));
            }
            Err(ForwardError::Connect(e)) => tracing::warn!(
                "Error dispatching request to {addr}, trying other service nodes: {e}"
            ),
        }
    }
    if remote.on_service_node {
        return Ok(());
    }
    let names: Vec<&str> = dests
        .iter()
        .map(|d| match d {
            Dest::Here => "",
            Dest::Remote(a) => a.as_str(),
        })
        .collect();
    out.send(Response::new().error(format!(
        "Failed to dispatch command to any of the following service nodes: {}",
        names.join(",")
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
        assert_eq!(
            destinations(&["198.51.100.1,198.51.100.2:5".into()], &[], 3001, 3002),
            vec![
                Dest::Remote("198.51.100.1:3002".into()),
                Dest::Remote("198.51.100.2:5".into())
            ]
        );
        assert_eq!(destinations(&[], &[], 3001, 3001), vec![Dest::Here]);
        assert_eq!(
            destinations(&["198.51.100.1".into(), "mn".into()], &["mn"], 3001, 3001),
            vec![Dest::Remote("198.51.100.1:3001".into()), Dest::Here]
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
