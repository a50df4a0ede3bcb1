//! xCAT on the hosts: the marker files (`/etc/xCATMN`, `/etc/xCATSN`),
//! `/etc/xcat/cfgloc` pointing every daemon at the MN's PostgreSQL, the
//! stock client names in `/opt/xcat/bin`, the credentials (`xcatd init`
//! on the MN makes the cluster CA; each SN gets its own server certificate
//! from that CA, whose key stays on the MN), and the node definitions.

use super::layout::{Layout, NETNS_PREFIX};
use super::mounts::{host_command, make_opaque};
use super::postgres::cfgloc;
use super::spec::{ClusterSpec, HostSpec, Role};
use super::sys::{chmod, run, write_file};
use crate::server::{xcatclient_bin, xcatd_bin};
use std::process::Command;

/// The daemon's port on every host (stock).
pub const PORT: u16 = 3001;

/// Files every host has before its namespace is mounted.
pub fn prepare_host(layout: &Layout, spec: &ClusterSpec, host: &HostSpec) -> Result<(), String> {
    let dir = layout.host_dir(&host.name);
    write_file(&dir.join("etc/hosts"), spec.etc_hosts().as_bytes())?;
    write_file(
        &dir.join("etc/hostname"),
        format!("{}\n", host.name).as_bytes(),
    )?;
    let marker = match host.role {
        Role::Mn => "etc/xCATMN",
        Role::Sn => "etc/xCATSN",
        Role::Compute => return Ok(()),
    };
    write_file(&dir.join(marker), b"")?;
    make_opaque(&dir.join("etc/xcat"))?;
    make_opaque(&dir.join("var/log/xcat"))?;
    make_opaque(&dir.join("root/.xcat"))?;
    if let Some(address) = spec.db_address() {
        let path = dir.join("etc/xcat/cfgloc");
        write_file(&path, cfgloc(&address).as_bytes())?;
        chmod(&path, 0o600)?;
    }
    let bin = dir.join("opt/xcat/bin");
    std::fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    run(Command::new(xcatclient_bin())
        .arg("--install-links")
        .arg(&bin))?;
    Ok(())
}

/// `xcatd init` on the MN: the CA, its server and root's client
/// credentials, the seeded database (through cfgloc).
pub fn init_mn(layout: &Layout, mn: &HostSpec) -> Result<(), String> {
    let xcatd = xcatd_bin().to_string_lossy().into_owned();
    run(host_command(layout, &mn.name, &xcatd).args([
        "init",
        "--confdir",
        "/etc/xcat",
        "--hostname",
        &mn.name,
    ]))?;
    Ok(())
}

/// An SN's credentials from the MN's CA: the CA is copied in, `xcatd
/// init` issues the SN's server and client credentials (its database step
/// goes to a throwaway SQLite directory on tmpfs, the MN's database is not
/// touched), then the CA key is removed again.
pub fn init_sn(layout: &Layout, mn: &HostSpec, sn: &HostSpec) -> Result<(), String> {
    let ca_src = layout.host_dir(&mn.name).join("etc/xcat/ca");
    let sn_xcat = layout.host_dir(&sn.name).join("etc/xcat");
    run(Command::new("cp").arg("-a").arg(&ca_src).arg(&sn_xcat))?;
    let xcatd = xcatd_bin().to_string_lossy().into_owned();
    let scratch = format!("/dev/shm/{}{}-{}-initdb", NETNS_PREFIX, layout.id, sn.name);
    let db = format!("sqlite-dir:{scratch}");
    run(host_command(layout, &sn.name, &xcatd).args([
        "init",
        "--confdir",
        "/etc/xcat",
        "--hostname",
        &sn.name,
        "--db",
        &db,
    ]))?;
    let _ = std::fs::remove_dir_all(&scratch);
    run(host_command(layout, &sn.name, "rm").args(["-rf", "/etc/xcat/ca"]))?;
    Ok(())
}

/// Arguments of a host's daemon (database from cfgloc, port 3001).
pub fn xcatd_args() -> [&'static str; 3] {
    ["-f", "--confdir", "/etc/xcat"]
}

/// Define the cluster's other hosts as nodes through mn1's stock-named
/// `mkdef`: SNs in `service`, compute nodes in `compute`, each with its ip.
pub fn define_nodes(layout: &Layout, spec: &ClusterSpec, mn: &HostSpec) -> Result<(), String> {
    for host in &spec.hosts {
        let groups = match host.role {
            Role::Sn => "groups=service,all",
            Role::Compute => "groups=compute,all",
            Role::Mn => continue,
        };
        let ip = format!("ip={}", host.ip());
        run(host_command(layout, &mn.name, "/opt/xcat/bin/mkdef")
            .args(["-t", "node", "-o", &host.name, groups, &ip]))?;
    }
    Ok(())
}
