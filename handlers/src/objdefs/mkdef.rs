//! `mkdef`: create object definitions from `attr=val` pairs or a stanza on
//! stdin (`-z`), with `-f` replace, static (`members=`, `-w`) and dynamic
//! (`-d -w`) groups, node-name validation and `only_if` checks.  All or
//! nothing: any error rolls the whole command back.

use super::args::{Cmd, Plan};
use super::cache::Cache;
use super::final_attrs::{self, FinalObj};
use super::out::Out;
use super::write::{self, Mode, WriteReq};
use super::{groups, list, names, nr, remove};
use crate::api::{Ctx, HandlerError, Responder};
use std::collections::BTreeSet;
use xcat_proto::Request;
use xcat_schema::db::Conn;

pub fn run(ctx: &Ctx, req: &Request, resp: &mut dyn Responder) -> Result<(), HandlerError> {
    super::run_planned(Cmd::Mkdef, ctx, req, resp, make)
}

fn usage_fail(out: &mut Out, lines: &[&str]) -> Result<u8, HandlerError> {
    super::usage_fail(Cmd::Mkdef, out, lines)
}

/// Check object names; returns false (after reporting) when the command must stop.
pub(super) fn check_names(
    conn: &mut Conn,
    cache: &mut Cache,
    p: &Plan,
    all: &[(String, String)],
    out: &mut Out,
) -> Result<bool, HandlerError> {
    let _ = p;
    let mut invalid = Vec::new();
    let mut capitals = Vec::new();
    let mut dotted = Vec::new();
    for (n, t) in all {
        if !names::valid_object_name(conn, cache, n, t)? {
            invalid.push(n.clone());
        }
        if t.is_empty() || t == "node" {
            if n.chars().any(|c| c.is_ascii_uppercase()) {
                capitals.push(n.clone());
            } else if n.contains('.') && n.parse::<std::net::IpAddr>().is_err() {
                dotted.push(n.clone());
            }
        }
    }
    if !dotted.is_empty() {
        out.error1(format!(
            "The object name '{}' is invalid, Cannot use '.' in node name.",
            dotted.join(",")
        ))?;
        return Ok(false);
    }
    if !invalid.is_empty() {
        out.error1(format!(
            "The object name '{}' is invalid, please refer to \"man xcatdb\" for the valid \"xCAT Object Name Format\"",
            invalid.join(",")
        ))?;
        return Ok(false);
    }
    if !capitals.is_empty() {
        out.warning(&[format!(
            "The node name '{}' contains capital letters which may not be resolved correctly by the dns server.",
            capitals.join(",")
        )])?;
    }
    Ok(true)
}

