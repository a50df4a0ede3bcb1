//! The command line (other tools rely on exactly this):
//! `xcatd init [--confdir DIR] [--db URL] [--hostname NAME] [--client-user USER]
//! [--client-home DIR] [--force]` and
//! `xcatd [-f|--foreground] [-p|--pidfile FILE] [--confdir DIR] [--db URL]
//! [--port N] [--listen ADDR] [--fallback HOST:PORT] [--ha-config FILE]` plus the sizing and
//! timing knobs of [`Tuning`] (each also read from an `XCATD_*` variable).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "xcatd",
    version,
    about = "xcatd-rs: the xCAT management daemon"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the CA, server and client credentials and seed the database.
    Init(InitCli),
}

#[derive(Debug, Args)]
pub struct InitCli {
    #[arg(long, default_value = "/etc/xcat")]
    pub confdir: PathBuf,
    /// `sqlite-dir:PATH` or `postgres://…` (default: as `xcatd` finds it).
    #[arg(long)]
    pub db: Option<String>,
    /// Host name for the server certificate (default: this host's name).
    #[arg(long)]
    pub hostname: Option<String>,
    #[arg(long, default_value = "root")]
    pub client_user: String,
    /// Home directory for the client credentials (default: the user's).
    #[arg(long)]
    pub client_home: Option<PathBuf>,
    /// Replace existing credentials and data.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// Stay in the foreground (no fork, no pid file).
    #[arg(short = 'f', long)]
    pub foreground: bool,
    #[arg(short = 'p', long, default_value = "/var/run/xcatd.pid")]
    pub pidfile: PathBuf,
    #[arg(long, default_value = "/etc/xcat")]
    pub confdir: PathBuf,
    /// `sqlite-dir:PATH` or `postgres://…` (default: `<confdir>/cfgloc`, else SQLite in confdir).
    #[arg(long)]
    pub db: Option<String>,
    /// Request port (default: site.xcatdport, else 3001).
    #[arg(long)]
    pub port: Option<u16>,
    /// Address to listen on (default: dual-stack wildcard).
    #[arg(long)]
    pub listen: Vec<String>,
    /// Forward commands without a handler to this (stock) xcatd.
    #[arg(long, value_name = "HOST:PORT")]
    pub fallback: Option<String>,
    /// Run the HA agent (automatic takeover, `hastatus`) with this configuration.
    #[arg(long, value_name = "FILE")]
    pub ha_config: Option<PathBuf>,
    /// The per-request command log (stock location by default).
    #[arg(long, value_name = "FILE", default_value = crate::cmdlog::DEFAULT_PATH)]
    pub cmdlog: PathBuf,
    #[command(flatten)]
    pub tuning: Tuning,
}

/// Sizes and times (README, "Sizing and timeouts"); unset sizes follow the
/// machine's available parallelism.
#[derive(Debug, Args, Default, Clone)]
pub struct Tuning {
    /// Async worker threads (TLS, framing, writing answers) [default: CPUs, at least 2].
    #[arg(long, env = "XCATD_WORKER_THREADS", value_name = "N")]
    pub worker_threads: Option<usize>,
    /// Most threads running commands at once [default: 16 per CPU, at least 64].
    #[arg(long, env = "XCATD_BLOCKING_THREADS", value_name = "N")]
    pub blocking_threads: Option<usize>,
    /// Database connections in the pool [default: SQLite CPUs+2 (4..16), PostgreSQL 2*CPUs+2 (4..32)].
    #[arg(long, env = "XCATD_DB_POOL", value_name = "N")]
    pub db_pool: Option<u32>,
    /// Seconds a connection has to deliver a complete request (from its
    /// start or the end of its previous answer; bytes do not extend it).
    #[arg(long, env = "XCATD_REQUEST_TIMEOUT", value_name = "SECS")]
    pub request_timeout: Option<f64>,
    /// Seconds running commands may go on after SIGTERM before they are aborted.
    #[arg(long, env = "XCATD_SHUTDOWN_GRACE", value_name = "SECS")]
    pub shutdown_grace: Option<f64>,
    /// Connections allowed between accept and their first complete request;
    /// beyond it the oldest such connection is closed.
    #[arg(long, env = "XCATD_MAX_PENDING", value_name = "N")]
    pub max_pending: Option<usize>,
    /// Slots beyond site.xcatmaxconnections that only root's certificate may use [default: 0].
    #[arg(long, env = "XCATD_ADMIN_RESERVE", value_name = "N")]
    pub admin_reserve: Option<usize>,
}

/// The machine's available parallelism (1 when unknown).
pub fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

impl Tuning {
    pub fn worker_threads(&self) -> usize {
        self.worker_threads.unwrap_or_else(|| cpus().max(2)).max(1)
    }

    pub fn blocking_threads(&self) -> usize {
        self.blocking_threads
            .unwrap_or_else(|| (16 * cpus()).max(64))
            .max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizing_knobs() {
        let cli = Cli::parse_from([
            "xcatd",
            "--worker-threads",
            "3",
            "--blocking-threads",
            "10",
            "--db-pool",
            "5",
            "--request-timeout",
            "2.5",
            "--shutdown-grace",
            "0",
        ]);
        let t = &cli.serve.tuning;
        assert_eq!(t.worker_threads(), 3);
        assert_eq!(t.blocking_threads(), 10);
        assert_eq!(t.db_pool, Some(5));
        assert_eq!(t.request_timeout, Some(2.5));
        assert_eq!(t.shutdown_grace, Some(0.0));
        let defaults = Tuning::default();
        assert_eq!(defaults.worker_threads(), cpus().max(2));
        assert_eq!(defaults.blocking_threads(), (16 * cpus()).max(64));
    }
}
