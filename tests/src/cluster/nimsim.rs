//! The AIX NIM simulator (workspace crate `nimsim`, one binary that acts by
//! `argv[0]`) at the stock absolute paths inside MN and SN hosts: symlinks
//! in the host's `/usr` overlay, so `/usr/sbin/lsnim` of sn1 is the
//! simulator, keeping its state in sn1's own `/var/lib/nimsim` and logging
//! every call to [`CALL_LOG`] there (one JSON object per line).  The paths
//! are the ones `nimsim list` prints; [`FALLBACK_COMMANDS`] when it cannot.

use super::layout::Layout;
use super::sys::run;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The commands stock runs on a NIM master / service node, at their paths
/// (`xCAT-server/lib/xcat/plugins/aixinstall.pm`).
pub const FALLBACK_COMMANDS: [&str; 16] = [
    "/usr/sbin/nim",
    "/usr/sbin/lsnim",
    "/usr/sbin/niminit",
    "/usr/sbin/nim_master_setup",
    "/usr/sbin/mknfsexp",
    "/usr/sbin/chnfsexp",
    "/usr/sbin/rmnfsexp",
    "/usr/sbin/lsnfsexp",
    "/usr/sbin/chnfs",
    "/usr/sbin/chnfsdom",
    "/usr/sbin/exportfs",
    "/usr/bin/startsrc",
    "/usr/bin/stopsrc",
    "/usr/bin/lssrc",
    "/usr/bin/refresh",
    "/usr/bin/bootlist",
];

/// State directory of the simulator inside a host.
pub const STATE_DIR: &str = "/var/lib/nimsim";
/// The simulator's call log inside a host (one line per call).
pub const CALL_LOG: &str = "/var/lib/nimsim/calls.log";

/// The built simulator: `$NIMSIM_BIN`, else `nimsim` next to the built
/// `xcatd`; `None` when it is not built (the commands are then absent).
pub fn binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("NIMSIM_BIN") {
        return Some(PathBuf::from(p));
    }
    let bin = crate::server::xcatd_bin().with_file_name("nimsim");
    bin.exists().then_some(bin)
}

/// The absolute paths of the simulated commands (`nimsim list`: `NAME PATH` lines).
pub fn command_paths(bin: &Path) -> Vec<String> {
    let listed = run(Command::new(bin).arg("list"))
        .map(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.split_whitespace().nth(1))
                .filter(|p| p.starts_with('/'))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    if listed.is_empty() {
        FALLBACK_COMMANDS.iter().map(|p| p.to_string()).collect()
    } else {
        listed
    }
}

/// Put the simulator at every command path of the host (before its mount
/// namespace is mounted) and create its state directory.
pub fn install(layout: &Layout, host: &str) -> Result<bool, String> {
    let state = layout.host_path(host, STATE_DIR);
    std::fs::create_dir_all(&state).map_err(|e| format!("{}: {e}", state.display()))?;
    let Some(bin) = binary() else {
        return Ok(false);
    };
    for path in command_paths(&bin) {
        let link = layout.host_path(host, &path);
        if let Some(parent) = link.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&bin, &link).map_err(|e| format!("{}: {e}", link.display()))?;
    }
    Ok(true)
}

/// The host's call log, one JSON object per line, oldest first (empty when
/// nothing was called).
pub fn calls(layout: &Layout, host: &str) -> Vec<String> {
    std::fs::read_to_string(layout.host_path(host, CALL_LOG))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}