fn make(conn: &mut Conn, cache: &mut Cache, p: &Plan, out: &mut Out) -> Result<u8, HandlerError> {
    let o = &p.opts;
    if o.plus || o.minus {
        return usage_fail(
            out,
            &["The '-p' and '-m' options are not valid for the mkdef command."],
        );
    }
    if let Some(rc) = super::check_option_mix(Cmd::Mkdef, p, out)? {
        return Ok(rc);
    }
    let t0 = o.types.clone().unwrap_or_default();
    let mut all: Vec<(String, String)> = p.names.iter().map(|n| (n.clone(), t0.clone())).collect();
    for so in &p.file.objects {
        let t = if t0.is_empty() {
            so.attrs.get("objtype").cloned().unwrap_or_default()
        } else {
            t0.clone()
        };
        all.push((so.name.clone(), t));
    }
    if all.is_empty() {
        return usage_fail(out, &["No object names were provided."]);
    }
    if !check_names(conn, cache, p, &all, out)? {
        return Ok(1);
    }
    let (cli, mut error) = final_attrs::cli_attrs(p, out)?;
    let command_level_error = error;
    let f = final_attrs::finals(conn, cache, Cmd::Mkdef, p, cli, out)?;
    error |= f.error;
    let mut finals: Vec<FinalObj> = if command_level_error || f.error {
        Vec::new()
    } else {
        f.objs
    };
    if finals.is_empty() {
        if error {
            return Ok(1);
        }
        let is_node = t0.split(',').any(|t| t == "node");
        out.error1(if is_node {
            "No object definitions have been created or modified: no attributes were specified. The 'groups' attribute is required when creating node definitions."
        } else {
            "No object definitions have been created or modified: no attributes were specified."
        })?;
        return Ok(1);
    }
    let existing = list::objects_by_type(conn, cache, finals.iter().map(|f| f.objtype()))?;
    let requested = finals.len();
    let mut keep: Vec<FinalObj> = Vec::new();
    let mut member_adds: Vec<(String, Vec<String>)> = Vec::new();
    for mut fo in finals.drain(..) {
        let t = fo.objtype().to_string();
        if t.is_empty() {
            out.info(&[
                format!("No type was provided for object '{}'.", fo.name),
                "Skipping to the next object.".into(),
            ])?;
            error = true;
            continue;
        }
        if t == "network" && !network_ok(conn, cache, &fo, existing.get("network"), out)? {
            error = true;
            continue;
        }
        let exists = existing.get(&t).is_some_and(|s| s.contains(&fo.name));
        if exists && !o.force {
            out.warning(&[format!(
                "A definition for '{}' already exists. No changes will be made.  Run again with '-f' option to force replace.",
                fo.name
            )])?;
            continue;
        }
        if t == "node" && fo.attrs.get("groups").is_none_or(|g| g.is_empty()) {
            out.error1(format!(
                "Attribute 'groups' is not specified for node '{}', skipping to the next node.",
                fo.name
            ))?;
            error = true;
            continue;
        }
        let mut dynamic = false;
        if t == "group" {
            match fo.attrs.get("grouptype").map(String::as_str) {
                None | Some("") if o.dynamic => {
                    if fo.attrs.len() > 1 {
                        out.error1(format!(
                            "Can not assign attributes to dynamic node group '{}'.",
                            fo.name
                        ))?;
                        error = true;
                        continue;
                    }
                    dynamic = true;
                }
                Some("dynamic") => dynamic = true,
                _ => {}
            }
            if dynamic && !fo.attrs.contains_key("wherevals") && o.wheres.is_empty() {
                out.error(&[
                    format!("The 'where' attributes and values were not provided for dynamic group '{}'.", fo.name),
                    "Skipping to the next group.".into(),
                ])?;
                error = true;
                continue;
            }
            if !dynamic && !o.wheres.is_empty() && fo.attrs.contains_key("members") {
                out.error1("Cannot use a list of members together with the '-w' option.")?;
                error = true;
                continue;
            }
        }
        // only_if conditions are checked by the write (stock checks them
        // twice, with the same messages).
        if exists && o.force {
            remove::remove_objects(conn, cache, &t, std::slice::from_ref(&fo.name))?;
        }
        if t == "group" {
            if dynamic {
                fo.attrs.insert("grouptype".into(), "dynamic".into());
                fo.attrs.insert("members".into(), "dynamic".into());
                if !fo.attrs.contains_key("wherevals") {
                    fo.attrs.insert("wherevals".into(), o.wheres.join("::"));
                }
            } else {
                fo.attrs
                    .entry("grouptype".into())
                    .or_insert_with(|| "static".into());
            }
            if fo.attrs.get("grouptype").map(String::as_str) == Some("static") {
                let mut members: Vec<String> = Vec::new();
                if let Some(m) = fo
                    .attrs
                    .get("members")
                    .cloned()
                    .filter(|m| !m.is_empty() && m != "static")
                {
                    members = nr::expand(conn, cache, &m, false)?;
                    fo.attrs.insert("members".into(), "static".into());
                } else if let Some(sel) = &p.selection {
                    fo.attrs.insert("members".into(), "static".into());
                    let nodes = list::objects_of_type(conn, cache, "node")?;
                    members = groups::matching_nodes(conn, cache, sel, nodes)?;
                } else {
                    out.warning(&[format!(
                        "Cannot determine a member list for group '{}'.",
                        fo.name
                    )])?;
                }
                member_adds.push((fo.name.clone(), members));
            }
        }
        if o.setattr && t == "osimage" {
            out.error1("The '-u' option (osimage attributes from the distribution files) is not supported by this xcatd.")?;
            error = true;
            continue;
        }
        keep.push(fo);
    }
    let reqs: Vec<WriteReq> = keep.iter().map(FinalObj::write_req).collect();
    let res = write::set_objects(conn, cache, &reqs, Mode::Set, false)?;
    for m in &res.errors {
        out.error1(m)?;
    }
    if !res.warnings.is_empty() {
        out.warning(&res.warnings)?;
    }
    // Static group members (nodes created by this command count as existing).
    if !member_adds.is_empty() {
        let nodes = list::objects_of_type(conn, cache, "node")?;
        for (g, members) in member_adds {
            let mut ok = Vec::new();
            for m in members {
                if nodes.contains(&m) {
                    ok.push(m);
                } else {
                    out.error1(format!(
                        "Could not find a node named '{m}', skipping to the next node."
                    ))?;
                }
            }
            add_group_to_nodes(conn, cache, &g, &ok, Mode::Plus, false, out)?;
        }
    }
    if error || !res.failed.is_empty() || out.failed {
        out.errors_occurred(requested)?;
        return Ok(1);
    }
    let n = res.updated.len();
    if o.verbose {
        if n > 0 {
            let mut l = vec!["The database was updated for the following objects:".to_string()];
            l.extend(res.updated.iter().cloned());
            out.info(&l)?;
        } else {
            out.error1("The database was not updated.")?;
        }
    }
    let msg = format!("{n} object definitions have been created or modified.");
    if n > 0 {
        out.info_count(&msg, keep.len())?;
        Ok(0)
    } else {
        out.resp.send(
            xcat_proto::Response::new()
                .error(msg)
                .set("numofnodes", keep.len().to_string()),
        )?;
        out.failed = true;
        Ok(0)
    }
}

