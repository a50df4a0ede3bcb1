//! What mkdsklsnode reads from (and writes to) the database, as `nim::model` types: the site
//! keys it uses, each node's definition (stock `getobjdefs`), its address
//! and network (stock `getNetwkInfo`: the last matching `networks` row),
//! and the osimages (the `nimimage` rows through the osimage object).  Both
//! the management node and each service node load through here, and so
//! does nimnodeset's server part (a service
//! node reads the database itself through `cfgloc`).

use crate::api::{Aborted, Ctx, HandlerError};
use crate::nim::cmd::Nim;
use crate::nim::model::{Image, NodeNet};
use crate::nim::site::short_host;
use crate::objdefs::{cache::Cache, list, read::ReadOpts, read::Reader, write};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use xcat_schema::db::Conn;

/// The site keys mkdsklsnode reads (stock `get_site_attribute` calls,
/// e.g. xCAT-server/lib/xcat/plugins/aixinstall.pm:11099).
#[derive(Debug, Clone, Default)]
pub struct Site {
    pub master: Option<String>,
    /// `site.nimprime`, else `site.master`, cut to the short name (stock
    /// `getnimprime`); `None` when both are unset.
    pub nimprime: Option<String>,
    /// `no` when unset.
    pub sharedinstall: String,
    /// `useNFSv4onAIX` matches `1|Yes|yes|YES|Y|y` (stock's unanchored test).
    pub nfsv4: bool,
    pub installdir: String,
    pub tftpdir: String,
    pub domain: Option<String>,
    pub nameservers: Option<String>,
}

/// One node's definition, the attributes mkdsklsnode uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeDef {
    pub name: String,
    pub provmethod: Option<String>,
    pub profile: Option<String>,
    pub mac: Option<String>,
    /// `hosts.ip` as stored (validated before use).
    pub ip: Option<String>,
    pub servicenode: Option<String>,
    pub xcatmaster: Option<String>,
    pub nfsserver: Option<String>,
}

impl NodeDef {
    /// The node's osimage: `-i`, else provmethod, else profile.
    pub fn osimage(&self, given: Option<&str>) -> Option<String> {
        given
            .map(str::to_string)
            .or_else(|| self.provmethod.clone())
            .or_else(|| self.profile.clone())
    }

    /// The short host name (stock `s/\..*$//`).
    pub fn short(&self) -> &str {
        crate::nim::machine::short_name(&self.name)
    }
}

/// Everything one side of the command reads.
#[derive(Debug, Clone, Default)]
pub struct World {
    pub site: Site,
    /// The requested nodes, in request order.
    pub nodes: Vec<NodeDef>,
    /// Every `networks` row (net, mask, gateway, …), in table order.
    pub networks: Vec<NodeNet>,
    /// Every defined osimage name.
    pub osimages: BTreeSet<String>,
}

/// The node's address: `hosts.ip` when set (unparsable: `None`), else the
/// resolver's first answer for its name (stock `getipaddr`).
pub fn address(node: &NodeDef) -> Option<IpAddr> {
    if let Some(ip) = &node.ip {
        return ip.trim().parse().ok();
    }
    dns_lookup::lookup_host(&node.name)
        .ok()
        .and_then(|v| v.into_iter().next())
}

/// The network of an address (the last matching row wins, as stock's
/// `getNetwkInfo` overwrote earlier matches).
pub fn network_of(ip: IpAddr, networks: &[NodeNet]) -> Option<NodeNet> {
    networks
        .iter()
        .rev()
        .find(|n| xcat_schema::subnet::in_subnet(ip, &n.net, &n.mask))
        .cloned()
}

/// The networks with each `<xcatmaster>` gateway made this server's
/// address in that network (stock `process_request`,
/// xCAT-server/lib/xcat/plugins/aixinstall.pm:490-516; `ifconfig -a` only
/// when a network has one).  mkdsklsnode and nimnodeset.
pub fn xcatmaster_gateways(networks: &[NodeNet], nim: &Nim) -> Vec<NodeNet> {
    let mut nets = networks.to_vec();
    if !nets.iter().any(|n| n.gateway == "<xcatmaster>") {
        return nets;
    }
    let mine = nim.inet_addrs().unwrap_or_default();
    for n in nets.iter_mut().filter(|n| n.gateway == "<xcatmaster>") {
        n.gateway = mine
            .iter()
            .map(|(ip, _)| IpAddr::V4(*ip))
            .find(|ip| xcat_schema::subnet::in_subnet(*ip, &n.net, &n.mask))
            .map(|ip| ip.to_string())
            .unwrap_or_default();
    }
    nets
}

/// Set these object attributes in ONE transaction: `Ok(Err(why))` when
/// it failed (nothing written); only an aborted request is an error.
pub fn write_objects(
    ctx: &Ctx,
    reqs: &[write::WriteReq],
) -> Result<Result<(), HandlerError>, Aborted> {
    let res = ctx.db.write(|conn| -> Result<(), HandlerError> {
        let res = write::set_objects(conn, &mut Cache::new(), reqs, write::Mode::Set, false)?;
        match res.failed.is_empty() {
            true => Ok(()),
            false => Err(HandlerError::Message(res.errors.join("; "))),
        }
    });
    match res {
        Ok(()) => Ok(Ok(())),
        Err(HandlerError::Aborted(a)) => Err(a),
        Err(e) => Ok(Err(e)),
    }
}

