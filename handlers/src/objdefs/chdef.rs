//! `chdef`: change (or create) object definitions: `attr=val`, `-p`/`-m`
//! list edits, `-z` stanzas, `-n` rename, static/dynamic group membership.
//! Atomic per object: a rejected object is not written, the valid ones are
//! (one transaction), the exit status is non-zero.

use super::args::{Cmd, Plan};
use super::cache::Cache;
use super::final_attrs::{self, FinalObj};
use super::mkdef::{add_group_to_nodes, no_wherevals};
use super::options::Opts;
use super::out::Out;
use super::read::{ReadOpts, Reader};
use super::write::{self, Mode, WriteReq};
use super::{groups, list, names, nr, remove};
use crate::api::{Ctx, HandlerError, Responder};
use std::collections::{BTreeMap, BTreeSet};
use xcat_proto::{Request, Response};
use xcat_schema::db::Conn;

pub fn run(ctx: &Ctx, req: &Request, resp: &mut dyn Responder) -> Result<(), HandlerError> {
    super::run_planned(Cmd::Chdef, ctx, req, resp, change)
}

fn usage_fail(out: &mut Out, lines: &[&str]) -> Result<u8, HandlerError> {
    super::usage_fail(Cmd::Chdef, out, lines)
}

fn rename(
    conn: &mut Conn,
    cache: &mut Cache,
    p: &Plan,
    new: &str,
    out: &mut Out,
) -> Result<u8, HandlerError> {
    let o = &p.opts;
    if o.dynamic || o.plus || o.minus || o.stanza || !o.wheres.is_empty() {
        return usage_fail(
            out,
            &["Cannot combine '-n' and '-d','-p','-m','-z','-w' options."],
        );
    }
    if p.names.len() > 1 {
        return usage_fail(
            out,
            &["The '-n' option (changing object name) can only work on one object."],
        );
    }
    let t = p.types.first().cloned().unwrap_or_else(|| "node".into());
    let Some(old) = p.names.first() else {
        return usage_fail(out, &["No object names were provided."]);
    };
    let valid = list::objects_of_type(conn, cache, &t)?;
    if !valid.contains(old) {
        out.error1(format!("The {old} is not a valid object."))?;
        return Ok(1);
    }
    if valid.contains(new) {
        out.error1(format!("Object {new} already exists."))?;
        return Ok(1);
    }
    remove::rename_object(conn, cache, &t, old, new)?;
    if t == "group" {
        // Members follow the renamed group (stock leaves nodelist.groups unchanged).
        let members = groups::static_members(conn, cache, old)?;
        add_group_to_nodes(conn, cache, new, &members, Mode::Plus, false, out)?;
        add_group_to_nodes(conn, cache, old, &members, Mode::Minus, false, out)?;
    }
    out.on_commit(Response::new().info(format!("Changed the object name from {old} to {new}.")));
    Ok(0)
}

fn change(conn: &mut Conn, cache: &mut Cache, p: &Plan, out: &mut Out) -> Result<u8, HandlerError> {
    if let Some(new) = &p.opts.newname {
        return rename(conn, cache, p, new, out);
    }
    if let Some(rc) = check_options(p, out)? {
        return Ok(rc);
    }
    let (cli, mut error) = final_attrs::cli_attrs(p, out)?;
    let f = final_attrs::finals(conn, cache, Cmd::Chdef, p, cli, out)?;
    error |= f.error;
    let finals = f.objs;
    let existing = list::objects_by_type(conn, cache, finals.iter().map(|f| f.objtype()))?;
    let requested = finals.len();
    let mut acc = Accepted::default();
    for fo in finals {
        error |= !accept(conn, cache, p, &existing, fo, &mut acc, out)?;
    }
    report_bad_names(&acc, out)?;
    let mode = if p.opts.plus {
        Mode::Plus
    } else if p.opts.minus {
        Mode::Minus
    } else {
        Mode::Set
    };
    let reqs: Vec<WriteReq> = acc.keep.iter().map(FinalObj::write_req).collect();
    let res = write::set_objects(conn, cache, &reqs, mode, false)?;
    for m in &res.errors {
        out.error1(m)?;
    }
    if !res.warnings.is_empty() {
        out.warning(&res.warnings)?;
    }
    if error || !res.failed.is_empty() || out.failed {
        out.errors_occurred(requested)?;
        return Ok(1);
    }
    report_success(p, &res, &acc, out);
    Ok(0)
}

