//! The daemon's [`Runner`]: programs run without a shell (locally, or over
//! `ssh` with every argument single-quoted for the remote shell), killed after
//! their timeout; internal xCAT requests go through the same dispatcher as
//! client requests, bypassing policy as stock's internal requests do.

use crate::state::Shared;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use xcat_handlers::runner::{Cmd, Output, Target};
use xcat_handlers::Runner;
use xcat_proto::{Request, Response};

pub struct ServerRunner {
    shared: Weak<Shared>,
}

impl ServerRunner {
    pub fn new(shared: &Arc<Shared>) -> ServerRunner {
        ServerRunner {
            shared: Arc::downgrade(shared),
        }
    }

    /// A runner that can run programs but no internal requests.
    pub fn detached() -> ServerRunner {
        ServerRunner {
            shared: Weak::new(),
        }
    }
}

/// `'text'` with embedded quotes as `'\''`.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Host names and addresses only: no spaces, no options, no shell syntax.
pub fn valid_host(h: &str) -> bool {
    !h.is_empty()
        && !h.starts_with('-')
        && h.len() <= 255
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'%'))
}

fn reader<R: Read + Send + 'static>(r: Option<R>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(mut r) = r {
            let _ = r.read_to_end(&mut s);
        }
        String::from_utf8_lossy(&s).into_owned()
    })
}

fn wait(mut child: Child, timeout: Duration) -> Output {
    let out = reader(child.stdout.take());
    let err = reader(child.stderr.take());
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st.code(),
            Ok(None) if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => break None,
        }
    };
    Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

impl Runner for ServerRunner {
    fn run(&self, target: &Target, cmd: &Cmd, timeout: Duration) -> Output {
        let mut command = match target {
            Target::Local => {
                let mut c = Command::new(&cmd.program);
                c.args(&cmd.args);
                c
            }
            Target::Host(host) => {
                if !valid_host(host) {
                    return Output {
                        status: None,
                        stdout: String::new(),
                        stderr: format!("invalid host name {host:?}"),
                    };
                }
                let remote: Vec<String> = std::iter::once(cmd.program.as_str())
                    .chain(cmd.args.iter().map(String::as_str))
                    .map(shell_quote)
                    .collect();
                let mut c = Command::new("ssh");
                c.args(["-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "--", host]);
                c.arg(remote.join(" "));
                c
            }
        };
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        match command.spawn() {
            Ok(child) => wait(child, timeout),
            Err(e) => Output {
                status: None,
                stdout: String::new(),
                stderr: format!("{}: {e}", cmd.program),
            },
        }
    }

    fn xcat(&self, request: Request, _timeout: Duration) -> Vec<Response> {
        match self.shared.upgrade() {
            Some(shared) => crate::dispatch::internal(&shared, request),
            None => vec![Response::new().error("xcatd is shutting down")],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_hosts() {
        assert_eq!(shell_quote("a'b c"), r"'a'\''b c'");
        assert!(valid_host("sn1.cluster"));
        assert!(!valid_host("-oProxyCommand=x"));
        assert!(!valid_host("a b"));
    }

    #[test]
    fn local_run_with_timeout() {
        let r = ServerRunner::detached();
        let cmd = Cmd {
            program: "sh".into(),
            args: vec!["-c".into(), "echo hi".into()],
        };
        let o = r.run(&Target::Local, &cmd, Duration::from_secs(5));
        assert!(o.ok());
        assert_eq!(o.stdout, "hi\n");
        let cmd = Cmd {
            program: "sleep".into(),
            args: vec!["5".into()],
        };
        let o = r.run(&Target::Local, &cmd, Duration::from_millis(100));
        assert_eq!(o.status, None);
    }
}
