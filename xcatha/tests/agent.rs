//! xcatha with an HA agent configuration in use (the local daemon runs `xcatd
//! --ha-config`): `-d` begins with `hastatus deactivate` and keeps xcatd (stopped and
//! disabled: everything else), `-a` asks `hastatus activate` right after xcatd and does
//! not add the VIP alias itself; the dry runs print the recorded step lists
//! (`tests/steps/*-agent.dryrun`) and ask the agent nothing; a refusal of the agent stops
//! the run.  With the recording agent on a scratch root, and end to end against the
//! daemons of an HA set on loopback (`xcat_tests::ha`): `xcatha -d` on mn1's side and
//! `xcatha -a` on mn2's move the role and the term through the agents, with this host's
//! server certificate, while the policy table denies root.

mod common;

use common::{assert_steps, step_lines, with, Mn, ACTIVATE, DEACTIVATE};
use std::sync::Arc;
use xcatha::agent::{RecordingAgent, Xcatd};

/// An MN whose physical host is saved (as after `xcatha -s`) and whose console lock
/// names conserver.
fn prepared_mn() -> Mn {
    let mn = Mn::new();
    std::fs::create_dir_all(mn.root.join("tmp")).unwrap();
    std::fs::write(mn.root.join("tmp/ha_mn"), "198.18.0.1 mn1\n").unwrap();
    std::fs::write(mn.root.join("etc/xcat/console.lock"), "conserver\n").unwrap();
    mn
}

#[test]
fn dry_runs_print_the_agent_steps_and_ask_nothing() {
    let mn = prepared_mn();
    let agent = Arc::new(RecordingAgent::new());
    let (code, out, err) = mn.run_agent(&with(&DEACTIVATE, "--dryrun"), agent.clone());
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_steps(&out, "deactivate-agent.dryrun");
    let (code, out, err) = mn.run_agent(&with(&ACTIVATE, "--dryrun"), agent.clone());
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_steps(&out, "activate-agent.dryrun");
    assert!(agent.log().is_empty(), "{:?}", agent.log());
    assert!(mn.services.log().is_empty(), "{:?}", mn.services.log());
    assert_eq!(mn.read("/etc/resolv.conf"), "search cluster.net\n");
}

#[test]
fn deactivate_asks_the_agent_first_and_keeps_xcatd() {
    let mn = prepared_mn();
    let agent = Arc::new(RecordingAgent::new());
    let (code, dry, _) = mn.run_agent(&with(&DEACTIVATE, "--dryrun"), agent.clone());
    assert_eq!(code, 0, "{dry}");
    let (code, out, _) = mn.run_agent(&DEACTIVATE, agent.clone());
    assert_eq!(code, 0, "{out}");
    assert_eq!(step_lines(&dry), step_lines(&out), "{out}");
    assert_eq!(agent.log(), ["hastatus deactivate"]);
    let first_step = step_lines(&out).into_iter().next();
    assert_eq!(first_step.as_deref(), Some("hastatus deactivate"));
    assert!(
        out.contains("name: mn1\nrole: deactivated\nterm: 2\nhastatus deactivate [Passed]\n"),
        "{out}"
    );
    assert!(
        !mn.services.log().iter().any(|l| l.ends_with(" xcatd")),
        "{:?}",
        mn.services.log()
    );
    assert_eq!(mn.services.active(), ["xcatd"]);
    assert!(
        out.contains("xcatd keeps running: it hosts the HA agent\n"),
        "{out}"
    );
}

#[test]
fn activate_hands_the_vip_to_the_agent_after_xcatd() {
    let mn = prepared_mn();
    mn.services.set_active("xcatd");
    let agent = Arc::new(RecordingAgent::new());
    let (code, dry, _) = mn.run_agent(&with(&ACTIVATE, "--dryrun"), agent.clone());
    assert_eq!(code, 0, "{dry}");
    mn.runner.clear();
    let (code, out, _) = mn.run_agent(&ACTIVATE, agent.clone());
    assert_eq!(code, 0, "{out}");
    assert_eq!(step_lines(&dry), step_lines(&out), "{out}");
    assert_eq!(agent.log(), ["hastatus activate"]);
    let steps = step_lines(&out);
    let at = |s: &str| steps.iter().position(|l| l == s).unwrap_or(usize::MAX);
    assert!(
        at("systemctl start xcatd") < at("hastatus activate"),
        "{out}"
    );
    assert!(at("hastatus activate") < at("makedns -n"), "{out}");
    let commands = mn.commands();
    assert!(
        !commands
            .iter()
            .any(|c| c.starts_with("ip addr add") || c.starts_with("arping")),
        "{commands:?}"
    );
    assert_eq!(
        mn.read("/etc/resolv.conf"),
        "search cluster.net\nnameserver 198.18.0.5\n"
    );
}

