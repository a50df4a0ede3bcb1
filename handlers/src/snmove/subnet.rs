//! Subnet arithmetic for the networks table: is an address inside `net/mask`
//! (dotted IPv4 mask or prefix length, IPv4 and IPv6), and which networks row
//! a node belongs to (stock: the last matching row wins).

use std::net::IpAddr;

/// One `networks` row, the columns snmove uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Network {
    pub netname: Option<String>,
    pub net: String,
    pub mask: String,
    pub gateway: Option<String>,
    pub mgtifname: Option<String>,
}

fn prefix_len(mask: &str, bits: u32) -> Option<u32> {
    let m = mask.trim().trim_start_matches('/');
    if let Ok(n) = m.parse::<u32>() {
        return (n <= bits).then_some(n);
    }
    match m.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) if bits == 32 => {
            let x = u32::from(v4);
            let n = x.leading_ones();
            (x.checked_shl(n).unwrap_or(0) == 0).then_some(n)
        }
        IpAddr::V6(v6) if bits == 128 => {
            let x = u128::from(v6);
            let n = x.leading_ones();
            (x.checked_shl(n).unwrap_or(0) == 0).then_some(n)
        }
        _ => None,
    }
}

/// `ip` is inside `net` with `mask` (same address family only).
pub fn in_subnet(ip: &IpAddr, net: &str, mask: &str) -> bool {
    let Ok(net) = net.trim().parse::<IpAddr>() else {
        return false;
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => prefix_len(mask, 32).is_some_and(|p| {
            let m = if p == 0 { 0 } else { u32::MAX << (32 - p) };
            (u32::from(*a) & m) == (u32::from(n) & m)
        }),
        (IpAddr::V6(a), IpAddr::V6(n)) => prefix_len(mask, 128).is_some_and(|p| {
            let m = if p == 0 { 0 } else { u128::MAX << (128 - p) };
            (u128::from(*a) & m) == (u128::from(n) & m)
        }),
        _ => false,
    }
}

/// The networks row of `ip`: the last matching row (stock getNetwkInfo).
pub fn network_of<'a>(ip: &IpAddr, networks: &'a [Network]) -> Option<&'a Network> {
    networks
        .iter()
        .rev()
        .find(|n| in_subnet(ip, &n.net, &n.mask))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn v4_and_v6() {
        assert!(in_subnet(&ip("10.1.2.3"), "10.1.0.0", "255.255.0.0"));
        assert!(!in_subnet(&ip("10.2.2.3"), "10.1.0.0", "255.255.0.0"));
        assert!(in_subnet(&ip("10.1.2.3"), "10.1.0.0", "/16"));
        assert!(in_subnet(&ip("127.2.0.7"), "127.0.0.0", "255.0.0.0"));
        assert!(
            !in_subnet(&ip("10.1.2.3"), "10.1.0.0", "255.0.255.0"),
            "non-contiguous mask"
        );
        assert!(in_subnet(&ip("fd00::5"), "fd00::", "/64"));
        assert!(in_subnet(&ip("fd00::5"), "fd00::", "64"));
        assert!(!in_subnet(&ip("fd01::5"), "fd00::", "64"));
        assert!(!in_subnet(&ip("10.1.2.3"), "fd00::", "64"));
    }

    #[test]
    fn last_match_wins() {
        let nets = vec![
            Network {
                net: "10.0.0.0".into(),
                mask: "255.0.0.0".into(),
                netname: Some("a".into()),
                ..Default::default()
            },
            Network {
                net: "10.1.0.0".into(),
                mask: "255.255.0.0".into(),
                netname: Some("b".into()),
                ..Default::default()
            },
        ];
        assert_eq!(
            network_of(&ip("10.1.0.9"), &nets)
                .unwrap()
                .netname
                .as_deref(),
            Some("b")
        );
        assert_eq!(
            network_of(&ip("10.2.0.9"), &nets)
                .unwrap()
                .netname
                .as_deref(),
            Some("a")
        );
        assert!(network_of(&ip("11.0.0.1"), &nets).is_none());
    }
}
