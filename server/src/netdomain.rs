//! Which DNS domain to strip from a peer's name (xCAT-server/sbin/xcatd:1588-1637): the
//! `networks.domain` of the network that contains the peer's address, else
//! `site.domain` (mask forms: `xcat_schema::subnet`).
//!
//! Stock takes the last matching row in table order.  When networks overlap,
//! xcatd-rs takes the most specific one (longest prefix) that has a domain
//! (ties: the later row, as stock), which is what an admin expects.

use std::net::IpAddr;
use xcat_schema::subnet::parse_subnet;

/// One `networks` row, as far as domain lookup needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkRow {
    pub net: Option<String>,
    pub mask: Option<String>,
    pub domain: Option<String>,
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
