//! `mkdsklsnode -S/--setuphanfs` on a service node: export the install
//! directory over NFSv4 with the service node pair as replicas
//! (xCAT-server/lib/xcat/plugins/aixinstall.pm:12389-12691).  Run on both
//! service nodes of the pair, it leaves each exporting `/install` with
//! itself and the other as replica locations.
//!
//! The steps, as stock: the pair is the union of the nodes' `servicenode`
//! values (exactly two), one xcatmaster (by address), the local and remote
//! service node told apart by this host's addresses, the local and the
//! remote address in the xcatmaster's subnet (`ifconfig -a`, here and over
//! ssh), the current exports (`lsnfsexp -c`), then nothing, or `rmnfsexp`
//! and/or the export sequence.  Every command runs through [`Nim`] (stock
//! absolute paths, no shell); the `-r '*'` of stock's shell line is the one
//! word `*`.
//!
//! Deliberate differences from stock, each commented where it happens:
//! lists in messages are sorted (stock: hash order); this host's addresses
//! come from one `ifconfig -a` (stock runs it twice); a remote service node
//! without any address is refused instead of exporting `<dir>@` (empty
//! host); an existing export that lists only part of the pair is changed
//! with `chnfsexp` (stock runs `mknfsexp`, which NFS refuses for a
//! directory already exported).

use super::cmd::{Nim, NimConfig, CHNFS, CHNFSEXP, EXPORTFS, LSNFSEXP, MKNFSEXP, RMNFSEXP};
use super::cmd::{STARTSRC, STOPSRC};
use super::model::Reply;
use super::validate;
use crate::api::Aborted;
use crate::runner::{Runner, Target};
use crate::snmove::resolve::SystemResolver;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

/// One node of the `-S` request: the attributes the pair check reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HaNfsNode {
    pub node: String,
    /// `noderes.servicenode` (comma list).
    pub servicenode: String,
    /// `noderes.xcatmaster`.
    pub xcatmaster: String,
}

/// Where and as whom `-S` runs.
pub struct HaNfs<'a> {
    pub runner: &'a dyn Runner,
    pub cfg: &'a NimConfig,
    /// Name and address lookups (stock `getipaddr`).
    pub names: &'a dyn SystemResolver,
    /// This server as the management node knows it (stock `$Sname`).
    pub sname: &'a str,
    /// `site.installdir` (stock `getInstallDir`, default `/install`).
    pub installdir: &'a str,
}

/// The text stock shows for the address queries in its warnings.
const IFCONFIG_LINE: &str = "ifconfig -a | grep 'inet '";

/// `mkdsklsnode -S` on this service node for the nodes of the request
/// (aixinstall.pm:12389-12691).  Errors of the checks are sent but not
/// counted in `reply.errors` (stock's `$setuphanfserr` is not `$error`);
/// errors of the NFS commands are.
pub fn setup_ha_nfs(ha: &HaNfs, nodes: &[HaNfsNode], reply: &mut Reply) -> Result<(), Aborted> {
    let Some((pair, masters)) = validated(ha, nodes, reply)? else {
        return Ok(());
    };
    let local = Nim::local(ha.runner, ha.cfg);
    let mut ok = check_pair_size(&pair, reply)?;
    let master_ip = match master_address(ha, &masters) {
        Ok(ip) => ip,
        Err(()) => {
            ok = false;
            let list = masters.iter().cloned().collect::<Vec<_>>().join(",");
            uncounted(reply, format!("There are more than one xcatmaster for the nodes, the xcatmasters are {list}.\n"))?;
            None
        }
    };
    // One `ifconfig -a` gives this host's addresses (stock `gethost_ips`)
    // and the local candidates (stock runs it again for those).
    let here = local.inet_addrs().or_else(|_| {
        let text = format!(
            "Could not run command: {IFCONFIG_LINE} on node {}.\n",
            ha.sname
        );
        reply.warning(text).map(|()| Vec::new())
    })?;
    let here_ips: Vec<Ipv4Addr> = here.iter().map(|(ip, _)| *ip).collect();
    let Some((sn_local, sn_remote)) = local_and_remote(ha, &pair, &here_ips) else {
        let list = pair.iter().cloned().collect::<Vec<_>>().join(",");
        return uncounted(reply, format!("Wrong service nodes pair: {list}\n"));
    };
    if !ok {
        return Ok(());
    }
    let master_text = master_ip.map(|ip| ip.to_string()).unwrap_or_default();
    let local_ip = in_master_subnet(&here, master_ip);
    let local_ip = fall_back(ha, local_ip, &sn_local, &master_text, reply)?;
    let remote_ip = remote_address(ha, &sn_remote, master_ip, reply)?;
    let remote_ip = fall_back(ha, remote_ip, &sn_remote, &master_text, reply)?;
    let (Some(local_ip), Some(remote_ip)) = (&local_ip, &remote_ip) else {
        // Stock would export `<dir>@` with an empty host.
        let sn = if local_ip.is_none() {
            sn_local
        } else {
            sn_remote
        };
        let text = format!("Could not get the IP address of service node {sn}.\n");
        return uncounted(reply, text);
    };
    export(ha, &local, local_ip, remote_ip, reply)
}

