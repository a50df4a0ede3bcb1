//! `ifconfig -a` in AIX's layout from the host's real interfaces (`lo0`, `en0` …, hex
//! netmasks, which aixinstall.pm's `-S` code matches with
//! `inet\s+(.*?)\s+netmask\s+(.*?)\s+`), and the primary IPv4 address
//! `nim_master_setup` builds `master_net` from.  A host with a
//! `<state>/interfaces` file shows those instead (see `interfaces`).

use std::net::Ipv4Addr;

use crate::args;
use crate::outcome::Outcome;

/// The host's first non-loopback IPv4 address and netmask (loopback when none).
pub fn primary_ipv4() -> Option<(Ipv4Addr, Ipv4Addr)> {
    interfaces()
        .into_iter()
        .flat_map(|(_, addrs)| addrs)
        .find_map(|a| match a {
            Addr::V4(ip, mask) if !ip.is_loopback() => Some((ip, mask)),
            _ => None,
        })
}

enum Addr {
    V4(Ipv4Addr, Ipv4Addr),
    V6(String, u32),
}

/// Interfaces in kernel order, AIX names (`lo0`, `en0`, `en1` …), with their addresses.
fn interfaces() -> Vec<(String, Vec<Addr>)> {
    if let Some(simulated) = crate::interfaces::configured() {
        return simulated
            .into_iter()
            .map(|(name, addrs)| {
                let addrs = addrs.into_iter().map(|(a, m)| Addr::V4(a, m)).collect();
                (name, addrs)
            })
            .collect();
    }
    let mut list: Vec<(String, Vec<Addr>)> = Vec::new();
    let Ok(addrs) = nix::ifaddrs::getifaddrs() else {
        return list;
    };
    for ifa in addrs {
        let pos = match list.iter().position(|(n, _)| *n == ifa.interface_name) {
            Some(p) => p,
            None => {
                list.push((ifa.interface_name.clone(), Vec::new()));
                list.len() - 1
            }
        };
        let Some(addr) = ifa.address else { continue };
        if let Some(v4) = addr.as_sockaddr_in() {
            let mask = ifa
                .netmask
                .and_then(|m| m.as_sockaddr_in().map(|m| m.ip()))
                .unwrap_or(Ipv4Addr::new(255, 255, 255, 255));
            list[pos].1.push(Addr::V4(v4.ip(), mask));
        } else if let Some(v6) = addr.as_sockaddr_in6() {
            let prefix = ifa
                .netmask
                .and_then(|m| m.as_sockaddr_in6().map(|m| u128::from(m.ip()).count_ones()))
                .unwrap_or(64);
            list[pos].1.push(Addr::V6(v6.ip().to_string(), prefix));
        }
    }
    let mut en = 0;
    for (name, _) in list.iter_mut() {
        *name = if name.starts_with("lo") {
            "lo0".to_string()
        } else {
            en += 1;
            format!("en{}", en - 1)
        };
    }
    list
}

/// `ifconfig -a` (or `ifconfig <name>`) in AIX's layout.
pub fn ifconfig(argv: &[String]) -> Outcome {
    let only = match argv {
        [flag] if flag == "-a" => None,
        [name] => Some(name.as_str()),
        _ => {
            return args::usage_error(
                "ifconfig",
                "usage",
                "Usage: ifconfig -a | ifconfig Interface",
            )
        }
    };
    let mut out = Outcome::ok("");
    for (name, addrs) in interfaces()
        .into_iter()
        .filter(|(n, _)| only.is_none_or(|o| o == n))
    {
        let flags = if name == "lo0" {
            "e08084b,c0<UP,BROADCAST,LOOPBACK,RUNNING,SIMPLEX,MULTICAST,GROUPRT,64BIT,LARGESEND,CHAIN>"
        } else {
            "1e080863,480<UP,BROADCAST,NOTRAILERS,RUNNING,SIMPLEX,MULTICAST,GROUPRT,64BIT,CHECKSUM_OFFLOAD(ACTIVE),CHAIN>"
        };
        out.line(format!("{name}: flags={flags}"));
        for addr in addrs {
            match addr {
                Addr::V4(ip, mask) => {
                    let bcast = Ipv4Addr::from(u32::from(ip) | !u32::from(mask));
                    out.line(format!(
                        "\tinet {ip} netmask 0x{:08x} broadcast {bcast}",
                        u32::from(mask)
                    ));
                }
                Addr::V6(ip, prefix) => out.line(format!("\tinet6 {ip}/{prefix}")),
            }
        }
        out.line("\t tcp_sendspace 262144 tcp_recvspace 262144 rfc1323 1");
    }
    if out.stdout.is_empty() {
        if let Some(name) = only {
            return Outcome::fail(
                1,
                format!("ifconfig: error getting interface information for {name}"),
            );
        }
    }
    out
}
