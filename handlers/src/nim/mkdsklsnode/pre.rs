//! The management node's (nimprime's) part before the split (stock
//! `preprocess_request` + `prenimnodeset`,
//! xCAT-server/lib/xcat/plugins/aixinstall.pm:147-349, 8248-9051): nimprime,
//! options, `-i`, the `attr=val` checks, the nodes (resolvable, defined,
//! on a network), each node's osimage, the NIM resource types and names on
//! nimprime, `configdump=` written into the osimages (one transaction), the
//! image overrides, each image resource's location and attributes on
//! nimprime, the SPOT update and resource copies (other owners' steps),
//! `-u` / `-r`, and the nodes to split.

use super::load::{self, World};
use super::options::{self, Options};
use super::{usage, Mkdsklsnode};
use crate::api::{Ctx, HandlerError};
use crate::hierarchy;
use crate::nim::cmd::Nim;
use crate::nim::command;
use crate::nim::machine;
use crate::nim::model::{Image, Reply, Resources};
use crate::nim::prime;
use crate::nim::say::return_line;
use crate::nim::sns;
use crate::nim::validate;
use crate::objdefs::write;
use crate::runner::Target;
use std::collections::{BTreeMap, BTreeSet};
use xcat_proto::{Request, Response};

/// What the management node decided.
pub enum Pre {
    /// The command ends here with these documents.
    Answer(Vec<Response>),
    /// Split `nodes` per service node; `msgs` go to the client first.
    Split {
        opts: Options,
        nodes: Vec<String>,
        resources: Resources,
        msgs: Vec<Response>,
    },
}

/// Messages so far, and the end of the command.
struct Docs(Vec<Response>);

impl Docs {
    fn error(&mut self, text: impl Into<String>) {
        self.0.push(Response::new().error(text.into()));
    }

    /// The documents so far, then `Return=1.`.
    fn fail(mut self) -> Pre {
        self.0.push(return_line(1));
        Pre::Answer(self.0)
    }

    fn fail_with(mut self, text: impl Into<String>) -> Pre {
        self.error(text);
        self.fail()
    }
}

/// Stock `prenimnodeset` for mkdsklsnode.
pub fn pre(h: &Mkdsklsnode, ctx: &Ctx, request: &Request) -> Result<Pre, HandlerError> {
    let world0 = load::world(ctx, &[])?;
    let Some(nimprime) = world0.site.nimprime.clone() else {
        let text = "Could not determine nimprime. Check if nimprime defined in site table or site table master is not resolvable to the MN name.";
        return Ok(Pre::Answer(vec![Response::new().error(text)]));
    };
    let words = request.args();
    let Some(opts) = options::parse(&words) else {
        return Ok(Pre::Answer(vec![usage(), return_line(1)]));
    };
    let lines = options::usage_lines();
    let (none, help, version) = (words.is_empty(), opts.help, opts.version);
    if let Some(docs) = command::help_or_version(ctx, "mkdsklsnode", &lines, none, help, version) {
        return Ok(Pre::Answer(docs));
    }
    let mut docs = Docs(Vec::new());
    if let Some(img) = &opts.osimage {
        if !world0.osimages.contains(img) {
            return Ok(docs.fail_with(format!("The xCAT osimage named '{img}' is not defined.\n")));
        }
    }
    let nodes = match expand(ctx, request, opts.noderange())? {
        Ok(n) => n,
        Err(text) => return Ok(docs.fail_with(text)),
    };
    let attrs = match options::pairs(&opts.pairs) {
        Ok(a) => a,
        Err(bad) => return Ok(docs.fail_with(bad.0)),
    };
    let world = load::world(ctx, &nodes)?;
    let Some(osi) = node_images(ctx, &opts, &world, &mut docs)? else {
        return Ok(docs.fail());
    };
    let nim = Nim::new(ctx.runner.as_ref(), nimprime_target(ctx, &nimprime), &h.nim);
    let at = docs.0.len();
    let found = images_and_resources(ctx, &nim, &nimprime, &osi, &attrs, &mut docs)?;
    // `-V`: stock's `Running command on <host>: <cmd>` for nimprime's
    // commands, before the messages they led to.
    let mut verbose = Vec::new();
    Reply::new(&mut verbose, opts.verbose).commands(&nim, &nimprime)?;
    docs.0.splice(at..at, verbose);
    let Some((images, resources)) = found else {
        return Ok(docs.fail());
    };
    let job = PrimeJob {
        opts: &opts,
        attrs: &attrs,
        world: &world,
        images: &images,
        osi: &osi,
        resources: &resources,
    };
    if !prime_steps(h, ctx, nimprime_target(ctx, &nimprime), &job, &mut docs)? {
        return Ok(docs.fail());
    }
    if opts.update_sn || opts.resonly {
        return Ok(Pre::Answer(docs.0));
    }
    let nodes = osi.keys().cloned().collect();
    Ok(Pre::Split {
        opts,
        nodes,
        resources,
        msgs: docs.0,
    })
}

