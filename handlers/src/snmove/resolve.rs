//! Name resolution for snmove, in this order: the xCAT `hosts` table (node
//! rows with group and regex inheritance: `ip`, plus `otherinterfaces` and
//! `hostnames` aliases), then the system resolver (getaddrinfo /
//! getnameinfo, each call bounded by a timeout).  Nothing here talks to the
//! nodes; asking a service node for its interfaces is in `destination`.

use std::collections::HashMap;
use std::net::{IpAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// One host as the hosts table describes it (after inheritance).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostEntry {
    pub ip: Option<String>,
    /// `hostnames` aliases.
    pub hostnames: Vec<String>,
    /// `otherinterfaces`: (interface host name, address).
    pub interfaces: Vec<(String, String)>,
}

impl HostEntry {
    /// Build from the raw column values of `node`'s (inherited) row.
    pub fn from_columns(
        node: &str,
        ip: Option<&str>,
        hostnames: Option<&str>,
        other: Option<&str>,
    ) -> HostEntry {
        let hostnames = hostnames
            .map(|h| {
                h.split([',', ' '])
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        HostEntry {
            ip: ip
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            hostnames,
            interfaces: parse_otherinterfaces(node, other.unwrap_or("")),
        }
    }
}

/// `otherinterfaces` = `name:ip[,name:ip…]`; a name starting with `-` is a
/// suffix of the node name (`-ib0` → `cn01-ib0`).
pub fn parse_otherinterfaces(node: &str, value: &str) -> Vec<(String, String)> {
    value
        .split(',')
        .filter_map(|item| {
            let (name, ip) = item.trim().split_once(':')?;
            let (name, ip) = (name.trim(), ip.trim());
            if name.is_empty() || ip.parse::<IpAddr>().is_err() {
                return None;
            }
            let name = if name.starts_with('-') {
                format!("{node}{name}")
            } else {
                name.to_string()
            };
            Some((name, ip.to_string()))
        })
        .collect()
}

/// The system resolver (replaceable in tests).
pub trait SystemResolver: Send + Sync {
    fn lookup(&self, name: &str) -> Vec<IpAddr>;
    fn reverse(&self, ip: &IpAddr) -> Option<String>;
}

/// getaddrinfo / getnameinfo, each bounded by `timeout` (a stuck DNS server
/// cannot hang the command; the lookup thread is abandoned).
pub struct Libc {
    pub timeout: Duration,
}

impl Default for Libc {
    fn default() -> Self {
        Libc {
            timeout: Duration::from_secs(3),
        }
    }
}

fn bounded<T: Send + 'static>(
    timeout: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(timeout).ok()
}

impl SystemResolver for Libc {
    fn lookup(&self, name: &str) -> Vec<IpAddr> {
        if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == '/') {
            return Vec::new();
        }
        let query = format!("{name}:0");
        bounded(self.timeout, move || {
            query
                .to_socket_addrs()
                .map(|a| a.map(|s| s.ip()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
        .unwrap_or_default()
    }

    fn reverse(&self, ip: &IpAddr) -> Option<String> {
        let ip = *ip;
        bounded(self.timeout, move || getnameinfo(ip)).flatten()
    }
}

fn getnameinfo(ip: IpAddr) -> Option<String> {
    dns_lookup::lookup_addr(&ip).ok().filter(|s| !s.is_empty())
}

/// The short form of a host name (text before the first dot); addresses stay.
pub fn short_name(name: &str) -> String {
    if name.parse::<IpAddr>().is_ok() {
        return name.to_string();
    }
    name.split('.').next().unwrap_or(name).to_string()
}

/// Resolution over the hosts table, then the system resolver.
pub struct Names {
    /// Hosts-table entries (inherited) of the nodes and service nodes involved.
    entries: HashMap<String, HostEntry>,
    /// Alias / interface name → address.
    aliases: HashMap<String, String>,
    system: Box<dyn SystemResolver>,
}

impl Names {
    pub fn new(
        entries: HashMap<String, HostEntry>,
        literal_rows: &[(String, HostEntry)],
        system: Box<dyn SystemResolver>,
    ) -> Names {
        let mut entries = entries;
        for (node, e) in literal_rows {
            entries.entry(node.clone()).or_insert_with(|| e.clone());
        }
        // Aliases: `hostnames` and `otherinterfaces` names (node names are
        // the entries' keys already).
        let mut aliases = HashMap::new();
        for e in entries.values() {
            if let Some(ip) = e.ip.as_deref().filter(|ip| ip.parse::<IpAddr>().is_ok()) {
                for h in &e.hostnames {
                    aliases.entry(h.clone()).or_insert_with(|| ip.to_string());
                }
            }
            for (name, ip) in &e.interfaces {
                aliases.entry(name.clone()).or_insert_with(|| ip.clone());
            }
        }
        Names {
            entries,
            aliases,
            system,
        }
    }

    /// The hosts-table entry of `node` (inherited), when it has one.
    pub fn entry(&self, node: &str) -> Option<&HostEntry> {
        self.entries.get(node)
    }

    /// Address of `name`: a literal address, the hosts table, then the system
    /// resolver (IPv4 preferred, as stock getipaddr).
    pub fn resolve(&self, name: &str) -> Option<IpAddr> {
        if let Ok(ip) = name.parse::<IpAddr>() {
            return Some(ip);
        }
        let from_table = self
            .entries
            .get(name)
            .and_then(|e| e.ip.as_deref())
            .or_else(|| self.aliases.get(name).map(String::as_str))
            .and_then(|ip| ip.parse::<IpAddr>().ok());
        if from_table.is_some() {
            return from_table;
        }
        let all = self.system.lookup(name);
        all.iter().find(|a| a.is_ipv4()).or(all.first()).copied()
    }

    /// Every known address of a service node with the name that goes with
    /// it: its hosts-table address (named after it), its other interfaces,
    /// then what the system resolver returns for its name.
    pub fn addresses_of(&self, sn: &str) -> Vec<(IpAddr, String)> {
        let mut out: Vec<(IpAddr, String)> = Vec::new();
        let push = |ip: IpAddr, name: &str, out: &mut Vec<(IpAddr, String)>| {
            if !out.iter().any(|(a, _)| *a == ip) {
                out.push((ip, name.to_string()));
            }
        };
        if let Some(e) = self.entries.get(sn) {
            if let Some(ip) = e.ip.as_deref().and_then(|s| s.parse().ok()) {
                push(ip, sn, &mut out);
            }
            for (name, ip) in &e.interfaces {
                if let Ok(ip) = ip.parse() {
                    push(ip, name, &mut out);
                }
            }
        } else if let Some(ip) = self.aliases.get(sn).and_then(|s| s.parse().ok()) {
            push(ip, sn, &mut out);
        }
        if out.is_empty() {
            for ip in self.system.lookup(sn) {
                push(ip, sn, &mut out);
            }
        }
        out
    }

    /// The host name of an address: the hosts table (a host's own address,
    /// then interface names, smallest name first for a stable answer), then
    /// the system resolver.  Rare (ssh fallback only), so a plain scan.
    pub fn name_of(&self, ip: &IpAddr) -> Option<String> {
        let want = ip.to_string();
        let own = self
            .entries
            .iter()
            .filter(|(_, e)| e.ip.as_deref() == Some(want.as_str()))
            .map(|(n, _)| n)
            .min();
        let iface = || {
            self.entries
                .values()
                .flat_map(|e| e.interfaces.iter())
                .filter(|(_, a)| *a == want)
                .map(|(n, _)| n)
                .min()
        };
        own.or_else(iface)
            .cloned()
            .or_else(|| self.system.reverse(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoSystem;
    impl SystemResolver for NoSystem {
        fn lookup(&self, name: &str) -> Vec<IpAddr> {
            if name == "dns-only" {
                vec!["192.168.9.9".parse().unwrap()]
            } else {
                Vec::new()
            }
        }
        fn reverse(&self, _ip: &IpAddr) -> Option<String> {
            None
        }
    }

    #[test]
    fn order_and_interfaces() {
        let mut entries = HashMap::new();
        entries.insert(
            "sn2".to_string(),
            HostEntry::from_columns(
                "sn2",
                Some("10.0.0.2"),
                Some("sn2.cluster"),
                Some("-ib0:10.2.0.2,sn2-eth1:10.3.0.2"),
            ),
        );
        entries.insert(
            "cn01".to_string(),
            HostEntry::from_columns("cn01", Some("10.3.1.1"), None, None),
        );
        let names = Names::new(entries, &[], Box::new(NoSystem));
        assert_eq!(names.resolve("cn01"), Some("10.3.1.1".parse().unwrap()));
        assert_eq!(names.resolve("sn2-ib0"), Some("10.2.0.2".parse().unwrap()));
        assert_eq!(
            names.resolve("sn2.cluster"),
            Some("10.0.0.2".parse().unwrap())
        );
        assert_eq!(
            names.resolve("dns-only"),
            Some("192.168.9.9".parse().unwrap())
        );
        assert_eq!(names.resolve("nowhere"), None);
        let a = names.addresses_of("sn2");
        assert_eq!(a.len(), 3);
        assert_eq!(a[2], ("10.3.0.2".parse().unwrap(), "sn2-eth1".to_string()));
        assert_eq!(
            names.name_of(&"10.2.0.2".parse().unwrap()).as_deref(),
            Some("sn2-ib0")
        );
        assert_eq!(short_name("sn2.cluster.net"), "sn2");
        assert_eq!(short_name("10.0.0.1"), "10.0.0.1");
    }
}