/// The service node names and the xcatmaster values (empty when unset),
/// each a sorted set.
type Checked = (BTreeSet<String>, BTreeSet<String>);

/// Every database value checked before any command runs: the service node
/// names, the xcatmasters and the install directory.  `None` after the
/// refusals were sent (counted errors).
fn validated(
    ha: &HaNfs,
    nodes: &[HaNfsNode],
    reply: &mut Reply,
) -> Result<Option<Checked>, Aborted> {
    let mut pair = BTreeSet::new();
    let mut masters = BTreeSet::new();
    let mut problems = Vec::new();
    if let Err(e) = validate::path("site", "installdir", ha.installdir) {
        problems.push(e);
    }
    for n in nodes {
        for sn in n.servicenode.split(',').filter(|s| !s.is_empty()) {
            match validate::host_name(&n.node, "servicenode", sn) {
                Ok(sn) => {
                    pair.insert(sn.to_string());
                }
                Err(e) => problems.push(e),
            }
        }
        let m = n.xcatmaster.as_str();
        let valid = m.is_empty()
            || validate::ip(&n.node, "xcatmaster", m).is_ok()
            || validate::host_name(&n.node, "xcatmaster", m).is_ok();
        if valid {
            masters.insert(m.to_string());
        } else {
            problems.push(validate::host_name(&n.node, "xcatmaster", m).unwrap_err());
        }
    }
    if problems.is_empty() {
        return Ok(Some((pair, masters)));
    }
    for p in problems {
        reply.error(format!("{p}\n"))?;
    }
    Ok(None)
}

/// Exactly two service nodes (aixinstall.pm:12408).
fn check_pair_size(pair: &BTreeSet<String>, reply: &mut Reply) -> Result<bool, Aborted> {
    if pair.len() == 2 {
        return Ok(true);
    }
    let list = pair.iter().cloned().collect::<Vec<_>>().join(",");
    let text =
        format!("Could not determine the service nodes pair, the service nodes are {list}.\n");
    uncounted(reply, text)?;
    Ok(false)
}

/// The xcatmaster's address: the values must name one address
/// (aixinstall.pm:12417-12433); `Ok(None)` when the one value does not
/// resolve (stock goes on and falls back to the service nodes' addresses).
fn master_address(ha: &HaNfs, masters: &BTreeSet<String>) -> Result<Option<Ipv4Addr>, ()> {
    let ips: BTreeSet<Option<IpAddr>> = masters.iter().map(|m| resolve(ha, m)).collect();
    if masters.len() > 1 && ips.len() != 1 {
        return Err(());
    }
    let first = masters.iter().next().and_then(|m| resolve(ha, m));
    Ok(first.and_then(|ip| match ip {
        IpAddr::V4(v4) => Some(v4),
        IpAddr::V6(_) => None,
    }))
}

fn resolve(ha: &HaNfs, name: &str) -> Option<IpAddr> {
    if name.is_empty() {
        return None;
    }
    if let Ok(ip) = name.parse() {
        return Some(ip);
    }
    let all = ha.names.lookup(name);
    all.iter().find(|a| a.is_ipv4()).or(all.first()).copied()
}

/// (local, remote): the service node whose address is one of this host's,
/// and the other (aixinstall.pm:12443-12466).
fn local_and_remote(
    ha: &HaNfs,
    pair: &BTreeSet<String>,
    here: &[Ipv4Addr],
) -> Option<(String, String)> {
    let (mut local, mut remote) = (None, None);
    for sn in pair {
        let mine = matches!(resolve(ha, sn), Some(IpAddr::V4(ip)) if here.contains(&ip));
        if mine {
            local = Some(sn.clone());
        } else {
            remote = Some(sn.clone());
        }
    }
    Some((local?, remote?))
}

/// The first address whose network (with its own mask) holds the
/// xcatmaster's address (stock `isInSameSubnet(master, ip, mask, 2)`).
fn in_master_subnet(addrs: &[(Ipv4Addr, Ipv4Addr)], master: Option<Ipv4Addr>) -> Option<Ipv4Addr> {
    let master = master?;
    addrs
        .iter()
        .find(|(ip, mask)| {
            xcat_schema::subnet::in_subnet(IpAddr::V4(master), &ip.to_string(), &mask.to_string())
        })
        .map(|(ip, _)| *ip)
}

