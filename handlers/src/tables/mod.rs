//! The table command family (xCAT-server/lib/xcat/plugins/tabutils.pm:566-790): tabdump, tabrestore, tabch,
//! gettab, tabgrep, tabprune, nodels, nodeadd, noderm, nodech, nodegrpch.
//! One file per command; shared pieces: how a command starts (`args`:
//! tabutils' Getopt::Long configuration for `crate::getopt`, usage and
//! version answers), streamed
//! output (`output`), `-w` filters (`where_filter`), table helpers (`dbutil`),
//! node attribute resolution (`resolve`), noderange expansion
//! (`crate::range_opts`), short descriptions for `tabdump -d` (`descriptions`)
//! and the assignment engine shared by nodech/nodeadd/nodegrpch
//! (`nodechange`).

pub mod args;
pub mod dbutil;
pub mod descriptions;
pub mod gettab;
pub mod nodeadd;
pub mod nodech;
pub mod nodechange;
pub mod nodegrpch;
pub mod nodels;
pub mod noderm;
pub mod output;
pub mod resolve;
pub mod tabch;
pub mod tabdump;
pub mod tabgrep;
pub mod tabprune;
pub mod tabrestore;
pub mod where_filter;

use crate::api::{Ctx, Handler, HandlerError, Responder};
use std::sync::Arc;
use xcat_proto::Request;

type RunFn = fn(&Ctx, &Request, &mut dyn Responder) -> Result<(), HandlerError>;

/// One table command: its names, its entry point, whether the daemon
/// expands and verifies `noderange` into `node` first, and whether it writes.
struct TableCommand {
    names: &'static [&'static str],
    run: RunFn,
    expand: bool,
    writes: bool,
}

impl Handler for TableCommand {
    fn commands(&self) -> &'static [&'static str] {
        self.names
    }

    fn process(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        (self.run)(ctx, request, out)
    }

    fn wants_expanded_nodes(&self) -> bool {
        self.expand
    }

    fn writes(&self, _command: &str) -> bool {
        self.writes
    }
}

/// Every table command.  nodeadd takes a noderange of nodes that do not exist
/// yet (sent as its first `arg`), so the daemon must not verify anything for
/// it; the others get verified `node` lists (stock behaviour, fixture 15).
pub fn handlers() -> Vec<Arc<dyn Handler>> {
    let cmds = [
        TableCommand {
            names: &["tabdump"],
            run: tabdump::run,
            expand: true,
            writes: false,
        },
        TableCommand {
            names: &["tabrestore"],
            run: tabrestore::run,
            expand: true,
            writes: true,
        },
        TableCommand {
            names: &["tabch"],
            run: tabch::run,
            expand: true,
            writes: true,
        },
        TableCommand {
            names: &["gettab"],
            run: gettab::run,
            expand: true,
            writes: false,
        },
        TableCommand {
            names: &["tabgrep"],
            run: tabgrep::run,
            expand: true,
            writes: false,
        },
        TableCommand {
            names: &["tabprune"],
            run: tabprune::run,
            expand: true,
            writes: true,
        },
        TableCommand {
            names: &["nodels"],
            run: nodels::run,
            expand: true,
            writes: false,
        },
        TableCommand {
            names: &["nodeadd", "addnode"],
            run: nodeadd::run,
            expand: false,
            writes: true,
        },
        TableCommand {
            names: &["noderm", "rmnode"],
            run: noderm::run,
            expand: true,
            writes: true,
        },
        TableCommand {
            names: &["nodech", "chnode"],
            run: nodech::run,
            expand: true,
            writes: true,
        },
        TableCommand {
            names: &["nodegrpch", "chnodegrp"],
            run: nodegrpch::run,
            expand: false,
            writes: true,
        },
    ];
    cmds.into_iter()
        .map(|c| Arc::new(c) as Arc<dyn Handler>)
        .collect()
}
