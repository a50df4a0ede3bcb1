//! One client connection after the handshake (xCAT-server/sbin/xcatd:2830-2845): read
//! requests (a deadline per request that bytes do not extend, size limits,
//! the global budget), take a `site.xcatmaxconnections` slot with the first
//! complete request, run requests one after another (pipelined ones wait in
//! a bounded queue), keep reading while a command runs so `abortcommand` can
//! stop it, and write the responses in bursts that end on document
//! boundaries.

use crate::budget::{Budget, Charge};
use crate::config::Limits;
use crate::dispatch;
use crate::framing::{is_abort, FrameError, Framer};
use crate::output::{render, serverdone, AbortFlag, ChannelResponder, Out};
use crate::peer::PeerInfo;
use crate::pending::PendingGuard;
use crate::state::Shared;
use crate::throttle::ConnPermit;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::{mpsc, watch};
use tokio::time::{sleep_until, timeout, Instant};
use xcat_proto::Response;

const READ_CHUNK: usize = 8 * 1024;

enum Pending {
    Request {
        bytes: Vec<u8>,
        charge: Charge,
    },
    /// Answer with this final document, then close.
    Reject(Response),
    /// Close without a word (not an xCAT peer).
    Close,
}

struct Running {
    rx: mpsc::Receiver<Out>,
    abort: AbortFlag,
    _charge: Charge,
}

impl Drop for Running {
    fn drop(&mut self) {
        // Harmless after completion; stops a handler whose client went away.
        self.abort.raise();
    }
}

async fn next_out(running: &mut Option<Running>) -> Option<Out> {
    match running {
        Some(r) => r.rx.recv().await,
        None => std::future::pending().await,
    }
}

/// Read more bytes, first charging the budget for what the buffer may
/// grow to (the allocation, not the bytes: growing doubles the capacity, up
/// to what the largest request needs).
async fn read_more<R: AsyncRead + Unpin>(
    rd: &mut R,
    framer: &mut Framer,
    budget: &Budget,
    held: &mut Charge,
    max_request: usize,
) -> std::io::Result<usize> {
    let buf = framer.buffer_mut();
    let capacity = if buf.capacity() - buf.len() >= READ_CHUNK {
        buf.capacity()
    } else {
        (buf.capacity() * 2)
            .min(max_request + READ_CHUNK)
            .max(buf.len() + READ_CHUNK)
    };
    held.grow(budget, budget.units(capacity)).await?;
    let buf = framer.buffer_mut();
    buf.reserve_exact(capacity - buf.len());
    rd.read_buf(buf).await
}

fn start(shared: &Arc<Shared>, peer: &Arc<PeerInfo>, bytes: Vec<u8>, charge: Charge) -> Running {
    let (tx, rx) = mpsc::channel(shared.cfg.limits.response_queue.max(1));
    let abort = AbortFlag::new();
    let source: Arc<str> = Arc::from(shared.cfg.source_name.as_str());
    let mut out = ChannelResponder::new(tx, abort.clone(), source);
    let shared = shared.clone();
    let peer = peer.clone();
    tokio::task::spawn_blocking(move || {
        crate::memory::run_command(|| dispatch::serve(&shared, &peer, bytes, &mut out));
    });
    Running {
        rx,
        abort,
        _charge: charge,
    }
}

fn too_large(limit: usize) -> Response {
    serverdone(
        Response::new().error(format!(
            "Request too large: more than {limit} bytes without </xcatrequest>"
        )),
        None,
    )
}

async fn write_burst<W: AsyncWrite + Unpin>(
    wr: &mut W,
    buf: &mut Vec<u8>,
    limit: Duration,
) -> bool {
    let ok = matches!(
        timeout(limit, async {
            wr.write_all(buf).await?;
            wr.flush().await
        })
        .await,
        Ok(Ok(()))
    );
    buf.clear();
    if buf.capacity() > 256 * 1024 {
        *buf = Vec::new();
    }
    ok
}

/// What the listener hands over with a connection: the deadline for its
/// first request and its place in the pending pool.
pub struct Start {
    pub deadline: Instant,
    pub pending: PendingGuard,
}

/// Why the connection ends (debug log only).
enum Stop {
    Done,
    TimedOut,
    Evicted,
    WriteFailed,
    Aborted,
}

