//! The steps that work with the local daemon's HA agent when an agent configuration is
//! in use ([`crate::agent`]; without one xcatha moves the VIP itself, as stock does).
//!
//! * `xcatha -d` begins with `hastatus deactivate`: the agent drops the VIP and refuses
//!   writes at once, and — unlike `hastatus standby` — it will not take the role back by
//!   itself: a standby agent takes over when its peer is silent for the takeover
//!   timeout, and this node's database and services are about to be stopped.  xcatd
//!   keeps running (not stopped, not disabled): it hosts the agent, whose heartbeats
//!   tell the peer that this node is alive and not active, so that the peer's
//!   activation is a planned one (term raised, no fencing).  `hastatus standby` (or
//!   `xcatha -a`) makes this node a takeover candidate again.
//! * `xcatha -a` asks `hastatus activate` once the database and xcatd run: the agent
//!   raises the term on the shared data and brings the VIP up (xcatha does not add the
//!   alias itself); the steps after it (DNS, DHCP, console) reach the database through
//!   the VIP.  When the peer is silent the agent fences it first (its rule).

use super::Failure;
use crate::exec::{Exec, Tries};

/// Whether an agent configuration is in use.
pub fn in_use(exec: &Exec) -> bool {
    exec.env.agent.is_some()
}

/// `hastatus deactivate`, before anything else of `xcatha -d`.
pub fn deactivate(exec: &mut Exec) -> Result<(), Failure> {
    const STAGE: &str = "Hand over to the HA agent";
    exec.stage(STAGE);
    if exec.agent(&["deactivate"], "deactivated", Tries::Retry(3)) {
        Ok(())
    } else {
        Err(Failure::early(format!("{STAGE} stage")))
    }
}

/// `hastatus activate`, once the database and xcatd run.
pub fn activate(exec: &mut Exec) -> Result<(), Failure> {
    const STAGE: &str = "Activate through the HA agent";
    exec.stage(STAGE);
    if exec.agent(&["activate"], "active", Tries::Retry(3)) {
        Ok(())
    } else {
        Err(Failure::undo(format!("{STAGE} stage")))
    }
}
