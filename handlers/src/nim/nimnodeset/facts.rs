//! What nimnodeset's server part works with (stock's `nodehash`,
//! `imagehash`, `nethash` of the forwarded request) and the steps it shares
//! with `mkdsklsnode`, each a small function here (the first two stand-ins
//! until the coordinator wires them to mkdsklsnode's code):
//!
//! * [`step_load`]: the node / osimage / network facts, a minimal reader
//!   (objdefs reader, last matching `networks` row) — wired to mkdsk's
//!   loader into `nim::model` types after merge;
//! * [`step_prenimnodeset`]: the management node's osimage and nimprime
//!   checks — wired to mkdsk's `prenimnodeset` after merge;
//! * [`step_make_sn_resource`]: the images' resources defined on this
//!   server when it is not nimprime ([`resources::make_sn_resources`]);
//! * [`step_chk_resolv_conf`]: each node's `resolv_conf` resource
//!   ([`resources::chk_resolv_conf`]).

use crate::api::{Ctx, HandlerError};
use crate::nim::cmd::Nim;
use crate::nim::model::{Image, NodeNet, Reply, Resources};
use crate::nim::resources::{self, ResolvNode, ResolvParams, SnResources, SystemResolver};
use crate::nim::site::{IsMe, NimSite};
use crate::objdefs::{cache::Cache, read::ReadOpts, read::Reader};
use crate::runner::Target;
use std::collections::{BTreeMap, BTreeSet};
use xcat_schema::db::{Conn, DbError};

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

/// What the shared resource steps read besides the facts: the site
/// values, `is_me`, the command line's `attr=val` pairs and `-l`.
pub struct StepArgs<'a, 'n> {
    pub nim: &'a Nim<'n>,
    pub sname: &'a str,
    pub site: &'a NimSite,
    pub is_me: &'a IsMe<'a, 'n>,
    pub attrs: &'a BTreeMap<String, String>,
    pub location: Option<&'a str>,
}

/// The images of the nodes, in the order their nodes come (stock
/// `@image_names`); images that are not defined are left out.
fn images_in_node_order(facts: &Facts) -> Vec<Image> {
    let mut seen = BTreeSet::new();
    facts
        .nodes
        .iter()
        .filter_map(|n| facts.images.get(n.image.as_deref()?))
        .filter(|i| !i.attrs.is_empty() && seen.insert(i.name.clone()))
        .cloned()
        .collect()
}

/// Stock nimnodeset's `make_SN_resource` call
/// (xCAT-server/lib/xcat/plugins/aixinstall.pm:766-774): when this server
/// is not nimprime, [`resources::make_sn_resources`] with the nodes'
/// networks.  Stock passes nimprime's resource definitions from the
/// management node's `prenimnodeset`; until that is wired here, the
/// definitions of the resources this server lacks are read on nimprime
/// (`lsnim -l <res>`, after one `lsnim -c resources` here).  Stock ignores
/// the result and goes on with the nodes; so does this.
pub fn step_make_sn_resource(
    ctx: &Ctx,
    facts: &Facts,
    a: &StepArgs,
    reply: &mut Reply,
) -> Result<(), HandlerError> {
    let Some(nimprime) = a.site.nimprime.as_deref() else {
        return Ok(());
    };
    if a.is_me.is_me(nimprime) {
        return Ok(());
    }
    let images = images_in_node_order(facts);
    let here: BTreeSet<String> = a
        .nim
        .names_of_class("resources")
        .unwrap_or_default()
        .into_iter()
        .collect();
    let prime = Nim::new(
        ctx.runner.as_ref(),
        Target::Host(nimprime.to_string()),
        a.nim.config(),
    );
    let mut known = Resources::default();
    for image in &images {
        for (_, res) in image.resources() {
            if here.contains(&res) || known.attrs.contains_key(&res) {
                continue;
            }
            if let Ok(Some(stanza)) = prime.stanza(&res) {
                if let Some(loc) = stanza.get("location") {
                    known.locations.insert(res.clone(), loc.to_string());
                }
                known.attrs.insert(res, stanza.attrs.into_iter().collect());
            }
        }
    }
    let nets: Vec<NodeNet> = facts.nodes.iter().filter_map(|n| n.net.clone()).collect();
    let p = SnResources {
        sname: a.sname,
        images: &images,
        nimprime: &known,
        nets: &nets,
        attrs: a.attrs,
        nfsv4: a.site.nfsv4,
        domain: a.site.domain.as_deref(),
        installdir: &a.site.installdir,
        keep_shared_root: false,
    };
    resources::make_sn_resources(a.nim, reply, &p)?;
    Ok(())
}