/// The option mixes chdef refuses; `Some(rc)` when the command must stop.
fn check_options(p: &Plan, out: &mut Out) -> Result<Option<u8>, HandlerError> {
    let o = &p.opts;
    if o.force {
        return usage_fail(
            out,
            &["The '-f' option is not valid for the chdef command."],
        )
        .map(Some);
    }
    if let Some(rc) = super::check_option_mix(Cmd::Chdef, p, out)? {
        return Ok(Some(rc));
    }
    if o.types.as_deref() == Some("osimage") && o.setattr && (o.plus || o.minus) {
        out.error1("Cannot use '-u' with '-p' or '-m'.")?;
        return Ok(Some(1));
    }
    if p.names.is_empty() && p.file.objects.is_empty() {
        return usage_fail(out, &["No object names were provided."]).map(Some);
    }
    Ok(None)
}

/// The objects that passed the checks, and the names that did not.
#[derive(Default)]
struct Accepted {
    keep: Vec<FinalObj>,
    new_objects: BTreeSet<String>,
    dotted: Vec<String>,
    invalid: Vec<String>,
}

/// Check one object; accepted ones go into `acc`.  Returns false when it
/// was rejected with an error (invalid names are reported together later).
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
        out.error(&[
            format!("No type was provided for object '{}'.", fo.name),
            "Skipping to the next object.".into(),
        ])?;
        return Ok(false);
    }
    if t == "node" && fo.name.contains('.') && fo.name.parse::<std::net::IpAddr>().is_err() {
        acc.dotted.push(fo.name.clone());
        return Ok(true);
    }
    if !names::valid_object_name(conn, cache, &fo.name, &t)? {
        acc.invalid.push(fo.name.clone());
        return Ok(true);
    }
    let defined = existing.get(&t).is_some_and(|s| s.contains(&fo.name));
    if !o.minus && !super::nfsroot::osimage_ok(&t, &fo.attrs, out)? {
        return Ok(false);
    }
    if t == "network" && !network_ok(conn, cache, &fo, defined, existing.get("network"), out)? {
        return Ok(false);
    }
    if !defined && t == "node" && fo.attrs.get("groups").is_none_or(|g| g.is_empty()) {
        out.error1(format!(
            "Attribute 'groups' is not specified for node '{}', skipping to the next node.",
            fo.name
        ))?;
        return Ok(false);
    }
    if !defined {
        acc.new_objects.insert(fo.name.clone());
    }
    if !defined && o.minus {
        out.error1(format!(
            "The '-m' option is not valid since the '{}' definition does not exist.",
            fo.name
        ))?;
        return Ok(false);
    }
    if t == "group" && !group_change(conn, cache, p, &mut fo, defined, out)? {
        return Ok(false);
    }
    if o.setattr && t == "osimage" {
        out.error1("The '-u' option (osimage attributes from the distribution files) is not supported by this xcatd.")?;
        return Ok(false);
    }
    if !defined && t == "osimage" && !fo.attrs.contains_key("imagetype") {
        fo.attrs.insert("imagetype".into(), "NIM".into());
    }
    acc.keep.push(fo);
    Ok(true)
}

/// Stock reports the rejected names after the loop (and goes on with the others).
fn report_bad_names(acc: &Accepted, out: &mut Out) -> Result<(), HandlerError> {
    if !acc.dotted.is_empty() {
        out.error1(format!(
            "The object name '{}' is invalid, Cannot use '.' in node name.",
            acc.dotted.join(",")
        ))?;
    }
    if !acc.invalid.is_empty() {
        out.error1(format!(
            "The object name '{}' is invalid, please refer to \"man xcatdb\" for the valid \"xCAT Object Name Format\"",
            acc.invalid.join(",")
        ))?;
    }
    Ok(())
}

