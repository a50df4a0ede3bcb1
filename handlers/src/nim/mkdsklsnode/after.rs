//! What a server's part does around and after NIM initialised its nodes
//! (xCAT-server/lib/xcat/plugins/aixinstall.pm:11747-11990, 12000-12338,
//! 12389-12691): each successful node's boot files (BASECUST_REMOVAL, `-n`
//! dhcpsd / bootptab, the HFI MACs), then the shared_root `hosts.<nimname>`
//! copies, the external NFS server edits, the sns `.client_data` backup and
//! `-S`.  The work is the hanfs owner's `nim::clientfiles` and `nim::hanfs`;
//! this file feeds them this part's facts in stock's order.

use super::load::{self, NodeDef};
use super::sn::Facts;
use crate::api::Aborted;
use crate::nim::clientfiles::{basecust, bootp, external_nfs, hosts_copy, sns_backup, ClientFiles};
use crate::nim::cmd::{Nim, NimConfig};
use crate::nim::hanfs;
use crate::nim::model::{Image, Reply};
use crate::runner::Runner;
use crate::snmove::resolve::Libc;
use std::collections::BTreeMap;

/// What the steps after the nodes use.
pub struct After<'a> {
    pub files: &'a ClientFiles,
    pub runner: &'a dyn Runner,
    pub cfg: &'a NimConfig,
    pub f: &'a Facts,
}

impl After<'_> {
    fn image(&self, node: &str) -> Option<&Image> {
        self.f.nodeosi.get(node).and_then(|i| self.f.images.get(i))
    }

    /// The NIM machine name of a node (`-n`: `<short>_<osimage>`).
    pub fn nim_name(&self, node: &NodeDef) -> String {
        match (self.f.opts.newname, self.f.nodeosi.get(&node.name)) {
            (true, Some(img)) => format!("{}_{img}", node.short()),
            _ => node.short().to_string(),
        }
    }
}

/// One node right after its initialisation (aixinstall.pm:11747-11990).
pub fn per_node(a: &After, nim: &Nim, node: &NodeDef, reply: &mut Reply) -> Result<(), Aborted> {
    let ip = load::address(node);
    if a.image(&node.name)
        .is_some_and(|i| i.get("shared_root").is_some())
    {
        let tftpdir = &a.f.world.site.tftpdir;
        basecust::add_basecust_removal(a.files, tftpdir, &node.name, ip, reply)?;
    }
    if let Some(mac) = &node.mac {
        if a.f.opts.newname {
            bootp::add_alternate_mac(a.files, nim, &node.name, ip, mac, reply)?;
        }
        bootp::add_hfi_macs(a.files, &node.name, mac, reply)?;
    }
    Ok(())
}

/// A resource's location on this server (`lsnim -a location -Z`).
fn location(nim: &Nim, cache: &mut BTreeMap<String, Option<String>>, res: &str) -> Option<String> {
    cache
        .entry(res.to_string())
        .or_insert_with(|| {
            nim.attr_fields("location", res)
                .ok()
                .and_then(|f| f.first().cloned())
                .filter(|l| !l.is_empty())
        })
        .clone()
}

/// Stock steps 11-13 (aixinstall.pm:12000-12338) for the successful nodes:
/// `hosts.<nimname>` for shared_root images, the external NFS server
/// edits, and with `sharedinstall=sns` the `.client_data` backup.
pub fn after_nodes(
    a: &After,
    nim: &Nim,
    good: &[&NodeDef],
    reply: &mut Reply,
) -> Result<(), Aborted> {
    let mut locs = BTreeMap::new();
    // Stock copied for every node of the part, also those that failed
    // (no machine, possibly no valid NIM name); here the successful ones.
    for node in good {
        let Some(sr) = a.image(&node.name).and_then(|i| i.get("shared_root")) else {
            continue;
        };
        if let Some(loc) = location(nim, &mut locs, sr) {
            hosts_copy::copy_hosts(a.files, &loc, &a.nim_name(node), reply)?;
        }
    }
    let this_host = external_nfs::this_host_addresses(nim);
    let names = Libc::default();
    for node in good {
        let Some(img) = a.image(&node.name) else {
            continue;
        };
        let (sr, root) = (img.get("shared_root"), img.get("root"));
        let loc = match (sr, root) {
            (Some(r), _) | (None, Some(r)) => location(nim, &mut locs, r),
            _ => None,
        };
        let Some(loc) = loc else {
            continue;
        };
        let nim_name = a.nim_name(node);
        let n = external_nfs::NfsNode {
            node: &node.name,
            nimname: &nim_name,
            node_ip: load::address(node),
            root: if sr.is_some() {
                external_nfs::NodeRoot::SharedRoot(&loc)
            } else {
                external_nfs::NodeRoot::Root(&loc)
            },
            nfsserver: node.nfsserver.as_deref(),
        };
        let tftpdir = &a.f.world.site.tftpdir;
        external_nfs::edit_for_nfs_server(a.files, &names, &this_host, tftpdir, &n, reply)?;
    }
    if a.f.world.site.sharedinstall == "sns" {
        sns_backups(a, good, reply)?;
    }
    Ok(())
}

/// The `.client_data` backup of each shared_root image (stock step 13;
/// the location is nimprime's, `lochash`).
fn sns_backups(a: &After, good: &[&NodeDef], reply: &mut Reply) -> Result<(), Aborted> {
    for img in a.f.images.values() {
        let Some(loc) = img
            .get("shared_root")
            .and_then(|sr| a.f.resources.locations.get(sr))
        else {
            continue;
        };
        let nodes: Vec<&str> = good
            .iter()
            .filter(|n| a.f.nodeosi.get(&n.name) == Some(&img.name))
            .map(|n| n.name.as_str())
            .collect();
        if !nodes.is_empty() {
            sns_backup::backup_client_data(a.files, &a.f.sname, &img.name, loc, &nodes, reply)?;
        }
    }
    Ok(())
}

/// `-S` (stock aixinstall.pm:12389-12691): the hanfs owner's `setup_ha_nfs`.
pub fn setup_hanfs(a: &After, reply: &mut Reply) -> Result<(), Aborted> {
    let nodes: Vec<hanfs::HaNfsNode> =
        a.f.world
            .nodes
            .iter()
            .map(|n| hanfs::HaNfsNode {
                node: n.name.clone(),
                servicenode: n.servicenode.clone().unwrap_or_default(),
                xcatmaster: n.xcatmaster.clone().unwrap_or_default(),
            })
            .collect();
    let names = Libc::default();
    let ha = hanfs::HaNfs {
        runner: a.runner,
        cfg: a.cfg,
        names: &names,
        sname: &a.f.sname,
        installdir: &a.f.world.site.installdir,
    };
    hanfs::setup_ha_nfs(&ha, &nodes, reply)
}