/// Each node's `resolv_conf` resource: [`resources::chk_resolv_conf`]
/// (stock nimnodeset, xCAT-server/lib/xcat/plugins/aixinstall.pm:780) with
/// the nodes' networks (`nameservers`, `domain`), service nodes and
/// xcatmasters, the site values and `-l`.
pub fn step_chk_resolv_conf(
    ctx: &Ctx,
    facts: &Facts,
    a: &StepArgs,
    reply: &mut Reply,
) -> Result<BTreeMap<String, String>, HandlerError> {
    let names: Vec<String> = facts.nodes.iter().map(|n| n.name.clone()).collect();
    let (nets, domains, noderes) = ctx.db.read(|conn| resolv_rows(ctx, conn, &names))?;
    let nodes: Vec<ResolvNode> = facts
        .nodes
        .iter()
        .map(|n| {
            let net = n.net.clone().map(|mut net| {
                if let Some((ns, dom)) = nets.get(&net.netname) {
                    (net.nameservers, net.domain) = (ns.clone(), dom.clone());
                }
                net
            });
            let (servicenode, xcatmaster) = noderes.get(&n.name).cloned().unwrap_or_default();
            ResolvNode {
                node: n.name.clone(),
                image: n.image.as_ref().and_then(|i| facts.images.get(i)).cloned(),
                net,
                servicenode,
                xcatmaster,
            }
        })
        .collect();
    let is_me = |name: &str| a.is_me.is_me(name);
    let p = ResolvParams {
        nodes: &nodes,
        site_domain: a.site.domain.as_deref(),
        site_nameservers: a.site.nameservers.as_deref(),
        network_domains: &domains,
        nimprime: a.site.nimprime.as_deref().unwrap_or_default(),
        dir: a.location,
        installdir: &a.site.installdir,
        attrs: a.attrs,
        nfsv4: a.site.nfsv4,
        is_me: &is_me,
        resolver: &SystemResolver,
    };
    Ok(resources::chk_resolv_conf(a.nim, reply, &p)?)
}

/// netname → (nameservers, domain); every `networks.domain` in table
/// order; node → (`noderes.servicenode`, `noderes.xcatmaster`).
type ResolvRows = (
    BTreeMap<String, (String, String)>,
    Vec<String>,
    BTreeMap<String, (String, String)>,
);

fn resolv_rows(ctx: &Ctx, conn: &mut Conn, nodes: &[String]) -> Result<ResolvRows, DbError> {
    let rows = conn.select("networks", &["netname", "nameservers", "domain"], &[], true)?;
    let mut nets = BTreeMap::new();
    let mut domains = Vec::new();
    for row in rows {
        let f = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
        if !f(2).is_empty() {
            domains.push(f(2));
        }
        nets.insert(f(0), (f(1), f(2)));
    }
    let inherit = ctx.inherit_ctx(conn)?;
    let cols = ["servicenode", "xcatmaster"];
    let mut attrs = xcat_schema::inherit::NodeAttrs::load(conn, &inherit, "noderes", &cols)?;
    let mut noderes = BTreeMap::new();
    for n in nodes {
        let values = attrs
            .resolve(n)
            .into_iter()
            .next()
            .map(|r| r.values)
            .unwrap_or_default();
        let v = |i: usize| values.get(i).cloned().flatten().unwrap_or_default();
        noderes.insert(n.clone(), (v(0), v(1)));
    }
    Ok((nets, domains, noderes))
}
