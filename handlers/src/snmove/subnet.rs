//! Which networks row a node belongs to (stock: the last matching row wins;
//! the subnet arithmetic is `xcat_schema::subnet`).

use std::net::IpAddr;
use xcat_schema::subnet::in_subnet;

/// One `networks` row, the columns snmove uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Network {
    pub netname: Option<String>,
    pub net: String,
    pub mask: String,
    pub gateway: Option<String>,
    pub mgtifname: Option<String>,
}

/// The networks row of `ip`: the last matching row (stock getNetwkInfo).
pub fn network_of<'a>(ip: &IpAddr, networks: &'a [Network]) -> Option<&'a Network> {
    networks
        .iter()
        .rev()
        .find(|n| in_subnet(*ip, &n.net, &n.mask))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
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
