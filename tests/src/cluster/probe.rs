//! Reaching a host's network from the test process without leaving the
//! cluster: a short-lived thread joins the host's network namespace
//! (`setns` affects only that thread) and makes the connection there.

use super::layout::Layout;
use std::fs::File;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// Run `f` on a thread inside the host's network namespace.
pub fn in_netns<T: Send + 'static>(
    layout: &Layout,
    host: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let path = format!("/run/netns/{}", layout.netns(host));
    let file = File::open(&path).map_err(|e| format!("{path}: {e}"))?;
    std::thread::spawn(move || {
        // SAFETY: a valid namespace descriptor; only this thread moves.
        let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
        if rc != 0 {
            return Err(format!("setns: {}", std::io::Error::last_os_error()));
        }
        Ok(f())
    })
    .join()
    .map_err(|_| "probe thread panicked".to_string())?
}

/// Open a TCP connection from inside `from` (the socket stays in that
/// namespace wherever it is used afterwards).
pub fn connect_from(
    layout: &Layout,
    from: &str,
    addr: SocketAddr,
    timeout: Duration,
) -> Result<TcpStream, String> {
    in_netns(layout, from, move || {
        TcpStream::connect_timeout(&addr, timeout)
    })?
    .map_err(|e| format!("{addr} from {from}: {e}"))
}

/// Wait until `addr` accepts connections from inside `from`.
pub fn wait_listening(
    layout: &Layout,
    from: &str,
    addr: SocketAddr,
    limit: Duration,
) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    loop {
        match connect_from(layout, from, addr, Duration::from_millis(500)) {
            Ok(_) => return Ok(()),
            Err(e) if Instant::now() > deadline => {
                return Err(format!("not listening within {limit:?}: {e}"))
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}
