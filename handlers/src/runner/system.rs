//! `SystemRunner`: local programs through std::process (never a shell), remote
//! commands through `ssh` in batch mode to a validated host with every word
//! shell-quoted, a hard timeout on both (the whole process group is killed),
//! and internal xCAT requests through a dispatcher the daemon provides.

use super::{quote, Cmd, Output, Runner, Target};
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};
use xcat_proto::{Request, Response};

/// How the daemon runs an internal xCAT request (its own handler or the
/// `--fallback` stock daemon), bounded by the given timeout.
pub type XcatDispatch = Box<dyn Fn(Request, Duration) -> Vec<Response> + Send + Sync>;

/// Cap on what is kept of one output stream.
const MAX_CAPTURE: usize = 16 << 20;

pub struct SystemRunner {
    xcat: XcatDispatch,
    ssh_program: String,
    connect_timeout: Duration,
}

impl SystemRunner {
    pub fn new(xcat: XcatDispatch) -> SystemRunner {
        SystemRunner {
            xcat,
            ssh_program: "ssh".to_string(),
            connect_timeout: Duration::from_secs(10),
        }
    }

    /// Use another ssh binary (tests use a stand-in script).
    pub fn with_ssh_program(mut self, program: &str) -> SystemRunner {
        self.ssh_program = program.to_string();
        self
    }

    /// ssh `ConnectTimeout` (capped by each call's own timeout).
    pub fn with_connect_timeout(mut self, timeout: Duration) -> SystemRunner {
        self.connect_timeout = timeout;
        self
    }

    /// The ssh argument vector for `cmd` on `host` (validated).
    pub fn ssh_args(
        &self,
        host: &str,
        cmd: &Cmd,
        timeout: Duration,
    ) -> Result<Vec<String>, String> {
        let host = quote::validate_host(host)?;
        let secs = self.connect_timeout.min(timeout).as_secs().max(1);
        Ok(vec![
            "-o".into(),
            "BatchMode=yes".into(),
            "-o".into(),
            format!("ConnectTimeout={secs}"),
            "-T".into(),
            "--".into(),
            host.to_string(),
            cmd.to_shell_line(),
        ])
    }
}

impl Runner for SystemRunner {
    fn run(&self, target: &Target, cmd: &Cmd, timeout: Duration) -> Output {
        match target {
            Target::Local => exec(&cmd.program, &cmd.args, timeout),
            Target::Host(host) => match self.ssh_args(host, cmd, timeout) {
                Ok(args) => exec(&self.ssh_program, &args, timeout),
                Err(e) => Output::not_run(e),
            },
        }
    }

    fn xcat(&self, request: Request, timeout: Duration) -> Vec<Response> {
        (self.xcat)(request, timeout)
    }
}

/// Run `program args` without a shell; kill its process group at `timeout`.
pub fn exec(program: &str, args: &[String], timeout: Duration) -> Output {
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => return Output::not_run(format!("cannot run {program}: {e}")),
    };
    let out_rx = child.stdout.take().map(reader);
    let err_rx = child.stderr.take().map(reader);

    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    let (status, timed_out) = loop {
        match child.try_wait() {
            Ok(Some(st)) => break (exit_code(st), false),
            Ok(None) if Instant::now() >= deadline => {
                kill_group(&mut child);
                let _ = child.wait();
                break (None, true);
            }
            Ok(None) => {
                thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(e) => {
                kill_group(&mut child);
                let _ = child.wait();
                return Output::not_run(format!("waiting for {program}: {e}"));
            }
        }
    };
    // A grandchild may still hold the pipes: never wait for them for long.
    let grace = Duration::from_millis(if timed_out { 100 } else { 2000 });
    let stdout = collect(out_rx, grace);
    let mut stderr = collect(err_rx, grace);
    if timed_out {
        if !stderr.is_empty() && !stderr.ends_with('\n') {
            stderr.push('\n');
        }
        stderr.push_str(&format!("timed out after {} s", timeout.as_secs_f64()));
    }
    Output {
        status,
        stdout,
        stderr,
    }
}

fn exit_code(st: std::process::ExitStatus) -> Option<i32> {
    if let Some(c) = st.code() {
        return Some(c);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = st.signal() {
            return Some(128 + sig);
        }
    }
    None
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: plain kill(2) on the process group we created for this child.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
    let _ = child.kill();
}

fn reader<R: Read + Send + 'static>(mut r: R) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match r.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if buf.len() < MAX_CAPTURE {
                        buf.extend_from_slice(&chunk[..n]);
                    }
                }
            }
        }
        let _ = tx.send(buf);
    });
    rx
}

fn collect(rx: Option<mpsc::Receiver<Vec<u8>>>, grace: Duration) -> String {
    rx.and_then(|rx| rx.recv_timeout(grace).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}
