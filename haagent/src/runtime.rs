//! The agent's threads: one loop that owns the effects and steps the state machine
//! (heartbeats and admin commands from a channel, a tick four times per heartbeat with
//! the term read from the shared data), and one poller per other member that sends it
//! `hastatus --heartbeat` every interval. Fencing and the VIP run outside the machine's
//! lock, so heartbeats are answered meanwhile. Every transition goes to the log
//! (syslog through `tracing`) and to the sink the daemon gives (its command log).

use crate::agent::{Agent, Event};
use crate::config::{HaConfig, Member};
use crate::effects::Effects;
use crate::heartbeat::Heartbeat;
use crate::state::{self, Action, Admin, Input, Machine, Role, Start};
use crate::term::TermFile;
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};
use xcat_net::Credentials;

/// Where transition lines go besides syslog (the daemon's command log).
pub type LogSink = Arc<dyn Fn(&str) + Send + Sync>;

fn machine_config(cfg: &HaConfig) -> state::Config {
    state::Config {
        me: cfg.name.clone(),
        start: cfg.start,
        peers: cfg.peers.iter().map(|m| m.name.clone()).collect(),
        witness: cfg.witness.as_ref().map(|m| m.name.clone()),
        timing: cfg.timing,
        force: cfg.force,
    }
}

/// Starts the agent: reads the shared term, takes the start role (its VIP and write
/// actions done before this returns), then runs the loop and the pollers.
pub fn start(
    cfg: HaConfig,
    creds: Option<Credentials>,
    effects: Box<dyn Effects>,
    sink: LogSink,
) -> Result<Arc<Agent>, String> {
    let (tx, rx) = mpsc::channel();
    let epoch = Instant::now();
    let record = match (&cfg.start, &cfg.shared) {
        (Start::Witness, _) | (_, None) => None,
        (_, Some(shared)) => {
            let t = TermFile::new(shared);
            t.read()
                .map_err(|e| format!("HA term {}: {e}", t.path().display()))?
        }
    };
    let mut machine = Machine::new(machine_config(&cfg), Duration::ZERO);
    let first = machine.start(Duration::ZERO, record.as_ref());
    let members: Vec<Member> = cfg
        .peers
        .iter()
        .chain(cfg.witness.iter())
        .cloned()
        .collect();
    let interval = cfg.timing.heartbeat;
    let agent = Arc::new(Agent::new(cfg, epoch, machine, tx));
    let mut driver = Driver {
        agent: agent.clone(),
        effects,
        sink,
        metrics_error: None,
    };
    driver.apply(first);
    std::thread::Builder::new()
        .name("haagent".into())
        .spawn(move || driver.run(rx))
        .map_err(|e| format!("HA agent thread: {e}"))?;
    for m in members {
        let hb = Heartbeat::new(creds.clone(), interval).map_err(|e| e.to_string())?;
        let a = agent.clone();
        std::thread::Builder::new()
            .name(format!("haagent-{}", m.name))
            .spawn(move || poll(a, m, hb))
            .map_err(|e| format!("HA heartbeat thread: {e}"))?;
    }
    Ok(agent)
}

/// Heartbeats to one member, one per interval.
fn poll(agent: Arc<Agent>, member: Member, hb: Heartbeat) {
    let interval = agent.cfg.timing.heartbeat;
    let mut failing = false;
    loop {
        let t0 = Instant::now();
        match hb.exchange(&member.addr, &agent.lines()) {
            Ok((name, report)) if name == member.name => {
                if failing {
                    tracing::info!("HA: heartbeat to {} ({}) works again", name, member.addr);
                }
                failing = false;
                if agent
                    .events
                    .send(Event::Exchange { with: name, report })
                    .is_err()
                {
                    return;
                }
            }
            Ok((name, _)) => tracing::warn!(
                "HA: {} answered as '{name}', not '{}'; ignored",
                member.addr,
                member.name
            ),
            Err(e) => {
                if !failing {
                    tracing::info!(
                        "HA: heartbeat to {} ({}) failed: {e}",
                        member.name,
                        member.addr
                    );
                }
                failing = true;
            }
        }
        std::thread::sleep(interval.saturating_sub(t0.elapsed()));
    }
}

struct Driver {
    agent: Arc<Agent>,
    effects: Box<dyn Effects>,
    sink: LogSink,
    /// The last error writing the metrics file (logged when it changes).
    metrics_error: Option<String>,
}

