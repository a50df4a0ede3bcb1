//! The iSCSI dump device of each moved node re-targeted to its new service
//! node (`dump_retarget`, xCAT-server/lib/xcat/plugins/snmove.pm:1781-2017):
//! per (new xcatmaster, osimage) with a `dump` resource, the target and LUN
//! from `lsnim -a dump_target -a dump_lunid <dump>` on the new service node,
//! then on each node `c_disc_target` (the last output line naming an
//! `hdisk` is the disk), `mkdev -l`, `c_config_dump` and `sysdumpdev -p`.
//! Nodes run in parallel (bounded), steps in order; messages come in node
//! order as stock's sequential loop printed them.

use super::SnsRun;
use crate::api::{HandlerError, Responder};
use crate::nim::cmd::Nim;
use crate::nim::parse;
use crate::nim::validate;
use crate::runner::{run_each, Cmd, Output, Target};
use std::collections::BTreeMap;
use std::time::Duration;
use xcat_proto::Response;

use super::super::messages as msg;
use super::super::model::{NodeMove, World};

pub const C_DISC_TARGET: &str = "/usr/lpp/bos.sysmgt/nim/methods/c_disc_target";
pub const MKDEV: &str = "/usr/sbin/mkdev";
pub const C_CONFIG_DUMP: &str = "/usr/lpp/bos.sysmgt/nim/methods/c_config_dump";
pub const SYSDUMPDEV: &str = "/usr/bin/sysdumpdev";
/// Stock's fixed iSCSI port (snmove.pm:1866).
pub const DUMP_PORT: &str = "32600";
pub const NODE_TIMEOUT: Duration = Duration::from_secs(300);
pub const FANOUT: usize = 64;

pub const CHECKING: &str = "Checking dump devices.\n";
pub const RETARGET_FAILED: &str =
    "One or more errors occured while attemping to re-target the dump device on cluster nodes.\n";

/// The dump target of one (service node, osimage).
struct DumpTarget {
    target: String,
    lun: String,
    sn_ip: String,
    configdump: String,
}

/// Re-target the nodes' dump devices; returns the nodes that failed.
pub fn retarget(
    run: &SnsRun,
    world: &World,
    moves: &[NodeMove],
    out: &mut dyn Responder,
) -> Result<Vec<String>, HandlerError> {
    out.send(Response::new().info(CHECKING))?;
    let mut groups: BTreeMap<(String, String), Vec<&NodeMove>> = BTreeMap::new();
    for m in moves {
        let image = world
            .nodes
            .iter()
            .find(|n| n.name == m.node)
            .and_then(|n| n.provmethod.clone());
        if let Some(image) = image {
            groups
                .entry((m.new_master.clone(), image))
                .or_default()
                .push(m);
        }
    }
    let mut failed = Vec::new();
    for ((master, image), nodes) in groups {
        let Some(dump) = world.images.get(&image).and_then(|i| i.get("dump")) else {
            continue;
        };
        let names: Vec<String> = nodes.iter().map(|m| m.node.clone()).collect();
        let Some(t) = dump_target(run, world, &image, dump, &master, nodes[0], out)? else {
            out.send(Response::new().error(format!(
                "Could not re-target the dump device for the following nodes. \n{}\n",
                names.join(" ")
            )))?;
            failed.extend(names);
            continue;
        };
        failed.extend(on_nodes(run, &t, &master, &names, out)?);
    }
    if !failed.is_empty() {
        out.send(Response::new().error(RETARGET_FAILED))?;
    }
    Ok(failed)
}

/// The target and LUN of `dump` on the service node, the service node's
/// address as the nodes know it (`master`) and the dump type; `None` when
/// one is missing (or a value is refused, reported).
fn dump_target(
    run: &SnsRun,
    world: &World,
    image: &str,
    dump: &str,
    master: &str,
    first: &NodeMove,
    out: &mut dyn Responder,
) -> Result<Option<DumpTarget>, HandlerError> {
    let configdump = world
        .images
        .get(image)
        .and_then(|i| i.get("configdump"))
        .unwrap_or("selective")
        .to_string();
    let checked = validate::nim_name(image, "dump", dump)
        .and_then(|_| validate::nim_name(image, "configdump", &configdump))
        .and_then(|_| validate::host_name(&first.node, "servicenode", &first.new_sn));
    if let Err(e) = checked {
        out.send(Response::new().error(format!("{e}\n")))?;
        return Ok(None);
    }
    let nim = Nim::new(run.runner, run.target(&first.new_sn), &run.cfg);
    let ran = nim.lsnim(&["-a", "dump_target", "-a", "dump_lunid", dump]);
    if !ran.ok() {
        if run.verbose {
            out.send(
                Response::new().error(format!("Could not run lsnim command: '{}'.\n", ran.line)),
            )?;
        }
        return Ok(None);
    }
    let stanza = parse::stanzas(&ran.out.stdout).into_iter().next();
    // The first word after `=` (snmove.pm:2083); a word with anything but
    // ordinary characters is not used on the nodes.
    let value = |attr: &str| {
        stanza
            .as_ref()
            .and_then(|s| s.get(attr))
            .and_then(|v| v.split_whitespace().next())
            .filter(|v| validate::nim_attr_value(dump, attr, v).is_ok())
            .filter(|v| {
                v.bytes()
                    .all(|b| b.is_ascii_graphic() && !b"'\"`$\\;&|<>".contains(&b))
            })
            .map(str::to_string)
    };
    let sn_ip = world.names.resolve(master).map(|ip| ip.to_string());
    Ok(match (value("dump_target"), value("dump_lunid"), sn_ip) {
        (Some(target), Some(lun), Some(sn_ip)) => Some(DumpTarget {
            target,
            lun,
            sn_ip,
            configdump,
        }),
        _ => None,
    })
}

