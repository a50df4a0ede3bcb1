//! `nimnodeset`: initialise AIX standalone nodes for a NIM `bos_inst`.  On the management node ([`Nimnodeset::preprocess`])
//! the options and the noderange are checked and the request is split per
//! service node (primary AND backup by default, `-p` / `-b` one of them);
//! each server's part ([`Nimnodeset::server_part`], stock `nimnodeset`,
//! xCAT-server/lib/xcat/plugins/aixinstall.pm:600-1404): begin prescripts (`standalone`), the
//! shared resource steps ([`facts`]), each node ([`node`]), `nodetype`
//! written (`os=AIX`; `profile` / `provmethod` with `-i`) in one
//! transaction, the result, end prescripts for the nodes that did not fail.
//! Files: [`options`], [`facts`], [`node`].

pub mod facts;
pub mod node;
pub mod options;

use crate::api::{Ctx, Handler, HandlerError, Part, Responder};
use crate::nim::cmd::{Nim, NimConfig};
use crate::nim::command;
use crate::nim::mkdsklsnode::load;
use crate::nim::model::Reply;
use crate::nim::prenim::{self, carry, Docs};
use crate::nim::say::{return_line, usage};
use crate::nim::site::{IsMe, NimSite};
use crate::prescripts::{self, Phase};
use options::{Options, Refused};
use std::collections::BTreeMap;
use xcat_proto::{Request, Response};

#[derive(Default)]
pub struct Nimnodeset {
    nim: NimConfig,
}

impl Nimnodeset {
    /// A handler whose NIM commands run as `cfg` says (tests).
    pub fn with_config(nim: NimConfig) -> Nimnodeset {
        Nimnodeset { nim }
    }
}

/// What the management node decided.
type Pre = prenim::Pre<Options>;

/// Stock `preprocess_request` + `prenimnodeset` for nimnodeset
/// (aixinstall.pm:147-163, 280, 8248-9051): nimprime, usage, version, the
/// `attr=val` syntax, `-i`, the noderange, then the part shared with
/// mkdsklsnode ([`prenim::prepare`]: nodes, osimages, nimprime's resources,
/// `xcataixscript`, the copies to the service nodes).
fn pre(h: &Nimnodeset, ctx: &Ctx, request: &Request) -> Result<Pre, HandlerError> {
    let world0 = load::world(ctx, &[])?;
    let nimprime = match prenim::nimprime(&world0) {
        Ok(n) => n,
        Err(docs) => return Ok(Pre::Answer(docs)),
    };
    let words = request.args();
    let lines = options::usage_lines();
    let opts = match options::parse(&words) {
        Ok(o) => o,
        Err(Refused::Usage) => return Ok(Pre::Answer(vec![usage(&lines), return_line(1)])),
        Err(Refused::Pair(w)) => {
            let text = format!("Incorrect 'attr=val' pair - {w}\n");
            return Ok(Pre::Answer(Docs::default().fail_with(text)));
        }
    };
    let (none, help, version) = (words.is_empty(), opts.help, opts.version);
    if let Some(docs) = command::help_or_version(ctx, "nimnodeset", &lines, none, help, version) {
        return Ok(Pre::Answer(docs));
    }
    if let Err(text) = prenim::check_osimage(&world0, opts.image.as_deref()) {
        return Ok(Pre::Answer(Docs::default().fail_with(text)));
    }
    let nodes = match command::required_nodes(ctx, request, opts.noderange.as_deref(), &lines)? {
        Ok(nodes) => nodes,
        Err(docs) => return Ok(Pre::Answer(docs)),
    };
    let args = prenim::Args {
        cfg: &h.nim,
        nimprime: &nimprime,
        osimage: opts.image.as_deref(),
        nodes: &nodes,
        attrs: &opts.attrs,
        verbose: opts.verbose,
        skip_sync: false,
        defonly: opts.defonly,
        sn_type: opts.sn_type(),
        standalone: true,
    };
    let mut docs = Docs::default();
    let Some(prepared) = prenim::prepare(ctx, &args, &mut docs)? else {
        return Ok(Pre::Answer(docs.fail()));
    };
    Ok(Pre::Split {
        opts,
        nodes: prepared.nodes,
        resources: prepared.resources,
        msgs: docs.0,
    })
}

