//! Sending a request to another xcatd and relaying its answer: hierarchy
//! (service nodes, xCAT-server/sbin/xcatd:2267-2493) and `--fallback` (a stock daemon behind
//! us).  Responses keep their `xcatdsource`; the remote `serverdone` is
//! dropped (we send our own).
//!
//! - [`client`]: the TLS forwarder (connect and idle timeouts, abort).
//! - [`hierarchy`]: where a part goes (this host or `sn:port`), the shape of
//!   a forwarded request, stock's anycast over a destination list.
//! - [`fanout`]: all parts of one request at once, bounded, relayed as they come.
//! - [`settings`]: port, timeouts and concurrency from the site table.
//! - [`trust`]: internal request fields are honoured only from trusted peers.

pub mod client;
pub mod fanout;
pub mod hierarchy;
pub mod settings;
pub mod trust;

use std::time::Duration;
use xcat_handlers::api::Aborted;
use xcat_handlers::Responder;
use xcat_proto::{Request, Response};

#[derive(Debug)]
pub enum ForwardError {
    /// The request never reached the remote: connecting or the TLS
    /// handshake failed (a destination list moves on to the next one).
    Connect(String),
    /// The remote had the request, then broke, closed early or went silent.
    Broken(String),
    /// Our client went away.
    Aborted,
}

impl std::fmt::Display for ForwardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ForwardError::Connect(e) | ForwardError::Broken(e) => f.write_str(e),
            ForwardError::Aborted => f.write_str("aborted"),
        }
    }
}

/// Time limits of one forwarded request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// TCP connect plus TLS handshake.
    pub connect: Duration,
    /// Longest silence of the remote once it has the request (`None`: wait).
    pub idle: Option<Duration>,
}

impl Default for Timeouts {
    /// The stock client's 15 s connect limit; no idle limit.
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(15),
            idle: None,
        }
    }
}

pub trait Forwarder: Send + Sync {
    /// Send `req` to `addr` (`host:port`) and call `each` with every response
    /// document up to and including the one with `serverdone`.
    fn submit(
        &self,
        addr: &str,
        req: &Request,
        timeouts: &Timeouts,
        aborted: &dyn Fn() -> bool,
        each: &mut dyn FnMut(Response) -> Result<(), Aborted>,
    ) -> Result<(), ForwardError>;
}

/// Relay everything from `addr` to `out`, minus the remote `serverdone`.
pub fn relay(
    fwd: &dyn Forwarder,
    addr: &str,
    req: &Request,
    timeouts: &Timeouts,
    aborted: &dyn Fn() -> bool,
    out: &mut dyn Responder,
) -> Result<(), ForwardError> {
    fwd.submit(addr, req, timeouts, aborted, &mut |mut resp: Response| {
        resp.map.remove("serverdone");
        if resp.is_empty() {
            return Ok(());
        }
        out.send(resp)
    })
}

/// `--fallback`: hand a command we do not implement to the stock daemon.
pub fn fallback(
    fwd: &dyn Forwarder,
    addr: &str,
    req: &Request,
    aborted: &dyn Fn() -> bool,
    out: &mut dyn Responder,
) -> Result<(), Aborted> {
    match relay(fwd, addr, req, &Timeouts::default(), aborted, out) {
        Ok(()) => Ok(()),
        Err(ForwardError::Aborted) => Err(Aborted),
        Err(e) => {
            tracing::error!("fallback to {addr} failed: {e}");
            out.send(Response::new().error(format!(
                "Unable to dispatch command to the fallback xcatd {addr}.  Error: {e}. "
            )))
        }
    }
}
