//! NIM `mac_group` definitions for xCAT groups (stock `mkgrpdef`,
//! xCAT-server/lib/xcat/plugins/xcat2nim.pm:1078-1186, and the group half of
//! `rm_or_list_nim_object`, xcat2nim.pm:1209-1309): the members that are NIM machines on this server
//! are added one command each; `-f` re-creates, `-u` adds to an existing
//! group; `-l` lists, `-r` removes.
//!
//! Deliberate fixes: a group or member "exists" on an exact name match
//! (stock: a substring regex, so `grp1` matched `grp10`); more than 1024
//! members is an error that counts (stock skipped the group silently after
//! the message, and only refused from 1026 members on).

use super::defs::GroupDef;
use super::run::Run;
use crate::api::Aborted;
use crate::nim::machine::short_name;
use crate::nim::validate;

const MAX_MEMBERS: usize = 1024;

/// Define (or extend) one group; `false` when it counts as an error.
pub fn define(run: &mut Run, group: &GroupDef) -> Result<bool, Aborted> {
    if let Err(e) = validate::nim_name(&group.name, "groupname", &group.name) {
        run.invalid(&e)?;
        return Ok(false);
    }
    let lists = run
        .nim
        .names_of_class("groups")
        .and_then(|g| run.nim.names_of_class("machines").map(|m| (g, m)));
    let Ok((groups, machines)) = lists else {
        run.fail("Could not get a list of NIM group definitions.\n", None)?;
        return Ok(false);
    };
    let exists = groups.contains(&group.name);
    if exists && !run.opts.update {
        if !run.opts.force {
            let text = format!("{} The NIM group '{}' already exists.  Use the '-f' option to remove and recreate or the '-u' option to update an existing definition.\n", run.msgstr, group.name);
            run.info(&[text])?;
            return Ok(false);
        }
        let ran = run.nim.nim(&["-Fo", "remove", &group.name]);
        if !ran.ok() {
            let text = format!(
                "Could not remove the existing NIM group named '{}'.\n",
                group.name
            );
            run.fail(&text, Some(&ran))?;
            return Ok(false);
        }
    }
    if group.members.len() > MAX_MEMBERS {
        run.fail(
            "Cannot create a NIM group definition with more than 1024 members.",
            None,
        )?;
        return Ok(false);
    }
    add_members(run, group, &machines, exists && run.opts.update)
}

fn add_members(
    run: &mut Run,
    group: &GroupDef,
    machines: &[String],
    extend: bool,
) -> Result<bool, Aborted> {
    let mut defined = extend;
    for member in &group.members {
        let short = short_name(member);
        if !machines.iter().any(|m| m == short) {
            continue;
        }
        let add = format!("add_member={short}");
        let args: Vec<&str> = if defined {
            vec!["-o", "change", "-a", &add, &group.name]
        } else {
            vec!["-o", "define", "-t", "mac_group", "-a", &add, &group.name]
        };
        let ran = run.nim.nim(&args);
        if !ran.ok() {
            let text = format!("Error running command '{}'.\n", ran.line);
            run.fail(&text, Some(&ran))?;
            return Ok(false);
        }
        defined = true;
    }
    Ok(true)
}

/// `-l` / `-r` for one group; `false` when it counts as an error.
pub fn list_or_remove(run: &mut Run, group: &GroupDef) -> Result<bool, Aborted> {
    if let Err(e) = validate::nim_name(&group.name, "groupname", &group.name) {
        run.invalid(&e)?;
        return Ok(false);
    }
    if run.opts.list {
        return match run.nim.long_listing(&group.name) {
            Ok(text) => run.info(&[text]).map(|_| true),
            Err(ran) => {
                let text = format!("Could not list the NIM definition for '{}'.\n", group.name);
                run.fail(&text, Some(&ran)).map(|_| false)
            }
        };
    }
    let ran = run.nim.nim(&["-Fo", "remove", &group.name]);
    if ran.ok() {
        return Ok(true);
    }
    let text = format!(
        "Could not remove the NIM definition for '{}'.\n",
        group.name
    );
    run.fail(&text, Some(&ran)).map(|_| false)
}
