//! The end of stock `prenimnodeset` on nimprime (xCAT-server/lib/xcat/plugins/aixinstall.pm:8891-9045):
//! the SPOT update of non-standalone images, `checkCredFiles`, then what the
//! service nodes need: the copies of the image resources (`doSNcopy2`,
//! `nim::prime`'s copies with the df / chfs space check; not with `-d`) or,
//! with `sharedinstall=sns`, `doSFScopy` and `defSNres` (`nim::sns`).

use super::super::machine;
use super::super::mkdsklsnode::load::{self, World};
use super::super::model::{Image, NodeNet, Reply, Resources};
use super::super::prime;
use super::super::sns;
use super::{nimprime_target, Args, Docs};
use crate::api::{Ctx, HandlerError};
use crate::hierarchy;
use std::collections::BTreeMap;

/// What the nimprime steps work with.
pub struct PrimeJob<'a> {
    pub args: &'a Args<'a>,
    pub world: &'a World,
    pub images: &'a BTreeMap<String, Image>,
    /// Node → its osimage.
    pub osi: &'a BTreeMap<String, String>,
    pub resources: &'a Resources,
}

/// Stock steps 15-17: the SPOT update and shared_root re-sync on nimprime
/// and the copies to the service nodes, stock's `checkCredFiles`; `false`
/// ends the command with `Return=1.`.
pub fn prime_steps(ctx: &Ctx, job: &PrimeJob, docs: &mut Docs) -> Result<bool, HandlerError> {
    let (a, site) = (job.args, &job.world.site);
    let target = nimprime_target(ctx, a.nimprime);
    let mut prime = prime::Prime::new(ctx.runner.as_ref(), a.cfg, target, a.nimprime);
    prime.install_dir = site.installdir.clone();
    let mut reply = Reply::new(&mut docs.0, a.verbose);
    if !a.standalone && !update_spots(ctx, &prime, job, &mut reply)? {
        return Ok(false);
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
        if !define_sn_resources(ctx, job, &mut reply)? {
            reply.error("Could not define NIM resources on service nodes.\n")?;
            return Ok(false);
        }
    } else if !a.defonly && !copy_to_sns(ctx, &prime, job, &mut reply)? {
        reply.error("Could not copy NIM resources to the xCAT service nodes.\n")?;
        return Ok(false);
    }
    Ok(true)
}

/// aixinstall.pm:8891-8990: each non-standalone image's SPOT updated (and
/// its shared_root re-synchronised) by `nim::prime`.
fn update_spots(
    ctx: &Ctx,
    prime: &prime::Prime,
    job: &PrimeJob,
    reply: &mut Reply,
) -> Result<bool, HandlerError> {
    let site = &job.world.site;
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
            skip_sync: job.args.skip_sync,
            resources: job.resources,
        };
        if !prime::prepare_diskless_image(prime, &image_job, reply)? {
            return Ok(false);
        }
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
    Ok(hierarchy::per_service_node(&by_raw, job.args.sn_type))
}

/// `defSNres` (aixinstall.pm:9846-10656, `sharedinstall=sns`): snssnmove's `nim::sns`
/// defines the resources on every service node from here.
fn define_sn_resources(ctx: &Ctx, job: &PrimeJob, reply: &mut Reply) -> Result<bool, HandlerError> {
    let sn_nodes = per_sn(ctx, job)?;
    let node_image: BTreeMap<String, Image> = job
        .osi
        .iter()
        .filter_map(|(n, i)| Some((n.clone(), job.images.get(i)?.clone())))
        .collect();
    let nets: BTreeMap<String, NodeNet> = job
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
        cfg: job.args.cfg,
        this_host: &ctx.server.short_host,
        nfsv4: site.nfsv4,
        domain: site.domain.as_deref(),
        installdir: &site.installdir,
        attrs: job.args.attrs,
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
