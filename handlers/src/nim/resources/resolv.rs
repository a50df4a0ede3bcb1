//! `chk_resolv_conf` (xCAT-server/lib/xcat/plugins/aixinstall.pm:4716-5219): which NIM resolv_conf resource each node gets, and
//! the resource made on this server when it is a new one.
//!
//! Per node, in this order: the osimage's `resolv_conf`; else, when the
//! node's network has `nameservers` and `domain`, `<netname>_resolv_conf`;
//! else, when site has both, `<xcatmaster host>_resolv_conf` (site
//! nameservers contain `<xcatmaster>`) or `site_resolv_conf`.  The
//! `<xcatmaster>` server is the node's xcatmaster on its primary SN, the
//! local interface in the node's subnet on its backup SN, else nimprime.
//!
//! The file `<-l dir or installdir/nim>/resolv_conf/<name>/resolv.conf`
//! (`search <domain> <other domains>`, one `nameserver <ip>` line each) is
//! written locally; the resource is defined when NIM does not have it yet.
//!
//! Deliberate differences (README, Compatibility): each resource is
//! written once per run (stock rewrote it for every node once defined);
//! search domains are listed once each; an unresolvable nameserver is
//! refused for its node (stock wrote an empty `nameserver` line); with
//! NFSv4, an existing resource's `nfs_vers` is fixed on this server (stock
//! ran the commands on nimprime).

use crate::api::Aborted;
use crate::nim::cmd::{self, Nim};
use crate::nim::model::{Image, NodeNet, Reply};
use crate::nim::{parse, validate};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// Name resolution as xCAT's `getipaddr` / `gethostname` do it.
pub trait Resolver {
    fn ip_of(&self, name: &str) -> Option<IpAddr>;
    fn name_of(&self, ip: IpAddr) -> Option<String>;
}

/// The system resolver (`/etc/hosts`, DNS).
pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn ip_of(&self, name: &str) -> Option<IpAddr> {
        if let Ok(ip) = name.parse() {
            return Some(ip);
        }
        dns_lookup::lookup_host(name).ok()?.next()
    }

    fn name_of(&self, ip: IpAddr) -> Option<String> {
        dns_lookup::lookup_addr(&ip).ok()
    }
}

/// One node as `chk_resolv_conf` sees it.
#[derive(Debug, Clone, Default)]
pub struct ResolvNode {
    pub node: String,
    /// The node's osimage (for its `resolv_conf`).
    pub image: Option<Image>,
    /// The node's network (`getNetwkInfo`).
    pub net: Option<NodeNet>,
    /// `noderes.servicenode` (`primary,backup`).
    pub servicenode: String,
    /// `noderes.xcatmaster`.
    pub xcatmaster: String,
}

/// Everything else `chk_resolv_conf` reads.
pub struct ResolvParams<'a> {
    pub nodes: &'a [ResolvNode],
    pub site_domain: Option<&'a str>,
    pub site_nameservers: Option<&'a str>,
    /// Every `networks.domain` value, in table order.
    pub network_domains: &'a [String],
    pub nimprime: &'a str,
    /// `-l <dir>`, else `<installdir>/nim`.
    pub dir: Option<&'a str>,
    pub installdir: &'a str,
    /// The command line's `attr=val` (`nfs_vers`, `nfs_sec` apply).
    pub attrs: &'a BTreeMap<String, String>,
    pub nfsv4: bool,
    /// Whether a service-node name is this server (stock `is_me`).
    pub is_me: &'a dyn Fn(&str) -> bool,
    pub resolver: &'a dyn Resolver,
}

/// A resolv.conf to make: resource name, search domain, nameserver IPs.
struct Wanted {
    name: String,
    domain: String,
    servers: Vec<IpAddr>,
}

/// Stock `chk_resolv_conf`: node → resolv_conf resource name.  Stock returns nothing after a
/// failure that stops it (the nodes then get no resolv_conf); so does this.
pub fn chk_resolv_conf(
    nim: &Nim,
    reply: &mut Reply,
    p: &ResolvParams,
) -> Result<BTreeMap<String, String>, Aborted> {
    let mut chosen = BTreeMap::new();
    let Ok(defined) = nim.names_of_class("resources") else {
        reply.error("Could not get list of NIM resources.")?;
        return Ok(BTreeMap::new());
    };
    let my_ips = match nim.inet_addrs() {
        Ok(a) => a,
        Err(ran) => {
            reply.error(format!("Could not run '{}'.\n", ran.line))?;
            return Ok(BTreeMap::new());
        }
    };
    let mut done = BTreeSet::new();
    for n in p.nodes {
        let wanted = match choose(reply, p, n, &my_ips)? {
            Choice::Image(name) => {
                chosen.insert(n.node.clone(), name);
                continue;
            }
            Choice::Nothing => continue,
            Choice::Make(w) => w,
        };
        chosen.insert(n.node.clone(), wanted.name.clone());
        if !done.insert(wanted.name.clone()) {
            continue;
        }
        if !make(nim, reply, p, &wanted, &defined)? {
            return Ok(BTreeMap::new());
        }
    }
    Ok(chosen)
}