impl Handler for Nimnodeset {
    fn commands(&self) -> &'static [&'static str] {
        &["nimnodeset"]
    }

    /// An `xcatDBcmds` command: everything is in `arg`.
    fn wants_expanded_nodes(&self) -> bool {
        false
    }

    /// It changes NIM objects on the service nodes.
    fn writes(&self, _command: &str) -> bool {
        true
    }

    fn preprocess(&self, ctx: &Ctx, request: Request) -> Result<Vec<Part>, HandlerError> {
        let pre = pre(self, ctx, &request)?;
        carry::parts(ctx, &request, pre, Options::sn_type)
    }

    fn process(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        let Some(request) = carry::direct(request, out, || pre(self, ctx, request))? else {
            return Ok(());
        };
        let rc = self.server_part(ctx, &request, out)?;
        if rc > 0 {
            out.send(return_line(rc))?;
        }
        Ok(())
    }
}

impl Nimnodeset {
    /// Stock `nimnodeset` (aixinstall.pm:600-1404) on this server; its rc.
    fn server_part(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<i64, HandlerError> {
        let words = request.args();
        let nodes: Vec<String> = request.nodes().iter().map(|n| n.to_string()).collect();
        let opts = match options::parse(&words) {
            Ok(o) if !nodes.is_empty() => o,
            Err(Refused::Pair(w)) => {
                out.send(Response::new().error(format!("Incorrect 'attr=val' pair - {w}\n")))?;
                return Ok(1);
            }
            _ => {
                out.send(usage(&options::usage_lines()))?;
                return Ok(1);
            }
        };
        if prescripts::call(ctx, Phase::Begin, &nodes, "standalone", out)? {
            out.send(Response::new().error("Failed in running begin prescripts.\n"))?;
            return Ok(1);
        }
        let sname = ctx.server.short_host.clone();
        let mut say = Reply::new(out, opts.verbose);
        let nim = Nim::local(ctx.runner.as_ref(), &self.nim);
        let carried = carry::resources(request);
        let facts = facts::step_load(ctx, &nim, &nodes, opts.image.as_deref(), carried)?;
        let machines = nim.names_of_class("machines").unwrap_or_default();
        say.commands(&nim, &sname)?;
        let server = node::Server {
            nim: &nim,
            opts: &opts,
            sname: &sname,
            machines: &machines,
            restypes: &[],
            resolv: &BTreeMap::new(),
        };
        let failed = match each_node(ctx, &server, &facts, &mut say)? {
            Some(f) => f,
            None => return Ok(1),
        };
        let rc = finish(ctx, &opts, &nodes, &failed, &sname, &mut say)?;
        let good: Vec<String> = nodes
            .iter()
            .filter(|n| !failed.contains(n))
            .cloned()
            .collect();
        if prescripts::call(ctx, Phase::End, &good, "standalone", say.out)? {
            say.out
                .send(Response::new().error("Failed in running end prescripts.\n"))?;
            return Ok(1);
        }
        Ok(rc)
    }
}

/// The nodes without an image reported, the resource steps, then every
/// node (`base`: what every node shares but the resource types and
/// resolv_conf names, found here); the nodes that failed, or `None` when
/// the part ends early (rc 1, its message sent).
fn each_node(
    ctx: &Ctx,
    base: &node::Server,
    facts: &facts::Facts,
    say: &mut Reply,
) -> Result<Option<Vec<String>>, HandlerError> {
    let s = base.sname;
    let mut failed = Vec::new();
    for n in facts.nodes.iter().filter(|n| n.image.is_none()) {
        let text = format!(
            "{s}: Could not determine an OS image name for node '{}'.\n",
            n.name
        );
        say.error(text)?;
        failed.push(n.name.clone());
    }
    if failed.len() == facts.nodes.len() {
        return Ok(None);
    }
    let Some((restypes, resolv)) = resource_steps(ctx, base, facts, say)? else {
        return Ok(None);
    };
    let server = node::Server {
        restypes: &restypes,
        resolv: &resolv,
        ..*base
    };
    for n in facts.nodes.iter().filter(|n| n.image.is_some()) {
        let image = n.image.as_ref().and_then(|i| facts.images.get(i));
        let ok = match image.filter(|i| !i.attrs.is_empty()) {
            Some(image) => server.init(say, n, image)?,
            None => {
                let i = n.image.clone().unwrap_or_default();
                say.error(format!(
                    "{s}: The xCAT osimage named '{i}' is not defined.\n"
                ))?;
                false
            }
        };
        if !ok {
            failed.push(n.name.clone());
        }
    }
    Ok(Some(failed))
}

/// The NIM resource types, and node → its resolv_conf resource.
type Found = (Vec<String>, BTreeMap<String, String>);

/// `make_SN_resource` (not on nimprime), `chk_resolv_conf`, the NIM
/// resource types (aixinstall.pm:766-800): the types and each node's
/// resolv_conf resource, or `None` when the types could not be read
/// (reported).
fn resource_steps(
    ctx: &Ctx,
    base: &node::Server,
    facts: &facts::Facts,
    say: &mut Reply,
) -> Result<Option<Found>, HandlerError> {
    let (nim, opts, s) = (base.nim, base.opts, base.sname);
    let site = ctx.db.read(NimSite::load)?;
    let is_me = IsMe::new(s, nim);
    let args = facts::StepArgs {
        nim,
        sname: s,
        site: &site,
        is_me: &is_me,
        attrs: &opts.attrs,
        location: opts.location.as_deref(),
    };
    facts::step_make_sn_resource(facts, &args, say)?;
    say.commands(nim, s)?;
    let resolv = facts::step_chk_resolv_conf(facts, &args, say)?;
    say.commands(nim, s)?;
    let types = nim.lsnim(&["-P", "-c", "resources"]);
    say.commands(nim, s)?;
    if !types.ok() {
        say.error(format!("{s}: Could not get NIM resource types."))?;
        return Ok(None);
    }
    Ok(Some((
        crate::nim::parse::first_words(&types.out.stdout),
        resolv,
    )))
}

/// `nodetype` for the nodes that did not fail (one transaction), then the
/// result message (stock sends it as [info]; `Return=1.` carries the code).
fn finish(
    ctx: &Ctx,
    opts: &Options,
    nodes: &[String],
    failed: &[String],
    s: &str,
    say: &mut Reply,
) -> Result<i64, HandlerError> {
    let mut errors = !failed.is_empty();
    let good: Vec<&String> = nodes.iter().filter(|n| !failed.contains(n)).collect();
    let written = ctx.db.write(|c| {
        for n in &good {
            let mut values = vec![("os", Some("AIX"))];
            if let Some(i) = opts.image.as_deref() {
                values.push(("profile", Some(i)));
                values.push(("provmethod", Some(i)));
            }
            c.set_attribs("nodetype", &[("node", n.as_str())], &values)?;
        }
        Ok::<(), xcat_schema::db::DbError>(())
    });
    if written.is_err() {
        say.error(format!("{s}: Could not write data to the xCAT database.\n"))?;
        errors = true;
    }
    if !errors {
        say.info(format!("{s}: AIX/NIM nodes were initialized.\n"))?;
        return Ok(0);
    }
    let mut r = Response::new().info(format!(
        "{s}: One or more errors occurred when attempting to initialize AIX NIM nodes.\n"
    ));
    if opts.verbose && !failed.is_empty() {
        r = r.info(format!(
            "{s}: The following node(s) could not be initialized.\n"
        ));
        for n in failed {
            r = r.info(n.clone());
        }
    }
    say.out.send(r)?;
    Ok(1)
}
