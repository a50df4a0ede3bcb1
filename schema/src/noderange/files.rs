//! `^file` items: a file of noderanges, one per line (text up to the first
//! `:`, space or tab; lines starting with `#` or `^` skipped), each expanded
//! and combined.  Reading happens with the daemon's rights, so it is only
//! allowed when [`super::ExpandOpts::allow_files`] is set; relative paths are
//! taken from the request's cwd; only regular files are read, up to a size
//! cap.  A file that cannot be opened contributes nothing (as stock).  Misses
//! from the file's lines are reported as the `^file` token, so the file's
//! contents are never echoed.

use super::context::Ctx;
use super::{parse, NodeRangeError};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest file read.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

pub(super) fn expand_file(
    cx: &mut Ctx<'_>,
    path: &str,
    verify: bool,
    generic: bool,
) -> Result<HashSet<String>, NodeRangeError> {
    if !cx.opts.allow_files {
        return Err(NodeRangeError::FileNotAllowed(path.to_string()));
    }
    let full = resolve_path(cx.opts.cwd.as_deref(), path);
    let Some(text) = read_regular_file(&full) else {
        return Ok(HashSet::new());
    };
    let before = cx.missing_len();
    let mut nodes = HashSet::new();
    for line in text.lines() {
        if line.starts_with('#') || line.starts_with('^') {
            continue;
        }
        let end = line.find([':', ' ', '\t']).unwrap_or(line.len());
        let item = &line[..end];
        if item.is_empty() {
            continue;
        }
        cx.count(1)?;
        nodes.extend(parse::eval_range(cx, item, verify, generic)?);
    }
    if cx.missing_len() > before {
        cx.truncate_missing(before);
        cx.push_missing(&format!("^{path}"));
    }
    Ok(nodes)
}

fn resolve_path(cwd: Option<&Path>, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    cwd.unwrap_or_else(|| Path::new("/")).join(p)
}

/// The file's text if it is a readable regular file (checked before opening
/// and again on the open handle, so a FIFO or device is never read).
fn read_regular_file(path: &Path) -> Option<String> {
    // stat first: opening a FIFO for reading would block.
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut buf = Vec::new();
    file.take(MAX_FILE_BYTES).read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}
