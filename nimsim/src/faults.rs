//! Faults on demand, armed in the host's state file (so they reach calls made by any
//! process on that host: the daemon, ssh, a test). Armed with `nimsim fault …`:
//!
//! * `nimsim fault SPEC fail [TIMES [RC]]` — the next TIMES matching calls (0 = every
//!   call; default 1) fail with exit RC (default 1) and a NIM-style processing error,
//!   without changing any state;
//! * `nimsim fault SPEC hang SECS [TIMES]` — matching calls sleep SECS seconds without
//!   holding the host lock (other calls go on), then fail with exit 1;
//! * `nimsim fault SPEC delay SECS [TIMES]` — matching calls wait SECS seconds without
//!   holding the host lock, then run normally (a slow NIM);
//! * `nimsim fault list` / `nimsim fault clear`.
//!
//! SPEC is `cmd[:op[:target]]`: `cmd` the simulated command (`nim`, `lsnim`, `mknfsexp`…);
//! `op` the NIM operation for `nim` (`-o dkls_init`), for other commands any argument
//! word (`stopsrc:nfs`); `target` the last argument (`nim:dkls_init:cn01`). An empty
//! part (`nim::cn01`) matches anything.

use serde::{Deserialize, Serialize};

/// What an armed fault does to a matching call.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FaultAction {
    Fail { rc: i32 },
    Hang { secs: u64 },
    Delay { secs: u64 },
}

/// One armed fault.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FaultRule {
    pub cmd: String,
    pub op: Option<String>,
    pub target: Option<String>,
    pub action: FaultAction,
    /// Calls still to answer; None = every call.
    pub remaining: Option<u32>,
}

impl FaultRule {
    fn matches(&self, cmd: &str, args: &[String]) -> bool {
        if self.cmd != cmd {
            return false;
        }
        if let Some(op) = &self.op {
            let hit = if cmd == "nim" {
                crate::nim::operation(args).as_deref() == Some(op.as_str())
            } else {
                args.iter().any(|a| a == op)
            };
            if !hit {
                return false;
            }
        }
        match &self.target {
            Some(t) => args.last().is_some_and(|last| last == t),
            None => true,
        }
    }
}

/// Finds the first armed fault for this call and uses one of its shots.
pub fn take(rules: &mut Vec<FaultRule>, cmd: &str, args: &[String]) -> Option<FaultAction> {
    let pos = rules.iter().position(|r| r.matches(cmd, args))?;
    let action = rules[pos].action.clone();
    if let Some(left) = rules[pos].remaining.as_mut() {
        *left = left.saturating_sub(1);
        if *left == 0 {
            rules.remove(pos);
        }
    }
    Some(action)
}

/// Parses the words after `nimsim fault` into a rule.
pub fn parse_rule(words: &[String]) -> Result<FaultRule, String> {
    let [spec, kind, rest @ ..] = words else {
        return Err(
            "usage: nimsim fault SPEC fail [TIMES [RC]] | SPEC hang|delay SECS [TIMES] | list | clear"
                .into(),
        );
    };
    let mut parts = spec
        .splitn(3, ':')
        .map(|p| (!p.is_empty()).then(|| p.to_string()));
    let cmd = parts
        .next()
        .flatten()
        .ok_or("fault SPEC needs a command name")?;
    let op = parts.next().flatten();
    let target = parts.next().flatten();
    let number = |i: usize, default: u64| -> Result<u64, String> {
        rest.get(i).map_or(Ok(default), |w| {
            w.parse().map_err(|_| format!("not a number: {w}"))
        })
    };
    let (action, times) = match kind.as_str() {
        "fail" => (
            FaultAction::Fail {
                rc: number(1, 1)? as i32,
            },
            number(0, 1)?,
        ),
        "hang" | "delay" => {
            let secs = rest
                .first()
                .ok_or("hang and delay need SECS")?
                .parse()
                .map_err(|_| "SECS must be a number")?;
            let action = if kind == "hang" {
                FaultAction::Hang { secs }
            } else {
                FaultAction::Delay { secs }
            };
            (action, number(1, 1)?)
        }
        other => return Err(format!("unknown fault kind {other} (fail, hang or delay)")),
    };
    let remaining = if times == 0 { None } else { Some(times as u32) };
    Ok(FaultRule {
        cmd,
        op,
        target,
        action,
        remaining,
    })
}

/// The error a failing fault prints, shaped like NIM's processing error.
pub fn failure_message(cmd: &str, args: &[String]) -> String {
    let target = args.last().map(String::as_str).unwrap_or(cmd);
    format!("0042-001 {cmd}: processing error encountered on \"{target}\":\n   nimsim: injected fault\n")
}
