//! `nodech <noderange> table.column=value ...` and `nodech -d <noderange>
//! table ...` (schema.md §5.5); the work is done by `nodechange`.

use super::args::{self, Opt, Order};
use super::nodechange::{self, Mode};
use super::output;
use crate::api::{Ctx, HandlerError, Responder};
use xcat_proto::Request;

pub const USAGE: &[&str] = &[
    "Usage: nodech <noderange> table.column=value [...]",
    "       nodech {-d | --delete} <noderange> <table> [...]",
    "       nodech {-v | --version}",
    "       nodech [-? | -h | --help]",
];

const OPTS: &[Opt] = &[
    Opt::flag(&["h", "?", "help"]),
    Opt::flag(&["v", "version"]),
    Opt::flag(&["d", "delete"]),
];

pub fn run(ctx: &Ctx, req: &Request, out: &mut dyn Responder) -> Result<(), HandlerError> {
    let argv = req.args();
    let Ok(opts) = args::parse(&argv, OPTS, Order::Permute) else {
        return Ok(output::usage(out, USAGE, 1)?);
    };
    if opts.has("h") {
        return Ok(output::usage(out, USAGE, 0)?);
    }
    if opts.has("v") {
        return Ok(output::version(ctx, out)?);
    }
    if opts.rest.is_empty() {
        return Ok(output::usage(out, USAGE, 1)?);
    }
    let nodes: Vec<String> = req.nodes().iter().map(|s| s.to_string()).collect();
    let parsed = nodechange::parse(&opts.rest, opts.has("d"));
    nodechange::run_plan(ctx, out, Mode::Change, nodes, parsed, req.cwd())
}
