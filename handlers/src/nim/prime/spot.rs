//! `updatespot` (xCAT-server/lib/xcat/plugins/aixinstall.pm:7313-7512) and
//! the shared_root re-sync that follows it in the preprocess
//! (xCAT-server/lib/xcat/plugins/aixinstall.pm:8890-8990): make a diskless
//! image's SPOT ready on nimprime.

use super::super::cmd;
use super::super::model::{Image, Reply, Resources};
use super::super::validate;
use super::dd_boot;
use super::files::Files;
use super::lite::{self, LiteOutcome, LiteRequest};
use super::Prime;
use crate::api::Aborted;
use crate::runner::Target;
use xcat_proto::Response;
use xcat_schema::db::Db;

/// The console the SPOT's ODMscript adds (a CuAt stanza for `sys0`).
const ODM_CONSOLE: [(&str, &str); 7] = [
    ("name", "sys0"),
    ("attribute", "syscons"),
    ("value", "/dev/vty0"),
    ("type", "R"),
    ("generic", ""),
    ("rep", "s"),
    ("nls_index", "0"),
];

/// The inittab entry that runs xcataixpost on the node.
const INITTAB_ENTRY: &str = "xcat:2:wait:/opt/xcat/xcataixpost";

/// One image's SPOT update.
pub struct SpotRequest<'r> {
    pub image: &'r Image,
    /// The nodes of this request that use the image (dolitesetup marks them).
    pub nodes: &'r [String],
    /// `site.sharedinstall`: `no`, `sns` or `all`.
    pub sharedinstall: &'r str,
    /// `site.useNFSv4onAIX`: the boot script mounts with `mount -o vers=4`.
    pub nfsv4: bool,
    /// For dolitesetup (`sharedinstall=sns` with a shared_root).
    pub db: &'r Db,
}

/// aixinstall.pm:8891-8990 for one non-standalone image: the SPOT update, then with
/// `sharedinstall` `sns` / `all` the shared_root re-sync.
pub struct ImageJob<'r> {
    pub spot: SpotRequest<'r>,
    /// `-k`: no `sync_roots`.
    pub skip_sync: bool,
    /// The resources' locations on nimprime (`lochash`).
    pub resources: &'r Resources,
}

/// aixinstall.pm:8891-8990: `Ok(false)` after stock's error messages (the caller then
/// stops with rc 1).  Standalone images have no SPOT to prepare (nothing done).
pub fn prepare_diskless_image(
    p: &Prime,
    job: &ImageJob,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    let image = job.spot.image;
    if image.nimtype().contains("standalone") {
        return Ok(true);
    }
    reply.info(format!("Updating the spot named '{}'.\n", image.name))?;
    if !update_spot(p, &job.spot, reply)? {
        reply.errors += 1;
        reply.out.send(
            Response::new()
                .error_text(format!(
                    "Could not update the SPOT resource named '{}'.\n",
                    image.get("spot").unwrap_or_default()
                ))
                .error_text("Could not initialize the nodes.\n")
                .errorcode(1),
        )?;
        return Ok(false);
    }
    if matches!(job.spot.sharedinstall, "sns" | "all") {
        resync_shared_root(p, job, reply)?;
    }
    Ok(true)
}

