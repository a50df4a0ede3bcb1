//! The [`Forwarder`] for hierarchy and `--fallback`: the client library's
//! connection (`xcat_net::submit_blocking`) presenting the daemon's own
//! `server-cred.pem`, so the receiving xcatd sees a trusted peer and keeps the
//! caller's `username`; the other side is checked against `ca.pem` without a
//! host-name check, as the stock client does.
//!
//! The client library wants `Send` callbacks; the relay target is not, so the
//! connection runs on a scoped helper thread and hands each response back
//! through a bounded channel (back-pressure reaches the remote daemon).

use super::{ForwardError, Forwarder};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;
use xcat_net::{submit_blocking, ClientError, ConnectOptions, Credentials, SubmitOutcome};
use xcat_handlers::api::Aborted;
use xcat_proto::{Request, Response};

/// How often our own client's abort is checked while the remote is silent.
const POLL: Duration = Duration::from_millis(200);
/// Responses buffered between the connection and the relay target.
const QUEUE: usize = 64;

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
}

/// Nothing relayed yet: the remote never really answered.
fn failure(relayed: bool, why: String) -> ForwardError {
    if relayed {
        ForwardError::Broken(why)
    } else {
        ForwardError::Connect(why)
    }
}

impl Forwarder for TlsForwarder {
    fn submit(
        &self,
        addr: &str,
        req: &Request,
        aborted: &dyn Fn() -> bool,
        each: &mut dyn FnMut(Response) -> Result<(), Aborted>,
    ) -> Result<(), ForwardError> {
        let stop = AtomicBool::new(false);
        let mut relayed = false;
        let mut we_stopped = false;
        let joined = std::thread::scope(|scope| {
            let (tx, rx) = mpsc::sync_channel::<Response>(QUEUE);
            let stop = &stop;
            let worker = scope.spawn(move || {
                let mut forward = move |r: Response| tx.send(r).is_ok();
                let should_abort = || stop.load(Ordering::SeqCst);
                submit_blocking(
                    addr,
                    Some(&self.creds),
                    &self.opts,
                    req,
                    &mut forward,
                    &should_abort,
                )
            });
            loop {
                match rx.recv_timeout(POLL) {
                    Ok(resp) => {
                        relayed = true;
                        if each(resp).is_err() {
                            we_stopped = true;
                            break;
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        if aborted() {
                            we_stopped = true;
                            break;
                        }
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            // Tell the connection to stop (it sends `abortcommand` when the
            // remote is silent) and unblock it if it waits on the queue.
            stop.store(we_stopped, Ordering::SeqCst);
            drop(rx);
            worker.join()
        });
        if we_stopped {
            return Err(ForwardError::Aborted);
        }
        match joined {
            Ok(Ok(SubmitOutcome::Done(last))) => {
                each(last).map_err(|_| ForwardError::Aborted)?;
                Ok(())
            }
            Ok(Ok(SubmitOutcome::Stopped)) => Err(ForwardError::Aborted),
            Ok(Ok(SubmitOutcome::Premature)) => Err(failure(
                relayed,
                "connection closed before serverdone".to_string(),
            )),
            Ok(Err(ClientError::BadResponse(e))) => {
                Err(ForwardError::Broken(format!("bad response: {e}")))
            }
            Ok(Err(e)) => Err(failure(relayed, e.to_string())),
            Err(_) => Err(failure(relayed, "forwarding thread failed".to_string())),
        }
    }
}
