//! The files NIM removes that alternate clients (`mkdsklsnode -n`) still
//! boot from: `/etc/bootptab` and the files of the tftp directory are copied
//! aside before the NIM removals and copied back after them
//! (xCAT-server/lib/xcat/plugins/aixinstall.pm:13907-13926, :14104-14122).
//! Done here with file operations (no `cp` through a shell): modes and
//! modification times kept (`cp -p`), symbolic links copied as links
//! (`cp -h`), directories not descended into (`cp` without `-r`).
//!
//! What could not be saved is not restored (stock tried and printed a
//! second error).  Parts on one server take turns ([`Backups::guard`]): the
//! backup names are fixed, as in stock.
//!
//! Stock hard-coded `/tftpboot`; the tftp directory here is `site.tftpdir`
//! (default `/tftpboot`), as everywhere else (stock: aixinstall.pm:13928-13929).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The two places, with their backup names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backups {
    pub bootptab: PathBuf,
    pub tftpdir: PathBuf,
}

/// Held from the backups to their restore (one part per server at a time).
static IN_USE: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Backups {
    /// Wait for other parts on this server to restore their backups.
    pub fn guard() -> std::sync::MutexGuard<'static, ()> {
        IN_USE.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn bootptab_bak(&self) -> PathBuf {
        let mut s = self.bootptab.clone().into_os_string();
        s.push(".bak");
        PathBuf::from(s)
    }

    pub fn tftp_bak(&self) -> PathBuf {
        self.tftpdir.join("bak")
    }

    /// `cp -p bootptab bootptab.bak`.
    pub fn save_bootptab(&self) -> io::Result<()> {
        copy_entry(&self.bootptab, &self.bootptab_bak())
    }

    /// `mkdir -p <tftpdir>/bak; cp -h -p <tftpdir>/* <tftpdir>/bak` (stock
    /// ignores the result: so does the caller).
    pub fn save_tftp(&self) -> io::Result<()> {
        let bak = self.tftp_bak();
        // Not `create_dir_all`: a missing tftp directory is not made here.
        if !bak.is_dir() {
            fs::create_dir(&bak)?;
        }
        copy_files(&self.tftpdir, &bak)
    }

    /// `cp -p bootptab.bak bootptab; rm bootptab.bak`.
    pub fn restore_bootptab(&self) -> io::Result<()> {
        let bak = self.bootptab_bak();
        copy_entry(&bak, &self.bootptab)?;
        fs::remove_file(bak)
    }

    /// `cp -h -p <tftpdir>/bak/* <tftpdir>; rm -R <tftpdir>/bak`.
    pub fn restore_tftp(&self) -> io::Result<()> {
        let bak = self.tftp_bak();
        copy_files(&bak, &self.tftpdir)?;
        fs::remove_dir_all(bak)
    }
}

/// Copy every file and link directly in `from` to `to` (directories skipped).
fn copy_files(from: &Path, to: &Path) -> io::Result<()> {
    let mut first_err = None;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            continue;
        }
        if let Err(e) = copy_entry(&entry.path(), &to.join(entry.file_name())) {
            first_err.get_or_insert(e);
        }
    }
    first_err.map_or(Ok(()), Err)
}

/// One file (mode and times kept) or symbolic link (as a link).
fn copy_entry(from: &Path, to: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(from)?;
    if meta.file_type().is_symlink() {
        let target = fs::read_link(from)?;
        match fs::symlink_metadata(to) {
            Ok(m) if m.is_dir() => return Err(io::Error::other("a directory is in the way")),
            Ok(_) => fs::remove_file(to)?,
            Err(_) => {}
        }
        return std::os::unix::fs::symlink(target, to);
    }
    if fs::symlink_metadata(to).is_ok_and(|m| m.file_type().is_symlink()) {
        fs::remove_file(to)?;
    }
    fs::copy(from, to)?;
    let f = fs::File::open(to)?;
    f.set_times(
        fs::FileTimes::new()
            .set_accessed(meta.accessed()?)
            .set_modified(meta.modified()?),
    )?;
    fs::set_permissions(to, meta.permissions())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_files_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let tftp = dir.path().join("tftpboot");
        fs::create_dir(&tftp).unwrap();
        fs::write(tftp.join("198.18.0.11.info"), "export NIM_NAME=cn01\n").unwrap();
        std::os::unix::fs::symlink("spot.chrp.mp.ent", tftp.join("cn01")).unwrap();
        fs::create_dir(tftp.join("sub")).unwrap();
        let b = Backups {
            bootptab: dir.path().join("bootptab"),
            tftpdir: tftp.clone(),
        };
        fs::write(&b.bootptab, "cn01:bf=/tftpboot/cn01:ip=198.18.0.11:\n").unwrap();
        b.save_bootptab().unwrap();
        b.save_tftp().unwrap();
        // What NIM does to them.
        fs::write(&b.bootptab, "").unwrap();
        fs::remove_file(tftp.join("198.18.0.11.info")).unwrap();
        fs::remove_file(tftp.join("cn01")).unwrap();
        b.restore_bootptab().unwrap();
        b.restore_tftp().unwrap();
        assert_eq!(
            fs::read_to_string(&b.bootptab).unwrap(),
            "cn01:bf=/tftpboot/cn01:ip=198.18.0.11:\n"
        );
        assert!(!b.bootptab_bak().exists() && !b.tftp_bak().exists());
        assert_eq!(
            fs::read_link(tftp.join("cn01")).unwrap(),
            PathBuf::from("spot.chrp.mp.ent")
        );
        assert!(tftp.join("198.18.0.11.info").is_file());
        assert!(b.restore_bootptab().is_err());
    }
}
