//! Daemonising and logging, as the stock xcatd does them.
//!
//! [`daemonize`] must run while the process is still single-threaded, i.e.
//! BEFORE the tokio runtime is built.  The launcher (parent) forks, and waits
//! on a pipe: the child reports `SUCCESS` through [`DaemonHandle::report_ready`]
//! once the main port is bound; the launcher then writes the CHILD's pid to
//! the pid file and exits 0.  If the child reports a failure or exits first,
//! the launcher logs "xcatd failed to start: …" (syslog and stderr) and exits 1.
//! The child calls setsid, chdir `/`, umask 022 and points stdio at /dev/null.
//!
//! [`init_logging`]: tracing to syslog (ident `xcat`, facility local4, via
//! datagrams on `/dev/log`) or to stderr in the foreground.  Filter:
//! `XCATD_LOG` / `RUST_LOG` (default `info`).

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error("cannot daemonise: {0}")]
    Sys(#[from] nix::Error),
    #[error("cannot daemonise: {0}")]
    Io(#[from] io::Error),
}

/// Held by the daemon child; tells the waiting launcher how start-up went.
pub struct DaemonHandle {
    pipe: Option<File>,
}

impl DaemonHandle {
    /// A handle that reports to nobody (foreground mode, tests).
    pub fn detached() -> DaemonHandle {
        DaemonHandle { pipe: None }
    }

    /// The main port is bound: the launcher writes the pid file and exits 0.
    pub fn report_ready(mut self) {
        if let Some(mut p) = self.pipe.take() {
            let _ = p.write_all(b"SUCCESS");
        }
    }

    /// Start-up failed: the launcher logs `xcatd failed to start: <why>` and
    /// exits 1.  (Dropping the handle unreported has the same effect.)
    pub fn report_failure(mut self, why: &str) {
        if let Some(mut p) = self.pipe.take() {
            let _ = p.write_all(format!("FAILED {why}").as_bytes());
        }
    }
}

/// Fork into the background (see the module doc).  Returns only in the
/// child; the launcher process exits inside this function.
pub fn daemonize(pidfile: &Path) -> Result<DaemonHandle, DaemonError> {
    use nix::unistd::{fork, ForkResult};
    nix::unistd::chdir("/")?;
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o022));
    let (read_end, write_end) = nix::unistd::pipe()?;
    // SAFETY: called before any other thread exists (documented contract).
    match unsafe { fork() }? {
        ForkResult::Parent { child } => {
            drop(write_end);
            let code = launcher_wait(read_end, child.as_raw(), pidfile);
            std::process::exit(code);
        }
        ForkResult::Child => {
            drop(read_end);
            nix::unistd::setsid()?;
            redirect_stdio_to_null()?;
            Ok(DaemonHandle {
                pipe: Some(File::from(write_end)),
            })
        }
    }
}

fn launcher_wait(read_end: OwnedFd, child: i32, pidfile: &Path) -> i32 {
    let mut report = String::new();
    let _ = File::from(read_end).read_to_string(&mut report);
    if report.starts_with("SUCCESS") {
        match write_pidfile(pidfile, child) {
            Ok(()) => 0,
            Err(e) => {
                let msg = format!(
                    "xcatd failed to start: cannot write {}: {e}",
                    pidfile.display()
                );
                launcher_log(&msg);
                1
            }
        }
    } else {
        let why = report
            .strip_prefix("FAILED ")
            .map(str::to_string)
            .unwrap_or_else(|| "the daemon exited during start-up".to_string());
        launcher_log(&format!("xcatd failed to start: {why}"));
        1
    }
}

fn write_pidfile(path: &Path, pid: i32) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    std::fs::write(path, format!("{pid}\n"))
}

/// The launcher still has a terminal: say it there and in syslog.
fn launcher_log(msg: &str) {
    eprintln!("{msg}");
    let _ = SyslogSink::new().send(3, msg);
}

