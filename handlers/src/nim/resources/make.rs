//! `make_SN_resource` (xCAT-server/lib/xcat/plugins/aixinstall.pm:13042-13727): on a service node that is not nimprime, make sure
//! NIM is configured, the NFSv4 domain is set, the nodes' networks exist,
//! and every NIM resource the osimages name is defined locally (files were
//! copied by nimprime before; directory resources are defined empty at the
//! same layout).  Runs on the SN itself.

use super::define::{self, Source};
use super::networks::check_nim_networks;
use super::one::Made;
use crate::api::Aborted;
use crate::nim::cmd::{self, Nim};
use crate::nim::model::{Image, NodeNet, Reply, Resources, RESOURCE_TYPES};
use crate::nim::validate;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// What `make_sn_resources` works from (stock's `imagehash`, `lochash`,
/// `nimhash`, `nethash`, `attr=val` and globals).
pub struct SnResources<'a> {
    /// This server's name as xCAT knows it (`myxCATname`), for messages.
    pub sname: &'a str,
    /// The osimages the nodes use, in the order to process them.
    pub images: &'a [Image],
    /// nimprime's NIM resources: locations and attributes.
    pub nimprime: &'a Resources,
    /// The nodes' networks (one per node; repeats allowed).
    pub nets: &'a [NodeNet],
    /// The command line's `attr=val` pairs.
    pub attrs: &'a BTreeMap<String, String>,
    /// `site.useNFSv4onAIX`.
    pub nfsv4: bool,
    /// `site.domain` (needed with NFSv4).
    pub domain: Option<&'a str>,
    /// `site.installdir`.
    pub installdir: &'a str,
    /// `-d` or `sharedinstall=sns`: an existing shared_root directory is
    /// moved aside while NIM defines the resource, then put back.
    pub keep_shared_root: bool,
}

/// What `make_sn_resources` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnOutcome {
    /// `false` when it stopped early (NIM set-up, NFSv4 domain, networks or
    /// the resource listings failed; stock's `return 1`).
    pub completed: bool,
    /// Resources defined now.
    pub defined: Vec<String>,
    /// Resources that could not be defined (each reported; stock carries on).
    pub failed: Vec<String>,
}

/// Stock `make_SN_resource` in stock order.  Stock ignores the result; mkdsklsnode and
/// nimnodeset carry on with their nodes either way.
pub fn make_sn_resources(
    nim: &Nim,
    reply: &mut Reply,
    p: &SnResources,
) -> Result<SnOutcome, Aborted> {
    let mut outcome = SnOutcome::default();
    reply.info(format!("Checking NIM resources on {}.\n", p.sname))?;
    if !configure_nim(nim, reply)? || (p.nfsv4 && !nfsv4_domain(nim, reply, p.domain)?) {
        return Ok(outcome);
    }
    if !check_nim_networks(nim, reply, p.nets, p.sname)? {
        return Ok(outcome);
    }
    let Ok(types) = nim.run(cmd::LSNIM, &["-P", "-c", "resources"]).ok_words() else {
        let text = format!("Could not get NIM resource types on '{}'.\n", p.sname);
        reply.error(text)?;
        return Ok(outcome);
    };
    let Ok(names) = nim.names_of_class("resources") else {
        let text = format!("Could not get NIM resource definitions on '{}'.\n", p.sname);
        reply.error(text)?;
        return Ok(outcome);
    };
    // Stock runs `sync; sync; sync` to refresh GPFS locations; a failure is
    // reported and the work goes on (stock's text named "SNname" literally).
    let synced: Vec<bool> = (0..3).map(|_| nim.run(cmd::SYNC, &[]).ok()).collect();
    if synced.contains(&false) {
        let text = format!("Could not run {0}; {0}; {0} on {1}\n", cmd::SYNC, p.sname);
        reply.error(text)?;
    }
    let mut existing: BTreeSet<String> = names.into_iter().collect();
    for image in p.images {
        per_image(nim, reply, p, image, &types, &mut existing, &mut outcome)?;
    }
    outcome.completed = true;
    Ok(outcome)
}

trait OkWords {
    fn ok_words(self) -> Result<Vec<String>, ()>;
}

impl OkWords for cmd::Ran {
    fn ok_words(self) -> Result<Vec<String>, ()> {
        if self.ok() {
            Ok(crate::nim::parse::first_words(&self.out.stdout))
        } else {
            Err(())
        }
    }
}

/// `lsnim -l` probe; `nim_master_setup -a mk_resource=no` when NIM is not
/// configured yet.
fn configure_nim(nim: &Nim, reply: &mut Reply) -> Result<bool, Aborted> {
    if nim.lsnim(&["-l"]).ok() {
        return Ok(true);
    }
    reply.verbose("Configuring NIM.\n")?;
    let ran = nim.run(cmd::NIM_MASTER_SETUP, &["-a", "mk_resource=no"]);
    if ran.ok() {
        return Ok(true);
    }
    fail_with_output(reply, "Could not install and configure NIM.\n", &ran)
}

