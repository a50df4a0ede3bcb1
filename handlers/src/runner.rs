//! The one way handlers act on other hosts: run a program locally or on a host
//! (ssh), or issue an internal xCAT request.  User text never goes through a
//! shell; arguments that reach a remote shell are validated and quoted by the
//! implementation.  `RecordingRunner` (tests) records every call and answers
//! with canned output.

use std::time::Duration;
use xcat_proto::{Request, Response};

/// A program and its arguments (no shell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    pub program: String,
    pub args: Vec<String>,
}

/// Where to run a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Local,
    /// Over ssh to a host name or address (validated before use).
    Host(String),
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
}

pub trait Runner: Send + Sync {
    /// Run `cmd` on `target`, killed after `timeout`.
    fn run(&self, target: &Target, cmd: &Cmd, timeout: Duration) -> Output;

    /// Run an internal xCAT command (this daemon's handler, or the `--fallback`
    /// stock daemon) and collect its responses.
    fn xcat(&self, request: Request, timeout: Duration) -> Vec<Response>;
}
