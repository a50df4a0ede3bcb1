//! The begin / end prescripts around a service node's work: stock sends
//! `runbeginpre` / `runendpre` with `arg=[diskless, -l]` for the nodes as a
//! sub-request and passes every answer to the client, noting whether any
//! carried an error (`pass_along`, xCAT-server/lib/xcat/plugins/aixinstall.pm:71-82,
//! :11113, :12735).  Here the sub-request goes through `Runner::xcat`.

use crate::api::{Aborted, Ctx, Responder};
use std::time::Duration;
use xcat_proto::{Request, Response};

/// What the daemon answers for a command it has no handler for.
const NO_HANDLER: &str = "Unsupported request";

/// Run `command` (`runbeginpre` / `runendpre`) for `nodes`, passing its
/// answers along; `Ok(false)` when one carried an error.
pub fn run(
    ctx: &Ctx,
    command: &str,
    nodes: &[String],
    timeout: Duration,
    out: &mut dyn Responder,
) -> Result<bool, Aborted> {
    let mut req = Request::new(command);
    req.set_nodes(nodes);
    req.set_args(&["diskless", "-l"]);
    let answers = ctx.runner.xcat(req, timeout);
    // Until the prescripts handlers (rmdsklsnode owner) are registered the
    // daemon answers "Unsupported request": that counts as "no prescripts
    // to run", as a stock site without prescripts rows behaves.
    if answers.len() == 1 && is_no_handler(&answers[0]) {
        return Ok(true);
    }
    let mut errored = false;
    for a in answers {
        errored |= has_error(&a);
        out.send(a)?;
    }
    Ok(!errored)
}

fn is_no_handler(r: &Response) -> bool {
    r.map
        .get("error")
        .and_then(|v| v.first())
        .and_then(|v| v.as_text())
        == Some(NO_HANDLER)
}

/// `errorcode` non-zero or an `error` entry, at the top or in a `node` entry.
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

#[cfg(test)]
mod tests {
    use super::*;
    use xcat_proto::response::NodeEntry;

    #[test]
    fn errors_anywhere_count() {
        assert!(!has_error(&Response::new().info("ok")));
        assert!(has_error(&Response::new().error_text("x")));
        assert!(has_error(
            &Response::new().node(NodeEntry::new("cn01").error("bad"))
        ));
        assert!(is_no_handler(
            &Response::new().error_text("Unsupported request")
        ));
    }
}
