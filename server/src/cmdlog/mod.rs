//! The per-request command log (`/var/log/xcat/commands.log`, mode 0600) in
//! the stock format:
//!
//! ```text
//! =====================================================   (53 '=')
//! [Date]       2026-11-22 10:00:01
//! [ClientType] cli␠
//! [Request]    lsdef cn01 -l␠
//! [Response]
//! <what the client printed>
//! [NumberNodes] 1␠
//! [ElapsedTime] 0.012 s
//! ```
//!
//! Arguments needing it are single-quoted, passwords are redacted
//! ([`redact`]), the response of sensitive requests (getcredentials, any
//! `passw` in the arguments or the response) is `*REDACTED*`, and the logged
//! response text is capped ([`collect::DEFAULT_RESPONSE_CAP`]).  Console
//! commands (getipmicons, getcons, getopenbmccons) are not logged.
//! Arguments are logged capped ([`ARG_CAP`] bytes each, [`ARGS_TOTAL_CAP`]
//! in all), and redaction is linear, so one huge request costs the writer
//! thread no more than a small one.
//!
//! Entries are formatted and appended by one writer thread fed through a
//! bounded channel, so callers on the async runtime never block on the file;
//! a full channel drops the entry with a log line, as stock drops entries
//! when its log writer is unreachable.  [`CommandLog::reopen`] reopens the
//! file (logrotate, stock does it on SIGHUP).

pub mod collect;
pub mod redact;

pub use collect::ResponseLog;

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use xcat_proto::tree::MapExt;
use xcat_proto::Request;

/// Stock default location.
pub const DEFAULT_PATH: &str = "/var/log/xcat/commands.log";
const QUEUE: usize = 4096;
const CONSOLE_COMMANDS: &[&str] = &["getipmicons", "getcons", "getopenbmccons"];

/// Longest argument (or noderange) logged; a longer one is cut at this many
/// bytes and followed by `...[N more bytes not logged]`.
pub const ARG_CAP: usize = 4096;
/// Most argument bytes logged for one request; the arguments beyond are
/// replaced by one `[N more arguments not logged]`.
pub const ARGS_TOTAL_CAP: usize = 64 * 1024;

/// What one log entry is made from (formatted on the writer thread).
#[derive(Debug, Clone)]
pub struct Entry {
    pub start: SystemTime,
    pub clienttype: String,
    pub command: String,
    pub noderanges: Vec<String>,
    /// The arguments as logged (capped, see [`ARG_CAP`]).
    pub args: Vec<String>,
    /// Whether any argument, also beyond the caps, mentions "passw".
    pub args_mention_password: bool,
    pub response: String,
    pub nodes: usize,
    pub elapsed: Duration,
}

/// `s` cut to [`ARG_CAP`] bytes (on a character boundary) with a note.
fn capped(s: &str) -> String {
    if s.len() <= ARG_CAP {
        return s.to_string();
    }
    let mut cut = ARG_CAP;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}...[{} more bytes not logged]", &s[..cut], s.len() - cut)
}

/// Capped copies of `items`, at most [`ARGS_TOTAL_CAP`] bytes in all (the
/// command log and the audit trail).
pub(crate) fn capped_list<'a>(items: impl ExactSizeIterator<Item = &'a str>) -> Vec<String> {
    let total = items.len();
    let mut out = Vec::new();
    let mut bytes = 0;
    for item in items {
        if bytes >= ARGS_TOTAL_CAP {
            out.push(format!("[{} more arguments not logged]", total - out.len()));
            break;
        }
        let c = capped(item);
        bytes += c.len();
        out.push(c);
    }
    out
}

impl Entry {
    pub fn from_request(req: &Request, response: &str, nodes: usize, elapsed: Duration) -> Entry {
        let noderanges = match req.map.first_text("noderange") {
            Some(first) if !first.is_empty() => capped_list(req.map.texts("noderange").into_iter()),
            _ => Vec::new(),
        };
        let args = req.args();
        Entry {
            start: SystemTime::now()
                .checked_sub(elapsed)
                .unwrap_or_else(SystemTime::now),
            clienttype: capped(req.map.first_text("clienttype").unwrap_or("")),
            command: capped(req.command()),
            noderanges,
            args_mention_password: args.iter().any(|a| collect::mentions_passw(a)),
            args: capped_list(args.into_iter()),
            response: response.to_string(),
            nodes,
            elapsed,
        }
    }
}

pub fn is_console_command(command: &str) -> bool {
    CONSOLE_COMMANDS.contains(&command)
}

fn needs_quotes(arg: &str) -> bool {
    arg.chars()
        .any(|c| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
}

/// `YYYY-MM-DD HH:MM:SS` in local time.
pub fn local_stamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    xcat_handlers::localtime::local_time(secs).padded()
}

