//! Reads everything one snmove run needs, in one read transaction: site
//! keys, the selected nodes' attributes (inherited), the hosts table for name
//! resolution, networks, statelite, nimimage and postscripts.

use super::attrs::Table;
use super::model::{NodeDef, Postscripts, Site, StateliteRow, World};
use super::options::Options;
use super::resolve::{HostEntry, Names, SystemResolver};
use super::select;
use super::subnet::Network;
use std::collections::{HashMap, HashSet};
use xcat_schema::db::{Conn, DbError, Row};
use xcat_schema::inherit::InheritCtx;
use xcat_schema::noderange::ExpandOpts;

pub enum Loaded {
    /// Names in the noderange that are not nodes.
    InvalidNodes(Vec<String>),
    /// A noderange that cannot be expanded (syntax, size, `^file`).
    BadRange(String),
    World(Box<World>),
}

fn text(r: &Row, i: usize) -> Option<String> {
    r.get(i)
        .cloned()
        .flatten()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn site(conn: &mut Conn) -> Result<Site, DbError> {
    let rows = conn.select("site", &["key", "value"], &[], true)?;
    let get = |k: &str| {
        rows.iter()
            .find(|r| text(r, 0).as_deref() == Some(k))
            .and_then(|r| text(r, 1))
    };
    Ok(Site {
        nimprime: get("nimprime"),
        master: get("master"),
        sharedinstall: get("sharedinstall").unwrap_or_else(|| "no".to_string()),
    })
}

/// Load the world for `opts` (`range_opts`: how the request's noderange
/// expands).
pub fn load(
    conn: &mut Conn,
    opts: &Options,
    range_opts: &ExpandOpts,
    system: Box<dyn SystemResolver>,
) -> Result<Loaded, DbError> {
    let site = site(conn)?;
    let ctx = InheritCtx::load(conn)?;
    let mut noderes = Table::load(
        conn,
        &ctx,
        "noderes",
        &[
            "servicenode",
            "xcatmaster",
            "tftpserver",
            "nfsserver",
            "monserver",
        ],
    )?;

    let (selected, resolved): (Vec<String>, HashMap<String, Vec<Option<String>>>) = match opts
        .positional
        .first()
    {
        Some(range) => match select::expand(conn, range, range_opts)? {
            Err(message) => return Ok(Loaded::BadRange(message)),
            Ok((_, missing)) if !missing.is_empty() => return Ok(Loaded::InvalidNodes(missing)),
            Ok((nodes, _)) => (nodes, HashMap::new()),
        },
        None => {
            let picked =
                select::by_primary_sn(&ctx, &mut noderes, opts.source.as_deref().unwrap_or(""));
            let names = picked.iter().map(|(n, _)| n.clone()).collect();
            (names, picked.into_iter().collect())
        }
    };
    let nodes = node_defs(conn, &ctx, &selected, resolved, &mut noderes)?;

    let names = hosts(conn, &ctx, system)?;
    let networks = networks(conn)?;
    let any_aix = nodes.iter().any(NodeDef::is_aix);
    let statelite = if any_aix {
        statelite(conn, &selected)?
    } else {
        Vec::new()
    };
    let nimtype = if any_aix {
        nimtypes(conn, &nodes)?
    } else {
        HashMap::new()
    };
    // Only needed to run postscripts on the nodes.
    let postscripts = if opts.ignore_nodes {
        Postscripts::default()
    } else {
        postscripts(conn, &ctx, &selected)?
    };
    let sns = any_aix && site.sharedinstall == "sns";
    let images = if sns {
        images(conn, &nodes)?
    } else {
        HashMap::new()
    };
    let nimprime = site
        .nimprime
        .clone()
        .or_else(|| site.master.clone())
        .filter(|_| sns)
        .map(|v| nimprime_name(&v, &names));
    Ok(Loaded::World(Box::new(World {
        site,
        nodes,
        names,
        networks,
        statelite,
        nimtype,
        postscripts,
        nimprime,
        images,
    })))
}

/// The selected nodes' attributes in selection order; `resolved` holds the
/// noderes values already read while selecting by service node.
fn node_defs(
    conn: &mut Conn,
    ctx: &InheritCtx,
    selected: &[String],
    mut resolved: HashMap<String, Vec<Option<String>>>,
    noderes: &mut Table,
) -> Result<Vec<NodeDef>, DbError> {
    let mut nodehm = Table::load(conn, ctx, "nodehm", &["conserver"])?;
    let mut nodetype = Table::load(conn, ctx, "nodetype", &["os", "provmethod"])?;
    let mut nodes = Vec::with_capacity(selected.len());
    for n in selected {
        let mut r = resolved
            .remove(n)
            .unwrap_or_else(|| noderes.values(n))
            .into_iter();
        let mut t = nodetype.values(n).into_iter();
        let next = |it: &mut std::vec::IntoIter<Option<String>>| it.next().flatten();
        nodes.push(NodeDef {
            name: n.clone(),
            os: next(&mut t),
            provmethod: next(&mut t),
            servicenode: next(&mut r),
            xcatmaster: next(&mut r),
            tftpserver: next(&mut r),
            nfsserver: next(&mut r),
            monserver: next(&mut r),
            conserver: nodehm.value(n),
        });
    }
    Ok(nodes)
}

/// The hosts table, read once: inherited entries of every node, literal
/// rows of the other keys (service nodes that are not nodes, aliases).
fn hosts(
    conn: &mut Conn,
    ctx: &InheritCtx,
    system: Box<dyn SystemResolver>,
) -> Result<Names, DbError> {
    let cols = ["ip", "hostnames", "otherinterfaces"];
    let rows = conn.select(
        "hosts",
        &["node", "ip", "hostnames", "otherinterfaces"],
        &[],
        true,
    )?;
    let is_regex = xcat_schema::regexattr::is_regex_value;
    let mut literal = Vec::new();
    for r in &rows {
        let Some(key) = text(r, 0) else { continue };
        if ctx.groups.is_node(&key) {
            continue;
        }
        let ip = text(r, 1).filter(|v| !is_regex(v));
        let other = text(r, 3).filter(|v| !is_regex(v));
        literal.push((
            key.clone(),
            HostEntry::from_columns(&key, ip.as_deref(), text(r, 2).as_deref(), other.as_deref()),
        ));
    }
    // Fast path: without group rows in the hosts table, a node's entry is
    // its own row (regex values evaluated) — same result, no merge per node.
    let groups: HashSet<&str> = ctx
        .groups
        .nodes()
        .iter()
        .flat_map(|n| ctx.groups.groups_of(n).iter().map(String::as_str))
        .collect();
    let mut entries = HashMap::new();
    if !literal.iter().any(|(k, _)| groups.contains(k.as_str())) {
        let mut regex = xcat_schema::regexattr::RegexEval::new();
        for r in &rows {
            let Some(key) = text(r, 0) else { continue };
            if !ctx.groups.is_node(&key) {
                continue;
            }
            let mut v = |i: usize| {
                text(r, i).and_then(|x| {
                    if is_regex(&x) {
                        regex.eval(&key, &x)
                    } else {
                        Some(x)
                    }
                })
            };
            let (ip, hn, other) = (v(1), v(2), v(3));
            if ip.is_some() || hn.is_some() || other.is_some() {
                let e =
                    HostEntry::from_columns(&key, ip.as_deref(), hn.as_deref(), other.as_deref());
                entries.entry(key).or_insert(e);
            }
        }
        return Ok(Names::new(entries, &literal, system));
    }
    let keyed = rows.into_iter().filter_map(|mut r| {
        let key = r.first_mut()?.take()?;
        r.remove(0);
        Some((key, r))
    });
    let mut table = Table::from_rows(ctx, "hosts", &cols, keyed);
    for n in ctx.groups.nodes() {
        let v = table.values(n);
        if v.iter().any(Option::is_some) {
            entries.insert(
                n.clone(),
                HostEntry::from_columns(n, v[0].as_deref(), v[1].as_deref(), v[2].as_deref()),
            );
        }
    }
    Ok(Names::new(entries, &literal, system))
}

fn networks(conn: &mut Conn) -> Result<Vec<Network>, DbError> {
    let rows = conn.select(
        "networks",
        &["netname", "net", "mask", "gateway", "mgtifname"],
        &[],
        true,
    )?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(Network {
                netname: text(r, 0),
                net: text(r, 1)?,
                mask: text(r, 2)?,
                gateway: text(r, 3),
                mgtifname: text(r, 4),
            })
        })
        .collect())
}

