//! Replays the fuzz corpus (`fuzz/corpus/<target>/`) and every crash the
//! fuzzers found (`fuzz/regressions/<target>/`, one file per case) through
//! the same target bodies cargo-fuzz runs (`fuzz/src/lib.rs`): a plain test,
//! so the crash cases stay fixed without a nightly toolchain.

#[path = "../../fuzz/src/lib.rs"]
mod bodies;

use std::path::{Path, PathBuf};

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
