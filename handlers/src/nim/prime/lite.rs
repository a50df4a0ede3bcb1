//! `dolitesetup` (perl-xCAT/xCAT/InstUtils.pm:801-1400): the AIX statelite
//! set-up of a SPOT.  The statelite / litefile / litetree tables become
//! files in the SPOT's inst_root (they end up in the node's `/`), the
//! `.default` tree is filled from the image for every litefile entry,
//! `aixlitesetup` is put beside them, and all of it is copied into the
//! image's shared_root.  Runs on the host holding the SPOT: nimprime from
//! the management node (aixinstall.pm:7313-7512), the service node itself
//! on its side (aixinstall.pm:10995-12753).

use super::super::model::{Image, Reply};
use super::super::validate;
use super::dirname;
use super::files::Files;
use super::lite_tables::{self, LiteTables};
use super::Prime;
use crate::api::Aborted;
use xcat_schema::db::Db;
use xcat_schema::inherit::InheritCtx;

/// One dolitesetup.
pub struct LiteRequest<'r> {
    pub image: &'r Image,
    /// The nodes of the request (marked `provmethod=<image>` first); the
    /// files always describe every node.
    pub nodes: &'r [String],
    /// The SPOT's location when the caller has it; else `lsnim -a location`.
    pub spot_location: Option<&'r str>,
    pub db: &'r Db,
}

/// Stock's return codes 0, 2 and 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiteOutcome {
    Done,
    /// No litefile or litetree data (or no nodes): nothing to set up.
    NoData,
    Failed,
}

const RAS_WARNING: &str = "At least one node keeps /var/adm/ras/ (or its conslog) in persistent storage.\nA console log in a persistent directory can occasionally deadlock the node: once the nodes\nare up, move the console log out of it, e.g. xdsh <noderange> '/usr/sbin/swcons -p /tmp/conslog'.\n";

/// Stock `dolitesetup` (perl-xCAT/xCAT/InstUtils.pm:801-1400).
/// `Ok(LiteOutcome::Failed)` after the error message.
pub fn dolitesetup(
    p: &Prime,
    req: &LiteRequest,
    reply: &mut Reply,
) -> Result<LiteOutcome, Aborted> {
    let image = &req.image.name;
    if req
        .db
        .write(|c| lite_tables::mark_nodes(c, image, req.nodes))
        .is_err()
    {
        reply.warning("Could not set the 'provmethod' attribute for nodes.\n")?;
    }
    let all = match req.db.read(lite_tables::all_nodes) {
        Ok(n) if !n.is_empty() => n,
        _ => {
            reply.error(
                "Could not get list of xCAT nodes. No statelite configuration will be done.\n",
            )?;
            return Ok(LiteOutcome::NoData);
        }
    };
    let Some(spot_loc) = location(p, req.image, "spot", req.spot_location, reply)? else {
        return Ok(LiteOutcome::Failed);
    };
    let tables = req.db.read(|c| {
        let ictx = InheritCtx::load(c)?;
        lite_tables::load(c, &ictx, &all, &getipaddr)
    });
    let tables = match tables {
        Ok(t) => t,
        Err(e) => {
            reply.error(format!("Could not read the statelite tables: {e}\n"))?;
            return Ok(LiteOutcome::Failed);
        }
    };
    let inst_root = format!("{spot_loc}/lpp/bos/inst_root");
    let files = p.files();
    if !write_tables(&files, &inst_root, &tables, reply)? {
        return Ok(LiteOutcome::Failed);
    }
    let ras = tables.litefile.iter().any(|f| {
        req.nodes.contains(&f.node)
            && ["/var/adm/ras/", "/var/adm/ras/conslog"].contains(&f.file.as_str())
    });
    if ras {
        reply.warning(RAS_WARNING)?;
    }
    if tables.litefile.is_empty() && tables.litetree.is_empty() {
        reply.verbose("Please update statlite,litefile,litetree tables if you want to use AIX statelite support.\n")?;
        return Ok(LiteOutcome::NoData);
    }
    let lines: Vec<String> = tables.litefile.iter().map(|f| f.line()).collect();
    let done = fill_default(&files, &inst_root, &lines, reply)?
        && aixlitesetup(p, &files, &inst_root, reply)?
        && to_shared_root(p, &files, req.image, &inst_root, reply)?;
    Ok(if done {
        LiteOutcome::Done
    } else {
        LiteOutcome::Failed
    })
}

/// `getipaddr`: the address of a name (an address stays as it is).
fn getipaddr(name: &str) -> Option<String> {
    if name.is_empty() {
        return None;
    }
    if name.parse::<std::net::IpAddr>().is_ok() {
        return Some(name.to_string());
    }
    dns_lookup::lookup_host(name)
        .ok()?
        .into_iter()
        .find(|ip| ip.is_ipv4())
        .map(|ip| ip.to_string())
}

/// A resource's location (given, or `lsnim -a location -Z` on the host), validated.
fn location(
    p: &Prime,
    image: &Image,
    restype: &str,
    given: Option<&str>,
    reply: &mut Reply,
) -> Result<Option<String>, Aborted> {
    let res = image.get(restype).unwrap_or_default();
    let loc = match given {
        Some(l) => Some(l.to_string()),
        None if validate::nim_name(&image.name, restype, res).is_ok() => p
            .nim()
            .attr_fields("location", res)
            .ok()
            .and_then(|f| f.into_iter().next()),
        None => None,
    };
    let Some(loc) = loc.filter(|l| !l.is_empty()) else {
        reply.error(format!("Could not get the location of {res}.\n"))?;
        return Ok(None);
    };
    match validate::path(res, "location", &loc) {
        Ok(_) => Ok(Some(loc)),
        Err(e) => reply.error(format!("{e}\n")).map(|()| None),
    }
}

