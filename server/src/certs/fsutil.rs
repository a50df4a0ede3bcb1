//! File helpers for credentials: exact modes (independent of the umask),
//! ownership, and I/O errors that name the path.

use super::CertError;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

fn io_err(path: &Path, e: std::io::Error) -> CertError {
    CertError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

/// `mkdir -p` then `chmod mode` on the last component.
pub fn mkdir_mode(path: &Path, mode: u32) -> Result<(), CertError> {
    fs::create_dir_all(path).map_err(|e| io_err(path, e))?;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(|e| io_err(path, e))
}

/// Write a whole file (created with `mode` so secrets are never readable in
/// between, then chmod'ed to exactly `mode`).
pub fn write_mode(path: &Path, data: &[u8], mode: u32) -> Result<(), CertError> {
    let tmp = path.with_extension("xcatd-tmp");
    let _ = fs::remove_file(&tmp);
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode & 0o700)
        .open(&tmp)
        .map_err(|e| io_err(&tmp, e))?;
    f.write_all(data).map_err(|e| io_err(&tmp, e))?;
    f.sync_all().map_err(|e| io_err(&tmp, e))?;
    drop(f);
    fs::set_permissions(&tmp, fs::Permissions::from_mode(mode)).map_err(|e| io_err(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| io_err(path, e))
}

pub fn read_to_string(path: &Path) -> Result<String, CertError> {
    fs::read_to_string(path).map_err(|e| io_err(path, e))
}

/// `chown -R uid:gid path`.
pub fn chown_tree(path: &Path, uid: u32, gid: u32) -> Result<(), CertError> {
    std::os::unix::fs::lchown(path, Some(uid), Some(gid)).map_err(|e| io_err(path, e))?;
    if path.is_dir() {
        for entry in fs::read_dir(path).map_err(|e| io_err(path, e))? {
            let entry = entry.map_err(|e| io_err(path, e))?;
            chown_tree(&entry.path(), uid, gid)?;
        }
    }
    Ok(())
}
