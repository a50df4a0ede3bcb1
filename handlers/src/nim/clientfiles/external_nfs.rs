//! Clients (aixinstall.pm:12063-12265) whose `noderes.nfsserver` is another host mount
//! `/` and `/usr` from it: their hosts file names it, their filesystems
//! file mounts from it and, for root (not shared_root) images, their
//! `<tftpdir>/<nodeip>.info` boots from it; and every client gets a `/proc`
//! stanza (aixinstall.pm:12063-12265).  Messages as stock, none counted as
//! an error of the command (stock `next`s without `$error++`).

use super::{edits, uncounted, ClientFiles};
use crate::api::Aborted;
use crate::nim::cmd::Nim;
use crate::nim::model::Reply;
use crate::nim::validate::{self, Invalid};
use crate::snmove::resolve::SystemResolver;
use std::net::IpAddr;

/// Where a node's client files are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeRoot<'a> {
    /// The osimage has a shared_root at this location:
    /// `<loc>/etc/.client_data/{hosts,filesystems}.<nimname>`.
    SharedRoot(&'a str),
    /// The osimage has a root resource at this location:
    /// `<loc>/<nimname>/etc/{hosts,filesystems}`.
    Root(&'a str),
}

/// One node NIM initialised on this server.
#[derive(Debug, Clone, Copy)]
pub struct NfsNode<'a> {
    /// xCAT node name (messages).
    pub node: &'a str,
    /// NIM machine name (`<short>` or, with `-n`, `<short>_<osimage>`).
    pub nimname: &'a str,
    /// The node's address (its `.info` file); None when it did not resolve.
    pub node_ip: Option<IpAddr>,
    pub root: NodeRoot<'a>,
    /// `noderes.nfsserver`, when set.
    pub nfsserver: Option<&'a str>,
}

impl NfsNode<'_> {
    fn hosts_file(&self) -> String {
        match self.root {
            NodeRoot::SharedRoot(l) => format!("{l}/etc/.client_data/hosts.{}", self.nimname),
            NodeRoot::Root(l) => format!("{l}/{}/etc/hosts", self.nimname),
        }
    }

    fn filesystems_file(&self) -> String {
        match self.root {
            NodeRoot::SharedRoot(l) => {
                format!("{l}/etc/.client_data/filesystems.{}", self.nimname)
            }
            NodeRoot::Root(l) => format!("{l}/{}/etc/filesystems", self.nimname),
        }
    }

    fn validate(&self, tftpdir: &str) -> Result<(), Invalid> {
        validate::host_name(self.node, "node", self.node)?;
        validate::nim_name(self.node, "NIM name", self.nimname)?;
        let (NodeRoot::SharedRoot(loc) | NodeRoot::Root(loc)) = self.root;
        validate::path(self.node, "location", loc)?;
        validate::path("site", "tftpdir", tftpdir)?;
        if let Some(s) = self.nfsserver.filter(|s| s.parse::<IpAddr>().is_err()) {
            validate::host_name(self.node, "nfsserver", s)?;
        }
        Ok(())
    }
}

/// The external NFS server edits and the `/proc` stanza for one node that
/// NIM initialised.  `this_host`: this server's addresses (an nfsserver
/// that is this host needs nothing).  `Ok(false)` when the node was
/// skipped with a message.
pub fn edit_for_nfs_server(
    files: &ClientFiles,
    names: &dyn SystemResolver,
    this_host: &[IpAddr],
    tftpdir: &str,
    n: &NfsNode,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    if let Err(e) = n.validate(tftpdir) {
        reply.error(format!("{e}\n"))?;
        return Ok(false);
    }
    if let Some(server) = n.nfsserver.filter(|s| !s.is_empty()) {
        let is_me = lookup(names, server).is_some_and(|ip| this_host.contains(&ip));
        if !is_me && !point_at_server(files, names, tftpdir, n, server, reply)? {
            return Ok(false);
        }
    }
    add_proc(files, n, reply)
}

/// This server's addresses for [`edit_for_nfs_server`] (stock `is_me`
/// compares with `gethost_ips`, i.e. `ifconfig -a`); empty when
/// `ifconfig` fails.
pub fn this_host_addresses(nim: &Nim) -> Vec<IpAddr> {
    nim.inet_addrs()
        .map(|v| v.into_iter().map(|(ip, _)| IpAddr::V4(ip)).collect())
        .unwrap_or_default()
}

