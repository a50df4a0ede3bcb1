//! `xcatd` binary: `xcatd init …` (credentials and database seeding) or
//! serve.  Serving: pick the database (`--db`, `<confdir>/cfgloc`, SQLite in
//! the confdir), bind the port (before daemonising, so the launcher can
//! report success), then run the tokio runtime with a modest worker count
//! until SIGTERM/SIGINT.

use clap::Parser;
use std::process::ExitCode;
use std::sync::Arc;
use xcat_schema::db::{Db, DbLocation};
use xcatd::cli::{Cli, Command, InitCli, ServeArgs};
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
    DbLocation::resolve(args.db.as_deref(), &args.confdir).map_err(|e| format!("database: {e}"))
}

fn serve(args: ServeArgs) -> Result<(), String> {
    xcatd::daemon::init_logging(args.foreground);
    let loc = db_location(&args)?;
    let db = Db::open(&loc).map_err(|e| format!("database: {e}"))?;
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
    let forwarder: Option<Arc<dyn Forwarder>> =
        match TlsForwarder::new(&cfg.server_cred(), &cfg.ca_file()) {
            Ok(f) => Some(Arc::new(f)),
            Err(e) => {
                tracing::warn!("no forwarding to other xcatd (hierarchy, --fallback): {e}");
                None
            }
        };
    let listeners = listener::bind(&cfg).map_err(|e| format!("port {}: {e}", cfg.port))?;
    let daemon = if args.foreground {
        DaemonHandle::detached()
    } else {
        xcatd::daemon::daemonize(&args.pidfile).map_err(|e| e.to_string())?
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(64)
        .thread_keep_alive(std::time::Duration::from_secs(10))
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let foreground = args.foreground;
    let cmdlog = args.cmdlog.clone();
    let result = runtime.block_on(async move {
        let handlers: Arc<dyn xcatd::state::HandlerSet> = Arc::new(xcat_handlers::registry());
        let shared = Shared::new(cfg, Arc::new(store), handlers, forwarder);
        match xcatd::cmdlog::CommandLog::new(&cmdlog) {
            Ok(log) => {
                let _ = shared.cmdlog.set(log);
            }
            Err(e) => tracing::warn!("command log {} unavailable: {e}", cmdlog.display()),
        }
        let server = match Server::start(shared.clone(), listeners) {
            Ok(s) => s,
            Err(e) => {
                daemon.report_failure(&e);
                return Err(e);
            }
        };
        daemon.report_ready();
        tracing::info!("xcatd-rs listening on {:?}", server.addrs);
        wait_for_signal(&shared).await;
        tracing::info!("xcatd-rs stopping");
        server.shutdown();
        // In-flight requests finish (bounded by the shutdown grace time).
        server.wait().await;
        if let Some(log) = shared.cmdlog.get() {
            log.flush();
        }
        Ok::<(), String>(())
    });
    // Everything that matters has finished: do not wait for blocking threads
    // still stuck (e.g. a reverse lookup that outlived its time bound).
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    if !foreground && result.is_ok() {
        xcatd::daemon::remove_pidfile(&args.pidfile);
    }
    result
}

/// Until SIGTERM or SIGINT; SIGHUP reopens the command log (logrotate).
async fn wait_for_signal(shared: &Shared) {
    use tokio::signal::unix::{signal, SignalKind};
    let term = signal(SignalKind::terminate());
    let int = signal(SignalKind::interrupt());
    let hup = signal(SignalKind::hangup());
    match (term, int, hup) {
        (Ok(mut t), Ok(mut i), Ok(mut h)) => loop {
            tokio::select! {
                _ = t.recv() => return,
                _ = i.recv() => return,
                _ = h.recv() => {
                    if let Some(log) = shared.cmdlog.get() {
                        tracing::info!("SIGHUP: reopening {}", log.path().display());
                        log.reopen();
                    }
                }
            }
        },
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
