//! All parts of one request at once (stock forks one child per part,
//! `xCAT-server/sbin/xcatd:2374`): up to `fanout` worker threads take parts
//! from a queue, run them here or forward them to their service nodes
//! ([`hierarchy::run_part`]), and pass every response document through one
//! bounded channel to the caller's responder as it arrives.  Memory stays
//! flat: a worker whose documents are not taken yet stops reading its
//! service node.  If the client goes away every worker stops (a remote
//! gets `abortcommand`).  A request whose parts all run here runs on the
//! calling thread, as before.

use super::hierarchy::{self, Dest, Remote};
use super::settings::ForwardSettings;
use crate::handler_call;
use crate::output::AbortFlag;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender};
use std::sync::Mutex;
use std::time::Duration;
use xcat_handlers::api::Aborted;
use xcat_handlers::{Ctx, Handler, Part, Responder};
use xcat_proto::{Request, Response};

/// Documents buffered between the workers and the caller's responder.
const QUEUE: usize = 64;
/// How often the caller's abort flag is checked while no document arrives.
const POLL: Duration = Duration::from_millis(100);

/// Everything a part needs besides itself.
pub struct Fanout<'a> {
    pub handler: &'a dyn Handler,
    pub ctx: &'a Ctx,
    pub remote: Remote<'a>,
    pub settings: ForwardSettings,
    /// `_xcatver` put into forwarded parts.
    pub xcatver: &'a str,
    pub abort: &'a AbortFlag,
}

/// A part with its destinations resolved.
struct Planned {
    request: Request,
    dests: Vec<Dest>,
}

/// A worker's responder: into the shared channel, until the caller stops.
struct ToCaller<'s> {
    tx: SyncSender<Response>,
    stop: &'s AtomicBool,
}

impl Responder for ToCaller<'_> {
    fn send(&mut self, response: Response) -> Result<(), Aborted> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(Aborted);
        }
        self.tx.send(response).map_err(|_| Aborted)
    }
}

impl Fanout<'_> {
    /// Run every part; `own_names`/`own_port` decide which destinations are here.
    pub fn run(
        &self,
        parts: Vec<Part>,
        own_names: &[&str],
        own_port: u16,
        out: &mut dyn Responder,
    ) -> Result<(), Aborted> {
        let planned: Vec<Planned> = parts
            .into_iter()
            .map(|p| Planned {
                dests: hierarchy::destinations(&p.dest, own_names, own_port, self.settings.sn_port),
                request: p.request,
            })
            .collect();
        if planned.iter().all(|p| p.dests == [Dest::Here]) {
            for p in &planned {
                handler_call::process(self.handler, self.ctx, &p.request, out)?;
            }
            return Ok(());
        }
        self.in_parallel(planned, out)
    }

    fn run_one(
        &self,
        part: &Planned,
        stop: &AtomicBool,
        out: &mut dyn Responder,
    ) -> Result<(), Aborted> {
        if part.dests == [Dest::Here] {
            return handler_call::process(self.handler, self.ctx, &part.request, out);
        }
        let forwarded = hierarchy::forwarded_request(&part.request, self.xcatver);
        let aborted = || stop.load(Ordering::Relaxed);
        hierarchy::run_part(
            &self.remote,
            &part.dests,
            &forwarded,
            &aborted,
            out,
            &mut |o| handler_call::process(self.handler, self.ctx, &part.request, o),
        )
    }

    fn in_parallel(&self, planned: Vec<Planned>, out: &mut dyn Responder) -> Result<(), Aborted> {
        let workers = self.settings.fanout.clamp(1, planned.len());
        let queue = Mutex::new(planned.into_iter().collect::<VecDeque<_>>());
        let stop = AtomicBool::new(false);
        let (tx, rx) = mpsc::sync_channel::<Response>(QUEUE);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                let mut to_caller = ToCaller {
                    tx: tx.clone(),
                    stop: &stop,
                };
                let (queue, stop) = (&queue, &stop);
                scope.spawn(move || loop {
                    let next = queue.lock().ok().and_then(|mut q| q.pop_front());
                    let Some(part) = next else { break };
                    if self.run_one(&part, stop, &mut to_caller).is_err() {
                        break;
                    }
                });
            }
            drop(tx);
            let result = self.relay(&rx, out);
            if result.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            // Unblock workers waiting on a full channel; they see `stop`.
            drop(rx);
            result
        })
    }

    /// Pass documents on until every worker is done or the client is gone.
    fn relay(&self, rx: &mpsc::Receiver<Response>, out: &mut dyn Responder) -> Result<(), Aborted> {
        loop {
            match rx.recv_timeout(POLL) {
                Ok(resp) => out.send(resp)?,
                Err(RecvTimeoutError::Timeout) if self.abort.is_raised() => return Err(Aborted),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
    }
}