fn lookup(names: &dyn SystemResolver, name: &str) -> Option<IpAddr> {
    if let Ok(ip) = name.parse() {
        return Some(ip);
    }
    let all = names.lookup(name);
    all.iter().find(|a| a.is_ipv4()).or(all.first()).copied()
}

/// Stock `gethostnameandip`: (name, address) of a name or an address.
fn host_and_ip(names: &dyn SystemResolver, value: &str) -> Option<(String, IpAddr)> {
    match value.parse::<IpAddr>() {
        Ok(ip) => names.reverse(&ip).map(|h| (h, ip)),
        Err(_) => lookup(names, value).map(|ip| (value.to_string(), ip)),
    }
}

/// The `.info` (root images), hosts and filesystems edits for a node whose
/// nfsserver is `server` (aixinstall.pm:12090-12212).
fn point_at_server(
    files: &ClientFiles,
    names: &dyn SystemResolver,
    tftpdir: &str,
    n: &NfsNode,
    server: &str,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    let node = n.node;
    let resolved = host_and_ip(names, server)
        .filter(|(h, _)| validate::host_name(node, "nfsserver", h).is_ok());
    let Some((nfshost, nfsip)) = resolved else {
        // Stock names the resolved host (empty when it did not resolve): we
        // name the configured value.
        uncounted(
            reply,
            format!("Can not resolve the nfsserver {server} for node {node}"),
        )?;
        return Ok(false);
    };
    let nfsip = nfsip.to_string();
    if matches!(n.root, NodeRoot::Root(_))
        && !rewrite_info(files, tftpdir, n, &nfshost, &nfsip, reply)?
    {
        return Ok(false);
    }
    let hosts = n.hosts_file();
    let text = files.read(&hosts).unwrap_or_default();
    if files
        .write(&hosts, &edits::hosts_with(&text, &nfsip, &nfshost))
        .is_err()
    {
        uncounted(
            reply,
            format!("Can not update the NIM hosts file {hosts} for node {node}"),
        )?;
        return Ok(false);
    }
    let fs = n.filesystems_file();
    let Ok(text) = files.read(&fs) else {
        uncounted(
            reply,
            format!("Can not open the filesystems file {fs} for node {node}"),
        )?;
        return Ok(false);
    };
    if files
        .write(&fs, &edits::filesystems_on(&text, &nfshost))
        .is_err()
    {
        uncounted(
            reply,
            format!("Can not update the NIM filesystems file {fs} for node {node}"),
        )?;
        return Ok(false);
    }
    Ok(true)
}

/// `<tftpdir>/<nodeip>.info`: SPOT / ROOT from the server, the server in
/// NIM_HOSTS (aixinstall.pm:12125-12165).
fn rewrite_info(
    files: &ClientFiles,
    tftpdir: &str,
    n: &NfsNode,
    nfshost: &str,
    nfsip: &str,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    let node = n.node;
    let Some(ip) = n.node_ip else {
        uncounted(reply, format!("Can not resolve the node {node}"))?;
        return Ok(false);
    };
    let info = format!("{tftpdir}/{ip}.info");
    let Ok(text) = files.read(&info) else {
        uncounted(
            reply,
            format!("Can not open the niminfo file {info} for node {node}"),
        )?;
        return Ok(false);
    };
    let new = edits::info_for_nfs_server(&text, nfshost, nfsip);
    if files.write(&info, &new).is_err() {
        uncounted(reply, format!("Can not open the file {info} for writing"))?;
        return Ok(false);
    }
    Ok(true)
}

/// The `/proc` stanza, unless the filesystems file has `proc:`
/// (aixinstall.pm:12215-12263).
fn add_proc(files: &ClientFiles, n: &NfsNode, reply: &mut Reply) -> Result<bool, Aborted> {
    let (node, fs) = (n.node, n.filesystems_file());
    let Ok(text) = files.read(&fs) else {
        uncounted(
            reply,
            format!("Can not open the filesystems file {fs} for node {node}"),
        )?;
        return Ok(false);
    };
    let new = edits::filesystems_with_proc(&text);
    if new != text && files.write(&fs, &new).is_err() {
        uncounted(
            reply,
            format!("Can not update the NIM filesystems file {fs} for node {node}"),
        )?;
        return Ok(false);
    }
    Ok(true)
}