/// Read the site keys, `nodes` and the networks in one database read.
pub fn world(ctx: &Ctx, nodes: &[String]) -> Result<World, HandlerError> {
    let mut result = None;
    ctx.db.read(|conn| {
        result = Some(read_world(conn, nodes));
        Ok(())
    })?;
    result.unwrap_or_else(|| Err(HandlerError::Message("mkdsklsnode: nothing read".into())))
}

fn read_world(conn: &mut Conn, nodes: &[String]) -> Result<World, HandlerError> {
    let mut cache = Cache::new();
    let osimages = list::objects_of_type(conn, &mut cache, "osimage")?;
    let networks = networks(conn, &mut cache)?;
    let mut r = Reader::new(conn, &mut cache);
    let site = site(&mut r)?;
    let mut defs = Vec::new();
    for n in nodes {
        defs.push(node(&mut r, n)?);
    }
    Ok(World {
        site,
        nodes: defs,
        networks,
        osimages,
    })
}

fn site(r: &mut Reader) -> Result<Site, HandlerError> {
    let mut get = |k: &str| -> Result<Option<String>, HandlerError> {
        Ok(r.site_value(k)?
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty()))
    };
    let master = get("master")?;
    let nimprime = get("nimprime")?
        .or_else(|| master.clone())
        .map(|v| short_host(&v));
    let nfsv4 = get("useNFSv4onAIX")?.is_some_and(|v| v.contains(['1', 'Y', 'y']));
    Ok(Site {
        master,
        nimprime,
        sharedinstall: get("sharedinstall")?.unwrap_or_else(|| "no".to_string()),
        nfsv4,
        installdir: get("installdir")?.unwrap_or_else(|| "/install".to_string()),
        tftpdir: get("tftpdir")?.unwrap_or_else(|| "/tftpboot".to_string()),
        domain: get("domain")?,
        nameservers: get("nameservers")?,
    })
}

fn wanted(names: &[&str]) -> ReadOpts {
    ReadOpts {
        wanted: Some(names.iter().map(|s| s.to_string()).collect()),
        ..ReadOpts::default()
    }
}

const NODE_ATTRS: &[&str] = &[
    "provmethod",
    "profile",
    "mac",
    "ip",
    "servicenode",
    "xcatmaster",
    "nfsserver",
];

fn node(r: &mut Reader, name: &str) -> Result<NodeDef, HandlerError> {
    let o = r.read_one("node", name, &wanted(NODE_ATTRS))?;
    let get = |k: &str| o.attrs.get(k).filter(|v| !v.trim().is_empty()).cloned();
    Ok(NodeDef {
        name: name.to_string(),
        provmethod: get("provmethod"),
        profile: get("profile"),
        mac: get("mac"),
        ip: get("ip"),
        servicenode: get("servicenode"),
        xcatmaster: get("xcatmaster"),
        nfsserver: get("nfsserver"),
    })
}

fn networks(conn: &mut Conn, cache: &mut Cache) -> Result<Vec<NodeNet>, HandlerError> {
    let t = cache.active(conn, "networks")?;
    let col = |name: &str| t.col(name);
    let (net, mask) = (col("net"), col("mask"));
    let cols = [
        col("netname"),
        col("gateway"),
        col("mgtifname"),
        col("nameservers"),
        col("domain"),
    ];
    let get = |i: usize, c: Option<usize>| {
        c.and_then(|c| t.get(i, c))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    Ok((0..t.rows.len())
        .map(|i| NodeNet {
            net: get(i, net),
            mask: get(i, mask),
            netname: get(i, cols[0]),
            gateway: get(i, cols[1]),
            mgtifname: get(i, cols[2]),
            nameservers: get(i, cols[3]),
            domain: get(i, cols[4]),
        })
        .collect())
}

/// The osimages `names` (`nimimage` attributes by column name); names that
/// are not defined are left out.
pub fn images(ctx: &Ctx, names: &[String]) -> Result<BTreeMap<String, Image>, HandlerError> {
    let mut result = None;
    ctx.db.read(|conn| {
        let mut cache = Cache::new();
        let mut r = Reader::new(conn, &mut cache);
        let mut read = || -> Result<BTreeMap<String, Image>, HandlerError> {
            let mut out = BTreeMap::new();
            for n in names {
                let o = r.read_one("osimage", n, &ReadOpts::default())?;
                let attrs = o
                    .attrs
                    .into_iter()
                    .filter(|(_, v)| !v.trim().is_empty())
                    .map(|(k, v)| (k, v.trim().to_string()))
                    .collect();
                out.insert(
                    n.clone(),
                    Image {
                        name: n.clone(),
                        attrs,
                    },
                );
            }
            Ok(out)
        };
        result = Some(read());
        Ok(())
    })?;
    result.unwrap_or_else(|| Err(HandlerError::Message("mkdsklsnode: nothing read".into())))
}
