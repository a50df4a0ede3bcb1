//! `xcatha -d -i NIC -v VIP`: disable and stop the services (reverse order; xcatd
//! stays when it hosts the HA agent, see [`super::handover`]), give the host its
//! physical name back and drop the VIP.

use super::{restore_hostname, services, Failure};
use crate::dbtype::DbType;
use crate::exec::Exec;
use crate::vip::{self, Vip};

pub const STANDBY_DONE: &str = "This machine is set to standby management node successfully...";

/// `physical`: this host's `(ip, name)` when the caller knows it (setup), else the
/// saved one is used; `agent`: xcatd hosts the HA agent and keeps running.
pub fn deactivate(
    exec: &mut Exec,
    v: &Vip,
    db: DbType,
    physical: Option<(String, String)>,
    agent: bool,
) -> Result<(), Failure> {
    exec.say("########## Deactivate stage ##########");
    services::disable_all(exec, db, agent);
    services::stop_all(exec, db, agent);
    restore_hostname(exec, physical);
    if !vip::unconfigure(exec, v) {
        return Err(Failure::early("Remove virtual IP stage"));
    }
    if exec.failed {
        exec.say("This machine is set to standby management node, but some services failed...");
    } else {
        exec.say(STANDBY_DONE);
    }
    Ok(())
}
