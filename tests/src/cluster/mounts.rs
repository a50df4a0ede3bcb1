//! Each host's mount (and UTS: its own host name) namespace, kept alive by a bind of its `/proc/<pid>/ns/mnt`
//! file (`unshare --mount=FILE`), entered with `nsenter`.  Inside it `/etc`,
//! `/var`, `/usr`, `/root` and `/opt` are overlays whose upper layer is the
//! host's own directory (so `/etc/hosts`, `/etc/xcat`, `/etc/xCATMN`,
//! `/var/log/xcat`, `/var/lib/nimsim`, `/root/.ssh`, the stock client links
//! under `/opt/xcat/bin` and the NIM commands under `/usr/sbin` are the
//! host's alone), and `/install` and `/tftpboot` are binds of host directories.
//! The host directories live on a tmpfs mounted on the cluster's scratch root.

use super::layout::{Layout, BOUND, OVERLAID};
use super::sys::{run, run_args, run_quiet};
use std::ffi::CString;
use std::path::Path;
use std::process::Command;

/// Mount a tmpfs on the cluster's scratch root: overlay upper layers need a
/// file system that supports them (the machine's own may be an overlay, as
/// in a container), and clean-up is one unmount.
pub fn mount_scratch(layout: &Layout) -> Result<(), String> {
    let base = layout.base();
    std::fs::create_dir_all(&base).map_err(|e| format!("{}: {e}", base.display()))?;
    let source = format!("xcluster-{}", layout.id);
    run_args(
        "mount",
        &[
            "-t",
            "tmpfs",
            "-o",
            "mode=0755",
            &source,
            &base.to_string_lossy(),
        ],
    )?;
    Ok(())
}

/// Unmount the scratch tmpfs (lazily if something still holds it).
pub fn release_scratch(layout: &Layout) {
    let base = layout.base().to_string_lossy().into_owned();
    for _ in 0..10 {
        if !leftover_mounts(layout).contains(&base) {
            return;
        }
        if run_args("umount", &[&base]).is_err() {
            run_quiet("umount", &["-l", &base]);
        }
    }
}

/// Make the directory of namespace files a private bind mount of itself
/// (binding a namespace file under a shared mount fails).
pub fn prepare_ns_dir(layout: &Layout) -> Result<(), String> {
    let dir = layout.ns_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let d = dir.to_string_lossy();
    run_args("mount", &["--bind", &d, &d])?;
    run_args("mount", &["--make-private", &d])?;
    Ok(())
}

