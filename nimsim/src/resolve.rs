//! Host name resolution the way NIM does it for `find_net` and client files, from the
//! host's own hosts file (`NIMSIM_HOSTS`, default `/etc/hosts`; each simulated host has
//! its own in its mount namespace), and IPv4 subnet arithmetic.

use std::net::Ipv4Addr;

/// The hosts file this process reads.
fn hosts_file() -> String {
    std::env::var("NIMSIM_HOSTS").unwrap_or_else(|_| "/etc/hosts".to_string())
}

/// The IPv4 address of `host` (an address literal, a name or alias, or the short form
/// of a listed long name), or None.
pub fn ipv4_of(host: &str) -> Option<Ipv4Addr> {
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return Some(ip);
    }
    let text = std::fs::read_to_string(hosts_file()).ok()?;
    let short = |n: &str| n.split('.').next().unwrap_or(n).to_string();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let Some(Ok(ip)) = words.next().map(str::parse::<Ipv4Addr>) else {
            continue;
        };
        if words.any(|name| name == host || short(name) == host) {
            return Some(ip);
        }
    }
    None
}

/// Whether `ip` lies in the network `net`/`mask` (dotted quads).
pub fn in_subnet(ip: Ipv4Addr, net: &str, mask: &str) -> bool {
    match (net.parse::<Ipv4Addr>(), mask.parse::<Ipv4Addr>()) {
        (Ok(net), Ok(mask)) => u32::from(ip) & u32::from(mask) == u32::from(net) & u32::from(mask),
        _ => false,
    }
}

/// The network address of `ip` under `mask`.
pub fn network_of(ip: Ipv4Addr, mask: Ipv4Addr) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(ip) & u32::from(mask))
}
