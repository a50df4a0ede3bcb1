//! Copying NIM resources to the service nodes before they define them
//! (`doSNcopy2` / `copyres2`, xCAT-server/lib/xcat/plugins/aixinstall.pm:9452-9827):
//! `/etc/hosts` and the postscripts, then per service node the resources
//! its images name that its NIM does not have yet (mksysb, resolv_conf,
//! script, installp_bundle, bosinst_data, image_data, spot, and lpp_source
//! for standalone images), each after the `df` / `chfs` space check.
//!
//! Stock copies with `xdcp` and `prsync`; we run rsync over ssh through the
//! Runner (the same `-rlHpEAogDz` options prsync passes).  Service nodes are
//! worked on in parallel (bounded); messages come in service-node order.

use super::super::cmd::{self, Ran};
use super::super::model::{Image, Reply, Resources};
use super::super::validate;
use super::files::rsync_safe;
use super::space::{self, FsSpace};
use super::{dirname, Prime};
use crate::api::Aborted;
use crate::runner::{run_each, Cmd, Target};
use std::collections::{BTreeMap, BTreeSet};

/// The resource types copied (stock `@dorestypes`).
const COPIED_TYPES: &[&str] = &[
    "mksysb",
    "resolv_conf",
    "script",
    "installp_bundle",
    "bosinst_data",
    "lpp_source",
    "spot",
    "image_data",
];

/// What to copy where.
pub struct CopyRequest<'r> {
    /// Each service node → the osimages its nodes use (stock
    /// `getSNformattedhash` with the nodes' osimages).
    pub service_nodes: &'r BTreeMap<String, BTreeSet<String>>,
    /// The names this host goes by: such service nodes are left out (stock `is_me`).
    pub this_host: &'r [String],
    pub images: &'r BTreeMap<String, Image>,
    /// The resources' locations on nimprime (`lochash`).
    pub resources: &'r Resources,
}

/// One resource to copy and the service nodes that need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCopy {
    pub name: String,
    pub restype: String,
    pub location: String,
    pub service_nodes: Vec<String>,
}

/// Service node → the osimages of its nodes, from the per-SN node lists
/// (`hierarchy::per_service_node`) and each node's osimage.
pub fn images_per_service_node(
    per_sn: &BTreeMap<String, Vec<String>>,
    node_image: &BTreeMap<String, String>,
) -> BTreeMap<String, BTreeSet<String>> {
    per_sn
        .iter()
        .map(|(sn, nodes)| {
            let images = nodes
                .iter()
                .filter_map(|n| node_image.get(n).cloned())
                .collect();
            (sn.clone(), images)
        })
        .collect()
}

/// Which resources go to which service nodes, given what each already
/// defines (`lsnim -c resources` there); resources in name order (stock:
/// hash order), service nodes in name order.
pub fn plan(req: &CopyRequest, defined: &BTreeMap<String, BTreeSet<String>>) -> Vec<PlannedCopy> {
    let mut by_res: BTreeMap<String, PlannedCopy> = BTreeMap::new();
    for (sn, have) in defined {
        let Some(image_names) = req.service_nodes.get(sn) else {
            continue;
        };
        for image in image_names.iter().filter_map(|i| req.images.get(i)) {
            for (restype, res) in image.resources() {
                let wanted = COPIED_TYPES.contains(&restype)
                    && (restype != "lpp_source" || image.nimtype() == "standalone");
                if !wanted || have.contains(&res) {
                    continue;
                }
                let entry = by_res.entry(res.clone()).or_insert_with(|| PlannedCopy {
                    name: res.clone(),
                    restype: restype.to_string(),
                    location: req
                        .resources
                        .locations
                        .get(&res)
                        .cloned()
                        .unwrap_or_default(),
                    service_nodes: Vec::new(),
                });
                if !entry.service_nodes.contains(sn) {
                    entry.service_nodes.push(sn.clone());
                }
            }
        }
    }
    by_res.into_values().collect()
}