enum Choice {
    Image(String),
    Make(Wanted),
    Nothing,
}

/// The node's choice (reported refusals give `Nothing`).
fn choose(
    reply: &mut Reply,
    p: &ResolvParams,
    n: &ResolvNode,
    my_ips: &[(std::net::Ipv4Addr, std::net::Ipv4Addr)],
) -> Result<Choice, Aborted> {
    if let Some(rc) = n.image.as_ref().and_then(|i| i.get("resolv_conf")) {
        return Ok(Choice::Image(rc.to_string()));
    }
    let net = n.net.as_ref();
    let site = (p.site_nameservers, p.site_domain);
    let (name, domain, servers, site_xm) = match net {
        Some(net) if !net.nameservers.is_empty() && !net.domain.is_empty() => (
            format!("{}_resolv_conf", net.netname),
            net.domain.as_str(),
            net.nameservers.as_str(),
            false,
        ),
        _ => match site {
            (Some(ns), Some(d)) if !ns.is_empty() && !d.is_empty() => (
                "site_resolv_conf".to_string(),
                d,
                ns,
                ns.contains("xcatmaster"),
            ),
            _ => return Ok(Choice::Nothing),
        },
    };
    if let Err(e) = validate::host_name(&n.node, "domain", domain) {
        reply.error(format!("{e}\n"))?;
        return Ok(Choice::Nothing);
    }
    let mut wanted = Wanted {
        name,
        domain: domain.to_string(),
        servers: Vec::new(),
    };
    if servers.contains("xcatmaster") {
        let server = xcatmaster(p, n, my_ips);
        let ip = p.resolver.ip_of(&server);
        let host = match server.parse::<IpAddr>() {
            Ok(ip) => p.resolver.name_of(ip),
            Err(_) => Some(server.clone()),
        };
        let (Some(ip), Some(host)) = (ip, host) else {
            reply.error(format!("Can not resolve the node {}", n.node))?;
            return Ok(Choice::Nothing);
        };
        if site_xm {
            wanted.name = format!("{host}_resolv_conf");
        }
        wanted.servers.push(ip);
    } else {
        for s in servers.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some(ip) = p.resolver.ip_of(s) else {
                let text = format!("Could not resolve nameserver '{s}' for node {}.\n", n.node);
                reply.error(text)?;
                return Ok(Choice::Nothing);
            };
            wanted.servers.push(ip);
        }
    }
    if let Err(e) = validate::nim_name(&n.node, "resolv_conf", &wanted.name) {
        reply.error(format!("{e}\n"))?;
        return Ok(Choice::Nothing);
    }
    Ok(Choice::Make(wanted))
}

/// The `<xcatmaster>` server for a node: its xcatmaster on its primary SN,
/// this server's interface in its subnet on its backup SN, else nimprime.
fn xcatmaster(
    p: &ResolvParams,
    n: &ResolvNode,
    my_ips: &[(std::net::Ipv4Addr, std::net::Ipv4Addr)],
) -> String {
    let mut sns = n.servicenode.split(',').map(str::trim);
    let (sn1, sn2) = (sns.next().unwrap_or(""), sns.next().unwrap_or(""));
    let mut xmast = None;
    if !sn1.is_empty() && (p.is_me)(sn1) && !n.xcatmaster.is_empty() {
        xmast = Some(n.xcatmaster.clone());
    }
    if !sn2.is_empty() && (p.is_me)(sn2) {
        if let Some(net) = &n.net {
            let (Ok(a), Ok(m)) = (net.net.parse(), net.mask.parse()) else {
                return p.nimprime.to_string();
            };
            let local = my_ips
                .iter()
                .find(|(ip, _)| super::nimnet::in_subnet(*ip, a, m));
            if let Some((ip, _)) = local {
                xmast = p.resolver.name_of(IpAddr::V4(*ip)).or(xmast);
            }
        }
    }
    xmast.unwrap_or_else(|| p.nimprime.to_string())
}

