//! `mkdef`: create object definitions from `attr=val` pairs or a stanza on
//! stdin (`-z`), with `-f` replace, static (`members=`, `-w`) and dynamic
//! (`-d -w`) groups, node-name validation and `only_if` checks.  Atomic per
//! object: a rejected object is not written, the valid ones are (one
//! transaction), the exit status is non-zero; invalid names reject all.

use super::args::{Cmd, Plan};
use super::cache::Cache;
use super::final_attrs::{self, FinalObj};
use super::out::Out;
use super::write::{self, Mode, WriteReq};
use super::{groups, list, names, nr, remove};
use crate::api::{Ctx, HandlerError, Responder};
use std::collections::{BTreeMap, BTreeSet};
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
    if let Some(rc) = check_options(p, out)? {
        return Ok(rc);
    }
    let all = requested_names(p);
    if all.is_empty() {
        return usage_fail(out, &["No object names were provided."]);
    }
    // Invalid object names reject the whole input (stock returns early).
    if !check_names(conn, cache, p, &all, out)? {
        return Ok(1);
    }
    let Some((finals, mut error)) = final_objects(conn, cache, p, out)? else {
        return Ok(1);
    };
    let requested = finals.len();
    let mut acc = Accepted::default();
    let existing = list::objects_by_type(conn, cache, finals.iter().map(|f| f.objtype()))?;
    for fo in finals {
        error |= !accept(conn, cache, p, &existing, fo, &mut acc, out)?;
    }
    let res = write_accepted(conn, cache, &acc, out)?;
    add_static_members(conn, cache, &acc.member_adds, &res.failed, out)?;
    if error || !res.failed.is_empty() || out.failed {
        out.errors_occurred(requested)?;
        return Ok(1);
    }
    report_success(p, &res, acc.keep.len(), out)
}

/// `-p`/`-m` and the option mixes mkdef refuses.
fn check_options(p: &Plan, out: &mut Out) -> Result<Option<u8>, HandlerError> {
    if p.opts.plus || p.opts.minus {
        return usage_fail(
            out,
            &["The '-p' and '-m' options are not valid for the mkdef command."],
        )
        .map(Some);
    }
    super::check_option_mix(Cmd::Mkdef, p, out)
}

/// (name, type) of every object named on the command line or in the stanza.
fn requested_names(p: &Plan) -> Vec<(String, String)> {
    let t0 = p.opts.types.clone().unwrap_or_default();
    let mut all: Vec<(String, String)> = p.names.iter().map(|n| (n.clone(), t0.clone())).collect();
    for so in &p.file.objects {
        let t = if t0.is_empty() {
            so.attrs.get("objtype").cloned().unwrap_or_default()
        } else {
            t0.clone()
        };
        all.push((so.name.clone(), t));
    }
    all
}

/// The objects with their final attributes and whether an error was
/// reported; `None` when the command must stop with exit 1.
fn final_objects(
    conn: &mut Conn,
    cache: &mut Cache,
    p: &Plan,
    out: &mut Out,
) -> Result<Option<(Vec<FinalObj>, bool)>, HandlerError> {
    let (cli, command_level_error) = final_attrs::cli_attrs(p, out)?;
    let f = final_attrs::finals(conn, cache, Cmd::Mkdef, p, cli, out)?;
    let error = command_level_error || f.error;
    if error {
        return Ok(None);
    }
    if f.objs.is_empty() {
        let t0 = p.opts.types.as_deref().unwrap_or_default();
        let is_node = t0.split(',').any(|t| t == "node");
        out.error1(if is_node {
            "No object definitions have been created or modified: no attributes were specified. The 'groups' attribute is required when creating node definitions."
        } else {
            "No object definitions have been created or modified: no attributes were specified."
        })?;
        return Ok(None);
    }
    Ok(Some((f.objs, error)))
}

/// The objects that passed the checks, ready to be written.
#[derive(Default)]
struct Accepted {
    keep: Vec<FinalObj>,
    /// Existing definitions replaced by `-f`: (type, name).
    replace: Vec<(String, String)>,
    /// Static groups and the nodes to add them to.
    member_adds: Vec<(String, Vec<String>)>,
}

