//! The call log (`<state>/calls.log`: one JSON object per line), links (argv[0]
//! dispatch), concurrency (calls on one host serialise) and faults.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{to_run, Host};

#[test]
fn every_call_is_logged_in_order_with_argv_and_exit_code() {
    let h = Host::new();
    h.run(&["lsnim"]);
    h.ok(&["nim_master_setup", "-a", "mk_resource=no"]);
    h.run(&["lsnim", "-l", "x y"]);
    let raw = std::fs::read_to_string(h.state().join("calls.log")).unwrap_or_default();
    let lines: Vec<serde_json::Value> = raw
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 3);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["seq"], i as u64 + 1);
        assert!(line["ts_ms"].as_u64().is_some());
        assert!(line["pid"].as_u64().is_some());
    }
    assert_eq!(lines[0]["cmd"], "lsnim");
    assert_eq!(lines[0]["argv"], serde_json::json!(["lsnim"]));
    assert_eq!(lines[0]["rc"], 27);
    assert_eq!(
        lines[1]["argv"],
        serde_json::json!(["nim_master_setup", "-a", "mk_resource=no"])
    );
    assert_eq!(lines[2]["argv"], serde_json::json!(["lsnim", "-l", "x y"]));
    assert_eq!(lines[2]["rc"], 53);
    assert!(lines.iter().all(|l| l.get("fault").is_none()));
    assert_eq!(
        h.calls(),
        [
            "27\tlsnim",
            "0\tnim_master_setup -a mk_resource=no",
            "53\tlsnim -l x y"
        ]
    );
    assert_eq!(h.ok(&["calls"]), raw);
    h.ok(&["reset"]);
    assert_eq!(h.ok(&["calls"]), "");
    assert_eq!(
        h.run(&["lsnim"]).rc,
        27,
        "reset forgets the NIM configuration"
    );
}

#[test]
fn links_dispatch_on_argv0_and_log_the_path_as_invoked() {
    let h = Host::new();
    let bin = h.path().join("bin");
    let listed = h.ok(&["--install-links", bin.to_str().unwrap_or_default()]);
    assert_eq!(listed.lines().count(), h.ok(&["list"]).lines().count());
    for name in [
        "lsnim", "nim", "mknfsexp", "lssrc", "chnfsdom", "bootlist", "niminit",
    ] {
        assert!(
            bin.join(name)
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink()),
            "{name}"
        );
    }
    assert!(h.ok(&["list"]).contains("lsnim /usr/sbin/lsnim\n"));
    let run_link = |name: &str, args: &[&str]| {
        to_run(h.command(&bin.join(name), args).output().expect("run link"))
    };
    let r = run_link("chnfsdom", &[]);
    assert_eq!(
        (r.rc, r.stdout.as_str()),
        (0, "Current local domain: N/A\n")
    );
    let r = run_link(
        "bootlist",
        &[
            "-m",
            "normal",
            "ent0",
            "gateway=198.18.0.1",
            "bserver=198.18.0.11",
            "client=198.18.0.101",
        ],
    );
    assert_eq!(r.rc, 0);
    let r = run_link("bootlist", &["-m", "normal", "-o"]);
    assert_eq!(
        r.stdout,
        "ent0 gateway=198.18.0.1 bserver=198.18.0.11 client=198.18.0.101\n"
    );
    let raw = h.ok(&["calls"]);
    let first: serde_json::Value =
        serde_json::from_str(raw.lines().next().unwrap_or("")).expect("json");
    assert_eq!(
        first["argv"][0],
        bin.join("chnfsdom").to_str().unwrap_or_default()
    );
    assert_eq!(first["cmd"], "chnfsdom");
    // Re-installing replaces the links.
    h.ok(&["--install-links", bin.to_str().unwrap_or_default()]);
}

#[test]
fn concurrent_defines_serialise() {
    let h = Host::new();
    h.nim_with_image();
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_nimsim"));
    let define = |name: &str| {
        let if1 = format!("if1=find_net {name} 0 ent");
        h.command(
            exe,
            &["nim", "-o", "define", "-t", "diskless", "-a", &if1, name],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn")
    };
    // Two defines of the same name: exactly one wins.
    let twins: Vec<_> = (0..2).map(|_| define("cn01")).collect();
    let mut codes: Vec<i32> = twins
        .into_iter()
        .map(|c| to_run(c.wait_with_output().expect("wait")).rc)
        .collect();
    codes.sort();
    assert_eq!(codes, [0, 32]);
    // Many defines of different names at once: none is lost.
    let names: Vec<String> = (0..16).map(|i| format!("198.18.0.{}", 150 + i)).collect();
    let children: Vec<_> = names.iter().map(|n| define(n)).collect();
    for child in children {
        assert_eq!(to_run(child.wait_with_output().expect("wait")).rc, 0);
    }
    let machines = h.ok(&["lsnim", "-c", "machines"]);
    for n in &names {
        assert!(machines.contains(&format!("{n} ")), "{n} lost: {machines}");
    }
    let seqs: Vec<u64> = h
        .ok(&["calls"])
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()?["seq"].as_u64())
        .collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as u64).collect::<Vec<_>>(),
        "log lines are whole and in seq order"
    );
}

