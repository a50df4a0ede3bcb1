//! `nodegrpch <group,...> table.column=value ...`: writes the group rows and
//! clears those columns on every member, so the group value shows through
//! (`nodechange`, group mode).

use super::args;
use super::nodechange::{self, Mode};
use super::output;
use crate::api::{Ctx, HandlerError, Responder};
use crate::getopt::Spec;
use xcat_proto::Request;

const USAGE: &[&str] = &[
    "Usage: nodegrpch <group1,group2,...> [table.column=value] [...]",
    "       nodegrpch {-v | --version}",
    "       nodegrpch [-? | -h | --help]",
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
    let groups: Vec<String> = opts.rest[0]
        .split(',')
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect();
    let parsed = nodechange::parse(&opts.rest[1..], opts.has("d"));
    nodechange::run_plan(ctx, out, Mode::Group, groups, parsed, req)
}
