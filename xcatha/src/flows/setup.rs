//! `xcatha -s -p PATH -i NIC -v VIP -n NAME [-m MASK] [-t DB]`: make this host one MN of
//! the pair — VIP up, physical host saved, host name = VIP name, the local xCAT
//! directories moved to the shared path (copy on first setup, symlinks, `.xcatbak`),
//! services restarted on the shared data, the policy row for this MN's certificate
//! name — then deactivate, leaving a standby.

use super::activate::{check_shared_path, report_shared_install};
use super::{deactivate, local_db, parse_vip, services, Failure};
use crate::cli::Options;
use crate::dbtype::DbType;
use crate::exec::{Exec, Tries};
use crate::services::ServiceOp;
use crate::vip::{self, Vip};
use crate::{host, policy, shared};

pub struct SetupArgs {
    pub path: String,
    pub vip: Vip,
    pub host_name: String,
    pub db: DbType,
}

impl SetupArgs {
    /// Required: `-n`, `-p`, `-v`, `-i` (in xcatha.py's order of checks).
    pub fn from_options(o: &Options) -> Result<SetupArgs, String> {
        let host_name = o
            .host_name
            .clone()
            .ok_or("Option -n is required for xCAT HA setup")?;
        let path = o
            .path
            .clone()
            .ok_or("Option -p is required for xCAT MN setup")?;
        if o.vip.is_none() {
            return Err("Option -v is required for xCAT HA setup".into());
        }
        if o.nic.is_none() {
            return Err("Option -i is required for xCAT HA setup".into());
        }
        xcat_handlers::runner::validate_host(&host_name)?;
        if !path.starts_with('/') {
            return Err(format!("'{path}' is not an absolute path"));
        }
        let vip = parse_vip(o).map_err(|f| f.message)?;
        Ok(SetupArgs {
            path,
            vip,
            host_name,
            db: o.dbtype.unwrap_or(DbType::Postgresql),
        })
    }
}

pub fn setup(exec: &mut Exec, a: &SetupArgs) -> Result<(), Failure> {
    check_shared_path(exec, &a.path)?;
    if !vip::guard(exec, &a.vip, vip::Guard::Stock) {
        return Err(Failure::early(vip::ACTIVE_MESSAGE));
    }
    let shared_has_data = report_shared_install(exec, &a.path);
    if shared_has_data {
        check_shared_db(exec, a)?;
    }
    if !vip::configure(exec, &a.vip) {
        return Err(Failure::undo("Configure virtual ip as alias ip stage"));
    }
    let physical = save_physical_host(exec)?;
    host::change_hostname(exec, &a.host_name, &a.vip.ip());
    check_local_db(exec, a, shared_has_data, &physical.0)?;
    exec.stage("Configure shared data directory");
    services::stop_all(exec, a.db, false);
    if !shared::configure(exec, &a.path, a.db) {
        return Err(Failure::undo("Configure shared data directory stage"));
    }
    shared::save_physical(exec, Some(physical.clone()));
    restart_on_shared_data(exec, a.db)?;
    if !policy::trust_this_mn(exec) {
        return Err(Failure::undo("Configure xCAT policy table stage"));
    }
    deactivate::deactivate(exec, &a.vip, a.db, Some(physical), false)
}

/// The shared data's engine must be the `-t` one.
fn check_shared_db(exec: &mut Exec, a: &SetupArgs) -> Result<(), Failure> {
    exec.stage("Check if target dbtype is the same with shared data dbtype");
    let confdir = exec
        .env
        .given(&format!("{}/etc/xcat", a.path.trim_end_matches('/')));
    let shared_db = DbType::of_confdir(&confdir).map_err(Failure::early)?;
    exec.say(&format!(
        "Database type is '{}' in shared data directory",
        shared_db.name()
    ));
    if shared_db == a.db {
        exec.say("Target database type is matched");
        Ok(())
    } else {
        Err(Failure::early("target database is not matched"))
    }
}

/// Saves `<ip> <host>` of this host in `/etc/hosts` and `/tmp/ha_mn`; returns them.
fn save_physical_host(exec: &mut Exec) -> Result<(String, String), Failure> {
    exec.say("Save physical hostname and ip");
    let fail = |what: &str| Failure::undo(format!("Save physical hostname and ip stage: {what}"));
    let name = host::current_hostname(exec).ok_or_else(|| fail("no host name"))?;
    let ip = host::address_of(exec, &name)
        .ok_or_else(|| fail(&format!("cannot find the address of {name}")))?;
    let entry = format!("{ip} {name}");
    let hosts = exec.env.path(host::ETC_HOSTS);
    if !host::has_word(&host::read_or_empty(&hosts), &ip) {
        exec.file(
            &format!("Write \"{entry}\" into {}", host::ETC_HOSTS),
            || host::append_line(&hosts, &entry),
        );
    }
    let ha_mn = exec.env.path(host::TMP_HA_MN);
    if !host::has_word(&host::read_or_empty(&ha_mn), &entry) {
        exec.file(
            &format!("Write \"{entry}\" into {}", host::TMP_HA_MN),
            || host::append_line(&ha_mn, &entry),
        );
    }
    Ok((ip, name))
}

/// This host's engine must be the target one, unless the shared data (which becomes
/// `/etc/xcat`) already holds a database; with PostgreSQL this host's addresses are
/// added to the shared server's access lists.
fn check_local_db(
    exec: &mut Exec,
    a: &SetupArgs,
    shared_has_data: bool,
    phys_ip: &str,
) -> Result<(), Failure> {
    exec.stage("Check database type");
    let current = local_db(exec)?;
    exec.say(&format!("Current xCAT database type: {}", current.name()));
    exec.say(&format!("Target xCAT database type: {}", a.db.name()));
    if current == a.db {
        exec.say("No need to switch database");
        return Ok(());
    }
    if !shared_has_data {
        return Err(Failure::undo(format!(
            "this management node runs on {}, not {}: move its database first \
             (dumpxCATdb / restorexCATdb, see README \"Migrating a site\")",
            current.name(),
            a.db.name()
        )));
    }
    if a.db == DbType::Postgresql {
        super::pgconf::allow_hosts(exec, &a.path, &a.vip.ip(), Some(phys_ip));
    }
    Ok(())
}

/// Restarts the database and xcatd on the shared data.
fn restart_on_shared_data(exec: &mut Exec, db: DbType) -> Result<(), Failure> {
    if let Some(unit) = db.unit() {
        if !exec.service(ServiceOp::Restart, unit, Tries::Retry(3)) {
            exec.say(&format!("{unit} service did not start [Failed]"));
        }
    }
    if !exec.service(ServiceOp::Restart, "xcatd", Tries::Retry(3)) {
        return Err(Failure::undo("xCAT service did not start"));
    }
    exec.say("xCAT service has started");
    Ok(())
}
