//! The `xcatha` program (also `activate-mn` / `deactivate-mn` by link name): real
//! commands through the system runner, services through systemd or configured
//! commands (`--service-manager commands --services FILE`).  `--root DIR` (any
//! position) puts the managed paths under DIR; `--ha-config FILE` / `--xcatd HOST:PORT`
//! name the local daemon's HA agent (`xcatha::agent`).

use std::sync::Arc;
use xcat_handlers::runner::SystemRunner;
use xcatha::env::Env;

/// The xCAT command directories xcatha.py adds to PATH (makedns, makedhcp, …).
const XCAT_PATH: &str = "/opt/xcat/bin:/opt/xcat/sbin:/opt/xcat/share/xcat/tools";

fn main() {
    let mut argv: Vec<String> = std::env::args().collect();
    let launch = match xcatha::launch::take_options(&mut argv) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("xcatha: error: {e}");
            std::process::exit(2);
        }
    };
    let path = std::env::var("PATH").unwrap_or_default();
    // Set once, before any thread or child process exists.
    std::env::set_var("PATH", format!("{XCAT_PATH}:{path}"));
    let runner: Arc<dyn xcat_handlers::runner::Runner> =
        Arc::new(SystemRunner::new(Box::new(|_req, _t| Vec::new())));
    let services = match launch.manager.build(runner.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("xcatha: error: {e}");
            std::process::exit(2);
        }
    };
    let agent = match launch.agent() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("xcatha: error: {e}");
            std::process::exit(2);
        }
    };
    let stdin = Box::new(std::io::BufReader::new(std::io::stdin()));
    let mut env = Env::new(launch.root, runner, services, stdin);
    env.agent = agent;
    let code = xcatha::run(&argv, &env, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
