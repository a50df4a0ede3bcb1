//! Where each node goes: the new service node (`-d`, else the backup = second
//! servicenode entry) and the new xcatmaster (`-D`, else the destination
//! service node's address in the node's subnet — from the hosts table and the
//! system resolver first, and only for nodes still undecided from the
//! service node's own interface list over ssh, as stock's xdsh did).

use super::messages as msg;
use super::model::World;
use super::options::Options;
use super::resolve::short_name;
use super::rules;
use super::subnet::network_of;
use crate::api::{HandlerError, Responder};
use crate::runner::{run_each, Cmd, Runner, Target};
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;
use xcat_proto::Response;
use xcat_schema::subnet::in_subnet;

/// Per-host timeout for asking a service node for its interfaces.
pub const INTERFACES_TIMEOUT: Duration = Duration::from_secs(60);
/// At most this many service nodes are asked at once.
pub const FANOUT: usize = 32;

/// New service node per node, or `None` after the errors were sent.
pub fn new_service_nodes(
    world: &World,
    opts: &Options,
    out: &mut dyn Responder,
) -> Result<Option<HashMap<String, String>>, HandlerError> {
    let mut map = HashMap::with_capacity(world.nodes.len());
    let mut failed = false;
    for n in &world.nodes {
        if let Some(d) = &opts.dest {
            map.insert(n.name.clone(), d.clone());
            continue;
        }
        if n.is_aix() && rules::has_more_than_two(n.servicenode.as_deref()) {
            // Stock: an error line without error code; processing continues.
            out.send(Response::new().error_text(msg::MORE_THAN_TWO))?;
        }
        match rules::backup_sn(n.servicenode.as_deref()) {
            Some(sn) => {
                map.insert(n.name.clone(), sn);
            }
            None => {
                // Stock sent this without an error code, so it exited 0
                // (xCAT-server/lib/xcat/plugins/snmove.pm:354-358).
                out.send(Response::new().error(msg::no_backup(&n.name)))?;
                failed = true;
            }
        }
    }
    Ok((!failed).then_some(map))
}

/// Parse `ip addr` / `ifconfig -a` output: the address after each `inet` /
/// `inet6` keyword, without `/prefix` or `%zone` (leading blanks and an
/// xdsh-style `host:` prefix are tolerated — stock's local-run quirk).
pub fn parse_interfaces(text: &str) -> Vec<IpAddr> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut words = line
            .split_whitespace()
            .skip_while(|w| *w != "inet" && *w != "inet6");
        if words.next().is_none() {
            continue;
        }
        let Some(addr) = words.next() else { continue };
        let addr = addr.split('/').next().unwrap_or(addr);
        let addr = addr.split('%').next().unwrap_or(addr);
        if let Ok(ip) = addr.parse::<IpAddr>() {
            if !out.contains(&ip) {
                out.push(ip);
            }
        }
    }
    out
}

/// The node-facing name for an address of a service node.
fn master_name(world: &World, ip: &IpAddr, known: Option<&str>) -> String {
    match known {
        Some(n) => short_name(n),
        None => world
            .names
            .name_of(ip)
            .map(|n| short_name(&n))
            .unwrap_or_else(|| ip.to_string()),
    }
}

