//! The [`Forwarder`] for hierarchy and `--fallback`: an `xcat-net`
//! connection presenting the daemon's own `server-cred.pem`, so the
//! receiving xcatd sees a trusted peer and keeps the caller's `username`;
//! the other side is checked against `ca.pem` without a host-name check, as
//! the stock client does (`xCAT-server/sbin/xcatd:2436`).
//!
//! Each call drives its connection with its own current-thread runtime on
//! the calling (blocking) thread, one document at a time, and calls `each`
//! between steps as documents arrive; while `each` blocks (the
//! client reads slowly) nothing more is read from the remote, so memory
//! stays bounded whatever the answer's size.  Connect and handshake are
//! bounded by `Timeouts::connect`, silence after that by `Timeouts::idle`.

use super::{ForwardError, Forwarder, Timeouts};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;
use xcat_handlers::api::Aborted;
use xcat_net::conn::ABORT_REQUEST;
use xcat_net::{ConnectOptions, Connection, Credentials, Next};
use xcat_proto::{Request, Response};

/// How often our own client's abort and the idle limit are checked.
const POLL: Duration = Duration::from_millis(100);
/// Closing a connection never waits longer than this.
const CLOSE_LIMIT: Duration = Duration::from_secs(1);

pub struct TlsForwarder {
    creds: Credentials,
    opts: ConnectOptions,
}

impl TlsForwarder {
    /// Credentials from `cred` (certificate + key) and the CA in `ca`, read once.
    pub fn new(cred: &Path, ca: &Path) -> Result<TlsForwarder, String> {
        Ok(TlsForwarder {
            creds: Credentials::from_files(cred, ca).map_err(|e| e.to_string())?,
            opts: ConnectOptions::default(),
        })
    }

    /// Runs the connection's futures one step at a time with `rt`, calling
    /// `each` between steps: outside the runtime, since `each` may block
    /// (a daemon's responder is a blocking channel send).
    fn exchange(
        &self,
        rt: &Runtime,
        addr: &str,
        req: &Request,
        timeouts: &Timeouts,
        aborted: &dyn Fn() -> bool,
        each: &mut dyn FnMut(Response) -> Result<(), Aborted>,
    ) -> Result<(), ForwardError> {
        let opts = ConnectOptions {
            timeout: timeouts.connect,
            ..self.opts.clone()
        };
        let mut conn = rt
            .block_on(Connection::connect(addr, Some(&self.creds), &opts))
            .map_err(|e| ForwardError::Connect(e.to_string()))?;
        // A failed write is not fatal by itself: the remote may have answered.
        let _ = rt.block_on(conn.send(req));
        let mut heard = Instant::now();
        loop {
            let step = rt.block_on(async {
                tokio::select! {
                    n = conn.next_response() => Some(n),
                    _ = tokio::time::sleep(POLL) => None,
                }
            });
            match step {
                None if aborted() => return Err(rt.block_on(stop(conn))),
                None => {
                    if let Some(idle) = timeouts.idle.filter(|i| heard.elapsed() >= *i) {
                        rt.block_on(close(conn));
                        return Err(ForwardError::Broken(format!(
                            "no answer for {} s (idle timeout)",
                            idle.as_secs_f64()
                        )));
                    }
                }
                Some(Ok(Next::Doc(resp))) => {
                    if each(resp).is_err() {
                        return Err(rt.block_on(stop(conn)));
                    }
                    heard = Instant::now();
                }
                Some(Ok(Next::Done(last))) => {
                    rt.block_on(close(conn));
                    return each(last).map_err(|_| ForwardError::Aborted);
                }
                Some(Ok(Next::Closed)) => {
                    return Err(ForwardError::Broken(
                        "connection closed before serverdone".to_string(),
                    ))
                }
                Some(Err(e)) => return Err(ForwardError::Broken(e.to_string())),
            }
        }
    }
}

async fn close(conn: Connection) {
    let _ = tokio::time::timeout(CLOSE_LIMIT, conn.close()).await;
}

/// Our client is gone: tell the remote (stock's `abortcommand`) and hang up.
async fn stop(mut conn: Connection) -> ForwardError {
    let _ = tokio::time::timeout(CLOSE_LIMIT, conn.send_raw(ABORT_REQUEST)).await;
    close(conn).await;
    ForwardError::Aborted
}

impl Forwarder for TlsForwarder {
    fn submit(
        &self,
        addr: &str,
        req: &Request,
        timeouts: &Timeouts,
        aborted: &dyn Fn() -> bool,
        each: &mut dyn FnMut(Response) -> Result<(), Aborted>,
    ) -> Result<(), ForwardError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ForwardError::Connect(format!("runtime: {e}")))?;
        self.exchange(&runtime, addr, req, timeouts, aborted, each)
    }
}