fn redirect_stdio_to_null() -> io::Result<()> {
    let null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")?;
    for fd in 0..3 {
        // SAFETY: dup2 onto the standard descriptors; `null` stays open.
        if unsafe { libc::dup2(null.as_raw_fd(), fd) } < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Remove the pid file at shutdown (best effort).
pub fn remove_pidfile(path: &Path) {
    let _ = std::fs::remove_file(path);
}

// ---------------------------------------------------------------- syslog

/// syslog facility local4 (20), as `openlog("xcat", …, LOG_LOCAL4)`.
const FACILITY_LOCAL4: u8 = 20;
pub const SYSLOG_IDENT: &str = "xcat";

/// Sends RFC 3164 datagrams to the local syslog socket.
#[derive(Clone)]
pub struct SyslogSink {
    socket: Option<Arc<UnixDatagram>>,
    path: PathBuf,
}

impl SyslogSink {
    pub fn new() -> SyslogSink {
        Self::with_path("/dev/log")
    }

    /// A sink writing to another socket path (tests).
    pub fn with_path(path: impl Into<PathBuf>) -> SyslogSink {
        SyslogSink {
            socket: UnixDatagram::unbound().ok().map(Arc::new),
            path: path.into(),
        }
    }

    /// `<PRI>Mmm dd hh:mm:ss xcat[pid]: message`; severity 3=err … 7=debug.
    pub fn send(&self, severity: u8, message: &str) -> io::Result<()> {
        let Some(sock) = &self.socket else {
            return Ok(());
        };
        let line = format_syslog(severity, message, &local_timestamp(), std::process::id());
        sock.send_to(line.as_bytes(), &self.path).map(|_| ())
    }
}

impl Default for SyslogSink {
    fn default() -> Self {
        Self::new()
    }
}

pub fn format_syslog(severity: u8, message: &str, stamp: &str, pid: u32) -> String {
    let pri = u16::from(FACILITY_LOCAL4) * 8 + u16::from(severity.min(7));
    let msg = message.trim_end_matches('\n');
    format!("<{pri}>{stamp} {SYSLOG_IDENT}[{pid}]: {msg}")
}

/// `Nov  2 10:55:58` in local time, as syslog(3) writes it.
fn local_timestamp() -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let tm = xcat_handlers::localtime::local_time(xcat_handlers::localtime::now_secs());
    let mon = MONTHS
        .get((tm.month - 1) as usize)
        .copied()
        .unwrap_or("Jan");
    format!(
        "{mon} {:>2} {:02}:{:02}:{:02}",
        tm.day, tm.hour, tm.minute, tm.second
    )
}

/// One tracing event being formatted; sent as one datagram when dropped.
pub struct SyslogWriter {
    sink: SyslogSink,
    severity: u8,
    buf: Vec<u8>,
}

impl Write for SyslogWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for SyslogWriter {
    fn drop(&mut self) {
        if !self.buf.is_empty() {
            let text = String::from_utf8_lossy(&self.buf);
            let _ = self.sink.send(self.severity, &text);
        }
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for SyslogSink {
    type Writer = SyslogWriter;

    fn make_writer(&'a self) -> SyslogWriter {
        SyslogWriter {
            sink: self.clone(),
            severity: 6,
            buf: Vec::new(),
        }
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> SyslogWriter {
        let severity = match *meta.level() {
            tracing::Level::ERROR => 3,
            tracing::Level::WARN => 4,
            tracing::Level::INFO => 6,
            _ => 7,
        };
        SyslogWriter {
            sink: self.clone(),
            severity,
            buf: Vec::new(),
        }
    }
}

fn env_filter() -> tracing_subscriber::EnvFilter {
    let spec = std::env::var("XCATD_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".to_string());
    tracing_subscriber::EnvFilter::try_new(spec)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
}

/// Install the global tracing subscriber: stderr in the foreground, syslog
/// (ident `xcat`, local4) otherwise.  A second call is a no-op.
pub fn init_logging(foreground: bool) {
    use tracing_subscriber::fmt;
    if foreground {
        let _ = fmt()
            .with_env_filter(env_filter())
            .with_writer(io::stderr)
            .with_target(false)
            .try_init();
    } else {
        let _ = fmt()
            .with_env_filter(env_filter())
            .with_writer(SyslogSink::new())
            .with_ansi(false)
            .without_time()
            .with_level(false)
            .with_target(false)
            .try_init();
    }
}
