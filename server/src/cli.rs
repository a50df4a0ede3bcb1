//! The command line (other tools rely on exactly this):
//! `xcatd init [--confdir DIR] [--db URL] [--hostname NAME] [--client-user USER]
//! [--client-home DIR] [--force]` and
//! `xcatd [-f|--foreground] [-p|--pidfile FILE] [--confdir DIR] [--db URL]
//! [--port N] [--listen ADDR] [--fallback HOST:PORT]`.

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
    /// The per-request command log (stock location by default).
    #[arg(long, value_name = "FILE", default_value = crate::cmdlog::DEFAULT_PATH)]
    pub cmdlog: PathBuf,
}
