//! `xcatha -a -p PATH -i NIC -v VIP`: ping guard, VIP up, host name = the VIP's name,
//! then the services in order.  With the HA agent ([`super::handover`]) the agent
//! brings the VIP up once xcatd runs; xcatha only adds the VIP to `resolv.conf`, and
//! the ping guard waits 2 s, not stock's 10 ([`vip::Guard`]).

use super::{services, Failure};
use crate::dbtype::DbType;
use crate::exec::Exec;
use crate::host;
use crate::vip::{self, Vip};

pub fn activate(
    exec: &mut Exec,
    v: &Vip,
    path: &str,
    db: DbType,
    name: Option<&str>,
) -> Result<(), Failure> {
    exec.say("########## Activate stage ##########");
    check_shared_path(exec, path)?;
    let agent = super::handover::in_use(exec);
    let wait = if agent {
        vip::Guard::Agent
    } else {
        vip::Guard::Stock
    };
    if !vip::guard(exec, v, wait) {
        return Err(Failure::early(vip::ACTIVE_MESSAGE));
    }
    let configured = if agent {
        vip::add_nameserver(exec, v)
    } else {
        vip::configure(exec, v)
    };
    if !configured {
        return Err(Failure::undo("Configure virtual ip as alias ip stage"));
    }
    let name = match name {
        Some(n) => Some(n.to_string()),
        None => host::short_name_of(exec, &v.ip()),
    };
    match &name {
        Some(n) => {
            host::change_hostname(exec, n, &v.ip());
        }
        None => exec.say("Can not find the hostname to set"),
    }
    report_shared_install(exec, path);
    services::start_all(exec, db, name.as_deref().unwrap_or(""), agent)?;
    if exec.failed {
        exec.say("This machine is set to primary management node, but some services failed...");
    } else {
        exec.say("This machine is set to primary management node successfully...");
    }
    Ok(())
}

/// The shared-data path must exist.
pub fn check_shared_path(exec: &Exec, path: &str) -> Result<(), Failure> {
    if exec.env.given(path).is_dir() {
        Ok(())
    } else {
        Err(Failure::early(format!("{path} does not exist")))
    }
}

/// Whether the shared path holds xCAT data (`<path>/install`).
pub fn report_shared_install(exec: &mut Exec, path: &str) -> bool {
    let install = format!("{}/install", path.trim_end_matches('/'));
    let there = exec.env.given(&install).exists();
    let verdict = if there { "is" } else { "is no" };
    exec.say(&format!(
        "There {verdict} xCAT data {install} in shared data {path}"
    ));
    there
}