/// New xcatmaster per node, or `None` after the errors were sent.
pub fn new_masters(
    world: &World,
    opts: &Options,
    new_sn: &HashMap<String, String>,
    runner: &dyn Runner,
    out: &mut dyn Responder,
) -> Result<Option<HashMap<String, String>>, HandlerError> {
    if let Some(d) = &opts.dest_n {
        return Ok(Some(
            world
                .nodes
                .iter()
                .map(|n| (n.name.clone(), d.clone()))
                .collect(),
        ));
    }
    let mut result = HashMap::with_capacity(world.nodes.len());
    let mut candidates: HashMap<&str, Vec<(IpAddr, String)>> = HashMap::new();
    let mut pending: Vec<&str> = Vec::new();
    for n in &world.nodes {
        let Some(sn) = new_sn.get(&n.name) else {
            continue;
        };
        let cands = candidates
            .entry(sn)
            .or_insert_with(|| world.names.addresses_of(sn));
        let net = world
            .names
            .resolve(&n.name)
            .and_then(|ip| network_of(&ip, &world.networks));
        let hit = net.and_then(|net| {
            cands
                .iter()
                .find(|(ip, _)| in_subnet(*ip, &net.net, &net.mask))
        });
        match hit {
            Some((ip, name)) => {
                result.insert(n.name.clone(), master_name(world, ip, Some(name)));
            }
            None => pending.push(&n.name),
        }
    }

    if !pending.is_empty() {
        let remote = remote_addresses(world, opts, new_sn, &pending, runner, out)?;
        let mut failed = false;
        for n in pending {
            let ip = world.names.resolve(n);
            let net = ip.and_then(|ip| network_of(&ip, &world.networks));
            let addrs = new_sn.get(n).and_then(|sn| remote.get(sn.as_str()));
            let hit =
                net.and_then(|net| addrs?.iter().find(|a| in_subnet(**a, &net.net, &net.mask)));
            match hit {
                Some(ip) => {
                    result.insert(n.to_string(), master_name(world, ip, None));
                }
                None => {
                    // Stock: error without error code, exit 0
                    // (xCAT-server/lib/xcat/plugins/snmove.pm:426-430).
                    out.send(Response::new().error(msg::no_xcatmaster(n)))?;
                    failed = true;
                }
            }
        }
        if failed {
            return Ok(None);
        }
    }
    Ok(Some(result))
}

/// The last resort for nodes without a master yet: each of their destination
/// service nodes asked for its interfaces (`ifconfig -a` on AIX, `ip addr`
/// elsewhere); a service node that does not answer is reported and left out.
fn remote_addresses<'a>(
    world: &World,
    opts: &Options,
    new_sn: &'a HashMap<String, String>,
    pending: &[&str],
    runner: &dyn Runner,
    out: &mut dyn Responder,
) -> Result<HashMap<&'a str, Vec<IpAddr>>, HandlerError> {
    let mut sns: Vec<&str> = Vec::new();
    for n in pending {
        if let Some(sn) = new_sn.get(*n) {
            if !sns.contains(&sn.as_str()) {
                sns.push(sn);
            }
        }
    }
    let aix = world.nodes.iter().any(|n| n.is_aix());
    let cmd = if aix {
        Cmd::new("/usr/sbin/ifconfig", ["-a"])
    } else {
        Cmd::new("/sbin/ip", ["addr"])
    };
    let jobs: Vec<(Target, Cmd)> = sns
        .iter()
        .map(|s| (Target::Host(s.to_string()), cmd.clone()))
        .collect();
    if opts.verbose {
        for (t, c) in &jobs {
            out.send(Response::new().info(msg::running_on(&t.to_string(), &c.to_shell_line())))?;
        }
    }
    let outs = run_each(runner, &jobs, FANOUT, INTERFACES_TIMEOUT);
    let mut remote: HashMap<&str, Vec<IpAddr>> = HashMap::new();
    for (sn, o) in sns.iter().zip(outs) {
        if o.ok() {
            remote.insert(sn, parse_interfaces(&o.stdout));
        } else {
            out.send(Response::new().data(msg::no_sn_addresses(sn)))?;
        }
    }
    Ok(remote)
}

#[cfg(test)]
mod tests {
    use super::parse_interfaces;

    #[test]
    fn ip_addr_output() {
        let text = "1: lo: <LOOPBACK,UP> mtu 65536\n    inet 127.0.0.1/8 scope host lo\n    inet6 ::1/128 scope host\n2: eth0: <UP>\n    inet 10.3.0.2/16 brd 10.3.255.255 scope global eth0\n    inet6 fe80::1%eth0/64 scope link\nsn2: inet 10.4.0.2 netmask 0xffff0000\n";
        let v = parse_interfaces(text);
        assert_eq!(
            v,
            vec![
                "127.0.0.1".parse::<std::net::IpAddr>().unwrap(),
                "::1".parse().unwrap(),
                "10.3.0.2".parse::<std::net::IpAddr>().unwrap(),
                "fe80::1".parse().unwrap(),
                "10.4.0.2".parse().unwrap()
            ]
        );
    }
}
