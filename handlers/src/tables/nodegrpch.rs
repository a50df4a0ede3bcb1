//! `nodegrpch <group,...> table.column=value ...`: writes the group rows and
//! clears those columns on every member, so the group value shows through
//! (`nodechange`, group mode).

use super::args::{self, Opt, Order};
use super::nodechange::{self, Mode};
use super::output;
use crate::api::{Ctx, HandlerError, Responder};
use xcat_proto::Request;

const USAGE: &[&str] = &[
    "Usage: nodegrpch <group1,group2,...> [table.column=value] [...]",
    "       nodegrpch {-v | --version}",
    "       nodegrpch [-? | -h | --help]",
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
    let groups: Vec<String> = opts.rest[0]
        .split(',')
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect();
    let parsed = nodechange::parse(&opts.rest[1..], opts.has("d"));
    nodechange::run_plan(ctx, out, Mode::Group, groups, parsed, req.cwd())
}
