//! The daemon's side of the HA agent (crate `haagent`, `--ha-config FILE`): starting it
//! with this daemon's server certificate, the runner and the command log, and the write
//! gate that refuses every command whose handler writes while the agent says this
//! daemon must not (not active, lease expired, or a newer term on the shared data).
//! The gate asks the handler (`Handler::writes`), never a list of commands.

use crate::cmdlog::{CommandLog, Entry};
use crate::config::ServeConfig;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use xcat_handlers::api::HaHandle;
use xcat_handlers::Handler;
use xcat_net::Credentials;
use xcat_proto::Response;

/// One command-log entry per HA transition (`[Request]    haagent`).
fn cmdlog_entry(line: &str) -> Entry {
    Entry {
        start: SystemTime::now(),
        clienttype: "xcatd-rs".into(),
        command: "haagent".into(),
        noderanges: Vec::new(),
        args: Vec::new(),
        args_mention_password: false,
        response: format!("{line}\n"),
        nodes: 0,
        elapsed: Duration::ZERO,
    }
}

/// Reads the configuration and starts the agent (after the fork: it starts threads).
pub fn start(
    path: &Path,
    cfg: &ServeConfig,
    cmdlog: Option<CommandLog>,
) -> Result<HaHandle, String> {
    let ha = haagent::HaConfig::load(path)?;
    let creds = Credentials::from_files(&cfg.server_cred(), &cfg.ca_file())
        .map_err(|e| format!("HA heartbeats need the server certificate: {e}"))?;
    let runner: Arc<dyn xcat_handlers::Runner> = Arc::new(crate::runner::detached());
    let effects = Box::new(haagent::effects::SystemEffects::new(&ha, runner));
    let sink: haagent::runtime::LogSink = Arc::new(move |line: &str| {
        if let Some(log) = &cmdlog {
            log.submit(cmdlog_entry(line));
        }
    });
    let agent = haagent::runtime::start(ha, Some(creds), effects, sink)?;
    Ok(HaHandle(agent))
}

/// The refusal of a write command while the agent forbids writes, if it does.
pub fn write_refusal(ha: Option<&HaHandle>, handler: &dyn Handler, cmd: &str) -> Option<Response> {
    let ha = ha?;
    if !handler.writes(cmd) {
        return None;
    }
    let why = ha.0.write_refusal()?;
    tracing::warn!("HA: refused {cmd}: {why}");
    Some(Response::new().error(format!("{cmd}: refused: {why}")))
}

/// The answer to a `hastatus --heartbeat` from a member of the HA set (its certificate
/// name is this node's, a peer's or the witness's), given without the policy table, the
/// site table or any other database read: the database sits behind the VIP and is out of
/// reach (or hangs) exactly while the members decide a takeover, and a heartbeat has a
/// deadline of one interval.  `None` for every other request.
pub fn member_heartbeat(
    shared: &crate::state::Shared,
    req: &xcat_proto::Request,
    cert_name: Option<&str>,
) -> Option<Response> {
    let ha = shared.info.ha.as_ref()?;
    let name = cert_name?;
    if !(haagent::heartbeat::is_heartbeat(req) && ha.0.knows(name)) {
        return None;
    }
    let args = req.args();
    Some(xcat_handlers::builtins::hastatus::heartbeat_answer(
        ha,
        args.get(1..).unwrap_or_default(),
    ))
}
