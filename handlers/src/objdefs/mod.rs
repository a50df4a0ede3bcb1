//! Object definitions: `lsdef`, `mkdef`, `chdef`, `rmdef` for all 23 object
//! types, driven by the defspec data (`xcat_schema::objects`) through one
//! generic engine (read / write / remove), with stock's special cases
//! (site, monitoring, groups, nic attributes, log records).
//!
//! Requests come in the xcatDBcmds style (every word in `arg`, no
//! `noderange`), so the handler expands noderanges itself.  Each command's
//! writes run in one transaction.  mkdef and chdef are atomic per object
//! (stock rule, xCAT-test `mkdef_multi_object_valid_invalid`): a rejected
//! object is written not at all, the valid ones are committed, the exit
//! status is non-zero.  rmdef writes nothing when it reports an error.
//! Success reports are sent only after the commit returned.

mod args;
pub(crate) mod cache;
mod chdef;
mod final_attrs;
pub(crate) mod groups;
pub(crate) mod list;
mod lsdef;
mod mkdef;
mod names;
mod nfsroot;
mod nics;
mod nr;
mod options;
mod out;
pub(crate) mod read;
mod remove;
mod rmdef;
mod selection;
pub(crate) mod spec;
pub mod stanza;
mod usage;
pub(crate) mod write;

use crate::api::{Aborted, Ctx, Handler, HandlerError, Responder};
use std::sync::Arc;
use xcat_proto::Request;
use xcat_schema::db::DbError;

pub fn handlers() -> Vec<Arc<dyn Handler>> {
    vec![Arc::new(ObjDefs)]
}

/// The handler of the four object commands.
pub struct ObjDefs;

impl Handler for ObjDefs {
    fn commands(&self) -> &'static [&'static str] {
        &["lsdef", "mkdef", "chdef", "rmdef"]
    }

    fn process(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        match request.command() {
            "lsdef" => lsdef::run(ctx, request, out),
            "mkdef" => mkdef::run(ctx, request, out),
            "chdef" => chdef::run(ctx, request, out),
            "rmdef" => rmdef::run(ctx, request, out),
            other => Err(HandlerError::Message(format!(
                "objdefs cannot run '{other}'"
            ))),
        }
    }

    fn wants_expanded_nodes(&self) -> bool {
        false
    }

    fn writes(&self, command: &str) -> bool {
        command != "lsdef"
    }
}

/// Error type of a write transaction: a real failure, or "an error was
/// reported, roll everything back".
pub(crate) enum TxErr {
    Handler(HandlerError),
    Rollback,
}

impl From<DbError> for TxErr {
    fn from(e: DbError) -> TxErr {
        TxErr::Handler(HandlerError::Db(e))
    }
}

impl From<HandlerError> for TxErr {
    fn from(e: HandlerError) -> TxErr {
        TxErr::Handler(e)
    }
}

impl From<Aborted> for TxErr {
    fn from(e: Aborted) -> TxErr {
        TxErr::Handler(HandlerError::Aborted(e))
    }
}

/// When a write command's transaction commits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Commit {
    /// Only when the body succeeded and sent no error.
    AllOrNothing,
    /// Whatever the body wrote: it writes each object whole or not at all.
    PerObject,
}

/// Run a command body in one write transaction (see [`Commit`]); the
/// reports the body held with `Out::on_commit` go out after the commit.
pub(crate) fn in_write_tx<F>(
    ctx: &Ctx,
    req: &Request,
    out: &mut out::Out,
    commit: Commit,
    body: F,
) -> Result<u8, HandlerError>
where
    F: FnOnce(
        &mut xcat_schema::db::Conn,
        &mut cache::Cache,
        &mut out::Out,
    ) -> Result<u8, HandlerError>,
{
    let mut rc = 0u8;
    let r = ctx.db.write(|conn| -> Result<(), TxErr> {
        let mut cache = new_cache(ctx, req);
        rc = body(conn, &mut cache, out)?;
        if commit == Commit::AllOrNothing && (out.failed || rc != 0) {
            return Err(TxErr::Rollback);
        }
        Ok(())
    });
    match r {
        Ok(()) => {
            out.committed()?;
            Ok(rc)
        }
        Err(TxErr::Rollback) => {
            out.rolled_back();
            Ok(rc)
        }
        Err(TxErr::Handler(e)) => {
            out.rolled_back();
            Err(e)
        }
    }
}

