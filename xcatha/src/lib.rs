//! `xcatha`: makes this host the active or the standby management node of a shared-data
//! HA pair (xcatha.py's `-s` / `-a` / `-d`, and stock's `activate-mn` / `deactivate-mn`),
//! every step through one executor so that `--dryrun` prints the steps a real run takes.
//!
//! * [`cli`] / [`legacy_cli`] — the options and usage texts of `xcatha` and of the
//!   `activate-mn` / `deactivate-mn` front ends.
//! * [`env`] — what a run acts on: the root directory, the command runner, the service
//!   manager, the HA agent link, standard input.
//! * [`agent`] — the link to the local daemon's HA agent (`hastatus` over TLS) and when
//!   it is used.
//! * [`exec`] — the step executor (`[Passed]` / `[Failed]` / `[Dryrun]` lines, retries).
//! * [`services`] — the service-manager interface: systemd, or a recording one for tests;
//!   [`service_commands`] — configured commands (hosts without systemd).
//! * [`launch`] — the binary's own options (`--root`, `--service-manager`, `--services`).
//! * [`host`] — host identity: names and addresses, `/etc/hosts`, the saved physical host.
//! * [`vip`] — the virtual IP: ping guard, alias up and down.
//! * [`shared`] — the shared-data directory: copy, symlinks, `.xcatbak` copies.
//! * [`policy`] — the policy row that trusts this MN's certificate name.
//! * [`flows`] — the xcatha modes (with [`flows::handover`], the steps that hand the
//!   VIP and the term to the HA agent); [`legacy`] — the activate-mn / deactivate-mn steps.

pub mod agent;
pub mod cli;
pub mod dbtype;
pub mod env;
pub mod exec;
pub mod flows;
pub mod host;
pub mod launch;
pub mod legacy;
pub mod legacy_cli;
pub mod policy;
pub mod service_commands;
pub mod services;
pub mod shared;
pub mod vip;

use std::io::Write;

/// Which front end argv[0] (or the first argument) selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Xcatha,
    ActivateMn,
    DeactivateMn,
}

/// Picks the front end from the program name (`activate-mn`, `deactivate-mn`, else
/// `xcatha`) or from a first argument `activate-mn` / `deactivate-mn`; returns the tool
/// and the remaining arguments.
pub fn select_tool(argv: &[String]) -> (Tool, Vec<String>) {
    let prog = argv
        .first()
        .map(|a| a.rsplit('/').next().unwrap_or(a).to_string())
        .unwrap_or_default();
    let rest: Vec<String> = argv.iter().skip(1).cloned().collect();
    let by_name = |n: &str| match n {
        "activate-mn" => Some(Tool::ActivateMn),
        "deactivate-mn" => Some(Tool::DeactivateMn),
        _ => None,
    };
    if let Some(t) = by_name(&prog) {
        return (t, rest);
    }
    if let Some(t) = rest.first().and_then(|a| by_name(a)) {
        return (t, rest[1..].to_vec());
    }
    (Tool::Xcatha, rest)
}

/// Runs the selected front end; returns the exit code.
pub fn run(argv: &[String], env: &env::Env, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let (tool, args) = select_tool(argv);
    match tool {
        Tool::Xcatha => flows::main(&args, env, out, err),
        Tool::ActivateMn => legacy::activate_main(&args, env, out),
        Tool::DeactivateMn => legacy::deactivate_main(&args, env, out),
    }
}
