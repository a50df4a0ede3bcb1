//! Which DNS domain to strip from a peer's name (protocol.md §2b): the
//! `networks.domain` of the network that contains the peer's address, else
//! `site.domain`.  Networks are given as `net`/`mask` with the mask dotted
//! (`255.255.0.0`), as a prefix length (`/16` or `16`), in hex (`0xffff0000`),
//! or as CIDR in `net` (`10.0.0.0/16`); IPv4 and IPv6.
//!
//! Stock takes the last matching row in table order.  When networks overlap,
//! xcatd-rs takes the most specific one (longest prefix) that has a domain
//! (ties: the later row, as stock), which is what an admin expects.

use std::net::IpAddr;

/// One `networks` row, as far as domain lookup needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkRow {
    pub net: Option<String>,
    pub mask: Option<String>,
    pub domain: Option<String>,
}

/// An address range: network address and prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subnet {
    pub addr: IpAddr,
    pub prefix: u8,
}

fn width(ip: &IpAddr) -> u8 {
    match ip {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

fn bits(ip: &IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(u32::from(*v4)),
        IpAddr::V6(v6) => u128::from(*v6),
    }
}

/// Prefix length of a contiguous mask of `width` bits, `None` otherwise.
fn mask_prefix(mask: u128, width: u8) -> Option<u8> {
    let ones = mask.count_ones();
    if ones > u32::from(width) {
        return None;
    }
    let expected = if ones == 0 {
        0
    } else {
        (u128::MAX >> (128 - u32::from(width))) & !((1u128 << (u32::from(width) - ones)) - 1)
    };
    (mask == expected).then_some(ones as u8)
}

fn parse_mask(mask: &str, net: &IpAddr) -> Option<u8> {
    let w = width(net);
    let m = mask.trim();
    let digits = m.strip_prefix('/').unwrap_or(m);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits.parse::<u8>().ok().filter(|p| *p <= w);
    }
    if let Some(hex) = m.strip_prefix("0x").or_else(|| m.strip_prefix("0X")) {
        let v = u128::from_str_radix(hex, 16).ok()?;
        return mask_prefix(v, w);
    }
    let ip: IpAddr = m.parse().ok()?;
    if width(&ip) != w {
        return None;
    }
    mask_prefix(bits(&ip), w)
}

/// `net` and `mask` of a `networks` row → subnet, `None` when unusable.
pub fn parse_subnet(net: &str, mask: Option<&str>) -> Option<Subnet> {
    let net = net.trim();
    let (addr, prefix) = match net.split_once('/') {
        Some((a, p)) => {
            let addr: IpAddr = a.trim().parse().ok()?;
            (addr, parse_mask(p, &addr)?)
        }
        None => {
            let addr: IpAddr = net.parse().ok()?;
            (addr, parse_mask(mask?, &addr)?)
        }
    };
    Some(Subnet { addr, prefix })
}

impl Subnet {
    /// Whether `ip` lies in this subnet (IPv4-mapped IPv6 counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        if width(&ip) != width(&self.addr) {
            return false;
        }
        let w = u32::from(width(&ip));
        let host_bits = w - u32::from(self.prefix);
        let mask = if host_bits >= 128 {
            0
        } else {
            !((1u128 << host_bits) - 1)
        };
        bits(&ip) & mask == bits(&self.addr) & mask
    }
}

/// The `networks.domain` for `ip`, when a network with a domain contains it.
pub fn network_domain(ip: IpAddr, rows: &[NetworkRow]) -> Option<&str> {
    let mut best: Option<(u8, &str)> = None;
    for row in rows {
        let Some(domain) = row.domain.as_deref().filter(|d| !d.trim().is_empty()) else {
            continue;
        };
        let Some(subnet) = row
            .net
            .as_deref()
            .and_then(|n| parse_subnet(n, row.mask.as_deref()))
        else {
            continue;
        };
        if subnet.contains(ip) && best.is_none_or(|(p, _)| subnet.prefix >= p) {
            best = Some((subnet.prefix, domain));
        }
    }
    best.map(|(_, d)| d)
}