/// The remote service node's address in the xcatmaster's subnet, from
/// `ifconfig -a` over ssh (stock: xdsh).
fn remote_address(
    ha: &HaNfs,
    sn_remote: &str,
    master: Option<Ipv4Addr>,
    reply: &mut Reply,
) -> Result<Option<Ipv4Addr>, Aborted> {
    let remote = Nim::new(ha.runner, Target::Host(sn_remote.to_string()), ha.cfg);
    match remote.inet_addrs() {
        Ok(addrs) => Ok(in_master_subnet(&addrs, master)),
        Err(_) => {
            let text =
                format!("Could not run command: {IFCONFIG_LINE} against node {sn_remote}.\n");
            reply.warning(text)?;
            Ok(None)
        }
    }
}

/// No address in the xcatmaster's subnet: the service node's own address,
/// with stock's warning.
fn fall_back(
    ha: &HaNfs,
    found: Option<Ipv4Addr>,
    sn: &str,
    master_text: &str,
    reply: &mut Reply,
) -> Result<Option<String>, Aborted> {
    if let Some(ip) = found {
        return Ok(Some(ip.to_string()));
    }
    reply.warning(format!("Could not find an ip address in the samesubnet with xcatmaster ip {master_text} on node {sn}, falling back to service node {sn}.\n"))?;
    Ok(resolve(ha, sn).map(|ip| ip.to_string()))
}

/// What `lsnfsexp -c` says about the install directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallExport {
    /// Listed at all.
    pub listed: bool,
    /// Its replica list, `dir@host` entries in order (empty: no replicas).
    pub replicas: Vec<(String, String)>,
}

/// The entry of `dir` in `lsnfsexp -c` output: `#` lines skipped, fields
/// split on `:` (directory, anonuid, public, versions, exname, refer,
/// replica, …), the replica field a comma list of `dir@host`.
pub fn install_export(lsnfsexp_c: &str, dir: &str) -> InstallExport {
    let mut found = InstallExport::default();
    for line in lsnfsexp_c.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.first() != Some(&dir) {
            continue;
        }
        found.listed = true;
        let replica = fields.get(6).copied().unwrap_or("");
        found.replicas = replica
            .split(',')
            .filter(|r| !r.is_empty())
            .map(|r| match r.split_once('@') {
                Some((d, h)) => (d.to_string(), h.to_string()),
                None => (r.to_string(), String::new()),
            })
            .collect();
    }
    found
}

/// What to do about the export (aixinstall.pm:12521-12571).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Both addresses are replicas already.
    Nothing,
    /// Listed without replicas: `rmnfsexp`, then the full sequence.
    RemoveThenExport,
    /// Not listed: the full sequence and `mknfsexp`.
    Export,
    /// Listed with replicas: `chnfsexp` with these other replicas
    /// (`:dir@host` each) after the pair.
    Change(String),
}

/// The plan for the install directory's entry and the pair's addresses.
pub fn plan(entry: &InstallExport, local_ip: &str, remote_ip: &str) -> Plan {
    if !entry.listed {
        return Plan::Export;
    }
    if entry.replicas.is_empty() {
        return Plan::RemoveThenExport;
    }
    let has = |ip: &str| entry.replicas.iter().any(|(_, h)| h == ip);
    if has(local_ip) && has(remote_ip) {
        return Plan::Nothing;
    }
    let extra: String = entry
        .replicas
        .iter()
        .filter(|(_, h)| h != local_ip && h != remote_ip)
        .map(|(d, h)| format!(":{d}@{h}"))
        .collect();
    // Stock runs `mknfsexp` when no *other* replica is listed, which NFS
    // refuses (the directory is exported already): change it instead.
    Plan::Change(extra)
}