/// Network objects need net and mask, and no other network with both.
fn network_ok(
    conn: &mut Conn,
    cache: &mut Cache,
    fo: &FinalObj,
    existing: Option<&BTreeSet<String>>,
    out: &mut Out,
) -> Result<bool, HandlerError> {
    if existing.is_some_and(|e| e.contains(&fo.name)) {
        out.error1(format!(
            "A network definition called '{}' already exists. Cannot create a definition for '{}'.",
            fo.name, fo.name
        ))?;
        return Ok(false);
    }
    let (Some(net), Some(mask)) = (
        fo.attrs.get("net").filter(|v| !v.is_empty()),
        fo.attrs.get("mask").filter(|v| !v.is_empty()),
    ) else {
        out.error1(format!(
            "Net or mask value should not be empty for xCAT network object '{}'.",
            fo.name
        ))?;
        return Ok(false);
    };
    if let Some(e) = existing {
        let mut r = super::read::Reader::new(conn, cache);
        for other in e {
            let ob = r.read_one("network", other, &Default::default())?;
            if ob.attrs.get("net") == Some(net) && ob.attrs.get("mask") == Some(mask) {
                out.error1(format!(
                    "A network definition called '{other}' already exists that contains the same net and mask values. Cannot create a definition for '{}'.",
                    fo.name
                ))?;
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Add (`Plus`) or remove (`Minus`) group `g` in the `groups` of `nodes`.
pub(super) fn add_group_to_nodes(
    conn: &mut Conn,
    cache: &mut Cache,
    g: &str,
    nodes: &[String],
    mode: Mode,
    member_msgs: bool,
    out: &mut Out,
) -> Result<bool, HandlerError> {
    if nodes.is_empty() {
        return Ok(true);
    }
    let reqs: Vec<WriteReq> = nodes
        .iter()
        .map(|n| WriteReq {
            name: n.clone(),
            type_name: "node".into(),
            attrs: [("groups".to_string(), g.to_string())]
                .into_iter()
                .collect(),
        })
        .collect();
    let res = write::set_objects(conn, cache, &reqs, mode, member_msgs)?;
    for m in &res.errors {
        out.error1(m)?;
    }
    Ok(res.failed.is_empty())
}
