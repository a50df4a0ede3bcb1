//! What a run acts on: the root directory that the managed paths (`/etc/xcat`,
//! `/install`, `/etc/hosts`, …) live under (`/` on a real host, a scratch directory in
//! tests), the command runner, the service manager, the link to the local daemon's HA
//! agent when an agent configuration is in use, standard input and the pause between
//! retries.

use crate::agent::AgentLink;
use crate::services::ServiceManager;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use xcat_handlers::runner::Runner;

pub struct Env {
    pub root: PathBuf,
    pub runner: Arc<dyn Runner>,
    pub services: Arc<dyn ServiceManager>,
    /// The local daemon's HA agent (`None`: no agent configuration in use; xcatha moves
    /// the VIP itself).
    pub agent: Option<Arc<dyn AgentLink>>,
    pub stdin: Mutex<Box<dyn BufRead + Send>>,
    /// Pause between two tries of a retried step (stock: 3 s).
    pub retry_delay: Duration,
}

impl Env {
    pub fn new(
        root: PathBuf,
        runner: Arc<dyn Runner>,
        services: Arc<dyn ServiceManager>,
        stdin: Box<dyn BufRead + Send>,
    ) -> Env {
        Env {
            root,
            runner,
            services,
            agent: None,
            stdin: Mutex::new(stdin),
            retry_delay: Duration::from_secs(3),
        }
    }

    /// The real location of a managed absolute path (`/etc/xcat` → `<root>/etc/xcat`).
    pub fn path(&self, logical: &str) -> PathBuf {
        self.root.join(logical.trim_start_matches('/'))
    }

    /// The real location of a path given on the command line (the shared-data path is
    /// a path of the host, not re-rooted).
    pub fn given(&self, p: &str) -> PathBuf {
        Path::new(p).to_path_buf()
    }

    /// One line of standard input without its newline; `None` at end of input.
    pub fn read_line(&self) -> Option<String> {
        let mut guard = self.stdin.lock().ok()?;
        let mut line = String::new();
        match guard.read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line.trim_end_matches(['\n', '\r']).to_string()),
        }
    }
}
