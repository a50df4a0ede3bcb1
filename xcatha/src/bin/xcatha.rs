//! The `xcatha` program (also `activate-mn` / `deactivate-mn` by link name): real
//! commands through the system runner, services through systemd.  `--root DIR` (any
//! position) puts the managed paths under DIR.

use std::path::PathBuf;
use std::sync::Arc;
use xcat_handlers::runner::SystemRunner;
use xcatha::env::Env;
use xcatha::services::Systemd;

/// The xCAT command directories xcatha.py adds to PATH (makedns, makedhcp, …).
const XCAT_PATH: &str = "/opt/xcat/bin:/opt/xcat/sbin:/opt/xcat/share/xcat/tools";

fn main() {
    let mut argv: Vec<String> = std::env::args().collect();
    let mut root = PathBuf::from("/");
    if let Some(pos) = argv.iter().position(|a| a == "--root") {
        if let Some(dir) = argv.get(pos + 1).cloned() {
            root = PathBuf::from(dir);
            argv.drain(pos..pos + 2);
        }
    }
    let path = std::env::var("PATH").unwrap_or_default();
    // Set once, before any thread or child process exists.
    std::env::set_var("PATH", format!("{XCAT_PATH}:{path}"));
    let runner: Arc<dyn xcat_handlers::runner::Runner> =
        Arc::new(SystemRunner::new(Box::new(|_req, _t| Vec::new())));
    let services = Arc::new(Systemd::new(runner.clone()));
    let stdin = Box::new(std::io::BufReader::new(std::io::stdin()));
    let env = Env::new(root, runner, services, stdin);
    let code = xcatha::run(&argv, &env, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
