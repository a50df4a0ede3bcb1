//! Planned failover of the management node in the cluster's HA layout
//! (tests/cluster/README.md): `xcatha -s` on mn1 and on mn2 from scratch, `xcatha -a`
//! on mn1, then `xcatha -d` on mn1 + `xcatha -a` on mn2 and back, with a stock-named
//! client on cn01 running through the VIP the whole time.  Checked: exit codes and
//! `[Passed]` lines, the VIP on exactly one MN (never on both, sampled every 100 ms
//! during the switches), `lsdef -l` and every table (`tabdump`)
//! the same before and after each switch, each switch's steps those of its dry run,
//! every client command during the switch either answered in full or refused with a
//! connection error, and the VIP guard
//! (`xcatha -a` on mn2 while mn1 holds the VIP).  Needs root (skips otherwise; fails
//! under CI=true).

use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use xcat_tests::cluster::ha::{xcatha_args, VIP, VIP_NAME, VIP_NIC};
use xcat_tests::cluster::ha_watch::{show, step_lines, text, vip_holders};
use xcat_tests::cluster::{Cluster, ClusterSpec};

const XCATHOST: (&str, &str) = ("XCATHOST", "198.18.0.5:3001");

/// `xcatha ARGS` on `host`: exit code 0, no `[Failed]` step, the final line.
fn xcatha_ok(c: &Cluster, host: &str, args: &[&str], last: &str) -> String {
    let o = c.xcatha(host, args);
    let out = text(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "xcatha {args:?} on {host}: {}",
        show(&o)
    );
    let failed: Vec<&str> = out.lines().filter(|l| l.contains("[Failed")).collect();
    // No site.domain in the cluster: DNS and DHCP are left alone, as in stock.
    for l in failed {
        assert_eq!(
            l, "Check site.domain in the xCAT database [Failed]",
            "{host}: {out}"
        );
    }
    assert!(out.ends_with(&format!("{last}\n")), "{host}: {out}");
    out
}

fn setup(c: &Cluster, host: &str) -> String {
    let args = [&xcatha_args("-s")[..], &["-t", "postgresql"]].concat();
    xcatha_ok(c, host, &args, STANDBY)
}

const ACTIVATE: [&str; 9] = xcatha_args("-a");

fn activate(c: &Cluster, host: &str) -> String {
    xcatha_ok(c, host, &ACTIVATE, ACTIVE)
}