/// Create the host's directories (upper layers must exist before mounting).
pub fn prepare_host_dirs(layout: &Layout, host: &str) -> Result<(), String> {
    let dir = layout.host_dir(host);
    for name in OVERLAID {
        for d in [dir.join(name), dir.join(format!("{name}.work"))] {
            std::fs::create_dir_all(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        }
    }
    for name in BOUND {
        let d = dir.join(name);
        std::fs::create_dir_all(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        let point = Path::new("/").join(name);
        if !point.exists() {
            std::fs::create_dir_all(&point).map_err(|e| format!("{}: {e}", point.display()))?;
        }
    }
    let log = layout.log_dir(host);
    std::fs::create_dir_all(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    Ok(())
}

/// Mark a prepared upper-layer directory opaque: the machine's directory of
/// the same name does not show through (`/root/.ssh`, `/etc/xcat`).
pub fn make_opaque(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = CString::new(dir.to_string_lossy().as_bytes()).map_err(|e| e.to_string())?;
    let name = c"trusted.overlay.opaque";
    // SAFETY: both strings are NUL-terminated and the value is a 1-byte buffer.
    let rc = unsafe { libc::setxattr(path.as_ptr(), name.as_ptr(), b"y".as_ptr().cast(), 1, 0) };
    if rc == 0 {
        Ok(())
    } else {
        Err(format!(
            "setxattr {}: {}",
            dir.display(),
            std::io::Error::last_os_error()
        ))
    }
}

/// Create the host's mount namespace and mount its overlays and binds.
pub fn create_host_ns(layout: &Layout, host: &str) -> Result<(), String> {
    let mnt = layout.mnt_file(host);
    std::fs::File::create(&mnt).map_err(|e| format!("{}: {e}", mnt.display()))?;
    let uts = layout.uts_file(host);
    std::fs::File::create(&uts).map_err(|e| format!("{}: {e}", uts.display()))?;
    let mnt_arg = format!("--mount={}", mnt.display());
    let uts_arg = format!("--uts={}", uts.display());
    // `hostname` runs inside the new namespaces: the host gets its own name.
    run_args(
        "unshare",
        &[
            &mnt_arg,
            &uts_arg,
            "--propagation",
            "private",
            "hostname",
            host,
        ],
    )?;
    let dir = layout.host_dir(host);
    for name in OVERLAID {
        let lower = Path::new("/").join(name);
        if !lower.is_dir() {
            continue;
        }
        let opts = format!(
            "lowerdir={},upperdir={},workdir={}",
            lower.display(),
            dir.join(name).display(),
            dir.join(format!("{name}.work")).display()
        );
        let target = lower.to_string_lossy().into_owned();
        run(Command::new("nsenter")
            .arg(&mnt_arg)
            .args(["mount", "-t", "overlay", "overlay", "-o", &opts, &target]))?;
    }
    for name in BOUND {
        let src = dir.join(name).to_string_lossy().into_owned();
        let target = format!("/{name}");
        run(Command::new("nsenter")
            .arg(&mnt_arg)
            .args(["mount", "--bind", &src, &target]))?;
    }
    // The copy of the machine's mounts holds other namespaces' files: drop them.
    let ns_dir = layout.ns_dir().to_string_lossy().into_owned();
    run_quiet("nsenter", &[&mnt_arg, "umount", "-l", &ns_dir]);
    run_quiet("nsenter", &[&mnt_arg, "umount", "-l", "/run/netns"]);
    Ok(())
}

/// A command that runs `program` inside the host's network and mount
/// namespaces, with a clean root environment (`HOME=/root`, the stock
/// client directory first on `PATH`) and `/` as working directory.
pub fn host_command(layout: &Layout, host: &str, program: &str) -> Command {
    let mut cmd = Command::new("nsenter");
    cmd.arg(format!("--net=/run/netns/{}", layout.netns(host)))
        .arg(format!("--mount={}", layout.mnt_file(host).display()))
        .arg(format!("--uts={}", layout.uts_file(host).display()))
        .arg("--")
        .arg(program)
        .current_dir("/")
        .env_clear()
        .env("HOME", "/root")
        .env("USER", "root")
        .env("LOGNAME", "root")
        .env("LANG", "C")
        .env(
            "PATH",
            "/opt/xcat/bin:/opt/xcat/sbin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        );
    cmd
}

/// Release the host's mount and UTS namespaces (its mounts go when its
/// last process does).
pub fn release_host_ns(layout: &Layout, host: &str) {
    for file in [layout.mnt_file(host), layout.uts_file(host)] {
        run_quiet("umount", &[&file.to_string_lossy()]);
        let _ = std::fs::remove_file(&file);
    }
}

/// Unmount the namespace directory (after every host's file is released).
pub fn release_ns_dir(layout: &Layout) {
    let dir = layout.ns_dir();
    run_quiet("umount", &[&dir.to_string_lossy()]);
    let _ = std::fs::remove_dir(&dir);
}

/// Mount points under `/run/xcluster/<id>` (or its `.ns`) still in the
/// machine's mount table.
pub fn leftover_mounts(layout: &Layout) -> Vec<String> {
    let base = layout.base().to_string_lossy().into_owned();
    let ns = layout.ns_dir().to_string_lossy().into_owned();
    let ours = |p: &str| {
        [&base, &ns]
            .iter()
            .any(|d| p == d.as_str() || p.starts_with(&format!("{d}/")))
    };
    let text = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    text.lines()
        .filter_map(|l| l.split_whitespace().nth(4))
        .filter(|p| ours(p))
        .map(str::to_string)
        .collect()
}
