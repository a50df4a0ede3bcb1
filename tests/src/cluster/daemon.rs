//! A long-running process of a host (its sshd, its xcatd): started inside
//! the host's namespaces with output appended to `log/<name>.log`, and the
//! signals the fault helpers send it.  `nsenter` execs the program, so the
//! child's pid is the daemon's.

use super::layout::Layout;
use super::mounts::host_command;
use super::sys::{alive, signal};
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// One started daemon.
pub struct Daemon {
    pub host: String,
    pub name: String,
    program: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    child: Option<Child>,
}

impl Daemon {
    /// Describe (not start) `program args` on `host`, logged as `name`.
    pub fn new(host: &str, name: &str, program: &str, args: &[&str]) -> Daemon {
        Daemon {
            host: host.to_string(),
            name: name.to_string(),
            program: program.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: Vec::new(),
            child: None,
        }
    }

    /// Add environment variables for every start.
    pub fn with_env(mut self, env: &[(String, String)]) -> Daemon {
        self.env.extend(env.iter().cloned());
        self
    }

    pub fn log_path(&self, layout: &Layout) -> PathBuf {
        layout
            .log_dir(&self.host)
            .join(format!("{}.log", self.name))
    }

    /// Start it (again); the log is appended to.
    pub fn start(&mut self, layout: &Layout) -> Result<(), String> {
        let log_path = self.log_path(layout);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(|e| format!("{}: {e}", log_path.display()))?;
        let err = log.try_clone().map_err(|e| e.to_string())?;
        let child = host_command(layout, &self.host, &self.program)
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("{} on {}: {e}", self.program, self.host))?;
        self.child = Some(child);
        Ok(())
    }

    pub fn pid(&self) -> Option<i32> {
        self.child.as_ref().map(|c| c.id() as i32)
    }

    /// Whether it is still running (reaps it when it exited).
    pub fn running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(c) => matches!(c.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// Send a signal (SIGKILL, SIGSTOP, SIGCONT, ...).
    pub fn signal(&self, sig: i32) {
        if let Some(pid) = self.pid() {
            signal(pid, sig);
        }
    }

    /// SIGKILL (after SIGCONT, so a stopped one dies too) and reap.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            signal(c.id() as i32, libc::SIGCONT);
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Wait until the daemon exited by itself or was reaped.
    pub fn wait_gone(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            match self.child.as_mut().map(|c| c.try_wait()) {
                Some(Ok(Some(_))) | None => return true,
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        self.pid().is_none_or(|p| !alive(p))
    }

    /// The daemon's output so far.
    pub fn log_text(&self, layout: &Layout) -> String {
        std::fs::read_to_string(self.log_path(layout)).unwrap_or_default()
    }
}
