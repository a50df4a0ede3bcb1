//! The NFS exports NIM itself makes when it allocates a resource to a client (and drops
//! on deallocation), so `lsnfsexp`, `exportfs -ua` / `-a` and `chnfs -R` see them as on
//! a real NIM master: shared resources (spot, shared_root, lpp_source …) are exported
//! read-only at their location with every client in `root=` / `access=`; per-client
//! resources (root, paging, dump, home, tmp) at `<location>/<client>`, read-write.
//! Versions follow the resource's `nfs_vers` (default 3).

use crate::nfs_export::Export;
use crate::store::State;

/// Resource types NIM gives each client its own directory of.
const PER_CLIENT: &[&str] = &["root", "paging", "dump", "home", "tmp"];
/// Resource types that are plain files or need no export.
const NOT_EXPORTED: &[&str] = &[
    "boot",
    "nim_script",
    "script",
    "installp_bundle",
    "bosinst_data",
    "image_data",
    "fix_bundle",
    "exclude",
    "adapter_def",
];

/// The exported directory, the client host and the versions for one allocation.
fn share(
    state: &State,
    machine: &str,
    rtype: &str,
    resource: &str,
) -> Option<(String, String, String)> {
    if NOT_EXPORTED.contains(&rtype) {
        return None;
    }
    let res = state.objects.get(resource)?;
    let location = res.get("location")?;
    let host = state
        .objects
        .get(machine)?
        .get("if1")?
        .split_whitespace()
        .nth(1)?
        .to_string();
    let dir = if PER_CLIENT.contains(&rtype) {
        format!("{}/{machine}", location.trim_end_matches('/'))
    } else {
        location.to_string()
    };
    let versions = res.get("nfs_vers").unwrap_or("3").replace(',', ":");
    Some((dir, host, versions))
}

/// Exports a newly allocated resource to the machine's host.
pub fn add(state: &mut State, machine: &str, rtype: &str, resource: &str) {
    let Some((dir, host, versions)) = share(state, machine, rtype, resource) else {
        return;
    };
    let exports = &mut state.nfs.exports;
    let pos = match exports.iter().position(|e| e.dir == dir) {
        Some(pos) => pos,
        None => {
            let mut export = Export::new(&dir);
            export.versions = versions;
            export.access = if PER_CLIENT.contains(&rtype) {
                "rw".into()
            } else {
                "ro".into()
            };
            exports.push(export);
            exports.len() - 1
        }
    };
    let export = &mut exports[pos];
    for list in [&mut export.root_hosts, &mut export.access_hosts] {
        if !list.contains(&host) {
            list.push(host.clone());
        }
    }
}

/// Withdraws the machine's host from a deallocated resource's export (the export goes
/// when no client is left).
pub fn remove(state: &mut State, machine: &str, rtype: &str, resource: &str) {
    let Some((dir, host, _)) = share(state, machine, rtype, resource) else {
        return;
    };
    let exports = &mut state.nfs.exports;
    let Some(pos) = exports.iter().position(|e| e.dir == dir) else {
        return;
    };
    let export = &mut exports[pos];
    export.root_hosts.retain(|h| *h != host);
    export.access_hosts.retain(|h| *h != host);
    if export.access_hosts.is_empty() {
        exports.remove(pos);
    }
}