/// mkdef / chdef: parse the arguments into a plan inside one write
/// transaction, then run `body` on it (usage and early exits handled here).
pub(crate) fn run_planned(
    cmd: args::Cmd,
    ctx: &Ctx,
    req: &Request,
    resp: &mut dyn crate::api::Responder,
    body: fn(
        &mut xcat_schema::db::Conn,
        &mut cache::Cache,
        &args::Plan,
        &mut out::Out,
    ) -> Result<u8, HandlerError>,
) -> Result<(), HandlerError> {
    let mut out = out::Out::new(resp);
    let version = ctx.server.version_line.clone();
    let rc = in_write_tx(ctx, req, &mut out, Commit::PerObject, |conn, cache, out| {
        let argv = req.args();
        let plan = match args::plan(cmd, &argv, req.stdin(), &version, conn, cache, out)? {
            Ok(p) => p,
            Err(args::Early::Done) => return Ok(0),
            Err(args::Early::Usage) => {
                usage::usage(cmd, out)?;
                return Ok(0);
            }
            Err(args::Early::Fail) => return Ok(1),
        };
        body(conn, cache, &plan, out)
    })?;
    finish(&mut out, rc)
}

/// mkdef / chdef: options that cannot go together (`-t` with `-a`/`-z`/`-x`,
/// `-z` with `-o` or a noderange).  `Some(rc)` when the command must stop.
pub(crate) fn check_option_mix(
    cmd: args::Cmd,
    p: &args::Plan,
    out: &mut out::Out,
) -> Result<Option<u8>, HandlerError> {
    let o = &p.opts;
    if o.types.is_some() && (o.all || o.stanza || o.xml) {
        let lines = ["Cannot combine '-t' and '-a', '-z', or '-x' options."];
        return usage_fail(cmd, out, &lines).map(Some);
    }
    if o.stanza && (o.objects.is_some() || !p.noderange.is_empty()) {
        let example = format!(
            "Example of -z usage:\n\t'cat stanzafile | {} -z'",
            cmd.name()
        );
        let lines = [
            "Cannot use '-z' with '-o' or a noderange.",
            example.as_str(),
        ];
        return usage_fail(cmd, out, &lines).map(Some);
    }
    Ok(None)
}

/// Report `lines` as an error followed by the command's usage; exit 1.
pub(crate) fn usage_fail(
    cmd: args::Cmd,
    out: &mut out::Out,
    lines: &[&str],
) -> Result<u8, HandlerError> {
    out.error(lines)?;
    usage::usage(cmd, out)?;
    Ok(1)
}

fn new_cache(ctx: &Ctx, req: &Request) -> cache::Cache {
    let mut c = cache::Cache::new();
    c.range_opts = crate::range_opts::for_request(req, ctx.privileged);
    c
}

/// Run a read-only command body.
pub(crate) fn in_read<F>(
    ctx: &Ctx,
    req: &Request,
    out: &mut out::Out,
    body: F,
) -> Result<u8, HandlerError>
where
    F: FnOnce(
        &mut xcat_schema::db::Conn,
        &mut cache::Cache,
        &mut out::Out,
    ) -> Result<u8, HandlerError>,
{
    let mut res: Result<u8, HandlerError> = Ok(0);
    ctx.db.read(|conn| {
        let mut cache = new_cache(ctx, req);
        res = body(conn, &mut cache, out);
        Ok(())
    })?;
    res
}

/// The final stock callback: an `errorcode` document when the command
/// returned non-zero.
pub(crate) fn finish(out: &mut out::Out, rc: u8) -> Result<(), HandlerError> {
    if rc != 0 {
        out.errorcode_only()?;
    }
    Ok(())
}
