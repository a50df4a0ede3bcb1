//! `rmdef`: remove object definitions (by -t/-o, noderange, or `-a -f`),
//! strip removed static groups from their members, `-C` cleanup through
//! internal `nodeset offline` / `makeconservercf -d`.  An unknown object
//! makes the command fail and remove nothing.

use super::args::{self, Cmd, Early, Plan};
use super::cache::Cache;
use super::mkdef::add_group_to_nodes;
use super::out::Out;
use super::read::{ReadOpts, Reader};
use super::write::Mode;
use super::{groups, list, remove, usage};
use crate::api::{Ctx, HandlerError, Responder};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use xcat_proto::Request;
use xcat_schema::db::Conn;

/// Objects above this count get the "This might take some time" notice.
const CLEANUP_NOTICE: usize = 100;

pub fn run(ctx: &Ctx, req: &Request, resp: &mut dyn Responder) -> Result<(), HandlerError> {
    let mut out = Out::new(resp);
    let version = ctx.server.version_line.clone();
    // Phase 1 (read): arguments and which objects exist.
    type Planned = (Plan, Vec<(String, String)>, usize);
    let mut planned: Option<Planned> = None;
    let rc = super::in_read(ctx, req, &mut out, |conn, cache, out| {
        let args = req.args();
        let plan = match args::plan(Cmd::Rmdef, &args, req.stdin(), &version, conn, cache, out)? {
            Ok(p) => p,
            Err(Early::Done) => return Ok(0),
            Err(Early::Usage) => {
                usage::usage(Cmd::Rmdef, out)?;
                return Ok(0);
            }
            Err(Early::Fail) => return Ok(1),
        };
        if plan.opts.all && !plan.opts.force {
            out.error1("You must use the '-f' option when using the '-a' option.")?;
            usage::usage(Cmd::Rmdef, out)?;
            return Ok(1);
        }
        let (objs, total) = existing_objects(conn, cache, &plan, out)?;
        planned = Some((plan, objs, total));
        Ok(0)
    })?;
    let Some((plan, objs, total)) = planned else {
        return super::finish(&mut out, rc);
    };
    if out.failed {
        out.info_count(
            "No objects have been removed from the xCAT database.",
            total,
        )?;
        return super::finish(&mut out, 1);
    }
    // Phase 2: cleanup of node configuration (outside the transaction).
    if plan.opts.cleanup {
        let nodes: Vec<String> = objs
            .iter()
            .filter(|(_, t)| t == "node")
            .map(|(n, _)| n.clone())
            .collect();
        if !nodes.is_empty() {
            if nodes.len() > CLEANUP_NOTICE {
                out.info(&["Performing configuration cleanup. This might take a some time."])?;
            }
            for (cmd, arg) in [("nodeset", "offline"), ("makeconservercf", "-d")] {
                let mut r = Request::new(cmd);
                r.set_nodes(&nodes);
                r.set_args(&[arg]);
                let _ = ctx.runner.xcat(r, Duration::from_secs(600));
            }
        }
    }
    // Phase 3 (write): remove.
    let rc = super::in_write_tx(
        ctx,
        req,
        &mut out,
        super::Commit::AllOrNothing,
        |conn, cache, out| remove_all(conn, cache, &plan, &objs, total, out),
    )?;
    super::finish(&mut out, rc)
}

/// The (name, type) pairs to remove, reporting the ones that do not exist.
fn existing_objects(
    conn: &mut Conn,
    cache: &mut Cache,
    p: &Plan,
    out: &mut Out,
) -> Result<(Vec<(String, String)>, usize), HandlerError> {
    let mut wanted: BTreeSet<(String, String)> = BTreeSet::new();
    if p.from_opto || p.from_nr || p.from_args {
        let t = p.types.first().cloned().unwrap_or_else(|| "node".into());
        wanted.extend(p.names.iter().map(|n| (n.clone(), t.clone())));
    }
    if p.from_optt || p.from_opta {
        wanted.extend(p.typed.iter().cloned());
    }
    let total = wanted.len();
    let lists = list::objects_by_type(conn, cache, wanted.iter().map(|(_, t)| t.as_str()))?;
    let mut keep = Vec::new();
    for (n, t) in wanted {
        if lists.get(&t).is_some_and(|l| l.contains(&n)) {
            keep.push((n, t));
        } else {
            out.error1(format!(
                "Could not find an object named '{n}' of type '{t}'."
            ))?;
        }
    }
    Ok((keep, total))
}

fn remove_all(
    conn: &mut Conn,
    cache: &mut Cache,
    p: &Plan,
    objs: &[(String, String)],
    total: usize,
    out: &mut Out,
) -> Result<u8, HandlerError> {
    // Static groups: strip the group from its members first.
    for (g, t) in objs.iter().filter(|(_, t)| t == "group") {
        let _ = t;
        let gt = {
            let mut r = Reader::new(conn, cache);
            let w: BTreeSet<String> = ["grouptype".to_string()].into_iter().collect();
            r.read_one(
                "group",
                g,
                &ReadOpts {
                    wanted: Some(w),
                    ..Default::default()
                },
            )?
            .attrs
            .get("grouptype")
            .cloned()
        };
        if gt.as_deref() == Some("dynamic") {
            continue;
        }
        let members = groups::static_members(conn, cache, g)?;
        add_group_to_nodes(conn, cache, g, &members, Mode::Minus, false, out)?;
    }
    let mut by_type: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (n, t) in objs {
        by_type.entry(t.as_str()).or_default().push(n.clone());
    }
    for (t, names) in &by_type {
        remove::remove_objects(conn, cache, t, names)?;
    }
    if out.failed {
        out.error1(
            "One or more errors occured when attempting to remove xCAT object definitions.",
        )?;
        return Ok(1);
    }
    if objs.is_empty() {
        out.info_count_on_commit(
            "No objects have been removed from the xCAT database.",
            total,
        );
    } else if p.opts.verbose {
        let mut r = xcat_proto::Response::new().info("The following objects were removed:");
        let mut names: Vec<&String> = objs.iter().map(|(n, _)| n).collect();
        names.sort();
        for n in names {
            r = r.info(n.as_str());
        }
        out.on_commit(r.set("numofnodes", total.to_string()));
    } else {
        out.info_count_on_commit(
            &format!("{} object definitions have been removed.", objs.len()),
            total,
        );
    }
    Ok(0)
}
