//! `.client_data` restored on each node's new service node
//! (xCAT-server/lib/xcat/plugins/snmove.pm:864-997): mkdsklsnode left a
//! backup of every node's NIM client files in
//! `<shared_root>/<SN>_<osimage>/.client_data` on the service node that
//! initialized it; after the move, the files of the nodes whose new primary
//! is that service node are copied back into `<shared_root>/etc/.client_data`
//! there (`ls` of the backup, then one `cp -p` per node).
//!
//! Stock tried every node of a service node against every osimage's backup
//! (a node of another osimage got a false "No backup" error); here each
//! node is restored from its own osimage's backup only.  The backup's place
//! and which files are a node's are mkdsklsnode's rule
//! (`nim::clientfiles::sns_backup`).

use super::{SharedRoots, SnsRun};
use crate::api::{HandlerError, Responder};
use crate::nim::clientfiles::sns_backup::{belongs_to, client_data_backup_dir};
use crate::nim::sns::COPY_TIMEOUT;
use crate::nim::validate;
use crate::runner::Cmd;
use std::collections::BTreeMap;
use xcat_proto::Response;

use super::super::model::{NodeMove, World};
use super::super::resolve::short_name;

pub const LS: &str = "/usr/bin/ls";
pub const CP: &str = "/usr/bin/cp";

/// Restore the moved nodes' client files; returns the nodes that failed
/// (each already reported).
pub fn restore(
    run: &SnsRun,
    world: &World,
    moves: &[NodeMove],
    roots: &SharedRoots,
    out: &mut dyn Responder,
) -> Result<Vec<String>, HandlerError> {
    let mut failed = Vec::new();
    let mut groups: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for m in moves {
        let Some(image) = world
            .nodes
            .iter()
            .find(|n| n.name == m.node)
            .and_then(|n| n.provmethod.as_deref())
        else {
            continue;
        };
        if !roots.contains_key(image) {
            continue;
        }
        let checked = validate::host_name(&m.node, "node", &m.node)
            .and_then(|_| validate::host_name(&m.node, "servicenode", &m.new_sn))
            .and_then(|_| validate::nim_name(&m.node, "provmethod", image));
        if let Err(e) = checked {
            out.send(Response::new().error(format!("{e}\n")))?;
            failed.push(m.node.clone());
            continue;
        }
        groups
            .entry((m.new_sn.clone(), image.to_string()))
            .or_default()
            .push(m.node.clone());
    }
    for ((sn, image), nodes) in groups {
        let Some((_, loc)) = roots.get(&image) else {
            continue;
        };
        failed.extend(restore_group(run, &sn, &image, loc, &nodes, out)?);
    }
    Ok(failed)
}

/// One (service node, osimage): list the backup once, copy per node.
fn restore_group(
    run: &SnsRun,
    sn: &str,
    image: &str,
    srloc: &str,
    nodes: &[String],
    out: &mut dyn Responder,
) -> Result<Vec<String>, HandlerError> {
    let bkloc = client_data_backup_dir(srloc, sn, image);
    let cdloc = format!("{srloc}/etc/.client_data");
    let target = run.target(sn);
    let ls = Cmd::new(LS, [bkloc.as_str()]);
    if run.verbose {
        out.send(Response::new().info(format!("Running '{}' on {sn}\n", ls.to_shell_line())))?;
    }
    let listed = run.runner.run(&target, &ls, COPY_TIMEOUT);
    if !listed.ok() {
        out.send(Response::new().error(format!("Could not list contents of {bkloc}.\n")))?;
    }
    let listing = if listed.ok() {
        listed.stdout
    } else {
        String::new()
    };
    let mut failed = Vec::new();
    for node in nodes {
        let nd = short_name(node);
        let files = node_files(&nd, &listing);
        if files.is_empty() {
            out.send(Response::new().error(format!(
                "No backup client_data files for node {nd} in {bkloc}. Current client data files in {cdloc} should be checked to avoid boot errors.\n"
            )))?;
            failed.push(node.clone());
            continue;
        }
        let paths: Vec<String> = files.iter().map(|f| format!("{bkloc}/{f}")).collect();
        let mut args = vec!["-p".to_string()];
        args.extend(paths.iter().cloned());
        args.push(cdloc.clone());
        let cp = Cmd::new(CP, args);
        if run.verbose {
            out.send(Response::new().info(format!("Running '{}' on {sn}.\n", cp.to_shell_line())))?;
        }
        let o = run.runner.run(&target, &cp, COPY_TIMEOUT);
        if !o.ok() {
            let filestring: String = paths.iter().map(|p| format!("{p} ")).collect();
            let output = format!("{}{}", o.stdout, o.stderr);
            out.send(
                Response::new()
                    .error(format!("Could not copy\n{filestring}\n\tto {cdloc}.\n"))
                    .error_text(format!("Command output:\n{}\n", output.trim_end())),
            )?;
            failed.push(node.clone());
        }
    }
    Ok(failed)
}

/// The files of an `ls` listing that are `node`'s (the rule mkdsklsnode's
/// backup used, `belongs_to`); a name with a `/` or blanks is never one.
fn node_files(node: &str, listing: &str) -> Vec<String> {
    listing
        .lines()
        .map(|l| l.rsplit(": ").next().unwrap_or(l).trim())
        .filter(|f| !f.is_empty() && !f.contains('/') && !f.contains(char::is_whitespace))
        .filter(|f| belongs_to(f, node))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_nodes_files_by_exact_part() {
        let ls =
            "hosts.cn1\nhosts.cn10\nfilesystems.cn1\nniminfo.cn10\nsn1: niminfo.cn1\na b.cn1\n";
        assert_eq!(
            super::node_files("cn1", ls),
            ["hosts.cn1", "filesystems.cn1", "niminfo.cn1"]
        );
        assert!(super::node_files("cn2", ls).is_empty());
    }
}
