//! `nodech <noderange> table.column=value ...` and `nodech -d <noderange>
//! table ...` (xCAT-server/lib/xcat/plugins/tabutils.pm:1454-1820); the work is done by `nodechange`.

use super::args;
use super::nodechange::{self, Mode};
use super::output;
use crate::api::{Ctx, HandlerError, Responder};
use crate::getopt::Spec;
use xcat_proto::Request;

pub const USAGE: &[&str] = &[
    "Usage: nodech <noderange> table.column=value [...]",
    "       nodech {-d | --delete} <noderange> <table> [...]",
    "       nodech {-v | --version}",
    "       nodech [-? | -h | --help]",
];

const OPTS: &[Spec] = &[
    Spec::new("h|?|help"),
    Spec::new("v|version"),
    Spec::new("d|delete"),
];

pub fn run(ctx: &Ctx, req: &Request, out: &mut dyn Responder) -> Result<(), HandlerError> {
    let argv = req.args();
    let Some(opts) = args::parse_or_answer(ctx, out, &argv, OPTS, USAGE)? else {
        return Ok(());
    };
    if opts.rest.is_empty() {
        return Ok(output::usage(out, USAGE, 1)?);
    }
    let nodes: Vec<String> = req.nodes().iter().map(|s| s.to_string()).collect();
    let parsed = nodechange::parse(&opts.rest, opts.has("d"));
    nodechange::run_plan(ctx, out, Mode::Change, nodes, parsed, req)
}