/// Stock `updatespot` (aixinstall.pm:7313-7512) in stock's order; `Ok(false)` after the error message.
pub fn update_spot(p: &Prime, req: &SpotRequest, reply: &mut Reply) -> Result<bool, Aborted> {
    let Some(spot_loc) = spot_location(p, req.image, reply)? else {
        return Ok(false);
    };
    let files = p.files();
    if !odm_script(&files, &spot_loc, reply)? {
        return Ok(false);
    }
    if req.image.get("shared_root").is_some() && req.sharedinstall == "sns" {
        let lite = LiteRequest {
            image: req.image,
            nodes: req.nodes,
            spot_location: Some(&spot_loc),
            db: req.db,
        };
        if lite::dolitesetup(p, &lite, reply)? == LiteOutcome::Failed {
            reply.error("Could not complete the statelite setup.")?;
            return Ok(false);
        }
    }
    let boot = format!("{spot_loc}/lib/boot/network/rc.dd_boot");
    let mount = if req.nfsv4 {
        "mount -o vers=4"
    } else {
        "mount"
    };
    reply.verbose(format!("Updating the {boot} file.\n"))?;
    if dd_boot::update_dd_boot(&files, &boot, mount).is_err() {
        reply.error("Could not update the rc.dd_boot file in the SPOT.\n")?;
        return Ok(false);
    }
    reply.verbose(format!("Updated {boot}.\n"))?;
    let inst_root = format!("{spot_loc}/lpp/bos/inst_root");
    if !xcataixpost(p, &files, &inst_root, reply)? {
        return Ok(false);
    }
    root_owned(&files, &inst_root, reply)
}

/// The SPOT's location (`lsnim -l <spot>`, blanks removed), validated.
fn spot_location(p: &Prime, image: &Image, reply: &mut Reply) -> Result<Option<String>, Aborted> {
    let spot = image.get("spot").unwrap_or_default();
    if let Err(e) = validate::nim_name(&image.name, "spot", spot) {
        reply.error(format!("{e}\n"))?;
        return Ok(None);
    }
    let loc = match p.nim().stanza(spot) {
        Ok(Some(s)) => s
            .get("location")
            .map(|l| l.replace(char::is_whitespace, "")),
        _ => None,
    };
    // Stock prints its undefined location variable here; we name the SPOT.
    let Some(loc) = loc.filter(|l| !l.is_empty()) else {
        reply.error(format!(
            "Could not get the location of the SPOT/COSI named {spot}.\n"
        ))?;
        return Ok(None);
    };
    if let Err(e) = validate::path(spot, "location", &loc) {
        reply.error(format!("{e}\n"))?;
        return Ok(None);
    }
    Ok(Some(loc))
}

/// `<spot>/ODMscript` when missing (mode 0444).
fn odm_script(files: &Files, spot_loc: &str, reply: &mut Reply) -> Result<bool, Aborted> {
    let path = format!("{spot_loc}/ODMscript");
    if files.exists(&path) {
        return Ok(true);
    }
    reply.verbose(format!("Adding {path} to the image.\n"))?;
    let body: Vec<String> = ODM_CONSOLE
        .iter()
        .map(|(k, v)| format!("\t{k} = {v}").trim_end().to_string())
        .collect();
    let text = format!("CuAt:\n{}", body.join("\n"));
    if files.write(&path, &text, Some(0o444)).is_err() {
        reply.error("Could not copy the odmscript back")?;
        return Ok(false);
    }
    Ok(true)
}

