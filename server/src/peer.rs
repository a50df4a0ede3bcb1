//! The peer's host name (xCAT-server/sbin/xcatd:1588-1637): reverse lookup of its address
//! ([`crate::resolver`]: bounded in time, cached briefly), then the domain and a trailing
//! `-eth<N>`, `-ib<N>` or `-myri<N>` stripped.  `::ffff:` mapped addresses are
//! treated as IPv4.

use std::net::{IpAddr, SocketAddr};

/// Identity of the other end of a connection.
#[derive(Debug, Clone, Default)]
pub struct PeerInfo {
    pub ip: Option<IpAddr>,
    pub port: u16,
    /// CN of the verified client certificate.
    pub name: Option<String>,
    /// Reverse-resolved name as returned (`_xcat_clientfqdn`).
    pub fqdn: Option<String>,
    /// Short host name (`_xcat_clienthost`).
    pub host: Option<String>,
}

/// `::ffff:a.b.c.d` → `a.b.c.d`.
pub fn unmap(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::new(IpAddr::V4(v4), v6.port()),
            None => addr,
        },
        v4 => v4,
    }
}

/// Strip `.domain` (or from the first dot when no domain is known), then a
/// trailing `-eth<digits>`, `-myri<digits>` or `-ib<digits>`.
pub fn short_host(fqdn: &str, domain: Option<&str>) -> String {
    let name = fqdn.trim_end_matches('.');
    let mut host = match domain
        .map(|d| d.trim_matches('.'))
        .filter(|d| !d.is_empty())
    {
        Some(d) => {
            let suffix = format!(".{d}");
            name.strip_suffix(&suffix).unwrap_or(name).to_string()
        }
        None => name.split('.').next().unwrap_or(name).to_string(),
    };
    for tag in ["-eth", "-myri", "-ib"] {
        if let Some(pos) = host.rfind(tag) {
            let digits = &host[pos + tag.len()..];
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                host.truncate(pos);
                break;
            }
        }
    }
    host
}

/// Blocking reverse lookup (getnameinfo, name required).
pub fn reverse_lookup_blocking(ip: IpAddr) -> Option<String> {
    dns_lookup::lookup_addr(&ip).ok().filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripping() {
        assert_eq!(short_host("cn1.cluster.net", Some("cluster.net")), "cn1");
        assert_eq!(
            short_host("cn1-eth0.cluster.net.", Some("cluster.net")),
            "cn1"
        );
        assert_eq!(short_host("cn1-ib12.a.b", None), "cn1");
        assert_eq!(short_host("cn1-ibx", None), "cn1-ibx");
        assert_eq!(short_host("a.b.other", Some("cluster")), "a.b.other");
        assert_eq!(short_host("localhost", None), "localhost");
    }

    #[test]
    fn unmapping() {
        let a: SocketAddr = "[::ffff:10.1.2.3]:40000".parse().unwrap();
        assert_eq!(unmap(a).to_string(), "10.1.2.3:40000");
        let b: SocketAddr = "[::1]:5".parse().unwrap();
        assert_eq!(unmap(b), b);
    }

    #[test]
    fn loopback_resolves() {
        let n = reverse_lookup_blocking("127.0.0.1".parse().unwrap());
        assert!(n.is_some());
    }
}
