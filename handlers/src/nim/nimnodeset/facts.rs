//! What nimnodeset's server part works with (stock's `nodehash`,
//! `imagehash`, `nethash` of the forwarded request) and the steps it shares
//! with `mkdsklsnode`, each a small function here:
//!
//! * [`step_load`]: the node / osimage / network facts through
//!   mkdsklsnode's loader (`nim::mkdsklsnode::load`), standalone images
//!   with `xcataixscript` added as the management node added it
//!   (`nim::prenim::add_xcataixscript`);
//! * [`step_make_sn_resource`]: the images' resources defined on this
//!   server when it is not nimprime ([`resources::make_sn_resources`]) from
//!   nimprime's definitions, which the management node's shared
//!   `prenimnodeset` (`nim::prenim`) put into the request;
//! * [`step_chk_resolv_conf`]: each node's `resolv_conf` resource
//!   ([`resources::chk_resolv_conf`]).

use crate::api::{Ctx, HandlerError};
use crate::nim::cmd::Nim;
use crate::nim::mkdsklsnode::load;
use crate::nim::model::{Image, NodeNet, Reply, Resources};
use crate::nim::prenim;
use crate::nim::resources::{self, ResolvNode, ResolvParams, SnResources, SystemResolver};
use crate::nim::site::{IsMe, NimSite};
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
    /// nimprime's resource facts from the management node (stock
    /// `lochash` / `nimhash`; `nim::prenim::carry`).
    pub nimprime: Resources,
}

/// The facts of `nodes` (image from `-i` when given) through mkdsklsnode's
/// loader (stock shares `getobjdefs` / `getNetwkInfo` between the two
/// commands): the node definitions, each address's network (the last
/// matching `networks` row, `<xcatmaster>` gateways made this server's
/// address) and the defined osimages (an undefined one is left out), with
/// `xcataixscript` in a standalone image's scripts (stock passed the
/// management node's osimages, aixinstall.pm:8653-8672); `nimprime`: the
/// resource facts the request carries.
pub fn step_load(
    ctx: &Ctx,
    nim: &Nim,
    nodes: &[String],
    image: Option<&str>,
    nimprime: Resources,
) -> Result<Facts, HandlerError> {
    let world = load::world(ctx, nodes)?;
    let nets = load::xcatmaster_gateways(&world.networks, nim);
    let mut names: Vec<String> = Vec::new();
    for n in &world.nodes {
        names.extend(n.osimage(image).filter(|i| !names.contains(i)));
    }
    let mut images = load::images(ctx, &names)?;
    for img in images.values_mut().filter(|i| !i.attrs.is_empty()) {
        prenim::add_xcataixscript(img);
    }
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
        nimprime,
    })
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
/// networks and nimprime's resource definitions from the management node
/// (`facts.nimprime`).  Stock ignores the result and goes on with the
/// nodes; so does this.
pub fn step_make_sn_resource(
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
    let nets: Vec<NodeNet> = facts.nodes.iter().filter_map(|n| n.net.clone()).collect();
    let p = SnResources {
        sname: a.sname,
        images: &images,
        nimprime: &facts.nimprime,
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