fn statelite(conn: &mut Conn, selected: &[String]) -> Result<Vec<StateliteRow>, DbError> {
    let rows = conn.select(
        "statelite",
        &[
            "node", "image", "statemnt", "mntopts", "comments", "disable",
        ],
        &[],
        true,
    )?;
    let moved: HashSet<&str> = selected.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for r in rows {
        let (Some(node), Some(statemnt)) = (text(&r, 0), text(&r, 2)) else {
            continue;
        };
        // Exact membership (stock: a regex substring test).
        // A stored noderange: names kept as they are, no `^file` reading.
        let stored = ExpandOpts {
            verify: false,
            ..ExpandOpts::default()
        };
        let members = match select::expand(conn, &node, &stored)? {
            Ok((m, _)) => m
                .into_iter()
                .filter(|m| moved.contains(m.as_str()))
                .collect(),
            Err(_) => Vec::new(),
        };
        out.push(StateliteRow {
            node,
            image: text(&r, 1),
            statemnt,
            mntopts: text(&r, 3),
            comments: text(&r, 4),
            disable: text(&r, 5),
            members,
        });
    }
    Ok(out)
}

fn nimtypes(conn: &mut Conn, nodes: &[NodeDef]) -> Result<HashMap<String, String>, DbError> {
    let rows = conn.select("nimimage", &["imagename", "nimtype"], &[], true)?;
    let by_image: HashMap<String, String> = rows
        .iter()
        .filter_map(|r| Some((text(r, 0)?, text(r, 1)?)))
        .collect();
    Ok(nodes
        .iter()
        .filter_map(|n| {
            Some((
                n.name.clone(),
                by_image.get(n.provmethod.as_deref()?)?.clone(),
            ))
        })
        .collect())
}