/// [E] text, plus the command's output with `-V`; always `false`.
fn fail_with_output(reply: &mut Reply, text: &str, ran: &cmd::Ran) -> Result<bool, Aborted> {
    let mut text = text.to_string();
    if reply.verbose {
        text.push_str(&ran.text());
    }
    reply.error(text)?;
    Ok(false)
}

/// NFSv4: the local NFS domain (`chnfsdom`; set and nfs restarted when
/// `N/A`) and the NIM master's `nfs_domain`.
fn nfsv4_domain(nim: &Nim, reply: &mut Reply, domain: Option<&str>) -> Result<bool, Aborted> {
    let shown = nim.run(cmd::CHNFSDOM, &[]);
    if !shown.ok() {
        return fail_with_output(reply, "Could not get NFSv4 domain setting.\n", &shown);
    }
    let Some(domain) = domain.filter(|d| !d.is_empty()) else {
        reply.error("Can not determine domain name, check site table.\n")?;
        return Ok(false);
    };
    if let Err(e) = validate::host_name("site", "domain", domain) {
        reply.error(format!("{e}\n"))?;
        return Ok(false);
    }
    if shown.out.stdout.contains("N/A") {
        let set = nim.run(cmd::CHNFSDOM, &[domain]);
        if !set.ok() {
            let text = format!("Could not change NFSv4 domain to {domain}.\n");
            return fail_with_output(reply, &text, &set);
        }
        nim.run(cmd::STOPSRC, &["-g", "nfs"]);
        std::thread::sleep(Duration::from_secs(2));
        nim.run(cmd::STARTSRC, &["-g", "nfs"]);
    }
    let ran = nim.lsnim(&["-FZ", "-a", "nfs_domain", "master"]);
    if !ran.ok() {
        let text = "Could not get NFSv4 domain setting for nim master.\n";
        return fail_with_output(reply, text, &ran);
    }
    if ran.out.stdout.trim().is_empty() {
        let attr = format!("nfs_domain={domain}");
        let set = nim.nim(&["-Fo", "change", "-a", &attr, "master"]);
        if !set.ok() {
            let text = "Could not set NFSv4 domain with nim master.\n";
            return fail_with_output(reply, text, &set);
        }
    }
    Ok(true)
}

/// One image's resources: lpp_source, spot, then the rest
/// ([`RESOURCE_TYPES`] order; stock: hash order), then `nim -Fo check`.
fn per_image(
    nim: &Nim,
    reply: &mut Reply,
    p: &SnResources,
    image: &Image,
    types: &[String],
    existing: &mut BTreeSet<String>,
    outcome: &mut SnOutcome,
) -> Result<(), Aborted> {
    for ty in RESOURCE_TYPES {
        let Some(value) = image.get(ty) else { continue };
        if !types.iter().any(|t| t == ty) {
            continue;
        }
        let items = crate::nim::model::resource_items(ty, value);
        for res in items {
            if let Err(e) = validate::nim_name(&image.name, ty, res) {
                reply.error(format!("{e}\n"))?;
                outcome.failed.push(res.to_string());
                continue;
            }
            if existing.contains(res) {
                reply.info(format!("Using existing resource called '{res}'.\n"))?;
                continue;
            }
            if !wanted(ty, image) {
                continue;
            }
            match super::one::define_one(nim, reply, p, image, ty, res)? {
                Made::Defined => {
                    existing.insert(res.to_string());
                    outcome.defined.push(res.to_string());
                }
                Made::Failed => {
                    let text = format!("Could not create NIM resource {res} on {} \n", p.sname);
                    reply.error(text)?;
                    outcome.failed.push(res.to_string());
                }
                Made::Refused => outcome.failed.push(res.to_string()),
            }
        }
    }
    if let Some(spot) = image.get("spot") {
        if validate::nim_name(&image.name, "spot", spot).is_ok() {
            // Stock ignores the result (aixinstall.pm:13697-13709).
            nim.nim(&["-Fo", "check", spot]);
        }
    }
    Ok(())
}

/// Types defined only for some images: dump for diskless, lpp_source for
/// standalone ones.
fn wanted(ty: &str, image: &Image) -> bool {
    match ty {
        "dump" => image.nimtype() == "diskless",
        "lpp_source" => image.nimtype() == "standalone",
        _ => true,
    }
}

/// For [`super::one`]: what a define command is made from.
pub(super) fn source<'a>(p: &'a SnResources) -> Source<'a> {
    define::Source {
        nimprime: p.nimprime,
        cmdline: p.attrs,
        nfsv4: p.nfsv4,
        installdir: p.installdir,
    }
}
