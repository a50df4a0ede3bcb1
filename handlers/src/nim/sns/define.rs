//! `defSNres` / `define_SN_resource`
//! (xCAT-server/lib/xcat/plugins/aixinstall.pm:9846-10656): with
//! `sharedinstall=sns` the management node defines the NIM resources of the
//! nodes' osimages on every service node (other than itself) over ssh, in
//! the mkdsklsnode preprocess: NIM configured if needed, the NFSv4 domain,
//! the NIM networks (`nim::resources::check_nim_networks`), then each
//! resource not yet defined there (the location, attribute and argument
//! rule of `nim::resources::define`, the one of `make_SN_resource`) — lpp_source first, spot second, the rest in
//! [`RESOURCE_TYPES`] order (stock: hash order) — and a final `nim -Fo check`
//! of the SPOT.
//!
//! Differences from stock, deliberate: the resource types are asked of the
//! service node (stock asked the management node's NIM); the shared_root
//! directory is moved aside only when it exists on the service node (stock
//! tested the path on the management node); a failed dump or directory
//! resource is reported (stock skipped it silently, leaving a moved-aside
//! shared_root at `<dir>.bak`); attributes are sorted.

use super::super::cmd::{Nim, NimConfig, NIM, NIM_MASTER_SETUP};
use super::super::model::{Image, NodeNet, Reply, Resources, RESOURCE_TYPES};
use super::super::resources::check_nim_networks;
use super::super::resources::define as rdef;
use super::super::validate;
use super::target_for;
use crate::api::Aborted;
use crate::runner::Runner;
use std::collections::BTreeMap;
use std::time::Duration;

pub const CHNFSDOM: &str = super::super::cmd::CHNFSDOM;
pub const STOPSRC: &str = super::super::cmd::STOPSRC;
pub const STARTSRC: &str = super::super::cmd::STARTSRC;
pub const SYNC: &str = "/usr/sbin/sync";
pub const MVDIR: &str = super::super::cmd::MVDIR;
pub const RM: &str = super::super::cmd::RM;
pub const TEST: &str = "/usr/bin/test";

/// What every service node's definitions need.
pub struct DefSnRes<'a> {
    pub runner: &'a dyn Runner,
    pub cfg: &'a NimConfig,
    /// This server's short name: it is never a target.
    pub this_host: &'a str,
    /// `site.useNFSv4onAIX`.
    pub nfsv4: bool,
    /// `site.domain` (the NFSv4 domain).
    pub domain: Option<&'a str>,
    /// `installdir` (default locations).
    pub installdir: &'a str,
    /// Command-line `attr=val` pairs.
    pub attrs: &'a BTreeMap<String, String>,
    /// Locations and attributes of the resources on nimprime.
    pub resources: &'a Resources,
    /// Pause between `stopsrc -g nfs` and `startsrc -g nfs` (stock: 2 s).
    pub nfs_restart_pause: Duration,
}

/// defSNres: `sn_nodes` are the service nodes and their nodes (from the
/// hierarchy split), `images` the osimage of each node.  Returns whether
/// every service node went through (errors were reported).
pub fn def_sn_res(
    p: &DefSnRes,
    sn_nodes: &BTreeMap<String, Vec<String>>,
    node_image: &BTreeMap<String, Image>,
    nets: &BTreeMap<String, NodeNet>,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    let remote = sn_nodes
        .keys()
        .any(|sn| target_for(sn, p.this_host) != crate::runner::Target::Local);
    if remote && nets.is_empty() {
        // Stock's text, its line break included (aixinstall.pm:9907).
        reply.error("Could not get xCAT network definitions for one or\n more nodes.\n")?;
        return Ok(false);
    }
    let mut ok = true;
    for (sn, nodes) in sn_nodes {
        if target_for(sn, p.this_host) == crate::runner::Target::Local {
            continue;
        }
        if let Err(e) = validate::host_name(sn, "servicenode", sn) {
            reply.error(format!("{e}\n"))?;
            ok = false;
            continue;
        }
        let mut images: Vec<&Image> = Vec::new();
        for n in nodes {
            if let Some(i) = node_image.get(n) {
                if !images.iter().any(|x| x.name == i.name) {
                    images.push(i);
                }
            }
        }
        ok &= define_sn_resource(p, sn, nodes, &images, nets, reply)?;
    }
    Ok(ok)
}

