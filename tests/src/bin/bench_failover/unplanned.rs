//! The unplanned-failover rounds: each a fresh HA cluster with the agents at their
//! default timing ([`ClusterSpec::with_ha_agents`] without overrides), brought up by
//! [`Cluster::agents_up`]; after a first answered `lsdef cn01` through the VIP and a few
//! heartbeats, every mn1 process is killed (`kill -9`).  From then on cn01 starts a
//! `lsdef cn01` through the VIP every [`START_EVERY`] (each in its own thread, so a
//! command stuck on the dead address does not delay the next one); the round's time
//! is from the kill to the end of the first command that succeeds.  The cluster is
//! torn down after each round (a round fails if anything is left behind).

use std::sync::Mutex;
use std::time::{Duration, Instant};
use xcat_tests::cluster::ha::VIP;
use xcat_tests::cluster::ha_agents::MN2_IP;
use xcat_tests::cluster::{Cluster, ClusterSpec};

/// How often a new client command starts while the VIP is unanswered.
const START_EVERY: Duration = Duration::from_millis(250);
/// No answer within this: the round fails.
const LIMIT: Duration = Duration::from_secs(120);
/// Steady state before the kill (several heartbeats at the default 1 s).
const SETTLE: Duration = Duration::from_secs(5);

fn lsdef_ok(c: &Cluster) -> bool {
    let host = format!("{VIP}:3001");
    c.client_env("cn01", "lsdef", &["cn01"], &[("XCATHOST", &host)])
        .status
        .success()
}

/// mn2's agent transitions (its command log's `haagent` entries: date and line).
fn agent_lines(c: &Cluster) -> Vec<String> {
    let log = c.host("mn2").read("/var/log/xcat/commands.log");
    let (mut out, mut date, mut take) = (Vec::new(), String::new(), false);
    for l in log.lines() {
        if let Some(d) = l.strip_prefix("[Date]") {
            date = d.trim().to_string();
        } else if l.starts_with("[Request]") {
            take = l.contains("haagent");
        } else if take && !l.starts_with('[') && !l.trim().is_empty() {
            out.push(format!("{date} {l}"));
        }
    }
    out
}

/// Kill mn1, then the time until a client command through the VIP succeeds.
fn time_takeover(c: &Cluster) -> Result<Duration, String> {
    let first: Mutex<Option<Duration>> = Mutex::new(None);
    let t0 = Instant::now();
    let before = agent_lines(c).len();
    let now = std::process::Command::new("date")
        .arg("+%T.%N")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    c.kill_host("mn1");
    println!("  killed mn1 at {now}");
    std::thread::scope(|s| {
        while first.lock().map(|f| f.is_none()).unwrap_or(false) {
            if t0.elapsed() > LIMIT {
                return Err(format!("no answer through the VIP within {LIMIT:?}"));
            }
            s.spawn(|| {
                if lsdef_ok(c) {
                    let end = t0.elapsed();
                    if let Ok(mut f) = first.lock() {
                        *f = Some(f.map_or(end, |e| e.min(end)));
                    }
                }
            });
            std::thread::sleep(START_EVERY);
        }
        Ok(())
    })?;
    for l in agent_lines(c).into_iter().skip(before) {
        println!("  mn2: {l}");
    }
    first
        .into_inner()
        .ok()
        .flatten()
        .ok_or_else(|| "no answer".to_string())
}

fn one_round(n: usize) -> Result<Duration, String> {
    let spec = ClusterSpec::ha().with_ha_agents(&[]);
    let c = Cluster::start_as(spec, &format!("t{}u{n}", std::process::id()))?;
    let timed = c
        .agents_up()
        .and_then(|()| {
            if !lsdef_ok(&c) {
                return Err("no answer through the VIP before the kill".into());
            }
            std::thread::sleep(SETTLE);
            time_takeover(&c)
        })
        .and_then(|t| {
            let want = ["role: active", "term: 2", "vip state: up"];
            c.wait_hastatus(MN2_IP, &want, Duration::from_secs(30))?;
            Ok(t)
        });
    let left = c.teardown();
    if !left.is_empty() {
        return Err(format!("left behind: {left:?}"));
    }
    timed
}

/// `rounds` rounds; their times.
pub fn run(rounds: usize) -> Result<Vec<Duration>, String> {
    let mut times = Vec::new();
    for n in 1..=rounds {
        let t = one_round(n).map_err(|e| format!("round {n}: {e}"))?;
        println!(
            "round {n}: kill -9 of mn1 -> answered through the VIP: {:.1} s",
            t.as_secs_f64()
        );
        times.push(t);
    }
    Ok(times)
}
