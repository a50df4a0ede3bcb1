//! PostgreSQL on the database host (mn1): a cluster in the host's directory
//! (`pg/data`, socket in `pg/sock`, log `pg/postgres.log`), owned by the
//! `postgres` user, listening on the host's address and loopback, password
//! (scram) access for the xCAT role from 198.18.0.0/24.  Every daemon,
//! the MN's included, reaches it through `cfgloc` as stock does.

use super::layout::Layout;
use super::mounts::host_command;
use super::spec::HostSpec;
use super::sys::run;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Database, role and password the xCAT daemons use.
pub const DB_NAME: &str = "xcatdb";
pub const DB_USER: &str = "xcatadm";
pub const DB_PASSWORD: &str = "cluster-pw";
/// The OS user running the server.
pub const OS_USER: &str = "postgres";

/// Directory of the PostgreSQL server binaries (15 preferred).
pub fn bindir() -> Option<PathBuf> {
    let fifteen = Path::new("/usr/lib/postgresql/15/bin");
    if fifteen.join("initdb").exists() {
        return Some(fifteen.to_path_buf());
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|d| d.join("initdb").exists())
        .collect();
    dirs.sort();
    dirs.pop()
}

/// `cfgloc` line of every daemon: the database at `address`.
pub fn cfgloc(address: &str) -> String {
    format!("Pg:dbname={DB_NAME};host={address}|{DB_USER}|{DB_PASSWORD}\n")
}

fn pg_dir(layout: &Layout, host: &str) -> PathBuf {
    layout.host_dir(host).join("pg")
}

/// `runuser -u postgres -- <bindir>/<tool> args` inside the host.
pub(super) fn as_postgres(layout: &Layout, host: &str, tool: &str) -> Result<Command, String> {
    let bin = bindir().ok_or("PostgreSQL server binaries not found (install postgresql)")?;
    let mut cmd = host_command(layout, host, "runuser");
    cmd.args(["-u", OS_USER, "--"]).arg(bin.join(tool));
    cmd.current_dir(pg_dir(layout, host));
    Ok(cmd)
}

/// initdb, access rules, start, then the xCAT role and database.
pub fn create(layout: &Layout, host: &HostSpec) -> Result<(), String> {
    let dir = pg_dir(layout, &host.name);
    std::fs::create_dir_all(dir.join("sock")).map_err(|e| format!("{}: {e}", dir.display()))?;
    run(Command::new("chown").args(["-R", OS_USER]).arg(&dir))?;
    let data = dir.join("data");
    run(as_postgres(layout, &host.name, "initdb")?
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            "postgres",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ]))?;
    let hba = format!(
        "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all {}0/24 scram-sha-256\n",
        super::spec::SUBNET_PREFIX
    );
    std::fs::write(data.join("pg_hba.conf"), hba).map_err(|e| e.to_string())?;
    start(layout, host)?;
    psql(
        layout,
        &host.name,
        &format!("CREATE ROLE {DB_USER} LOGIN PASSWORD '{DB_PASSWORD}'"),
    )?;
    psql(
        layout,
        &host.name,
        &format!("CREATE DATABASE {DB_NAME} OWNER {DB_USER}"),
    )?;
    Ok(())
}

/// Start the server (waits until it accepts connections).
pub fn start(layout: &Layout, host: &HostSpec) -> Result<(), String> {
    let dir = pg_dir(layout, &host.name);
    let opts = format!(
        "-c listen_addresses={},127.0.0.1 -c port=5432 -c unix_socket_directories={} \
         -c max_connections=200 -c fsync=off -c synchronous_commit=off",
        host.ip(),
        dir.join("sock").display()
    );
    run(as_postgres(layout, &host.name, "pg_ctl")?
        .arg("-D")
        .arg(dir.join("data"))
        .arg("-l")
        .arg(dir.join("postgres.log"))
        .args(["-w", "-t", "60", "-o", &opts, "start"]))?;
    Ok(())
}

/// Stop the server (fast shutdown: connections are cut).
pub fn stop(layout: &Layout, host: &HostSpec) -> Result<(), String> {
    let dir = pg_dir(layout, &host.name);
    run(as_postgres(layout, &host.name, "pg_ctl")?
        .arg("-D")
        .arg(dir.join("data"))
        .args(["-m", "fast", "-w", "-t", "60", "stop"]))?;
    Ok(())
}

/// Run one SQL statement as the superuser over the local socket.
pub fn psql(layout: &Layout, host: &str, sql: &str) -> Result<String, String> {
    psql_at(layout, host, &pg_dir(layout, host).join("sock"), sql)
}

/// [`psql`] through the socket directory `sock` (a path inside the host).
pub fn psql_at(layout: &Layout, host: &str, sock: &Path, sql: &str) -> Result<String, String> {
    let out = run(host_command(layout, host, "psql")
        .arg("-h")
        .arg(sock)
        .args([
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-qAtc",
            sql,
        ]))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The postmaster's log so far.
pub fn log(layout: &Layout, host: &str) -> String {
    std::fs::read_to_string(pg_dir(layout, host).join("postgres.log")).unwrap_or_default()
}
