//! Faults of the cluster in a box, each done and undone on its own small
//! cluster (mn1, sn1, sn2, cn01), then teardown leaves nothing behind: no
//! network namespace, mount, file or process.  One test: the faults must
//! not overlap.  Needs root (skips otherwise; fails under CI=true).

use std::net::SocketAddr;
use std::process::Output;
use std::time::{Duration, Instant};
use xcat_tests::cluster::{probe, Cluster, ClusterSpec};

fn ok(out: &Output) -> bool {
    out.status.success()
}

fn show(out: &Output) -> String {
    format!(
        "{}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Retry `f` until it returns true (recovery takes a moment).
fn eventually(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if f() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn proc_state(pid: i32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit(')')
        .next()
        .and_then(|s| s.trim().chars().next())
        .unwrap_or('?')
}

fn kill_and_restart(c: &Cluster) {
    let old = c.daemon_pid("sn1", "xcatd").expect("sn1 xcatd runs");
    let fault = c.kill_daemon("sn1");
    assert_eq!(c.daemon_pid("sn1", "xcatd"), None);
    let out = c.client("sn1", "lsxcatd", &["-v"]);
    assert!(!ok(&out), "killed daemon answered: {}", show(&out));
    assert!(ok(&c.client("sn2", "lsxcatd", &["-v"])), "sn2 is untouched");
    fault.undo().expect("restart sn1 xcatd");
    let new = c.daemon_pid("sn1", "xcatd").expect("restarted");
    assert_ne!(old, new);
    let out = c.client("sn1", "lsxcatd", &["-v"]);
    assert!(ok(&out), "{}", show(&out));
    c.restart_daemon("sn1").expect("restart");
    assert_ne!(c.daemon_pid("sn1", "xcatd"), Some(new));
    assert!(ok(&c.client("sn1", "lsxcatd", &["-v"])));
}

fn freeze_and_thaw(c: &Cluster) {
    let pid = c.daemon_pid("sn1", "xcatd").expect("sn1 xcatd runs");
    {
        let _fault = c.stop_daemon("sn1");
        assert!(eventually(Duration::from_secs(5), || proc_state(pid) == 'T'));
        // Frozen: the kernel accepts the connection, nothing answers.
        let out = c
            .host("mn1")
            .command("timeout")
            .args(["2", "/opt/xcat/bin/lsxcatd", "-v"])
            .env("XCATHOST", "sn1:3001")
            .output()
            .expect("timeout");
        assert_eq!(
            out.status.code(),
            Some(124),
            "frozen daemon answered: {}",
            show(&out)
        );
    }
    assert!(eventually(Duration::from_secs(5), || proc_state(pid) != 'T'));
    let out = c.client("sn1", "lsxcatd", &["-v"]);
    assert!(ok(&out), "{}", show(&out));
}

fn cut_and_restore_link(c: &Cluster) {
    let sn1_ssh: SocketAddr = "198.18.0.11:22".parse().unwrap();
    let layout = c.layout();
    probe::connect_from(layout, "mn1", sn1_ssh, Duration::from_secs(5)).expect("linked");
    {
        let _fault = c.cut_link("sn1");
        let cut = probe::connect_from(layout, "mn1", sn1_ssh, Duration::from_secs(1));
        assert!(cut.is_err(), "sn1 reachable with its cable pulled");
        // sn1 itself still runs: its own daemon answers it locally.
        assert!(ok(&c.client("sn1", "lsxcatd", &["-v"])));
    }
    assert!(eventually(Duration::from_secs(10), || {
        probe::connect_from(layout, "mn1", sn1_ssh, Duration::from_secs(1)).is_ok()
    }));
}

fn stop_and_start_postgres(c: &Cluster) {
    let pg: SocketAddr = "198.18.0.1:5432".parse().unwrap();
    let layout = c.layout();
    assert!(ok(&c.client("sn1", "nodels", &["all"])));
    {
        let _fault = c.stop_postgres();
        let down = probe::connect_from(layout, "sn1", pg, Duration::from_secs(2));
        assert!(down.is_err(), "PostgreSQL still listens");
    }
    probe::connect_from(layout, "sn1", pg, Duration::from_secs(2)).expect("PostgreSQL back");
    for host in ["mn1", "sn1"] {
        assert!(
            eventually(Duration::from_secs(20), || ok(&c.client(
                host,
                "nodels",
                &["all"]
            ))),
            "{host} did not recover: {}",
            show(&c.client(host, "nodels", &["all"]))
        );
    }
}

fn hang_and_release_ssh(c: &Cluster) {
    let mn1 = c.host("mn1");
    assert!(ok(&mn1.ssh("cn01", &["true"])));
    {
        let _fault = c.hang_ssh("cn01");
        let out = mn1.run("timeout", &["3", "ssh", "cn01", "true"]);
        assert_eq!(
            out.status.code(),
            Some(124),
            "ssh did not hang: {}",
            show(&out)
        );
    }
    let out = mn1.ssh("cn01", &["hostname"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "cn01\n",
        "{}",
        show(&out)
    );
}

/// One fault done, checked and undone.
type FaultCheck = fn(&Cluster);

#[test]
fn faults_are_done_and_undone_then_teardown_leaves_nothing() {
    let t = Instant::now();
    let Some(c) = Cluster::start_or_skip(ClusterSpec::small()) else {
        return;
    };
    eprintln!("up after {:?}", t.elapsed());
    let faults: [(&str, FaultCheck); 5] = [
        ("kill", kill_and_restart),
        ("freeze", freeze_and_thaw),
        ("cut link", cut_and_restore_link),
        ("postgres", stop_and_start_postgres),
        ("ssh hang", hang_and_release_ssh),
    ];
    for (name, fault) in faults {
        let t = Instant::now();
        fault(&c);
        eprintln!("{name}: {:?}", t.elapsed());
    }
    let left = c.teardown();
    assert!(left.is_empty(), "left behind: {left:#?}");
}
