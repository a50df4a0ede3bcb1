//! `lsxcatd` (stock `tabutils.pm` lsxcatd, xCAT-server/lib/xcat/plugins/tabutils.pm:856-965): the daemon's
//! version, node type and database.
//!
//! Options as stock's Getopt::Long with bundling: `-h|-?|--help`,
//! `-v|--version`, `-a|--all`, `-t|--type`, `-d|--database`; single letters
//! may be bundled (`-vd`), long names may be abbreviated (`--ver`).  We also
//! accept `--nodetype`, the spelling the usage text shows but stock rejects.
//! No argument or a bad option: the five usage lines with errorcode 1; `-h`:
//! the same without errorcode.  Each item is its own response document: the
//! version line, then "This is a Management Node" (`/etc/xCATMN` exists)
//! and/or "This is a Service Node" (`/etc/xCATSN`), then the database lines
//! (one document).  Words that are not options are ignored, as stock does.

use crate::api::{Ctx, Handler, HandlerError, Responder, ServerInfo};
use crate::getopt::Spec;
use crate::tables::args::TABUTILS;
use std::path::Path;
use xcat_proto::{Request, Response};

pub struct Lsxcatd;

const USAGE: [&str; 5] = [
    "       lsxcatd [-v|--version]",
    "       lsxcatd [-h|--help]",
    "       lsxcatd [-d|--database]",
    "       lsxcatd [-t|--nodetype]",
    "       lsxcatd [-a|--all]",
];

const OPTS: &[Spec] = &[
    Spec::new("h|?|help"),
    Spec::new("v|version"),
    Spec::new("a|all"),
    Spec::new("t|type|nodetype"),
    Spec::new("d|database"),
];

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Options {
    pub help: bool,
    pub version: bool,
    pub all: bool,
    pub nodetype: bool,
    pub database: bool,
}

/// Parse the arguments (operands are ignored); `None` means usage error.
pub fn parse_args(args: &[&str]) -> Option<Options> {
    let p = TABUTILS.parse(args, OPTS).ok()?;
    Some(Options {
        help: p.has("h"),
        version: p.has("v"),
        all: p.has("a"),
        nodetype: p.has("t"),
        database: p.has("d"),
    })
}

fn usage(errorcode: bool) -> Response {
    let mut r = Response::new();
    for line in USAGE {
        r = r.data(line);
    }
    if errorcode {
        r = r.errorcode(1);
    }
    r
}

/// The response documents of one `lsxcatd` run.
pub fn responses(args: &[&str], server: &ServerInfo, db_lines: &[String]) -> Vec<Response> {
    if args.is_empty() {
        return vec![usage(true)];
    }
    let Some(o) = parse_args(args) else {
        return vec![usage(true)];
    };
    if o.help {
        return vec![usage(false)];
    }
    let mut out = Vec::new();
    if o.version || o.all {
        out.push(Response::new().data(server.version_line.clone()));
        if !o.all {
            return out;
        }
    }
    if o.nodetype || o.all {
        if is_file(&server.mn_marker) {
            out.push(Response::new().data("This is a Management Node"));
        }
        if is_file(&server.sn_marker) {
            out.push(Response::new().data("This is a Service Node"));
        }
        if !o.all {
            return out;
        }
    }
    if (o.database || o.all) && !db_lines.is_empty() {
        let mut r = Response::new();
        for l in db_lines {
            r = r.data(l.clone());
        }
        out.push(r);
    }
    out
}

/// Stock tests `-e`: anything at that path counts.
fn is_file(p: &Path) -> bool {
    p.exists()
}

impl Handler for Lsxcatd {
    fn commands(&self) -> &'static [&'static str] {
        &["lsxcatd"]
    }

    fn process(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        let args = request.args();
        let db_lines = ctx.db.describe();
        for r in responses(&args, &ctx.server, &db_lines) {
            out.send(r)?;
        }
        Ok(())
    }

    fn wants_expanded_nodes(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_parsing() {
        let p = |a: &[&str]| parse_args(a);
        assert_eq!(p(&["-v"]).map(|o| o.version), Some(true));
        assert_eq!(p(&["--ver"]).map(|o| o.version), Some(true));
        assert!(p(&["-vd"]).is_some_and(|o| o.version && o.database));
        assert!(p(&["--type"]).is_some_and(|o| o.nodetype));
        assert!(p(&["--nodetype"]).is_some_and(|o| o.nodetype));
        assert!(p(&["-?"]).is_some_and(|o| o.help));
        assert_eq!(p(&["-x"]), None);
        assert_eq!(p(&["--bogus"]), None);
        assert!(p(&["--t"]).is_some_and(|o| o.nodetype));
        assert_eq!(p(&["--version=1"]), None);
        assert_eq!(p(&["foo"]), Some(Options::default()));
    }
}
