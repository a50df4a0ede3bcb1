//! `nimsim`: one binary that behaves as the AIX command it is invoked as (busybox style,
//! by the basename of argv[0]) — `lsnim`, `nim`, `mknfsexp`, `startsrc` … — keeping each
//! host's NIM objects, NFS exports and SRC subsystems in `$NIMSIM_STATE` (default
//! `/var/lib/nimsim`) and logging every call to `<state>/calls.log`. Invoked as
//! `nimsim` it offers helpers (see `helpers`) or runs `nimsim <command> args…`.

mod args;
mod calllog;
mod clientfiles;
mod commands;
mod disk;
mod faults;
mod helpers;
mod host;
mod ifconfig;
mod interfaces;
mod lsnim;
mod master;
mod nfs;
mod nfs_export;
mod nim;
mod nim_alloc;
mod nim_define;
mod nim_exports;
mod nimerr;
mod objects;
mod outcome;
mod resolve;
mod simulate;
mod src_ctl;
mod store;

use std::io::Write;
use std::path::Path;

fn main() {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let invoked = argv.first().map(|a| basename(a)).unwrap_or_default();
    let code = if commands::is_command(&invoked) {
        simulate::call(&invoked, &argv)
    } else {
        helpers::run(argv.get(1..).unwrap_or_default())
    };
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}

/// The last path component of argv[0].
fn basename(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
