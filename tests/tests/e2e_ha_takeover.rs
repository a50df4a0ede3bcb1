//! The HA agent end to end on loopback (`xcat_tests::ha`): a witness daemon and two
//! management-node daemons with `--ha-config`, one SQLite database, a shared directory
//! for the term, a fence command that kills the fenced daemon. mn1 starts active, mn2
//! standby; mn1 is killed → mn2 fences it, raises the term and serves writes; mn1
//! restarted (configured active, still at the old term) stays deactivated and refuses
//! writes. Also `hastatus` of a daemon without HA and the standby's write refusal.

use std::time::{Duration, Instant};
use xcat_tests::ha::{HaSet, TAKEOVER_TIMEOUT, VIP};
use xcat_tests::Xcatd;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hastatus_without_ha_says_none() {
    let x = Xcatd::start();
    let p = x.run(&["xcatclientnnr", "hastatus"]).await;
    assert_eq!(
        (p.stdout.as_str(), p.exit_code),
        ("role: none\n", 0),
        "{p:?}"
    );
    let p = x.run(&["xcatclientnnr", "hastatus", "activate"]).await;
    assert_eq!(p.exit_code, 1);
    assert!(p.stderr.contains("without --ha-config"), "{p:?}");
}

async fn mkdef(set: &HaSet, addr: &str, node: &str) -> xcat_tests::Printed {
    let obj = format!("-o{node}");
    set.run(addr, &["mkdef", "-t", "node", &obj, "groups=all"])
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn active_killed_standby_fences_and_takes_over() {
    let mut set = HaSet::start();
    let (mn1, mn2) = (set.mns[0].addr.clone(), set.mns[1].addr.clone());
    let w = set.witness.addr.clone();
    let up = Duration::from_secs(15);
    assert!(
        set.wait_for(&mn1, "role", "active", up).await.is_some(),
        "{}",
        set.mns[0].log_text()
    );
    let st = set.hastatus(&mn1).await;
    assert!(st.contains(&"term: 1".to_string()), "{st:?}");
    assert!(st.contains(&format!("vip: {VIP}")), "{st:?}");
    assert!(st.contains(&"writes: on".to_string()), "{st:?}");
    assert_eq!(set.term_file(), "1 mn1\n");
    assert_eq!(set.mns[0].vip_record(), format!("up {VIP}\n"));
    // Heartbeats flow: the witness sees both, mn2 sees mn1 and the witness.
    let deadline = Instant::now() + up;
    loop {
        let ws = set.hastatus(&w).await;
        let s2 = set.hastatus(&mn2).await;
        let reach = |l: &[String], p: &str| {
            l.iter()
                .any(|x| x.starts_with(p) && x.contains(": reachable"))
        };
        if reach(&ws, "mn mn1")
            && reach(&ws, "mn mn2")
            && reach(&s2, "peer mn1")
            && reach(&s2, "witness w")
        {
            break;
        }
        assert!(Instant::now() < deadline, "no heartbeats:\n{ws:?}\n{s2:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let p = mkdef(&set, &mn1, "ha01").await;
    assert_eq!(p.exit_code, 0, "{p:?}");
    let p = mkdef(&set, &mn2, "ha02").await;
    assert_eq!(p.exit_code, 1, "{p:?}");
    assert!(
        p.stderr
            .contains("mkdef: refused: this management node is standby (term 1)"),
        "{p:?}"
    );

    let p = set
        .run(&mn2, &["xcatclientnnr", "hastatus", "activate"])
        .await;
    assert_eq!(p.exit_code, 1, "{p:?}");
    assert!(
        p.stderr.contains(
            "hastatus: not activated: mn2: not activating: mn1 is active (deactivate it first, or force)"
        ),
        "{p:?}"
    );

    // Unplanned: mn1 dies.
    let killed = Instant::now();
    set.mn("mn1").kill();
    let took = set
        .wait_for(&mn2, "role", "active", Duration::from_secs(20))
        .await;
    let took = took.unwrap_or_else(|| panic!("no takeover:\n{}", set.mns[1].log_text()));
    let elapsed = killed.elapsed();
    assert!(
        elapsed >= TAKEOVER_TIMEOUT,
        "took over after {elapsed:?}, before the timeout"
    );
    assert!(took < TAKEOVER_TIMEOUT * 4, "took {took:?}");
    eprintln!("takeover {elapsed:?} after the kill (timeout {TAKEOVER_TIMEOUT:?})");
    assert_eq!(set.fences(), "fence mn1\n", "mn2 fenced mn1 once");
    assert_eq!(set.term_file(), "2 mn2\n");
    assert_eq!(set.status_value(&mn2, "term").await.as_deref(), Some("2"));
    assert_eq!(set.mns[1].vip_record(), format!("up {VIP}\n"));
    let p = mkdef(&set, &mn2, "ha03").await;
    assert_eq!(p.exit_code, 0, "{p:?}");
    assert_metrics(&set, &mn2).await;
    let log = set.mns[1].commands_log();
    assert!(log.contains("[Request]    haagent"), "{log}");
    assert!(log.contains("mn2: active at term 2: serving"), "{log}");

    // mn1 comes back configured as active: the term is mn2's, it stays out.
    set.mn("mn1").start();
    let st = set.hastatus(&mn1).await;
    assert!(st.contains(&"role: deactivated".to_string()), "{st:?}");
    assert!(st.contains(&"term: 2".to_string()), "{st:?}");
    let p = mkdef(&set, &mn1, "ha04").await;
    assert_eq!(p.exit_code, 1, "{p:?}");
    assert!(
        p.stderr
            .contains("refused: this management node is deactivated"),
        "{p:?}"
    );
    assert_eq!(
        set.mns[0].vip_record(),
        format!("up {VIP}\n"),
        "no VIP on the returning mn1"
    );
    tokio::time::sleep(TAKEOVER_TIMEOUT * 2).await;
    assert_eq!(
        set.status_value(&mn2, "role").await.as_deref(),
        Some("active")
    );
    assert_eq!(
        set.status_value(&mn1, "role").await.as_deref(),
        Some("deactivated")
    );
    let p = set.run(&mn2, &["lsdef", "-t", "node", "-s", "all"]).await;
    assert_eq!(p.stdout, "ha01  (node)\nha03  (node)\n", "{p:?}");
}

/// mn2, active at term 2 after fencing mn1, says so as metrics: answered by
/// `hastatus --metrics` and written to its `metrics_file` within a heartbeat or two.
async fn assert_metrics(set: &HaSet, mn2: &str) {
    let want = [
        "xcatha_role{node=\"mn2\",role=\"active\"} 1\n",
        "xcatha_role{node=\"mn2\",role=\"standby\"} 0\n",
        "xcatha_term{node=\"mn2\"} 2\n",
        "xcatha_vip_up{node=\"mn2\"} 1\n",
        "xcatha_writes{node=\"mn2\"} 1\n",
        "# TYPE xcatha_transitions_total counter\n",
        "xcatha_member_reachable{node=\"mn2\",member=\"mn1\",kind=\"peer\"} 0\n",
        "xcatha_member_reachable{node=\"mn2\",member=\"w\",kind=\"witness\"} 1\n",
    ];
    let p = set
        .run(mn2, &["xcatclientnnr", "hastatus", "--metrics"])
        .await;
    assert_eq!(p.exit_code, 0, "{p:?}");
    for w in want {
        assert!(p.stdout.contains(w), "{w:?} not in\n{}", p.stdout);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let file = set.mns[1].metrics_file();
        if want.iter().all(|w| file.contains(w)) {
            break;
        }
        assert!(Instant::now() < deadline, "metrics file:\n{file}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until mn2 sees mn1 and the witness (heartbeats flowing).
async fn wait_for_heartbeats(set: &HaSet, addr: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let st = set.hastatus(addr).await;
        let reach = |p: &str| {
            st.iter()
                .any(|x| x.starts_with(p) && x.contains(": reachable"))
        };
        if reach("peer ") && reach("witness w") {
            return;
        }
        assert!(Instant::now() < deadline, "no heartbeats: {st:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planned_handover_then_frozen_active_is_fenced() {
    let mut set = HaSet::start();
    let (mn1, mn2) = (set.mns[0].addr.clone(), set.mns[1].addr.clone());
    let up = Duration::from_secs(15);
    assert!(set.wait_for(&mn1, "role", "active", up).await.is_some());
    wait_for_heartbeats(&set, &mn2).await;
    // Planned: mn1 steps down to standby, mn2 is activated; nobody is fenced.
    let p = set
        .run(&mn1, &["xcatclientnnr", "hastatus", "standby"])
        .await;
    assert_eq!(p.exit_code, 0, "{p:?}");
    assert!(
        p.stdout
            .starts_with("mn1: standby at term 1: made standby by an admin\n"),
        "{p:?}"
    );
    assert_eq!(set.mns[0].vip_record(), format!("up {VIP}\ndown {VIP}\n"));
    // mn2 hears that mn1 is standby before it is activated.
    let deadline = Instant::now() + up;
    while !set
        .hastatus(&mn2)
        .await
        .iter()
        .any(|l| l.starts_with("peer mn1: reachable") && l.contains("standby, term 1"))
    {
        assert!(Instant::now() < deadline, "mn2 never saw mn1 as standby");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let p = set
        .run(&mn2, &["xcatclientnnr", "hastatus", "activate"])
        .await;
    assert_eq!(p.exit_code, 0, "{p:?}");
    assert!(
        p.stdout.contains("mn2: planned activation by an admin\n"),
        "{p:?}"
    );
    assert!(p.stdout.contains("role: active\n"), "{p:?}");
    assert_eq!(set.term_file(), "2 mn2\n");
    assert_eq!(set.fences(), "");
    assert_eq!(mkdef(&set, &mn2, "ha10").await.exit_code, 0);
    let p = mkdef(&set, &mn1, "ha11").await;
    assert!(
        p.stderr
            .contains("refused: this management node is standby (term "),
        "{p:?}"
    );
    // Unplanned: mn2's daemon frozen (SIGSTOP): mn1 fences it and takes over.
    set.mn("mn2").freeze(true);
    let took = set
        .wait_for(&mn1, "role", "active", Duration::from_secs(20))
        .await;
    assert!(took.is_some(), "no takeover:\n{}", set.mns[0].log_text());
    assert_eq!(set.fences(), "fence mn2\n");
    assert!(set.mn("mn2").reap(), "the fence killed the frozen daemon");
    assert_eq!(set.term_file(), "3 mn1\n");
    assert_eq!(mkdef(&set, &mn1, "ha12").await.exit_code, 0);
    let p = set.run(&mn1, &["lsdef", "-t", "node", "-s", "all"]).await;
    assert_eq!(p.stdout, "ha10  (node)\nha12  (node)\n", "{p:?}");
}
