//! `xcatd` binary: `xcatd init …` (credentials and database seeding) or
//! serve.  Serving: daemonise first (still one thread, no database
//! connection), then pick the database (`--db`, `<confdir>/cfgloc`, SQLite
//! in the confdir), bind the port, report to the launcher, and run the tokio
//! runtime (sized by [`Tuning`]) until SIGTERM/SIGINT.

use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use xcat_schema::db::{Db, DbLocation};
use xcatd::cli::{Cli, Command, InitCli, ServeArgs, Tuning};
use xcatd::config::ServeConfig;
use xcatd::daemon::DaemonHandle;
use xcatd::db_store::DbStore;
use xcatd::forward::client::TlsForwarder;
use xcatd::forward::Forwarder;
use xcatd::listener;
use xcatd::server::Server;
use xcatd::state::Shared;
use xcatd::store::Store;

fn main() -> ExitCode {
    xcatd::memory::limit_arenas();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Init(args)) => init(args),
        None => match serve(cli.serve) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                tracing::error!("xcatd failed to start: {e}");
                eprintln!("xcatd: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

fn init(args: InitCli) -> ExitCode {
    let init_args = xcatd::init::InitArgs {
        confdir: args.confdir,
        db: args.db,
        hostname: args.hostname,
        client_user: args.client_user,
        client_home: args.client_home,
        force: args.force,
    };
    match xcatd::init::run(&init_args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xcatd init: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--db URL`, else `XCATCFG`, else `<confdir>/cfgloc`, else the stock SQLite layout.
fn db_location(args: &ServeArgs) -> Result<DbLocation, String> {
    let loc = DbLocation::resolve(args.db.as_deref(), &args.confdir)
        .map_err(|e| format!("database: {e}"))?;
    Ok(match loc {
        DbLocation::SqliteDir(dir) => DbLocation::SqliteDir(absolute(&dir)),
        other => other,
    })
}

/// The daemon changes to `/`: relative paths given on the command line are
/// taken from the directory it was started in.
fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn serve(mut args: ServeArgs) -> Result<(), String> {
    args.confdir = absolute(&args.confdir);
    args.pidfile = absolute(&args.pidfile);
    args.cmdlog = absolute(&args.cmdlog);
    args.ha_config = args.ha_config.as_deref().map(absolute);
    let loc = db_location(&args);
    // Fork first, while this process has one thread and no database
    // connection: a fork after the pool's or the runtime's threads exist can
    // leave the child with a lock (malloc, SQLite) that nobody releases.
    let daemon = if args.foreground {
        DaemonHandle::detached()
    } else {
        xcatd::daemon::daemonize(&args.pidfile).map_err(|e| e.to_string())?
    };
    xcatd::daemon::init_logging(args.foreground);
    let started = loc
        .and_then(|loc| prepare(&args, &loc))
        .and_then(|parts| Ok((parts, runtime(&args)?)));
    let (parts, runtime) = match started {
        Ok(started) => started,
        Err(e) => {
            daemon.report_failure(&e);
            return Err(e);
        }
    };
    let foreground = args.foreground;
    let cmdlog = args.cmdlog.clone();
    let ha_config = args.ha_config.clone();
    let result = runtime.block_on(async move {
        let (shared, signals, server) = match start(parts, &cmdlog, ha_config) {
            Ok(started) => started,
            Err(e) => {
                daemon.report_failure(&e);
                return Err(e);
            }
        };
        daemon.report_ready();
        tracing::info!("xcatd-rs listening on {:?}", server.addrs);
        signals.wait(&shared).await;
        tracing::info!("xcatd-rs stopping");
        server.shutdown();
        // In-flight requests finish, bounded by the shutdown grace time.
        let abandoned = server.wait().await;
        if let Some(log) = shared.cmdlog.get() {
            log.flush();
        }
        Ok::<bool, String>(abandoned)
    });
    if let Ok(true) = result {
        // Requests outlived the grace: end the process now, while their
        // connections are still open.  Dropping the runtime would first
        // close them, and a write blocked at its commit (a SQLite lock, a
        // PostgreSQL row lock) could still commit after its client saw the
        // connection end; exiting here rolls it back (the SQLite journal
        // on the next open, PostgreSQL when the session goes).
        if !foreground {
            xcatd::daemon::remove_pidfile(&args.pidfile);
        }
        std::process::exit(0);
    }
    // Everything that matters has finished: do not wait for blocking threads
    // still stuck (e.g. a command that ignored its abort).
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    if !foreground && result.is_ok() {
        xcatd::daemon::remove_pidfile(&args.pidfile);
    }
    result.map(|_| ())
}

/// Inside the runtime: the command log, the HA agent, the shared state, the
/// signal handlers and the listening server.
fn start(
    (cfg, store, forwarder, listeners): Prepared,
    cmdlog: &Path,
    ha_config: Option<PathBuf>,
) -> Result<(Arc<Shared>, Signals, Server), String> {
    let handlers: Arc<dyn xcatd::state::HandlerSet> = Arc::new(xcat_handlers::registry());
    let log = match xcatd::cmdlog::CommandLog::new(cmdlog) {
        Ok(log) => Some(log),
        Err(e) => {
            tracing::warn!("command log {} unavailable: {e}", cmdlog.display());
            None
        }
    };
    let mut cfg = cfg;
    if let Some(path) = ha_config {
        cfg.ha = Some(xcatd::ha::start(&path, &cfg, log.clone())?);
    }
    let shared = Shared::new(cfg, Arc::new(store), handlers, forwarder);
    if let Some(log) = log {
        let _ = shared.cmdlog.set(log);
    }
    let signals = Signals::new().map_err(|e| format!("signals: {e}"))?;
    let server = Server::start(shared.clone(), listeners)?;
    Ok((shared, signals, server))
}

type Prepared = (
    ServeConfig,
    DbStore,
    Option<Arc<dyn Forwarder>>,
    Vec<std::net::TcpListener>,
);

/// Open the database, read the site values, bind the port (in the daemon,
/// after the fork; failures reach the launcher through the pipe).
fn prepare(args: &ServeArgs, loc: &DbLocation) -> Result<Prepared, String> {
    let db = Db::open_with_pool(loc, args.tuning.db_pool).map_err(|e| format!("database: {e}"))?;
    let store = DbStore::new(db);
    let site = store.site().map_err(|e| format!("site table: {e}"))?;
    let mut cfg = ServeConfig::new(&args.confdir);
    cfg.port = match args.port {
        Some(p) => p,
        None => site
            .get("xcatdport")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or(3001),
    };
    cfg.listen = args
        .listen
        .iter()
        .map(|l| listener::parse_listen(l, cfg.port).ok_or(format!("--listen {l}: not an address")))
        .collect::<Result<_, _>>()?;
    cfg.fallback = args.fallback.clone();
    cfg.xcatver = xcatd::version::xcatver_for_peers(
        site.get(xcatd::version::XCATVER_SITE_KEY)
            .map(String::as_str),
    );
    apply_tuning(&args.tuning, &mut cfg)?;
    let forwarder: Option<Arc<dyn Forwarder>> =
        match TlsForwarder::new(&cfg.server_cred(), &cfg.ca_file()) {
            Ok(f) => Some(Arc::new(f)),
            Err(e) => {
                tracing::warn!("no forwarding to other xcatd (hierarchy, --fallback): {e}");
                None
            }
        };
    let listeners = listener::bind(&cfg).map_err(|e| format!("port {}: {e}", cfg.port))?;
    Ok((cfg, store, forwarder, listeners))
}

fn seconds(name: &str, v: f64) -> Result<std::time::Duration, String> {
    std::time::Duration::try_from_secs_f64(v).map_err(|_| format!("{name}: {v} is not a duration"))
}

fn apply_tuning(t: &Tuning, cfg: &mut ServeConfig) -> Result<(), String> {
    if let Some(v) = t.request_timeout {
        cfg.limits.request_timeout = seconds("--request-timeout", v)?;
    }
    if let Some(v) = t.shutdown_grace {
        cfg.limits.shutdown_grace = seconds("--shutdown-grace", v)?;
    }
    if let Some(n) = t.max_pending {
        cfg.limits.max_pending = n.max(1);
    }
    if let Some(n) = t.admin_reserve {
        cfg.limits.admin_reserve = n;
    }
    Ok(())
}

fn runtime(args: &ServeArgs) -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.tuning.worker_threads())
        .max_blocking_threads(args.tuning.blocking_threads())
        .thread_keep_alive(std::time::Duration::from_secs(10))
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))
}

/// SIGTERM/SIGINT stop the daemon; SIGHUP reopens the command log (logrotate).
/// Installed before the daemon reports ready, so an early SIGTERM is handled.
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> std::io::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
            hup: signal(SignalKind::hangup())?,
        })
    }

    /// Until SIGTERM or SIGINT.
    async fn wait(mut self, shared: &Shared) {
        loop {
            tokio::select! {
                _ = self.term.recv() => return,
                _ = self.int.recv() => return,
                _ = self.hup.recv() => {
                    if let Some(log) = shared.cmdlog.get() {
                        tracing::info!("SIGHUP: reopening {}", log.path().display());
                        log.reopen();
                    }
                }
            }
        }
    }
}
