//! Files on nimprime.  When nimprime is this host (stock `is_me`) they are
//! plain file operations; when it is another host every operation is a
//! command through the [`Runner`] (ssh, every word quoted), and a file
//! written there is staged here and sent with rsync over ssh (stock: `xdcp`).
//! Paths come validated by the callers (`nim::validate::path`); a path sent
//! as an rsync remote argument is checked once more by [`rsync_safe`].

use super::super::cmd::{self, Nim, Ran};
use crate::runner::{Cmd, Target};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A failed file operation: what was tried and why it failed.
pub type FileResult<T> = Result<T, String>;

/// Files on one host (nimprime or a service node).
pub struct Files<'a> {
    nim: Nim<'a>,
}

impl<'a> Files<'a> {
    pub fn new(nim: Nim<'a>) -> Files<'a> {
        Files { nim }
    }

    fn host(&self) -> Option<&str> {
        match self.nim.target() {
            Target::Local => None,
            Target::Host(h) => Some(h),
        }
    }

    /// The command lines run so far (remote operations only; `-V` output).
    pub fn take_lines(&self) -> Vec<String> {
        self.nim.take_lines()
    }

    fn test(&self, flag: &str, path: &str) -> bool {
        self.nim.run(cmd::TEST, &[flag, path]).ok()
    }

    pub fn exists(&self, path: &str) -> bool {
        match self.host() {
            None => Path::new(path).symlink_metadata().is_ok(),
            Some(_) => self.test("-e", path),
        }
    }

    pub fn is_dir(&self, path: &str) -> bool {
        match self.host() {
            None => Path::new(path).is_dir(),
            Some(_) => self.test("-d", path),
        }
    }

    pub fn is_file(&self, path: &str) -> bool {
        match self.host() {
            None => Path::new(path).is_file(),
            Some(_) => self.test("-f", path),
        }
    }

    /// The whole file as text.
    pub fn read(&self, path: &str) -> FileResult<String> {
        match self.host() {
            None => std::fs::read(path)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .map_err(|e| format!("{path}: {e}")),
            Some(_) => checked(self.nim.run(cmd::CAT, &[path])).map(|r| r.out.stdout),
        }
    }

    /// Replace (or create) `path` with `text`: mode `mode`, or with `None`
    /// the mode the file had (0644 for a new one).  A local file is written
    /// beside and renamed, so readers see the old or the new file.
    pub fn write(&self, path: &str, text: &str, mode: Option<u32>) -> FileResult<()> {
        let staged = match self.host() {
            None => PathBuf::from(format!("{path}.xcatnew{}", unique())),
            Some(_) => std::env::temp_dir().join(format!("xcatd-prime{}", unique())),
        };
        let keep = || {
            std::fs::metadata(path)
                .map(|m| m.permissions().mode() & 0o7777)
                .unwrap_or(0o644)
        };
        let local_mode = match (self.host(), mode) {
            (_, Some(m)) => m,
            (None, None) => keep(),
            (Some(_), None) => 0o644,
        };
        let done = write_local(&staged, text, local_mode).and_then(|()| match self.host() {
            None => std::fs::rename(&staged, path).map_err(|e| format!("{path}: {e}")),
            Some(h) => self.send(&staged, h, path, mode.is_some()),
        });
        let _ = std::fs::remove_file(&staged);
        done
    }

    /// `mkdir -m <mode> -p path` (the mode applies to the last directory).
    pub fn mkdir_p(&self, path: &str, mode: u32) -> FileResult<()> {
        match self.host() {
            None => {
                let existed = Path::new(path).is_dir();
                std::fs::create_dir_all(path).map_err(|e| format!("{path}: {e}"))?;
                if !existed {
                    set_mode(Path::new(path), mode)?;
                }
                Ok(())
            }
            Some(_) => {
                let m = format!("{mode:o}");
                checked(self.nim.run(cmd::MKDIR, &["-m", &m, "-p", path])).map(drop)
            }
        }
    }

    /// `cp -p src dst` (dst a file or a directory).
    pub fn copy_file(&self, src: &str, dst: &str) -> FileResult<()> {
        match self.host() {
            None => {
                let mut to = PathBuf::from(dst);
                if to.is_dir() {
                    to.push(Path::new(src).file_name().unwrap_or_default());
                }
                copy_file_local(Path::new(src), &to)
            }
            Some(_) => checked(self.nim.run(cmd::CP, &["-p", src, dst])).map(drop),
        }
    }

    /// `cp -p -r src dst_dir` (the tree `src` lands in `dst_dir`).
    pub fn copy_tree(&self, src: &str, dst_dir: &str) -> FileResult<()> {
        match self.host() {
            None => {
                let name = Path::new(src).file_name().unwrap_or_default();
                copy_tree_local(Path::new(src), &Path::new(dst_dir).join(name))
            }
            Some(_) => checked(self.nim.run(cmd::CP, &["-p", "-r", src, dst_dir])).map(drop),
        }
    }

    /// `cp -r -p src/. dst_dir`: what `src` holds, into `dst_dir`.
    pub fn copy_contents(&self, src: &str, dst_dir: &str) -> FileResult<()> {
        match self.host() {
            None => {
                let entries = std::fs::read_dir(src).map_err(|e| format!("{src}: {e}"))?;
                for entry in entries {
                    let entry = entry.map_err(|e| format!("{src}: {e}"))?;
                    copy_tree_local(&entry.path(), &Path::new(dst_dir).join(entry.file_name()))?;
                }
                Ok(())
            }
            Some(_) => {
                let all = format!("{}/.", src.trim_end_matches('/'));
                checked(self.nim.run(cmd::CP, &["-r", "-p", &all, dst_dir])).map(drop)
            }
        }
    }

    /// Create an empty file unless it exists (`touch`).
    pub fn touch(&self, path: &str) -> FileResult<()> {
        match self.host() {
            None => std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map(drop)
                .map_err(|e| format!("{path}: {e}")),
            Some(_) => checked(self.nim.run(cmd::TOUCH, &[path])).map(drop),
        }
    }

    /// `chmod +x path`.
    pub fn make_executable(&self, path: &str) -> FileResult<()> {
        match self.host() {
            None => {
                let mode = std::fs::metadata(path)
                    .map_err(|e| format!("{path}: {e}"))?
                    .permissions()
                    .mode();
                set_mode(Path::new(path), (mode & 0o7777) | 0o111)
            }
            Some(_) => checked(self.nim.run(cmd::CHMOD, &["+x", path])).map(drop),
        }
    }

    /// Remove a file; a missing file is not an error.
    pub fn remove(&self, path: &str) -> FileResult<()> {
        match self.host() {
            None => match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(format!("{path}: {e}")),
                _ => Ok(()),
            },
            Some(_) => checked(self.nim.run(cmd::RM, &["-f", path])).map(drop),
        }
    }

