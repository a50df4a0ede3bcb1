//! Split-brain attempts with the HA agents in the cluster's HA layout (set up as in
//! `cluster_ha_unplanned.rs`, helpers in tests/src/cluster/ha_watch.rs: mn1 active at
//! term 1, mn2 standby, sn1 the witness; heartbeat 0.5 s, takeover 3 s, lease 2 s).
//! Each runs under client load through the VIP with the VIP sampled every 100 ms and
//! never on both MNs; in none may mn2 take over, so the shared term stays `1 mn1` (no
//! write can be accepted under an old term), mn2 refuses writes sent to it directly
//! (`mkdef: refused: this management node is standby (term 1)…`) and every write the
//! clients saw acknowledged is in the database afterwards:
//! * mn1's daemon paused (SIGSTOP) past the takeover timeout while mn2's fence fails,
//!   then resumed (SIGCONT): mn2 tries, its fence fails, it does not take over; mn1
//!   (whose lease ran out while it was paused) is active at term 1 again and serves;
//! * the witness (sn1's xcatd) killed, then every mn1 process: mn2 alone is one vote
//!   of three, it stays standby;
//! * mn2's cable pulled while mn1 is healthy: mn2, cut off from peer and witness, does
//!   not take over; mn1 keeps its lease through the witness and keeps serving writes.
//!
//! Needs root (skips otherwise; fails under CI=true).

use std::time::Duration;
use xcat_tests::cluster::ha_watch::{
    agent_log, agents_up, assert_acked_present, has_lines, hastatus, listed_nodes, shared_term,
    show, text, under_load, under_load_then_stop, utc_now, vip_holders, wait_log, wait_status,
    write_node, Load, MN1, MN2,
};
use xcat_tests::cluster::Cluster;

/// mn2's refusal of a direct write (standby at term 1).
const STANDBY_REFUSAL: &str = "mkdef: refused: this management node is standby (term 1); \
                               write commands are served by the active management node";

/// A write sent to mn2 itself is refused: it is standby at term 1.
fn assert_mn2_refuses_writes(c: &Cluster) {
    let o = write_node(c, 90_000, &format!("{MN2}:3001"));
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let said = text(&o.stdout) + &text(&o.stderr);
    assert!(said.contains(STANDBY_REFUSAL), "{said}");
}

