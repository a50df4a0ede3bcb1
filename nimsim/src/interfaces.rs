//! A host's simulated network interfaces: `<state>/interfaces`, when present,
//! replaces the real interfaces in `ifconfig -a` (and in the address
//! `nim_master_setup` builds `master_net` from).  Tests that run several
//! simulated hosts on one machine give each its own addresses this way
//! (`mkdsklsnode -S` tells the local from the remote service node by them).
//!
//! One address per line, `NAME ADDRESS NETMASK` (`en0 198.18.0.11
//! 255.255.255.0`); blank lines and `#` comments are skipped.  `lo0
//! 127.0.0.1 255.0.0.0` comes first unless the file names `lo0` itself.

use std::net::Ipv4Addr;

/// One interface: its name and its (address, netmask) pairs.
pub type Interface = (String, Vec<(Ipv4Addr, Ipv4Addr)>);

/// The configured interfaces in file order (lo0 first), each with its IPv4
/// addresses and masks; None when the host has no interfaces file.
pub fn configured() -> Option<Vec<Interface>> {
    let text = std::fs::read_to_string(crate::store::state_dir().join("interfaces")).ok()?;
    Some(parse(&text))
}

fn parse(text: &str) -> Vec<Interface> {
    let mut list: Vec<Interface> = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let words: Vec<&str> = line.split_whitespace().collect();
        let [name, addr, mask] = words.as_slice() else {
            continue;
        };
        let (Ok(addr), Ok(mask)) = (addr.parse(), mask.parse()) else {
            continue;
        };
        match list.iter_mut().find(|(n, _)| n == name) {
            Some((_, addrs)) => addrs.push((addr, mask)),
            None => list.push((name.to_string(), vec![(addr, mask)])),
        }
    }
    if !list.iter().any(|(n, _)| n == "lo0") {
        let lo = (Ipv4Addr::LOCALHOST, Ipv4Addr::new(255, 0, 0, 0));
        list.insert(0, ("lo0".to_string(), vec![lo]));
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_order_with_loopback_first() {
        let list = parse("# sn1\nen0 198.18.0.11 255.255.255.0\nen1 10.1.0.11 255.255.0.0\nen0 198.18.0.111 255.255.255.0\nbad line\n");
        let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["lo0", "en0", "en1"]);
        assert_eq!(list[1].1.len(), 2);
        assert_eq!(list[2].1[0].1, Ipv4Addr::new(255, 255, 0, 0));
    }
}
