//! `xcluster up [--small|--ha] | down | status | exec HOST CMD...`: the test
//! cluster (tests/src/cluster) by hand, for debugging; `scripts/cluster`
//! builds the binaries and runs this.  The cluster's id is `manual`; it
//! keeps running after `up` returns until `down`.

use std::process::ExitCode;
use xcat_tests::cluster::{cleanup, mounts, net, Cluster, ClusterSpec, Layout};

const ID: &str = "manual";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["up"] => up(ClusterSpec::standard()),
        ["up", "--small"] => up(ClusterSpec::small()),
        ["up", "--ha"] => up(ClusterSpec::ha()),
        ["down"] => down(),
        ["status"] => status(),
        ["exec", host, program, rest @ ..] => exec(host, program, rest),
        _ => {
            eprintln!(
                "usage: xcluster up [--small|--ha] | down | status | exec HOST CMD [ARGS...]"
            );
            ExitCode::from(2)
        }
    }
}

fn up(spec: ClusterSpec) -> ExitCode {
    match Cluster::start_as(spec, ID) {
        Ok(cluster) => {
            for h in &cluster.spec.hosts {
                println!("{:<6} {:<14} {:?}", h.name, h.ip(), h.role);
            }
            println!("state: {}", cluster.layout().base().display());
            println!(
                "nimsim: {}",
                if cluster.has_nimsim() {
                    "installed"
                } else {
                    "not built"
                }
            );
            cluster.detach();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xcluster up: {e}");
            ExitCode::FAILURE
        }
    }
}

fn down() -> ExitCode {
    let layout = Layout::new(ID);
    cleanup::teardown(&layout);
    let _ = std::fs::remove_file(layout.lock_file());
    let left = cleanup::leftovers(&layout, &[]);
    for l in &left {
        eprintln!("left behind: {l}");
    }
    if left.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Each namespace of the cluster with its processes.
fn status() -> ExitCode {
    let layout = Layout::new(ID);
    let mut all = net::list_netns(&layout.netns_prefix());
    all.sort();
    if all.is_empty() {
        println!("no cluster is up");
        return ExitCode::FAILURE;
    }
    for ns in all {
        let host = match ns.trim_start_matches(&layout.netns_prefix()) {
            "sw" => "switch".to_string(),
            h => h.to_string(),
        };
        let procs: Vec<String> = net::pids(&ns)
            .into_iter()
            .map(|p| {
                let comm = std::fs::read_to_string(format!("/proc/{p}/comm")).unwrap_or_default();
                format!("{}({p})", comm.trim())
            })
            .collect();
        println!("{host:<7} {}", procs.join(" "));
    }
    ExitCode::SUCCESS
}

/// Run a command inside a host with this terminal's stdio.
fn exec(host: &str, program: &str, args: &[&str]) -> ExitCode {
    let layout = Layout::new(ID);
    if !layout.mnt_file(host).exists() {
        eprintln!("xcluster exec: no host {host} in the running cluster");
        return ExitCode::from(2);
    }
    let status = mounts::host_command(&layout, host, program)
        .args(args)
        .env(
            "TERM",
            std::env::var("TERM").unwrap_or_else(|_| "dumb".into()),
        )
        .status();
    match status {
        Ok(s) => ExitCode::from(s.code().unwrap_or(1).clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("xcluster exec: {e}");
            ExitCode::FAILURE
        }
    }
}