/// nimprime as stock's `getnimprime` names it (perl-xCAT/xCAT/InstUtils.pm:
/// getnimprime): an address becomes its host name when one is known, then
/// the short name.
fn nimprime_name(value: &str, names: &Names) -> String {
    let value = value.trim();
    match value.parse::<std::net::IpAddr>() {
        Ok(ip) => names
            .name_of(&ip)
            .map(|n| super::resolve::short_name(&n))
            .unwrap_or_else(|| value.to_string()),
        Err(_) => super::resolve::short_name(value),
    }
}

/// The `nimimage` rows of the nodes' osimages (provmethod), every column.
fn images(
    conn: &mut Conn,
    nodes: &[NodeDef],
) -> Result<HashMap<String, crate::nim::model::Image>, DbError> {
    let wanted: HashSet<&str> = nodes
        .iter()
        .filter_map(|n| n.provmethod.as_deref())
        .collect();
    let cols = conn.columns("nimimage")?;
    let key = cols.iter().position(|c| c == "imagename").unwrap_or(0);
    let mut out = HashMap::new();
    for r in conn.all_rows("nimimage", true)? {
        let Some(name) = text(&r, key).filter(|n| wanted.contains(n.as_str())) else {
            continue;
        };
        let attrs = cols
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != key)
            .filter_map(|(i, c)| Some((c.clone(), text(&r, i)?)))
            .collect();
        out.insert(name.clone(), crate::nim::model::Image { name, attrs });
    }
    Ok(out)
}

fn postscripts(
    conn: &mut Conn,
    ctx: &InheritCtx,
    selected: &[String],
) -> Result<Postscripts, DbError> {
    let mut ps = Table::load(
        conn,
        ctx,
        "postscripts",
        &["postscripts", "postbootscripts"],
    )?;
    let d = ps.raw("xcatdefaults");
    let nonempty = |v: Option<&Option<String>>| v.cloned().flatten().filter(|s| !s.is_empty());
    let defaults = (nonempty(d.first()), nonempty(d.get(1)));
    let by_node = selected
        .iter()
        .map(|n| {
            let v = ps.values(n);
            (n.clone(), (v[0].clone(), v[1].clone()))
        })
        .collect();
    Ok(Postscripts { defaults, by_node })
}