/// Check one object; accepted ones go into `acc`.  Returns false when the
/// object was rejected with an error (nothing of it is written).
fn accept(
    conn: &mut Conn,
    cache: &mut Cache,
    p: &Plan,
    existing: &BTreeMap<String, BTreeSet<String>>,
    mut fo: FinalObj,
    acc: &mut Accepted,
    out: &mut Out,
) -> Result<bool, HandlerError> {
    let o = &p.opts;
    let t = fo.objtype().to_string();
    if t.is_empty() {
        out.info(&[
            format!("No type was provided for object '{}'.", fo.name),
            "Skipping to the next object.".into(),
        ])?;
        return Ok(false);
    }
    if t == "network" && !network_ok(conn, cache, &fo, existing.get("network"), out)? {
        return Ok(false);
    }
    let exists = existing.get(&t).is_some_and(|s| s.contains(&fo.name));
    if exists && !o.force {
        out.warning(&[format!(
            "A definition for '{}' already exists. No changes will be made.  Run again with '-f' option to force replace.",
            fo.name
        )])?;
        return Ok(true);
    }
    if t == "node" && fo.attrs.get("groups").is_none_or(|g| g.is_empty()) {
        out.error1(format!(
            "Attribute 'groups' is not specified for node '{}', skipping to the next node.",
            fo.name
        ))?;
        return Ok(false);
    }
    if !super::nfsroot::osimage_ok(&t, &fo.attrs, out)? {
        return Ok(false);
    }
    if t == "group" {
        let Some(members) = group_members(conn, cache, p, &mut fo, out)? else {
            return Ok(false);
        };
        if let Some(m) = members {
            acc.member_adds.push((fo.name.clone(), m));
        }
    }
    if o.setattr && t == "osimage" {
        out.error1("The '-u' option (osimage attributes from the distribution files) is not supported by this xcatd.")?;
        return Ok(false);
    }
    // only_if conditions are checked by the write (stock checks them
    // twice, with the same messages).
    if exists {
        acc.replace.push((t, fo.name.clone()));
    }
    acc.keep.push(fo);
    Ok(true)
}

/// mkdef of a group: the dynamic / static checks, `grouptype`, `members`
/// and `wherevals`.  `None` when the group is rejected; else the members a
/// static group adds itself to (`Some(None)` for a dynamic group).
fn group_members(
    conn: &mut Conn,
    cache: &mut Cache,
    p: &Plan,
    fo: &mut FinalObj,
    out: &mut Out,
) -> Result<Option<Option<Vec<String>>>, HandlerError> {
    let o = &p.opts;
    let dynamic = match fo.attrs.get("grouptype").map(String::as_str) {
        None | Some("") if o.dynamic => {
            if fo.attrs.len() > 1 {
                out.error1(format!(
                    "Can not assign attributes to dynamic node group '{}'.",
                    fo.name
                ))?;
                return Ok(None);
            }
            true
        }
        Some("dynamic") => true,
        _ => false,
    };
    if dynamic && !fo.attrs.contains_key("wherevals") && o.wheres.is_empty() {
        no_wherevals(out, &fo.name)?;
        return Ok(None);
    }
    if !dynamic && !o.wheres.is_empty() && fo.attrs.contains_key("members") {
        out.error1("Cannot use a list of members together with the '-w' option.")?;
        return Ok(None);
    }
    if dynamic {
        fo.attrs.insert("grouptype".into(), "dynamic".into());
        fo.attrs.insert("members".into(), "dynamic".into());
        if !fo.attrs.contains_key("wherevals") {
            fo.attrs.insert("wherevals".into(), o.wheres.join("::"));
        }
        return Ok(Some(None));
    }
    fo.attrs
        .entry("grouptype".into())
        .or_insert_with(|| "static".into());
    if fo.attrs.get("grouptype").map(String::as_str) != Some("static") {
        return Ok(Some(None));
    }
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
    Ok(Some(Some(members)))
}

/// Savepoint of the `-f` replacement (undone when a replacement fails).
const REPLACE_SAVEPOINT: &str = "mkdef_replace";

