//! A simulated cluster for the state machine: two management nodes and a witness on a
//! network of undirected links, time in 100 ms steps, heartbeats as exchanges that
//! both sides record, the shared term as one compare-and-raise cell, and a fence that
//! powers the target off. Every step checks that the VIP is never up on two live nodes
//! and that no two nodes would accept a write.

#![allow(dead_code)]

use haagent::state::{Action, Admin, Config, Input, Machine, Role, Start, TermRecord, Timing};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

pub const STEP: Duration = Duration::from_millis(100);
pub const MNS: [&str; 2] = ["mn1", "mn2"];
pub const WITNESS: &str = "w";

pub struct Node {
    pub m: Machine,
    pub alive: bool,
    pub paused: bool,
    pub vip: bool,
    pub writes: bool,
    next_poll: Duration,
}

/// What a fence does in the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fence {
    /// Powers the target off and reports success.
    Kills,
    /// Reports failure; the target lives on.
    Fails,
    /// Reports success but the target lives on (a wrong BMC address).
    Lies,
}

pub struct Sim {
    pub now: Duration,
    pub timing: Timing,
    pub nodes: BTreeMap<String, Node>,
    pub cut: BTreeSet<(String, String)>,
    pub shared: Option<TermRecord>,
    pub fence: Fence,
    pub force: bool,
    pub fenced: Vec<(String, String, Duration)>,
    pub log: Vec<String>,
    /// Check that the VIP is never on two live nodes (off for a fence that lies).
    pub check_vip: bool,
}

