//! The `activate-mn` / `deactivate-mn` front ends: stock's Linux steps and messages
//! (`Running command: …`, five tries 3 s apart, `[Passed]` / `[Failed]`, a failed step
//! sets the exit code and the run goes on), through the same executor as xcatha.
//! Fixed: activate-mn sets the VIP's host name (stock ran `hostname` with an empty
//! name), and services go through the service manager (`systemctl`, not `service`).

use crate::dbtype::DbType;
use crate::env::Env;
use crate::exec::{Exec, Style, Tries};
use crate::legacy_cli::{self, LegacyOptions};
use crate::services::ServiceOp;
use crate::vip::{self, Vip};
use crate::{host, policy};
use std::io::Write;
use xcat_handlers::runner::Cmd;

const FIVE: Tries = Tries::Retry(5);

fn start(
    args: &[String],
    activate: bool,
    out: &mut dyn Write,
) -> Result<(LegacyOptions, Vip), i32> {
    let o = legacy_cli::parse(args, activate).map_err(|text| {
        let _ = write!(out, "{text}");
        1
    })?;
    let mask = o.mask.clone().unwrap_or_else(|| vip::DEFAULT_MASK.into());
    let v = Vip::parse(&o.vip, &o.nic, &mask).map_err(|e| {
        let _ = writeln!(out, "Error: {e}");
        1
    })?;
    Ok((o, v))
}

/// How stock names the engine (`postgresql`, `SQLite`).
fn stock_db_name(db: DbType) -> &'static str {
    match db {
        DbType::Postgresql => "postgresql",
        DbType::Sqlite => "SQLite",
    }
}

fn mount_points(db: DbType, with_tftpboot: bool) -> Vec<&'static str> {
    let mut v = vec!["/install", "/etc/xcat", "/root/.xcat"];
    if with_tftpboot {
        v.push("/tftpboot");
    }
    if db == DbType::Postgresql {
        v.push("/var/lib/pgsql");
    }
    v
}

/// `activate-mn -i NIC -v VIP [-m MASK] [-t DB]`.
pub fn activate_main(args: &[String], env: &Env, out: &mut dyn Write) -> i32 {
    let (o, v) = match start(args, true, out) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut exec = Exec::new(env, out, false, Style::Legacy);
    if exec.probe(&v.ping_cmd()).ok() {
        exec.say(&format!("activate-mn: {}", vip::ACTIVE_MESSAGE));
        return 2;
    }
    exec.say("Changing IP addreses/aliases....");
    exec.command(&v.add_cmd(), FIVE);
    match host::name_of(&exec, &v.ip()) {
        Some(name) => {
            exec.command(&Cmd::new("hostname", [name]), FIVE);
        }
        None => {
            exec.say(&format!("Error: can not find the host name of {}", v.ip()));
            exec.failed = true;
        }
    }
    for fs in mount_points(o.db, false) {
        let real = env.path(fs).display().to_string();
        exec.command(&Cmd::new("mount", [real]), FIVE);
    }
    if let Err(code) = activate_services(&mut exec, &v, o.db) {
        return code;
    }
    exec.say("");
    exec.say("");
    if exec.failed {
        exec.say("This machine is set to active management node, but some service failed...");
        1
    } else {
        exec.say("This machine is set to active management node successfully, enjoy...");
        0
    }
}