/// aixinstall.pm:9005-9045 (`sharedinstall` ≠ `sns`, without `-d`): copy what the
/// service nodes need.  `Ok(false)` after the error messages; the caller
/// then adds "Could not copy NIM resources to the xCAT service nodes.".
pub fn copy_to_service_nodes(
    p: &Prime,
    req: &CopyRequest,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    let mut sns: Vec<String> = Vec::new();
    for sn in req.service_nodes.keys() {
        if req.this_host.contains(sn) {
            continue;
        }
        if let Err(e) = validate::host_name(sn, "servicenode", sn) {
            reply.error(format!("{e}\n"))?;
            return Ok(false);
        }
        sns.push(sn.clone());
    }
    if sns.is_empty() {
        return Ok(true);
    }
    copy_common_files(p, &sns, reply)?;
    let Some(defined) = defined_resources(p, &sns, reply)? else {
        return Ok(false);
    };
    for copy in plan(req, &defined) {
        if !copy_resource(p, &copy, reply)? {
            reply.error("Could not copy NIM resources to the service nodes.")?;
            return Ok(false);
        }
    }
    Ok(true)
}

/// One command per job, in parallel; the runs in job order.
fn fan(p: &Prime, jobs: &[(Target, &str, Vec<String>)]) -> Vec<Ran> {
    fan_within(p, jobs, p.timeout())
}

/// [`fan`] with its own bound per command.
fn fan_within(
    p: &Prime,
    jobs: &[(Target, &str, Vec<String>)],
    timeout: std::time::Duration,
) -> Vec<Ran> {
    let cmds: Vec<(Target, Cmd)> = jobs
        .iter()
        .map(|(t, prog, args)| (t.clone(), Cmd::new(&p.cfg.program(prog), args.clone())))
        .collect();
    let outs = run_each(p.runner, &cmds, p.parallelism, timeout);
    jobs.iter()
        .zip(outs)
        .map(|((_, prog, args), out)| Ran {
            line: Cmd::new(prog, args.clone()).to_shell_line(),
            out,
        })
        .collect()
}

/// `/etc/hosts` and `<installdir>/postscripts` to every service node
/// (failures are reported and the copy goes on, as in stock).
fn copy_common_files(p: &Prime, sns: &[String], reply: &mut Reply) -> Result<(), Aborted> {
    let post = format!("{}/postscripts", p.install_dir.trim_end_matches('/'));
    let hosts: Vec<_> = sns
        .iter()
        .map(|sn| {
            let args = vec![
                "-pt".into(),
                "/etc/hosts".into(),
                format!("{sn}:/etc/hosts"),
            ];
            (Target::Local, cmd::RSYNC, args)
        })
        .collect();
    if fan(p, &hosts).iter().any(|r| !r.ok()) {
        reply.error("Could not copy /etc/hosts to service nodes.\n")?;
    }
    let Ok(post_dir) = rsync_safe(&post) else {
        return reply.error(format!("Could not copy {post} to service nodes.\n"));
    };
    let scripts: Vec<_> = sns
        .iter()
        .map(|sn| {
            let args = vec![
                "-rlpt".into(),
                format!("{post_dir}/"),
                format!("{sn}:{post_dir}"),
            ];
            (Target::Local, cmd::RSYNC, args)
        })
        .collect();
    if fan(p, &scripts).iter().any(|r| !r.ok()) {
        reply.error(format!("Could not copy {post} to service nodes.\n"))?;
    }
    Ok(())
}

/// `lsnim -c resources` on every service node; `None` after the error.
fn defined_resources(
    p: &Prime,
    sns: &[String],
    reply: &mut Reply,
) -> Result<Option<BTreeMap<String, BTreeSet<String>>>, Aborted> {
    let jobs: Vec<_> = sns
        .iter()
        .map(|sn| {
            let args = vec!["-c".into(), "resources".into()];
            (Target::Host(sn.clone()), cmd::LSNIM, args)
        })
        .collect();
    let mut defined = BTreeMap::new();
    for (sn, r) in sns.iter().zip(fan(p, &jobs)) {
        if !r.ok() {
            reply.error(format!("Could not get NIM resource definitions from {sn}."))?;
            return Ok(None);
        }
        let names = super::super::parse::first_words(&r.out.stdout);
        defined.insert(sn.clone(), names.into_iter().collect());
    }
    Ok(Some(defined))
}

