//! `runbeginpre` / `runendpre` (xCAT-server/lib/xcat/plugins/prescripts.pm): the
//! internal requests the node commands (`mkdsklsnode`, `rmdsklsnode`,
//! `nimnodeset`, …) make before and after their work, `node` = the nodes,
//! `arg` = `[action, "-l"]`.  Each runs the `prescripts` table's begin / end
//! scripts for the action ([`table`]) from `<site.installdir>/prescripts/`
//! ([`run`]).  With `-l` the nodes are this server's own (the caller already
//! runs per service node); without it the request is split per service
//! node.  [`call`] is how a handler makes the request.
//!
//! Differences from stock: a failing script's message carries error code 1
//! (stock sent the error text alone; its callers turned it into "Failed in
//! running … prescripts." either way); script names with `/` or `..` are
//! refused; messages name this server by its short name (stock: the full
//! `hostname()`); several script lists run in the order of their first node
//! (stock: hash order).

pub mod run;
pub mod table;

use crate::api::{Aborted, Ctx, Handler, HandlerError, Part, Responder};
use crate::hierarchy::{SnType, Style};
use std::sync::Arc;
use std::time::Duration;
use xcat_proto::{Request, Response};

/// How long a caller waits for the whole internal request.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(3600);

/// Which column runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Begin,
    End,
}

impl Phase {
    pub fn command(self) -> &'static str {
        match self {
            Phase::Begin => "runbeginpre",
            Phase::End => "runendpre",
        }
    }

    fn column(self) -> &'static str {
        match self {
            Phase::Begin => "begin",
            Phase::End => "end",
        }
    }
}

/// Run `phase`'s prescripts for `nodes` as stock's node commands do
/// (`{command => [runbeginpre], node => nodes, arg => [action, "-l"]}`
/// through `pass_along`, xCAT-server/lib/xcat/plugins/aixinstall.pm:71-82): every response
/// goes to `out`; `Ok(true)` when any carried an error (stock `$errored`).
/// No nodes: nothing runs.
pub fn call(
    ctx: &Ctx,
    phase: Phase,
    nodes: &[String],
    action: &str,
    out: &mut dyn Responder,
) -> Result<bool, Aborted> {
    if nodes.is_empty() {
        return Ok(false);
    }
    let mut req = Request::new(phase.command());
    req.set_nodes(nodes);
    req.set_args(&[action, "-l"]);
    let mut errored = false;
    for r in ctx.runner.xcat(req, CALL_TIMEOUT) {
        errored |= has_error(&r);
        out.send(r)?;
    }
    Ok(errored)
}

/// Stock `pass_along` (xCAT-server/lib/xcat/plugins/aixinstall.pm:71-82):
/// an `errorcode` or an `error`, at the top or in a `node` entry.
fn has_error(r: &Response) -> bool {
    if r.error_code() != 0 || r.map.contains_key("error") {
        return true;
    }
    r.map
        .get("node")
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_map())
        .any(|m| m.contains_key("error") || m.contains_key("errorcode"))
}

pub fn handlers() -> Vec<Arc<dyn Handler>> {
    vec![Arc::new(Prescripts)]
}

pub struct Prescripts;

fn phase_of(request: &Request) -> Option<Phase> {
    match request.command() {
        "runbeginpre" => Some(Phase::Begin),
        "runendpre" => Some(Phase::End),
        _ => None,
    }
}

/// The action word: the first argument that is not `-l` / `-V`.
fn action_of(request: &Request) -> Option<String> {
    request
        .args()
        .into_iter()
        .find(|a| !a.starts_with('-'))
        .map(str::to_string)
}

/// An action as scripts see it in `ACTION`: letters, digits, `_ - . =`.
fn valid_action(a: &str) -> bool {
    !a.is_empty()
        && a.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.=".contains(&b))
}

impl Handler for Prescripts {
    fn commands(&self) -> &'static [&'static str] {
        &["runbeginpre", "runendpre"]
    }

    /// The callers send the node list itself.
    fn wants_expanded_nodes(&self) -> bool {
        false
    }

    fn preprocess(&self, ctx: &Ctx, request: Request) -> Result<Vec<Part>, HandlerError> {
        if request.args().contains(&"-l") {
            return Ok(vec![Part::local(request)]);
        }
        let mut parts = crate::hierarchy::split(ctx, &request, Style::PerServiceNode(SnType::All))?;
        for p in &mut parts {
            p.request.set("_xcatpreprocessed", "1");
        }
        Ok(parts)
    }

    fn process(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        let Some(phase) = phase_of(request) else {
            return Err(HandlerError::Message(format!(
                "Unknown command {}.  Cannot process the command.",
                request.command()
            )));
        };
        let action = action_of(request).unwrap_or_default();
        if !valid_action(&action) {
            return Err(HandlerError::Message(format!(
                "{}: not a valid prescripts action '{action}'.",
                phase.command()
            )));
        }
        let nodes: Vec<String> = request.nodes().iter().map(|n| n.to_string()).collect();
        if nodes.is_empty() {
            return Ok(());
        }
        let (batches, installdir) = ctx.db.read(|conn| {
            let inherit = ctx.inherit_ctx(conn)?;
            let b = table::batches(conn, &inherit, &nodes, phase.column(), &action)?;
            let dir = crate::tables::dbutil::site_value(conn, "installdir")?;
            Ok((b, dir.unwrap_or_else(|| "/install".to_string())))
        })?;
        let scripts = run::Scripts {
            runner: ctx.runner.as_ref(),
            dir: format!("{}/prescripts", installdir.trim_end_matches('/')),
            phase: phase.column(),
            action: &action,
            host: &ctx.server.short_host,
        };
        for b in &batches {
            if !scripts.run_batch(b, out)? {
                break;
            }
        }
        Ok(())
    }
}
