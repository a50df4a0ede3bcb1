//! A server's part of mkdsklsnode (stock `mkdsklsnode()`,
//! xCAT-server/lib/xcat/plugins/aixinstall.pm:10995-12753), in stock's
//! order: nodes resolvable, options, the start message, begin prescripts,
//! the NIM machine list, each node's osimage, resources (nimprime: re-sync
//! the shared_root; other servers: made here), statelite and resolv_conf,
//! then every node ([`super::node`], a few at once, messages in node order),
//! the files after the nodes, the database update, inetd, `-S`, the result
//! message and the end prescripts.
//!
//! The parts other owners built are called at their stock steps:
//! `nim::resources` (make_SN_resource, chk_resolv_conf), `nim::prime`
//! (dolitesetup), and through [`super::after`] `nim::clientfiles` and
//! `nim::hanfs`.

use super::load::{self, NodeDef, World};
use super::node::{self, Job, Shared};
use super::options::{self, Options};
use super::{after, pool, Mkdsklsnode};
use crate::api::{Aborted, Ctx, HandlerError, Responder};
use crate::nim::cmd::{Nim, LSSRC, STARTSRC};
use crate::nim::model::{Image, NodeNet, Reply, Resources};
use crate::nim::prime;
use crate::nim::resources;
use crate::nim::site::IsMe;
use crate::objdefs::write;
use crate::prescripts::{self, Phase};
use crate::runner::Target;
use std::collections::{BTreeMap, BTreeSet};
use xcat_proto::{Request, Response};

/// What this server's part works with.
pub struct Facts {
    pub sname: String,
    pub opts: Options,
    pub attrs: BTreeMap<String, String>,
    pub world: World,
    /// Node → its osimage name (nodes without one are left out).
    pub nodeosi: BTreeMap<String, String>,
    /// The osimages used, with the `attr=val` overrides applied.
    pub images: BTreeMap<String, Image>,
    /// nimprime's `lochash` / `nimhash` for the image resources.
    pub resources: Resources,
    /// Each node's network (`<xcatmaster>` gateways made this server's
    /// address); nodes without one are left out.
    pub node_nets: BTreeMap<String, NodeNet>,
}

/// The part's channel and this server's NIM, with `-V`'s command lines.
struct Sn<'a> {
    nim: Nim<'a>,
    reply: Reply<'a>,
    sname: String,
}

impl Sn<'_> {
    fn flush(&mut self) -> Result<(), Aborted> {
        self.reply.commands(&self.nim, &self.sname)
    }

    fn info(&mut self, text: String) -> Result<(), Aborted> {
        self.flush()?;
        self.reply.info(text)
    }

    fn error(&mut self, text: String) -> Result<(), Aborted> {
        self.flush()?;
        self.reply.error(text)
    }
}

/// Run this server's part; stock's return code (`Return=<rc>.` when > 0).
pub fn run(
    h: &Mkdsklsnode,
    ctx: &Ctx,
    request: &Request,
    out: &mut dyn Responder,
) -> Result<i64, HandlerError> {
    let sname = ctx.server.short_host.clone();
    let mut nodes: Vec<String> = request.nodes().iter().map(|n| n.to_string()).collect();
    nodes.sort();
    nodes.dedup();
    let world = load::world(ctx, &nodes)?;
    for n in &world.nodes {
        if load::address(n).is_none() {
            let text = format!("{sname}: Could not resolve node {}.\n", n.name);
            out.send(Response::new().error(text))?;
            return Ok(1);
        }
    }
    let words = request.args();
    if words.is_empty() {
        out.send(super::usage())?;
        return Ok(0);
    }
    let Some(opts) = options::parse(&words) else {
        return Ok(1);
    };
    let attrs = options::pairs(&opts.pairs).unwrap_or_default();
    let mut sn = Sn {
        nim: Nim::local(ctx.runner.as_ref(), &h.nim),
        reply: Reply::new(out, opts.verbose),
        sname: sname.clone(),
    };
    let text = format!("{sname}: Initializing AIX diskless nodes.  This could take a while.\n");
    sn.info(text)?;
    if prescripts::call(ctx, Phase::Begin, &nodes, "diskless", sn.reply.out)? {
        let e = Response::new()
            .error_text("Failed in running begin prescripts.\n")
            .errorcode(1);
        sn.reply.out.send(e)?;
        return Ok(1);
    }
    let machines: BTreeSet<String> = sn
        .nim
        .names_of_class("machines")
        .unwrap_or_default()
        .into_iter()
        .collect();
    let Some(mut facts) = facts(ctx, request, sname, opts, attrs, world)? else {
        let text = format!(
            "{}: Could not determine which xCAT osimage to use.\n",
            sn.sname
        );
        sn.error(text)?;
        return Ok(1);
    };
    facts.node_nets = node_networks(&facts, &mut sn);
    if !prepare(ctx, h, &facts, &mut sn)? {
        return Ok(1);
    }
    let failed = nodes_work(h, ctx, &facts, &machines, &mut sn)?;
    finish(h, ctx, &facts, &nodes, failed, &mut sn)
}

