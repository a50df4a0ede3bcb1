//! Running the system tools the harness drives (`ip`, `unshare`, `nsenter`,
//! `mount`, `ssh-keygen`, ...): argument vectors only, never a shell, and a
//! readable error with the tool's output when one fails.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Run `cmd` to completion; `Err` with its stderr when it fails.
pub fn run(cmd: &mut Command) -> Result<Output, String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{}: {e}", describe(cmd)))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{} failed ({}): {}{}",
            describe(cmd),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// `run` on a program and its arguments.
pub fn run_args(program: &str, args: &[&str]) -> Result<Output, String> {
    run(Command::new(program).args(args))
}

/// Run and ignore the outcome (clean-up steps that may find nothing to do).
pub fn run_quiet(program: &str, args: &[&str]) {
    let _ = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// The command line, for error messages.
pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Whether `program` is found on PATH (or is an existing absolute path).
pub fn have(program: &str) -> bool {
    if program.starts_with('/') {
        return Path::new(program).exists();
    }
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
        .unwrap_or(false)
}

/// Send `signal` to `pid` (errors ignored: the process may be gone).
pub fn signal(pid: i32, signal: i32) {
    if pid > 0 {
        // SAFETY: kill(2) has no memory effects; a stale pid only fails.
        unsafe {
            libc::kill(pid, signal);
        }
    }
}

/// Whether a process `pid` exists (zombies included).
pub fn alive(pid: i32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Whether we run as root (the harness needs it).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Write `text` to `path`, creating parent directories.
pub fn write_file(path: &Path, text: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Set the mode bits of `path`.
pub fn chmod(path: &Path, mode: u32) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("chmod {}: {e}", path.display()))
}