    /// Run a command on this host (for what has no file-operation form,
    /// e.g. `chgrp system`: group names are the host's).
    pub fn run(&self, stock_path: &str, args: &[&str]) -> Ran {
        self.nim.run(stock_path, args)
    }

    /// Send a local file to `host:path` with rsync over ssh.
    /// With `perms` the staged file's mode goes along (`-p`); without, an
    /// existing remote file keeps its own.
    fn send(&self, local: &Path, host: &str, path: &str, perms: bool) -> FileResult<()> {
        let remote = format!("{host}:{}", rsync_safe(path)?);
        let local = local.to_string_lossy();
        let here = Nim::new(self.nim.runner(), Target::Local, self.nim.config());
        let mut args = vec![];
        if perms {
            args.push("-p");
        }
        args.extend([local.as_ref(), remote.as_str()]);
        checked(here.run(cmd::RSYNC, &args)).map(drop)
    }
}

/// A path that reaches rsync's remote side (read by a remote shell on older
/// rsync): only characters no shell treats specially.
pub fn rsync_safe(path: &str) -> FileResult<&str> {
    let ok = path.starts_with('/')
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+@%=,:".contains(&b));
    if ok {
        Ok(path)
    } else {
        Err(format!("'{path}' cannot be sent to another host"))
    }
}

/// The run's text when it failed, the run when it succeeded.
pub fn checked(r: Ran) -> FileResult<Ran> {
    if r.ok() {
        Ok(r)
    } else {
        Err(format!("{}: {}", r.line, r.text()))
    }
}

fn unique() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        ".{}.{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn set_mode(path: &Path, mode: u32) -> FileResult<()> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn write_local(path: &Path, text: &str, mode: u32) -> FileResult<()> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    set_mode(path, mode)
}

/// `cp -p`: contents, mode and modification time.
fn copy_file_local(src: &Path, dst: &Path) -> FileResult<()> {
    let err = |e: std::io::Error| format!("{} -> {}: {e}", src.display(), dst.display());
    std::fs::copy(src, dst).map_err(err)?;
    let modified = std::fs::metadata(src)
        .and_then(|m| m.modified())
        .map_err(err)?;
    // Setting times needs ownership, not write access: a read-only file works.
    std::fs::File::open(dst)
        .and_then(|f| f.set_modified(modified))
        .map_err(err)
}

/// `cp -p -r`: directories, files (with their modes) and symbolic links.
fn copy_tree_local(src: &Path, dst: &Path) -> FileResult<()> {
    let err = |e: std::io::Error| format!("{} -> {}: {e}", src.display(), dst.display());
    let meta = src.symlink_metadata().map_err(err)?;
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(src).map_err(err)?;
        let _ = std::fs::remove_file(dst);
        return std::os::unix::fs::symlink(target, dst).map_err(err);
    }
    if !meta.is_dir() {
        return copy_file_local(src, dst);
    }
    std::fs::create_dir_all(dst).map_err(err)?;
    for entry in std::fs::read_dir(src).map_err(err)? {
        let entry = entry.map_err(err)?;
        copy_tree_local(&entry.path(), &dst.join(entry.file_name()))?;
    }
    set_mode(dst, meta.permissions().mode() & 0o7777)
}

/// The command a remote copy would run (for messages): `cmd` as one line.
pub fn line(program: &str, args: &[&str]) -> String {
    Cmd::new(program, args.iter().copied()).to_shell_line()
}
