//! Writing executable files (stand-in programs, hook scripts) that a test
//! runs at once.
//!
//! A file a multi-threaded test process writes itself can fail to execute
//! with ETXTBSY ("Text file busy"): another test thread forks a child in the
//! moment the write descriptor is open, and the child holds its copy until
//! it calls exec. The file is therefore written by a child process
//! (`install`), so no descriptor of this process ever writes it.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Write `text` to `path` with mode 0755, its directories made first.
pub fn write_exec(path: &Path, text: &str) -> Result<(), String> {
    let what = |e: String| format!("writing {}: {e}", path.display());
    let mut child = Command::new("install")
        .args(["-D", "-m", "755", "/dev/stdin"])
        .arg(path)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| what(e.to_string()))?;
    let mut stdin = child.stdin.take().ok_or_else(|| what("no stdin".into()))?;
    stdin
        .write_all(text.as_bytes())
        .map_err(|e| what(e.to_string()))?;
    drop(stdin);
    let out = child.wait_with_output().map_err(|e| what(e.to_string()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(what(String::from_utf8_lossy(&out.stderr).into_owned()))
    }
}