/// `xcatha ARGS --dryrun` on `host` (exit 0, nothing changes).
fn dry_run(c: &Cluster, host: &str, args: &[&str]) -> String {
    let o = c.xcatha(host, &[args, &["--dryrun"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    text(&o.stdout)
}

fn deactivate(c: &Cluster, host: &str) -> String {
    xcatha_ok(c, host, &["-d", "-i", VIP_NIC, "-v", VIP], STANDBY)
}

const STANDBY: &str = "This machine is set to standby management node successfully...";
const ACTIVE: &str = "This machine is set to primary management node successfully...";

/// A stock-named client on cn01 through the VIP.
fn client(c: &Cluster, command: &str, args: &[&str]) -> Output {
    c.client_env("cn01", command, args, &[XCATHOST])
}

fn client_ok(c: &Cluster, command: &str, args: &[&str]) -> String {
    let o = client(c, command, args);
    assert!(o.status.success(), "{command} {args:?}: {}", show(&o));
    text(&o.stdout)
}

/// `lsdef -l` of every node and `tabdump` of every table, through the VIP.
fn snapshot(c: &Cluster) -> (String, Vec<(String, String)>) {
    let lsdef = client_ok(c, "lsdef", &["-l", "all"]);
    let tables = client_ok(c, "tabdump", &[]);
    let dumps = tables
        .lines()
        .map(|t| (t.to_string(), client_ok(c, "tabdump", &[t])))
        .collect();
    (lsdef, dumps)
}

fn assert_same(before: &(String, Vec<(String, String)>), after: &(String, Vec<(String, String)>)) {
    assert_eq!(before.0, after.0, "lsdef -l all changed");
    assert_eq!(before.1.len(), after.1.len(), "table list changed");
    for ((t, a), (_, b)) in before.1.iter().zip(&after.1) {
        assert_eq!(a, b, "table {t} changed");
    }
}

/// A failed client command that could not talk to a daemon: no connection (stock's
/// "Unable to open socket connection …"), or one cut before the answer ended (the
/// daemon stopped under it: stock's "… ended prematurely"), with nothing printed on
/// standard output but the connection message.
fn connection_error(o: &Output) -> bool {
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    let refused = out.starts_with("Unable to open socket connection to xcatd daemon");
    let cut = out.is_empty()
        && err.contains("communication with the xCAT server seems to have been ended prematurely");
    !o.status.success() && (refused || cut)
}

/// `lsdef cn01` through the VIP in a loop while `switch` runs; every answer is
/// the expected one or a connection error, and the last one (started after the
/// switch) is answered.  Meanwhile the VIP is sampled on both MNs every 100 ms.
fn switch_under_load(c: &Cluster, expected: &str, switch: impl FnOnce()) {
    let done = AtomicBool::new(false);
    let results = std::thread::scope(|s| {
        let looper = s.spawn(|| {
            let mut results = Vec::new();
            let mut since: Option<Instant> = None;
            loop {
                // Sampled before the command starts: a command started after
                // the switch must be answered (within a minute).
                let switched = done.load(Ordering::SeqCst);
                let o = client(c, "lsdef", &["cn01"]);
                let ok = o.status.success();
                results.push(o);
                if switched {
                    since.get_or_insert_with(Instant::now);
                }
                let too_long = since.is_some_and(|t| t.elapsed() > Duration::from_secs(60));
                if switched && ok || too_long {
                    return results;
                }
                if !ok {
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        });
        // Every 100 ms: the VIP is never on both MNs.
        let sampler = s.spawn(|| {
            let mut samples = 0;
            while !done.load(Ordering::SeqCst) {
                let holders = vip_holders(c);
                assert!(holders.len() <= 1, "the VIP is on {holders:?}");
                samples += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            samples
        });
        switch();
        done.store(true, Ordering::SeqCst);
        let samples = sampler.join().expect("VIP on both MNs");
        eprintln!("VIP sampled {samples} times: never on both MNs");
        looper.join().expect("client loop")
    });
    let mut failed = 0;
    for o in &results {
        if o.status.success() {
            assert_eq!(text(&o.stdout), expected);
        } else {
            assert!(connection_error(o), "not a connection error: {}", show(o));
            failed += 1;
        }
    }
    let last = results.last().expect("at least one command");
    assert!(last.status.success(), "{}", show(last));
    eprintln!(
        "{} client commands during the switch, {failed} refused",
        results.len()
    );
}

#[test]
fn planned_failover_to_mn2_and_back() {
    let Some(c) = Cluster::start_or_skip(ClusterSpec::ha()) else {
        return;
    };
    assert!(vip_holders(&c).is_empty());

    let out = setup(&c, "mn1");
    for line in [
        "Copy /etc/xcat to /var/xcat-ha/etc/xcat [Passed]",
        "Copy /var/lib/pgsql to /var/xcat-ha/var/lib/pgsql [Passed]",
        "Creating symlink /etc/xcat -> /var/xcat-ha/etc/xcat [Passed]",
        "mount --bind /var/xcat-ha/install /install [Passed]",
        "xCAT service has started",
        "named: not present on this host, skipped",
    ] {
        assert!(out.contains(line), "{line}: {out}");
    }
    let out = setup(&c, "mn2");
    assert!(
        out.contains("There is xCAT data /var/xcat-ha/install in shared data"),
        "{out}"
    );
    assert!(!out.contains("Copy /etc/xcat"), "{out}");
    assert!(vip_holders(&c).is_empty());

    let out = activate(&c, "mn1");
    assert!(
        out.contains("pg_ctl -D /var/lib/pgsql/data -l /var/log/pgsql.log -w -t 60 start [Passed]"),
        "{out}"
    );
    assert_eq!(vip_holders(&c), ["mn1"]);
    let before = snapshot(&c);
    assert!(before.1.len() > 20, "tables: {:?}", before.1.len());
    let site = &before
        .1
        .iter()
        .find(|(t, _)| t == "site")
        .expect("site table")
        .1;
    assert!(site.contains("\"master\",\"hamn\","), "{site}");
    assert!(before.0.contains("Object name: cn01\n"), "{}", before.0);
    let one = client_ok(&c, "lsdef", &["cn01"]);

    // The VIP guard: mn2 cannot take the VIP while mn1 answers on it.
    let o = c.xcatha("mn2", &ACTIVATE);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(
        text(&o.stdout).contains("Aborted startup as virtual ip appears to be already active.\n"),
        "{}",
        show(&o)
    );
    assert_eq!(vip_holders(&c), ["mn1"]);
    assert_eq!(text(&c.host("mn2").run("hostname", &[]).stdout), "mn2\n");

    for (from, to) in [("mn1", "mn2"), ("mn2", "mn1")] {
        let dry_d = dry_run(&c, from, &["-d", "-i", VIP_NIC, "-v", VIP]);
        let dry_a = dry_run(&c, to, &ACTIVATE);
        let (mut real_d, mut real_a) = (String::new(), String::new());
        let t0 = Instant::now();
        switch_under_load(&c, &one, || {
            real_d = deactivate(&c, from);
            assert!(vip_holders(&c).is_empty());
            real_a = activate(&c, to);
        });
        eprintln!("{from} -> {to}: {:?}", t0.elapsed());
        assert_eq!(step_lines(&dry_d), step_lines(&real_d), "{real_d}");
        assert_eq!(step_lines(&dry_a), step_lines(&real_a), "{real_a}");
        assert_eq!(vip_holders(&c), [to]);
        assert_eq!(
            text(&c.host(to).run("hostname", &[]).stdout),
            format!("{VIP_NAME}\n")
        );
        assert_eq!(
            text(&c.host(from).run("hostname", &[]).stdout),
            format!("{from}\n")
        );
        assert_same(&before, &snapshot(&c));
    }
    let left = c.teardown();
    assert!(left.is_empty(), "left behind: {left:?}");
}