/// Write the accepted objects, each whole or not at all.  A definition
/// replaced with `-f` whose new definition is rejected keeps its old one
/// (xCAT-test `mkdef_f_only_if_failure_preserves_old_bmc`): the removal and
/// the write are redone without the rejected objects.
fn write_accepted(
    conn: &mut Conn,
    cache: &mut Cache,
    acc: &Accepted,
    out: &mut Out,
) -> Result<write::WriteResult, HandlerError> {
    let reqs: Vec<WriteReq> = acc.keep.iter().map(FinalObj::write_req).collect();
    let mut res = if acc.replace.is_empty() {
        write::set_objects(conn, cache, &reqs, Mode::Set, false)?
    } else {
        conn.savepoint(REPLACE_SAVEPOINT)?;
        remove_replaced(conn, cache, &acc.replace, &BTreeSet::new())?;
        let first = write::set_objects(conn, cache, &reqs, Mode::Set, false)?;
        if acc.replace.iter().any(|(_, n)| first.failed.contains(n)) {
            conn.rollback_to_savepoint(REPLACE_SAVEPOINT)?;
            cache.forget_all();
            remove_replaced(conn, cache, &acc.replace, &first.failed)?;
            let valid: Vec<WriteReq> = reqs
                .into_iter()
                .filter(|r| !first.failed.contains(&r.name))
                .collect();
            let second = write::set_objects(conn, cache, &valid, Mode::Set, false)?;
            write::WriteResult {
                updated: second.updated,
                failed: first.failed.union(&second.failed).cloned().collect(),
                errors: first.errors,
                warnings: second.warnings,
            }
        } else {
            first
        }
    };
    if !acc.replace.is_empty() {
        conn.release_savepoint(REPLACE_SAVEPOINT)?;
    }
    for m in &res.errors {
        out.error1(m)?;
    }
    if !res.warnings.is_empty() {
        out.warning(&std::mem::take(&mut res.warnings))?;
    }
    Ok(res)
}

/// Remove the definitions replaced by `-f`, except the `kept` ones.
fn remove_replaced(
    conn: &mut Conn,
    cache: &mut Cache,
    replace: &[(String, String)],
    kept: &BTreeSet<String>,
) -> Result<(), HandlerError> {
    for (t, name) in replace.iter().filter(|(_, n)| !kept.contains(n)) {
        remove::remove_objects(conn, cache, t, std::slice::from_ref(name))?;
    }
    Ok(())
}

/// Add each written static group to its member nodes (nodes created by
/// this command count as existing); a rejected group changes no node.
fn add_static_members(
    conn: &mut Conn,
    cache: &mut Cache,
    member_adds: &[(String, Vec<String>)],
    failed: &BTreeSet<String>,
    out: &mut Out,
) -> Result<(), HandlerError> {
    let adds: Vec<&(String, Vec<String>)> = member_adds
        .iter()
        .filter(|(g, _)| !failed.contains(g))
        .collect();
    if adds.is_empty() {
        return Ok(());
    }
    let nodes = list::objects_of_type(conn, cache, "node")?;
    for (g, members) in adds {
        let mut ok = Vec::new();
        for m in members {
            if nodes.contains(m) {
                ok.push(m.clone());
            } else {
                out.error1(format!(
                    "Could not find a node named '{m}', skipping to the next node."
                ))?;
            }
        }
        add_group_to_nodes(conn, cache, g, &ok, Mode::Plus, false, out)?;
    }
    Ok(())
}

/// The final report of a command without errors (held until the commit).
fn report_success(
    p: &Plan,
    res: &write::WriteResult,
    kept: usize,
    out: &mut Out,
) -> Result<u8, HandlerError> {
    let n = res.updated.len();
    if p.opts.verbose {
        if n > 0 {
            let mut r = xcat_proto::Response::new()
                .info("The database was updated for the following objects:");
            for u in &res.updated {
                r = r.info(u.as_str());
            }
            out.on_commit(r);
        } else {
            out.error1("The database was not updated.")?;
        }
    }
    let msg = format!("{n} object definitions have been created or modified.");
    if n > 0 {
        out.info_count_on_commit(&msg, kept);
    } else {
        out.resp.send(
            xcat_proto::Response::new()
                .error(msg)
                .set("numofnodes", kept.to_string()),
        )?;
        out.failed = true;
    }
    Ok(0)
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

/// A dynamic group defined without a selection (`-w` or `wherevals=`).
pub(super) fn no_wherevals(out: &mut Out, group: &str) -> Result<(), HandlerError> {
    out.error(&[
        format!("The 'where' attributes and values were not provided for dynamic group '{group}'."),
        "Skipping to the next group.".into(),
    ])?;
    Ok(())
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