/// What every split-brain attempt ends with: no takeover anywhere in mn2's log, the
/// shared term still mn1's first, writes acknowledged and all present, nothing left.
fn assert_no_takeover(c: Cluster, load: &Load) {
    let log = agent_log(&c, "mn2");
    eprintln!("mn2's agent:\n{log}mn1's agent:\n{}", agent_log(&c, "mn1"));
    assert!(!log.contains("active at term"), "mn2 took over:\n{log}");
    assert_eq!(shared_term(&c), "1 mn1");
    assert!(!load.acked.is_empty(), "no write acknowledged");
    assert_acked_present(&c, load);
    let left = c.teardown();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn mn1_paused_while_the_fence_fails_then_resumed_no_takeover() {
    let Some(c) = agents_up() else {
        return;
    };
    c.set_fence_failing("mn2", true)
        .expect("mn2's fence made to fail");
    let mut probe_accepted = false;
    let load = under_load(&c, 1, || {
        std::thread::sleep(Duration::from_secs(2));
        eprintln!("SIGSTOP of mn1's xcatd at {}", utc_now());
        c.signal_mn_xcatd("mn1", libc::SIGSTOP).expect("SIGSTOP");
        let limit = Duration::from_secs(60);
        wait_log(&c, "mn2", "mn2: fencing mn1 failed: not taking over", limit);
        let st = hastatus(&c, MN2);
        assert!(
            has_lines(&st, &["role: standby", "term: 1", "vip state: down"]),
            "{st:?}"
        );
        assert_mn2_refuses_writes(&c);
        // Past a second takeover timeout: mn2 retries, fails again, stays standby.
        std::thread::sleep(Duration::from_secs(4));
        // A write sent to paused mn1 itself waits in its queue and meets the write
        // gate when mn1 wakes up.
        let probe = std::thread::scope(|s| {
            let w = s.spawn(|| write_node(&c, 80_000, &format!("{MN1}:3001")));
            std::thread::sleep(Duration::from_secs(1));
            eprintln!("SIGCONT of mn1's xcatd at {}", utc_now());
            c.signal_mn_xcatd("mn1", libc::SIGCONT).expect("SIGCONT");
            w.join().expect("probe")
        });
        probe_accepted = assert_gate_on_wake(&probe);
        let active = ["role: active", "term: 1", "vip state: up", "writes: on"];
        wait_status(&c, MN1, &active, limit);
        wait_status(&c, MN2, &["role: standby", "peer mn1: reachable"], limit);
    });
    assert_eq!(vip_holders(&c), ["mn1"]);
    assert!(!c.host_pids("mn1").is_empty(), "mn1 was not fenced");
    let fence = c.host("mn2").read("/var/log/xcatha-fence.log");
    assert!(fence.contains("fence: failing on purpose"), "{fence}");
    if probe_accepted {
        assert!(listed_nodes(&c).contains("w80000  (node)\n"));
    }
    assert_mn2_refuses_writes(&c);
    assert_no_takeover(c, &load);
}

/// The write that waited for paused mn1: refused by the lease (the write gate checks
/// it at every write, README "Automatic takeover"), or — when a heartbeat with peer or
/// witness came first — accepted at term 1, which is still the shared term.
fn assert_gate_on_wake(o: &std::process::Output) -> bool {
    let said = text(&o.stdout) + &text(&o.stderr);
    eprintln!("the write waiting for paused mn1: {}: {said}", o.status);
    if !o.status.success() {
        assert!(
            said.contains("mkdef: refused: no heartbeat from peer or witness for")
                || said.contains("mkdef: refused: this management node is deactivated (term 1)"),
            "{said}"
        );
    }
    o.status.success()
}

#[test]
fn witness_down_then_mn1_killed_no_takeover() {
    let Some(c) = agents_up() else {
        return;
    };
    let mut witness = None;
    let load = under_load_then_stop(&c, 1, || {
        std::thread::sleep(Duration::from_secs(2));
        eprintln!("witness killed at {}", utc_now());
        witness = Some(c.kill_daemon("sn1"));
        let limit = Duration::from_secs(60);
        wait_status(&c, MN2, &["witness sn1: unreachable"], limit);
        // mn1 keeps its lease through mn2 and serves on.
        let active = ["role: active", "term: 1", "witness sn1: unreachable"];
        wait_status(&c, MN1, &active, limit);
        eprintln!("every mn1 process killed at {}", utc_now());
        c.kill_host("mn1");
        // The database died with mn1; root's `hastatus` is still answered (straight
        // from the agent).  Three takeover timeouts without the witness's vote:
        std::thread::sleep(Duration::from_secs(9));
        let o = write_node(&c, 90_000, &format!("{MN2}:3001"));
        assert!(!o.status.success(), "mn2 accepted a write: {}", show(&o));
        let st = hastatus(&c, MN2);
        let standby = ["role: standby", "term: 1", "peer mn1: unreachable"];
        assert!(has_lines(&st, &standby), "mn2: {st:?}");
        assert!(has_lines(&st, &["witness sn1: unreachable"]), "mn2: {st:?}");
    });
    assert!(!c.has_vip("mn2"));
    let log = agent_log(&c, "mn2");
    eprintln!("mn2's agent:\n{log}");
    assert!(!log.contains("fencing mn1"), "mn2 fenced:\n{log}");
    assert!(!log.contains("active at term"), "mn2 took over:\n{log}");
    assert_eq!(shared_term(&c), "1 mn1");
    assert_acked_in_shared_db(&c, &load);
    // sn1's xcatd stays down: with the witness back mn2 would (rightly) take over
    // while the cluster is being torn down, which stops everything anyway.
    std::mem::forget(witness);
    let left = c.teardown();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// No MN serves after the witness-down case: the acknowledged writes are read from
/// the shared data directly (PostgreSQL started on mn2 by its services command once
/// mn1's postmaster is reaped, `psql` on mn2's socket).
fn assert_acked_in_shared_db(c: &Cluster, load: &Load) {
    assert!(!load.acked.is_empty(), "no write acknowledged");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while let Err(e) = c.ha_service("mn2", "postgresql", "start") {
        assert!(
            std::time::Instant::now() < deadline,
            "PostgreSQL on mn2: {e}"
        );
        std::thread::sleep(Duration::from_secs(1));
    }
    let sql = "SELECT node FROM nodelist";
    let psql = [
        "-u", "postgres", "--", "psql", "-h", "/tmp", "-d", "xcatdb", "-Atc", sql,
    ];
    let o = c.host("mn2").run("runuser", &psql);
    assert!(o.status.success(), "{}", show(&o));
    let nodes: Vec<String> = text(&o.stdout).lines().map(str::to_string).collect();
    for n in &load.acked {
        assert!(
            nodes.contains(&format!("w{n}")),
            "acknowledged w{n} is gone: {nodes:?}"
        );
    }
    eprintln!(
        "{} writes acknowledged before mn1 died, all present",
        load.acked.len()
    );
}

#[test]
fn mn2_cable_pulled_mn1_keeps_serving() {
    let Some(c) = agents_up() else {
        return;
    };
    let load = under_load(&c, 1, || {
        std::thread::sleep(Duration::from_secs(2));
        eprintln!("mn2's cable pulled at {}", utc_now());
        let cut = c.cut_link("mn2");
        let limit = Duration::from_secs(60);
        wait_status(&c, MN1, &["peer mn2: unreachable"], limit);
        // Three takeover timeouts: mn2 sees neither peer nor witness.
        std::thread::sleep(Duration::from_secs(9));
        let active = ["role: active", "term: 1", "vip state: up", "writes: on"];
        wait_status(&c, MN1, &active, limit);
        cut.undo().expect("mn2's cable plugged back");
        eprintln!("mn2's cable plugged back at {}", utc_now());
        wait_status(&c, MN2, &["role: standby", "peer mn1: reachable"], limit);
    });
    assert_eq!(vip_holders(&c), ["mn1"]);
    assert_mn2_refuses_writes(&c);
    assert_no_takeover(c, &load);
}
