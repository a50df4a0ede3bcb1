//! Subnet arithmetic for the `networks` table: a row's `net`/`mask` as an
//! address range, and whether an address lies in it.  Masks may be dotted
//! (`255.255.0.0`), a prefix length (`/16` or `16`), hexadecimal
//! (`0xffff0000`), or given as CIDR in `net` (`10.0.0.0/16`); IPv4 and IPv6,
//! IPv4-mapped IPv6 addresses count as IPv4.  Used by snmove (which network
//! a node is on) and the daemon (which domain to strip from a peer's name).

use std::net::IpAddr;

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

/// `ip` lies inside the network `net` / `mask` (false when they do not parse).
pub fn in_subnet(ip: IpAddr, net: &str, mask: &str) -> bool {
    parse_subnet(net, Some(mask)).is_some_and(|s| s.contains(ip))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn in_subnet_forms() {
        assert!(in_subnet(ip("10.1.2.3"), "10.1.0.0", "255.255.0.0"));
        assert!(!in_subnet(ip("10.2.2.3"), "10.1.0.0", "255.255.0.0"));
        assert!(in_subnet(ip("127.2.0.7"), "127.0.0.0", "255.0.0.0"));
        assert!(!in_subnet(ip("10.1.2.3"), "10.1.0.0", "255.0.255.0"));
        assert!(in_subnet(ip("10.1.2.3"), "10.1.0.0", "/16"));
        assert!(in_subnet(ip("fd00::5"), "fd00::", "64"));
        assert!(in_subnet(ip("fd00::5"), "fd00::", "/64"));
        assert!(!in_subnet(ip("fd01::5"), "fd00::", "64"));
        assert!(!in_subnet(ip("10.1.2.3"), "fd00::", "64"));
        assert!(!in_subnet(ip("10.1.2.3"), "junk", "/8"));
    }
}
