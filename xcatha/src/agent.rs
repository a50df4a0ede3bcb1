//! The link to the HA agent of the local daemon (`xcatd --ha-config FILE`, crate
//! `haagent`).  xcatha works with the agent when an agent configuration is in use:
//! `--ha-config FILE` names it, else [`DEFAULT_CONFIG`] exists (under `--root`).  Then
//! `xcatha -d` starts with `hastatus deactivate` and `xcatha -a` asks `hastatus
//! activate` once xcatd runs, so the agent raises the term and owns the VIP
//! (`crate::flows::handover`).
//!
//! [`Xcatd`] sends `hastatus WORDS` over TLS (`xcat-net`) to the daemon at
//! [`DEFAULT_XCATD`] (or `--xcatd HOST:PORT`) with this host's server certificate
//! (`/etc/xcat/cert/server-cred.pem`): the daemon answers a member of its HA set
//! without the policy table, which sits behind the VIP and is out of reach on a node
//! that is about to activate.  `RecordingAgent` (feature `testing`) keeps a log and
//! answers with a given role.

use std::path::PathBuf;
use std::time::Duration;
use xcat_net::{ConnectOptions, Credentials, SubmitOutcome};
use xcat_proto::tree::MapExt;
use xcat_proto::{Request, Response};

/// The agent configuration whose presence turns the agent steps on.
pub const DEFAULT_CONFIG: &str = "/etc/xcatha/agent.conf";
/// Where the local daemon listens.
pub const DEFAULT_XCATD: &str = "127.0.0.1:3001";
/// The longest wait for one `hastatus` answer: an activation may fence the peer (the
/// agent's `fence_timeout`, 60 s by default) before it answers.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);

pub trait AgentLink: Send + Sync {
    /// `hastatus WORDS` at the local daemon: its `data` lines, or its error.
    fn hastatus(&self, words: &[&str]) -> Result<Vec<String>, String>;
}

/// The local daemon over TLS with this host's server certificate.
pub struct Xcatd {
    /// `HOST:PORT` of the daemon.
    pub addr: String,
    /// The certificate directory (`<root>/etc/xcat/cert`).
    pub cert_dir: PathBuf,
}

fn answer_lines(resp: &Response, out: &mut Vec<String>) -> Result<(), String> {
    if let Some(e) = resp.map.texts("error").first() {
        return Err(e.to_string());
    }
    out.extend(resp.map.texts("data").into_iter().map(str::to_string));
    Ok(())
}

impl AgentLink for Xcatd {
    fn hastatus(&self, words: &[&str]) -> Result<Vec<String>, String> {
        let creds = Credentials::from_files(
            &self.cert_dir.join("server-cred.pem"),
            &self.cert_dir.join("ca.pem"),
        )
        .map_err(|e| format!("this host's server certificate: {e}"))?;
        let mut req = Request::new("hastatus");
        req.set_args(words);
        let mut lines = Vec::new();
        let mut failed: Option<String> = None;
        let started = std::time::Instant::now();
        let outcome = xcat_net::submit_blocking(
            &self.addr,
            Some(&creds),
            &ConnectOptions::default(),
            &req,
            &mut |r: Response| match answer_lines(&r, &mut lines) {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            },
            &|| started.elapsed() > ANSWER_TIMEOUT,
        )
        .map_err(|e| format!("xcatd at {}: {e}", self.addr))?;
        if let Some(e) = failed {
            return Err(e);
        }
        match outcome {
            SubmitOutcome::Done(last) => answer_lines(&last, &mut lines)?,
            SubmitOutcome::Stopped => {
                return Err(format!(
                    "xcatd at {}: no answer within {} s",
                    self.addr,
                    ANSWER_TIMEOUT.as_secs()
                ))
            }
            SubmitOutcome::Premature => {
                return Err(format!("xcatd at {}: the answer ended early", self.addr))
            }
        }
        Ok(lines)
    }
}

/// The `role: …` of `hastatus` lines.
pub fn role_of(lines: &[String]) -> Option<&str> {
    lines.iter().find_map(|l| l.strip_prefix("role: "))
}

#[cfg(feature = "testing")]
/// For tests: records each request's words and answers as an agent that then has
/// the role the words ask for (`activate` → active, `deactivate` → deactivated); an
/// error given with [`RecordingAgent::fail`] is answered instead.
#[derive(Default)]
pub struct RecordingAgent {
    log: std::sync::Mutex<Vec<String>>,
    error: std::sync::Mutex<Option<String>>,
}

#[cfg(feature = "testing")]
impl RecordingAgent {
    pub fn new() -> RecordingAgent {
        RecordingAgent::default()
    }

    /// Every later request is answered with `error`.
    pub fn fail(&self, error: &str) {
        if let Ok(mut e) = self.error.lock() {
            *e = Some(error.to_string());
        }
    }

    /// The requests so far (`hastatus deactivate`, …).
    pub fn log(&self) -> Vec<String> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

#[cfg(feature = "testing")]
impl AgentLink for RecordingAgent {
    fn hastatus(&self, words: &[&str]) -> Result<Vec<String>, String> {
        if let Ok(mut l) = self.log.lock() {
            l.push(format!("hastatus {}", words.join(" ")));
        }
        if let Some(e) = self.error.lock().ok().and_then(|e| e.clone()) {
            return Err(e);
        }
        let role = match words.first() {
            Some(&"activate") => "active",
            Some(&"deactivate") => "deactivated",
            Some(&"standby") => "standby",
            _ => "standby",
        };
        Ok(vec![
            "name: mn1".into(),
            format!("role: {role}"),
            "term: 2".into(),
        ])
    }
}
