//! Unplanned failover with the HA agents in the cluster's HA layout
//! (tests/cluster/README.md, "HA agents"): `xcatha -s` on mn1 and mn2, then xcatd with
//! `--ha-config` on both (mn1 active, mn2 standby), sn1 the witness, the fence command
//! killing the other MN's processes and starting PostgreSQL on the shared data.  While
//! cn01 runs `lsdef` and a writer (`mkdef` of w1, w2, …) through the VIP, mn1 fails:
//! mn2 fences it, takes over (role active, term raised), the clients' next commands
//! succeed and every acknowledged write is in the database.  Sampled every 100 ms the
//! VIP is never on both MNs.  The tests' agent timing is short (heartbeat 0.5 s,
//! takeover 3 s, lease 2 s).  The failures: every mn1 process killed (-9), mn1's daemon
//! frozen (SIGSTOP), mn1's cable pulled.  Split-brain attempts: `cluster_ha_split.rs`.
//! Needs root (skips otherwise; fails under CI=true).

use std::time::{Duration, Instant};
use xcat_tests::cluster::ha_watch::{
    agent_log, agents_up, assert_acked_present, cn01, show, text, under_load, utc_now, vip_holders,
    wait_log, wait_status, MN2,
};
use xcat_tests::cluster::Cluster;

/// mn1 fails by `fault` under load: mn2 fences it, takes over at term 2 (VIP on mn2,
/// mn1 without processes), the clients' next commands succeed and every acknowledged
/// write is there.  The cluster is returned for more checks (then [`done`]).
fn takeover_after(what: &str, fault: impl FnOnce(&Cluster)) -> Option<Cluster> {
    let c = agents_up()?;
    let mut took = Duration::ZERO;
    let load = under_load(&c, 1, || {
        std::thread::sleep(Duration::from_secs(2));
        let t0 = Instant::now();
        eprintln!("{what} at {}", utc_now());
        fault(&c);
        wait_status(
            &c,
            MN2,
            &["role: active", "term: 2", "vip state: up"],
            Duration::from_secs(60),
        );
        took = t0.elapsed();
    });
    eprintln!("{what}: mn2 active {took:?} later");
    assert!(
        took >= Duration::from_secs(3),
        "before the timeout: {took:?}"
    );
    assert_eq!(vip_holders(&c), ["mn2"]);
    assert!(c.host_pids("mn1").is_empty(), "mn1 was fenced");
    // The command log is written by its own thread: the line may trail the role.
    let log = wait_log(&c, "mn2", "mn2: active at term 2", Duration::from_secs(10));
    eprintln!("mn2's agent:\n{log}");
    assert!(!load.acked.is_empty(), "no write acknowledged");
    assert_acked_present(&c, &load);
    assert_sn_serves(&c);
    Some(c)
}

/// A service node reaches the database through the VIP (`cfgloc`): after the takeover
/// sn2's xcatd, never restarted, answers a command that reads it.
fn assert_sn_serves(c: &Cluster) {
    let sn2 = c.spec.host("sn2").expect("sn2 in the HA layout").ip();
    let o = cn01(c, "lsdef", &["cn01"], &format!("{sn2}:3001"));
    assert!(o.status.success(), "sn2: {}", show(&o));
    assert!(
        text(&o.stdout).starts_with("Object name: cn01\n"),
        "sn2: {}",
        show(&o)
    );
}

/// Teardown leaves nothing behind.
fn done(c: Cluster) {
    let left = c.teardown();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn every_mn1_process_killed_mn2_fences_and_takes_over() {
    if let Some(c) = takeover_after("kill -9 of every mn1 process", |c| c.kill_host("mn1")) {
        done(c);
    }
}

/// The first fence kills mn1 and drops its VIP, then fails: until the retry the VIP is
/// on no host and connections to the database hang.  Heartbeats must still be answered
/// (by mn2 and the witness) for mn2 to retry after the timeout and take over.
#[test]
fn mn1_killed_first_fence_fails_after_the_kill_mn2_retries_and_takes_over() {
    let kill = |c: &Cluster| {
        c.set_fence_failing_once("mn2").expect("mn2's fence flag");
        c.kill_host("mn1");
    };
    if let Some(c) = takeover_after("kill -9 of mn1, mn2's first fence failing", kill) {
        let log = agent_log(&c, "mn2");
        assert!(
            log.contains("mn2: fencing mn1 failed: not taking over"),
            "{log}"
        );
        done(c);
    }
}

/// mn1's daemon (and with it its agent) frozen while its PostgreSQL, and the VIP to
/// it, stay up: the fence kills the frozen daemon too.
#[test]
fn mn1_daemon_frozen_mn2_fences_and_takes_over() {
    let freeze = |c: &Cluster| {
        c.signal_mn_xcatd("mn1", libc::SIGSTOP)
            .expect("SIGSTOP mn1's xcatd")
    };
    if let Some(c) = takeover_after("SIGSTOP of mn1's xcatd", freeze) {
        done(c);
    }
}

/// mn1's interface down (inside mn1): mn1, cut off from peer and witness, deactivates
/// itself when its lease runs out (before mn2 may decide), then mn2 fences it.
#[test]
fn mn1_link_down_mn1_steps_down_mn2_fences_and_takes_over() {
    let cut = |c: &Cluster| {
        let o = c.host("mn1").run("ip", &["link", "set", "eth0", "down"]);
        assert!(o.status.success(), "{}", show(&o));
    };
    if let Some(c) = takeover_after("mn1's eth0 down", cut) {
        let log = agent_log(&c, "mn1");
        assert!(
            log.contains("mn1: deactivated at term 1: no heartbeat with peer or witness"),
            "mn1's lease:\n{log}"
        );
        done(c);
    }
}