/// define_SN_resource for one service node.
fn define_sn_resource(
    p: &DefSnRes,
    sn: &str,
    nodes: &[String],
    images: &[&Image],
    nets: &BTreeMap<String, NodeNet>,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    reply.info(format!("Checking NIM resources on {sn}.\n"))?;
    let nim = Nim::new(p.runner, crate::runner::Target::Host(sn.to_string()), p.cfg);
    if !nim.lsnim(&["-l"]).ok() {
        reply.verbose(format!("Configuring NIM on {sn}.\n"))?;
        let r = nim.run(NIM_MASTER_SETUP, &["-a", "mk_resource=no"]);
        if !r.ok() {
            return fail(
                reply,
                format!("Could not install and configure NIM on {sn}.\n"),
                &r.text(),
            );
        }
    }
    if p.nfsv4 && !nfsv4_domain(p, &nim, sn, reply)? {
        return Ok(false);
    }
    let node_nets: Vec<NodeNet> = nodes.iter().filter_map(|n| nets.get(n).cloned()).collect();
    if !check_nim_networks(&nim, reply, &node_nets, sn)? {
        return Ok(false);
    }
    let types = match nim.run(super::super::cmd::LSNIM, &["-P", "-c", "resources"]) {
        r if r.ok() => super::super::parse::first_words(&r.out.stdout),
        _ => return fail(reply, "Could not get NIM resource types.\n".into(), ""),
    };
    let Ok(existing) = nim.names_of_class("resources") else {
        let text = format!("Could not get NIM resource definitions on '{sn}'.\n");
        return fail(reply, text, "");
    };
    for _ in 0..3 {
        if !nim.run(SYNC, &[]).ok() {
            let line = format!("{SYNC}; {SYNC}; {SYNC}");
            reply.error(format!("Could not run {line} on {sn}\n"))?;
            break;
        }
    }
    let errors_before = reply.errors;
    for image in images {
        define_image(p, &nim, sn, image, &types, &existing, reply)?;
    }
    Ok(reply.errors == errors_before)
}

/// An error with the command output under `-V`; `Ok(false)`.
fn fail(reply: &mut Reply, text: String, output: &str) -> Result<bool, Aborted> {
    if reply.verbose && !output.is_empty() {
        reply.error(format!("{text}{output}"))?;
    } else {
        reply.error(text)?;
    }
    Ok(false)
}

/// The NFSv4 domain of the service node and of its NIM master.
fn nfsv4_domain(p: &DefSnRes, nim: &Nim, sn: &str, reply: &mut Reply) -> Result<bool, Aborted> {
    let cur = nim.run(CHNFSDOM, &[]);
    if !cur.ok() {
        return fail(
            reply,
            format!("Could not get NFSv4 domain setting on {sn}.\n"),
            &cur.text(),
        );
    }
    let domain = p.domain.filter(|d| !d.trim().is_empty());
    let Some(domain) = domain else {
        return fail(
            reply,
            "Can not determine domain name, check site table.\n".into(),
            "",
        );
    };
    if let Err(e) = validate::host_name("site", "domain", domain) {
        return fail(reply, format!("{e}\n"), "");
    }
    if cur.text().contains("N/A") {
        let r = nim.run(CHNFSDOM, &[domain]);
        if !r.ok() {
            let text = format!("Could not change NFSv4 domain to {domain} on {sn}.\n");
            return fail(reply, text, &r.text());
        }
        nim.run(STOPSRC, &["-g", "nfs"]);
        std::thread::sleep(p.nfs_restart_pause);
        nim.run(STARTSRC, &["-g", "nfs"]);
    }
    let r = nim.lsnim(&["-FZ", "-a", "nfs_domain", "master"]);
    if !r.ok() {
        let text = format!("Could not get NFSv4 domain setting for nim master on {sn}.\n");
        return fail(reply, text, &r.text());
    }
    if r.out.stdout.trim().is_empty() {
        let value = format!("nfs_domain={domain}");
        let c = nim.nim(&["-Fo", "change", "-a", &value, "master"]);
        if !c.ok() {
            let text = format!("Could not set NFSv4 domain with nim master on {sn}.\n");
            return fail(reply, text, &c.text());
        }
    }
    Ok(true)
}

