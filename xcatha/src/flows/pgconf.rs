//! PostgreSQL on the shared data: the `pg_hba.conf` lines and `listen_addresses` entries
//! that let this host (its physical address and the VIP) reach the database.

use crate::exec::Exec;
use crate::host;
use std::path::Path;

const PG_DATA: &str = "var/lib/pgsql/data";

/// Adds `host all all <ip>/32 md5` for each address missing from `pg_hba.conf`, and the
/// addresses missing from `listen_addresses` in `postgresql.conf` (both under the shared
/// path, when they exist).
pub fn allow_hosts(exec: &mut Exec, shared: &str, vip: &str, phys: Option<&str>) {
    let data = exec.env.given(shared).join(PG_DATA);
    let ips: Vec<&str> = phys.into_iter().chain([vip]).collect();
    let hba = data.join("pg_hba.conf");
    if hba.exists() {
        for ip in &ips {
            if host::has_word(&host::read_or_empty(&hba), ip) {
                continue;
            }
            let line = format!("host    all          all        {ip}/32      md5");
            exec.file(
                &format!("Added line \"{line}\" to {}", hba.display()),
                || host::append_line(&hba, &line),
            );
        }
    }
    let conf = data.join("postgresql.conf");
    if conf.exists() {
        listen_on(exec, &conf, &ips);
    }
}

fn listen_on(exec: &mut Exec, conf: &Path, ips: &[&str]) {
    let text = host::read_or_empty(conf);
    let current = text
        .lines()
        .find(|l| l.trim_start().starts_with("listen_addresses"))
        .and_then(|l| l.split('\'').nth(1))
        .unwrap_or("localhost")
        .to_string();
    let mut list: Vec<String> = current.split(',').map(|s| s.trim().to_string()).collect();
    let missing: Vec<&&str> = ips
        .iter()
        .filter(|ip| !list.iter().any(|x| x == **ip))
        .collect();
    if missing.is_empty() {
        return;
    }
    list.extend(missing.iter().map(|s| s.to_string()));
    let line = format!("listen_addresses = '{}'", list.join(","));
    let kept: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("listen_addresses"))
        .map(|l| format!("{l}\n"))
        .collect();
    exec.file(&format!("Set \"{line}\" in {}", conf.display()), || {
        std::fs::write(conf, format!("{kept}{line}\n"))
    });
}
