//! The xCAT statelite files of a shared_root (`statelite.table`,
//! `litefile.table`, `litetree.table`, `aixlitesetup` and the `.default`
//! tree) copied from nimprime to the one service node that holds the shared
//! file system: doSFScopy for an allocated shared_root
//! (xCAT-server/lib/xcat/plugins/aixinstall.pm:10907-10954) and snmove's
//! sfsSLconfig (snmove.pm:2248-2290).
//!
//! Stock ran `xdcp <sn> <files> <srloc>/` on nimprime after testing the
//! files on the management node; here rsync runs on nimprime and the tests
//! happen there, where the files are.  Without a `.default` directory stock
//! repeated the first copy; here the second copy is simply skipped.

use super::{COPY_TIMEOUT, RSYNC, RSYNC_OPTS};
use crate::api::Aborted;
use crate::nim::model::Reply;
use crate::nim::validate;
use crate::runner::{Cmd, Runner, Target};

/// The table files, in stock's order.
pub const FILES: [&str; 4] = [
    "statelite.table",
    "litefile.table",
    "litetree.table",
    "aixlitesetup",
];

/// `$1` = shared_root location, `$2` = target service node: the files that
/// exist, in one rsync (nothing to do when none exists).
pub fn files_cmd(srloc: &str, target_sn: &str) -> Cmd {
    let script = format!(
        "d=$1; t=$2; set --; for f in {}; do if [ -f \"$d/$f\" ]; then set -- \"$@\" \"$d/$f\"; fi; done; \
         if [ $# -eq 0 ]; then exit 0; fi; exec {RSYNC} {RSYNC_OPTS} \"$@\" \"$t:$d/\"",
        FILES.join(" ")
    );
    Cmd::new("sh", ["-c", script.as_str(), "sh", srloc, target_sn])
}

/// `.default` copied as a tree, if nimprime has it.
pub fn default_cmd(srloc: &str, target_sn: &str) -> Cmd {
    let script = format!(
        "if [ -d \"$1/.default\" ]; then exec {RSYNC} {RSYNC_OPTS} \"$1/.default\" \"$2:$1/\"; fi"
    );
    Cmd::new("sh", ["-c", script.as_str(), "sh", srloc, target_sn])
}

/// Copy the statelite files of the shared_root at `srloc` (its name
/// `shared_root`, for messages) from `nimprime` to `target_sn`.  Returns
/// whether both copies worked; failures are reported with stock's texts.
pub fn copy_statelite_files(
    runner: &dyn Runner,
    nimprime: &Target,
    shared_root: &str,
    srloc: &str,
    target_sn: &str,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    let checked = validate::path(shared_root, "location", srloc)
        .and_then(|_| validate::host_name(shared_root, "service node", target_sn));
    if let Err(e) = checked {
        reply.error(format!("{e}\n"))?;
        return Ok(false);
    }
    let mut ok = true;
    let steps = [
        (
            files_cmd(srloc, target_sn),
            "Could not copy new statelite file to",
        ),
        (
            default_cmd(srloc, target_sn),
            "Could not copy new statelite information to",
        ),
    ];
    for (cmd, text) in steps {
        if reply.verbose {
            reply.info(format!(
                "Running command on {nimprime}: {}",
                cmd.to_shell_line()
            ))?;
        }
        if !runner.run(nimprime, &cmd, COPY_TIMEOUT).ok() {
            reply.error(format!("{text} {target_sn}\n"))?;
            ok = false;
        }
    }
    Ok(ok)
}
