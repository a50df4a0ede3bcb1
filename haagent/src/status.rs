//! The `hastatus` lines — what an admin reads and what a heartbeat carries both ways
//! (one format, written and parsed here):
//!
//! ```text
//! name: mn1
//! role: active                      (active | standby | deactivated | witness)
//! term: 3
//! vip: 198.18.0.5                   (none when not configured)
//! vip state: up                     (up | down)
//! writes: on                        (on | off)
//! lease age: 0.4 s                  (since the last heartbeat with anyone)
//! takeover: fencing mn2             (only while a takeover runs)
//! transitions: 2                    (role changes since the daemon started)
//! peer mn2: reachable (last heartbeat 0.4 s ago, standby, term 3)
//! witness sn1: unreachable (no heartbeat in 12.3 s)
//! ```
//!
//! A witness lists both management nodes as `mn NAME: …`. "reachable" means a heartbeat
//! within two intervals.

use crate::state::{Report, Role, Seen};
use std::time::Duration;

/// Everything `hastatus` shows besides the machine's report.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    pub vip: Option<String>,
    pub vip_up: bool,
    pub writes: bool,
    pub lease_age: Duration,
    pub takeover: Option<String>,
    pub transitions: u64,
}

/// How a node sees another, with what that one last said about itself.
#[derive(Debug, Clone)]
pub struct PeerLine {
    /// `peer`, `witness` or `mn`.
    pub kind: &'static str,
    pub seen: Seen,
    pub reachable: bool,
    pub last: Option<(Role, u64)>,
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// The `hastatus` lines of one node.
pub fn lines(name: &str, report: &Report, extra: &Extra, peers: &[PeerLine]) -> Vec<String> {
    let mut out = vec![
        format!("name: {name}"),
        format!("role: {}", report.role.as_str()),
        format!("term: {}", report.term),
    ];
    if report.role != Role::Witness {
        out.push(format!("vip: {}", extra.vip.as_deref().unwrap_or("none")));
        out.push(format!(
            "vip state: {}",
            if extra.vip_up { "up" } else { "down" }
        ));
        out.push(format!(
            "writes: {}",
            if extra.writes { "on" } else { "off" }
        ));
    }
    out.push(format!("lease age: {}", secs(extra.lease_age)));
    if let Some(t) = &extra.takeover {
        out.push(format!("takeover: {t}"));
    }
    out.push(format!("transitions: {}", extra.transitions));
    for p in peers {
        out.push(peer_line(p));
    }
    out
}

fn peer_line(p: &PeerLine) -> String {
    let state = if p.reachable {
        "reachable"
    } else {
        "unreachable"
    };
    let detail = match (p.seen.heard, p.last) {
        (true, Some((role, term))) => format!(
            "last heartbeat {} ago, {}, term {term}",
            secs(p.seen.age),
            role.as_str()
        ),
        _ => format!("no heartbeat in {}", secs(p.seen.age)),
    };
    format!("{} {}: {state} ({detail})", p.kind, p.seen.name)
}

/// A node's name and report from its `hastatus` lines (a heartbeat's request or answer).
pub fn parse(lines: &[String]) -> Result<(String, Report), String> {
    let (mut name, mut role, mut term) = (None, None, None);
    let mut sees = Vec::new();
    for line in lines {
        let Some((key, value)) = line.split_once(": ") else {
            continue;
        };
        match key {
            "name" => name = Some(value.to_string()),
            "role" => role = Role::parse(value),
            "term" => term = value.parse::<u64>().ok(),
            _ => {
                if let Some(seen) = parse_seen(key, value) {
                    sees.push(seen);
                }
            }
        }
    }
    match (name, role, term) {
        (Some(n), Some(role), Some(term)) => Ok((n, Report { role, term, sees })),
        _ => Err(format!("not an hastatus answer: {lines:?}")),
    }
}

fn parse_seen(key: &str, value: &str) -> Option<Seen> {
    let (kind, name) = key.split_once(' ')?;
    if !["peer", "witness", "mn"].contains(&kind) {
        return None;
    }
    let (heard, rest) = if let Some(r) = value.split_once("(last heartbeat ") {
        (true, r.1)
    } else {
        (false, value.split_once("(no heartbeat in ")?.1)
    };
    let number = rest.split_whitespace().next()?;
    let age = Duration::try_from_secs_f64(number.parse().ok()?).ok()?;
    Some(Seen {
        name: name.to_string(),
        age,
        heard,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// mn1 active at term 3: mn2 heard 0.4 s ago (standby), the witness sn1 silent for
    /// 12.3 s (also the metrics' test case).
    pub(crate) fn sample() -> (Report, Extra, Vec<PeerLine>) {
        let report = Report {
            role: Role::Active,
            term: 3,
            sees: vec![
                Seen {
                    name: "mn2".into(),
                    age: Duration::from_millis(400),
                    heard: true,
                },
                Seen {
                    name: "sn1".into(),
                    age: Duration::from_millis(12_300),
                    heard: false,
                },
            ],
        };
        let peers = vec![
            PeerLine {
                kind: "peer",
                seen: report.sees[0].clone(),
                reachable: true,
                last: Some((Role::Standby, 3)),
            },
            PeerLine {
                kind: "witness",
                seen: report.sees[1].clone(),
                reachable: false,
                last: None,
            },
        ];
        let extra = Extra {
            vip: Some("198.18.0.5".into()),
            vip_up: true,
            writes: true,
            lease_age: Duration::from_millis(400),
            takeover: None,
            transitions: 1,
        };
        (report, extra, peers)
    }

    #[test]
    fn lines_parse_back() {
        let (report, extra, peers) = sample();
        let l = lines("mn1", &report, &extra, &peers);
        assert_eq!(
            l,
            [
                "name: mn1",
                "role: active",
                "term: 3",
                "vip: 198.18.0.5",
                "vip state: up",
                "writes: on",
                "lease age: 0.4 s",
                "transitions: 1",
                "peer mn2: reachable (last heartbeat 0.4 s ago, standby, term 3)",
                "witness sn1: unreachable (no heartbeat in 12.3 s)",
            ]
        );
        let (name, back) = parse(&l).unwrap();
        assert_eq!(name, "mn1");
        assert_eq!(back, report);
        assert!(parse(&["role: none".to_string()]).is_err());
    }
}
