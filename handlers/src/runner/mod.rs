//! The one way handlers act on other hosts: run a program locally or on a host
//! (ssh), or issue an internal xCAT request.  User text never goes through a
//! shell; arguments that reach a remote shell are validated and quoted by the
//! implementation.
//!
//! * [`SystemRunner`]: the real thing (std::process, ssh in batch mode, timeouts).
//! * `RecordingRunner` (feature `testing`): for tests; records every call, answers canned output.
//! * [`run_each`] / [`run_many`]: bounded fan-out over any runner.
//! * [`quote`]: host-name validation and POSIX shell quoting.

mod fanout;
pub mod quote;
#[cfg(feature = "testing")]
mod recording;
mod system;

pub use fanout::{run_each, run_many};
pub use quote::{shell_quote, validate_host};
#[cfg(feature = "testing")]
pub use recording::{Call, RecordingRunner};
pub use system::{SystemRunner, XcatDispatch};

use std::time::Duration;
use xcat_proto::{Request, Response};

/// A program and its arguments (no shell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    pub program: String,
    pub args: Vec<String>,
}

impl Cmd {
    /// `Cmd::new("/sbin/ip", ["addr"])`.
    pub fn new<I, S>(program: &str, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Cmd {
            program: program.to_string(),
            args: args.into_iter().map(Into::into).collect(),
        }
    }

    /// The command as one line, every word shell-quoted (logs, messages and
    /// the remote side of ssh).
    pub fn to_shell_line(&self) -> String {
        let mut line = shell_quote(&self.program);
        for a in &self.args {
            line.push(' ');
            line.push_str(&shell_quote(a));
        }
        line
    }
}

/// Where to run a command.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Local,
    /// Over ssh to a host name or address (validated before use).
    Host(String),
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Local => f.write_str("localhost"),
            Target::Host(h) => f.write_str(h),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// Exit status; `None` when the program could not run or timed out.
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn ok(&self) -> bool {
        self.status == Some(0)
    }

    /// A successful run with this standard output.
    pub fn success(stdout: impl Into<String>) -> Output {
        Output {
            status: Some(0),
            stdout: stdout.into(),
            stderr: String::new(),
        }
    }

    /// A failed run (exit status `status`) with this standard error.
    pub fn failure(status: i32, stderr: impl Into<String>) -> Output {
        Output {
            status: Some(status),
            stdout: String::new(),
            stderr: stderr.into(),
        }
    }

    /// The program could not run at all (bad host, spawn error, timeout).
    pub fn not_run(why: impl Into<String>) -> Output {
        Output {
            status: None,
            stdout: String::new(),
            stderr: why.into(),
        }
    }
}

pub trait Runner: Send + Sync {
    /// Run `cmd` on `target`, killed after `timeout`.
    fn run(&self, target: &Target, cmd: &Cmd, timeout: Duration) -> Output;

    /// Run an internal xCAT command (this daemon's handler, or the `--fallback`
    /// stock daemon) and collect its responses.
    fn xcat(&self, request: Request, timeout: Duration) -> Vec<Response>;
}
