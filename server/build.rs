//! Build script: records the short git commit of the source tree as
//! `XCATD_GIT_SHA` for `lsxcatd -v` ("unknown" outside a git checkout).

use std::process::Command;

fn main() {
    let sha = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=XCATD_GIT_SHA={sha}");
    // Re-run when HEAD moves: HEAD itself, the branch ref it names, packed refs.
    let git = std::path::Path::new("../.git");
    let mut watch = vec![git.join("HEAD"), git.join("packed-refs")];
    if let Ok(head) = std::fs::read_to_string(git.join("HEAD")) {
        if let Some(r) = head.trim().strip_prefix("ref: ") {
            watch.push(git.join(r));
        }
    }
    for p in watch {
        if p.exists() {
            println!("cargo:rerun-if-changed={}", p.display());
        }
    }
    println!("cargo:rerun-if-env-changed=XCATD_GIT_SHA");
}
