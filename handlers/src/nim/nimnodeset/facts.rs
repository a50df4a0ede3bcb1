//! What nimnodeset's server part works with (stock's `nodehash`,
//! `imagehash`, `nethash` of the forwarded request) and the steps it shares
//! with `mkdsklsnode`, each a small private function here until the
//! coordinator wires it to its owner's code:
//!
//! * [`step_load`]: the node / osimage / network facts, a minimal reader
//!   (objdefs reader, last matching `networks` row) — wired to mkdsk's
//!   loader into `nim::model` types after merge;
//! * [`step_prenimnodeset`]: the management node's osimage and nimprime
//!   checks — wired to mkdsk's `prenimnodeset` after merge;
//! * [`step_make_sn_resource`]: the image's resources defined on this
//!   server when it is not nimprime — wired to snres' `make_SN_resource`
//!   after merge;
//! * [`step_chk_resolv_conf`]: each node's `resolv_conf` resource — wired
//!   to snres' `chk_resolv_conf` after merge.

use crate::api::{Ctx, HandlerError, Responder};
use crate::nim::model::{Image, NodeNet};
use crate::objdefs::{cache::Cache, read::ReadOpts, read::Reader};
use std::collections::BTreeMap;
use xcat_schema::db::Conn;

/// One node as the per-node part needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeFacts {
    pub name: String,
    /// `-i`, else `provmethod`, else `profile`.
    pub image: Option<String>,
    /// `mac.mac` as stored (`|`-separated, `!name` suffixes).
    pub mac: Option<String>,
    /// The node's address (`hosts.ip`, else the resolver).
    pub ip: Option<std::net::IpAddr>,
    /// The `networks` row its address is in.
    pub net: Option<NodeNet>,
}

/// Everything loaded for this server's part.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub nodes: Vec<NodeFacts>,
    pub images: BTreeMap<String, Image>,
}

fn wanted(names: &[&str]) -> ReadOpts {
    ReadOpts {
        wanted: Some(names.iter().map(|s| s.to_string()).collect()),
        ..ReadOpts::default()
    }
}

/// The facts of `nodes` (image from `-i` when given).  Wired to mkdsk's
/// loader after merge.
pub fn step_load(ctx: &Ctx, nodes: &[String], image: Option<&str>) -> Result<Facts, HandlerError> {
    let mut result = None;
    ctx.db.read(|conn| {
        result = Some(load(conn, nodes, image));
        Ok(())
    })?;
    result.unwrap_or_else(|| Err(HandlerError::Message("nimnodeset: nothing read".into())))
}

fn load(conn: &mut Conn, nodes: &[String], image: Option<&str>) -> Result<Facts, HandlerError> {
    let nets = conn.select(
        "networks",
        &["netname", "net", "mask", "gateway", "mgtifname"],
        &[],
        true,
    )?;
    let mut cache = Cache::new();
    let mut r = Reader::new(conn, &mut cache);
    let mut facts = Facts::default();
    for n in nodes {
        let o = r.read_one("node", n, &wanted(&["provmethod", "profile", "mac", "ip"]))?;
        let get = |k: &str| o.attrs.get(k).filter(|v| !v.is_empty()).cloned();
        let ip = get("ip")
            .and_then(|v| v.trim().parse().ok())
            .or_else(|| dns_lookup::lookup_host(n).ok()?.next());
        let net = ip.and_then(|ip| {
            nets.iter()
                .rfind(|row| {
                    let f = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
                    xcat_schema::subnet::in_subnet(ip, &f(1), &f(2))
                })
                .map(|row| {
                    let f = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
                    NodeNet {
                        netname: f(0),
                        net: f(1),
                        mask: f(2),
                        gateway: f(3),
                        mgtifname: f(4),
                        ..NodeNet::default()
                    }
                })
        });
        let img = image
            .map(str::to_string)
            .or_else(|| get("provmethod"))
            .or_else(|| get("profile"));
        if let Some(i) = &img {
            if !facts.images.contains_key(i) {
                let o = r.read_one("osimage", i, &ReadOpts::default())?;
                let image = Image {
                    name: i.clone(),
                    attrs: o.attrs.into_iter().collect(),
                };
                facts.images.insert(i.clone(), image);
            }
        }
        facts.nodes.push(NodeFacts {
            name: n.clone(),
            image: img,
            mac: get("mac"),
            ip,
            net,
        });
    }
    Ok(facts)
}

/// The management node's shared checks (osimage defined, resources on
/// nimprime, `attr=val` names).  Wired to mkdsk's `prenimnodeset` after
/// merge; until then nothing is checked there (each server checks what it
/// uses).
pub fn step_prenimnodeset(_ctx: &Ctx, _nodes: &[String]) -> Result<(), HandlerError> {
    Ok(())
}

/// Define the images' resources on this server when it is not nimprime.
/// Wired to snres' `make_SN_resource` after merge; until then the
/// resources must already be defined here.
pub fn step_make_sn_resource(
    _ctx: &Ctx,
    _facts: &Facts,
    _out: &mut dyn Responder,
) -> Result<bool, HandlerError> {
    Ok(true)
}

/// Each node's `resolv_conf` resource name.  Wired to snres'
/// `chk_resolv_conf` after merge; until then the image's own
/// `resolv_conf` is used.
pub fn step_chk_resolv_conf(facts: &Facts) -> BTreeMap<String, String> {
    facts
        .nodes
        .iter()
        .filter_map(|n| {
            let image = facts.images.get(n.image.as_deref()?)?;
            Some((n.name.clone(), image.get("resolv_conf")?.to_string()))
        })
        .collect()
}
