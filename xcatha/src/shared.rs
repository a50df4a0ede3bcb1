//! The shared-data directory (`-p`): which directories live there, copying this host's
//! directories into it on first setup, and replacing each local directory with a
//! symbolic link to its shared copy (the local one kept as `<dir>.xcatbak`).  A local
//! directory that is a mount point (`/install` on its own file system) cannot be renamed:
//! the shared copy is bind-mounted on it instead (`mount --bind`), and a directory that
//! already is the shared copy stays as it is.

use crate::dbtype::DbType;
use crate::exec::{Exec, Tries};
use crate::host;
use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use xcat_handlers::runner::Cmd;

/// The directories that move to shared storage (xcatha.py's list without the MySQL
/// directory; the PostgreSQL directory only with PostgreSQL).
pub fn shared_dirs(db: DbType) -> Vec<&'static str> {
    let mut dirs = vec!["/install", "/etc/xcat", "/root/.xcat"];
    if db == DbType::Postgresql {
        dirs.push("/var/lib/pgsql");
    }
    dirs.push("/tftpboot");
    dirs
}

/// Copies the local directories into `shared` when it holds no xCAT data yet (no
/// `<shared>/etc/xcat`) and its mode is 755, as xcatha.py does; then links each one.
pub fn configure(exec: &mut Exec, shared: &str, db: DbType) -> bool {
    let shared_root = exec.env.given(shared);
    let first_setup = !shared_root.join("etc/xcat").exists();
    let mode_ok = fs::metadata(&shared_root)
        .map(|m| m.permissions().mode() & 0o777 == 0o755)
        .unwrap_or(false);
    let mut ok = true;
    if first_setup && mode_ok {
        for dir in shared_dirs(db) {
            let src = exec.env.path(dir);
            if !src.exists() {
                continue;
            }
            let dst = shared_root.join(dir.trim_start_matches('/'));
            ok &= exec.file(&format!("Copy {dir} to {}", dst.display()), || {
                copy_tree(&src, &dst)
            });
        }
    }
    for dir in shared_dirs(db) {
        ok &= use_shared_copy(exec, dir, &shared_root.join(dir.trim_start_matches('/')));
    }
    ok
}

/// Makes the local `dir` the shared `target`: a symbolic link, or a bind mount when
/// `dir` is a mount point (nothing when it already is the shared copy).
fn use_shared_copy(exec: &mut Exec, dir: &str, target: &Path) -> bool {
    let local = exec.env.path(dir);
    if is_mount_point(&local) {
        if same_directory(&local, target) {
            exec.say(&format!("{dir} is already {}", target.display()));
            return true;
        }
        let bind = Cmd::new(
            "mount",
            [
                "--bind".to_string(),
                target.display().to_string(),
                local.display().to_string(),
            ],
        );
        return exec.command(&bind, Tries::Once);
    }
    exec.file(
        &format!("Creating symlink {dir} -> {}", target.display()),
        || link_to_shared(&local, target),
    )
}

/// Whether `path` is a mount point in this host's mount table.
fn is_mount_point(path: &Path) -> bool {
    let text = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let wanted = path.to_string_lossy();
    text.lines()
        .filter_map(|l| l.split(' ').nth(4))
        .any(|m| unescape_mount_path(m) == wanted)
}

/// `/proc/self/mountinfo` writes space, tab, newline and backslash as `\ooo`.
fn unescape_mount_path(field: &str) -> String {
    field
        .replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\")
}

fn same_directory(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// Replaces `local` by a link to `target`; an existing directory becomes
/// `<local>.xcatbak` (an older backup is removed first).  A link stays as it is.
pub fn link_to_shared(local: &Path, target: &Path) -> io::Result<()> {
    if fs::symlink_metadata(local).is_ok_and(|m| m.file_type().is_symlink()) {
        return Ok(());
    }
    if local.exists() {
        let bak = backup_path(local);
        if fs::symlink_metadata(&bak).is_ok() {
            remove_any(&bak)?;
        }
        move_dir(local, &bak)?;
    }
    if let Some(parent) = local.parent() {
        fs::create_dir_all(parent)?;
    }
    std::os::unix::fs::symlink(target, local)
}

/// Renames `from` to `to`; across file systems (or out of an overlay's lower layer:
/// `EXDEV`) copies and removes instead, as xcatha.py's `shutil.move` does.
fn move_dir(from: &Path, to: &Path) -> io::Result<()> {
    match fs::rename(from, to) {
        Err(e) if e.raw_os_error() == Some(libc::EXDEV) => {
            copy_tree(from, to)?;
            remove_any(from)
        }
        other => other,
    }
}

/// `<dir>.xcatbak`.
pub fn backup_path(local: &Path) -> std::path::PathBuf {
    let mut name = local.as_os_str().to_owned();
    name.push(".xcatbak");
    name.into()
}

fn remove_any(p: &Path) -> io::Result<()> {
    if fs::symlink_metadata(p)?.is_dir() {
        fs::remove_dir_all(p)
    } else {
        fs::remove_file(p)
    }
}

/// Copies a tree keeping modes, owners (when permitted) and symbolic links.
pub fn copy_tree(src: &Path, dst: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(src)?;
    if meta.file_type().is_symlink() {
        std::os::unix::fs::symlink(fs::read_link(src)?, dst)?;
    } else if meta.is_dir() {
        fs::create_dir_all(dst)?;
        for entry in fs::read_dir(src)? {
            let entry = entry?;
            copy_tree(&entry.path(), &dst.join(entry.file_name()))?;
        }
        fs::set_permissions(dst, meta.permissions())?;
    } else {
        fs::copy(src, dst)?;
    }
    // Ownership as in xcatha.py's chown -R; only root may give files away.
    let _ = std::os::unix::fs::lchown(dst, Some(meta.uid()), Some(meta.gid()));
    Ok(())
}

/// Appends `<ip> <host>` to the shared `/etc/xcat/ha_mn` unless it is there.
pub fn save_physical(exec: &mut Exec, saved: Option<(String, String)>) -> bool {
    exec.say("Save original host name and address in the shared data");
    let Some((ip, name)) = saved else {
        exec.say("Unable to find the saved physical host name and address");
        return true;
    };
    let entry = format!("{ip} {name}");
    let file = exec.env.path(host::ETC_HA_MN);
    if host::has_word(&host::read_or_empty(&file), &entry) {
        return true;
    }
    exec.file(
        &format!("Write \"{entry}\" into {}", host::ETC_HA_MN),
        || host::append_line(&file, &entry),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_points_are_read_from_mountinfo() {
        assert_eq!(unescape_mount_path("/a\\040b\\134c"), "/a b\\c");
        assert!(is_mount_point(Path::new("/")));
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_mount_point(dir.path()));
        assert!(same_directory(dir.path(), &dir.path().join(".")));
        assert!(!same_directory(dir.path(), Path::new("/")));
    }
}