/// nimprime's NIM: this host's, else over ssh.
fn nimprime_target(ctx: &Ctx, nimprime: &str) -> Target {
    if nimprime == ctx.server.short_host {
        Target::Local
    } else {
        Target::Host(nimprime.to_string())
    }
}

/// The noderange's nodes (not verified, as stock `noderange($a, 0)`,
/// through the NIM commands' one `nim::split::noderange`); none without a
/// noderange; `Err(text)` for a bad one.
fn expand(
    ctx: &Ctx,
    request: &Request,
    range: Option<&str>,
) -> Result<Result<Vec<String>, String>, HandlerError> {
    match range {
        None => Ok(Ok(Vec::new())),
        Some(r) => crate::nim::split::noderange(ctx, request, r),
    }
}

/// Stock steps 5-8: every node resolvable, defined and on a network; each
/// node's osimage (a node without one is reported and left out).
fn node_images(
    ctx: &Ctx,
    opts: &Options,
    world: &World,
    docs: &mut Docs,
) -> Result<Option<BTreeMap<String, String>>, HandlerError> {
    let sname = &ctx.server.short_host;
    for n in &world.nodes {
        if let Err(e) = validate::host_name(&n.name, "node", &n.name) {
            docs.error(format!("{sname}: {e}\n"));
            return Ok(None);
        }
        if load::address(n).is_none() {
            docs.error(format!("{sname}: Could not resolve node {}.\n", n.name));
            return Ok(None);
        }
    }
    if world.nodes.is_empty() {
        docs.error("Could not get xCAT object definitions.\n");
        return Ok(None);
    }
    let on_a_net = world.nodes.iter().any(|n| {
        load::address(n).is_some_and(|ip| load::network_of(ip, &world.networks).is_some())
    });
    if !on_a_net {
        docs.error("Could not get xCAT network definitions for one or\n more nodes.\n");
        return Ok(None);
    }
    let mut osi = BTreeMap::new();
    for n in &world.nodes {
        match n.osimage(opts.osimage.as_deref()) {
            Some(img) => {
                osi.insert(n.name.clone(), img);
            }
            None => docs.error(format!(
                "Could not determine an OS image name for node '{}'.\n",
                n.name
            )),
        }
    }
    Ok(Some(osi))
}

/// `attr=val` values for attributes the image has (stock: `configdump`).
pub fn apply_overrides(img: &mut Image, attrs: &BTreeMap<String, String>) {
    for (k, v) in attrs {
        if img.attrs.contains_key(k) {
            img.attrs.insert(k.clone(), v.clone());
        }
    }
}

/// The osimages by name and nimprime's facts about their resources.
type ImagesAndResources = (BTreeMap<String, Image>, Resources);

/// Stock steps 9-14: NIM types and names on nimprime, the osimages,
/// `configdump=`, overrides, and the resources' locations and attributes.
fn images_and_resources(
    ctx: &Ctx,
    nim: &Nim,
    nimprime: &str,
    osi: &BTreeMap<String, String>,
    attrs: &BTreeMap<String, String>,
    docs: &mut Docs,
) -> Result<Option<ImagesAndResources>, HandlerError> {
    let Some(types) = first_words(nim.lsnim(&["-P", "-c", "resources"])) else {
        docs.error("Could not get NIM resource definitions.");
        return Ok(None);
    };
    let Some(names) = first_words(nim.lsnim(&[])) else {
        docs.error(format!("Could not get NIM resources on {nimprime}."));
        return Ok(None);
    };
    let mut order: Vec<String> = Vec::new();
    for img in osi.values() {
        if !order.contains(img) {
            order.push(img.clone());
        }
    }
    let mut images = load::images(ctx, &order)?;
    images.retain(|_, i| !i.attrs.is_empty());
    if images.is_empty() {
        docs.error("Could not get xCAT osimage definitions.\n");
        return Ok(None);
    }
    if let Some(cd) = attrs.get("configdump") {
        if !write_configdump(ctx, &images, cd)? {
            docs.error("Could not update xCAT osimage definitions.\n");
            return Ok(None);
        }
        for img in images.values_mut() {
            img.attrs.insert("configdump".into(), cd.clone());
        }
    }
    for img in images.values_mut() {
        apply_overrides(img, attrs);
    }
    if attrs.contains_key("configdump") {
        let bad: Vec<&str> = images
            .values()
            .filter(|i| i.get("dump").is_none())
            .map(|i| i.name.as_str())
            .collect();
        if !bad.is_empty() {
            docs.error(format!("{}: No 'dump' resource is defined for the osimage '{}', but the attribute 'configdump' is specified. \n", ctx.server.short_host, bad.join(",")));
            return Ok(None);
        }
    }
    let types: BTreeSet<String> = types.into_iter().collect();
    let names: BTreeSet<String> = names.into_iter().collect();
    let res = resources(nim, nimprime, &images, &types, &names, docs);
    Ok(res.map(|r| (images, r)))
}