/// Domain to strip from the name of a peer at `ip`: its network's, else
/// `site.domain`.
pub fn peer_domain<'a>(
    ip: IpAddr,
    rows: &'a [NetworkRow],
    site_domain: Option<&'a str>,
) -> Option<&'a str> {
    network_domain(ip, rows).or(site_domain.filter(|d| !d.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(net: &str, mask: &str, domain: &str) -> NetworkRow {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        NetworkRow {
            net: opt(net),
            mask: opt(mask),
            domain: opt(domain),
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn mask_forms() {
        let dotted = parse_subnet("10.1.0.0", Some("255.255.0.0")).unwrap();
        assert_eq!(dotted.prefix, 16);
        assert_eq!(parse_subnet("10.1.0.0", Some("/16")), Some(dotted));
        assert_eq!(parse_subnet("10.1.0.0", Some("16")), Some(dotted));
        assert_eq!(parse_subnet("10.1.0.0", Some("0xffff0000")), Some(dotted));
        assert_eq!(parse_subnet("10.1.0.0/16", None), Some(dotted));
        assert_eq!(parse_subnet("10.1.0.0/16", Some("255.0.0.0")), Some(dotted));
        assert_eq!(parse_subnet("0.0.0.0", Some("0.0.0.0")).unwrap().prefix, 0);
        assert_eq!(
            parse_subnet("fd00:1::", Some("/64")).unwrap().prefix,
            64,
            "IPv6 prefix"
        );
        assert_eq!(
            parse_subnet("fd00:1::", Some("ffff:ffff:ffff:ffff::"))
                .unwrap()
                .prefix,
            64
        );
        assert_eq!(parse_subnet("10.1.0.0", Some("255.0.255.0")), None);
        assert_eq!(parse_subnet("10.1.0.0", Some("/33")), None);
        assert_eq!(parse_subnet("10.1.0.0", None), None);
        assert_eq!(parse_subnet("not-an-ip", Some("/8")), None);
        assert_eq!(parse_subnet("10.1.0.0", Some("ffff::")), None);
    }

    #[test]
    fn containment() {
        let s = parse_subnet("10.1.0.0", Some("255.255.0.0")).unwrap();
        assert!(s.contains(ip("10.1.200.3")));
        assert!(!s.contains(ip("10.2.0.1")));
        assert!(s.contains(ip("::ffff:10.1.0.9")), "v4-mapped");
        assert!(!s.contains(ip("fd00::1")));
        let all = parse_subnet("0.0.0.0", Some("/0")).unwrap();
        assert!(all.contains(ip("192.0.2.1")));
        let v6 = parse_subnet("fd00:1::", Some("/64")).unwrap();
        assert!(v6.contains(ip("fd00:1::abcd")));
        assert!(!v6.contains(ip("fd00:2::1")));
        let host = parse_subnet("10.0.0.5/32", None).unwrap();
        assert!(host.contains(ip("10.0.0.5")));
        assert!(!host.contains(ip("10.0.0.6")));
    }

    #[test]
    fn domain_choice() {
        let rows = vec![
            row("10.0.0.0", "255.0.0.0", "wide.example"),
            row("10.1.0.0", "255.255.0.0", "mgmt.example"),
            row("10.2.0.0", "255.255.0.0", ""),
            row("192.168.0.0", "/24", "lab.example"),
            row("fd00:1::", "/64", "v6.example"),
            row("bogus", "/8", "never.example"),
        ];
        assert_eq!(network_domain(ip("10.1.2.3"), &rows), Some("mgmt.example"));
        assert_eq!(
            network_domain(ip("10.2.2.3"), &rows),
            Some("wide.example"),
            "the specific network has no domain; the wider one's applies"
        );
        assert_eq!(network_domain(ip("10.9.9.9"), &rows), Some("wide.example"));
        assert_eq!(
            network_domain(ip("192.168.0.77"), &rows),
            Some("lab.example")
        );
        assert_eq!(network_domain(ip("fd00:1::7"), &rows), Some("v6.example"));
        assert_eq!(network_domain(ip("172.16.0.1"), &rows), None);
        assert_eq!(
            peer_domain(ip("172.16.0.1"), &rows, Some("site.example")),
            Some("site.example")
        );
        assert_eq!(
            peer_domain(ip("10.1.0.1"), &rows, Some("site.example")),
            Some("mgmt.example")
        );
        assert_eq!(peer_domain(ip("172.16.0.1"), &rows, Some("")), None);
        assert_eq!(peer_domain(ip("172.16.0.1"), &[], None), None);
    }

    #[test]
    fn equal_networks_later_row_wins() {
        let rows = vec![
            row("10.0.0.0", "/8", "first.example"),
            row("10.0.0.0", "255.0.0.0", "second.example"),
        ];
        assert_eq!(
            network_domain(ip("10.3.3.3"), &rows),
            Some("second.example")
        );
    }

    #[test]
    fn stripping_uses_the_network_domain() {
        let rows = vec![row("10.1.0.0", "/16", "mgmt.example")];
        let d = peer_domain(ip("10.1.0.4"), &rows, Some("site.example"));
        assert_eq!(crate::peer::short_host("cn4-eth1.mgmt.example", d), "cn4");
        assert_eq!(
            crate::peer::short_host("cn4.site.example", d),
            "cn4.site.example",
            "only the network's domain is stripped"
        );
    }
}