/// Each node's osimage and the images (`None`: no node has one).
fn facts(
    ctx: &Ctx,
    request: &Request,
    sname: String,
    opts: Options,
    attrs: BTreeMap<String, String>,
    world: World,
) -> Result<Option<Facts>, HandlerError> {
    let mut nodeosi = BTreeMap::new();
    let mut names: Vec<String> = Vec::new();
    for n in &world.nodes {
        if let Some(img) = n.osimage(opts.osimage.as_deref()) {
            if !names.contains(&img) {
                names.push(img.clone());
            }
            nodeosi.insert(n.name.clone(), img);
        }
    }
    if names.is_empty() {
        return Ok(None);
    }
    let mut images = load::images(ctx, &names)?;
    for img in images.values_mut() {
        crate::nim::prenim::apply_overrides(img, &attrs);
    }
    Ok(Some(Facts {
        sname,
        resources: crate::nim::prenim::carry::resources(request),
        opts,
        attrs,
        world,
        nodeosi,
        images,
        node_nets: BTreeMap::new(),
    }))
}

/// Stock steps 7-9: resources on this server, statelite; `false` ends the
/// part with `Return=1.`.
fn prepare(ctx: &Ctx, h: &Mkdsklsnode, f: &Facts, sn: &mut Sn) -> Result<bool, HandlerError> {
    let is_nimprime = f.world.site.nimprime.as_deref() == Some(ctx.server.short_host.as_str());
    if !is_nimprime {
        if f.world.site.sharedinstall != "sns" {
            make_sn_resources(f, sn)?;
        }
    } else {
        sync_shared_roots(f, sn)?;
    }
    if f.world.site.sharedinstall == "no" {
        for img in f.images.values().filter(|i| i.get("shared_root").is_some()) {
            if !dolitesetup(h, ctx, f, img, sn)? {
                sn.error("Could not complete the statelite setup.".to_string())?;
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// On nimprime: re-synchronise each image's shared_root unless allocated
/// (aixinstall.pm:11200-11245).
fn sync_shared_roots(f: &Facts, sn: &mut Sn) -> Result<(), Aborted> {
    for img in f.images.values() {
        let (Some(sr), Some(spot)) = (img.get("shared_root"), img.get("spot")) else {
            continue;
        };
        let bad = crate::nim::validate::nim_name(&img.name, "shared_root", sr)
            .and_then(|_| crate::nim::validate::nim_name(&img.name, "spot", spot));
        if let Err(e) = bad {
            sn.error(format!("{}: {e}\n", sn.sname))?;
            continue;
        }
        let count = sn.nim.attr_fields("alloc_count", sr).ok();
        let allocated = count
            .and_then(|f| f.first().and_then(|c| c.trim().parse::<u64>().ok()))
            .is_some_and(|c| c != 0);
        if allocated {
            let text = format!(
                "The resource named '{sr}' is currently allocated. It will not be re-synchronized.\n"
            );
            sn.info(text)?;
            continue;
        }
        sn.info(format!(
            "{}: Synchronizing the NIM '{sr}' resource.\n",
            sn.sname
        ))?;
        let ran = sn.nim.nim(&["-Fo", "sync_roots", spot]);
        if !ran.ok() {
            sn.flush()?;
            let mut r =
                Response::new().error_text(format!("{}: Could not update {sr}.\n", sn.sname));
            if sn.reply.verbose {
                r = r.error_text(ran.text());
            }
            sn.reply.errors += 1;
            sn.reply.out.send(r.errorcode(1))?;
        }
    }
    Ok(())
}

/// Each node's network, `<xcatmaster>` gateways made this server's
/// address in it ([`load::xcatmaster_gateways`]).
fn node_networks(f: &Facts, sn: &mut Sn) -> BTreeMap<String, NodeNet> {
    let nets = load::xcatmaster_gateways(&f.world.networks, &sn.nim);
    f.world
        .nodes
        .iter()
        .filter_map(|n| {
            let net = load::network_of(load::address(n)?, &nets)?;
            Some((n.name.clone(), net))
        })
        .collect()
}

/// Every node (stock step 10); the nodes that failed.
fn nodes_work(
    h: &Mkdsklsnode,
    ctx: &Ctx,
    f: &Facts,
    machines: &BTreeSet<String>,
    sn: &mut Sn,
) -> Result<Vec<String>, HandlerError> {
    let resolv = chk_resolv_conf(ctx, f, sn)?;
    sn.flush()?;
    let empty = Image::default();
    let jobs: Vec<Job> = f
        .world
        .nodes
        .iter()
        .map(|n| {
            let ip = load::address(n);
            Job {
                node: n,
                image: f
                    .nodeosi
                    .get(&n.name)
                    .and_then(|i| f.images.get(i))
                    .unwrap_or(&empty),
                net: f.node_nets.get(&n.name),
                ip,
                resolv_conf: resolv.get(&n.name).map(String::as_str),
            }
        })
        .collect();
    let shared = Shared {
        runner: ctx.runner.as_ref(),
        cfg: &h.nim,
        sname: &f.sname,
        opts: &f.opts,
        attrs: &f.attrs,
        machines,
        retry_after: h.retry_after,
    };
    let after = after::After {
        files: &h.files,
        runner: ctx.runner.as_ref(),
        cfg: &h.nim,
        f,
    };
    let mut failed = Vec::new();
    pool::ordered(
        &jobs,
        h.width,
        |job| node::work(&shared, job),
        |job, outcome| -> Result<(), Aborted> {
            for d in outcome.docs {
                if d.error_code() != 0 {
                    sn.reply.errors += 1;
                }
                sn.reply.out.send(d)?;
            }
            if !outcome.ok {
                failed.push(job.node.name.clone());
                return Ok(());
            }
            after::per_node(&after, &sn.nim, job.node, &mut sn.reply)?;
            sn.flush()?;
            Ok(())
        },
    )?;
    Ok(failed)
}

/// Stock steps 11-18 after the nodes.
fn finish(
    h: &Mkdsklsnode,
    ctx: &Ctx,
    f: &Facts,
    nodes: &[String],
    failed: Vec<String>,
    sn: &mut Sn,
) -> Result<i64, HandlerError> {
    let good: Vec<&NodeDef> = f
        .world
        .nodes
        .iter()
        .filter(|n| !failed.contains(&n.name))
        .collect();
    let after = after::After {
        files: &h.files,
        runner: ctx.runner.as_ref(),
        cfg: &h.nim,
        f,
    };
    after::after_nodes(&after, &sn.nim, &good, &mut sn.reply)?;
    sn.flush()?;
    if !update_nodetype(ctx, f, &good)? {
        let text = format!("{}: Could not write data to the xCAT database.\n", f.sname);
        sn.error(text)?;
    }
    check_inetd(sn)?;
    if f.opts.setuphanfs {
        after::setup_hanfs(&after, &mut sn.reply)?;
    }
    sn.flush()?;
    let rc = if sn.reply.errors > 0 {
        let mut r = Response::new().info(format!(
            "{}: One or more errors occurred when attempting to initialize AIX NIM diskless nodes.\n",
            f.sname
        ));
        if f.opts.verbose && !failed.is_empty() {
            r = r.info(format!(
                "{}: The following node(s) could not be initialized.\n",
                f.sname
            ));
            for n in &failed {
                r = r.info(n.clone());
            }
        }
        sn.reply.out.send(r)?;
        1
    } else {
        let text = format!("{}: AIX/NIM diskless nodes were initialized.\n", f.sname);
        sn.reply.info(text)?;
        0
    };
    let ended: Vec<String> = nodes
        .iter()
        .filter(|n| !failed.contains(n))
        .cloned()
        .collect();
    if prescripts::call(ctx, Phase::End, &ended, "diskless", sn.reply.out)? {
        let e = Response::new()
            .error_text("Failed in running end prescripts.\n")
            .errorcode(1);
        sn.reply.out.send(e)?;
        return Ok(1);
    }
    Ok(rc)
}

/// nodetype os / profile / provmethod of this part's successful nodes, in
/// ONE transaction.  Stock wrote every node of the whole request, also the
/// nodes other servers handled or that failed there (aixinstall.pm:12343-12356).
fn update_nodetype(ctx: &Ctx, f: &Facts, good: &[&NodeDef]) -> Result<bool, HandlerError> {
    let reqs: Vec<write::WriteReq> = good
        .iter()
        .filter_map(|n| {
            let img = f.nodeosi.get(&n.name)?;
            let attrs = [("os", "AIX"), ("profile", img), ("provmethod", img)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            Some(write::WriteReq {
                name: n.name.clone(),
                type_name: "node".to_string(),
                attrs,
            })
        })
        .collect();
    if reqs.is_empty() {
        return Ok(true);
    }
    match load::write_objects(ctx, &reqs)? {
        Ok(()) => Ok(true),
        Err(e) => {
            tracing::warn!("mkdsklsnode: nodetype update failed: {e}");
            Ok(false)
        }
    }
}

/// Stock step 15: inetd started when `lssrc` shows it inoperative.
fn check_inetd(sn: &mut Sn) -> Result<(), Aborted> {
    let ran = sn.nim.run(LSSRC, &["-s", "inetd"]);
    if !ran.ok() {
        // Stock's runcmd reports it; the part's error count is not raised.
        let text = format!(
            "Command failed: {}. Error message: {}.\n",
            ran.line,
            ran.text()
        );
        sn.flush()?;
        return sn
            .reply
            .out
            .send(Response::new().error_text(text).errorcode(1));
    }
    let inoperative = ran
        .out
        .stdout
        .lines()
        .any(|l| l.split_whitespace().skip(1).any(|w| w == "inoperative"));
    if inoperative {
        sn.flush()?;
        sn.reply
            .verbose(format!("Starting inetd on {}.\n", sn.sname))?;
        let ran = sn.nim.run(STARTSRC, &["-s", "inetd"]);
        if !ran.ok() {
            sn.flush()?;
            let text = format!("Could not start inetd on {}.\n", sn.sname);
            sn.reply
                .out
                .send(Response::new().error_text(text).errorcode(1))?;
        }
    }
    Ok(())
}

/// Stock step 7 on a server that is not nimprime: snres's
/// `make_SN_resource` (aixinstall.pm:13042-13727, called at :11189-11190); its result is ignored, as stock's.
fn make_sn_resources(f: &Facts, sn: &mut Sn) -> Result<(), Aborted> {
    let images: Vec<Image> = f.images.values().cloned().collect();
    let nets: Vec<NodeNet> = f.node_nets.values().cloned().collect();
    let site = &f.world.site;
    let p = resources::SnResources {
        sname: &f.sname,
        images: &images,
        nimprime: &f.resources,
        nets: &nets,
        attrs: &f.attrs,
        nfsv4: site.nfsv4,
        domain: site.domain.as_deref(),
        installdir: &site.installdir,
        keep_shared_root: f.opts.defonly || site.sharedinstall == "sns",
    };
    sn.flush()?;
    resources::make_sn_resources(&sn.nim, &mut sn.reply, &p)?;
    sn.flush()
}

/// Stock step 8 (`sharedinstall=no`, shared_root images): mncopy's
/// `dolitesetup` (perl-xCAT/xCAT/InstUtils.pm:801-1400, called at aixinstall.pm:11262) on this server; `false` after its failure.
fn dolitesetup(
    h: &Mkdsklsnode,
    ctx: &Ctx,
    f: &Facts,
    img: &Image,
    sn: &mut Sn,
) -> Result<bool, Aborted> {
    let nodes: Vec<String> = f
        .nodeosi
        .iter()
        .filter(|(_, i)| **i == img.name)
        .map(|(n, _)| n.clone())
        .collect();
    let mut p = prime::Prime::new(
        ctx.runner.as_ref(),
        &h.nim,
        Target::Local,
        &ctx.server.short_host,
    );
    p.install_dir = f.world.site.installdir.clone();
    let req = prime::LiteRequest {
        image: img,
        nodes: &nodes,
        spot_location: None,
        db: &ctx.db,
    };
    sn.flush()?;
    let outcome = prime::dolitesetup(&p, &req, &mut sn.reply)?;
    Ok(outcome != prime::LiteOutcome::Failed)
}
/// snres's `chk_resolv_conf` (aixinstall.pm:4716-5219): node → resolv_conf resource.
fn chk_resolv_conf(ctx: &Ctx, f: &Facts, sn: &mut Sn) -> Result<BTreeMap<String, String>, Aborted> {
    let nodes: Vec<resources::ResolvNode> = f
        .world
        .nodes
        .iter()
        .map(|n| resources::ResolvNode {
            node: n.name.clone(),
            image: f
                .nodeosi
                .get(&n.name)
                .and_then(|i| f.images.get(i))
                .cloned(),
            net: f.node_nets.get(&n.name).cloned(),
            servicenode: n.servicenode.clone().unwrap_or_default(),
            xcatmaster: n.xcatmaster.clone().unwrap_or_default(),
        })
        .collect();
    let site = &f.world.site;
    let domains: Vec<String> = f.world.networks.iter().map(|n| n.domain.clone()).collect();
    let me = IsMe::new(&ctx.server.short_host, &sn.nim);
    let is_me = |name: &str| me.is_me(name);
    let p = resources::ResolvParams {
        nodes: &nodes,
        site_domain: site.domain.as_deref(),
        site_nameservers: site.nameservers.as_deref(),
        network_domains: &domains,
        nimprime: site.nimprime.as_deref().unwrap_or_default(),
        dir: f.opts.location.as_deref(),
        installdir: &site.installdir,
        attrs: &f.attrs,
        nfsv4: site.nfsv4,
        is_me: &is_me,
        resolver: &resources::SystemResolver,
    };
    sn.reply.commands(&sn.nim, &sn.sname)?;
    let chosen = resources::chk_resolv_conf(&sn.nim, &mut sn.reply, &p)?;
    sn.flush()?;
    Ok(chosen)
}
