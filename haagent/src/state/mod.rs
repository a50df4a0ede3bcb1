//! The takeover decisions as a pure state machine: no I/O, no clock. The runtime
//! ([`crate::runtime`]) feeds it [`Input`]s with the time (`now`, any monotonic origin)
//! and carries out the [`Action`]s it returns; the tests drive it with simulated time.
//!
//! The rules (issue 14):
//! * a standby takes over only when it **and** the witness have both lost the active for
//!   the takeover timeout (two votes of three), and only after fencing the active; when
//!   fencing fails it does not take over unless forced (configuration or admin);
//! * an active that has exchanged no heartbeat with peer or witness for the lease
//!   deactivates itself (VIP down, no writes); the lease ends strictly before the
//!   standby's timeout can ([`Timing::validate`]);
//! * every takeover raises the term on the shared data; an active that sees a newer term
//!   steps down and stays deactivated (no automatic failback);
//! * a self-demoted active resumes only at its own, still current term.
//!
//! A heartbeat is an *exchange*: one side asks (`hastatus`), the other answers; both
//! sides record it, so both know the same contact times.

mod types;

pub use types::{Action, Admin, Config, Input, Report, Role, Seen, Start, TermRecord, Timing};

use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Takeover {
    Fencing { forced: bool },
    RaisingTerm,
}

#[derive(Debug, Clone)]
struct Contact {
    at: Duration,
    report: Report,
}