/// The names of a plain listing (`| cut -f1 -d' '`), `None` when it failed.
fn first_words(ran: crate::nim::cmd::Ran) -> Option<Vec<String>> {
    ran.ok()
        .then(|| crate::nim::parse::first_words(&ran.out.stdout))
}

/// `nimimage.configdump` of every image, in one transaction.
fn write_configdump(
    ctx: &Ctx,
    images: &BTreeMap<String, Image>,
    value: &str,
) -> Result<bool, HandlerError> {
    let reqs: Vec<write::WriteReq> = images
        .keys()
        .map(|name| write::WriteReq {
            name: name.clone(),
            type_name: "osimage".into(),
            attrs: [("configdump".to_string(), value.to_string())].into(),
        })
        .collect();
    Ok(load::write_objects(ctx, &reqs)?.is_ok())
}

/// Stock step 14: every resource an image names, defined on nimprime, with
/// its location (`lsnim -a location -Z`) and attributes (`lsnim -l`).
fn resources(
    nim: &Nim,
    nimprime: &str,
    images: &BTreeMap<String, Image>,
    types: &BTreeSet<String>,
    names: &BTreeSet<String>,
    docs: &mut Docs,
) -> Option<Resources> {
    let mut res = Resources::default();
    for img in images.values() {
        for (ty, name) in img.resources() {
            if !types.contains(ty) || res.locations.contains_key(&name) {
                continue;
            }
            if let Err(e) = validate::nim_name(&img.name, ty, &name) {
                docs.error(format!("{e}\n"));
                return None;
            }
            if !names.contains(&name) {
                docs.error(format!(
                    "NIM resource {name} is not defined on {nimprime}.\n"
                ));
                return None;
            }
            let loc = nim
                .attr_fields("location", &name)
                .ok()
                .and_then(|f| f.first().cloned())
                .unwrap_or_default();
            res.locations.insert(name.clone(), loc);
            if let Ok(Some(st)) = nim.stanza(&name) {
                res.attrs
                    .insert(name.clone(), st.attrs.into_iter().collect());
            }
        }
    }
    Some(res)
}

/// What the nimprime steps work with.
struct PrimeJob<'a> {
    opts: &'a Options,
    attrs: &'a BTreeMap<String, String>,
    world: &'a World,
    images: &'a BTreeMap<String, Image>,
    osi: &'a BTreeMap<String, String>,
    resources: &'a Resources,
}

/// Stock steps 15-17: the SPOT update and shared_root re-sync on nimprime
/// and the copies to the service nodes (mncopy's `nim::prime`), stock's
/// `checkCredFiles`; `false` ends the command with `Return=1.`.
fn prime_steps(
    h: &Mkdsklsnode,
    ctx: &Ctx,
    target: Target,
    job: &PrimeJob,
    docs: &mut Docs,
) -> Result<bool, HandlerError> {
    let site = &job.world.site;
    let mut prime = prime::Prime::new(ctx.runner.as_ref(), &h.nim, target);
    prime.install_dir = site.installdir.clone();
    let mut reply = Reply::new(&mut docs.0, job.opts.verbose);
    for img in job.images.values() {
        let nodes: Vec<String> = job
            .osi
            .iter()
            .filter(|(_, i)| **i == img.name)
            .map(|(n, _)| n.clone())
            .collect();
        let spot = prime::SpotRequest {
            image: img,
            nodes: &nodes,
            sharedinstall: &site.sharedinstall,
            nfsv4: site.nfsv4,
            db: &ctx.db,
        };
        let image_job = prime::ImageJob {
            spot,
            skip_sync: job.opts.skipsync,
            resources: job.resources,
        };
        if !prime::prepare_diskless_image(&prime, &image_job, &mut reply)? {
            return Ok(false);
        }
    }
    // Stock `checkCredFiles` (aixinstall.pm:9000): its messages are [info].
    let installdir = std::path::Path::new(&site.installdir);
    for m in crate::credfiles::check(installdir, &ctx.server.confdir) {
        reply.info(m)?;
    }
    if site.sharedinstall == "sns" {
        if !step_sfs_copy(ctx, &prime, job, &mut reply)? {
            reply.error("Could not copy NIM resources to the shared file system.\n")?;
            return Ok(false);
        }
        if !define_sn_resources(h, ctx, job, &mut reply)? {
            reply.error("Could not define NIM resources on service nodes.\n")?;
            return Ok(false);
        }
    } else if !job.opts.defonly && !copy_to_sns(ctx, &prime, job, &mut reply)? {
        reply.error("Could not copy NIM resources to the xCAT service nodes.\n")?;
        return Ok(false);
    }
    Ok(true)
}

