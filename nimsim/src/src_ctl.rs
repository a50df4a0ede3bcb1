//! The System Resource Controller: `lssrc`, `startsrc`, `stopsrc` and `refresh` over the
//! host's subsystems, with AIX's `0513-NNN` messages. Stock xCAT reads `lssrc -s inetd`
//! for `\sinoperative` (aixinstall.pm:12370) and `lssrc -s dhcpsd` for `\sactive`
//! (aixinstall.pm:11832); `stopsrc -g nfs` of an already stopped group fails, which
//! stock reports as an error (aixinstall.pm `-S` sequence).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::args;
use crate::outcome::Outcome;
use crate::store::State;

/// One SRC subsystem.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Subsystem {
    pub group: String,
    pub active: bool,
    pub pid: Option<u32>,
}

impl Subsystem {
    /// A running subsystem of `group` (its PID is given when listed).
    pub fn active(group: &str) -> Self {
        Subsystem {
            group: group.to_string(),
            active: true,
            pid: None,
        }
    }

    fn stopped(group: &str) -> Self {
        Subsystem {
            group: group.to_string(),
            active: false,
            pid: None,
        }
    }
}

/// What a fresh service node runs: inetd and the NFS group active, dhcpsd and gssd not.
pub fn default_subsystems() -> BTreeMap<String, Subsystem> {
    let mut map = BTreeMap::new();
    for (name, group, active) in [
        ("inetd", "tcpip", true),
        ("dhcpsd", "tcpip", false),
        ("snmpd", "tcpip", true),
        ("syslogd", "ras", true),
        ("sshd", "ssh", true),
        ("biod", "nfs", true),
        ("nfsd", "nfs", true),
        ("rpc.mountd", "nfs", true),
        ("rpc.statd", "nfs", true),
        ("rpc.lockd", "nfs", true),
        ("nfsrgyd", "nfs", true),
        ("gssd", "nfs", false),
    ] {
        let sub = if active {
            Subsystem::active(group)
        } else {
            Subsystem::stopped(group)
        };
        map.insert(name.to_string(), sub);
    }
    for (i, sub) in map.values_mut().enumerate() {
        if sub.active {
            sub.pid = Some(3000 + 14 * i as u32);
        }
    }
    map
}

const USAGE: &str = "Usage: lssrc [-a | -s Subsystem | -g Group]";
const START_USAGE: &str = "Usage: startsrc -s Subsystem | -g Group";
const STOP_USAGE: &str = "Usage: stopsrc -s Subsystem | -g Group";
const REFRESH_USAGE: &str = "Usage: refresh -s Subsystem | -g Group";

/// Which subsystems a `-s` / `-g` / `-a` selection names, or the AIX error.
fn select(state: &State, parsed: &args::Parsed, all_ok: bool) -> Result<Vec<String>, Outcome> {
    if let Some(name) = parsed.value('s') {
        if state.subsystems.contains_key(name) {
            return Ok(vec![name.to_string()]);
        }
        return Err(Outcome::fail(
            1,
            format!("0513-085 The {name} Subsystem is not on file."),
        ));
    }
    if let Some(group) = parsed.value('g') {
        let names: Vec<String> = state
            .subsystems
            .iter()
            .filter(|(_, s)| s.group == group)
            .map(|(n, _)| n.clone())
            .collect();
        if names.is_empty() {
            return Err(Outcome::fail(
                1,
                format!("0513-086 The {group} Group is not on file."),
            ));
        }
        return Ok(names);
    }
    if all_ok && parsed.has('a') {
        return Ok(state.subsystems.keys().cloned().collect());
    }
    Err(Outcome::fail(
        2,
        "0513-032 A subsystem or group name must be specified.",
    ))
}

/// `lssrc`: the AIX table (`Subsystem Group PID Status`).
pub fn lssrc(state: &State, argv: &[String]) -> Outcome {
    let parsed = match args::parse("lssrc", argv, "s:g:al", USAGE) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let names = match select(state, &parsed, true) {
        Ok(n) => n,
        Err(out) => return out,
    };
    let mut out = Outcome::ok(format!(
        "{:<18}{:<17}{:<13}{}\n",
        "Subsystem", "Group", "PID", "Status "
    ));
    for name in names {
        let Some(s) = state.subsystems.get(&name) else {
            continue;
        };
        let pid = s.pid.map(|p| p.to_string()).unwrap_or_default();
        let status = if s.active { "active" } else { "inoperative" };
        out.line(format!(" {:<17}{:<17}{:<13}{}", name, s.group, pid, status));
    }
    out
}

/// `startsrc -s x` / `-g g`.
pub fn startsrc(state: &mut State, argv: &[String]) -> (Outcome, bool) {
    let parsed = match args::parse("startsrc", argv, "s:g:a:e:", START_USAGE) {
        Ok(p) => p,
        Err(out) => return (out, false),
    };
    let names = match select(state, &parsed, false) {
        Ok(n) => n,
        Err(out) => return (out, false),
    };
    let single = parsed.has('s');
    let mut out = Outcome::ok("");
    let base = 20000 + std::process::id() % 40000;
    for (i, name) in names.iter().enumerate() {
        let Some(s) = state.subsystems.get_mut(name) else {
            continue;
        };
        if s.active {
            out.err_line(format!("0513-029 The {name} Subsystem is already active.\nMultiple instances are not supported."));
            if single {
                out.rc = 1;
            }
            continue;
        }
        let pid = base + i as u32;
        s.active = true;
        s.pid = Some(pid);
        out.line(format!(
            "0513-059 The {name} Subsystem has been started. Subsystem PID is {pid}."
        ));
    }
    (out, true)
}

/// `stopsrc -s x` / `-g g`: stopping what is already stopped fails (0513-004).
pub fn stopsrc(state: &mut State, argv: &[String]) -> (Outcome, bool) {
    let parsed = match args::parse("stopsrc", argv, "s:g:fc", STOP_USAGE) {
        Ok(p) => p,
        Err(out) => return (out, false),
    };
    let names = match select(state, &parsed, false) {
        Ok(n) => n,
        Err(out) => return (out, false),
    };
    let label = parsed
        .value('s')
        .or(parsed.value('g'))
        .unwrap_or_default()
        .to_string();
    if names
        .iter()
        .all(|n| state.subsystems.get(n).is_some_and(|s| !s.active))
    {
        return (
            Outcome::fail(
                1,
                format!("0513-004 The Subsystem or Group, {label}, is currently inoperative."),
            ),
            false,
        );
    }
    let mut out = Outcome::ok("");
    for name in names {
        let Some(s) = state.subsystems.get_mut(&name) else {
            continue;
        };
        if s.active {
            s.active = false;
            s.pid = None;
            out.line(format!(
                "0513-044 The {name} Subsystem was requested to stop."
            ));
        }
    }
    (out, true)
}

/// `refresh -s x`: only an active subsystem can be refreshed.
pub fn refresh(state: &State, argv: &[String]) -> Outcome {
    let parsed = match args::parse("refresh", argv, "s:g:", REFRESH_USAGE) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let names = match select(state, &parsed, false) {
        Ok(n) => n,
        Err(out) => return out,
    };
    for name in &names {
        if state.subsystems.get(name).is_some_and(|s| !s.active) {
            return Outcome::fail(
                1,
                format!("0513-036 The request could not be passed to the {name} subsystem.\nStart the subsystem and try your command again."),
            );
        }
    }
    Outcome::ok("0513-095 The request for subsystem refresh was completed successfully.\n")
}