/// DB check, NFS, database, xcatd, DNS, DHCP, console; `Err(1)` after a fatal step.
fn activate_services(exec: &mut Exec, v: &Vip, db: DbType) -> Result<(), i32> {
    let want = stock_db_name(db);
    exec.say("Check DB....");
    let current = DbType::of_confdir(&exec.env.path("/etc/xcat"))
        .map(stock_db_name)
        .unwrap_or("unknown");
    exec.say(&format!("Current database is {current}."));
    if current != want {
        exec.say(&format!(
            "Error: current DB {current} is not matched with {want}. [Failed]"
        ));
        return Err(clear_env(exec, v));
    }
    exec.say(&format!("DB is matched with {want} [Passed]"));
    exec.say("Export NFS filesystems and start NFS....");
    exec.command(&Cmd::new("exportfs", ["-a"]), FIVE);
    exec.service(ServiceOp::Restart, "nfs-server", FIVE);
    exec.say(&format!("Starting {want}...."));
    if let Some(unit) = db.unit() {
        if !exec.service(ServiceOp::Start, unit, FIVE) {
            exec.say(&format!("Error: service {want} start [Failed], exit...."));
            return Err(clear_env(exec, v));
        }
        if policy::open_db(exec.env).is_err() {
            exec.say(&format!("Error: cannot connect {want} [Failed], exit...."));
            return Err(clear_env(exec, v));
        }
    }
    exec.say("Starting xCAT....");
    let restarted = exec.service(ServiceOp::Restart, "xcatd", FIVE);
    if !restarted || !exec.probe(&Cmd::new("tabdump", ["site"])).ok() {
        exec.say("Error: failed to restart xcatd. exiting....");
        return Err(clear_env(exec, v));
    }
    exec.command(&Cmd::new("makedns", ["-n"]), FIVE);
    exec.say("Making upto date DHCP configuration file....");
    exec.command(&Cmd::new("makedhcp", ["-n"]), FIVE);
    exec.command(&Cmd::new("makedhcp", ["-a"]), FIVE);
    exec.command(&Cmd::new("makeconservercf", Vec::<String>::new()), FIVE);
    Ok(())
}

/// Drops the VIP after a fatal step; the exit code is 1.
fn clear_env(exec: &mut Exec, v: &Vip) -> i32 {
    let now = vip::prefix_now(exec, v);
    let _ = exec.env.runner.run(
        &xcat_handlers::runner::Target::Local,
        &v.del_cmd(now),
        std::time::Duration::from_secs(30),
    );
    1
}

/// `deactivate-mn -i NIC -v VIP [-t DB]`.
pub fn deactivate_main(args: &[String], env: &Env, out: &mut dyn Write) -> i32 {
    let (o, v) = match start(args, false, out) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut exec = Exec::new(env, out, false, Style::Legacy);
    exec.say("Stopping Console Server....");
    exec.service(ServiceOp::Stop, "conserver", FIVE);
    exec.say("Stopping DHCP....");
    for unit in [
        "kea-ctrl-agent",
        "kea-dhcp-ddns",
        "kea-dhcp6",
        "kea-dhcp4",
        "dhcpd",
    ] {
        exec.service(ServiceOp::Stop, unit, Tries::IgnoreFail);
    }
    exec.say("Stopping xCAT....");
    exec.service(ServiceOp::Stop, "xcatd", FIVE);
    exec.say(&format!("Stopping database {}....", stock_db_name(o.db)));
    if let Some(unit) = o.db.unit() {
        exec.service(ServiceOp::Stop, unit, FIVE);
    }
    exec.say("Re-configuring NTP....");
    exec.service(ServiceOp::Restart, "ntpd", FIVE);
    exec.say("Un-exporting NFS filesystems and stop NFS....");
    exec.command(&Cmd::new("exportfs", ["-ua"]), FIVE);
    exec.service(ServiceOp::Stop, "nfs-server", FIVE);
    exec.say("Unmounting shared filesystems ....");
    for fs in mount_points(o.db, true) {
        let real = env.path(fs).display().to_string();
        exec.command(&Cmd::new("umount", ["-l".to_string(), real]), FIVE);
    }
    remove_alias(&mut exec, &v);
    if exec.failed {
        exec.say("This machine is set to standby management node, but some service are failed.");
        1
    } else {
        exec.say("This machine is set to standby management node successfully...");
        0
    }
}

fn remove_alias(exec: &mut Exec, v: &Vip) {
    exec.say("Removing IP Aliase....");
    let now = vip::prefix_now(exec, v);
    exec.command(&v.del_cmd(now), Tries::IgnoreFail);
    if vip::prefix_now(exec, v).is_none() {
        exec.say(&format!(
            "IP Aliase {} {} is removed.[Passed]",
            v.nic,
            v.ip()
        ));
    } else {
        exec.say(&format!(
            "Fail to remove IP Aliase {} {} [Failed]",
            v.nic,
            v.ip()
        ));
        exec.failed = true;
    }
}
