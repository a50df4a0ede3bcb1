//! AIX statelite sync (`sharedinstall=no`, xCAT-server/lib/xcat/plugins/snmove.pm:558-759): copy each moved
//! node's persistent directory from the old service node to the new one
//! with rsync, run on the old service node.  The directory test happens on
//! the old service node, where the data is (stock tested the path on the
//! management node).  Values are validated and passed as positional
//! parameters of a fixed script, never spliced into shell text.

use super::messages as msg;
use super::model::{NodeMove, World};
use super::plan::split_statemnt;
use super::resolve::short_name;
use crate::api::{HandlerError, Responder};
use crate::runner::quote::{validate_host, validate_path};
use crate::runner::{run_each, Cmd, Runner, Target};
use std::time::Duration;
use xcat_proto::Response;

pub const SYNC_TIMEOUT: Duration = Duration::from_secs(1800);
pub const FANOUT: usize = 16;

const SCRIPT: &str = "if [ -d \"$1\" ]; then exec /usr/bin/rsync -arlHpEAogDz \"$1\" \"$2\"; fi";

/// Parent directory of an absolute path.
fn parent(path: &str) -> &str {
    match path.trim_end_matches('/').rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// Run the sync; `Ok(false)` when something failed (errors were sent).
pub fn sync(
    world: &World,
    moves: &[NodeMove],
    verbose: bool,
    runner: &dyn Runner,
    out: &mut dyn Responder,
) -> Result<bool, HandlerError> {
    if verbose {
        out.send(Response::new().info(msg::SYNC_ATTEMPT))?;
    }
    let mut jobs: Vec<(Target, Cmd)> = Vec::new();
    let mut dirs: Vec<String> = Vec::new();
    let mut done: Vec<(String, String, String)> = Vec::new();
    let mut ok = true;
    for row in &world.statelite {
        let (server, dir) = split_statemnt(&row.statemnt);
        for m in moves.iter().filter(|m| row.members.contains(&m.node)) {
            if server.contains('$') || dir.contains('$') || dir.contains("#CMD") {
                out.send(Response::new().warning(format!(
                    "The statelite entry '{}' for node {} uses variables; snmove does not synchronize it.",
                    row.statemnt, m.node
                )))?;
                continue;
            }
            if m.old_master.as_deref() != Some(server) {
                continue;
            }
            let short = short_name(&m.node);
            let dodir = if dir.ends_with('/') {
                format!("{dir}{short}")
            } else {
                format!("{dir}/{short}")
            };
            let key = (dodir.clone(), server.to_string(), m.new_master.clone());
            if done.contains(&key) {
                continue;
            }
            done.push(key);
            let checked = validate_path(&dodir)
                .and_then(|_| validate_host(&m.new_sn))
                .and_then(|_| validate_host(m.old_sn.as_deref().unwrap_or("")));
            if let Err(e) = checked {
                out.send(Response::new().error(format!("{}\n{e}\n", msg::sync_failed(&dodir))))?;
                ok = false;
                continue;
            }
            let dest = format!("{}:{}", m.new_sn, parent(&dodir));
            let cmd = Cmd::new("sh", ["-c", SCRIPT, "sh", dodir.as_str(), dest.as_str()]);
            let old_sn = m.old_sn.clone().unwrap_or_default();
            if verbose {
                out.send(Response::new().info(msg::syncing(&dodir, &m.new_master)))?;
                out.send(Response::new().info(format!(
                    "On {old_sn}: Running: '/usr/bin/rsync -arlHpEAogDz {dodir} {dest}'\n"
                )))?;
            }
            jobs.push((Target::Host(old_sn), cmd));
            dirs.push(dodir);
        }
    }
    let outs = run_each(runner, &jobs, FANOUT, SYNC_TIMEOUT);
    for (dodir, o) in dirs.iter().zip(outs) {
        if !o.ok() {
            let text = format!("{}{}", o.stdout, o.stderr);
            out.send(
                Response::new()
                    .error(msg::sync_failed(dodir))
                    .error_text(text.trim_end().to_string()),
            )?;
            ok = false;
        }
    }
    Ok(ok)
}

#[cfg(test)]
mod tests {
    #[test]
    fn parents() {
        assert_eq!(super::parent("/nodedata/cn01"), "/nodedata");
        assert_eq!(super::parent("/cn01"), "/");
    }
}
