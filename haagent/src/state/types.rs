//! The state machine's vocabulary: roles, timing, reports, inputs, actions and the
//! configuration of one node (no behaviour beyond parsing and the timing rule).

use std::time::Duration;

/// What a node is doing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Holds the VIP and serves writes.
    Active,
    /// Ready to take over when the active is lost.
    Standby,
    /// Neither serves nor takes over (admin, newer term, or lost contact).
    Deactivated,
    /// Votes only: a third daemon that tells the standby whether it sees the active.
    Witness,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Active => "active",
            Role::Standby => "standby",
            Role::Deactivated => "deactivated",
            Role::Witness => "witness",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "active" => Role::Active,
            "standby" => Role::Standby,
            "deactivated" => Role::Deactivated,
            "witness" => Role::Witness,
            _ => return None,
        })
    }
}

/// Heartbeat interval, takeover timeout and the active's lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub heartbeat: Duration,
    pub takeover_timeout: Duration,
    pub lease: Duration,
}

impl Default for Timing {
    /// keepalived / Patroni-like: 1 s heartbeats, takeover after 10 s of silence, the
    /// active gives up after 6 s without any contact.
    fn default() -> Timing {
        Timing {
            heartbeat: Duration::from_secs(1),
            takeover_timeout: Duration::from_secs(10),
            lease: Duration::from_secs(6),
        }
    }
}

impl Timing {
    /// The lease plus one heartbeat (the longest a heartbeat may take, and the lag of a
    /// tick) must end before the takeover timeout: then the active has stepped down
    /// before a standby can decide that it is gone.
    pub fn validate(&self) -> Result<(), String> {
        if self.heartbeat.is_zero() || self.lease.is_zero() {
            return Err("heartbeat and lease must be longer than 0 s".into());
        }
        if self.lease + self.heartbeat >= self.takeover_timeout {
            return Err(format!(
                "lease ({:.1} s) + heartbeat ({:.1} s) must be shorter than the takeover timeout ({:.1} s)",
                self.lease.as_secs_f64(),
                self.heartbeat.as_secs_f64(),
                self.takeover_timeout.as_secs_f64()
            ));
        }
        Ok(())
    }

    /// A witness answer older than this is no vote.
    pub fn fresh(&self) -> Duration {
        self.heartbeat * 2
    }
}

/// How a node sees another one (a line of its `hastatus`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub name: String,
    /// Time since the last exchange; since the observer started when there was none.
    pub age: Duration,
    pub heard: bool,
}

/// What a node says about itself in a heartbeat answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub role: Role,
    pub term: u64,
    pub sees: Vec<Seen>,
}

impl Report {
    pub fn age_of(&self, name: &str) -> Option<Duration> {
        self.sees.iter().find(|s| s.name == name).map(|s| s.age)
    }
}

/// The term on the shared data and the node that raised it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRecord {
    pub term: u64,
    pub holder: String,
}

/// What the node starts as (configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Active if the shared term is held by this node (or there is none yet).
    Active,
    Standby,
    Witness,
}

/// Admin commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admin {
    /// Become active: planned when the peer answers and is not active; otherwise
    /// fence it first. `force` also proceeds when the peer is active or fencing fails.
    Activate { force: bool },
    /// Stop serving and take no part in takeovers.
    Deactivate,
    /// Stop serving (if active) and be ready to take over.
    Standby,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Tick,
    /// A heartbeat exchange with `with` completed (either side asked).
    Exchange {
        with: String,
        report: Report,
    },
    /// The term read from the shared data.
    SharedTerm(u64),
    /// The result of [`Action::Fence`].
    FenceDone {
        ok: bool,
    },
    /// The result of [`Action::RaiseTerm`]: the new term, or the newer one found.
    TermRaised(Result<u64, u64>),
    Admin(Admin),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Run the fence command against the node; answer with [`Input::FenceDone`].
    Fence(String),
    /// Compare-and-raise the shared term from `from` to `from + 1` held by this node;
    /// answer with [`Input::TermRaised`].
    RaiseTerm {
        from: u64,
    },
    VipUp,
    VipDown,
    /// Start / stop serving write commands.
    Writes(bool),
    /// A transition, for syslog and the command log.
    Log(String),
}

/// Names and settings of one node.
#[derive(Debug, Clone)]
pub struct Config {
    pub me: String,
    pub start: Start,
    /// The other management node (MN) or both management nodes (witness).
    pub peers: Vec<String>,
    /// The witness (MN only).
    pub witness: Option<String>,
    pub timing: Timing,
    /// Take over even when fencing fails.
    pub force: bool,
}
