//! `doSFScopy` (xCAT-server/lib/xcat/plugins/aixinstall.pm:10656-10974):
//! with `sharedinstall=sns` the mkdsklsnode preprocess copies files to the
//! shared file system through ONE service node: `/etc/hosts` to every
//! service node of the nodes, then to the target service node (the first
//! one that is not this server) the postscripts, the prescripts (when
//! nimprime has them) and the NIM resources of the nodes' osimages —
//! except dump and paging, the lpp_source of non-standalone images, and any
//! resource allocated on ANY server of the cluster (`alloc_count` from
//! `lsnim` on each).  An allocated shared_root still gets its statelite
//! files.  The resource copy itself (space check, prsync) is `copyres2`,
//! passed in.
//!
//! Copies run with rsync (stock: `xdcp` / `prsync`); a resource named by
//! two osimages is copied once; the lpp_source rule applies per osimage.

use super::super::cmd::{Nim, NimConfig};
use super::super::model::{Image, Reply, Resources, RESOURCE_TYPES};
use super::super::validate;
use super::statelite::copy_statelite_files;
use super::{target_for, COPY_TIMEOUT, RSYNC, RSYNC_OPTS};
use crate::api::Aborted;
use crate::runner::{run_each, Cmd, Runner, Target};
use std::collections::BTreeSet;

/// The resource types that are copied (aixinstall.pm:10858).
pub const COPIED_TYPES: &[&str] = &[
    "mksysb",
    "resolv_conf",
    "script",
    "installp_bundle",
    "bosinst_data",
    "lpp_source",
    "spot",
    "image_data",
    "root",
    "shared_root",
    "shared_home",
];

/// One `copyres2` call: copy `res` (of `restype`, at `location` on
/// nimprime) to `sns`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyJob {
    pub res: String,
    pub restype: String,
    pub location: String,
    pub sns: Vec<String>,
}

/// `copyres2` (aixinstall.pm:9452-9634, built in `nim::prime`): `true` when the copy worked
/// (it reports its own messages).
pub type CopyRes<'a> = &'a mut dyn FnMut(&CopyJob, &mut Reply) -> Result<bool, Aborted>;

/// What doSFScopy needs.
pub struct SfsCopy<'a> {
    pub runner: &'a dyn Runner,
    pub cfg: &'a NimConfig,
    /// This server's short name.
    pub this_host: &'a str,
    /// nimprime (where the resources and scripts are).
    pub nimprime: &'a str,
    pub installdir: &'a str,
    /// Locations of the resources on nimprime (`lochash`).
    pub resources: &'a Resources,
}

/// doSFScopy.  `sns`: the service nodes of the nodes (per the `-p`/`-b`
/// type); `all_servers`: every server of the cluster (service nodes and
/// the management node) whose allocations count; `images`: the nodes'
/// osimages.  Returns whether everything was copied (errors reported).
pub fn do_sfs_copy(
    p: &SfsCopy,
    sns: &[String],
    all_servers: &[String],
    images: &[Image],
    copyres: CopyRes,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    let sn_list: Vec<&String> = sns
        .iter()
        .filter(|s| target_for(s, p.this_host) != Target::Local)
        .collect();
    let Some(target) = sn_list.first().map(|s| s.to_string()) else {
        return Ok(true);
    };
    for sn in &sn_list {
        if let Err(e) = validate::host_name(sn, "servicenode", sn) {
            reply.error(format!("{e}\n"))?;
            return Ok(false);
        }
    }
    if let Err(e) = validate::path("site", "installdir", p.installdir) {
        reply.error(format!("{e}\n"))?;
        return Ok(false);
    }
    if let Err(e) = crate::runner::validate_host(p.nimprime) {
        reply.error(format!("site.nimprime: {e}.\n"))?;
        return Ok(false);
    }
    let before = reply.errors;
    copy_hosts(p.runner, p.cfg, &sn_list, reply)?;
    copy_scripts(p, &target, reply)?;
    let (dont_copy, allocated) = dont_copy(p, all_servers, images, reply)?;
    let mut done: BTreeSet<String> = BTreeSet::new();
    for image in images {
        for (ty, res) in image.resources() {
            if matches!(ty, "dump" | "paging") || !done.insert(res.clone()) {
                continue;
            }
            // The lpp_source rule is the image's own: stock's one skip list
            // also kept a standalone image's lpp_source from being copied
            // when a diskless image named it too.
            let lpp_not_needed = ty == "lpp_source" && image.nimtype() != "standalone";
            if lpp_not_needed {
                done.remove(&res);
                continue;
            }
            if !dont_copy.contains(&res) && COPIED_TYPES.contains(&ty) {
                let location = p.resources.locations.get(&res).cloned().unwrap_or_default();
                if let Err(e) = validate::nim_name(&image.name, ty, &res)
                    .and_then(|_| validate::path(&res, "location", &location))
                {
                    reply.error(format!("{e}\n"))?;
                    continue;
                }
                let job = CopyJob {
                    res: res.clone(),
                    restype: ty.to_string(),
                    location,
                    sns: vec![target.clone()],
                };
                if !copyres(&job, reply)? {
                    reply.error(format!("Could not copy NIM resource {res}.\n"))?;
                }
            }
            if ty == "shared_root" && allocated.contains(&res) {
                reply.info(format!(
                    "Copying xCAT statelite files to service node {target}.\n"
                ))?;
                let loc = p.resources.locations.get(&res).cloned().unwrap_or_default();
                let prime = target_for(p.nimprime, p.this_host);
                copy_statelite_files(p.runner, &prime, &res, &loc, &target, reply)?;
            }
        }
    }
    if reply.errors > before {
        reply.error(format!(
            "One or more errors occured while attempting to copy files to {target}.\n"
        ))?;
        return Ok(false);
    }
    Ok(true)
}