/// Every resource of one osimage not yet on the service node, then the
/// SPOT check.
fn define_image(
    p: &DefSnRes,
    nim: &Nim,
    sn: &str,
    image: &Image,
    types: &[String],
    existing: &[String],
    reply: &mut Reply,
) -> Result<(), Aborted> {
    for ty in RESOURCE_TYPES {
        let Some(value) = image.get(ty) else {
            continue;
        };
        if !types.iter().any(|t| t == ty) {
            continue;
        }
        if existing.iter().any(|e| e == value) {
            reply.info(format!("{sn}: Using existing resource called '{value}'.\n"))?;
            continue;
        }
        let items = crate::nim::model::resource_items(ty, value);
        for res in items {
            if existing.iter().any(|e| e == res) {
                continue;
            }
            define_resource(p, nim, sn, image, ty, res, reply)?;
        }
    }
    if let Some(spot) = image.get("spot") {
        if validate::nim_name(&image.name, "spot", spot).is_ok() {
            nim.nim(&["-Fo", "check", spot]);
        }
    }
    Ok(())
}

/// Define one resource on the service node, with the one per-type rule of
/// `make_SN_resource` (`nim::resources::define`: location, attributes,
/// argument layout), run from the management node; the shared_root is
/// moved aside and back on the service node itself.
fn define_resource(
    p: &DefSnRes,
    nim: &Nim,
    sn: &str,
    image: &Image,
    ty: &str,
    res: &str,
    reply: &mut Reply,
) -> Result<(), Aborted> {
    let skipped = (ty == "dump" && image.nimtype() != "diskless")
        || (ty == "lpp_source" && image.nimtype() != "standalone");
    if skipped {
        return Ok(());
    }
    let dir_type = rdef::DIR_TYPES.contains(&ty);
    let src = rdef::Source {
        nimprime: p.resources,
        cmdline: p.attrs,
        nfsv4: p.nfsv4,
        installdir: p.installdir,
    };
    let spot = image.get("spot");
    let checked = validate::nim_name(&image.name, ty, res)
        .and_then(|_| match (ty, spot) {
            ("shared_root", s) => {
                validate::nim_name(&image.name, "spot", s.unwrap_or("")).map(|_| ())
            }
            _ => Ok(()),
        })
        .and_then(|_| rdef::location(&src, ty, res))
        .and_then(|loc| rdef::attr_words(&src, ty, res).map(|a| (loc, a)));
    let (location, attrs) = match checked {
        Ok(v) => v,
        Err(e) => return reply.error(format!("{e}\n")),
    };
    if ty == "dump" || dir_type {
        reply.verbose(format!("Creating '{res}'.\n"))?;
    } else if ty == "spot" {
        reply.info(format!(
            "Creating a SPOT resource on {sn}.  This could take a while.\n"
        ))?;
    }
    let args = rdef::define_args(ty, res, &location, &attrs, spot);
    // The existing shared_root directory is nimprime's layout on the shared
    // file system (stock: `lochash`), kept aside while NIM makes its own.
    let existing = p
        .resources
        .locations
        .get(res)
        .map(String::as_str)
        .unwrap_or("");
    let moved = ty == "shared_root" && move_aside(nim, sn, existing, reply)?;
    if !run_nim(nim, &args).ok() {
        // Stock's texts differ by type in what follows the name.
        let sep = match ty {
            "lpp_source" => ".",
            "spot" | "installp_bundle" | "script" => ". ",
            _ => " ",
        };
        reply.error(format!(
            "Could not create NIM resource {res} on {sn}{sep}\n"
        ))?;
    }
    if moved {
        move_back(nim, sn, existing, reply)?;
    }
    Ok(())
}

fn run_nim(nim: &Nim, args: &[String]) -> super::super::cmd::Ran {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    nim.run(NIM, &words)
}

/// The existing shared_root directory moved to `<dir>.bak` so NIM can
/// define the resource; whether it was moved.
fn move_aside(nim: &Nim, sn: &str, dir: &str, reply: &mut Reply) -> Result<bool, Aborted> {
    if !nim.run(TEST, &["-d", dir]).ok() {
        return Ok(false);
    }
    let bak = format!("{dir}.bak");
    if !nim.run(MVDIR, &[dir, &bak]).ok() {
        reply.error(format!("{sn}: Could not move {dir}.\n"))?;
    }
    Ok(true)
}

/// The directory NIM made removed and the original moved back (it holds
/// the other nodes' client data).
fn move_back(nim: &Nim, sn: &str, dir: &str, reply: &mut Reply) -> Result<(), Aborted> {
    let bak = format!("{dir}.bak");
    // `-f`: NIM may not have made the directory (stock: `rm -R`).
    if !nim.run(RM, &["-Rf", dir]).ok() {
        reply.error(format!("{sn}: Could not remove {dir}.\n"))?;
    }
    if !nim.run(MVDIR, &[&bak, dir]).ok() {
        reply.error(format!("{sn}: Could not move {bak} to {dir}.\n"))?;
    }
    Ok(())
}