fn link(a: &str, b: &str) -> (String, String) {
    if a < b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

impl Sim {
    /// mn1 starts active (first term), mn2 standby, the witness `w`; nothing run yet.
    pub fn new(timing: Timing, fence: Fence, force: bool) -> Sim {
        let mut sim = Sim {
            now: Duration::from_secs(100),
            timing,
            nodes: BTreeMap::new(),
            cut: BTreeSet::new(),
            shared: None,
            fence,
            force,
            fenced: Vec::new(),
            log: Vec::new(),
            check_vip: fence != Fence::Lies,
        };
        sim.boot(WITNESS, Start::Witness);
        sim.boot("mn1", Start::Active);
        sim.boot("mn2", Start::Standby);
        sim
    }

    pub fn config(&self, name: &str, start: Start) -> Config {
        let (peers, witness) = if start == Start::Witness {
            (MNS.iter().map(|s| s.to_string()).collect(), None)
        } else {
            let other = MNS.iter().find(|n| **n != name).unwrap().to_string();
            (vec![other], Some(WITNESS.to_string()))
        };
        Config {
            me: name.to_string(),
            start,
            peers,
            witness,
            timing: self.timing,
            force: self.force,
        }
    }

    /// Starts (or restarts) a node's daemon.
    pub fn boot(&mut self, name: &str, start: Start) {
        let mut m = Machine::new(self.config(name, start), self.now);
        let first = m.start(self.now, self.shared.as_ref());
        self.nodes.insert(
            name.to_string(),
            Node {
                m,
                alive: true,
                paused: false,
                vip: false,
                writes: false,
                next_poll: self.now,
            },
        );
        self.apply(name, first);
    }

    pub fn node(&self, name: &str) -> &Node {
        &self.nodes[name]
    }

    pub fn role(&self, name: &str) -> Role {
        self.nodes[name].m.role()
    }

    pub fn term(&self) -> u64 {
        self.shared.as_ref().map_or(0, |r| r.term)
    }

    pub fn kill(&mut self, name: &str) {
        let n = self.nodes.get_mut(name).unwrap();
        n.alive = false;
        n.vip = false;
        n.writes = false;
    }

    pub fn set_paused(&mut self, name: &str, paused: bool) {
        self.nodes.get_mut(name).unwrap().paused = paused;
    }

    pub fn cut_link(&mut self, a: &str, b: &str) {
        self.cut.insert(link(a, b));
    }

    pub fn heal_link(&mut self, a: &str, b: &str) {
        self.cut.remove(&link(a, b));
    }

    /// Cuts every link of `name`.
    pub fn isolate(&mut self, name: &str) {
        for other in ["mn1", "mn2", WITNESS] {
            if other != name {
                self.cut_link(name, other);
            }
        }
    }

    pub fn heal_all(&mut self) {
        self.cut.clear();
    }

    fn running(&self, name: &str) -> bool {
        let n = &self.nodes[name];
        n.alive && !n.paused
    }

    pub fn admin(&mut self, name: &str, a: Admin) {
        let now = self.now;
        let actions = self
            .nodes
            .get_mut(name)
            .unwrap()
            .m
            .step(now, Input::Admin(a));
        self.apply(name, actions);
    }

    /// Carries out actions (and the inputs their results make) for `name`.
    fn apply(&mut self, name: &str, actions: Vec<Action>) {
        let mut queue: Vec<Action> = actions;
        queue.reverse();
        while let Some(a) = queue.pop() {
            let next = match a {
                Action::Fence(target) => {
                    self.fenced
                        .push((name.to_string(), target.clone(), self.now));
                    let ok = match self.fence {
                        Fence::Kills => {
                            self.kill(&target);
                            true
                        }
                        Fence::Fails => false,
                        Fence::Lies => true,
                    };
                    Some(Input::FenceDone { ok })
                }
                Action::RaiseTerm { from } => {
                    let found = self.term();
                    let r = if found == from {
                        self.shared = Some(TermRecord {
                            term: from + 1,
                            holder: name.to_string(),
                        });
                        Ok(from + 1)
                    } else {
                        Err(found)
                    };
                    Some(Input::TermRaised(r))
                }
                Action::VipUp => {
                    self.nodes.get_mut(name).unwrap().vip = true;
                    None
                }
                Action::VipDown => {
                    self.nodes.get_mut(name).unwrap().vip = false;
                    None
                }
                Action::Writes(w) => {
                    self.nodes.get_mut(name).unwrap().writes = w;
                    None
                }
                Action::Log(l) => {
                    self.log
                        .push(format!("{:>7.1} {l}", self.now.as_secs_f64()));
                    None
                }
            };
            if let Some(input) = next {
                let now = self.now;
                let more = self.nodes.get_mut(name).unwrap().m.step(now, input);
                queue.extend(more.into_iter().rev());
            }
        }
    }

    fn input(&mut self, name: &str, input: Input) {
        let now = self.now;
        let actions = self.nodes.get_mut(name).unwrap().m.step(now, input);
        self.apply(name, actions);
    }

    fn targets(&self, name: &str) -> Vec<String> {
        let cfg = self.nodes[name].m.config();
        cfg.peers
            .iter()
            .chain(cfg.witness.iter())
            .cloned()
            .collect()
    }

    /// One heartbeat exchange `from` → `to`, when both run and the link is up.
    fn exchange(&mut self, from: &str, to: &str) {
        if !self.running(to) || self.cut.contains(&link(from, to)) {
            return;
        }
        let their = self.nodes[to].m.report(self.now);
        let mine = self.nodes[from].m.report(self.now);
        self.input(
            to,
            Input::Exchange {
                with: from.to_string(),
                report: mine,
            },
        );
        self.input(
            from,
            Input::Exchange {
                with: to.to_string(),
                report: their,
            },
        );
    }

    /// One 100 ms step: due heartbeats, the shared term read, a tick, the checks.
    pub fn step(&mut self) {
        self.now += STEP;
        let names: Vec<String> = self.nodes.keys().cloned().collect();
        for n in &names {
            if !self.running(n) || self.nodes[n].next_poll > self.now {
                continue;
            }
            self.nodes.get_mut(n).unwrap().next_poll = self.now + self.timing.heartbeat;
            for t in self.targets(n) {
                self.exchange(n, &t);
            }
        }
        for n in &names {
            if self.running(n) {
                let t = self.term();
                self.input(n, Input::SharedTerm(t));
                self.input(n, Input::Tick);
            }
        }
        self.check();
    }

    pub fn run_for(&mut self, d: Duration) {
        let end = self.now + d;
        while self.now < end {
            self.step();
        }
    }

    /// Runs until `cond` holds (returns the time it took) or `limit` passes.
    pub fn run_until(&mut self, limit: Duration, cond: impl Fn(&Sim) -> bool) -> Option<Duration> {
        let start = self.now;
        while self.now < start + limit {
            self.step();
            if cond(self) {
                return Some(self.now - start);
            }
        }
        None
    }

    /// Live nodes that would accept a write now.
    pub fn writers(&self) -> Vec<String> {
        self.writers_at(self.term())
    }

    /// The same, with a shared term of `term` (0: as if the node could not read it).
    pub fn writers_at(&self, term: u64) -> Vec<String> {
        self.nodes
            .iter()
            .filter(|(_, n)| n.alive && !n.paused && n.m.may_write(self.now, term).is_ok())
            .map(|(k, _)| k.clone())
            .collect()
    }

    fn check(&self) {
        let vips: Vec<&String> = self
            .nodes
            .iter()
            .filter(|(_, n)| n.alive && n.vip)
            .map(|(k, _)| k)
            .collect();
        if self.check_vip {
            assert!(
                vips.len() <= 1,
                "VIP on {vips:?} at {:?}\n{}",
                self.now,
                self.log.join("\n")
            );
        }
        if self.check_vip {
            let w = self.writers_at(0);
            assert!(
                w.len() <= 1,
                "lease writers {w:?} at {:?}\n{}",
                self.now,
                self.log.join("\n")
            );
        }
        let w = self.writers();
        assert!(
            w.len() <= 1,
            "writers {w:?} at {:?}\n{}",
            self.now,
            self.log.join("\n")
        );
        for name in &w {
            let n = &self.nodes[name];
            assert_eq!(n.m.term(), self.term(), "write under an old term on {name}");
            assert!(
                n.writes && n.vip,
                "{name} writes without its VIP or write switch"
            );
        }
    }
}
