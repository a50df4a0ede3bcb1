//! The cluster network: a bridge `br0` inside its own network namespace
//! (the switch), one namespace per host with `eth0` (a veth whose peer
//! `v-<host>` is a port of the bridge).  Nothing is created in, or linked
//! to, the machine's own namespace; hosts have no default route.

use super::layout::Layout;
use super::spec::{HostSpec, PREFIX_LEN};
use super::sys::{run_args, run_quiet};

/// Create the switch namespace and its bridge.
pub fn create_switch(layout: &Layout) -> Result<(), String> {
    let sw = layout.switch_netns();
    run_args("ip", &["netns", "add", &sw])?;
    run_args("ip", &["-n", &sw, "link", "add", "br0", "type", "bridge"])?;
    run_args("ip", &["-n", &sw, "link", "set", "br0", "up"])?;
    Ok(())
}

/// Create the host's namespace, its `eth0` plugged into the switch, its
/// address and loopback.
pub fn create_host(layout: &Layout, host: &HostSpec) -> Result<(), String> {
    let ns = layout.netns(&host.name);
    let sw = layout.switch_netns();
    let port = port_name(&host.name);
    run_args("ip", &["netns", "add", &ns])?;
    run_args(
        "ip",
        &[
            "-n", &sw, "link", "add", &port, "type", "veth", "peer", "name", "eth0", "netns", &ns,
        ],
    )?;
    run_args("ip", &["-n", &sw, "link", "set", &port, "master", "br0"])?;
    run_args("ip", &["-n", &sw, "link", "set", &port, "up"])?;
    let addr = format!("{}/{PREFIX_LEN}", host.ip());
    run_args("ip", &["-n", &ns, "addr", "add", &addr, "dev", "eth0"])?;
    run_args("ip", &["-n", &ns, "link", "set", "eth0", "up"])?;
    run_args("ip", &["-n", &ns, "link", "set", "lo", "up"])?;
    Ok(())
}

/// The bridge port of a host (interface names are at most 15 bytes).
pub fn port_name(host: &str) -> String {
    let mut name = format!("v-{host}");
    name.truncate(15);
    name
}

/// Unplug (`up == false`) or plug back the host's cable: its bridge port
/// goes down or up, so the host sees its link lose or regain carrier.
pub fn set_link(layout: &Layout, host: &str, up: bool) -> Result<(), String> {
    let sw = layout.switch_netns();
    let port = port_name(host);
    let state = if up { "up" } else { "down" };
    run_args("ip", &["-n", &sw, "link", "set", &port, state])?;
    Ok(())
}

/// Every network namespace whose name starts with `prefix`.
pub fn list_netns(prefix: &str) -> Vec<String> {
    let Ok(out) = run_args("ip", &["netns", "list"]) else {
        return Vec::new();
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| n.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

/// Pids of the processes in a network namespace.
pub fn pids(netns: &str) -> Vec<i32> {
    let Ok(out) = run_args("ip", &["netns", "pids", netns]) else {
        return Vec::new();
    };
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// Inode of a named network namespace (to find processes still in it later).
pub fn inode(netns: &str) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(format!("/run/netns/{netns}"))
        .ok()
        .map(|m| m.ino())
}

/// Remove a network namespace (its interfaces go with it).
pub fn delete(netns: &str) {
    run_quiet("ip", &["netns", "delete", netns]);
}