/// The whole text of one entry, or `None` for console commands.
pub fn format_entry(e: &Entry, date: &str) -> Option<String> {
    if is_console_command(&e.command) {
        return None;
    }
    let mut out = String::with_capacity(256 + e.response.len());
    out.push_str(&"=".repeat(53));
    out.push('\n');
    out.push_str(&format!("[Date]       {date}\n"));
    out.push_str(&format!("[ClientType] {} \n", e.clienttype));

    let arg_refs: Vec<&str> = e.args.iter().map(String::as_str).collect();
    let (redacted, mut req_redacted) = redact::redact_args(&e.command, &arg_refs);
    let mut params = String::new();
    if !e.noderanges.is_empty() {
        params.push_str(&e.noderanges.join(","));
        params.push(' ');
    }
    for arg in &redacted {
        if needs_quotes(arg) {
            params.push('\'');
            params.push_str(&arg.replace('\'', r"'\''"));
            params.push_str("' ");
        } else {
            params.push_str(arg);
            params.push(' ');
        }
    }
    let second = redact::redact_request_line(&e.command, &params);
    if second != params {
        req_redacted = true;
    }
    out.push_str(&format!(
        "[Request]    {} {}\n[Response]\n",
        e.command, second
    ));

    let sensitive = e.command == "getcredentials"
        || e.args_mention_password
        || req_redacted
        || e.response.to_ascii_lowercase().contains("passw");
    if sensitive {
        out.push_str("*REDACTED*\n");
    } else {
        out.push_str(&e.response);
    }
    out.push_str(&format!("[NumberNodes] {} \n", e.nodes));
    out.push_str(&format!("[ElapsedTime] {:.3} s\n", e.elapsed.as_secs_f64()));
    Some(out)
}

enum Msg {
    Entry(Box<Entry>),
    Reopen,
    Flush(SyncSender<()>),
}

/// Handle on the command-log writer thread (cheap to clone).
#[derive(Clone)]
pub struct CommandLog {
    tx: SyncSender<Msg>,
    path: PathBuf,
}

fn open_log(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() && !dir.exists() {
            std::fs::create_dir_all(dir)?;
        }
    }
    let f = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(f)
}

impl CommandLog {
    /// Open (create, mode 0600) the log and start its writer thread.
    pub fn new(path: impl Into<PathBuf>) -> io::Result<CommandLog> {
        let path = path.into();
        let file = open_log(&path)?;
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let thread_path = path.clone();
        std::thread::Builder::new()
            .name("xcatd-cmdlog".into())
            .spawn(move || writer(rx, file, thread_path))?;
        Ok(CommandLog { tx, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Queue one request's entry.  `user` and `host` are not part of the
    /// stock format and are not written (the audit log has them).
    pub fn log_request(
        &self,
        req: &Request,
        _user: Option<&str>,
        _host: Option<&str>,
        response: &str,
        nodes: usize,
        elapsed: Duration,
    ) {
        if is_console_command(req.command()) {
            return;
        }
        let entry = Entry::from_request(req, response, nodes, elapsed);
        self.submit(entry);
    }

    /// Queue a prepared entry.
    pub fn submit(&self, entry: Entry) {
        match self.tx.try_send(Msg::Entry(Box::new(entry))) {
            Ok(()) => {}
            Err(TrySendError::Full(Msg::Entry(e))) => {
                tracing::info!(
                    "xcatd: Drop request '{}' output: command log writer is behind",
                    e.command
                );
            }
            Err(_) => {}
        }
    }

    /// Reopen the file (after logrotate moved it).
    pub fn reopen(&self) {
        let _ = self.tx.send(Msg::Reopen);
    }

    /// Wait until everything queued so far is written.
    pub fn flush(&self) {
        let (tx, rx) = mpsc::sync_channel(1);
        if self.tx.send(Msg::Flush(tx)).is_ok() {
            let _ = rx.recv_timeout(Duration::from_secs(10));
        }
    }
}

fn writer(rx: Receiver<Msg>, mut file: File, path: PathBuf) {
    while let Ok(msg) = rx.recv() {
        match msg {
            Msg::Entry(e) => {
                if let Some(text) = format_entry(&e, &local_stamp(e.start)) {
                    if let Err(err) = file.write_all(text.as_bytes()) {
                        tracing::warn!("cannot write {}: {err}", path.display());
                    }
                }
            }
            Msg::Reopen => match open_log(&path) {
                Ok(f) => file = f,
                Err(err) => tracing::warn!("cannot reopen {}: {err}", path.display()),
            },
            Msg::Flush(done) => {
                let _ = file.flush();
                let _ = done.send(());
            }
        }
    }
}
