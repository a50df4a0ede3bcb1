//! The services of a management node and their order: database → xcatd → DNS → DHCP →
//! NTP → console server to start, the reverse to stop and disable.  DNS and DHCP are
//! (re)made by `makedns -n` / `makedhcp -n` + `makedhcp -a` when `site.domain` is set;
//! the console server is the one `/etc/xcat/console.lock` names (written when stopping).
//! With the HA agent (`agent`), xcatd is neither stopped nor disabled and the agent is
//! asked to activate right after xcatd runs ([`super::handover`]).

use crate::dbtype::DbType;
use crate::exec::{Exec, Tries};
use crate::host;
use crate::policy;
use crate::services::ServiceOp;
use xcat_handlers::runner::Cmd;

use super::Failure;

pub const CONSOLE_LOCK: &str = "/etc/xcat/console.lock";
const CONSOLES: [&str; 2] = ["conserver", "goconserver"];

/// Start order for `db` (xcatha.py's list without MariaDB; no database service with
/// SQLite).
pub fn service_list(db: DbType) -> Vec<&'static str> {
    let mut list: Vec<&str> = db.unit().into_iter().collect();
    list.extend([
        "xcatd",
        "named",
        "dhcpd",
        "ntpd",
        "conserver",
        "goconserver",
    ]);
    list
}

/// Which console server to start: `goconserver` if the first line of the lock names it,
/// else `conserver`; neither without a lock.
pub fn console_choice(exec: &Exec) -> Option<&'static str> {
    let text = std::fs::read_to_string(exec.env.path(CONSOLE_LOCK)).ok()?;
    let first = text.lines().next().unwrap_or("");
    Some(if first.contains("goconserver") {
        "goconserver"
    } else {
        "conserver"
    })
}

/// Records the running console server(s) in the lock (read back at activation).
fn write_console_lock(exec: &mut Exec) {
    let running: Vec<&str> = CONSOLES.into_iter().filter(|c| exec.is_active(c)).collect();
    if running.is_empty() {
        return;
    }
    let text: String = running.iter().map(|c| format!("{c}\n")).collect();
    let path = exec.env.path(CONSOLE_LOCK);
    exec.file(
        &format!("Added \"{}\" to {CONSOLE_LOCK}", running.join(" ")),
        || std::fs::write(&path, &text),
    );
}

/// The services to stop or disable, in reverse start order (xcatd stays when it hosts
/// the HA agent).
fn stop_list(db: DbType, agent: bool) -> Vec<&'static str> {
    let mut list: Vec<&str> = service_list(db).into_iter().rev().collect();
    if agent {
        list.retain(|u| *u != "xcatd");
    }
    list
}

/// Stops every service in reverse order (after saving the console lock).
pub fn stop_all(exec: &mut Exec, db: DbType, agent: bool) -> bool {
    write_console_lock(exec);
    let mut ok = true;
    for unit in stop_list(db, agent) {
        ok &= exec.service(ServiceOp::Stop, unit, Tries::Retry(3));
    }
    if agent {
        exec.say(KEEP_XCATD);
    }
    ok
}

const KEEP_XCATD: &str = "xcatd keeps running: it hosts the HA agent";

/// Disables every service in reverse order (no start at boot).
pub fn disable_all(exec: &mut Exec, db: DbType, agent: bool) -> bool {
    let mut ok = true;
    for unit in stop_list(db, agent) {
        ok &= exec.service(ServiceOp::Disable, unit, Tries::Retry(3));
    }
    ok
}

/// Starts the services in order.  The database and xcatd are fatal; the others count
/// as "some service failed".  With the HA agent, its activation follows xcatd (fatal).
pub fn start_all(exec: &mut Exec, db: DbType, host_name: &str, agent: bool) -> Result<(), Failure> {
    exec.stage("Start all services");
    let console = console_choice(exec);
    let list: Vec<&str> = service_list(db)
        .into_iter()
        .filter(|u| !CONSOLES.contains(u) || console == Some(*u))
        .collect();
    let mut domain = false;
    for unit in list {
        match unit {
            "postgresql" | "xcatd" => {
                if !exec.service(ServiceOp::Start, unit, Tries::Retry(3)) {
                    exec.say(&format!("start {unit} failed"));
                    return Err(Failure::undo("Start all services stage"));
                }
                if unit == "xcatd" && agent {
                    super::handover::activate(exec)?;
                }
            }
            "named" => {
                domain = site_domain_set(exec);
                if domain {
                    make_dns(exec, host_name);
                }
            }
            "dhcpd" => make_dhcp(exec, domain),
            "conserver" => {
                exec.command(
                    &Cmd::new("makeconservercf", Vec::<String>::new()),
                    Tries::Once,
                );
                exec.service(ServiceOp::Start, unit, Tries::Retry(3));
            }
            "goconserver" => {
                exec.command(&Cmd::new("makegocons", Vec::<String>::new()), Tries::Once);
                exec.service(ServiceOp::Start, unit, Tries::Retry(3));
            }
            _ => {
                exec.service(ServiceOp::Start, unit, Tries::Retry(3));
            }
        }
    }
    Ok(())
}

const NO_DOMAIN_NAMED: &str =
    "\"domain\" entry is not in \"site\" table. \"named\" service will not be started";

/// `site.domain` is set (read from the database).  A dry run reads it too when the
/// database answers, so that it lists the steps a real run takes; when it does not
/// answer (not started yet), a dry run assumes the domain is set.
fn site_domain_set(exec: &mut Exec) -> bool {
    const WHAT: &str = "Check site.domain in the xCAT database";
    let answer = site_domain(exec.env);
    if exec.dryrun {
        let set = answer.unwrap_or(true);
        if !set {
            exec.say(NO_DOMAIN_NAMED);
        }
        exec.say(&format!("{WHAT} [Dryrun]"));
        return set;
    }
    exec.check(WHAT, || match answer {
        Ok(true) => Ok(()),
        Ok(false) => Err(NO_DOMAIN_NAMED.into()),
        Err(e) => Err(e),
    })
}

/// Whether `site.domain` has a value; `Err` when the database cannot be read.
fn site_domain(env: &crate::env::Env) -> Result<bool, String> {
    let db = policy::open_db(env)?;
    let rows = db
        .read(|c| c.select("site", &["value"], &[("key", "domain")], true))
        .map_err(|e| e.to_string())?;
    Ok(rows
        .iter()
        .any(|r| r[0].as_deref().is_some_and(|v| !v.is_empty())))
}

fn make_dns(exec: &mut Exec, host_name: &str) {
    let hosts = host::read_or_empty(&exec.env.path(host::ETC_HOSTS));
    let long = format!("{}.", host_name.trim());
    if host_name.trim().is_empty() || !host::has_word(&hosts, &long) {
        exec.say("Long hostname is not in \"/etc/hosts\". \"named\" service will not be started");
        return;
    }
    exec.command(&Cmd::new("makedns", ["-n"]), Tries::Once);
}

fn make_dhcp(exec: &mut Exec, domain: bool) {
    if !domain {
        exec.say(
            "\"domain\" entry is not in \"site\" table. \"dhcpd\" service will not be started",
        );
        return;
    }
    exec.command(&Cmd::new("makedhcp", ["-n"]), Tries::Once);
    exec.command(&Cmd::new("makedhcp", ["-a"]), Tries::Once);
}
