//! NIM networks for xCAT networks (stock `mkNIMnetwork` / `listNIMnetwork`,
//! X2N:1452-1799, handlers.md §6.8): an xCAT network matches a NIM network
//! with the same address and mask; a new one is defined (`-t ent`, default
//! route through its gateway) and joined to the master: another interface
//! when this server has an address in it, else a route from the master's
//! network.  `-l` lists the matching NIM networks.
//!
//! Deliberate fix: every network is matched on its own (stock's match flag
//! was never reset, so after one match no later network was defined).

use super::defs::NetDef;
use super::run::Run;
use crate::api::Aborted;
use crate::nim::cmd::Ran;
use crate::nim::validate::{self, Invalid};
use std::net::{IpAddr, Ipv4Addr};

/// A checked xCAT network.
struct Net<'a> {
    name: &'a str,
    net: Ipv4Addr,
    mask: Ipv4Addr,
    gateway: &'a str,
}

fn check(n: &NetDef) -> Result<Net<'_>, Invalid> {
    validate::nim_name(&n.name, "netname", &n.name)?;
    if !n.gateway.is_empty() {
        validate::ip(&n.name, "gateway", &n.gateway)?;
    }
    Ok(Net {
        name: &n.name,
        net: validate::ipv4(&n.name, "net", &n.net)?,
        mask: validate::ipv4(&n.name, "mask", &n.mask)?,
        gateway: &n.gateway,
    })
}

fn in_subnet(ip: Ipv4Addr, net: Ipv4Addr, mask: Ipv4Addr) -> bool {
    u32::from(ip) & u32::from(mask) == u32::from(net) & u32::from(mask)
}

/// This server's address in `net/mask` (stock `my_ip_in_subnet`).
pub fn my_ip_in(run: &Run, net: &str, mask: &str) -> Option<Ipv4Addr> {
    let (net, mask) = (net.parse().ok()?, mask.parse().ok()?);
    let addrs = run.nim.inet_addrs().ok()?;
    addrs
        .into_iter()
        .map(|(ip, _)| ip)
        .find(|ip| in_subnet(*ip, net, mask))
}

/// A NIM network: name, net_addr, snm.
type NimNet = (String, Ipv4Addr, Ipv4Addr);

/// The NIM networks; `Err(())` = already reported.
fn nim_networks(run: &mut Run) -> Result<Result<Vec<NimNet>, ()>, Aborted> {
    let names = match run.nim.names_of_class("networks") {
        Ok(n) => n,
        Err(ran) => return could_not_lsnim(run, &ran),
    };
    let mut v = Vec::new();
    for n in names {
        match run.nim.net_addr_snm(&n) {
            Ok(Some((a, m))) => {
                if let (Ok(a), Ok(m)) = (a.parse(), m.parse()) {
                    v.push((n, a, m));
                }
            }
            Ok(None) => {}
            Err(ran) => return could_not_lsnim(run, &ran),
        }
    }
    Ok(Ok(v))
}

fn could_not_lsnim<T>(run: &mut Run, ran: &Ran) -> Result<Result<T, ()>, Aborted> {
    let text = format!("Could not run lsnim command: '{}'.\n", ran.line);
    run.fail(&text, None)?;
    Ok(Err(()))
}

/// Define the NIM networks of `nets`; `false` when something failed.
pub fn define_all(run: &mut Run, nets: &[NetDef]) -> Result<bool, Aborted> {
    let Ok(known) = nim_networks(run)? else {
        return Ok(false);
    };
    let mut ok = true;
    for n in nets {
        let net = match check(n) {
            Ok(net) => net,
            Err(e) => {
                run.invalid(&e)?;
                ok = false;
                continue;
            }
        };
        let matched = known
            .iter()
            .any(|(_, a, m)| *a == net.net && *m == net.mask);
        if !matched && !define(run, &net)? {
            return Ok(false);
        }
    }
    Ok(ok)
}

fn nim_ok(run: &mut Run, ran: Ran) -> Result<Option<Ran>, Aborted> {
    if ran.ok() {
        return Ok(Some(ran));
    }
    let text = format!("Could not run '{}'.\n", ran.line);
    run.fail(&text, None)?;
    Ok(None)
}

