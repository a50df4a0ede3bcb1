//! `nodeadd <noderange> groups=<g1,g2> [table.column=value] ...`: the
//! noderange (first argument; the nodes do not exist yet) is expanded without
//! verification; every node gets the assignments (`nodechange`).  Names with
//! capital letters draw stock's DNS warning.

use super::args;
use super::nodechange::{self, Mode};
use super::output;
use crate::api::{Ctx, HandlerError, Responder};
use crate::getopt::Spec;
use crate::range_opts::{self, ExpandError};
use xcat_proto::{Request, Response};

const USAGE: &[&str] = &[
    "Usage: nodeadd <noderange> groups=<groupnames> [table.column=value] [...]",
    "       nodeadd {-v | --version}",
    "       nodeadd [-? | -h | --help]",
];

const OPTS: &[Spec] = &[Spec::new("h|?|help"), Spec::new("v|version")];

pub fn run(ctx: &Ctx, req: &Request, out: &mut dyn Responder) -> Result<(), HandlerError> {
    let argv = req.args();
    let Some(opts) = args::parse_or_answer(ctx, out, &argv, OPTS, USAGE)? else {
        return Ok(());
    };
    if opts.rest.len() < 2 {
        return Ok(output::usage(out, USAGE, 1)?);
    }
    let range = opts.rest[0].clone();
    let range_opts = crate::range_opts::for_request(req, ctx.privileged);
    let expanded = ctx
        .db
        .read(|c| Ok(range_opts::expand(c, &range, &range_opts, false)))?;
    let nodes = match expanded {
        Ok(n) => n,
        Err(ExpandError::Db(e)) => return Err(HandlerError::Db(e)),
        Err(ExpandError::Message(m)) => return Ok(output::error(out, m, 1)?),
    };
    if nodes.is_empty() {
        return Ok(output::error(out, "No noderange to add.\n", 1)?);
    }
    let capitals: Vec<&str> = nodes
        .iter()
        .filter(|n| n.chars().any(|c| c.is_ascii_uppercase()))
        .map(String::as_str)
        .collect();
    if !capitals.is_empty() {
        out.send(Response::new().warning(format!(
            "The node name '{}' contains capital letters which may not be resolved correctly by the dns server.",
            capitals.join(",")
        )))?;
    }
    let parsed = nodechange::parse(&opts.rest[1..], false);
    nodechange::run_plan(ctx, out, Mode::Add, nodes, parsed, req)
}
