//! A blocking front end to [`crate::submit`] for synchronous callers (the
//! daemon's handlers run on blocking threads): hierarchy forwarding to
//! service nodes and `--fallback` relaying.  Runs a private current-thread
//! runtime; must not be called from inside an async task.

use crate::conn::{ConnectOptions, Connection, SubmitOutcome};
use crate::error::ClientError;
use crate::Credentials;
use std::time::Duration;
use xcat_proto::{Request, Response};

/// How often `should_abort` is polled while the server is silent.
const ABORT_POLL: Duration = Duration::from_millis(500);

/// Send `request` to `addr` and pass every document before the serverdone
/// to `on_response`; returns like [`crate::submit`].  When `should_abort`
/// turns true, `abortcommand` is sent to the server (as the stock client
/// does on SIGINT) and `Stopped` returned.
pub fn submit_blocking(
    addr: &str,
    creds: Option<&Credentials>,
    opts: &ConnectOptions,
    request: &Request,
    on_response: &mut (dyn FnMut(Response) -> bool + Send),
    should_abort: &(dyn Fn() -> bool + Sync),
) -> Result<SubmitOutcome, ClientError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut conn = Connection::connect(addr, creds, opts).await?;
        let outcome = {
            let answer = conn.request(request, on_response);
            tokio::pin!(answer);
            loop {
                tokio::select! {
                    o = &mut answer => break Some(o),
                    _ = tokio::time::sleep(ABORT_POLL) => {
                        if should_abort() {
                            break None;
                        }
                    }
                }
            }
        };
        match outcome {
            Some(o) => {
                conn.close().await;
                o
            }
            None => {
                let _ = conn.send_raw(crate::conn::ABORT_REQUEST).await;
                conn.close().await;
                Ok(SubmitOutcome::Stopped)
            }
        }
    })
}