/// Service node → its nodes under the `-p` / `-b` type (stock
/// `getSNformattedhash`).
fn per_sn(ctx: &Ctx, job: &PrimeJob) -> Result<BTreeMap<String, Vec<String>>, HandlerError> {
    let nodes: Vec<String> = job.osi.keys().cloned().collect();
    let by_raw = ctx.db.read(|conn| {
        let inherit = ctx.inherit_ctx(conn)?;
        hierarchy::service_nodes(conn, &inherit, &nodes, hierarchy::SnColumn::ServiceNode)
    })?;
    Ok(hierarchy::per_service_node(&by_raw, job.opts.sn_type()))
}

/// `defSNres` (aixinstall.pm:9846-10656, `sharedinstall=sns`): snssnmove's `nim::sns`
/// defines the resources on every service node from here.
fn define_sn_resources(
    h: &Mkdsklsnode,
    ctx: &Ctx,
    job: &PrimeJob,
    reply: &mut Reply,
) -> Result<bool, HandlerError> {
    let sn_nodes = per_sn(ctx, job)?;
    let node_image: BTreeMap<String, Image> = job
        .osi
        .iter()
        .filter_map(|(n, i)| Some((n.clone(), job.images.get(i)?.clone())))
        .collect();
    let nets: BTreeMap<String, crate::nim::model::NodeNet> = job
        .world
        .nodes
        .iter()
        .filter_map(|n| {
            let net = load::network_of(load::address(n)?, &job.world.networks)?;
            Some((n.name.clone(), net))
        })
        .collect();
    let site = &job.world.site;
    let p = sns::define::DefSnRes {
        runner: ctx.runner.as_ref(),
        cfg: &h.nim,
        this_host: &ctx.server.short_host,
        nfsv4: site.nfsv4,
        domain: site.domain.as_deref(),
        installdir: &site.installdir,
        attrs: job.attrs,
        resources: job.resources,
        nfs_restart_pause: std::time::Duration::from_secs(2),
    };
    Ok(sns::define::def_sn_res(
        &p,
        &sn_nodes,
        &node_image,
        &nets,
        reply,
    )?)
}

/// `doSNcopy2` (aixinstall.pm:9656-9827): what each service node's images need, copied by
/// `nim::prime` (this host and the management node left out).
fn copy_to_sns(
    ctx: &Ctx,
    prime: &prime::Prime,
    job: &PrimeJob,
    reply: &mut Reply,
) -> Result<bool, HandlerError> {
    let per_sn = per_sn(ctx, job)?;
    let service_nodes = prime::images_per_service_node(&per_sn, job.osi);
    let mut this_host = vec![ctx.server.short_host.clone()];
    this_host.extend(job.world.site.master.clone());
    let req = prime::CopyRequest {
        service_nodes: &service_nodes,
        this_host: &this_host,
        images: job.images,
        resources: job.resources,
    };
    Ok(prime::copy_to_service_nodes(prime, &req, reply)?)
}

/// `doSFScopy` (aixinstall.pm:9009-9017, 10656-10974): `nim::sns` copies
/// to the shared file system through one service node of the nodes (this
/// host and nodes without one left out, as stock's `is_me` filter), each
/// resource with `nim::prime`'s `copyres2`.
fn step_sfs_copy(
    ctx: &Ctx,
    prime: &prime::Prime,
    job: &PrimeJob,
    reply: &mut Reply,
) -> Result<bool, HandlerError> {
    let me = ctx.server.short_host.as_str();
    let sns: Vec<String> = per_sn(ctx, job)?
        .into_keys()
        .filter(|sn| !sn.is_empty() && machine::short_name(sn) != me)
        .collect();
    let site = &job.world.site;
    let p = sns::copy::SfsCopy {
        runner: prime.runner,
        cfg: prime.cfg,
        this_host: me,
        nimprime: site.nimprime.as_deref().unwrap_or_default(),
        installdir: &site.installdir,
        resources: job.resources,
    };
    let images: Vec<Image> = job.images.values().cloned().collect();
    let mut copyres = |j: &sns::copy::CopyJob, reply: &mut Reply| {
        let copy = prime::copy::PlannedCopy {
            name: j.res.clone(),
            restype: j.restype.clone(),
            location: j.location.clone(),
            service_nodes: j.sns.clone(),
        };
        prime::copy::copy_resource(prime, &copy, reply)
    };
    Ok(sns::copy::do_sfs_copy(
        &p,
        &sns,
        &sns,
        &images,
        &mut copyres,
        reply,
    )?)
}