/// The final report of a command without errors, held until the commit.
fn report_success(p: &Plan, res: &write::WriteResult, acc: &Accepted, out: &mut Out) {
    let n = res.updated.len();
    let kept = acc.keep.len();
    if p.opts.verbose {
        if n > 0 {
            let mut r = Response::new().info("The database was updated for the following objects:");
            for o in &res.updated {
                r = r.info(format!("{o}\n"));
            }
            out.on_commit(r.set("numofnodes", kept.to_string()));
        } else {
            out.info_count_on_commit("No database was updated", kept);
        }
        return;
    }
    if n > 0 {
        out.info_count_on_commit(
            &format!("{n} object definitions have been created or modified."),
            kept,
        );
    } else {
        out.info_count_on_commit("No object definitions have been created or modified.", kept);
    }
    if acc.new_objects.is_empty() {
        return;
    }
    let list: Vec<String> = acc.new_objects.iter().cloned().collect();
    out.on_commit(Response::new().info(format!(
        "New object definitions '{}' have been created.",
        list.join(",")
    )));
    let caps: Vec<String> = list
        .iter()
        .filter(|n| n.chars().any(|c| c.is_ascii_uppercase()))
        .filter(|n| {
            acc.keep
                .iter()
                .any(|k| &k.name == *n && k.objtype() == "node")
        })
        .cloned()
        .collect();
    if !caps.is_empty() {
        out.on_commit(Response::new().warning(format!(
            "The node name '{}' contains capital letters which may not be resolved correctly by the dns server.",
            caps.join(",")
        )));
    }
}

/// Group handling of chdef (grouptype, wherevals, membership edits).
/// Returns false when the group is rejected.
fn group_change(
    conn: &mut Conn,
    cache: &mut Cache,
    p: &Plan,
    fo: &mut FinalObj,
    defined: bool,
    out: &mut Out,
) -> Result<bool, HandlerError> {
    let o = &p.opts;
    let Some(grptype) = group_type(conn, cache, o, fo, defined, out)? else {
        return Ok(false);
    };
    if !fo.attrs.contains_key("wherevals") && !o.wheres.is_empty() {
        fo.attrs.insert("wherevals".into(), o.wheres.join("::"));
    }
    let listed = if grptype.is_empty() || grptype == "static" {
        match listed_members(conn, cache, o, fo, out)? {
            Listed::Rejected => return Ok(false),
            Listed::Members(m) => Some(m),
            Listed::Nothing => None,
        }
    } else {
        None
    };
    let have_members = listed.is_some();
    let ok = known_nodes(conn, cache, listed.unwrap_or_default(), out)?;
    if !defined {
        return new_group_members(conn, cache, o, fo, &ok, out);
    }
    if !have_members || ok.is_empty() {
        return Ok(true);
    }
    let g = &fo.name;
    if o.minus {
        let member_msgs = o.types.as_deref() == Some("group") && grptype != "dynamic";
        return add_group_to_nodes(conn, cache, g, &ok, Mode::Minus, member_msgs, out);
    } else if o.plus {
        add_group_to_nodes(conn, cache, g, &ok, Mode::Plus, false, out)?;
    } else {
        let current = groups::static_members(conn, cache, g)?;
        add_group_to_nodes(conn, cache, g, &current, Mode::Minus, false, out)?;
        add_group_to_nodes(conn, cache, g, &ok, Mode::Plus, false, out)?;
    }
    Ok(true)
}

fn dynamic_with_attributes(fo: &FinalObj, out: &mut Out) -> Result<Option<String>, HandlerError> {
    out.error1(format!(
        "Can not assign attributes to dynamic node group '{}'.",
        fo.name
    ))?;
    Ok(None)
}

/// The group's type: the stored one for a defined group, else the one
/// given (`grouptype=`, `-d`); `None` when attributes go to a dynamic group.
fn group_type(
    conn: &mut Conn,
    cache: &mut Cache,
    o: &Opts,
    fo: &FinalObj,
    defined: bool,
    out: &mut Out,
) -> Result<Option<String>, HandlerError> {
    if o.dynamic && fo.attrs.len() > 1 && fo.attrs.keys().any(|k| k != "objtype") {
        return dynamic_with_attributes(fo, out);
    }
    if !defined {
        return Ok(Some(match fo.attrs.get("grouptype") {
            Some(g) => g.clone(),
            None if o.dynamic => "dynamic".into(),
            None => "static".into(),
        }));
    }
    let mut r = Reader::new(conn, cache);
    let wanted: BTreeSet<String> = ["grouptype".to_string()].into_iter().collect();
    let read = ReadOpts {
        wanted: Some(wanted),
        ..Default::default()
    };
    let cur = r.read_one("group", &fo.name, &read)?;
    let gt = cur.attrs.get("grouptype").cloned().unwrap_or_default();
    if gt == "dynamic" && fo.attrs.len() > 1 {
        return dynamic_with_attributes(fo, out);
    }
    Ok(Some(gt))
}

