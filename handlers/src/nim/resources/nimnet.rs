//! NIM networks for xCAT networks, the one rule both stock copies share
//! (xcat2nim's `mkNIMnetwork`, xCAT-server/lib/xcat/plugins/xcat2nim.pm:1452-1799,
//! and mkdsklsnode's `checkNIMnetworks`,
//! xCAT-server/lib/xcat/plugins/aixinstall.pm:12773-13014): list the NIM
//! networks with their `net_addr` / `snm`, match an xCAT network by address
//! and mask, and define a missing one (`routing1='default <gateway>'`),
//! then join it to the master — another master interface when this server
//! has an address in it, else a route from the master's network.
//!
//! The callers keep their own message texts: failures come back as
//! [`NetFailure`] carrying the command that failed.
//!
//! Deliberate differences from stock (README, Compatibility):
//! * addresses compare numerically in both callers (checkNIMnetworks
//!   compared strings);
//! * checkNIMnetworks with no local address in the network routes to it
//!   from the master's network as xcat2nim does (stock ran
//!   `nim -o change -a if<i>='<net>  0'`, which NIM refuses);
//! * checkNIMnetworks' route back to the master takes its index from the new
//!   network and names the master's network from `if1` (stock asked
//!   `lsnim -A routing master_net` and could overwrite the new network's
//!   default route).

use crate::nim::cmd::{Nim, Ran};
use crate::nim::validate::{self, Invalid};
use std::net::{IpAddr, Ipv4Addr};

/// Which caller's command forms to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// xcat2nim: `nim -o define|change`; after joining, no route back.
    Xcat2nim,
    /// mkdsklsnode / nimnodeset on a service node: `nim -Fo …`; after
    /// joining, a route from the new network back to the master's.
    ServiceNode,
}

impl Flavor {
    fn op(self, op: &str) -> Vec<&str> {
        match self {
            Flavor::Xcat2nim => vec!["-o", op],
            Flavor::ServiceNode => vec!["-Fo", op],
        }
    }
}

/// A checked xCAT network as NIM gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetSpec {
    pub name: String,
    pub net: Ipv4Addr,
    pub mask: Ipv4Addr,
    pub gateway: String,
    /// `ent`, or `hfi` when the network's interface name contains `hf`.
    pub device: &'static str,
}

impl NetSpec {
    /// Validates an xCAT network row (name, net, mask, gateway).
    pub fn check(
        name: &str,
        net: &str,
        mask: &str,
        gateway: &str,
        mgtifname: &str,
    ) -> Result<NetSpec, Invalid> {
        validate::nim_name(name, "netname", name)?;
        if !gateway.is_empty() {
            validate::ip(name, "gateway", gateway)?;
        }
        Ok(NetSpec {
            name: name.to_string(),
            net: validate::ipv4(name, "net", net)?,
            mask: validate::ipv4(name, "mask", mask)?,
            gateway: gateway.to_string(),
            device: if mgtifname.contains("hf") {
                "hfi"
            } else {
                "ent"
            },
        })
    }
}

/// A NIM network: name, `net_addr`, `snm`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NimNet {
    pub name: String,
    pub net: Ipv4Addr,
    pub mask: Ipv4Addr,
}

/// Why a network could not be made.
#[derive(Debug, Clone)]
pub enum NetFailure {
    /// A listing (`lsnim -c networks`, `lsnim -Z -a net_addr -a snm <net>`).
    List(Ran),
    /// `lsnim -A if master` (xcat2nim reports it without its server prefix).
    IfIndex(Ran),
    /// Any other command.
    Command(Ran),
    /// A value NIM gave back (adapter host, master network) is unusable.
    Invalid(Invalid),
}

/// Whether `ip` is inside `net/mask`.
pub fn in_subnet(ip: Ipv4Addr, net: Ipv4Addr, mask: Ipv4Addr) -> bool {
    u32::from(ip) & u32::from(mask) == u32::from(net) & u32::from(mask)
}

/// The NIM networks with their addresses (unparsable ones skipped).
pub fn nim_networks(nim: &Nim) -> Result<Vec<NimNet>, NetFailure> {
    let names = nim.names_of_class("networks").map_err(NetFailure::List)?;
    let mut v = Vec::new();
    for name in names {
        if let Some((a, m)) = nim.net_addr_snm(&name).map_err(NetFailure::List)? {
            if let (Ok(net), Ok(mask)) = (a.parse(), m.parse()) {
                v.push(NimNet { name, net, mask });
            }
        }
    }
    Ok(v)
}

/// The NIM network with the same address and mask, if any.
pub fn matching<'k>(known: &'k [NimNet], spec: &NetSpec) -> Option<&'k NimNet> {
    known
        .iter()
        .find(|k| k.net == spec.net && k.mask == spec.mask)
}

fn ok(ran: Ran) -> Result<Ran, NetFailure> {
    if ran.ok() {
        Ok(ran)
    } else {
        Err(NetFailure::Command(ran))
    }
}

