//! The agent's state as Prometheus metrics (text exposition format 0.0.4): answered by
//! `hastatus --metrics` and, with `metrics_file` configured, written once per heartbeat
//! interval for node_exporter's textfile collector (temporary file, then rename, so the
//! collector never reads half a file). Same facts as the `hastatus` lines.

use crate::state::{Report, Role};
use crate::status::{Extra, PeerLine};
use std::fmt::Write as _;
use std::path::Path;

const ROLES: [Role; 4] = [
    Role::Active,
    Role::Standby,
    Role::Deactivated,
    Role::Witness,
];

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn flag(b: bool) -> u8 {
    u8::from(b)
}

/// Label values as the format wants them (backslash, quote and newline escaped).
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The metrics of node `name`.
pub fn render(name: &str, report: &Report, extra: &Extra, peers: &[PeerLine]) -> String {
    let node = format!("node=\"{}\"", label(name));
    let mut out = String::new();
    family(
        &mut out,
        "xcatha_role",
        "gauge",
        "1 for the node's current role.",
    );
    for r in ROLES {
        let on = flag(report.role == r);
        let _ = writeln!(out, "xcatha_role{{{node},role=\"{}\"}} {on}", r.as_str());
    }
    family(
        &mut out,
        "xcatha_term",
        "gauge",
        "The term this node knows.",
    );
    let _ = writeln!(out, "xcatha_term{{{node}}} {}", report.term);
    if report.role != Role::Witness {
        family(
            &mut out,
            "xcatha_vip_up",
            "gauge",
            "1 when this node holds the VIP.",
        );
        let _ = writeln!(out, "xcatha_vip_up{{{node}}} {}", flag(extra.vip_up));
        family(
            &mut out,
            "xcatha_writes",
            "gauge",
            "1 when write commands are served.",
        );
        let _ = writeln!(out, "xcatha_writes{{{node}}} {}", flag(extra.writes));
    }
    family(
        &mut out,
        "xcatha_lease_age_seconds",
        "gauge",
        "Time since the last heartbeat with any member.",
    );
    let lease = extra.lease_age.as_secs_f64();
    let _ = writeln!(out, "xcatha_lease_age_seconds{{{node}}} {lease:.3}");
    family(
        &mut out,
        "xcatha_takeover_running",
        "gauge",
        "1 while a takeover runs.",
    );
    let running = flag(extra.takeover.is_some());
    let _ = writeln!(out, "xcatha_takeover_running{{{node}}} {running}");
    family(
        &mut out,
        "xcatha_transitions_total",
        "counter",
        "Role changes since the daemon started.",
    );
    let _ = writeln!(
        out,
        "xcatha_transitions_total{{{node}}} {}",
        extra.transitions
    );
    members(&mut out, &node, peers);
    out
}

fn members(out: &mut String, node: &str, peers: &[PeerLine]) {
    let each = |out: &mut String, name: &str, value: &dyn Fn(&PeerLine) -> String| {
        for p in peers {
            let m = format!(
                "{node},member=\"{}\",kind=\"{}\"",
                label(&p.seen.name),
                p.kind
            );
            let _ = writeln!(out, "{name}{{{m}}} {}", value(p));
        }
    };
    let name = "xcatha_member_reachable";
    family(
        out,
        name,
        "gauge",
        "1 when the member answered within two heartbeats.",
    );
    each(out, name, &|p| flag(p.reachable).to_string());
    let name = "xcatha_member_heartbeat_age_seconds";
    let help = "Time since the last heartbeat exchanged with the member (since start if none).";
    family(out, name, "gauge", help);
    each(out, name, &|p| format!("{:.3}", p.seen.age.as_secs_f64()));
}

/// Writes `text` to `path` through a temporary file in the same directory and a rename.
pub fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_active_with_a_peer_and_a_silent_witness() {
        let (report, extra, peers) = crate::status::tests::sample();
        let text = render("mn1", &report, &extra, &peers);
        let samples: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            samples,
            [
                "xcatha_role{node=\"mn1\",role=\"active\"} 1",
                "xcatha_role{node=\"mn1\",role=\"standby\"} 0",
                "xcatha_role{node=\"mn1\",role=\"deactivated\"} 0",
                "xcatha_role{node=\"mn1\",role=\"witness\"} 0",
                "xcatha_term{node=\"mn1\"} 3",
                "xcatha_vip_up{node=\"mn1\"} 1",
                "xcatha_writes{node=\"mn1\"} 1",
                "xcatha_lease_age_seconds{node=\"mn1\"} 0.400",
                "xcatha_takeover_running{node=\"mn1\"} 0",
                "xcatha_transitions_total{node=\"mn1\"} 1",
                "xcatha_member_reachable{node=\"mn1\",member=\"mn2\",kind=\"peer\"} 1",
                "xcatha_member_reachable{node=\"mn1\",member=\"sn1\",kind=\"witness\"} 0",
                "xcatha_member_heartbeat_age_seconds{node=\"mn1\",member=\"mn2\",kind=\"peer\"} 0.400",
                "xcatha_member_heartbeat_age_seconds{node=\"mn1\",member=\"sn1\",kind=\"witness\"} 12.300",
            ]
        );
        assert!(text.contains("# TYPE xcatha_transitions_total counter\n"));
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