/// What a chdef of a static group names as its members.
enum Listed {
    Nothing,
    Members(Vec<String>),
    Rejected,
}

/// The members of a static group named by `members=` or by the `-w`
/// selection (`members` becomes `static` either way).
fn listed_members(
    conn: &mut Conn,
    cache: &mut Cache,
    o: &Opts,
    fo: &mut FinalObj,
    out: &mut Out,
) -> Result<Listed, HandlerError> {
    if !o.wheres.is_empty() && fo.attrs.contains_key("members") {
        out.error1("Cannot use a list of members together with the '-w' option.")?;
        return Ok(Listed::Rejected);
    }
    let named = fo.attrs.get("members").cloned();
    if let Some(m) = named.filter(|m| !m.is_empty() && m != "static") {
        let members = nr::expand(conn, cache, &m, false)?;
        fo.attrs.insert("members".into(), "static".into());
        return Ok(Listed::Members(members));
    }
    let Some(w) = fo.attrs.get("wherevals").cloned() else {
        return Ok(Listed::Nothing);
    };
    fo.attrs.insert("members".into(), "static".into());
    if !groups::wherevals_valid(&w) {
        out.error1("Incorrect selection string")?;
        return Ok(Listed::Rejected);
    }
    Ok(Listed::Members(groups::dynamic_members(conn, cache, &w)?))
}

/// The members that are defined nodes; an error line for each other one.
fn known_nodes(
    conn: &mut Conn,
    cache: &mut Cache,
    members: Vec<String>,
    out: &mut Out,
) -> Result<Vec<String>, HandlerError> {
    let nodes = list::objects_of_type(conn, cache, "node")?;
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
    Ok(ok)
}

/// A new group: its type (`-d` needs `-w`), and a static group added to
/// its members' `groups`.
fn new_group_members(
    conn: &mut Conn,
    cache: &mut Cache,
    o: &Opts,
    fo: &mut FinalObj,
    ok: &[String],
    out: &mut Out,
) -> Result<bool, HandlerError> {
    if !fo.attrs.contains_key("grouptype") {
        if o.dynamic {
            fo.attrs.insert("grouptype".into(), "dynamic".into());
            fo.attrs.insert("members".into(), "dynamic".into());
            if !fo.attrs.contains_key("wherevals") {
                no_wherevals(out, &fo.name)?;
                return Ok(false);
            }
        } else {
            fo.attrs.insert("grouptype".into(), "static".into());
        }
    }
    if fo.attrs.get("grouptype").map(String::as_str) == Some("static") {
        add_group_to_nodes(conn, cache, &fo.name, ok, Mode::Plus, false, out)?;
    }
    Ok(true)
}

/// chdef network checks (new networks need net and mask; no duplicate net/mask).
fn network_ok(
    conn: &mut Conn,
    cache: &mut Cache,
    fo: &FinalObj,
    defined: bool,
    existing: Option<&BTreeSet<String>>,
    out: &mut Out,
) -> Result<bool, HandlerError> {
    let net = fo.attrs.get("net").filter(|v| !v.is_empty());
    let mask = fo.attrs.get("mask").filter(|v| !v.is_empty());
    if !defined && (net.is_none() || mask.is_none()) {
        out.error1(format!(
            "Net or mask value should not be empty for xCAT network object '{}'.",
            fo.name
        ))?;
        return Ok(false);
    }
    let Some(e) = existing else { return Ok(true) };
    let mut r = Reader::new(conn, cache);
    for other in e {
        let ob = r.read_one("network", other, &Default::default())?;
        if defined {
            if other == &fo.name {
                if !ob.attrs.contains_key("net") && net.is_none() {
                    out.error1(format!(
                        "Attribute 'net' is not specified for network entry '{}', skipping.",
                        fo.name
                    ))?;
                    return Ok(false);
                }
                if !ob.attrs.contains_key("mask") && mask.is_none() {
                    out.error1(format!(
                        "Attribute 'mask' is not specified for network entry '{}', skipping.",
                        fo.name
                    ))?;
                    return Ok(false);
                }
            }
        } else if ob.attrs.get("net") == net && ob.attrs.get("mask") == mask {
            out.error1(format!(
                "A network definition called '{other}' already exists that contains the same net and mask values. Cannot create a definition for '{}'.",
                fo.name
            ))?;
            return Ok(false);
        }
    }
    Ok(true)
}
