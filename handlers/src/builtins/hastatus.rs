//! `hastatus` (ours; stock has no such command): the HA agent's state as `data` lines
//! (`role: active`, `term: 3`, …; format in crate `haagent`, module `status`), for
//! trusted peers and root only. Also what the agents of the HA set send each other:
//! `hastatus --heartbeat <the caller's status lines>` is answered with ours, and an
//! admin's `hastatus activate [--force] | standby | deactivate` changes the role;
//! `hastatus --metrics` gives the same facts as Prometheus metrics, one per line.
//! Without an agent (`xcatd` without `--ha-config`) the answer is `role: none`.

use crate::api::{Ctx, HaHandle, Handler, HandlerError, Responder};
use xcat_proto::{Request, Response};

pub struct Hastatus;

/// The answer of a daemon without HA configuration.
pub const NO_HA: &str = "role: none";

const USAGE: [&str; 5] = [
    "Usage: hastatus",
    "       hastatus --metrics",
    "       hastatus activate [--force]",
    "       hastatus standby | deactivate",
    "       hastatus [-h|--help]",
];

fn lines(response: Response, lines: Vec<String>) -> Response {
    lines.into_iter().fold(response, |r, l| r.data(l))
}

/// The answer to one `hastatus` request.
pub fn answer(ctx: &Ctx, args: &[&str]) -> Response {
    if !ctx.privileged {
        return Response::new().error("hastatus: permission denied: trusted peers and root only");
    }
    answer_with(ctx.server.ha.as_ref(), args)
}

/// The answer of the agent `ha` (none: this daemon runs without `--ha-config`) to an
/// allowed caller; reads no database (the daemon answers HA members and root with it
/// while the database is out of reach).
pub fn answer_with(ha: Option<&HaHandle>, args: &[&str]) -> Response {
    if matches!(args.first(), Some(&"-h" | &"--help")) {
        return lines(Response::new(), USAGE.map(String::from).to_vec());
    }
    let Some(ha) = ha else {
        return match args.first() {
            None => Response::new().data(NO_HA),
            Some(_) => Response::new().error("hastatus: this xcatd runs without --ha-config"),
        };
    };
    let result = match args.split_first() {
        None => Ok(ha.0.status()),
        Some((&"--metrics", [])) => Ok(ha.0.metrics().lines().map(String::from).collect()),
        Some((&"--heartbeat", caller)) => ha.0.heartbeat(caller),
        Some(_) => ha.0.admin(args),
    };
    match result {
        Ok(l) => lines(Response::new(), l),
        Err(e) => Response::new().error(format!("hastatus: {e}")),
    }
}

impl Handler for Hastatus {
    fn commands(&self) -> &'static [&'static str] {
        &["hastatus"]
    }

    fn process(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        out.send(answer(ctx, &request.args()))?;
        Ok(())
    }

    fn wants_expanded_nodes(&self) -> bool {
        false
    }
}
