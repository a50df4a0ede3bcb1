//! Facts about the management node that `xcatd init` writes into
//! certificates and the site table, found the way xcatconfig finds them:
//!
//! * certificate CN: `--hostname`, else the output of `hostname`;
//! * SAN / `hostname --long`: the name itself when it has a dot, else the
//!   resolver's canonical name for it, else the name; `--short`: up to the
//!   first dot;
//! * `site.domain`: what follows the first dot of the long name (as
//!   `hostname -d`); not written when empty (stock's `chtab … site.value=`
//!   with an empty value writes no row either);
//! * `site.master` / `nameservers`: the first address the host name resolves
//!   to, IPv4 preferred (127.0.0.1 on a machine whose name maps to
//!   loopback, like the fixture's); `NORESOLUTION` when it does not resolve,
//!   as stock;
//! * `site.timezone`: the zone `/etc/localtime` links to, else
//!   `/etc/timezone`, else `UTC` (stock searches /usr/share/zoneinfo for an
//!   identical file, which on the fixture machine found the alias `Universal`);
//! * `site.forwarders`: `nameserver` lines of `/etc/resolv.conf` that are not
//!   an address of this host; loopback stub resolvers are skipped as well
//!   (nodes cannot use them).
//!
//! Tests build a [`HostFacts`] directly, which keeps their output stable.

use std::ffi::{CStr, CString};
use std::net::{IpAddr, ToSocketAddrs};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostFacts {
    /// Subject CN of the server certificate.
    pub hostname: String,
    pub long_name: String,
    pub short_name: String,
    pub domain: String,
    pub master: String,
    pub timezone: String,
    /// Comma-separated, empty when none.
    pub forwarders: String,
}

pub const NORESOLUTION: &str = "NORESOLUTION";

impl HostFacts {
    /// Discover everything from the running system (`--hostname` overrides
    /// the system host name).
    pub fn discover(hostname: Option<&str>) -> HostFacts {
        let hostname = match hostname {
            Some(h) if !h.is_empty() => h.to_string(),
            _ => system_hostname(),
        };
        let long_name = if hostname.contains('.') {
            hostname.clone()
        } else {
            canonical_name(&hostname).unwrap_or_else(|| hostname.clone())
        };
        let addrs = resolve(&hostname);
        let master = addrs
            .iter()
            .find(|a| a.is_ipv4())
            .or_else(|| addrs.first())
            .map(|a| a.to_string())
            .unwrap_or_else(|| NORESOLUTION.to_string());
        let forwarders = read_forwarders(Path::new("/etc/resolv.conf"), &addrs);
        HostFacts::from_names(
            &hostname,
            &long_name,
            &master,
            &system_timezone(),
            &forwarders,
        )
    }

    /// Facts from given names (tests, callers that know better).
    pub fn from_names(
        hostname: &str,
        long_name: &str,
        master: &str,
        timezone: &str,
        forwarders: &str,
    ) -> HostFacts {
        let short_name = hostname.split('.').next().unwrap_or(hostname).to_string();
        let domain = long_name
            .split_once('.')
            .map(|(_, d)| d.trim_end_matches('.').to_string())
            .unwrap_or_default();
        HostFacts {
            hostname: hostname.to_string(),
            long_name: long_name.to_string(),
            short_name,
            domain,
            master: master.to_string(),
            timezone: timezone.to_string(),
            forwarders: forwarders.to_string(),
        }
    }
}

pub fn system_hostname() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|s| s.into_string().ok())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

fn resolve(name: &str) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = Vec::new();
    if let Ok(iter) = (name, 0u16).to_socket_addrs() {
        for sa in iter {
            if !out.contains(&sa.ip()) {
                out.push(sa.ip());
            }
        }
    }
    out
}

/// The resolver's canonical name (`hostname --long`).
fn canonical_name(name: &str) -> Option<String> {
    let c_name = CString::new(name).ok()?;
    // SAFETY: plain getaddrinfo/freeaddrinfo use with a zeroed hints struct;
    // the result list is only read before it is freed.
    unsafe {
        let mut hints: libc::addrinfo = std::mem::zeroed();
        hints.ai_flags = libc::AI_CANONNAME;
        hints.ai_family = libc::AF_UNSPEC;
        let mut res: *mut libc::addrinfo = std::ptr::null_mut();
        if libc::getaddrinfo(c_name.as_ptr(), std::ptr::null(), &hints, &mut res) != 0 {
            return None;
        }
        let mut found = None;
        if !res.is_null() && !(*res).ai_canonname.is_null() {
            found = CStr::from_ptr((*res).ai_canonname)
                .to_str()
                .ok()
                .map(str::to_string);
        }
        libc::freeaddrinfo(res);
        found.filter(|n| !n.is_empty())
    }
}

fn system_timezone() -> String {
    if let Ok(target) = std::fs::read_link("/etc/localtime") {
        let t = target.to_string_lossy().to_string();
        if let Some((_, zone)) = t.split_once("zoneinfo/") {
            if !zone.is_empty() {
                return zone.to_string();
            }
        }
    }
    if let Ok(text) = std::fs::read_to_string("/etc/timezone") {
        let tz = text.trim();
        if !tz.is_empty() {
            return tz.to_string();
        }
    }
    "UTC".to_string()
}

/// `nameserver` addresses of a resolv.conf that are not ours nor loopback.
pub fn read_forwarders(path: &Path, own: &[IpAddr]) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        if words.next() != Some("nameserver") {
            continue;
        }
        let Some(addr) = words.next() else { continue };
        if let Ok(ip) = addr.parse::<IpAddr>() {
            if ip.is_loopback() || own.contains(&ip) {
                continue;
            }
        }
        if !out.iter().any(|o| o == addr) {
            out.push(addr.to_string());
        }
    }
    out.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let f = HostFacts::from_names("mn1", "mn1.cluster.test", "10.0.0.1", "UTC", "");
        assert_eq!(f.short_name, "mn1");
        assert_eq!(f.domain, "cluster.test");
        let f = HostFacts::from_names("vm", "vm", "127.0.0.1", "UTC", "");
        assert_eq!(f.domain, "");
    }

    #[test]
    fn forwarders_skip_loopback_and_own() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("resolv.conf");
        std::fs::write(
            &p,
            "# x\nnameserver 127.0.0.53\nnameserver 10.0.0.1\nnameserver 8.8.8.8\nsearch a\n",
        )
        .unwrap();
        let own: Vec<IpAddr> = vec!["10.0.0.1".parse().unwrap()];
        assert_eq!(read_forwarders(&p, &own), "8.8.8.8");
    }
}
