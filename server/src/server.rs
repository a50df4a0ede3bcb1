//! The serving daemon as a value: start it on bound listeners, ask it to
//! stop, wait until in-flight requests have finished (bounded by the
//! shutdown grace time).  `main` and the integration tests both use this.

use crate::listener::accept_loop;
use crate::state::Shared;
use crate::tls::{AcceptorCache, TlsSettings};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

pub struct Server {
    pub addrs: Vec<SocketAddr>,
    stop: watch::Sender<bool>,
    done: JoinHandle<bool>,
}

impl Server {
    /// Start serving on already bound listeners (call inside a runtime).
    pub fn start(
        shared: Arc<Shared>,
        listeners: Vec<std::net::TcpListener>,
    ) -> Result<Server, String> {
        let site = shared.store.site().ok();
        let settings = TlsSettings {
            ciphers: site.as_ref().and_then(|s| s.get("xcatsslciphers").cloned()),
            version: site.as_ref().and_then(|s| s.get("xcatsslversion").cloned()),
        };
        let acceptors = Arc::new(AcceptorCache::new(&shared.cfg, settings)?);
        let mut addrs = Vec::new();
        let mut tokio_listeners = Vec::new();
        for l in listeners {
            addrs.push(l.local_addr().map_err(|e| e.to_string())?);
            tokio_listeners.push(tokio::net::TcpListener::from_std(l).map_err(|e| e.to_string())?);
        }
        let (stop, stop_rx) = watch::channel(false);
        let grace = shared.cfg.limits.shutdown_grace;
        let done = tokio::spawn(async move {
            let (guard, mut all_closed) = mpsc::channel::<()>(1);
            accept_loop(tokio_listeners, shared, acceptors, stop_rx, guard).await;
            // Every connection task holds a guard clone; recv() ends with them.
            let abandoned = tokio::time::timeout(grace, all_closed.recv())
                .await
                .is_err();
            if abandoned {
                tracing::warn!("requests still running after {grace:?}; exiting anyway");
            }
            abandoned
        });
        Ok(Server { addrs, stop, done })
    }

    /// Stop accepting; connections finish their current request.
    pub fn shutdown(&self) {
        let _ = self.stop.send(true);
    }

    /// Wait until the daemon has stopped accepting and its requests have
    /// ended; `true` when some were still running at the end of the grace
    /// time (abandoned: see `main`, which then exits at once).
    pub async fn wait(self) -> bool {
        self.done.await.unwrap_or(true)
    }
}