impl Driver {
    fn run(&mut self, rx: mpsc::Receiver<Event>) {
        let tick = (self.agent.cfg.timing.heartbeat / 4).max(Duration::from_millis(20));
        let mut next_tick = Instant::now() + tick;
        let mut next_metrics = Instant::now();
        loop {
            if Instant::now() >= next_metrics {
                self.write_metrics();
                next_metrics = Instant::now() + self.agent.cfg.timing.heartbeat;
            }
            let wait = next_tick.saturating_duration_since(Instant::now());
            match rx.recv_timeout(wait) {
                Ok(Event::Exchange { with, report }) => {
                    self.feed(Input::Exchange { with, report });
                }
                Ok(Event::Admin { cmd, reply }) => {
                    let _ = reply.send(self.admin(cmd));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    self.tick();
                    next_tick = Instant::now() + tick;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    /// The metrics file, when configured (a failure is logged once per change of error).
    fn write_metrics(&mut self) {
        let Some(path) = &self.agent.cfg.metrics_file else {
            return;
        };
        let result = crate::metrics::write_file(path, &self.agent.metrics_text());
        let error = result.err().map(|e| format!("{}: {e}", path.display()));
        if error.is_some() && error != self.metrics_error {
            tracing::warn!(
                "HA: cannot write the metrics file {}",
                error.as_deref().unwrap_or("")
            );
        }
        self.metrics_error = error;
    }

    /// An admin command: what happened and the status, or why activation did not happen.
    fn admin(&mut self, cmd: Admin) -> Result<Vec<String>, String> {
        let mut lines = self.feed(Input::Admin(cmd));
        let activated = self.agent.role() == Role::Active;
        if matches!(cmd, Admin::Activate { .. }) && !activated {
            return Err(format!("not activated: {}", lines.join("; ")));
        }
        lines.extend(self.agent.lines());
        Ok(lines)
    }

    fn tick(&mut self) {
        if let Some(t) = &self.agent.term {
            match t.current() {
                Ok(term) => {
                    self.feed(Input::SharedTerm(term));
                }
                Err(e) => tracing::warn!("HA: cannot read {}: {e}", t.path().display()),
            }
        }
        self.feed(Input::Tick);
    }

    /// Steps the machine and carries out its actions; returns the log lines.
    fn feed(&mut self, input: Input) -> Vec<String> {
        let actions = self.step(input);
        self.apply(actions)
    }

    fn step(&self, input: Input) -> Vec<Action> {
        let now = self.agent.now();
        let mut m = self.agent.machine();
        let before = m.role();
        let actions = m.step(now, input);
        if m.role() != before {
            self.agent.transitions.fetch_add(1, Ordering::Relaxed);
        }
        actions
    }

    fn apply(&mut self, actions: Vec<Action>) -> Vec<String> {
        let mut logged = Vec::new();
        for a in actions {
            if let Some(next) = self.act(a, &mut logged) {
                let more = self.step(next);
                logged.extend(self.apply(more));
            }
        }
        logged
    }

    /// One action; the input its result makes, if any.
    fn act(&mut self, action: Action, logged: &mut Vec<String>) -> Option<Input> {
        let me = self.agent.cfg.name.clone();
        match action {
            Action::Fence(peer) => {
                let ok = match self.effects.fence(&peer) {
                    Ok(()) => true,
                    Err(e) => {
                        self.log(
                            &format!("{me}: fence command for {peer} failed: {e}"),
                            logged,
                        );
                        false
                    }
                };
                Some(Input::FenceDone { ok })
            }
            Action::RaiseTerm { from } => {
                let t = self.agent.term.as_ref()?;
                Some(Input::TermRaised(match t.raise(from, &me) {
                    Ok(r) => r,
                    Err(e) => {
                        self.log(&format!("{me}: cannot raise the term: {e}"), logged);
                        Err(from)
                    }
                }))
            }
            Action::VipUp | Action::VipDown => {
                let up = action == Action::VipUp;
                if let Err(e) = self.effects.vip(up) {
                    let what = if up { "up" } else { "down" };
                    self.log(&format!("{me}: VIP {what} failed: {e}"), logged);
                }
                None
            }
            Action::Writes(_) => None,
            Action::Log(line) => {
                self.log(&line, logged);
                None
            }
        }
    }

    fn log(&self, line: &str, logged: &mut Vec<String>) {
        tracing::warn!("HA: {line}");
        (self.sink)(line);
        logged.push(line.to_string());
    }
}