/// xcataixpost into the SPOT's inst_root and its inittab entry.
fn xcataixpost(
    p: &Prime,
    files: &Files,
    inst_root: &str,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    reply.verbose("Adding xcataixpost script to the image.\n")?;
    let dir = format!("{inst_root}/opt/xcat");
    let dest = format!("{dir}/xcataixpost");
    let src = format!(
        "{}/postscripts/xcataixpost",
        p.install_dir.trim_end_matches('/')
    );
    let copied = files
        .mkdir_p(&dir, 0o644)
        .and_then(|()| files.copy_file(&src, &dest))
        .and_then(|()| files.make_executable(&dest));
    if copied.is_err() {
        reply.error("Could not copy the xcataixpost script to the SPOT.\n")?;
        return Ok(false);
    }
    let inittab = format!("{inst_root}/etc/inittab");
    let mut text = files.read(&inittab).unwrap_or_default();
    if text.contains("xcataixpost") {
        return Ok(true);
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(INITTAB_ENTRY);
    text.push('\n');
    if files.write(&inittab, &text, None).is_err() {
        reply.error(format!("Could not open {inittab} for appending.\n"))?;
        reply.error("Could not update the /etc/inittab file in the SPOT.\n")?;
        return Ok(false);
    }
    Ok(true)
}

/// inst_root owned by root:system (stock: the default bin:bin breaks ssh).
fn root_owned(files: &Files, inst_root: &str, reply: &mut Reply) -> Result<bool, Aborted> {
    reply.verbose(format!(
        "Running: '{}; {}'\n",
        super::files::line(cmd::CHGRP, &["system", inst_root]),
        super::files::line(cmd::CHOWN, &["root", inst_root])
    ))?;
    let ok = files.run(cmd::CHGRP, &["system", inst_root]).ok()
        && files.run(cmd::CHOWN, &["root", inst_root]).ok();
    if !ok {
        reply.error("Could not change the group and owner for the inst_root directory.\n")?;
    }
    Ok(ok)
}

/// The shared_root re-sync (`sharedinstall` `sns` / `all`).  With `all` the
/// management node shares the file system: `<sr>/etc/.client_data` is saved
/// here before and put back after (stock's restore never ran: its command
/// named `$$origloc`, xCAT-server/lib/xcat/plugins/aixinstall.pm:8983; we
/// restore into `.client_data`).  An image without a shared_root has
/// nothing to re-sync (stock ran `sync_roots` on its SPOT anyway).
fn resync_shared_root(p: &Prime, job: &ImageJob, reply: &mut Reply) -> Result<(), Aborted> {
    let image = job.spot.image;
    let (Some(sr), Some(spot)) = (image.get("shared_root"), image.get("spot")) else {
        return Ok(());
    };
    if let Err(e) = validate::nim_name(&image.name, "shared_root", sr) {
        return reply.error(format!("{e}\n"));
    }
    let here = Files::new(p.nim_on(Target::Local));
    let saved = match job.resources.locations.get(sr) {
        Some(loc) if job.spot.sharedinstall == "all" => save_client_data(&here, sr, loc, reply)?,
        _ => None,
    };
    if !job.skip_sync {
        sync_roots(p, sr, spot, reply)?;
    }
    if let Some((orig, bak)) = saved {
        if here.copy_contents(&bak, &orig).is_err() {
            reply.error(format!("Could not copy {bak}.\n"))?;
        }
    }
    Ok(())
}

/// Save `<loc>/etc/.client_data` into `.client_data_bkup`; the two paths
/// when there was something to save.
fn save_client_data(
    here: &Files,
    sr: &str,
    loc: &str,
    reply: &mut Reply,
) -> Result<Option<(String, String)>, Aborted> {
    if let Err(e) = validate::path(sr, "location", loc) {
        reply.error(format!("{e}\n"))?;
        return Ok(None);
    }
    let orig = format!("{loc}/etc/.client_data");
    let bak = format!("{loc}/etc/.client_data_bkup");
    if !here.is_dir(&orig) {
        return Ok(None);
    }
    let copied = here
        .mkdir_p(&bak, 0o644)
        .and_then(|()| here.copy_contents(&orig, &bak));
    if copied.is_err() {
        reply.error(format!("Could not copy {orig}.\n"))?;
    }
    Ok(Some((orig, bak)))
}

/// `nim -Fo sync_roots <spot>` on nimprime unless the shared_root is allocated.
fn sync_roots(p: &Prime, sr: &str, spot: &str, reply: &mut Reply) -> Result<(), Aborted> {
    let nim = p.nim();
    let count = nim
        .attr_fields("alloc_count", sr)
        .ok()
        .and_then(|f| f.first().and_then(|c| c.trim().parse::<u64>().ok()));
    if count.is_some_and(|c| c != 0) {
        return reply.info(format!(
            "The resource named '{sr}' is currently allocated. It will not be re-synchronized.\n"
        ));
    }
    let r = nim.nim(&["-Fo", "sync_roots", spot]);
    if r.ok() {
        return Ok(());
    }
    let mut doc = Response::new().error_text(format!("Could not update {sr}.\n"));
    if reply.verbose {
        doc = doc.error_text(r.text());
    }
    reply.errors += 1;
    reply.out.send(doc.errorcode(1))
}