/// Defines `spec` in NIM and joins it to the master; `known` gets it.
pub fn define(
    nim: &Nim,
    spec: &NetSpec,
    flavor: Flavor,
    known: &mut Vec<NimNet>,
) -> Result<(), NetFailure> {
    let route = format!("routing1=default {}", spec.gateway);
    let (a, m) = (
        format!("net_addr={}", spec.net),
        format!("snm={}", spec.mask),
    );
    let mut args = flavor.op("define");
    args.extend(["-t", spec.device, "-a", &a, "-a", &m, "-a", &route]);
    args.push(&spec.name);
    ok(nim.nim(&args))?;
    known.push(NimNet {
        name: spec.name.clone(),
        net: spec.net,
        mask: spec.mask,
    });
    let addrs = nim.inet_addrs().map_err(NetFailure::Command)?;
    match addrs
        .iter()
        .find(|(ip, _)| in_subnet(*ip, spec.net, spec.mask))
    {
        Some((ip, _)) => {
            join_master(nim, spec, *ip, flavor)?;
            if flavor == Flavor::ServiceNode {
                route_to_master(nim, spec)?;
            }
            Ok(())
        }
        None => route_from_master(nim, spec, flavor),
    }
}

/// The host name of a local address (stock `gethostname`), or the address.
fn adapter_host(net: &str, ip: Ipv4Addr) -> Result<String, NetFailure> {
    let host = dns_lookup::lookup_addr(&IpAddr::V4(ip)).unwrap_or_else(|_| ip.to_string());
    if validate::host_name(net, "adapter host", &host).is_ok() || host.parse::<IpAddr>().is_ok() {
        Ok(host)
    } else {
        Err(NetFailure::Invalid(Invalid {
            object: net.to_string(),
            attr: "adapter host".into(),
            value: host,
            why: "not a host name",
        }))
    }
}

/// This server has an address in the network: one more master interface.
fn join_master(
    nim: &Nim,
    spec: &NetSpec,
    my_ip: Ipv4Addr,
    flavor: Flavor,
) -> Result<(), NetFailure> {
    let ifindex = nim
        .next_index("if", "master")
        .map_err(NetFailure::IfIndex)?;
    let ctindex = nim
        .next_index("cable_type", "master")
        .map_err(NetFailure::Command)?;
    let host = adapter_host(&spec.name, my_ip)?;
    let ifw = format!("if{ifindex}={} {host} 0", spec.name);
    let ctw = format!("cable_type{ctindex}=N/A");
    let mut args = flavor.op("change");
    args.extend(["-a", &ifw, "-a", &ctw, "master"]);
    ok(nim.nim(&args)).map(|_| ())
}

/// The master's network and adapter host (`lsnim -a if1 -Z master`).
fn master_if1(nim: &Nim) -> Result<(String, String), NetFailure> {
    let if1 = nim
        .attr_fields("if1", "master")
        .map_err(NetFailure::Command)?;
    let masternet = if1.first().cloned().unwrap_or_default();
    let adapter = if1.get(1).cloned().unwrap_or_default();
    validate::nim_name("master", "if1", &masternet).map_err(NetFailure::Invalid)?;
    Ok((masternet, adapter))
}

/// After joining (service node): a route from the new network back to the
/// master's network through the network's gateway.
fn route_to_master(nim: &Nim, spec: &NetSpec) -> Result<(), NetFailure> {
    let (masternet, adapter) = master_if1(nim)?;
    let rtindex = nim
        .next_index("routing", &spec.name)
        .map_err(NetFailure::Command)?;
    let rw = format!("routing{rtindex}={masternet} {} {adapter}", spec.gateway);
    ok(nim.nim(&["-Fo", "change", "-a", &rw, &spec.name])).map(|_| ())
}

/// No local address in it: a route to it from the master's network.
fn route_from_master(nim: &Nim, spec: &NetSpec, flavor: Flavor) -> Result<(), NetFailure> {
    let (masternet, adapter) = master_if1(nim)?;
    let rtindex = nim
        .next_index("routing", &masternet)
        .map_err(NetFailure::Command)?;
    let routing1 = nim
        .attr_fields("routing1", &masternet)
        .map_err(NetFailure::Command)?;
    let gw = match routing1.first() {
        Some(d) if d.contains("default") => routing1.get(1).cloned().unwrap_or_default(),
        _ => dns_lookup::lookup_host(&adapter)
            .ok()
            .and_then(|v| v.into_iter().next())
            .map(|ip| ip.to_string())
            .unwrap_or_default(),
    };
    validate::ip(&masternet, "routing gateway", &gw).map_err(NetFailure::Invalid)?;
    let rw = format!("routing{rtindex}={} {gw} {}", spec.name, spec.gateway);
    let mut args = flavor.op("change");
    args.extend(["-a", &rw, &masternet]);
    ok(nim.nim(&args)).map(|_| ())
}
