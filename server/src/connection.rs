//! One client connection after the handshake (xCAT-server/sbin/xcatd:2830-2845): read
//! requests (idle and whole-request limits, size limits, the global budget),
//! run them one after another (pipelined ones wait in a bounded queue), keep
//! reading while a command runs so `abortcommand` can stop it, and write the
//! responses in bursts that end on document boundaries.

use crate::dispatch;
use crate::framing::{is_abort, FrameError, Framer};
use crate::output::{render, serverdone, AbortFlag, ChannelResponder, Out};
use crate::peer::PeerInfo;
use crate::state::{Shared, BUDGET_UNIT};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::{sleep_until, timeout, Instant};
use xcat_proto::Response;

const READ_CHUNK: usize = 8 * 1024;

enum Pending {
    Request {
        bytes: Vec<u8>,
        _permit: Option<OwnedSemaphorePermit>,
    },
    /// Answer with this final document, then close.
    Reject(Response),
    /// Close without a word (not an xCAT peer).
    Close,
}

struct Running {
    rx: mpsc::Receiver<Out>,
    abort: AbortFlag,
    _permit: Option<OwnedSemaphorePermit>,
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

/// Read more bytes, first reserving budget for what the buffer may grow to.
async fn read_more<R: AsyncRead + Unpin>(
    rd: &mut R,
    framer: &mut Framer,
    budget: &Arc<Semaphore>,
    held: &mut Option<OwnedSemaphorePermit>,
) -> std::io::Result<usize> {
    let want = (framer.buffered() + READ_CHUNK) / BUDGET_UNIT + 1;
    let have = held.as_ref().map_or(0, |p| p.num_permits());
    if want > have {
        let extra = u32::try_from(want - have).unwrap_or(u32::MAX);
        let permit = budget
            .clone()
            .acquire_many_owned(extra)
            .await
            .map_err(|_| std::io::Error::other("budget closed"))?;
        match held {
            Some(h) => h.merge(permit),
            None => *held = Some(permit),
        }
    }
    let buf = framer.buffer_mut();
    buf.reserve(READ_CHUNK);
    rd.read_buf(buf).await
}

fn start(
    shared: &Arc<Shared>,
    peer: &Arc<PeerInfo>,
    bytes: Vec<u8>,
    permit: Option<OwnedSemaphorePermit>,
) -> Running {
    let (tx, rx) = mpsc::channel(shared.cfg.limits.response_queue.max(1));
    let abort = AbortFlag::new();
    let source: Arc<str> = Arc::from(shared.cfg.source_name.as_str());
    let mut out = ChannelResponder::new(tx, abort.clone(), source);
    let shared = shared.clone();
    let peer = peer.clone();
    tokio::task::spawn_blocking(move || {
        crate::memory::run_command(|| dispatch::serve(&shared, &peer, &bytes, &mut out));
    });
    Running {
        rx,
        abort,
        _permit: permit,
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

/// Serve requests on `stream` until EOF, idle timeout, abort, or shutdown.
pub async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    peer: PeerInfo,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let peer = Arc::new(peer);
    let limits = shared.cfg.limits.clone();
    let limit = if peer.name.is_some() {
        limits.request_bytes
    } else {
        limits.anon_request_bytes
    };
    let (mut rd, mut wr) = tokio::io::split(stream);
    let mut framer = Framer::new();
    let mut held: Option<OwnedSemaphorePermit> = None;
    let mut queue: VecDeque<Pending> = VecDeque::new();
    let mut running: Option<Running> = None;
    let mut wbuf: Vec<u8> = Vec::new();
    let mut eof = false;
    let mut stop_reading = false;
    let mut close_after = false;
    let mut shutting_down = *shutdown.borrow();
    let mut last_read = Instant::now();
    let mut request_started: Option<Instant> = None;

    'conn: loop {
        if running.is_none() {
            if close_after || shutting_down {
                break;
            }
            match queue.pop_front() {
                Some(Pending::Request { bytes, _permit }) => {
                    running = Some(start(&shared, &peer, bytes, _permit));
                    continue;
                }
                Some(Pending::Reject(doc)) => {
                    render(doc, &shared.cfg.source_name, &mut wbuf);
                    write_burst(&mut wr, &mut wbuf, limits.write_timeout).await;
                    break;
                }
                Some(Pending::Close) => break,
                None if eof => break,
                None => {}
            }
        }
        let can_read = !eof && !stop_reading && queue.len() < limits.pipelined_requests;
        let idle_deadline = if running.is_none() && queue.is_empty() {
            let idle = last_read + limits.idle;
            Some(match request_started {
                Some(s) => idle.min(s + limits.request_deadline),
                None => idle,
            })
        } else {
            None
        };
        tokio::select! {
            out = next_out(&mut running), if running.is_some() => {
                match out {
                    Some(Out::Doc(doc)) => {
                        wbuf.extend_from_slice(&doc);
                        let mut finished = false;
                        if let Some(r) = running.as_mut() {
                            while wbuf.len() < limits.write_chunk {
                                match r.rx.try_recv() {
                                    Ok(Out::Doc(d)) => wbuf.extend_from_slice(&d),
                                    Ok(Out::Close) => close_after = true,
                                    Err(mpsc::error::TryRecvError::Empty) => break,
                                    Err(mpsc::error::TryRecvError::Disconnected) => {
                                        finished = true;
                                        break;
                                    }
                                }
                            }
                        }
                        if !write_burst(&mut wr, &mut wbuf, limits.write_timeout).await {
                            break 'conn;
                        }
                        if finished {
                            running = None;
                            framer.shrink();
                        }
                    }
                    Some(Out::Close) => close_after = true,
                    None => {
                        running = None;
                        framer.shrink();
                    }
                }
            }
            r = read_more(&mut rd, &mut framer, &shared.budget, &mut held), if can_read => {
                match r {
                    Ok(0) | Err(_) => {
                        eof = true;
                        if framer.has_partial() {
                            tracing::debug!("connection closed inside a request");
                        }
                    }
                    Ok(_) => {
                        last_read = Instant::now();
                        loop {
                            match framer.next_frame(limit) {
                                Ok(Some(frame)) => {
                                    request_started = None;
                                    if is_abort(&frame) {
                                        if let Some(r) = running.take() {
                                            r.abort.raise();
                                            tracing::info!("Client abort requested");
                                        }
                                        break 'conn;
                                    }
                                    let units = frame.len() / BUDGET_UNIT + 1;
                                    let permit = match held.as_mut() {
                                        Some(h) if h.num_permits() > units => h.split(units),
                                        _ => held.take(),
                                    };
                                    queue.push_back(Pending::Request { bytes: frame, _permit: permit });
                                }
                                Ok(None) => {
                                    if framer.has_partial() && request_started.is_none() {
                                        request_started = Some(Instant::now());
                                    }
                                    break;
                                }
                                Err(FrameError::NotXcat) => {
                                    tracing::info!("xcatd: Close an invalid connection.");
                                    stop_reading = true;
                                    queue.push_back(Pending::Close);
                                    break;
                                }
                                Err(FrameError::TooLarge { limit }) => {
                                    tracing::warn!("request over {limit} bytes refused");
                                    stop_reading = true;
                                    queue.push_back(Pending::Reject(too_large(limit)));
                                    break;
                                }
                            }
                        }
                    }
                }
            }
            _ = sleep_until(idle_deadline.unwrap_or_else(Instant::now)), if idle_deadline.is_some() => {
                tracing::debug!("connection idle, closing");
                break;
            }
            _ = shutdown.changed(), if !shutting_down => {
                shutting_down = true;
            }
        }
    }
    drop(running);
    let _ = timeout(Duration::from_secs(1), wr.shutdown()).await;
}