fn define(run: &mut Run, net: &Net) -> Result<bool, Aborted> {
    let route = format!("routing1=default {}", net.gateway);
    let (a, m) = (format!("net_addr={}", net.net), format!("snm={}", net.mask));
    let args = [
        "-o", "define", "-t", "ent", "-a", &a, "-a", &m, "-a", &route, net.name,
    ];
    if nim_ok(run, run.nim.nim(&args))?.is_none() {
        return Ok(false);
    }
    let addrs = match run.nim.inet_addrs() {
        Ok(a) => a,
        Err(ran) => return nim_ok(run, ran).map(|_| false),
    };
    match addrs
        .iter()
        .find(|(ip, _)| in_subnet(*ip, net.net, net.mask))
    {
        Some((ip, _)) => join_master(run, net, *ip),
        None => route_from_master(run, net),
    }
}

/// This server has an address in the network: one more master interface.
fn join_master(run: &mut Run, net: &Net, my_ip: Ipv4Addr) -> Result<bool, Aborted> {
    let ifindex = match run.nim.next_index("if", "master") {
        Ok(i) => i,
        Err(ran) => {
            // Stock's text for this one has no server prefix.
            run.error(&[format!("Could not run '{}'.\n", ran.line)])?;
            return Ok(false);
        }
    };
    let ctindex = match run.nim.next_index("cable_type", "master") {
        Ok(i) => i,
        Err(ran) => return nim_ok(run, ran).map(|_| false),
    };
    let host = dns_lookup::lookup_addr(&IpAddr::V4(my_ip)).unwrap_or_else(|_| my_ip.to_string());
    if let Err(e) = validate::host_name(net.name, "adapter host", &host) {
        run.invalid(&e)?;
        return Ok(false);
    }
    let ifw = format!("if{ifindex}={} {host} 0", net.name);
    let ctw = format!("cable_type{ctindex}=N/A");
    let args = ["-o", "change", "-a", &ifw, "-a", &ctw, "master"];
    Ok(nim_ok(run, run.nim.nim(&args))?.is_some())
}

/// No local address in it: a route to it from the master's network.
fn route_from_master(run: &mut Run, net: &Net) -> Result<bool, Aborted> {
    let if1 = match run.nim.attr_fields("if1", "master") {
        Ok(f) => f,
        Err(ran) => return nim_ok(run, ran).map(|_| false),
    };
    let masternet = if1.first().cloned().unwrap_or_default();
    let adapter = if1.get(1).cloned().unwrap_or_default();
    if let Err(e) = validate::nim_name("master", "if1", &masternet) {
        run.invalid(&e)?;
        return Ok(false);
    }
    let rtindex = match run.nim.next_index("routing", &masternet) {
        Ok(i) => i,
        Err(ran) => return nim_ok(run, ran).map(|_| false),
    };
    let routing1 = match run.nim.attr_fields("routing1", &masternet) {
        Ok(f) => f,
        Err(ran) => return nim_ok(run, ran).map(|_| false),
    };
    let gw = match routing1.first() {
        Some(d) if d.contains("default") => routing1.get(1).cloned().unwrap_or_default(),
        _ => dns_lookup::lookup_host(&adapter)
            .ok()
            .and_then(|v| v.into_iter().next())
            .map(|ip| ip.to_string())
            .unwrap_or_default(),
    };
    if let Err(e) = validate::ip(&masternet, "routing gateway", &gw) {
        run.invalid(&e)?;
        return Ok(false);
    }
    let rw = format!("routing{rtindex}={} {gw} {}", net.name, net.gateway);
    let args = ["-o", "change", "-a", &rw, &masternet];
    Ok(nim_ok(run, run.nim.nim(&args))?.is_some())
}

/// `-l`: the NIM networks matching each xCAT network.
pub fn list_all(run: &mut Run, nets: &[NetDef]) -> Result<bool, Aborted> {
    let Ok(known) = nim_networks(run)? else {
        return Ok(false);
    };
    for n in nets {
        let net = match check(n) {
            Ok(net) => net,
            Err(e) => {
                run.invalid(&e)?;
                continue;
            }
        };
        for (nimnet, a, m) in &known {
            if *a != net.net || *m != net.mask {
                continue;
            }
            if let Ok(text) = run.nim.long_listing(nimnet) {
                run.info(&[
                    format!(
                        "Note: The following is a match for \nxCAT network named '{}'\n",
                        net.name
                    ),
                    format!("{text}\n"),
                ])?;
            }
        }
    }
    Ok(true)
}
