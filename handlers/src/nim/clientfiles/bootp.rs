//! The network boot files of a service node: with `-n` (NIM alternate
//! definitions are made without a MAC) the node's MAC goes back into
//! `/etc/dhcpsd.cnf` (when dhcpsd runs) and `/etc/bootptab`
//! (aixinstall.pm:11810-11950); and a node with several MACs (HFI) gets one
//! bootptab line per MAC (aixinstall.pm:11952-11990).
//!
//! Stock edits these files for every node of the request once per node,
//! shortening the node list in place as it goes; here each call edits the
//! lines of its one node.  Both files are shared by all nodes: edits are
//! serialised in this process and each write is atomic.

use super::{edits, uncounted, ClientFiles};
use crate::api::Aborted;
use crate::nim::cmd::{Nim, LSSRC, REFRESH};
use crate::nim::model::Reply;
use crate::nim::validate;
use std::net::IpAddr;

pub const BOOTPTAB: &str = "/etc/bootptab";
pub const DHCPSD_CNF: &str = "/etc/dhcpsd.cnf";

/// `-n`: put node `node`'s (first) MAC into its dhcpsd.cnf `client` line
/// when `lssrc -s dhcpsd` shows it active (then `refresh -s dhcpsd`), and
/// into its bootptab line as `:ha=<mac>`.  `mac_attr` is the `mac.mac`
/// value; `node_ip` the node's address.  Messages as stock, not counted.
pub fn add_alternate_mac(
    files: &ClientFiles,
    nim: &Nim,
    node: &str,
    node_ip: Option<IpAddr>,
    mac_attr: &str,
    reply: &mut Reply,
) -> Result<(), Aborted> {
    let checked = validate::host_name(node, "node", node)
        .map(|_| ())
        .and_then(|_| validate::mac(node, "mac", mac_attr));
    let mac = match checked {
        Ok(mac) => mac,
        Err(e) => return reply.error(format!("{e}\n")),
    };
    let status = nim.run(LSSRC, &["-s", "dhcpsd"]);
    if !status.ok() {
        uncounted(reply, "Failed to check dhcpsd status.\n")?;
    }
    if dhcpsd_active(&status.out.stdout) {
        match node_ip {
            // Stock's pattern would be empty and match every client line.
            None => uncounted(reply, format!("Can not resolve the node {node}"))?,
            Some(ip) => {
                let ip = ip.to_string();
                let edit = |t: &str| edits::dhcpsd_with_mac(t, &ip, &mac);
                if edit_with_backup(files, DHCPSD_CNF, edit, reply)?
                    && !nim.run(REFRESH, &["-s", "dhcpsd"]).ok()
                {
                    uncounted(reply, "Failed to refresh dhcpsd configuration\n")?;
                }
            }
        }
    }
    let short = crate::nim::machine::short_name(node);
    let edit = |t: &str| edits::bootptab_with_ha(t, short, &mac);
    edit_with_backup(files, BOOTPTAB, edit, reply).map(|_| ())
}

/// Stock's test of `lssrc -s dhcpsd`: a blank then `active` (`inoperative`
/// does not match).
pub fn dhcpsd_active(lssrc: &str) -> bool {
    lssrc
        .as_bytes()
        .windows(7)
        .any(|w| w[0].is_ascii_whitespace() && &w[1..] == b"active")
}

/// Back `file` up to `<file>.bak`, then apply `edit` (one edit of the
/// shared files at a time).  `Ok(false)` when the file could not be read or
/// written (stock: "Could not open <file>.").
fn edit_with_backup(
    files: &ClientFiles,
    file: &str,
    edit: impl FnOnce(&str) -> String,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    let bak = format!("{file}.bak");
    let (read, backed_up, written) = files.with_shared_lock(|| {
        let Ok(text) = files.read(file) else {
            return (false, true, false);
        };
        let backed_up = files.copy(file, &bak, false).is_ok();
        let new = edit(&text);
        let written = new == text || files.write(file, &new).is_ok();
        (true, backed_up, written)
    });
    if !backed_up {
        uncounted(reply, format!("Could not copy {file} to {bak}.\n"))?;
    }
    if !read || !written {
        // Stock reads a missing file as empty and writes it back empty.
        uncounted(reply, format!("Could not open {file}.\n"))?;
        return Ok(false);
    }
    Ok(true)
}

/// The MACs of a `mac.mac` value (`|` separated, `!ifname` suffixes and
/// separators dropped), each validated.
pub fn macs_of(node: &str, mac_attr: &str) -> Result<Vec<String>, validate::Invalid> {
    mac_attr
        .split('|')
        .filter(|m| !m.trim().is_empty())
        .map(|m| validate::mac(node, "mac", m))
        .collect()
}

/// HFI failover: when the node's first MAC is in /etc/bootptab, a copy of
/// that line for each further MAC not in the file yet.
pub fn add_hfi_macs(
    files: &ClientFiles,
    node: &str,
    mac_attr: &str,
    reply: &mut Reply,
) -> Result<(), Aborted> {
    let macs = match macs_of(node, mac_attr) {
        Ok(m) => m,
        Err(e) => return reply.error(format!("{e}\n")),
    };
    if macs.len() < 2 {
        return Ok(());
    }
    let written = files.with_shared_lock(|| {
        let Ok(text) = files.read(BOOTPTAB) else {
            return true;
        };
        let new = edits::bootptab_with_more_macs(&text, &macs);
        new == text || files.write(BOOTPTAB, &new).is_ok()
    });
    if !written {
        uncounted(reply, format!("Could not open {BOOTPTAB}.\n"))?;
    }
    Ok(())
}
