//! `rmdsklsnode`: remove AIX NIM diskless client definitions (handlers.md
//! §4).  On the management node ([`Rmdsklsnode::preprocess`], stock
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
use crate::nim::say::{self, return_line, send_all};
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

/// What the management node decided.
enum Pre {
    /// Answered here (usage, version, a refusal): these documents.
    Answer(Vec<Response>),
    /// Run for these nodes.
    Run(Options, Vec<String>),
}

/// Stock `prermdsklsnode` (aixinstall.pm:13744-13826).
fn pre(ctx: &Ctx, request: &Request) -> Result<Pre, HandlerError> {
    let words = request.args();
    if words.is_empty() {
        return Ok(Pre::Answer(vec![usage()]));
    }
    let Some(opts) = options::parse(&words) else {
        return Ok(Pre::Answer(vec![usage(), return_line(1)]));
    };
    if opts.help {
        return Ok(Pre::Answer(vec![usage()]));
    }
    if opts.version {
        let v = format!("rmdsklsnode {}\n", ctx.server.version_line);
        return Ok(Pre::Answer(vec![Response::new().info(v)]));
    }
    let required = || {
        Pre::Answer(vec![
            Response::new().error("A noderange is required.\n"),
            usage(),
        ])
    };
    let Some(range) = opts.noderange.clone() else {
        return Ok(required());
    };
    let nodes = match super::split::noderange(ctx, request, &range)? {
        Ok(n) => n,
        Err(m) => return Ok(Pre::Answer(vec![Response::new().error(m), usage()])),
    };
    if nodes.is_empty() {
        return Ok(required());
    }
    Ok(Pre::Run(opts, nodes))
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
        let Pre::Run(opts, nodes) = pre(ctx, &request)? else {
            // Answered by `process` (it re-runs the same checks).
            return Ok(vec![Part::local(request)]);
        };
        super::split::per_service_node(ctx, &request, &nodes, opts.sn_type())
    }

    fn process(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        let mut request = request.clone();
        if request.get("_xcatpreprocessed") != Some("1") {
            match pre(ctx, &request)? {
                Pre::Answer(docs) => return Ok(send_all(out, docs)?),
                // Not split (a direct call): every node here.
                Pre::Run(_, nodes) => request.set_nodes(&nodes),
            }
        }
        let rc = self.server_part(ctx, &request, out)?;
        if rc > 0 {
            out.send(return_line(rc))?;
        }
        Ok(())
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
