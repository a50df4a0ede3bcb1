//! The policy row that trusts this MN's server-certificate name (xcatha.py's setup
//! step): written straight into the site's database in one transaction, at the first
//! free priority `1.<n>` from `1.3`, unless a row with that name exists.

use crate::env::Env;
use crate::exec::Exec;
use std::path::PathBuf;
use xcat_schema::db::{Db, DbLocation};

/// Opens the database of the `/etc/xcat` under the root (cfgloc, else SQLite there).
/// One connection: with a larger pool, r2d2 opens a spare one on a background thread
/// after the first checkout, and a process exiting while that thread is inside libpq
/// crashes (seen as SIGSEGV at the end of `xcatha`).
pub fn open_db(env: &Env) -> Result<Db, String> {
    let confdir = env.path("/etc/xcat");
    let loc = match std::fs::read_to_string(confdir.join("cfgloc")) {
        Ok(text) if !text.trim().is_empty() => {
            match DbLocation::from_cfgloc(&text).map_err(|e| e.to_string())? {
                DbLocation::SqliteDir(dir) => DbLocation::SqliteDir(reroot(env, dir)),
                pg => pg,
            }
        }
        _ => DbLocation::SqliteDir(confdir),
    };
    Db::open_with_pool(&loc, Some(1)).map_err(|e| e.to_string())
}

fn reroot(env: &Env, dir: PathBuf) -> PathBuf {
    match dir.to_str() {
        Some(d) if d.starts_with('/') => env.path(d),
        _ => dir,
    }
}

/// What the step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyOutcome {
    Exists(String),
    Added(String),
}

/// Adds `name=<cn> rule=trusted` at the first free `1.<n>` (n ≥ 3) unless a row already
/// names `cn`; one transaction.
pub fn add_trusted(db: &Db, cn: &str) -> Result<PolicyOutcome, String> {
    db.write(|conn| {
        let rows = conn.select("policy", &["priority", "name"], &[], false)?;
        if let Some(r) = rows.iter().find(|r| r[1].as_deref() == Some(cn)) {
            return Ok(PolicyOutcome::Exists(r[0].clone().unwrap_or_default()));
        }
        let taken: Vec<String> = rows.iter().filter_map(|r| r[0].clone()).collect();
        let free = (3u32..)
            .map(|n| format!("1.{n}"))
            .find(|p| !taken.contains(p))
            .unwrap_or_default();
        conn.set_attribs(
            "policy",
            &[("priority", free.as_str())],
            &[("name", Some(cn)), ("rule", Some("trusted"))],
        )?;
        Ok(PolicyOutcome::Added(free))
    })
    .map_err(|e: xcat_schema::db::DbError| e.to_string())
}

/// The setup step: reads the CN of `/etc/xcat/cert/server-cert.pem` and trusts it.
pub fn trust_this_mn(exec: &mut Exec) -> bool {
    exec.stage("Configure xCAT policy table");
    let confdir = exec.env.path("/etc/xcat");
    let cn = xcat_net::creds::server_cert_cn(&confdir);
    let Some(cn) = cn else {
        let what = "Get server name from /etc/xcat/cert/server-cert.pem";
        return exec.check(what, || Err(String::new()));
    };
    let what = format!("Add policy row name={cn} rule=trusted (first free priority from 1.3)");
    let env = exec.env;
    let mut outcome = None;
    let ok = exec.check(&what, || {
        let db = open_db(env)?;
        outcome = Some(add_trusted(&db, &cn)?);
        Ok(())
    });
    match outcome {
        Some(PolicyOutcome::Exists(p)) => exec.say(&format!("{cn} exists in policy table ({p}).")),
        Some(PolicyOutcome::Added(p)) => exec.say(&format!("policy {p}: name={cn} rule=trusted")),
        None => {}
    }
    ok
}
