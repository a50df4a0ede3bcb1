//! The nimprime side of `mkdsklsnode`'s preprocess (xCAT-server/lib/xcat/plugins/aixinstall.pm:8891-9045,
//! 9452-9827, 7313-7512; perl-xCAT/xCAT/InstUtils.pm:801-1400): what the management node does on the
//! primary NIM server before any service node gets its part.
//!
//! * [`spot`]: `updatespot` (ODMscript, statelite, `rc.dd_boot`, the
//!   xcataixpost hook, inst_root ownership) and the shared_root re-sync;
//! * [`dd_boot`]: the `rc.dd_boot` rewrite itself (pure text);
//! * [`copy`]: the copy of NIM resources to the service nodes (`doSNcopy2` /
//!   `copyres2`), with [`space`] (the `df -m` / `chfs` space check);
//! * [`lite`]: `dolitesetup` (statelite / litefile / litetree tables into the
//!   SPOT), reading the tables in-process with [`lite_tables`];
//! * [`files`]: files on nimprime (plain file operations when it is this
//!   host, commands through the [`Runner`] when it is another).

pub mod copy;
pub mod dd_boot;
pub mod files;
pub mod lite;
pub mod lite_tables;
pub mod space;
pub mod spot;

pub use copy::{copy_to_service_nodes, images_per_service_node, CopyRequest};
pub use lite::{dolitesetup, LiteOutcome, LiteRequest};
pub use spot::{prepare_diskless_image, update_spot, ImageJob, SpotRequest};

use super::cmd::{Nim, NimConfig};
use crate::runner::{Runner, Target};
use std::time::Duration;

/// Where nimprime is and how commands run there.
pub struct Prime<'a> {
    pub runner: &'a dyn Runner,
    pub cfg: &'a NimConfig,
    /// nimprime: [`Target::Local`] when it is this host (stock `is_me`).
    pub target: Target,
    /// nimprime's host name, for the `-V` lines of its commands.
    pub name: String,
    /// `site.installdir` (stock default `/install`).
    pub install_dir: String,
    /// How many service nodes are worked on at once (copies, `df`, `chfs`).
    pub parallelism: usize,
    /// The bound on one resource copy (a SPOT is gigabytes; NIM commands
    /// keep `cfg.timeout`).
    pub copy_timeout: Duration,
}

impl<'a> Prime<'a> {
    /// nimprime `name` on `target`, installdir `/install`, 8 service nodes
    /// at once.
    pub fn new(
        runner: &'a dyn Runner,
        cfg: &'a NimConfig,
        target: Target,
        name: &str,
    ) -> Prime<'a> {
        Prime {
            runner,
            cfg,
            name: name.to_string(),
            target,
            install_dir: "/install".to_string(),
            parallelism: 8,
            copy_timeout: Duration::from_secs(4 * 3600),
        }
    }

    /// NIM and file commands on nimprime.
    pub fn nim(&self) -> Nim<'a> {
        Nim::new(self.runner, self.target.clone(), self.cfg)
    }

    /// NIM and file commands on another host (a service node), or here.
    pub fn nim_on(&self, target: Target) -> Nim<'a> {
        Nim::new(self.runner, target, self.cfg)
    }

    /// Files on nimprime.
    pub fn files(&self) -> files::Files<'a> {
        files::Files::new(self.nim())
    }

    fn timeout(&self) -> Duration {
        self.cfg.timeout
    }
}

/// `dirname` as Perl's File::Basename gives it for an absolute path.
pub(crate) fn dirname(path: &str) -> String {
    let t = path.trim_end_matches('/');
    match t.rfind('/') {
        Some(0) => "/".to_string(),
        Some(i) => t[..i].to_string(),
        None => ".".to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dirname_like_perl() {
        assert_eq!(
            super::dirname("/install/nim/spot/img/usr"),
            "/install/nim/spot/img"
        );
        assert_eq!(super::dirname("/install/nim/lpp/"), "/install/nim");
        assert_eq!(super::dirname("/etc"), "/");
    }
}
