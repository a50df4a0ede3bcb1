//! The agent as the daemon sees it: the state machine behind a lock, the `hastatus`
//! lines, heartbeats and admin commands handed to the runtime's loop, and the write
//! gate (role, lease and the term read from the shared data at every write command).

use crate::config::{HaConfig, VipAction};
use crate::metrics;
use crate::state::{Admin, Machine, Report, Role, Start};
use crate::status::{self, Extra, PeerLine};
use crate::term::TermFile;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use xcat_handlers::api::HaAgent;

/// What the daemon's threads hand to the runtime's loop.
pub(crate) enum Event {
    Exchange {
        with: String,
        report: Report,
    },
    Admin {
        cmd: Admin,
        reply: mpsc::Sender<Result<Vec<String>, String>>,
    },
}

pub struct Agent {
    pub(crate) cfg: HaConfig,
    epoch: Instant,
    machine: Mutex<Machine>,
    pub(crate) events: mpsc::Sender<Event>,
    pub(crate) term: Option<TermFile>,
    pub(crate) transitions: AtomicU64,
}

impl Agent {
    pub(crate) fn new(
        cfg: HaConfig,
        epoch: Instant,
        machine: Machine,
        events: mpsc::Sender<Event>,
    ) -> Agent {
        let term = match cfg.start {
            Start::Witness => None,
            _ => cfg.shared.as_deref().map(TermFile::new),
        };
        Agent {
            cfg,
            epoch,
            machine: Mutex::new(machine),
            events,
            term,
            transitions: AtomicU64::new(0),
        }
    }

    /// Time on the machine's clock.
    pub fn now(&self) -> Duration {
        self.epoch.elapsed()
    }

    pub(crate) fn machine(&self) -> MutexGuard<'_, Machine> {
        self.machine.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn role(&self) -> Role {
        self.machine().role()
    }

    pub fn term(&self) -> u64 {
        self.machine().term()
    }

    fn kind_of(&self, name: &str) -> &'static str {
        if self.cfg.start == Start::Witness {
            "mn"
        } else if self.cfg.witness.as_ref().is_some_and(|w| w.name == name) {
            "witness"
        } else {
            "peer"
        }
    }

    fn vip_text(&self) -> Option<String> {
        match &self.cfg.vip {
            VipAction::None => None,
            VipAction::Ip(v) => Some(v.ip()),
            VipAction::Record { addr, .. } => Some(addr.clone()),
        }
    }

    /// What `hastatus` and the metrics show, now.
    fn snapshot(&self) -> (Report, Extra, Vec<PeerLine>) {
        let now = self.now();
        let m = self.machine();
        let report = m.report(now);
        let fresh = m.config().timing.fresh();
        let peers: Vec<PeerLine> = report
            .sees
            .iter()
            .map(|s| PeerLine {
                kind: self.kind_of(&s.name),
                seen: s.clone(),
                reachable: s.heard && s.age <= fresh,
                last: m.last_report(&s.name).map(|(_, r)| (r.role, r.term)),
            })
            .collect();
        let peer = m.config().peers.first().cloned().unwrap_or_default();
        let extra = Extra {
            vip: self.vip_text(),
            vip_up: m.vip_up(),
            writes: m.writes(),
            lease_age: m.lease_age(now),
            takeover: m.takeover_step().map(|s| format!("{s} {peer}")),
            transitions: self.transitions.load(Ordering::Relaxed),
        };
        (report, extra, peers)
    }

    /// The `hastatus` lines now.
    pub fn lines(&self) -> Vec<String> {
        let (report, extra, peers) = self.snapshot();
        status::lines(&self.cfg.name, &report, &extra, &peers)
    }

    /// The metrics now (Prometheus text format).
    pub fn metrics_text(&self) -> String {
        let (report, extra, peers) = self.snapshot();
        metrics::render(&self.cfg.name, &report, &extra, &peers)
    }

    fn is_member(&self, name: &str) -> bool {
        self.cfg
            .peers
            .iter()
            .chain(self.cfg.witness.iter())
            .any(|m| m.name == name)
    }

    fn parse_admin(words: &[&str]) -> Result<Admin, String> {
        Ok(match words {
            ["activate"] => Admin::Activate { force: false },
            ["activate", "--force"] | ["--force", "activate"] => Admin::Activate { force: true },
            ["standby"] => Admin::Standby,
            ["deactivate"] => Admin::Deactivate,
            _ => return Err(format!("unknown arguments {words:?} (see hastatus -h)")),
        })
    }
}

impl HaAgent for Agent {
    fn status(&self) -> Vec<String> {
        self.lines()
    }

    fn metrics(&self) -> String {
        self.metrics_text()
    }

    fn heartbeat(&self, caller: &[&str]) -> Result<Vec<String>, String> {
        let lines: Vec<String> = caller.iter().map(|s| s.to_string()).collect();
        let (name, report) = status::parse(&lines)?;
        if !self.is_member(&name) {
            return Err(format!("'{name}' is not a member of this HA set"));
        }
        let _ = self.events.send(Event::Exchange { with: name, report });
        Ok(self.lines())
    }

    fn admin(&self, words: &[&str]) -> Result<Vec<String>, String> {
        let cmd = Agent::parse_admin(words)?;
        let (reply, answer) = mpsc::channel();
        self.events
            .send(Event::Admin { cmd, reply })
            .map_err(|_| "the HA agent is not running".to_string())?;
        let wait = self.cfg.fence_timeout + Duration::from_secs(10);
        answer
            .recv_timeout(wait)
            .map_err(|_| "the HA agent did not answer in time".to_string())?
    }

    fn write_refusal(&self) -> Option<String> {
        let term = self.term.as_ref()?;
        let shared = match term.current() {
            Ok(t) => t,
            Err(e) => {
                return Some(format!(
                    "cannot read the shared term ({e}); writes are refused"
                ))
            }
        };
        self.machine().may_write(self.now(), shared).err()
    }

    fn knows(&self, cert_name: &str) -> bool {
        cert_name == self.cfg.name || self.is_member(cert_name)
    }
}
