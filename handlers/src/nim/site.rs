//! The site values the NIM commands share, read once per part: nimprime
//! (stock `getnimprime`, perl-xCAT/xCAT/InstUtils.pm:65-110: `site.nimprime`,
//! else `site.master`, as a short host name), `useNFSv4onAIX`
//! (xCAT-server/lib/xcat/plugins/aixinstall.pm:518-523), `domain`,
//! `nameservers` and `installdir`; and stock `is_me`
//! (perl-xCAT/xCAT/InstUtils.pm:207-260): whether a host name is this
//! server.

use crate::nim::cmd::Nim;
use crate::tables::dbutil::site_value;
use std::cell::OnceCell;
use std::net::{IpAddr, Ipv4Addr};
use xcat_schema::db::{Conn, DbError};

/// The site values of a NIM command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NimSite {
    /// `site.nimprime`, else `site.master`, as a short host name.
    pub nimprime: Option<String>,
    /// `site.useNFSv4onAIX` says yes (stock: matches `/1|Yes|yes|YES|Y|y/`).
    pub nfsv4: bool,
    pub domain: Option<String>,
    pub nameservers: Option<String>,
    /// `site.installdir`, default `/install`.
    pub installdir: String,
}

impl NimSite {
    pub fn load(conn: &mut Conn) -> Result<NimSite, DbError> {
        let nimprime = match site_value(conn, "nimprime")? {
            Some(v) => Some(v),
            None => site_value(conn, "master")?,
        };
        let nfsv4 = site_value(conn, "useNFSv4onAIX")?
            .is_some_and(|v| v.contains(['1', 'Y', 'y']) || v.contains("YES"));
        Ok(NimSite {
            nimprime: nimprime.map(|v| short_host(v.trim())),
            nfsv4,
            domain: site_value(conn, "domain")?,
            nameservers: site_value(conn, "nameservers")?,
            installdir: site_value(conn, "installdir")?.unwrap_or_else(|| "/install".into()),
        })
    }
}

/// A host's short name, an address looked up first (stock `getnimprime`);
/// an address that does not resolve stays as it is.
pub fn short_host(host: &str) -> String {
    let name = match host.parse::<IpAddr>() {
        Ok(ip) => dns_lookup::lookup_addr(&ip).unwrap_or_else(|_| host.to_string()),
        Err(_) => host.to_string(),
    };
    if name.parse::<IpAddr>().is_ok() {
        return name;
    }
    crate::nim::machine::short_name(&name).to_string()
}

/// Stock `is_me` on this server: its own short name, or a name whose
/// address is one of this server's (`ifconfig -a`, read once, and only
/// when a name resolves).
pub struct IsMe<'a, 'n> {
    pub short_host: &'a str,
    pub nim: &'a Nim<'n>,
    addrs: OnceCell<Vec<Ipv4Addr>>,
}

impl<'a, 'n> IsMe<'a, 'n> {
    pub fn new(short_host: &'a str, nim: &'a Nim<'n>) -> IsMe<'a, 'n> {
        IsMe {
            short_host,
            nim,
            addrs: OnceCell::new(),
        }
    }

    pub fn is_me(&self, name: &str) -> bool {
        if name.is_empty() {
            return false;
        }
        if crate::nim::machine::short_name(name) == self.short_host {
            return true;
        }
        let ip = match name.parse::<IpAddr>() {
            Ok(ip) => Some(ip),
            Err(_) => dns_lookup::lookup_host(name)
                .ok()
                .and_then(|mut a| a.next()),
        };
        let Some(IpAddr::V4(ip)) = ip else {
            return false;
        };
        let addrs = self.addrs.get_or_init(|| {
            let found = self.nim.inet_addrs().unwrap_or_default();
            found.into_iter().map(|(a, _)| a).collect()
        });
        addrs.contains(&ip)
    }
}
