//! A node whose osimage has a shared_root gets the shared
//! root's `/etc/hosts` as its own `.client_data/hosts.<nimname>`
//! (aixinstall.pm:12019-12031).

use super::{uncounted, ClientFiles};
use crate::api::Aborted;
use crate::nim::model::Reply;
use crate::nim::validate;

/// Copy `<sr_location>/etc/hosts` to
/// `<sr_location>/etc/.client_data/hosts.<nimname>`.  `sr_location` is the
/// shared_root's `location` on this server.  A failure is an [E] message
/// that stock does not count as an error; `Ok(false)` then.
pub fn copy_hosts(
    files: &ClientFiles,
    sr_location: &str,
    nimname: &str,
    reply: &mut Reply,
) -> Result<bool, Aborted> {
    if let Err(e) = validate::path(nimname, "shared_root location", sr_location)
        .and_then(|_| validate::nim_name(nimname, "NIM name", nimname))
    {
        reply.error(format!("{e}\n"))?;
        return Ok(false);
    }
    let from = format!("{sr_location}/etc/hosts");
    let to = format!("{sr_location}/etc/.client_data/hosts.{nimname}");
    if files.copy(&from, &to, false).is_ok() {
        return Ok(true);
    }
    uncounted(reply, format!("Could not copy {from} to {to}.\n"))?;
    Ok(false)
}
