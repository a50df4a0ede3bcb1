//! What nimnodeset's server part works with (stock's `nodehash`,
//! `imagehash`, `nethash` of the forwarded request) and the steps it shares
//! with `mkdsklsnode`, each a small function here:
//!
//! * [`step_load`]: the node / osimage / network facts through
//!   mkdsklsnode's loader (`nim::mkdsklsnode::load`);
//! * [`step_prenimnodeset`]: the management node's osimage and nimprime
//!   checks — a stand-in until mkdsklsnode's `prenimnodeset` is shared;
//! * [`step_make_sn_resource`]: the images' resources defined on this
//!   server when it is not nimprime ([`resources::make_sn_resources`]);
//! * [`step_chk_resolv_conf`]: each node's `resolv_conf` resource
//!   ([`resources::chk_resolv_conf`]).

use crate::api::{Ctx, HandlerError};
use crate::nim::cmd::Nim;
use crate::nim::mkdsklsnode::load;
use crate::nim::model::{Image, NodeNet, Reply, Resources};
use crate::nim::resources::{self, ResolvNode, ResolvParams, SnResources, SystemResolver};
use crate::nim::site::{IsMe, NimSite};
use crate::runner::Target;
use std::collections::{BTreeMap, BTreeSet};

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
    /// `noderes.servicenode` / `noderes.xcatmaster` (empty when unset).
    pub servicenode: String,
    pub xcatmaster: String,
}

/// Everything loaded for this server's part.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub nodes: Vec<NodeFacts>,
    pub images: BTreeMap<String, Image>,
    /// Every non-empty `networks.domain`, in table order.
    pub network_domains: Vec<String>,
}

/// The facts of `nodes` (image from `-i` when given) through mkdsklsnode's
/// loader (stock shares `getobjdefs` / `getNetwkInfo` between the two
/// commands): the node definitions, each address's network (the last
/// matching `networks` row, `<xcatmaster>` gateways made this server's
/// address) and the defined osimages (an undefined one is left out).
pub fn step_load(
    ctx: &Ctx,
    nim: &Nim,
    nodes: &[String],
    image: Option<&str>,
) -> Result<Facts, HandlerError> {
    let world = load::world(ctx, nodes)?;
    let nets = load::xcatmaster_gateways(&world.networks, nim);
    let mut names: Vec<String> = Vec::new();
    for n in &world.nodes {
        names.extend(n.osimage(image).filter(|i| !names.contains(i)));
    }
    let images = load::images(ctx, &names)?;
    let nodes = world
        .nodes
        .iter()
        .map(|n| {
            let ip = load::address(n);
            NodeFacts {
                name: n.name.clone(),
                image: n.osimage(image),
                mac: n.mac.clone(),
                ip,
                net: ip.and_then(|ip| load::network_of(ip, &nets)),
                servicenode: n.servicenode.clone().unwrap_or_default(),
                xcatmaster: n.xcatmaster.clone().unwrap_or_default(),
            }
        })
        .collect();
    let network_domains = nets
        .iter()
        .map(|n| n.domain.clone())
        .filter(|d| !d.is_empty())
        .collect();
    Ok(Facts {
        nodes,
        images,
        network_domains,
    })
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
    facts: &Facts,
    a: &StepArgs,
    reply: &mut Reply,
) -> Result<BTreeMap<String, String>, HandlerError> {
    let nodes: Vec<ResolvNode> = facts
        .nodes
        .iter()
        .map(|n| ResolvNode {
            node: n.name.clone(),
            image: n.image.as_ref().and_then(|i| facts.images.get(i)).cloned(),
            net: n.net.clone(),
            servicenode: n.servicenode.clone(),
            xcatmaster: n.xcatmaster.clone(),
        })
        .collect();
    let is_me = |name: &str| a.is_me.is_me(name);
    let p = ResolvParams {
        nodes: &nodes,
        site_domain: a.site.domain.as_deref(),
        site_nameservers: a.site.nameservers.as_deref(),
        network_domains: &facts.network_domains,
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