/// The three table files, old ones removed, empty ones not written.
fn write_tables(
    files: &Files,
    inst_root: &str,
    t: &LiteTables,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    let litefile: Vec<String> = t.litefile.iter().map(|f| f.line()).collect();
    for (name, lines) in [
        ("statelite.table", &t.statelite),
        ("litefile.table", &litefile),
        ("litetree.table", &t.litetree),
    ] {
        let path = format!("{inst_root}/{name}");
        if files.remove(&path).is_err() {
            reply.error(format!("Could not remove existing {path} file."))?;
            return Ok(false);
        }
        if lines.is_empty() {
            continue;
        }
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        if files.write(&path, &text, Some(0o644)).is_err() {
            reply.error(format!("Could not open {path}.\n"))?;
            return Ok(false);
        }
    }
    Ok(true)
}

/// `.default` and `.statelite`, then `.default` filled from the image for
/// each litefile entry (`node|options|file`).
fn fill_default(
    files: &Files,
    inst_root: &str,
    lines: &[String],
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    for sub in [".default", ".statelite"] {
        let dir = format!("{inst_root}/{sub}");
        if !files.is_dir(&dir) && files.mkdir_p(&dir, 0o644).is_err() {
            reply.error(format!("Could not create {dir}.\n"))?;
            return Ok(false);
        }
    }
    let entries: Vec<&str> = lines.iter().filter_map(|l| l.split('|').nth(2)).collect();
    for file in &entries {
        let in_image = format!("{inst_root}{file}");
        let conflict = if file.ends_with('/') {
            files
                .is_file(&in_image)
                .then_some("a directory, but the image has a file")
        } else {
            files
                .is_dir(&in_image)
                .then_some("a file, but the image has a directory")
        };
        if let Some(what) = conflict {
            reply.error(format!("The litefile entry '{file}' names {what} there.\n"))?;
            return Ok(false);
        }
    }
    let default = format!("{inst_root}/.default");
    let mut done: Vec<&str> = Vec::new();
    for file in entries {
        if !file.starts_with('/') {
            reply.error(format!(
                "The litefile entry '{file}' is not an absolute path name.\n"
            ))?;
            return Ok(false);
        }
        // Not in stock: an entry with `..` (or blanks, control characters)
        // would reach outside the image.
        if let Err(e) = validate::path("litefile", "file", file) {
            reply.error(format!("{e}\n"))?;
            return Ok(false);
        }
        if done.contains(&file) {
            continue;
        }
        done.push(file);
        default_entry(files, inst_root, &default, file, reply)?;
    }
    Ok(true)
}

/// One `.default` entry: the image's file or directory copied, or an empty
/// one made.  Failures are reported and the set-up goes on (as in stock).
fn default_entry(
    files: &Files,
    inst_root: &str,
    default: &str,
    file: &str,
    reply: &mut Reply,
) -> Result<(), Aborted> {
    let in_image = format!("{inst_root}{file}");
    let target = format!("{default}{file}");
    let parent = format!("{default}{}", dirname(file));
    let is_dir_entry = file.ends_with('/');
    if files.exists(&in_image) {
        if files.is_dir(&in_image) {
            let _ = files
                .mkdir_p(&target, 0o755)
                .and_then(|()| files.copy_contents(&in_image, &target));
        } else {
            let _ = files
                .mkdir_p(&parent, 0o755)
                .and_then(|()| files.copy_file(&in_image, &parent));
        }
        return Ok(());
    }
    let (dir, touch) = if is_dir_entry {
        (target.clone(), None)
    } else {
        (parent, Some(target))
    };
    if files.mkdir_p(&dir, 0o755).is_err() {
        return reply.error(format!("Could not create {dir}.\n"));
    }
    if let Some(t) = touch {
        if files.touch(&t).is_err() {
            reply.error(format!("Could not create {t}.\n"))?;
        }
    }
    Ok(())
}

/// `<installdir>/postscripts/aixlitesetup` into inst_root, executable.
fn aixlitesetup(
    p: &Prime,
    files: &Files,
    inst_root: &str,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    let src = format!(
        "{}/postscripts/aixlitesetup",
        p.install_dir.trim_end_matches('/')
    );
    let dest = format!("{inst_root}/aixlitesetup");
    let ok = files
        .copy_file(&src, &dest)
        .and_then(|()| files.make_executable(&dest))
        .is_ok();
    if !ok {
        reply.error("Could not copy aixlitesetup.")?;
    }
    Ok(ok)
}

/// The table files, aixlitesetup, `.default` and `.statelite` into the
/// shared_root's directory (when the image has one and it exists).
fn to_shared_root(
    p: &Prime,
    files: &Files,
    image: &Image,
    inst_root: &str,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    if image.get("shared_root").is_none() {
        return Ok(true);
    }
    let Some(sr) = location(p, image, "shared_root", None, reply)? else {
        return Ok(false);
    };
    if !files.is_dir(&sr) {
        return Ok(true);
    }
    let mut plain: Vec<String> = ["statelite.table", "litefile.table", "litetree.table"]
        .iter()
        .map(|n| format!("{inst_root}/{n}"))
        .filter(|f| files.exists(f))
        .collect();
    plain.push(format!("{inst_root}/aixlitesetup"));
    if plain.iter().any(|f| files.copy_file(f, &sr).is_err()) {
        reply.error(format!("Could not copy statelite files to {sr}."))?;
        return Ok(false);
    }
    for sub in [".default", ".statelite"] {
        let dir = format!("{inst_root}/{sub}");
        if files.copy_tree(&dir, &sr).is_err() {
            reply.error(format!("Could not copy {dir} to {sr}."))?;
            return Ok(false);
        }
    }
    Ok(true)
}