/// `lsnfsexp -c`, the plan, and the commands it needs.
fn export(
    ha: &HaNfs,
    nim: &Nim,
    local_ip: &str,
    remote_ip: &str,
    reply: &mut Reply,
) -> Result<(), Aborted> {
    let sname = ha.sname;
    let dir = ha.installdir;
    let listed = nim.run(LSNFSEXP, &["-c"]);
    if !listed.ok() {
        reply.error(format!("Could not list nfs exports on {sname}.\n"))?;
    }
    let plan = plan(
        &install_export(&listed.out.stdout, dir),
        local_ip,
        remote_ip,
    );
    if plan == Plan::RemoveThenExport && !nim.run(RMNFSEXP, &["-d", dir]).ok() {
        reply.error(format!(
            "Could not unexport NFS directory {dir} on {sname}.\n"
        ))?;
    }
    if plan == Plan::Nothing {
        return Ok(());
    }
    reply.verbose(format!("Setting up NFSv4 replication on {sname}.\n"))?;
    let mut replicas = format!("{dir}@{local_ip}:{dir}@{remote_ip}");
    let program = match &plan {
        Plan::Change(extra) => {
            replicas.push_str(extra);
            CHNFSEXP
        }
        _ => {
            restart_with_replication(nim, sname, reply)?;
            MKNFSEXP
        }
    };
    let args = [
        "-d", dir, "-B", "-v", "4", "-g", &replicas, "-x", "-t", "rw", "-r", "*",
    ];
    if !nim.run(program, &args).ok() {
        reply.error(format!(
            "Could not export directory {dir} with NFSv4 replication settings on {sname}.\n"
        ))?;
    }
    Ok(())
}

/// `exportfs -ua`; `chnfs -R on`; `stopsrc -g nfs`; `startsrc -g nfs`;
/// `exportfs -a` — each failure reported, the next step run all the same
/// (as stock).
fn restart_with_replication(nim: &Nim, sname: &str, reply: &mut Reply) -> Result<(), Aborted> {
    let steps: [(&str, &[&str], &str); 5] = [
        (EXPORTFS, &["-ua"], "Could not un-exportfs on"),
        (
            CHNFS,
            &["-R", "on"],
            "Could not enable NFSv4 replication on",
        ),
        (STOPSRC, &["-g", "nfs"], "Could not stop nfs group on"),
        // Stock's text for the start failure too (aixinstall.pm:12617).
        (STARTSRC, &["-g", "nfs"], "Could not stop nfs group on"),
        (EXPORTFS, &["-a"], "Could not exportfs on"),
    ];
    for (program, args, text) in steps {
        if !nim.run(program, args).ok() {
            reply.error(format!("{text} {sname}.\n"))?;
        }
    }
    Ok(())
}

/// An [E] message that stock sends without counting it as an error of the
/// command (no `$error++`): the summary line and `Return=` stay as they were.
pub(crate) fn uncounted(reply: &mut Reply, text: String) -> Result<(), Aborted> {
    let before = reply.errors;
    let sent = reply.error(text);
    reply.errors = before;
    sent
}

#[cfg(test)]
mod tests {
    use super::*;

    const LS: &str = "#directory:anonuid:public:versions:exname:refer:replica:access:rw:ro:root:access_list:sec:\n\
        /export/a:-2:no:3::::ro:::::sys:\n\
        /install:-2:no:4:::/install@198.18.0.11,/install@198.18.0.12:rw:::*::sys:\n";

    #[test]
    fn reads_the_replica_field() {
        let e = install_export(LS, "/install");
        assert!(e.listed);
        assert_eq!(
            e.replicas,
            [
                ("/install".to_string(), "198.18.0.11".to_string()),
                ("/install".to_string(), "198.18.0.12".to_string())
            ]
        );
        assert_eq!(install_export(LS, "/export/a").replicas, []);
        assert!(!install_export(LS, "/other").listed);
    }

    #[test]
    fn plans() {
        let e = install_export(LS, "/install");
        assert_eq!(plan(&e, "198.18.0.12", "198.18.0.11"), Plan::Nothing);
        assert_eq!(
            plan(&e, "198.18.0.11", "198.18.0.13"),
            Plan::Change(":/install@198.18.0.12".into())
        );
        assert_eq!(
            plan(&install_export(LS, "/export/a"), "a", "b"),
            Plan::RemoveThenExport
        );
        assert_eq!(plan(&install_export(LS, "/x"), "a", "b"), Plan::Export);
        let only_local = install_export("/install:-2:no:4:::/install@1.1.1.1:rw:", "/install");
        assert_eq!(
            plan(&only_local, "1.1.1.1", "2.2.2.2"),
            Plan::Change(String::new())
        );
    }

    #[test]
    fn subnet_choice() {
        let addrs = [
            ("127.0.0.1".parse().unwrap(), "255.0.0.0".parse().unwrap()),
            ("10.1.0.5".parse().unwrap(), "255.255.0.0".parse().unwrap()),
            (
                "198.18.0.11".parse().unwrap(),
                "255.255.255.0".parse().unwrap(),
            ),
        ];
        let m = Some("198.18.0.1".parse().unwrap());
        assert_eq!(
            in_master_subnet(&addrs, m),
            Some("198.18.0.11".parse().unwrap())
        );
        assert_eq!(in_master_subnet(&addrs, None), None);
        assert_eq!(
            in_master_subnet(&addrs, Some("172.16.0.1".parse().unwrap())),
            None
        );
    }
}
