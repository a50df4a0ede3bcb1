//! File systems as AIX reports them: `df -m` (seven columns — free MB is the third, the
//! mount point the seventh, as stock's copyres2 reads them) and `chfs -a size=+N`.
//! Sizes are simulated state (`nimsim fs` sets them).

use serde::{Deserialize, Serialize};

use crate::args;
use crate::outcome::Outcome;
use crate::store::State;

/// One simulated file system (`df` / `chfs`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileSystem {
    pub device: String,
    pub mount: String,
    pub total_mb: f64,
    pub free_mb: f64,
}

/// The file systems of a fresh AIX service node.
pub fn default_filesystems() -> Vec<FileSystem> {
    [
        ("/dev/hd4", "/", 2048.0, 1024.0),
        ("/dev/hd2", "/usr", 6144.0, 1536.0),
        ("/dev/hd9var", "/var", 2048.0, 1536.0),
        ("/dev/hd3", "/tmp", 2048.0, 1792.0),
        ("/dev/hd1", "/home", 1024.0, 960.0),
        ("/dev/fslv00", "/install", 20480.0, 16384.0),
    ]
    .into_iter()
    .map(|(device, mount, total_mb, free_mb)| FileSystem {
        device: device.into(),
        mount: mount.into(),
        total_mb,
        free_mb,
    })
    .collect()
}

/// The file system holding `path` (longest mount-point prefix).
fn fs_of<'a>(filesystems: &'a [FileSystem], path: &str) -> Option<&'a FileSystem> {
    let within = |fs: &&FileSystem| {
        fs.mount == "/" || path == fs.mount || path.starts_with(&format!("{}/", fs.mount))
    };
    filesystems
        .iter()
        .filter(within)
        .max_by_key(|fs| fs.mount.len())
}

/// `df [-m|-k|-g] [path…]`.
pub fn df(state: &State, argv: &[String]) -> Outcome {
    let parsed = match args::parse(
        "df",
        argv,
        "mkgPIv",
        "Usage: df [-m|-k|-g] [FileSystem|File ...]",
    ) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let (unit, div) = if parsed.has('g') {
        ("GB blocks", 1024.0)
    } else if parsed.has('k') {
        ("1024-blocks", 1.0 / 1024.0)
    } else {
        ("MB blocks", 1.0)
    };
    let mut out = Outcome::ok(format!(
        "{:<14}{:>9} {:>9} {:>5} {:>8} {:>6} {}\n",
        "Filesystem", unit, "Free", "%Used", "Iused", "%Iused", "Mounted on"
    ));
    let chosen: Vec<&FileSystem> = if parsed.operands.is_empty() {
        state.filesystems.iter().collect()
    } else {
        let mut list = Vec::new();
        for path in &parsed.operands {
            match fs_of(&state.filesystems, path) {
                Some(fs) => list.push(fs),
                None => out.err_line(format!(
                    "df: {path}: A file or directory in the path name does not exist."
                )),
            }
        }
        list
    };
    for fs in chosen {
        let used_pct = if fs.total_mb > 0.0 {
            ((fs.total_mb - fs.free_mb) / fs.total_mb * 100.0).round()
        } else {
            0.0
        };
        out.line(format!(
            "{:<14}{:>9.2} {:>9.2} {:>4}% {:>8} {:>5}% {}",
            fs.device,
            fs.total_mb / div,
            fs.free_mb / div,
            used_pct,
            1200,
            1,
            fs.mount
        ));
    }
    if !out.stderr.is_empty() {
        out.rc = 1;
    }
    out
}

/// `chfs -a size=[+]N[M|G] <mount point>`: grows (or sets) a file system's size.
pub fn chfs(state: &mut State, argv: &[String]) -> (Outcome, bool) {
    let usage = "Usage: chfs [-a Attribute=Value ...] FileSystem";
    let parsed = match args::parse("chfs", argv, "a:m:u:pdt:", usage) {
        Ok(p) => p,
        Err(out) => return (out, false),
    };
    let [mount] = parsed.operands.as_slice() else {
        return (
            args::usage_error("chfs", "one file system is required", usage),
            false,
        );
    };
    let Some(fs) = state.filesystems.iter_mut().find(|fs| &fs.mount == mount) else {
        return (
            Outcome::fail(
                1,
                format!("chfs: 0506-936 Cannot find {mount} in /etc/filesystems."),
            ),
            false,
        );
    };
    let Some(size) = parsed
        .values('a')
        .into_iter()
        .find_map(|a| a.strip_prefix("size="))
    else {
        return (Outcome::ok(""), false);
    };
    let (relative, number) = match size.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, size),
    };
    let mb = match parse_size_mb(number) {
        Some(mb) => mb,
        None => {
            return (
                Outcome::fail(1, format!("chfs: 0516-1029 {size} is not a valid size.")),
                false,
            )
        }
    };
    let new_total = if relative { fs.total_mb + mb } else { mb };
    if new_total < fs.total_mb - fs.free_mb {
        return (
            Outcome::fail(
                1,
                format!("chfs: 0516-787 The size {size} is smaller than the space in use."),
            ),
            false,
        );
    }
    fs.free_mb += new_total - fs.total_mb;
    fs.total_mb = new_total;
    (
        Outcome::ok(format!(
            "Filesystem size changed to {}\n",
            (new_total * 2048.0) as u64
        )),
        true,
    )
}

/// `N`, `NM` or `NG` in megabytes (a bare number is 512-byte blocks, as chfs reads it).
fn parse_size_mb(text: &str) -> Option<f64> {
    let (digits, factor) = match text.chars().last()? {
        'M' | 'm' => (&text[..text.len() - 1], 1.0),
        'G' | 'g' => (&text[..text.len() - 1], 1024.0),
        _ => (text, 1.0 / 2048.0),
    };
    digits
        .parse::<f64>()
        .ok()
        .filter(|n| *n >= 0.0)
        .map(|n| n * factor)
}
