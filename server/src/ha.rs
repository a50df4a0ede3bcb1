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

/// The answer to a `hastatus` request (a heartbeat, the status, the metrics or an admin
/// word) from a member of the HA set (its certificate name is this node's, a peer's or
/// the witness's) or from root's certificate, given straight from the agent without the
/// policy table or any other database read: the database sits behind the VIP and is out
/// of reach (or hangs while the VIP is on no host) exactly while the members decide a
/// takeover, while `xcatha -a` on a standby asks its own daemon to activate (with this
/// host's server certificate), and while an admin looks at what happens.  Through the
/// dispatch path a heartbeat that arrived just before the active died waited for the
/// database's connect timeout, so the standby counted the dead active as heard seconds
/// late.  Not audited (the audit log is in that database); the agent logs every
/// transition.  `None` for every other request.
pub fn member_hastatus(
    shared: &crate::state::Shared,
    req: &xcat_proto::Request,
    cert_name: Option<&str>,
) -> Option<Response> {
    let ha = shared.info.ha.as_ref()?;
    let name = cert_name?;
    let allowed = ha.0.knows(name) || name == ROOT_CERT;
    (req.command() == "hastatus" && allowed)
        .then(|| xcat_handlers::builtins::hastatus::answer_with(Some(ha), &req.args()))
}

/// The certificate name of root's client credentials (`~/.xcat/client-cred.pem`).
const ROOT_CERT: &str = "root";
