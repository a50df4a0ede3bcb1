//! `rmdsklsnode`: remove AIX NIM diskless client definitions
//! (xCAT-server/lib/xcat/plugins/aixinstall.pm:399-432, 13744-14242).  On the management node ([`Rmdsklsnode::preprocess`], stock
//! `prermdsklsnode`) the options and the noderange are checked and the
//! request is split per service node: the primary AND the backup by
//! default, `-p` / `-b` one of them; nodes without a service node run on the
//! management node.  Each part runs on its server ([`part`]): prescripts,
//! backups, each node ([`node`]), restores, the result.  Files:
//! [`options`], [`backup`], [`node`], [`part`].

pub mod backup;
pub mod node;
pub mod options;
pub mod part;

use crate::api::{Ctx, Handler, HandlerError, Part, Responder};
use crate::nim::command::{self, Pre};
use crate::nim::say::{self, return_line};
use options::Options;
use part::Config;
use xcat_proto::{Request, Response};

#[derive(Default)]
pub struct Rmdsklsnode {
    cfg: Config,
}

impl Rmdsklsnode {
    /// A handler whose NIM commands and files are as `cfg` says (tests).
    pub fn with_config(cfg: Config) -> Rmdsklsnode {
        Rmdsklsnode { cfg }
    }
}

fn usage() -> Response {
    say::usage(&options::usage_lines())
}

/// Stock `prermdsklsnode` (aixinstall.pm:13744-13826).
fn pre(ctx: &Ctx, request: &Request) -> Result<Pre<Options>, HandlerError> {
    let words = request.args();
    let Some(opts) = options::parse(&words) else {
        return Ok(Pre::Answer(vec![usage(), return_line(1)]));
    };
    let lines = options::usage_lines();
    let (none, help, version) = (words.is_empty(), opts.help, opts.version);
    if let Some(docs) = command::help_or_version(ctx, "rmdsklsnode", &lines, none, help, version) {
        return Ok(Pre::Answer(docs));
    }
    Ok(
        match command::required_nodes(ctx, request, opts.noderange.as_deref(), &lines)? {
            Ok(nodes) => Pre::Run(opts, nodes),
            Err(docs) => Pre::Answer(docs),
        },
    )
}

impl Handler for Rmdsklsnode {
    fn commands(&self) -> &'static [&'static str] {
        &["rmdsklsnode"]
    }

    /// An `xcatDBcmds` command: everything is in `arg`.
    fn wants_expanded_nodes(&self) -> bool {
        false
    }

    /// It removes NIM objects on the service nodes.
    fn writes(&self, _command: &str) -> bool {
        true
    }

    fn preprocess(&self, ctx: &Ctx, request: Request) -> Result<Vec<Part>, HandlerError> {
        command::preprocess(ctx, request, pre, Options::sn_type)
    }

    fn process(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        command::process(ctx, request, out, pre, |r, out| {
            self.server_part(ctx, r, out)
        })
    }
}

impl Rmdsklsnode {
    /// Stock `rmdsklsnode` (aixinstall.pm:13846-13890): the options again
    /// (the same set as on the management node), then [`part::run`].
    fn server_part(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<i64, HandlerError> {
        let words = request.args();
        let nodes: Vec<String> = request.nodes().iter().map(|n| n.to_string()).collect();
        let opts = match options::parse(&words) {
            Some(o) if !nodes.is_empty() => o,
            _ => {
                out.send(usage())?;
                return Ok(1);
            }
        };
        part::run(ctx, &self.cfg, &opts, &nodes, out)
    }
}