/// The four node commands, step by step over all nodes.
fn on_nodes(
    run: &SnsRun,
    t: &DumpTarget,
    master: &str,
    nodes: &[String],
    out: &mut dyn Responder,
) -> Result<Vec<String>, HandlerError> {
    // Per node: Ok(hdisk) while going, Err(message) once failed.
    let mut state: Vec<Result<String, String>> = nodes
        .iter()
        .map(|n| match validate::host_name(n, "node", n) {
            Ok(_) => Ok(String::new()),
            Err(e) => Err(format!("{e}\n")),
        })
        .collect();
    let target = [
        ("target", t.target.as_str()),
        ("dump_port", DUMP_PORT),
        ("ipaddr", t.sn_ip.as_str()),
        ("lun_id", t.lun.as_str()),
    ];
    let disc = Cmd::new(
        C_DISC_TARGET,
        a_words(&[("operation", "discover")], &target),
    );
    let config = Cmd::new(
        C_CONFIG_DUMP,
        a_words(&[("configdump", &t.configdump)], &target),
    );
    let read_disk = |o: &Output, s: &mut String| *s = last_hdisk(&o.stdout).unwrap_or_default();
    step(run, nodes, &mut state, out, |_| disc.clone(), read_disk)?;
    for (n, s) in nodes.iter().zip(state.iter_mut()) {
        if matches!(s, Ok(h) if h.is_empty()) {
            *s = Err(format!("Could not determine dump device for node {n}.\n"));
        }
    }
    let mkdev = |h: &str| Cmd::new(MKDEV, ["-l", h]);
    step(run, nodes, &mut state, out, mkdev, |_, _| {})?;
    step(run, nodes, &mut state, out, |_| config.clone(), |_, _| {})?;
    let dumpdev = |h: &str| Cmd::new(SYSDUMPDEV, ["-p".to_string(), format!("/dev/{h}")]);
    step(run, nodes, &mut state, out, dumpdev, |_, _| {})?;
    let mut failed = Vec::new();
    for (n, s) in nodes.iter().zip(state) {
        match s {
            Ok(h) => out.send(Response::new().info(format!(
                "Set the primary dump device for node '{n}' to '/dev/{h}' and changed the dump target to '{master}'.\n"
            )))?,
            Err(m) => {
                out.send(Response::new().error(m))?;
                failed.push(n.clone());
            }
        }
    }
    Ok(failed)
}

/// `-a k=v` words of `first` then `rest`.
fn a_words(first: &[(&str, &str)], rest: &[(&str, &str)]) -> Vec<String> {
    first
        .iter()
        .chain(rest)
        .flat_map(|(k, v)| ["-a".to_string(), format!("{k}={v}")])
        .collect()
}

/// Run one command on every node still going; a failure ends that node
/// with stock's "Could not run" message; `done` reads a success.
fn step(
    run: &SnsRun,
    nodes: &[String],
    state: &mut [Result<String, String>],
    out: &mut dyn Responder,
    cmd_for: impl Fn(&str) -> Cmd,
    done: impl Fn(&Output, &mut String),
) -> Result<(), HandlerError> {
    let mut idx = Vec::new();
    let mut jobs = Vec::new();
    for (i, (n, s)) in nodes.iter().zip(state.iter()).enumerate() {
        if let Ok(h) = s {
            idx.push(i);
            jobs.push((Target::Host(n.clone()), cmd_for(h)));
        }
    }
    if run.verbose {
        for (t, c) in &jobs {
            out.send(Response::new().info(msg::running_on(&t.to_string(), &c.to_shell_line())))?;
        }
    }
    let outs = run_each(run.runner, &jobs, FANOUT, NODE_TIMEOUT);
    for ((i, (_, c)), o) in idx.into_iter().zip(&jobs).zip(outs) {
        match state.get_mut(i) {
            Some(Ok(h)) if o.ok() => done(&o, h),
            Some(s @ Ok(_)) => *s = Err(msg::could_not_run(&c.to_shell_line(), &nodes[i])),
            _ => {}
        }
    }
    Ok(())
}

/// The disk `c_disc_target` configured: the last line naming an `hdisk`,
/// without an `xdsh`-style `node: ` prefix and blanks; only a plain device
/// name is accepted (it goes into the next commands).
pub fn last_hdisk(output: &str) -> Option<String> {
    let line = output.lines().rev().find(|l| l.contains("hdisk"))?;
    let disk: String = line
        .rsplit(": ")
        .next()
        .unwrap_or(line)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let plain = !disk.is_empty() && disk.bytes().all(|b| b.is_ascii_alphanumeric());
    plain.then_some(disk)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hdisk_is_the_last_line_naming_one() {
        assert_eq!(
            super::last_hdisk("discovering\nhdisk3\n").as_deref(),
            Some("hdisk3")
        );
        assert_eq!(
            super::last_hdisk("cn01: hdisk1\ncn01: hdisk4 \n").as_deref(),
            Some("hdisk4")
        );
        assert_eq!(super::last_hdisk("nothing\n"), None);
        assert_eq!(super::last_hdisk("hdisk1;reboot\n"), None);
    }
}