/// One connection's state; the event loop in [`Conn::run`] calls one method
/// per event.
struct Conn<S> {
    shared: Arc<Shared>,
    peer: Arc<PeerInfo>,
    limits: Limits,
    /// Largest request accepted from this peer.
    request_limit: usize,
    rd: ReadHalf<S>,
    wr: WriteHalf<S>,
    framer: Framer,
    /// Budget held for the bytes buffered in `framer`.
    held: Charge,
    queue: VecDeque<Pending>,
    running: Option<Running>,
    wbuf: Vec<u8>,
    /// No more bytes will be read (EOF, error, or a refused request).
    reading_done: bool,
    /// The handler asked to close after its answer.
    close_after: bool,
    shutting_down: bool,
    /// The next request must be complete by then (while none runs).
    deadline: Instant,
    /// Until the first complete request: the connection's pending entry.
    pending: Option<PendingGuard>,
    /// The `site.xcatmaxconnections` slot, from the first complete request on.
    slot: Option<ConnPermit>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Conn<S> {
    fn new(stream: S, peer: PeerInfo, shared: Arc<Shared>, start: Start) -> Conn<S> {
        let limits = shared.cfg.limits.clone();
        let request_limit = if peer.name.is_some() {
            limits.request_bytes
        } else {
            limits.anon_request_bytes
        };
        let (rd, wr) = tokio::io::split(stream);
        Conn {
            peer: Arc::new(peer),
            shared,
            limits,
            request_limit,
            rd,
            wr,
            framer: Framer::new(),
            held: Charge::default(),
            queue: VecDeque::new(),
            running: None,
            wbuf: Vec::new(),
            reading_done: false,
            close_after: false,
            shutting_down: false,
            deadline: start.deadline,
            pending: Some(start.pending),
            slot: None,
        }
    }

    fn can_read(&self) -> bool {
        !self.reading_done && self.queue.len() < self.limits.pipelined_requests
    }

    /// Waiting for a request (nothing runs or is queued): the deadline applies.
    fn waiting_for_request(&self) -> bool {
        self.running.is_none() && self.queue.is_empty()
    }

    /// A complete request waits for this connection's first slot.
    fn needs_slot(&self) -> bool {
        self.slot.is_none()
            && self.running.is_none()
            && !self.shutting_down
            && matches!(self.queue.front(), Some(Pending::Request { .. }))
    }

    fn is_admin(&self) -> bool {
        self.peer.name.as_deref() == Some("root")
    }

    /// Start the next queued request if possible; `Some` ends the connection.
    async fn advance(&mut self) -> Option<Stop> {
        if self.running.is_some() {
            return None;
        }
        if self.close_after || self.shutting_down {
            return Some(Stop::Done);
        }
        match self.queue.front() {
            Some(Pending::Request { .. }) if self.slot.is_none() => None,
            Some(_) => match self.queue.pop_front() {
                Some(Pending::Request { bytes, charge }) => {
                    self.running = Some(start(&self.shared, &self.peer, bytes, charge));
                    None
                }
                Some(Pending::Reject(doc)) => {
                    render(doc, &self.shared.cfg.source_name, &mut self.wbuf);
                    write_burst(&mut self.wr, &mut self.wbuf, self.limits.write_timeout).await;
                    Some(Stop::Done)
                }
                Some(Pending::Close) | None => Some(Stop::Done),
            },
            None if self.reading_done => Some(Stop::Done),
            None => None,
        }
    }

    /// Output of the running command: write it (with what else is ready).
    async fn on_output(&mut self, out: Option<Out>) -> Option<Stop> {
        let doc = match out {
            Some(Out::Doc(doc)) => doc,
            Some(Out::Close) => {
                self.close_after = true;
                return None;
            }
            None => {
                self.command_finished();
                return None;
            }
        };
        self.wbuf.extend_from_slice(&doc);
        let mut finished = false;
        if let Some(r) = self.running.as_mut() {
            while self.wbuf.len() < self.limits.write_chunk {
                match r.rx.try_recv() {
                    Ok(Out::Doc(d)) => self.wbuf.extend_from_slice(&d),
                    Ok(Out::Close) => self.close_after = true,
                    Err(mpsc::error::TryRecvError::Empty) => break,
                    Err(mpsc::error::TryRecvError::Disconnected) => {
                        finished = true;
                        break;
                    }
                }
            }
        }
        if !write_burst(&mut self.wr, &mut self.wbuf, self.limits.write_timeout).await {
            return Some(Stop::WriteFailed);
        }
        if finished {
            self.command_finished();
        }
        None
    }

    /// The running command is done; the next request's time starts now.
    fn command_finished(&mut self) {
        self.running = None;
        self.framer.shrink();
        self.deadline = Instant::now() + self.limits.request_timeout;
    }

    /// Bytes (or EOF) from the peer: queue every complete request.
    fn on_read(&mut self, r: std::io::Result<usize>) -> Option<Stop> {
        match r {
            Ok(0) | Err(_) => {
                self.reading_done = true;
                if self.framer.has_partial() {
                    tracing::debug!("connection closed inside a request");
                }
                None
            }
            Ok(_) => self.frame_requests(),
        }
    }

    fn frame_requests(&mut self) -> Option<Stop> {
        loop {
            match self.framer.next_frame(self.request_limit) {
                Ok(Some(frame)) => {
                    if is_abort(&frame) {
                        if let Some(r) = self.running.take() {
                            r.abort.raise();
                            tracing::info!("Client abort requested");
                        }
                        return Some(Stop::Aborted);
                    }
                    // A complete request: no longer a pending connection.
                    self.pending = None;
                    let units = self.shared.budget.units(frame.capacity());
                    let charge = self.held.split(units);
                    self.queue.push_back(Pending::Request {
                        bytes: frame,
                        charge,
                    });
                }
                Ok(None) => return None,
                Err(FrameError::NotXcat) => {
                    tracing::info!("xcatd: Close an invalid connection.");
                    self.refuse(Pending::Close);
                    return None;
                }
                Err(FrameError::TooLarge { limit }) => {
                    tracing::warn!("request over {limit} bytes refused");
                    self.refuse(Pending::Reject(too_large(limit)));
                    return None;
                }
            }
        }
    }

    fn refuse(&mut self, last: Pending) {
        self.reading_done = true;
        self.queue.push_back(last);
        // The buffered bytes of the refused request are not needed.
        self.framer = Framer::new();
        self.held = Charge::default();
    }

    /// Serve requests until EOF, timeout, abort, eviction or shutdown.
    async fn run(&mut self, shutdown: &mut watch::Receiver<bool>) -> Stop {
        self.shutting_down = *shutdown.borrow();
        loop {
            if let Some(stop) = self.advance().await {
                return stop;
            }
            let can_read = self.can_read();
            let timed = self.waiting_for_request();
            let needs_slot = self.needs_slot();
            let admin = self.is_admin();
            let limit = self.shared.conn_limit.clone();
            let shared = self.shared.clone();
            let evictable = self.pending.is_some();
            tokio::select! {
                out = next_out(&mut self.running), if self.running.is_some() => {
                    if let Some(stop) = self.on_output(out).await {
                        return stop;
                    }
                }
                r = read_more(&mut self.rd, &mut self.framer, &shared.budget, &mut self.held, self.request_limit), if can_read => {
                    if let Some(stop) = self.on_read(r) {
                        return stop;
                    }
                }
                slot = limit.acquire(admin), if needs_slot => self.slot = Some(slot),
                _ = sleep_until(self.deadline), if timed => return Stop::TimedOut,
                _ = evicted(&self.pending), if evictable => return Stop::Evicted,
                _ = shutdown.changed(), if !self.shutting_down => self.shutting_down = true,
            }
        }
    }
}

async fn evicted(pending: &Option<PendingGuard>) {
    match pending {
        Some(p) => p.evicted().await,
        None => std::future::pending().await,
    }
}

/// Serve requests on `stream` until EOF, the request timeout, abort,
/// eviction from the pending pool, or shutdown.
pub async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    peer: PeerInfo,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    start: Start,
) {
    let mut conn = Conn::new(stream, peer, shared, start);
    let why = conn.run(&mut shutdown).await;
    match why {
        Stop::TimedOut => tracing::debug!("no complete request in time, closing"),
        Stop::Evicted => tracing::debug!("pending connection closed to make room"),
        Stop::WriteFailed => tracing::debug!("peer not reading, closing"),
        Stop::Done | Stop::Aborted => {}
    }
    drop(conn.running.take());
    let _ = timeout(Duration::from_secs(1), conn.wr.shutdown()).await;
}