/// `copyres2` for one resource (also `doSFScopy`'s copy, `nim::sns::copy`).
pub fn copy_resource(p: &Prime, copy: &PlannedCopy, reply: &mut Reply) -> Result<bool, Aborted> {
    let checked = validate::nim_name(&copy.name, &copy.restype, &copy.name)
        .map(drop)
        .and_then(|()| validate::path(&copy.name, "location", &copy.location).map(drop));
    if let Err(e) = checked {
        reply.error(format!("{e}\n"))?;
        reply.error(format!(
            "Could not copy NIM resource {} to service nodes.\n",
            copy.name
        ))?;
        return Ok(false);
    }
    let dir = if copy.restype == "lpp_source" {
        copy.location.clone()
    } else {
        dirname(&copy.location)
    };
    let sns = &copy.service_nodes;
    let mkdirs: Vec<_> = sns
        .iter()
        .map(|sn| {
            let args = vec!["-m".into(), "644".into(), "-p".into(), dir.clone()];
            (Target::Host(sn.clone()), cmd::MKDIR, args)
        })
        .collect();
    let failed: Vec<Ran> = fan(p, &mkdirs).into_iter().filter(|r| !r.ok()).collect();
    if !failed.is_empty() {
        reply.error(format!("Could not create {dir} on service nodes.\n"))?;
        for r in failed {
            reply.verbose(format!("{}\n", r.text()))?;
        }
        return Ok(false);
    }
    if !make_room(p, copy, &dir, reply)? {
        return Ok(false);
    }
    reply.verbose(format!(
        "Copying NIM resource {} to service nodes.\n",
        copy.name
    ))?;
    let (src, dest) = source_and_destination(copy);
    let rsyncs: Vec<_> = sns
        .iter()
        .map(|sn| {
            let args = vec!["-rlHpEAogDz".into(), src.clone(), format!("{sn}:{dest}")];
            (p.target.clone(), cmd::RSYNC, args)
        })
        .collect();
    let unsafe_path = rsync_safe(&dest).is_err();
    if unsafe_path
        || fan_within(p, &rsyncs, p.copy_timeout)
            .iter()
            .any(|r| !r.ok())
    {
        reply.error(format!(
            "Could not copy NIM resource {} to service nodes.\n",
            copy.name
        ))?;
        return Ok(false);
    }
    Ok(true)
}

/// What is copied and into which directory: an lpp_source directory into
/// its parent; a SPOT's directory (the one holding `usr`) into its parent;
/// any other resource file into its directory.
fn source_and_destination(copy: &PlannedCopy) -> (String, String) {
    match copy.restype.as_str() {
        "lpp_source" => (copy.location.clone(), dirname(&copy.location)),
        "spot" => {
            let top = dirname(&copy.location);
            let parent = dirname(&top);
            (top, parent)
        }
        _ => (copy.location.clone(), dirname(&copy.location)),
    }
}

/// The size on nimprime, then per service node `df -m` and, when short,
/// `chfs -a size=+<n>M`.  With `-V` each of them is shown as `Running
/// command on <host>: <cmd>` (stock runs the three through `runcmd`,
/// aixinstall.pm:9504, 9523, 9561), naming the host it ran on.
fn make_room(p: &Prime, copy: &PlannedCopy, dir: &str, reply: &mut Reply) -> Result<bool, Aborted> {
    let du = p.nim().run(cmd::DU, &["-sm", dir]);
    reply.ran(&p.name, &du.line)?;
    let Some(size) = du.ok().then(|| space::parse_du(&du.out.stdout)).flatten() else {
        reply.error(format!("Could not run: '{}'\n", du.line))?;
        reply.verbose(du.text())?;
        return Ok(false);
    };
    let need = space::need_mb(&copy.restype, size);
    let dfs: Vec<_> = copy
        .service_nodes
        .iter()
        .map(|sn| {
            let args = vec!["-m".into(), dir.to_string()];
            (Target::Host(sn.clone()), cmd::DF, args)
        })
        .collect();
    let mut grow = Vec::new();
    for (sn, r) in copy.service_nodes.iter().zip(fan(p, &dfs)) {
        reply.ran(sn, &r.line)?;
        let parsed: Option<FsSpace> = r.ok().then(|| space::parse_df(&r.out.stdout)).flatten();
        let Some(fs) = parsed else {
            reply.error(format!("Could not run: '{}' on {sn}.\n", r.line))?;
            reply.verbose(r.text())?;
            return Ok(false);
        };
        if let Some(add) = space::grow_by(need, &fs) {
            let args = vec!["-a".into(), format!("size=+{add}M"), fs.mount.clone()];
            grow.push((Target::Host(sn.clone()), cmd::CHFS, args));
        }
    }
    for ((target, _, _), r) in grow.iter().zip(fan(p, &grow)) {
        reply.ran(&target.to_string(), &r.line)?;
        if !r.ok() {
            reply.error(format!("Could not run: '{}' on {target}.\n", r.line))?;
            reply.verbose(r.text())?;
            return Ok(false);
        }
    }
    Ok(true)
}
