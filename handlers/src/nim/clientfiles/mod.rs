//! The files `mkdsklsnode` edits on a service node after NIM initialised its
//! diskless clients (xCAT-server/lib/xcat/plugins/aixinstall.pm:11747-11990,
//! 12000-12338).  They live on the service node itself, so they are read and
//! written in this process, every path under one root directory (`/`, or a
//! scratch directory set by code in tests), each write atomic (temporary
//! file in the same directory, then rename: a failure leaves the old file).
//!
//! * [`hosts_copy`]: `<SR>/etc/hosts` → `.client_data/hosts.<nimname>` (aixinstall.pm:11995-12031).
//! * [`external_nfs`]: hosts / filesystems / `<nodeip>.info` for a node
//!   whose `nfsserver` is another host, and the `/proc` stanza
//!   (aixinstall.pm:12063-12265).
//! * [`sns_backup`]: the `.client_data` copy snmove restores (aixinstall.pm:12270-12338).
//! * [`basecust`]: `BASECUST_REMOVAL` in `<tftpdir>/<nodeip>.info`
//!   (aixinstall.pm:11747-11800).
//! * [`bootp`]: `-n` (dhcpsd.cnf, bootptab `ha=`) and the HFI extra MACs.
//! * [`edits`]: the text changes themselves, without any file.
//!
//! Every database value (names, addresses, MACs, paths) is validated with
//! [`super::validate`] before it reaches a path, a file or a command.
//! Commands (`lssrc`, `refresh`) go through [`super::cmd::Nim`].

pub mod basecust;
pub mod bootp;
pub mod edits;
pub mod external_nfs;
pub mod hosts_copy;
pub mod sns_backup;

use super::model::Reply;
use crate::api::Aborted;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Files shared by all nodes of a service node (/etc/bootptab,
/// /etc/dhcpsd.cnf): one read-modify-write at a time in this process.
static SHARED_FILES: Mutex<()> = Mutex::new(());

/// Where the service node's files are.
#[derive(Debug, Clone)]
pub struct ClientFiles {
    root: PathBuf,
}

impl Default for ClientFiles {
    fn default() -> ClientFiles {
        ClientFiles::system()
    }
}

impl ClientFiles {
    /// The real files (`/`).
    pub fn system() -> ClientFiles {
        ClientFiles {
            root: PathBuf::from("/"),
        }
    }

    /// Every absolute path looked up under `root` (tests).
    pub fn under(root: impl Into<PathBuf>) -> ClientFiles {
        ClientFiles { root: root.into() }
    }

    /// The file an absolute (stock) path names.
    pub fn path(&self, abs: &str) -> PathBuf {
        self.root.join(abs.trim_start_matches('/'))
    }

    /// The whole text of a file.
    pub fn read(&self, abs: &str) -> std::io::Result<String> {
        std::fs::read_to_string(self.path(abs))
    }

    /// Replace a file's contents atomically (its permissions kept).
    pub fn write(&self, abs: &str, text: &str) -> std::io::Result<()> {
        write_atomic(&self.path(abs), text.as_bytes())
    }

    /// Copy a file atomically (stock `cp`; `keep_times`: `cp -p`).
    pub fn copy(&self, from: &str, to: &str, keep_times: bool) -> std::io::Result<()> {
        let src = self.path(from);
        let data = std::fs::read(&src)?;
        let dst = self.path(to);
        write_atomic(&dst, &data)?;
        let meta = std::fs::metadata(&src)?;
        std::fs::set_permissions(&dst, meta.permissions())?;
        if keep_times {
            let file = std::fs::File::options().write(true).open(&dst)?;
            file.set_modified(meta.modified()?)?;
        }
        Ok(())
    }

    /// Edit a file shared by all nodes, one edit at a time in this process.
    pub(crate) fn with_shared_lock<T>(&self, f: impl FnOnce() -> T) -> T {
        let _held = SHARED_FILES.lock().unwrap_or_else(|p| p.into_inner());
        f()
    }
}

/// The temporary file a write of `path` goes through: same directory,
/// named after the file and this process.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.xcatd-{}.tmp", std::process::id()))
}

/// Write `data` to a temporary file beside `path`, flush it to disk and
/// rename it over `path`; the old file's permissions are kept.  On failure
/// the temporary file is removed and `path` is untouched.
pub fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(data)?;
        if let Ok(meta) = std::fs::metadata(path) {
            f.set_permissions(meta.permissions())?;
        }
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() && tmp.is_file() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// An [E] message stock sends without counting it (no `$error++`).
fn uncounted(reply: &mut Reply, text: impl Into<String>) -> Result<(), Aborted> {
    super::hanfs::uncounted(reply, text.into())
}
