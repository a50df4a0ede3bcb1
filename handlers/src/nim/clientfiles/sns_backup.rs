//! With `site.sharedinstall=sns`, a service node keeps a copy
//! of its clients' `.client_data` files beside the shared_root, so that
//! `snmove` to this service node can put them back
//! (aixinstall.pm:12270-12338; restored by snmove,
//! xCAT-server/lib/xcat/plugins/snmove.pm:558-759).

use super::{uncounted, ClientFiles};
use crate::api::Aborted;
use crate::nim::model::Reply;
use crate::nim::validate::{self, Invalid};

/// `<shared_root location>/<Sname>_<osimage>/.client_data`: where this
/// service node's copy of an osimage's `.client_data` is (one rule for
/// mkdsklsnode, which writes it, and snmove, which restores it).
pub fn client_data_backup_dir(sr_location: &str, sname: &str, osimage: &str) -> String {
    format!("{sr_location}/{sname}_{osimage}/.client_data")
}

/// Whether `file` (a `.client_data` entry) belongs to node `short`: one of
/// its `.`-separated parts is the name or `<name>_<osimage>` (`hosts.cn01`,
/// `niminfo.cn01_71dskls`).  Stock matches the name anywhere in the file
/// name, so cn1's copy also took cn10's files.
pub fn belongs_to(file: &str, short: &str) -> bool {
    file.split('.')
        .any(|part| part == short || part.starts_with(&format!("{short}_")))
}

fn validate_all(
    sname: &str,
    osimage: &str,
    sr_location: &str,
    nodes: &[&str],
) -> Result<(), Invalid> {
    validate::host_name(sname, "service node", sname)?;
    validate::nim_name(osimage, "osimage", osimage)?;
    validate::path(osimage, "shared_root location", sr_location)?;
    for n in nodes {
        validate::host_name(n, "node", n)?;
    }
    Ok(())
}

/// Copy the `.client_data` files of `nodes` (their short names are used)
/// from `<sr_location>/etc/.client_data` into
/// [`client_data_backup_dir`], keeping modes and times (`cp -p`).
/// `sr_location` is the shared_root's location as nimprime has it (stock
/// `lochash`).
pub fn backup_client_data(
    files: &ClientFiles,
    sname: &str,
    osimage: &str,
    sr_location: &str,
    nodes: &[&str],
    reply: &mut Reply,
) -> Result<(), Aborted> {
    if let Err(e) = validate_all(sname, osimage, sr_location, nodes) {
        return reply.error(format!("{e}\n"));
    }
    let cdloc = format!("{sr_location}/etc/.client_data");
    let bkloc = client_data_backup_dir(sr_location, sname, osimage);
    // Stock `mkdir -m 644 -p`: a directory nobody but root can enter; 755.
    let made = std::fs::DirBuilder::new()
        .recursive(true)
        .create(files.path(&bkloc));
    if made.is_err() {
        uncounted(reply, format!("Could not create {bkloc}\n"))?;
    }
    let listing = match std::fs::read_dir(files.path(&cdloc)) {
        Ok(dir) => {
            let mut names: Vec<String> = dir
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        }
        Err(_) => {
            reply.error(format!("Could not list contents of {cdloc}.\n"))?;
            Vec::new()
        }
    };
    for node in nodes {
        let short = crate::nim::machine::short_name(node);
        let mine = listing.iter().filter(|f| belongs_to(f, short));
        let mut failed = false;
        for f in mine {
            let copied = files.copy(&format!("{cdloc}/{f}"), &format!("{bkloc}/{f}"), true);
            failed |= copied.is_err();
        }
        if failed {
            reply.error(format!("Could not copy files to {bkloc}. \n"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_of_a_node() {
        assert!(belongs_to("hosts.cn1", "cn1"));
        assert!(belongs_to("niminfo.cn1_71dskls", "cn1"));
        assert!(!belongs_to("hosts.cn10", "cn1"));
        assert!(!belongs_to("filesystems.xcn1", "cn1"));
    }
}
