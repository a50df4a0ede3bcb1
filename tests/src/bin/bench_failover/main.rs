//! `bench_failover [planned|agents|unplanned] [ROUNDS]`: the failover figures of the
//! README (`scripts/bench-failover`, `MODE=agents …`, `MODE=unplanned …`).
//!
//! planned: brings up the cluster's HA layout (removed at exit), runs `xcatha -s` on
//! mn1 and mn2 and `xcatha -a` on mn1, then ROUNDS times (default 5) switches the
//! active MN: `xcatha -d` on it, then `xcatha -a` on the other while cn01 runs the
//! stock-named `lsdef cn01` through the VIP in a loop.  A round's time runs from the
//! start of `xcatha -d` to the end of the first answered command started after the
//! deactivation finished (only the new MN can answer it).
//!
//! agents: the same rounds with the HA agents at their default timing
//! ([`Cluster::agents_up`] instead of the set-up runs): xcatha hands the VIP over
//! through `hastatus deactivate` / `activate`.
//!
//! unplanned: ROUNDS times a fresh HA cluster with the agents at their default timing
//! (no overrides: heartbeat 1 s, takeover 10 s, lease 6 s; `unplanned` module), kill
//! -9 of every mn1 process, and the time from the kill to the end of the first
//! `lsdef cn01` through the VIP that succeeds.
//!
//! Prints each round and the median.

mod unplanned;

use std::process::ExitCode;
use std::time::{Duration, Instant};
use xcat_tests::cluster::ha::{xcatha_args, VIP, VIP_NIC};
use xcat_tests::cluster::{Cluster, ClusterSpec};

fn xcatha(c: &Cluster, host: &str, args: &[&str]) -> Result<(), String> {
    let o = c.xcatha(host, args);
    if o.status.success() {
        Ok(())
    } else {
        Err(format!(
            "xcatha {args:?} on {host}: {}\n{}",
            o.status,
            String::from_utf8_lossy(&o.stdout)
        ))
    }
}

fn setup(c: &Cluster, host: &str) -> Result<(), String> {
    let args = xcatha_args("-s");
    xcatha(c, host, &args)
}

fn activate(c: &Cluster, host: &str) -> Result<(), String> {
    let args = xcatha_args("-a");
    xcatha(c, host, &args)
}

/// One switch from `from` to `to`; the time until a client is answered.
fn round(c: &Cluster, from: &str, to: &str) -> Result<Duration, String> {
    let t0 = Instant::now();
    xcatha(c, from, &["-d", "-i", VIP_NIC, "-v", VIP])?;
    std::thread::scope(|s| {
        let activation = s.spawn(|| activate(c, to));
        let answered = loop {
            let o = c.client_env(
                "cn01",
                "lsdef",
                &["cn01"],
                &[("XCATHOST", "198.18.0.5:3001")],
            );
            if o.status.success() {
                break t0.elapsed();
            }
            if t0.elapsed() > Duration::from_secs(120) {
                return Err("no answer through the VIP within 120 s".to_string());
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        activation
            .join()
            .map_err(|_| "activation panicked".to_string())??;
        Ok(answered)
    })
}

/// The median and the load average, one line.
fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    if let Some(median) = times.get(times.len() / 2) {
        println!(
            "{what}, median of {}: {:.1} s (load {})",
            times.len(),
            median.as_secs_f64(),
            std::fs::read_to_string("/proc/loadavg")
                .unwrap_or_default()
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mode = match args.first().map(String::as_str) {
        Some("planned" | "agents" | "unplanned") => args.remove(0),
        _ => "planned".to_string(),
    };
    let rounds: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(5);
    if mode == "unplanned" {
        return match unplanned::run(rounds) {
            Ok(times) => {
                report("unplanned failover", times);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("bench_failover: {e}");
                ExitCode::FAILURE
            }
        };
    }
    planned(rounds, mode == "agents")
}

/// The planned rounds, with or without the HA agents.
fn planned(rounds: usize, agents: bool) -> ExitCode {
    let spec = if agents {
        ClusterSpec::ha().with_ha_agents(&[])
    } else {
        ClusterSpec::ha()
    };
    let c = match Cluster::start_as(spec, &format!("t{}bench", std::process::id())) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("bench_failover: {e}");
            return ExitCode::FAILURE;
        }
    };
    let prepared = if agents {
        c.agents_up()
    } else {
        setup(&c, "mn1")
            .and_then(|_| setup(&c, "mn2"))
            .and_then(|_| activate(&c, "mn1"))
    };
    if let Err(e) = prepared {
        eprintln!("bench_failover: {e}");
        return ExitCode::FAILURE;
    }
    let mut times = Vec::new();
    let mut active = ("mn1", "mn2");
    for n in 1..=rounds {
        match round(&c, active.0, active.1) {
            Ok(t) => {
                println!(
                    "round {n}: {} -> {}: {:.1} s",
                    active.0,
                    active.1,
                    t.as_secs_f64()
                );
                times.push(t);
            }
            Err(e) => {
                eprintln!("bench_failover: round {n}: {e}");
                return ExitCode::FAILURE;
            }
        }
        active = (active.1, active.0);
    }
    let what = if agents {
        "planned failover through the agents"
    } else {
        "planned failover"
    };
    report(what, times);
    ExitCode::SUCCESS
}
