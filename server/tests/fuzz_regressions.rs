//! Replays the fuzz corpus (`fuzz/corpus/<target>/`) and every crash the
//! fuzzers found (`fuzz/regressions/<target>/`, one file per case) through
//! the same target bodies cargo-fuzz runs (`fuzz/src/lib.rs`): a plain test,
//! so the crash cases stay fixed without a nightly toolchain.
//!
//! The corpus the long runs grew (`fuzz/kept/<target>.tar.xz`) is replayed
//! only on request, as it takes minutes in a debug build:
//! `cargo test -p xcatd --test fuzz_regressions -- --ignored --nocapture`.

#[path = "../../fuzz/src/lib.rs"]
mod bodies;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Every file under `fuzz/{corpus,regressions}/<target>/`, sorted.
fn cases(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut out = Vec::new();
    for kind in ["corpus", "regressions"] {
        if let Ok(rd) = std::fs::read_dir(root.join(kind).join(target)) {
            out.extend(rd.flatten().map(|e| e.path()).filter(|p| p.is_file()));
        }
    }
    out.sort();
    out
}

fn replay(target: &str, body: fn(&[u8])) {
    let files = cases(target);
    assert!(!files.is_empty(), "no corpus for fuzz target {target}");
    for f in files {
        let data = std::fs::read(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        eprintln!("{target}: {}", f.display());
        body(&data);
    }
}

#[test]
fn request_cases() {
    replay("request", bodies::request);
}

#[test]
fn noderange_cases() {
    replay("noderange", bodies::noderange);
}

#[test]
fn regexattr_cases() {
    replay("regexattr", bodies::regexattr);
}

#[test]
fn stanza_cases() {
    replay("stanza", bodies::stanza);
}

#[test]
fn csv_cases() {
    replay("csv", bodies::csv);
}

/// Every input of `fuzz/kept/<target>.tar.xz` through `body`; prints the
/// count and the time an input took on average.
fn replay_kept(target: &str, body: fn(&[u8])) {
    let archive =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../fuzz/kept/{target}.tar.xz"));
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("tar")
        .arg("-xJf")
        .arg(&archive)
        .arg("-C")
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success(), "tar -xJf {}", archive.display());
    let mut files: Vec<PathBuf> = walk(dir.path());
    files.sort();
    assert!(!files.is_empty(), "{} is empty", archive.display());
    let start = Instant::now();
    for f in &files {
        body(&std::fs::read(f).unwrap());
    }
    let took = start.elapsed();
    eprintln!(
        "{target}: {} kept inputs in {:.1} s, {:.1} ms an input",
        files.len(),
        took.as_secs_f64(),
        took.as_secs_f64() * 1000.0 / files.len() as f64
    );
}

/// The files under `dir`, at any depth.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
#[ignore = "minutes in a debug build; run by hand (module doc)"]
fn noderange_kept_corpus() {
    replay_kept("noderange", bodies::noderange);
}

#[test]
#[ignore = "minutes in a debug build; run by hand (module doc)"]
fn regexattr_kept_corpus() {
    replay_kept("regexattr", bodies::regexattr);
}
