//! Sending a request to another xcatd and relaying its answer: hierarchy
//! (service nodes, xCAT-server/sbin/xcatd:2267-2493) and `--fallback` (a stock daemon behind
//! us).  Responses keep their `xcatdsource`; the remote `serverdone` is
//! dropped (we send our own).

pub mod client;
pub mod hierarchy;

use xcat_handlers::api::Aborted;
use xcat_handlers::Responder;
use xcat_proto::{Request, Response};

#[derive(Debug)]
pub enum ForwardError {
    /// Nothing was relayed: connecting, the handshake or the first read failed.
    Connect(String),
    /// The connection broke after some responses were relayed.
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

pub trait Forwarder: Send + Sync {
    /// Send `req` to `addr` (`host:port`) and call `each` with every response
    /// document up to and including the one with `serverdone`.
    fn submit(
        &self,
        addr: &str,
        req: &Request,
        aborted: &dyn Fn() -> bool,
        each: &mut dyn FnMut(Response) -> Result<(), Aborted>,
    ) -> Result<(), ForwardError>;
}

/// Relay everything from `addr` to `out`, minus the remote `serverdone`.
pub fn relay(
    fwd: &dyn Forwarder,
    addr: &str,
    req: &Request,
    aborted: &dyn Fn() -> bool,
    out: &mut dyn Responder,
) -> Result<(), ForwardError> {
    fwd.submit(addr, req, aborted, &mut |mut resp: Response| {
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
    match relay(fwd, addr, req, aborted, out) {
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
