//! Where a cluster's state lives on the machine, all keyed by the cluster id
//! (`t<pid>` for test runs, `manual` for `scripts/cluster`):
//!
//! * `/run/xcluster/<id>/`: scratch root (a tmpfs); `hosts/<host>/` holds the host's
//!   overlay layers (`etc`, `var`, `usr`, `root`, `opt` and their `*.work`),
//!   its `install` and `tftpboot`, and `log/` (daemon output);
//! * `/run/xcluster/<id>.ns/`: a private bind mount holding the host mount
//!   namespace files (`<host>.mnt`, `<host>.uts`);
//! * `/run/xcluster/<id>.lock`: held (flock) by the process owning the cluster;
//! * network namespaces `xcl-<id>-<host>` and `xcl-<id>-sw` (the switch).

use std::path::{Path, PathBuf};

/// Parent of every cluster's state.
pub const ROOT: &str = "/run/xcluster";
/// Prefix of every network namespace a cluster creates.
pub const NETNS_PREFIX: &str = "xcl-";
/// Directories of a host seen through an overlay over the machine's own
/// (the host's writes land in its upper layer, never in the machine's).
pub const OVERLAID: [&str; 5] = ["etc", "var", "usr", "root", "opt"];
/// Top-level directories bound from per-host directories (created empty on
/// the machine when missing, as mount points).
pub const BOUND: [&str; 2] = ["install", "tftpboot"];

/// Paths and names of one cluster.
#[derive(Debug, Clone)]
pub struct Layout {
    pub id: String,
}

impl Layout {
    pub fn new(id: &str) -> Layout {
        Layout { id: id.to_string() }
    }

    /// `/run/xcluster/<id>`.
    pub fn base(&self) -> PathBuf {
        Path::new(ROOT).join(&self.id)
    }

    /// Directory of the mount namespace files (a private bind mount).
    pub fn ns_dir(&self) -> PathBuf {
        Path::new(ROOT).join(format!("{}.ns", self.id))
    }

    pub fn lock_file(&self) -> PathBuf {
        Path::new(ROOT).join(format!("{}.lock", self.id))
    }

    /// The host's mount namespace file.
    pub fn mnt_file(&self, host: &str) -> PathBuf {
        self.ns_dir().join(format!("{host}.mnt"))
    }

    /// `hosts/<host>` under the scratch root.
    pub fn host_dir(&self, host: &str) -> PathBuf {
        self.base().join("hosts").join(host)
    }

    /// Where the host's `/<top>/<rest>` is stored, for a path under an
    /// overlaid or bound directory (`/etc/xcat/cfgloc` → `hosts/h/etc/xcat/cfgloc`).
    /// Only files the host wrote (or the harness prepared) are there.
    pub fn host_path(&self, host: &str, path: &str) -> PathBuf {
        self.host_dir(host).join(path.trim_start_matches('/'))
    }

    /// The host's UTS namespace file (its host name).
    pub fn uts_file(&self, host: &str) -> PathBuf {
        self.ns_dir().join(format!("{host}.uts"))
    }

    /// Daemon output files of a host.
    pub fn log_dir(&self, host: &str) -> PathBuf {
        self.host_dir(host).join("log")
    }

    /// Shared key material (the cluster's root ssh key, known hosts).
    pub fn keys_dir(&self) -> PathBuf {
        self.base().join("keys")
    }

    /// Network namespace of a host.
    pub fn netns(&self, host: &str) -> String {
        format!("{NETNS_PREFIX}{}-{host}", self.id)
    }

    /// Network namespace holding the bridge.
    pub fn switch_netns(&self) -> String {
        self.netns("sw")
    }

    /// Prefix shared by all network namespaces of this cluster.
    pub fn netns_prefix(&self) -> String {
        format!("{NETNS_PREFIX}{}-", self.id)
    }
}