/// Writes the file and defines (or, with NFSv4, fixes) the resource;
/// `false` after a failure that stops stock (reported).
fn make(
    nim: &Nim,
    reply: &mut Reply,
    p: &ResolvParams,
    w: &Wanted,
    defined: &[String],
) -> Result<bool, Aborted> {
    let base = match p.dir {
        Some(d) => d.trim_end_matches('/').to_string(),
        None => format!("{}/nim", p.installdir.trim_end_matches('/')),
    };
    let loc = format!("{base}/resolv_conf/{}", w.name);
    let file = format!("{loc}/resolv.conf");
    if let Err(e) = validate::path(&w.name, "location", &file) {
        reply.error(format!("{e}\n"))?;
        return Ok(false);
    }
    if std::fs::create_dir_all(&loc).is_err() {
        reply.error(format!("Could not create {loc}.\n"))?;
        return Ok(false);
    }
    if std::fs::write(&file, content(p, w)).is_err() {
        reply.error(format!("Could not add domain to {file}"))?;
        return Ok(false);
    }
    if defined.contains(&w.name) {
        return if p.nfsv4 {
            fix_nfs_vers(nim, reply, w, &file)
        } else {
            Ok(true)
        };
    }
    define(nim, reply, p, w, &file)
}

/// `search <domain> <the other domains>` and one `nameserver` line each.
fn content(p: &ResolvParams, w: &Wanted) -> String {
    let mut domains = vec![w.domain.as_str()];
    let all = p
        .network_domains
        .iter()
        .map(String::as_str)
        .chain(p.site_domain);
    for d in all.filter(|d| !d.is_empty()) {
        if !domains.contains(&d) && validate::host_name("site", "domain", d).is_ok() {
            domains.push(d);
        }
    }
    let mut text = format!("search {}\n", domains.join(" "));
    for ip in &w.servers {
        text.push_str(&format!("nameserver {ip}\n"));
    }
    text
}

fn define(
    nim: &Nim,
    reply: &mut Reply,
    p: &ResolvParams,
    w: &Wanted,
    file: &str,
) -> Result<bool, Aborted> {
    let mut attrs: BTreeMap<&str, &str> = BTreeMap::new();
    if p.nfsv4 {
        attrs.insert("nfs_vers", "4");
    }
    for (k, v) in p.attrs {
        if k == "nfs_vers" || k == "nfs_sec" {
            if let Err(e) = validate::nim_attr_value(&w.name, k, v) {
                reply.error(format!("{e}\n"))?;
                return Ok(false);
            }
            attrs.insert(k, v);
        }
    }
    let mut args: Vec<String> = ["-Fo", "define", "-t", "resolv_conf", "-a", "server=master"]
        .map(String::from)
        .to_vec();
    for (k, v) in attrs {
        args.extend(["-a".to_string(), format!("{k}={v}")]);
    }
    args.extend(["-a".to_string(), format!("location={file}"), w.name.clone()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if !nim.nim(&args).ok() {
        let text = format!("Could not create a NIM definition for '{}'.\n", w.name);
        reply.error(text)?;
        return Ok(false);
    }
    let text = format!("Created a new resolv_conf resource called '{}'.\n", w.name);
    reply.info(text)?;
    Ok(true)
}

/// NFSv4 and an existing resource without `nfs_vers=4`: unexport it and
/// change it to version 4.
fn fix_nfs_vers(nim: &Nim, reply: &mut Reply, w: &Wanted, file: &str) -> Result<bool, Aborted> {
    let ran = nim.lsnim(&["-Z", "-a", "nfs_vers", &w.name]);
    if !ran.ok() {
        reply.error(format!("Could not run lsnim command: '{}'.\n", ran.line))?;
        return Ok(false);
    }
    let vers = parse::colon_lines(&ran.out.stdout)
        .into_iter()
        .find_map(|f| f.get(1).filter(|v| !v.is_empty()).cloned());
    if vers.as_deref().is_some_and(|v| v != "3") {
        return Ok(true);
    }
    nim.run(cmd::RMNFSEXP, &["-d", file, "-B"]);
    let set = nim.nim(&["-Fo", "change", "-a", "nfs_vers=4", &w.name]);
    if set.ok() {
        return Ok(true);
    }
    let mut text = format!("Could not set nfs_vers=4 for resource {}.\n", w.name);
    if reply.verbose {
        text.push_str(&set.text());
    }
    reply.error(text)?;
    Ok(false)
}
