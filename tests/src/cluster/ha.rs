//! The HA layout of the cluster ([`ClusterSpec::ha`]): a "shared disk" (the
//! directory `shared` on the cluster's tmpfs) bind-mounted at [`SHARED_PATH`] in
//! mn1's and mn2's mount namespaces; the VIP [`VIP`] (`hamn`) named by every
//! `cfgloc` and by `site.master`; on mn1 and mn2 a private `/tmp`, a regular
//! `/etc/resolv.conf` and the services file [`SERVICES_FILE`] that `xcatha
//! --service-manager commands` reads (PostgreSQL through `pg_ctl`, xcatd through
//! its own daemon mode and `start-stop-daemon`; nothing else is present).
//! Bring-up: PostgreSQL's data in mn1's `/var/lib/pgsql/data`, started with the
//! VIP briefly on mn1 (`xcatd init` and the node definitions go through it), mn1's
//! xcatd started by its services commands; then the VIP goes down, so `xcatha -s`
//! starts from an ordinary MN.  Compute nodes get the stock client names and
//! root's client credentials (clients through the VIP).  Everything is on the
//! cluster's tmpfs or in its namespaces: teardown removes it.

use super::layout::Layout;
use super::mounts::{host_command, make_opaque};
use super::postgres::{self, as_postgres, psql_at, DB_NAME, DB_PASSWORD, DB_USER, OS_USER};
use super::spec::{ClusterSpec, HostSpec, Role, PREFIX_LEN};
use super::sys::{chmod, run, write_file};
use super::Cluster;
use crate::server::{xcatclient_bin, xcatd_bin, xcatha_bin};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The virtual IP, its name and its interface label.
pub const VIP: &str = "198.18.0.5";
pub const VIP_NAME: &str = "hamn";
pub const VIP_NIC: &str = "eth0:0";
/// Where mn1 and mn2 see the shared disk (`xcatha -p`).
pub const SHARED_PATH: &str = "/var/xcat-ha";

/// `xcatha MODE` (`-s` or `-a`) with this layout's shared path and
/// VIP options, as the HA tests and `bench-failover` pass them.
pub const fn xcatha_args(mode: &'static str) -> [&'static str; 9] {
    [
        mode,
        "-p",
        SHARED_PATH,
        "-i",
        VIP_NIC,
        "-v",
        VIP,
        "-n",
        VIP_NAME,
    ]
}
/// The services file of mn1 and mn2 (`xcatha --services`).
pub const SERVICES_FILE: &str = "/etc/xcatha/services";
/// PostgreSQL's data directory, as the MNs see it (a link to the shared disk
/// after `xcatha -s`).
pub const PG_DATA: &str = "/var/lib/pgsql/data";
const PG_LOG: &str = "/var/log/pgsql.log";
const XCATD_PIDFILE: &str = "/var/lib/xcluster/xcatd.pid";

/// What xcatha and the services file run on the MNs: `ping` (the VIP guard),
/// `arping` (gratuitous ARP), `start-stop-daemon`.
pub fn requirements() -> Result<(), String> {
    let missing: Vec<&str> = ["ping", "arping", "start-stop-daemon"]
        .into_iter()
        .filter(|t| !super::sys::have(t))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "missing tools for the HA layout: {} (iputils-ping, iputils-arping, dpkg)",
            missing.join(", ")
        ))
    }
}

/// The shared disk on the machine (on the cluster's tmpfs).
pub fn shared_dir(layout: &Layout) -> PathBuf {
    layout.base().join("shared")
}

fn mns(spec: &ClusterSpec) -> impl Iterator<Item = &HostSpec> {
    spec.hosts.iter().filter(|h| h.role == Role::Mn)
}

/// One line of the services file.
pub struct ServiceCommand {
    pub unit: &'static str,
    pub op: &'static str,
    pub argv: Vec<String>,
}

/// The lines of the services file, in file order.
pub fn service_commands() -> Result<Vec<ServiceCommand>, String> {
    let bin = postgres::bindir().ok_or("PostgreSQL server binaries not found")?;
    let pg_ctl = bin.join("pg_ctl").to_string_lossy().into_owned();
    let pg = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = ["runuser", "-u", OS_USER, "--", &pg_ctl, "-D", PG_DATA]
            .iter()
            .map(|s| s.to_string())
            .collect();
        v.extend(args.iter().map(|s| s.to_string()));
        v
    };
    let ssd = |args: &[&str]| -> Vec<String> {
        let mut v = vec!["start-stop-daemon".to_string()];
        v.extend(args.iter().map(|s| s.to_string()));
        v.extend(["--pidfile".to_string(), XCATD_PIDFILE.to_string()]);
        v
    };
    let xcatd = xcatd_bin().to_string_lossy().into_owned();
    let line = |unit, op, argv| ServiceCommand { unit, op, argv };
    let xcatd_start = vec![
        xcatd,
        "--confdir".into(),
        "/etc/xcat".into(),
        "--pidfile".into(),
        XCATD_PIDFILE.into(),
    ];
    Ok(vec![
        line(
            "postgresql",
            "start",
            pg(&["-l", PG_LOG, "-w", "-t", "60", "start"]),
        ),
        line(
            "postgresql",
            "stop",
            pg(&["-m", "fast", "-w", "-t", "60", "stop"]),
        ),
        line("postgresql", "status", pg(&["status"])),
        line("xcatd", "start", xcatd_start),
        line(
            "xcatd",
            "stop",
            ssd(&["--stop", "--oknodo", "--retry", "TERM/20/KILL/5"]),
        ),
        line("xcatd", "status", ssd(&["--status"])),
    ])
}

