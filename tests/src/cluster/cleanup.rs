//! Removing a cluster from its id alone (no process handles needed, so a
//! crashed run's leftovers and a `scripts/cluster up` cluster can be
//! removed too), the owner lock that tells a live cluster from a stale one,
//! and the check that nothing is left behind.

use super::layout::{Layout, NETNS_PREFIX, ROOT};
use super::mounts::{leftover_mounts, release_host_ns, release_ns_dir, release_scratch};
use super::net;
use super::sys::{alive, signal};
use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::time::{Duration, Instant};

/// `flock` on `<id>.lock`, held while the owning process lives.
pub struct OwnerLock {
    _file: File,
}

impl OwnerLock {
    /// Take the lock without waiting; `None` when a live process holds it.
    pub fn try_take(layout: &Layout) -> Option<OwnerLock> {
        std::fs::create_dir_all(ROOT).ok()?;
        let file = File::create(layout.lock_file()).ok()?;
        // SAFETY: flock on a valid open descriptor.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        (rc == 0).then_some(OwnerLock { _file: file })
    }
}

/// Kill every process of the cluster, release its namespaces and mounts,
/// delete its files.  Safe to run on a partly built or already removed one.
pub fn teardown(layout: &Layout) {
    let netns = net::list_netns(&layout.netns_prefix());
    kill_all(&netns);
    for host in host_names(layout, &netns) {
        release_host_ns(layout, &host);
    }
    release_ns_dir(layout);
    for ns in &netns {
        net::delete(ns);
    }
    release_scratch(layout);
    let _ = std::fs::remove_dir_all(layout.base());
}

/// SIGCONT + SIGKILL to every process in the namespaces until none is left.
fn kill_all(netns: &[String]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let pids: Vec<i32> = netns.iter().flat_map(|n| net::pids(n)).collect();
        if pids.is_empty() || Instant::now() > deadline {
            return;
        }
        for pid in pids {
            signal(pid, libc::SIGCONT);
            signal(pid, libc::SIGKILL);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Hosts known from the network namespaces and the namespace files.
fn host_names(layout: &Layout, netns: &[String]) -> Vec<String> {
    let prefix = layout.netns_prefix();
    let mut names: Vec<String> = netns
        .iter()
        .filter_map(|n| n.strip_prefix(&prefix).map(str::to_string))
        .collect();
    if let Ok(dir) = std::fs::read_dir(layout.ns_dir()) {
        for entry in dir.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if let Some(stem) = file.strip_suffix(".mnt").or(file.strip_suffix(".uts")) {
                names.push(stem.to_string());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Remove clusters of earlier test runs whose owner is gone (ids `t<pid>`
/// whose lock nobody holds).  Clusters of live runs are left alone.
pub fn remove_stale() {
    for id in known_ids() {
        if !id.starts_with('t') {
            continue;
        }
        let layout = Layout::new(&id);
        if let Some(lock) = OwnerLock::try_take(&layout) {
            teardown(&layout);
            let _ = std::fs::remove_file(layout.lock_file());
            drop(lock);
        }
    }
}

/// Ids seen under `/run/xcluster` or in network namespace names.
pub fn known_ids() -> Vec<String> {
    let mut ids = Vec::new();
    if let Ok(dir) = std::fs::read_dir(ROOT) {
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let id = name.split('.').next().unwrap_or("").to_string();
            ids.push(id);
        }
    }
    for ns in net::list_netns(NETNS_PREFIX) {
        let rest = &ns[NETNS_PREFIX.len()..];
        if let Some((id, _)) = rest.split_once('-') {
            ids.push(id.to_string());
        }
    }
    ids.retain(|i| !i.is_empty());
    ids.sort();
    ids.dedup();
    ids
}

/// What is left of a torn-down cluster: namespaces, mounts, files, and
/// processes still in one of the given network namespaces (by inode).
pub fn leftovers(layout: &Layout, netns_inodes: &[u64]) -> Vec<String> {
    let mut left: Vec<String> = net::list_netns(&layout.netns_prefix())
        .into_iter()
        .map(|n| format!("network namespace {n}"))
        .collect();
    left.extend(
        leftover_mounts(layout)
            .into_iter()
            .map(|m| format!("mount {m}")),
    );
    for path in [layout.base(), layout.ns_dir()] {
        if path.exists() {
            left.push(format!("directory {}", path.display()));
        }
    }
    left.extend(
        processes_in(netns_inodes)
            .into_iter()
            .map(|p| format!("process {p}")),
    );
    left
}

/// Pids whose network namespace is one of `inodes`.
fn processes_in(inodes: &[u64]) -> Vec<i32> {
    use std::os::unix::fs::MetadataExt;
    let Ok(proc_dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    proc_dir
        .flatten()
        .filter_map(|e| e.file_name().to_string_lossy().parse::<i32>().ok())
        .filter(|pid| {
            std::fs::metadata(Path::new("/proc").join(pid.to_string()).join("ns/net"))
                .is_ok_and(|m| inodes.contains(&m.ino()))
        })
        .filter(|pid| alive(*pid))
        .collect()
}
