//! For a shared_root osimage, `<tftpdir>/<nodeip>.info` gets
//! `export BASECUST_REMOVAL=swapnfs0` (rc.dd_boot then removes swapnfs0
//! after restoring /etc/basecust; aixinstall.pm:11747-11808).

use super::{edits, uncounted, ClientFiles};
use crate::api::Aborted;
use crate::nim::model::Reply;
use crate::nim::validate;
use std::net::IpAddr;

/// Add `BASECUST_REMOVAL` to the node's `.info` file unless it has it.
/// `node_ip`: the node's address (None: stock's "Can not resolve the node"
/// refusal).  `Ok(false)` when the node is to be skipped for the rest of
/// the per-node work (stock `next`); those messages are not counted as
/// errors, as in stock.
pub fn add_basecust_removal(
    files: &ClientFiles,
    tftpdir: &str,
    node: &str,
    node_ip: Option<IpAddr>,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    if let Err(e) = validate::path("site", "tftpdir", tftpdir) {
        reply.error(format!("{e}\n"))?;
        return Ok(false);
    }
    let Some(ip) = node_ip else {
        uncounted(reply, format!("Can not resolve the node {node}"))?;
        return Ok(false);
    };
    let info = format!("{tftpdir}/{ip}.info");
    let text = files.read(&info);
    let new = text.as_deref().map(edits::info_with_basecust);
    if let (Ok(old), Ok(new)) = (&text, &new) {
        if old == new {
            return Ok(true);
        }
    }
    // Stock announces the update when its `grep` found nothing, which is
    // also the case for a missing file.
    reply.verbose(format!("Updating the {info} file.\n"))?;
    let Ok(new) = new else {
        uncounted(
            reply,
            format!("Can not open the niminfo file {info} for reading."),
        )?;
        return Ok(false);
    };
    if files.write(&info, &new).is_err() {
        uncounted(reply, format!("Can not open the file {info} for writing"))?;
        return Ok(false);
    }
    Ok(true)
}