fn services_file_text() -> Result<String, String> {
    let mut text = String::from(
        "# xcatha --service-manager commands --services /etc/xcatha/services\n\
         # service operation program args... (no shell)\n",
    );
    for c in service_commands()? {
        text.push_str(&format!("{} {} {}\n", c.unit, c.op, c.argv.join(" ")));
    }
    Ok(text)
}

/// Files of an HA host before its namespaces exist (upper layers).
pub fn prepare_host(layout: &Layout, host: &HostSpec) -> Result<(), String> {
    let dir = layout.host_dir(&host.name);
    if host.role == Role::Compute {
        let bin = dir.join("opt/xcat/bin");
        std::fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
        run(Command::new(xcatclient_bin())
            .arg("--install-links")
            .arg(&bin))?;
        // Stock's generic script too (`xcatclientnnr hastatus`).
        let nnr = bin.join("xcatclientnnr");
        if !nnr.exists() {
            std::os::unix::fs::symlink(xcatclient_bin(), &nnr)
                .map_err(|e| format!("{}: {e}", nnr.display()))?;
        }
        return make_opaque(&dir.join("root/.xcat"));
    }
    if host.role != Role::Mn {
        return Ok(());
    }
    write_file(
        &dir.join("etc/xcatha/services"),
        services_file_text()?.as_bytes(),
    )?;
    write_file(&dir.join("etc/resolv.conf"), b"search cluster\n")?;
    for d in ["var/lib/xcluster", "var/lib/pgsql", SHARED_PATH, "tmp"] {
        let p = dir.join(d.trim_start_matches('/'));
        std::fs::create_dir_all(&p).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    chmod(&dir.join("tmp"), 0o1777)?;
    write_file(&dir.join(PG_LOG.trim_start_matches('/')), b"")?;
    run(Command::new("chown")
        .args(["-R", OS_USER])
        .arg(dir.join("var/lib/pgsql"))
        .arg(dir.join(PG_LOG.trim_start_matches('/'))))?;
    let shared = shared_dir(layout);
    std::fs::create_dir_all(&shared).map_err(|e| format!("{}: {e}", shared.display()))?;
    chmod(&shared, 0o755)
}

/// Inside each MN's mount namespace: the shared disk and a private `/tmp`.
pub fn mount_shared(layout: &Layout, spec: &ClusterSpec) -> Result<(), String> {
    for mn in mns(spec) {
        let mnt = format!("--mount={}", layout.mnt_file(&mn.name).display());
        let shared = shared_dir(layout).to_string_lossy().into_owned();
        let tmp = layout.host_dir(&mn.name).join("tmp");
        run(Command::new("nsenter")
            .arg(&mnt)
            .args(["mount", "--bind", &shared, SHARED_PATH]))?;
        keep_binaries_visible(&mnt, &tmp)?;
        // Recursive: the binaries' binds inside `tmp` come along.
        run(Command::new("nsenter")
            .arg(&mnt)
            .args(["mount", "--rbind"])
            .arg(&tmp)
            .arg("/tmp"))?;
    }
    Ok(())
}

/// A checkout under `/tmp` (a clone in `/tmp/x`): the MN's private `/tmp`
/// would hide the test binaries, so each of their directories is bound into
/// that private `/tmp` at the same path, before it covers `/tmp`.
fn keep_binaries_visible(mnt: &str, tmp: &Path) -> Result<(), String> {
    let mut dirs: Vec<PathBuf> = [xcatd_bin(), xcatha_bin(), xcatclient_bin()]
        .iter()
        .filter_map(|bin| bin.parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        let Ok(rel) = dir.strip_prefix("/tmp") else {
            continue;
        };
        let inside = tmp.join(rel);
        std::fs::create_dir_all(&inside).map_err(|e| format!("{}: {e}", inside.display()))?;
        run(Command::new("nsenter")
            .arg(mnt)
            .args(["mount", "--bind"])
            .arg(&dir)
            .arg(&inside))?;
    }
    Ok(())
}

/// `ip addr add|del VIP/24 dev eth0` in the host's namespace.
pub fn set_vip(layout: &Layout, host: &str, up: bool) -> Result<(), String> {
    let addr = format!("{VIP}/{PREFIX_LEN}");
    let verb = if up { "add" } else { "del" };
    let ns = layout.netns(host);
    let mut cmd = Command::new("ip");
    cmd.args(["-n", &ns, "addr", verb, &addr, "dev", "eth0"]);
    if up {
        cmd.args(["label", VIP_NIC]);
    }
    run(&mut cmd)?;
    Ok(())
}

/// Run the services file's `op` command of `unit` inside `host`.
pub fn service(layout: &Layout, host: &str, unit: &str, op: &str) -> Result<Output, String> {
    let all = service_commands()?;
    let c = all
        .iter()
        .find(|c| c.unit == unit && c.op == op)
        .ok_or_else(|| format!("no {op} command for {unit}"))?;
    run(host_command(layout, host, &c.argv[0]).args(&c.argv[1..]))
}

/// PostgreSQL in mn1's `/var/lib/pgsql/data`, started by its services command
/// (the VIP is up on mn1 from here until [`finish`]).
pub fn create_database(layout: &Layout, db: &HostSpec) -> Result<(), String> {
    set_vip(layout, &db.name, true)?;
    std::fs::create_dir_all(layout.host_dir(&db.name).join("pg"))
        .map_err(|e| format!("pg dir: {e}"))?;
    run(as_postgres(layout, &db.name, "initdb")?.args([
        "-D",
        PG_DATA,
        "-U",
        "postgres",
        "--encoding=UTF8",
        "--locale=C",
        "--no-sync",
    ]))?;
    let data = layout.host_path(&db.name, PG_DATA);
    let hba = format!(
        "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all {}0/24 scram-sha-256\n",
        super::spec::SUBNET_PREFIX
    );
    std::fs::write(data.join("pg_hba.conf"), hba).map_err(|e| e.to_string())?;
    // `synchronous_commit` stays on: a commit is acknowledged only once its WAL is
    // written, so a PostgreSQL killed with the MN (kill -9) loses no acknowledged
    // write.  (`fsync = off`: the shared disk is tmpfs, the machine does not crash.)
    let conf = "listen_addresses = '*'\nport = 5432\nunix_socket_directories = '/tmp'\n\
                max_connections = 200\nfsync = off\nsynchronous_commit = on\n";
    let mut text = std::fs::read_to_string(data.join("postgresql.conf")).unwrap_or_default();
    text.push_str(conf);
    std::fs::write(data.join("postgresql.conf"), text).map_err(|e| e.to_string())?;
    service(layout, &db.name, "postgresql", "start")?;
    let sock = Path::new("/tmp");
    psql_at(
        layout,
        &db.name,
        sock,
        &format!("CREATE ROLE {DB_USER} LOGIN PASSWORD '{DB_PASSWORD}'"),
    )?;
    psql_at(
        layout,
        &db.name,
        sock,
        &format!("CREATE DATABASE {DB_NAME} OWNER {DB_USER}"),
    )?;
    Ok(())
}

/// After the node definitions: `site.master` = the VIP's name, root's client
/// credentials on the compute nodes, the VIP down.
pub fn finish(layout: &Layout, spec: &ClusterSpec, db: &HostSpec) -> Result<(), String> {
    let master = format!("master={VIP_NAME}");
    run(host_command(layout, &db.name, "/opt/xcat/bin/chdef").args(["-t", "site", &master]))?;
    let creds = layout.host_dir(&db.name).join("root/.xcat/.");
    for cn in spec.hosts.iter().filter(|h| h.role == Role::Compute) {
        let dest = layout.host_dir(&cn.name).join("root/.xcat");
        run(Command::new("cp").arg("-a").arg(&creds).arg(&dest))?;
    }
    set_vip(layout, &db.name, false)
}

impl Cluster {
    /// `xcatha ARGS --service-manager commands --services /etc/xcatha/services`
    /// inside `host` (HA layout).
    pub fn xcatha(&self, host: &str, args: &[&str]) -> Output {
        let bin = xcatha_bin().to_string_lossy().into_owned();
        self.host(host).run(
            &bin,
            &[
                args,
                &["--service-manager", "commands", "--services", SERVICES_FILE],
            ]
            .concat(),
        )
    }

    /// Whether the VIP is on one of `host`'s interfaces (`ip -o -4 addr show`).
    pub fn has_vip(&self, host: &str) -> bool {
        let out = self.host(host).run("ip", &["-o", "-4", "addr", "show"]);
        String::from_utf8_lossy(&out.stdout).contains(&format!(" {VIP}/"))
    }
}