/// One node's view and decisions.
#[derive(Debug, Clone)]
pub struct Machine {
    cfg: Config,
    role: Role,
    term: u64,
    shared_term: u64,
    started: Duration,
    contacts: BTreeMap<String, Contact>,
    /// The last exchange with anyone while active (the lease runs from here).
    last_contact: Duration,
    takeover: Option<Takeover>,
    fence_failed_at: Option<Duration>,
    /// Deactivated by the lease at a term that may still be current.
    demoted: bool,
    vip: bool,
    writes: bool,
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

impl Machine {
    pub fn new(cfg: Config, now: Duration) -> Machine {
        let role = match cfg.start {
            Start::Witness => Role::Witness,
            _ => Role::Standby,
        };
        Machine {
            cfg,
            role,
            term: 0,
            shared_term: 0,
            started: now,
            contacts: BTreeMap::new(),
            last_contact: now,
            takeover: None,
            fence_failed_at: None,
            demoted: false,
            vip: false,
            writes: false,
        }
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn term(&self) -> u64 {
        self.term
    }

    pub fn name(&self) -> &str {
        &self.cfg.me
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    pub fn vip_up(&self) -> bool {
        self.vip
    }

    pub fn writes(&self) -> bool {
        self.writes
    }

    /// `fencing` / `raising term` while a takeover runs.
    pub fn takeover_step(&self) -> Option<&'static str> {
        self.takeover.map(|t| match t {
            Takeover::Fencing { .. } => "fencing",
            Takeover::RaisingTerm => "raising term",
        })
    }

    /// Time since the last exchange with anyone (the active's lease runs on this).
    pub fn lease_age(&self, now: Duration) -> Duration {
        let last = self.contacts.values().map(|c| c.at).max();
        now.saturating_sub(last.unwrap_or(self.started).max(self.last_contact))
    }

    /// This node's heartbeat answer.
    pub fn report(&self, now: Duration) -> Report {
        let mut names: Vec<&String> = self.cfg.peers.iter().collect();
        names.extend(self.cfg.witness.iter());
        let sees = names
            .into_iter()
            .map(|n| match self.contacts.get(n) {
                Some(c) => Seen {
                    name: n.clone(),
                    age: now.saturating_sub(c.at),
                    heard: true,
                },
                None => Seen {
                    name: n.clone(),
                    age: now.saturating_sub(self.started),
                    heard: false,
                },
            })
            .collect();
        Report {
            role: self.role,
            term: self.term,
            sees,
        }
    }

    /// The last report received from `name`, and when.
    pub fn last_report(&self, name: &str) -> Option<(Duration, &Report)> {
        self.contacts.get(name).map(|c| (c.at, &c.report))
    }

    /// Whether a write command may run now, given the term just read from the
    /// shared data; `Err` is the reason for the client.
    pub fn may_write(&self, now: Duration, shared_term: u64) -> Result<(), String> {
        if self.role != Role::Active || !self.writes {
            return Err(format!(
                "this management node is {} (term {}); write commands are served by the active management node",
                self.role.as_str(),
                self.term
            ));
        }
        if shared_term > self.term {
            return Err(format!(
                "the shared data is at term {shared_term}, this daemon at term {}; it no longer serves writes",
                self.term
            ));
        }
        if self.lease_age(now) >= self.cfg.timing.lease {
            return Err(format!(
                "no heartbeat from peer or witness for {}; this management node is stepping down",
                secs(self.lease_age(now))
            ));
        }
        Ok(())
    }

    /// The first actions, given the term found on the shared data.
    pub fn start(&mut self, now: Duration, shared: Option<&TermRecord>) -> Vec<Action> {
        self.started = now;
        self.last_contact = now;
        if let Some(rec) = shared {
            self.shared_term = rec.term;
            self.term = rec.term;
        }
        match (self.cfg.start, shared) {
            (Start::Active, None) => {
                self.takeover = Some(Takeover::RaisingTerm);
                vec![Action::RaiseTerm { from: 0 }]
            }
            (Start::Active, Some(rec)) if rec.holder == self.cfg.me => {
                // Resume only once a heartbeat shows that this node is not isolated and
                // the peer is not active (see `maybe_resume`).
                self.role = Role::Deactivated;
                self.demoted = true;
                vec![self.log_role("holds the shared term: resuming at the first heartbeat")]
            }
            (Start::Active, Some(rec)) => {
                self.role = Role::Deactivated;
                vec![Action::Log(format!(
                    "{}: deactivated: term {} is held by {} (no automatic failback)",
                    self.cfg.me, rec.term, rec.holder
                ))]
            }
            (Start::Standby, _) => vec![self.log_role("started")],
            (Start::Witness, _) => vec![self.log_role("started")],
        }
    }

    pub fn step(&mut self, now: Duration, input: Input) -> Vec<Action> {
        match input {
            Input::Tick => self.tick(now),
            Input::Exchange { with, report } => self.exchange(now, with, report),
            Input::SharedTerm(t) => self.shared_term_seen(now, t),
            Input::FenceDone { ok } => self.fence_done(now, ok),
            Input::TermRaised(r) => self.term_raised(now, r),
            Input::Admin(a) => self.admin(now, a),
        }
    }

    fn log_role(&self, why: &str) -> Action {
        Action::Log(format!(
            "{}: {} at term {}: {why}",
            self.cfg.me,
            self.role.as_str(),
            self.term
        ))
    }

    fn peer(&self) -> Option<&str> {
        match self.role {
            Role::Witness => None,
            _ => self.cfg.peers.first().map(String::as_str),
        }
    }

    fn tick(&mut self, now: Duration) -> Vec<Action> {
        match self.role {
            Role::Active if self.lease_age(now) >= self.cfg.timing.lease => {
                let why = format!(
                    "no heartbeat with peer or witness for {}",
                    secs(self.lease_age(now))
                );
                self.demoted = true;
                self.step_down(Role::Deactivated, &why)
            }
            Role::Standby => self.consider_takeover(now),
            _ => Vec::new(),
        }
    }

    /// Why the standby may not take over now (`None`: it may).
    fn takeover_blocker(&self, now: Duration) -> Option<String> {
        let peer = self.peer()?;
        let witness = self.cfg.witness.as_deref()?;
        let timeout = self.cfg.timing.takeover_timeout;
        let mine = now.saturating_sub(self.contacts.get(peer).map_or(self.started, |c| c.at));
        if mine < timeout {
            return Some(format!("{peer} heard {} ago", secs(mine)));
        }
        let Some(w) = self
            .contacts
            .get(witness)
            .filter(|w| now - w.at <= self.cfg.timing.fresh())
        else {
            return Some(format!("witness {witness} not reachable"));
        };
        match w.report.age_of(peer) {
            Some(age) if age >= timeout => None,
            Some(age) => Some(format!("witness {witness} heard {peer} {} ago", secs(age))),
            None => Some(format!("witness {witness} does not know {peer}")),
        }
    }

    fn consider_takeover(&mut self, now: Duration) -> Vec<Action> {
        if self.takeover.is_some() {
            return Vec::new();
        }
        if let Some(f) = self.fence_failed_at {
            if now.saturating_sub(f) < self.cfg.timing.takeover_timeout {
                return Vec::new();
            }
        }
        if self.takeover_blocker(now).is_some() {
            return Vec::new();
        }
        let peer = self.peer().unwrap_or_default().to_string();
        let why = format!(
            "{peer} lost by this node and the witness for {} or more",
            secs(self.cfg.timing.takeover_timeout)
        );
        self.begin_fencing(&peer, false, &why)
    }

    fn begin_fencing(&mut self, peer: &str, forced: bool, why: &str) -> Vec<Action> {
        self.takeover = Some(Takeover::Fencing { forced });
        vec![
            Action::Log(format!("{}: {why}: fencing {peer}", self.cfg.me)),
            Action::Fence(peer.to_string()),
        ]
    }

    fn fence_done(&mut self, now: Duration, ok: bool) -> Vec<Action> {
        let Some(Takeover::Fencing { forced }) = self.takeover else {
            return Vec::new();
        };
        let peer = self.peer().unwrap_or_default().to_string();
        if !(ok || forced || self.cfg.force) {
            self.takeover = None;
            self.fence_failed_at = Some(now);
            return vec![Action::Log(format!(
                "{}: fencing {peer} failed: not taking over (an admin may force it)",
                self.cfg.me
            ))];
        }
        let mut out = Vec::new();
        if !ok {
            out.push(Action::Log(format!(
                "{}: fencing {peer} failed: taking over anyway (forced)",
                self.cfg.me
            )));
        }
        self.takeover = Some(Takeover::RaisingTerm);
        out.push(Action::RaiseTerm {
            from: self.term.max(self.shared_term),
        });
        out
    }

    fn term_raised(&mut self, now: Duration, r: Result<u64, u64>) -> Vec<Action> {
        if self.takeover != Some(Takeover::RaisingTerm) {
            return Vec::new();
        }
        self.takeover = None;
        match r {
            Ok(t) => {
                self.term = t;
                self.shared_term = t;
                self.become_active(now)
            }
            Err(found) => {
                self.term = found;
                self.shared_term = found;
                if self.role == Role::Active {
                    return self.step_down(Role::Deactivated, "newer term on the shared data");
                }
                vec![self.log_role(&format!("term {found} raised by another node"))]
            }
        }
    }

    fn become_active(&mut self, now: Duration) -> Vec<Action> {
        self.role = Role::Active;
        self.demoted = false;
        self.last_contact = now;
        self.vip = true;
        self.writes = true;
        vec![
            Action::VipUp,
            Action::Writes(true),
            self.log_role("serving"),
        ]
    }

    fn step_down(&mut self, to: Role, why: &str) -> Vec<Action> {
        let was_active = self.role == Role::Active;
        self.role = to;
        self.takeover = None;
        let mut out = Vec::new();
        if was_active || self.writes {
            self.writes = false;
            out.push(Action::Writes(false));
        }
        if was_active || self.vip {
            self.vip = false;
            out.push(Action::VipDown);
        }
        out.push(self.log_role(why));
        out
    }

    fn exchange(&mut self, now: Duration, with: String, report: Report) -> Vec<Action> {
        let from_peer = self.peer() == Some(with.as_str());
        let (peer_role, peer_term) = (report.role, report.term);
        self.contacts
            .insert(with.clone(), Contact { at: now, report });
        if self.role == Role::Witness {
            self.term = self.term.max(peer_term);
            return Vec::new();
        }
        if !from_peer {
            return self.maybe_resume(now, None);
        }
        let newer = peer_term > self.term;
        match self.role {
            Role::Active if peer_role == Role::Active && newer => {
                self.term = peer_term;
                self.step_down(
                    Role::Deactivated,
                    &format!("{with} is active at a newer term"),
                )
            }
            Role::Standby | Role::Deactivated if newer && self.takeover.is_none() => {
                self.term = peer_term;
                if self.demoted {
                    self.demoted = false;
                    return vec![self.log_role(&format!(
                        "{with} took over at term {peer_term}: staying deactivated"
                    ))];
                }
                Vec::new()
            }
            _ => self.maybe_resume(now, Some(peer_role)),
        }
    }

    /// A self-demoted active has contact again: it resumes when its term is still the
    /// shared one and the peer is not active.
    fn maybe_resume(&mut self, now: Duration, peer_role: Option<Role>) -> Vec<Action> {
        if !self.demoted || self.role != Role::Deactivated || self.shared_term > self.term {
            return Vec::new();
        }
        let peer_role = peer_role.or_else(|| {
            self.peer()
                .and_then(|p| self.contacts.get(p))
                .map(|c| c.report.role)
        });
        if peer_role == Some(Role::Active) {
            return Vec::new();
        }
        let mut out = vec![self.log_role("contact restored, term still current")];
        out.extend(self.become_active(now));
        out
    }

    fn shared_term_seen(&mut self, _now: Duration, t: u64) -> Vec<Action> {
        self.shared_term = self.shared_term.max(t);
        if t <= self.term || self.takeover.is_some() {
            return Vec::new();
        }
        self.demoted = false;
        match self.role {
            Role::Active => {
                self.term = t;
                self.step_down(Role::Deactivated, "newer term on the shared data")
            }
            _ => {
                self.term = t;
                Vec::new()
            }
        }
    }

    fn admin(&mut self, now: Duration, a: Admin) -> Vec<Action> {
        if self.role == Role::Witness {
            return vec![Action::Log(format!(
                "{}: a witness cannot change role",
                self.cfg.me
            ))];
        }
        match a {
            Admin::Deactivate => {
                self.demoted = false;
                self.step_down(Role::Deactivated, "deactivated by an admin")
            }
            Admin::Standby => {
                self.demoted = false;
                self.fence_failed_at = None;
                self.step_down(Role::Standby, "made standby by an admin")
            }
            Admin::Activate { force } => self.admin_activate(now, force),
        }
    }

    fn admin_activate(&mut self, now: Duration, force: bool) -> Vec<Action> {
        if self.role == Role::Active || self.takeover.is_some() {
            return Vec::new();
        }
        let Some(peer) = self.peer().map(str::to_string) else {
            return Vec::new();
        };
        let fresh = self
            .contacts
            .get(&peer)
            .filter(|c| now.saturating_sub(c.at) <= self.cfg.timing.fresh());
        match fresh.map(|c| c.report.role) {
            Some(Role::Active) if !force => vec![Action::Log(format!(
                "{}: not activating: {peer} is active (deactivate it first, or force)",
                self.cfg.me
            ))],
            Some(Role::Active) => self.begin_fencing(&peer, true, "activation forced by an admin"),
            Some(_) => {
                self.demoted = false;
                self.takeover = Some(Takeover::RaisingTerm);
                vec![
                    Action::Log(format!("{}: planned activation by an admin", self.cfg.me)),
                    Action::RaiseTerm {
                        from: self.term.max(self.shared_term),
                    },
                ]
            }
            None => {
                self.demoted = false;
                self.begin_fencing(
                    &peer,
                    force,
                    &format!("activation by an admin, {peer} silent"),
                )
            }
        }
    }
}