#[test]
fn fail_fault_answers_n_times_then_nim_runs_again() {
    let h = Host::new();
    h.nim_with_image();
    h.define_diskless("cn01", "aabbccddeeff");
    h.ok(&["fault", "nim:dkls_init:cn01", "fail", "2", "5"]);
    assert!(h.ok(&["fault", "list"]).contains("\"cmd\":\"nim\""));
    let init = [
        "nim",
        "-Fo",
        "dkls_init",
        "-a",
        "spot=spot71",
        "-a",
        "shared_root=sr71",
        "-a",
        "paging=pg71",
        "cn01",
    ];
    for _ in 0..2 {
        let r = h.run(&init);
        assert_eq!(r.rc, 5);
        assert_eq!(
            r.stderr,
            "0042-001 nim: processing error encountered on \"cn01\":\n   nimsim: injected fault\n"
        );
    }
    assert_eq!(
        h.ok(&["lsnim", "-a", "alloc_count", "-Z", "spot71"]),
        "#name:alloc_count:\nspot71:0:\n"
    );
    h.ok(&init);
    assert_eq!(h.ok(&["fault", "list"]), "");
    let calls = h.calls();
    let tail: Vec<String> = calls[calls.len() - 4..]
        .iter()
        .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        tail,
        [
            "5\tnim -Fo dkls_init",
            "5\tnim -Fo dkls_init",
            "0\tlsnim -a alloc_count",
            "0\tnim -Fo dkls_init"
        ]
    );
    let raw = h.ok(&["calls"]);
    assert_eq!(raw.matches("\"fault\":\"fail\"").count(), 2);
    // An always-failing fault on another command, then cleared.
    h.ok(&["fault", "stopsrc:nfs", "fail", "0"]);
    assert_eq!(h.run(&["stopsrc", "-g", "nfs"]).rc, 1);
    assert_eq!(h.run(&["stopsrc", "-g", "nfs"]).rc, 1);
    assert_eq!(
        h.run(&["stopsrc", "-s", "inetd"]).rc,
        0,
        "other arguments do not match"
    );
    h.ok(&["fault", "clear"]);
    assert_eq!(h.run(&["stopsrc", "-g", "nfs"]).rc, 0);
}

#[test]
fn hang_fault_does_not_hold_the_host_lock() {
    let h = Host::new();
    h.nim_with_image();
    h.ok(&["fault", "nim:dkls_init", "hang", "600"]);
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_nimsim"));
    let mut hung = h
        .command(
            exe,
            &["nim", "-Fo", "dkls_init", "-a", "spot=spot71", "cn01"],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Wait until the hang is logged, then other calls must still go through.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !h.ok(&["calls"]).contains("\"fault\":\"hang\"") {
        assert!(Instant::now() < deadline, "hang never logged");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(h.define_diskless("cn01", "0").rc, 0);
    assert!(
        hung.try_wait().expect("try_wait").is_none(),
        "the hung call is still hanging"
    );
    let _ = hung.kill();
    let _ = hung.wait();
    let raw = h.ok(&["calls"]);
    assert!(raw.contains("\"rc\":null,\"fault\":\"hang\""), "{raw}");
    assert_eq!(h.ok(&["fault", "list"]), "", "a one-shot hang is used up");
}

#[test]
fn delay_fault_slows_a_call_that_then_runs_normally() {
    let h = Host::new();
    h.nim_with_image();
    h.ok(&["fault", "nim:define:cn01", "delay", "1"]);
    assert_eq!(h.define_diskless("cn01", "0").rc, 0);
    assert!(h.ok(&["lsnim", "-c", "machines"]).contains("cn01 "));
    let raw = h.ok(&["calls"]);
    let last_define = raw
        .lines()
        .rfind(|l| l.contains("\"define\""))
        .unwrap_or("");
    assert!(
        last_define.ends_with("\"rc\":0,\"fault\":\"delay\"}"),
        "{last_define}"
    );
    assert_eq!(h.ok(&["fault", "list"]), "");
    assert_eq!(h.run(&["fault", "nim", "slow", "1"]).rc, 1);
}