/// `/etc/hosts` of this server to every service node (stock: `xdcp <sns>
/// /etc/hosts /etc`); rsync at `cfg`'s path for it.
pub fn copy_hosts(
    runner: &dyn Runner,
    cfg: &NimConfig,
    sns: &[&String],
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    let jobs: Vec<(Target, Cmd)> = sns
        .iter()
        .map(|sn| {
            let dest = format!("{sn}:/etc/");
            (
                Target::Local,
                Cmd::new(
                    &cfg.program(RSYNC),
                    [RSYNC_OPTS, "/etc/hosts", dest.as_str()],
                ),
            )
        })
        .collect();
    let ok = run_each(runner, &jobs, 16, COPY_TIMEOUT)
        .iter()
        .all(|o| o.ok());
    if !ok {
        reply.error("Could not copy /etc/hosts to service nodes.\n")?;
    }
    Ok(ok)
}

/// `<installdir>/postscripts`, and `prescripts` when nimprime has it, from
/// nimprime to the target service node.
fn copy_scripts(p: &SfsCopy, target: &str, reply: &mut Reply) -> Result<(), Aborted> {
    let prime = target_for(p.nimprime, p.this_host);
    let dest = format!("{target}:{}", p.installdir);
    for dir in ["postscripts", "prescripts"] {
        let src = format!("{}/{dir}", p.installdir);
        if dir == "prescripts" {
            let ls = Cmd::new(&p.cfg.program("/usr/bin/ls"), [src.as_str()]);
            if !p.runner.run(&prime, &ls, COPY_TIMEOUT).ok() {
                continue;
            }
        }
        let cmd = Cmd::new(
            &p.cfg.program(RSYNC),
            [RSYNC_OPTS, src.as_str(), dest.as_str()],
        );
        if !p.runner.run(&prime, &cmd, COPY_TIMEOUT).ok() {
            reply.error(format!("Could not copy {src} to {target}.\n"))?;
        }
    }
    Ok(())
}

/// The resources not to copy, and the ones of them allocated somewhere:
/// dump and paging, lpp_source of non-standalone images, and every
/// resource with a non-zero `alloc_count` on any server (checked on each,
/// in order; reported once).
fn dont_copy(
    p: &SfsCopy,
    servers: &[String],
    images: &[Image],
    reply: &mut Reply,
) -> Result<(BTreeSet<String>, BTreeSet<String>), Aborted> {
    let mut skip = BTreeSet::new();
    let mut allocated = BTreeSet::new();
    for server in servers {
        if validate::host_name(server, "servicenode", server).is_err() {
            continue;
        }
        let nim = Nim::new(p.runner, target_for(server, p.this_host), p.cfg);
        for image in images {
            for (ty, res) in image.resources() {
                if matches!(ty, "dump" | "paging") {
                    skip.insert(res);
                    continue;
                }
                if ty == "lpp_source" && image.nimtype() != "standalone" {
                    continue;
                }
                if skip.contains(&res) || !RESOURCE_TYPES.contains(&ty) {
                    continue;
                }
                if validate::nim_name(&image.name, ty, &res).is_err() {
                    continue;
                }
                let count = nim
                    .attr_fields("alloc_count", &res)
                    .ok()
                    .and_then(|f| f.first().and_then(|c| c.trim().parse::<u64>().ok()));
                if count.is_some_and(|c| c != 0) {
                    reply.info(format!(
                        "NIM resource {res} is currently allocated on service node {server} and will not be re-copied to the service nodes.\n"
                    ))?;
                    if ty == "shared_root" && image.nimtype() != "standalone" {
                        allocated.insert(res.clone());
                    }
                    skip.insert(res);
                }
            }
        }
    }
    Ok((skip, allocated))
}
