//! Planned failover with the HA agents in the cluster's HA layout (tests/cluster/README.md,
//! "HA agents"; agents at their default timing): with `/etc/xcatha/agent.conf` present,
//! `xcatha -d` on the active MN asks its agent `hastatus deactivate` first (VIP down at
//! once) and keeps xcatd (the agent) running, `xcatha -a` on the other starts
//! PostgreSQL on the shared data and asks its agent `hastatus activate`, which raises
//! the term and brings the VIP up: a planned activation, nobody fenced.  mn1 → mn2 →
//! mn1: each switch takes its dry run's steps, the VIP on exactly the new active, terms
//! 2 then 3, reads and writes through the VIP after each switch, the old active still
//! running and deactivated.  Needs root (skips otherwise; fails under CI=true).

use xcat_tests::cluster::ha::{xcatha_args, VIP, VIP_NIC};
use xcat_tests::cluster::ha_agents::{MN1_IP, MN2_IP};
use xcat_tests::cluster::ha_watch::{show, step_lines, text, vip_holders};
use xcat_tests::cluster::{Cluster, ClusterSpec};

const XCATHOST: (&str, &str) = ("XCATHOST", "198.18.0.5:3001");

/// The step lines of xcatha's output, owned.
fn steps(out: &str) -> Vec<String> {
    step_lines(out).into_iter().map(str::to_string).collect()
}

/// `xcatha ARGS --dryrun` on `host`: exit 0, its steps.
fn dry_run(c: &Cluster, host: &str, args: &[&str]) -> Vec<String> {
    let dry = c.xcatha(host, &[args, &["--dryrun"]].concat());
    assert_eq!(dry.status.code(), Some(0), "{host}: {}", show(&dry));
    steps(&text(&dry.stdout))
}

/// `xcatha ARGS` on `host`: exit 0, the steps `dry` listed; the output.
fn xcatha_as(c: &Cluster, host: &str, args: &[&str], dry: &[String]) -> String {
    let o = c.xcatha(host, args);
    assert_eq!(o.status.code(), Some(0), "{host} {args:?}: {}", show(&o));
    let out = text(&o.stdout);
    assert_eq!(dry, steps(&out), "{host}: {out}");
    out
}

/// One planned switch `from` → `to` through xcatha; `to` ends active at `term`.  Both
/// dry runs go first (while the database answers through the VIP, so that they read
/// `site.domain` as the real runs do).
fn switch(c: &Cluster, from: &str, to: (&str, &str), term: u32) {
    let deactivate = ["-d", "-i", VIP_NIC, "-v", VIP];
    let dry_d = dry_run(c, from, &deactivate);
    let dry_a = dry_run(c, to.0, &xcatha_args("-a"));
    let out = xcatha_as(c, from, &deactivate, &dry_d);
    assert_eq!(
        steps(&out).first().map(String::as_str),
        Some("hastatus deactivate"),
        "{out}"
    );
    assert!(out.contains("role: deactivated\n"), "{out}");
    assert!(
        out.contains("xcatd keeps running: it hosts the HA agent\n"),
        "{out}"
    );
    assert!(vip_holders(c).is_empty(), "{out}");
    assert!(c.mn_xcatd_pid(from).is_some(), "{from}'s xcatd runs");
    let out = xcatha_as(c, to.0, &xcatha_args("-a"), &dry_a);
    assert!(out.contains("hastatus activate [Passed]\n"), "{out}");
    assert!(
        !out.contains("ip addr add"),
        "the agent brings the VIP up: {out}"
    );
    let active = format!("term: {term}");
    c.wait_hastatus(
        to.1,
        &["role: active", &active, "vip state: up"],
        std::time::Duration::from_secs(30),
    )
    .unwrap();
    assert_eq!(vip_holders(c), [to.0]);
    assert_eq!(
        c.host(to.0).read("/var/log/xcatha-fence.log"),
        "",
        "a planned switch fences nobody"
    );
    assert!(!c.host_pids(from).is_empty(), "{from} was not fenced");
}

fn client_ok(c: &Cluster, cmd: &str, args: &[&str]) {
    let o = c.client_env("cn01", cmd, args, &[XCATHOST]);
    assert!(o.status.success(), "{cmd} {args:?}: {}", show(&o));
}

#[test]
fn xcatha_switches_through_the_agents_without_fencing() {
    let Some(c) = Cluster::start_or_skip(ClusterSpec::ha().with_ha_agents(&[])) else {
        return;
    };
    c.agents_up().unwrap();
    client_ok(&c, "lsdef", &["cn01"]);
    switch(&c, "mn1", ("mn2", MN2_IP), 2);
    client_ok(&c, "lsdef", &["cn01"]);
    client_ok(&c, "mkdef", &["-t", "node", "-o", "w1", "groups=all"]);
    let old = c.hastatus(MN1_IP);
    for want in ["role: deactivated", "term: 2", "vip state: down"] {
        assert!(old.iter().any(|l| l == want), "mn1: {old:?}");
    }
    switch(&c, "mn2", ("mn1", MN1_IP), 3);
    client_ok(&c, "lsdef", &["w1"]);
    client_ok(&c, "mkdef", &["-t", "node", "-o", "w2", "groups=all"]);
    let left = c.teardown();
    assert!(left.is_empty(), "left behind: {left:?}");
}
