//! NIM machine definitions for xCAT nodes (stock `mkclientdef`,
//! xCAT-server/lib/xcat/plugins/xcat2nim.pm:893-1055, and the node half of
//! `rm_or_list_nim_object`, xcat2nim.pm:1209-1309): define / `-u` change / `-f` re-create a
//! `standalone` machine with its `if1` (find_net, short name, MAC, `ent` or
//! `ent6` with the link-local address) and `cable_type1`, list with `-l`,
//! remove with `-r`.  Every value is validated before a NIM command runs
//! for the node.

use super::defs::NodeDef;
use super::run::Run;
use crate::api::Aborted;
/// mkdsklsnode's path to the one link-local rule ([`crate::nim::machine`]).
use crate::nim::machine::link_local;
use crate::nim::machine::{if_attr, short_name};
use crate::nim::validate::{self, Invalid};
use std::collections::BTreeSet;
use std::net::IpAddr;

/// Define (or change) the machines of `nodes`; the number that failed.
pub fn define_all(run: &mut Run, nodes: &[NodeDef]) -> Result<usize, Aborted> {
    if nodes.is_empty() {
        return Ok(0);
    }
    // Stock listed the machines once per node; once per part is enough.
    let mut machines: BTreeSet<String> = match run.nim.names_of_class("machines") {
        Ok(m) => m.into_iter().collect(),
        Err(_) => {
            let text = format!(
                "Could not get a list of NIM client definitions from '{}'.\n",
                run.sname
            );
            run.fail(&text, None)?;
            return Ok(nodes.len());
        }
    };
    let mut failed = 0;
    for node in nodes {
        if !define(run, &mut machines, node)? {
            failed += 1;
        }
        run.flush_verbose()?;
    }
    Ok(failed)
}

/// The `-a` words of the definition: `if1` (or the user's `if*`),
/// `cable_type1`, then the other `attr=val` pairs in name order.
fn nim_attrs(run: &Run, node: &NodeDef, short: &str) -> Result<Option<Vec<String>>, Invalid> {
    let mut ifattr = None;
    let mut cable = None;
    let mut rest = Vec::new();
    for (a, v) in run.attrs {
        validate::nim_attr_name(&node.name, a)?;
        validate::nim_attr_value(&node.name, a, v)?;
        if a.starts_with("if") {
            ifattr = Some(format!("{a}={v}"));
        } else if a.starts_with("cable_type") {
            cable = Some(format!("cable_type1={v}"));
        } else {
            rest.push(format!("{a}={v}"));
        }
    }
    let ifattr = match ifattr {
        Some(i) => i,
        None => {
            let Some(mac) = &node.mac else {
                return Ok(None);
            };
            let mac = validate::mac(&node.name, "mac", mac)?;
            match address(node, short)? {
                Some(IpAddr::V6(_)) => if_attr(1, "find_net", short, &link_local(&mac), "ent6"),
                _ => if_attr(1, "find_net", short, &mac, "ent"),
            }
        }
    };
    let mut words = vec![
        ifattr,
        cable.unwrap_or_else(|| "cable_type1=N/A".to_string()),
    ];
    words.extend(rest);
    Ok(Some(words))
}

/// The node's address: `hosts.ip`, else the resolver's first answer.
fn address(node: &NodeDef, short: &str) -> Result<Option<IpAddr>, Invalid> {
    if let Some(ip) = &node.ip {
        return validate::ip(&node.name, "ip", ip).map(Some);
    }
    Ok(dns_lookup::lookup_host(short)
        .ok()
        .and_then(|v| v.into_iter().next()))
}

/// One node; `false` when it counts as an error.
fn define(run: &mut Run, machines: &mut BTreeSet<String>, node: &NodeDef) -> Result<bool, Aborted> {
    let short = short_name(&node.name).to_string();
    if short.len() > 39 {
        let text = format!(
            "Could not define '{short}'. A NIM machine name can be no longer then 39 characters.\n"
        );
        run.fail(&text, None)?;
        return Ok(false);
    }
    let words = match validate::host_name(&node.name, "node", &short)
        .and_then(|_| nim_attrs(run, node, &short))
    {
        Ok(Some(w)) => w,
        Ok(None) => {
            let text = format!("Missing the MAC for node '{}'.\n", node.name);
            run.fail(&text, None)?;
            return Ok(false);
        }
        Err(e) => {
            run.invalid(&e)?;
            return Ok(false);
        }
    };
    let exists = machines.contains(&short);
    if exists && !run.opts.update {
        if !run.opts.force {
            let text = format!("{} The NIM client machine '{short}' already exists.  Use the '-f' option to remove and recreate or the '-u' option to update an existing definition.\n", run.msgstr);
            run.info(&[text])?;
            return Ok(false);
        }
        if let Err(ran) = remove_machine(run, &short, true) {
            let text = format!("Could not remove the existing NIM object named '{short}'.\n");
            run.fail(&text, Some(&ran))?;
            return Ok(false);
        }
        machines.remove(&short);
    }
    let mut args: Vec<&str> = if exists && run.opts.update {
        vec!["-F", "-o", "change"]
    } else {
        vec!["-o", "define", "-t", "standalone"]
    };
    for w in &words {
        args.push("-a");
        args.push(w);
    }
    args.push(&short);
    let ran = run.nim.nim(&args);
    if !ran.ok() {
        let text = format!("Could not create a NIM definition for '{}'.\n", node.name);
        run.fail(&text, Some(&ran))?;
        return Ok(false);
    }
    machines.insert(short);
    Ok(true)
}

/// `nim -Fo remove`, after `reset` and `deallocate -a subclass=all` with
/// `force` (stock ran the three as one shell line; the remove decides).
pub fn remove_machine(run: &Run, name: &str, force: bool) -> Result<(), crate::nim::cmd::Ran> {
    if force {
        run.nim.nim(&["-Fo", "reset", name]);
        run.nim
            .nim(&["-Fo", "deallocate", "-a", "subclass=all", name]);
    }
    let ran = run.nim.nim(&["-Fo", "remove", name]);
    if ran.ok() {
        Ok(())
    } else {
        Err(ran)
    }
}

/// `-l` / `-r` for one node; `false` when it counts as an error.  The NIM
/// name is the node's short name (the name xcat2nim defines it under).
pub fn list_or_remove(run: &mut Run, node: &NodeDef) -> Result<bool, Aborted> {
    let short = short_name(&node.name).to_string();
    if let Err(e) = validate::nim_name(&node.name, "node", &short) {
        run.invalid(&e)?;
        return Ok(false);
    }
    if run.opts.list {
        return match run.nim.long_listing(&short) {
            Ok(text) => run.info(&[text]).map(|_| true),
            Err(ran) => {
                let text = format!("Could not get the NIM definition for {short}.\n");
                run.fail(&text, Some(&ran)).map(|_| false)
            }
        };
    }
    match remove_machine(run, &short, run.opts.force) {
        Ok(()) => Ok(true),
        Err(ran) => {
            let text = format!("Could not remove the NIM definition for '{short}'.\n");
            run.fail(&text, Some(&ran)).map(|_| false)
        }
    }
}