#[test]
fn an_agent_refusal_stops_the_run() {
    let mn = prepared_mn();
    let agent = Arc::new(RecordingAgent::new());
    agent.fail("hastatus: not activated: mn1: not activating: mn2 is active");
    let (code, out, _) = mn.run_agent(&DEACTIVATE, agent.clone());
    assert_eq!(code, 1, "{out}");
    assert!(
        out.ends_with("hastatus deactivate [Failed]\nError: Hand over to the HA agent stage\n"),
        "{out}"
    );
    assert!(mn.services.log().is_empty(), "{:?}", mn.services.log());
    assert_eq!(agent.log().len(), 3, "tried three times");
    let (code, out, _) = mn.run_agent(&ACTIVATE, agent.clone());
    assert_eq!(code, 1, "{out}");
    let tail = out
        .split("hastatus activate [Failed]\n")
        .nth(1)
        .unwrap_or_default();
    assert_eq!(
        tail,
        "Error: Activate through the HA agent stage\n\
         Error encountered, starting to clean up the environment\n\
         ===> Configure hostname stage <===\nhostname mn1 [Passed]\n\
         ===> Remove virtual IP stage <===\nip addr del 198.18.0.5/24 dev eth0 [Passed]\n\
         Remove virtual IP 198.18.0.5 [Passed]\n"
    );
}

/// `hastatus` at `link` until a line starts with each of `want` (15 s at most).
fn wait_status(link: &Xcatd, want: &[&str]) -> Vec<String> {
    wait_lines(link, want, |l, w| l.starts_with(w))
}

/// `hastatus` at `link` until, for each of `want`, some line satisfies `matches`.
fn wait_lines(link: &Xcatd, want: &[&str], matches: fn(&str, &str) -> bool) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let st = xcatha::agent::AgentLink::hastatus(link, &[]).unwrap_or_else(|e| vec![e]);
        if want.iter().all(|w| st.iter().any(|l| matches(l, w))) {
            return st;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never {want:?}: {st:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn planned_switch_through_the_agents_of_an_ha_set_on_loopback() {
    let set = xcat_tests::ha::HaSet::start();
    let link = |i: usize| Xcatd {
        addr: set.mns[i].addr.clone(),
        cert_dir: set.mns[i].cert_dir(),
    };
    wait_status(&link(0), &["role: active", "term: 1"]);
    wait_status(
        &link(1),
        &[
            "role: standby",
            "peer mn1: reachable",
            "witness w: reachable",
        ],
    );
    let mn1 = prepared_mn();
    let (code, out, _) = mn1.run_agent(&DEACTIVATE, Arc::new(link(0)));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("role: deactivated\n"), "{out}");
    assert!(out.contains("vip state: down\n"), "{out}");
    assert_eq!(set.mns[0].vip_record(), "up 198.18.0.5\ndown 198.18.0.5\n");
    // mn2's side: mn1's daemon still answers (deactivated), so the activation is a
    // planned one: no fencing, the term raised to 2 by mn2, the VIP on mn2.
    // Wait until mn2 has heard mn1's deactivated report, not just any heartbeat: an
    // activation on a report still saying "active" is refused (the CI race of stop 18).
    wait_lines(
        &link(1),
        &["peer mn1: reachable (last heartbeat", ", deactivated, "],
        |l, w| l.starts_with("peer mn1: reachable") && l.contains(w),
    );
    let mn2 = Mn::named("mn2", "198.18.0.2");
    let (code, out, _) = mn2.run_agent(&ACTIVATE, Arc::new(link(1)));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("role: active\nterm: 2\n"), "{out}");
    assert_eq!(set.term_file(), "2 mn2\n");
    assert_eq!(set.mns[1].vip_record(), "up 198.18.0.5\n");
    assert_eq!(set.fences(), "", "a planned switch fences nobody");
    let st = wait_status(&link(0), &["role: deactivated", "term: 2"]);
    assert!(st.iter().any(|l| l == "vip state: down"), "{st:?}");
}
