//! `sharedinstall=sns` (one file system shared by all service nodes): the
//! pieces the NIM commands and snmove share.
//!
//! * [`statelite`]: the statelite files of a shared_root copied from
//!   nimprime to the target service node (doSFScopy and snmove's
//!   sfsSLconfig).
//! * [`copy`]: `doSFScopy` (aixinstall.pm:10656-10974), the mkdsklsnode
//!   preprocess's file copy to the shared file system.
//! * [`define`]: `defSNres` (aixinstall.pm:9846-10656), the NIM resource definitions made on
//!   every service node from the management node.

pub mod copy;
pub mod define;
pub mod statelite;

use crate::runner::Target;

/// Timeout of one copy (rsync of a resource, of the postscripts).
pub const COPY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3600);

/// The rsync options of every sns copy (stock prsync / xdcp `-o rlHpEAogDz`).
pub const RSYNC_OPTS: &str = "-rlHpEAogDz";
pub const RSYNC: &str = "/usr/bin/rsync";

/// Where to run a command meant for `host`: this server itself runs it
/// locally (stock `xcmd` with `is_me`, xCAT-server/lib/xcat/plugins/aixinstall.pm
/// via perl-xCAT/xCAT/InstUtils.pm:416), any other host over ssh.  Compared by
/// short name, case-insensitively.
pub fn target_for(host: &str, this_host: &str) -> Target {
    let short = |h: &str| h.split('.').next().unwrap_or(h).to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_err() && short(host) == short(this_host) {
        Target::Local
    } else {
        Target::Host(host.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_host_runs_locally() {
        assert_eq!(target_for("mn", "mn"), Target::Local);
        assert_eq!(target_for("MN.cluster", "mn"), Target::Local);
        assert_eq!(target_for("sn1", "mn"), Target::Host("sn1".into()));
    }
}
