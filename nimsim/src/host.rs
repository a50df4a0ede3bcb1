//! Host commands as AIX prints them: `ifconfig -a` (hex netmasks, which
//! aixinstall.pm's `-S` code matches with `inet\s+(.*?)\s+netmask\s+(.*?)\s+`), `df -m`
//! (seven columns: free MB is the third, the mount point the seventh), `chfs -a size=+N`,
//! `mvdir`, `sync`, `bootlist`, `shutdown`. File-system sizes are simulated state.

use std::net::Ipv4Addr;

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

/// The host's first non-loopback IPv4 address and netmask (loopback when none).
pub fn primary_ipv4() -> Option<(Ipv4Addr, Ipv4Addr)> {
    interfaces()
        .into_iter()
        .flat_map(|(_, addrs)| addrs)
        .find_map(|a| match a {
            Addr::V4(ip, mask) if !ip.is_loopback() => Some((ip, mask)),
            _ => None,
        })
}

enum Addr {
    V4(Ipv4Addr, Ipv4Addr),
    V6(String, u32),
}

/// Interfaces in kernel order, AIX names (`lo0`, `en0`, `en1` …), with their addresses.
fn interfaces() -> Vec<(String, Vec<Addr>)> {
    let mut list: Vec<(String, Vec<Addr>)> = Vec::new();
    let Ok(addrs) = nix::ifaddrs::getifaddrs() else {
        return list;
    };
    for ifa in addrs {
        let pos = match list.iter().position(|(n, _)| *n == ifa.interface_name) {
            Some(p) => p,
            None => {
                list.push((ifa.interface_name.clone(), Vec::new()));
                list.len() - 1
            }
        };
        let Some(addr) = ifa.address else { continue };
        if let Some(v4) = addr.as_sockaddr_in() {
            let mask = ifa
                .netmask
                .and_then(|m| m.as_sockaddr_in().map(|m| m.ip()))
                .unwrap_or(Ipv4Addr::new(255, 255, 255, 255));
            list[pos].1.push(Addr::V4(v4.ip(), mask));
        } else if let Some(v6) = addr.as_sockaddr_in6() {
            let prefix = ifa
                .netmask
                .and_then(|m| m.as_sockaddr_in6().map(|m| u128::from(m.ip()).count_ones()))
                .unwrap_or(64);
            list[pos].1.push(Addr::V6(v6.ip().to_string(), prefix));
        }
    }
    let mut en = 0;
    for (name, _) in list.iter_mut() {
        *name = if name.starts_with("lo") {
            "lo0".to_string()
        } else {
            en += 1;
            format!("en{}", en - 1)
        };
    }
    list
}

/// `ifconfig -a` (or `ifconfig <name>`) in AIX's layout.
pub fn ifconfig(argv: &[String]) -> Outcome {
    let only = match argv {
        [flag] if flag == "-a" => None,
        [name] => Some(name.as_str()),
        _ => {
            return args::usage_error(
                "ifconfig",
                "usage",
                "Usage: ifconfig -a | ifconfig Interface",
            )
        }
    };
    let mut out = Outcome::ok("");
    for (name, addrs) in interfaces()
        .into_iter()
        .filter(|(n, _)| only.is_none_or(|o| o == n))
    {
        let flags = if name == "lo0" {
            "e08084b,c0<UP,BROADCAST,LOOPBACK,RUNNING,SIMPLEX,MULTICAST,GROUPRT,64BIT,LARGESEND,CHAIN>"
        } else {
            "1e080863,480<UP,BROADCAST,NOTRAILERS,RUNNING,SIMPLEX,MULTICAST,GROUPRT,64BIT,CHECKSUM_OFFLOAD(ACTIVE),CHAIN>"
        };
        out.line(format!("{name}: flags={flags}"));
        for addr in addrs {
            match addr {
                Addr::V4(ip, mask) => {
                    let bcast = Ipv4Addr::from(u32::from(ip) | !u32::from(mask));
                    out.line(format!(
                        "\tinet {ip} netmask 0x{:08x} broadcast {bcast}",
                        u32::from(mask)
                    ));
                }
                Addr::V6(ip, prefix) => out.line(format!("\tinet6 {ip}/{prefix}")),
            }
        }
        out.line("\t tcp_sendspace 262144 tcp_recvspace 262144 rfc1323 1");
    }
    if out.stdout.is_empty() {
        if let Some(name) = only {
            return Outcome::fail(
                1,
                format!("ifconfig: error getting interface information for {name}"),
            );
        }
    }
    out
}

/// `mvdir src dst`: renames a directory (stock moves shared_root aside with it).
pub fn mvdir(argv: &[String]) -> Outcome {
    let [src, dst] = argv else {
        return args::usage_error(
            "mvdir",
            "two directories are required",
            "Usage: mvdir Directory1 Directory2",
        );
    };
    if std::path::Path::new(dst).exists() {
        return Outcome::fail(1, format!("mvdir: {dst} already exists."));
    }
    match std::fs::rename(src, dst) {
        Ok(()) => Outcome::ok(""),
        Err(e) => Outcome::fail(1, format!("mvdir: cannot move {src} to {dst}: {e}")),
    }
}

/// `bootlist -m mode [-o] [device [attr=value…] …]`: sets or shows a boot list.
pub fn bootlist(state: &mut State, argv: &[String]) -> (Outcome, bool) {
    let usage =
        "Usage: bootlist [-m normal|service|both|prevboot] [-o] [-r] [Device [attr=value ...] ...]";
    let parsed = match args::parse("bootlist", argv, "m:orifv", usage) {
        Ok(p) => p,
        Err(out) => return (out, false),
    };
    let Some(mode) = parsed.value('m') else {
        return (
            args::usage_error("bootlist", "the -m flag is required", usage),
            false,
        );
    };
    if !["normal", "service", "both", "prevboot"].contains(&mode) {
        return (
            args::usage_error("bootlist", &format!("{mode} is not a valid mode"), usage),
            false,
        );
    }
    let changed = !parsed.operands.is_empty();
    if changed {
        let entry = parsed.operands.join(" ");
        for m in if mode == "both" {
            vec!["normal", "service"]
        } else {
            vec![mode]
        } {
            state.bootlists.insert(m.to_string(), vec![entry.clone()]);
        }
    }
    let mut out = Outcome::ok("");
    if parsed.has('o') || parsed.has('r') {
        for line in state.bootlists.get(mode).into_iter().flatten() {
            out.line(line);
        }
    }
    (out, changed)
}

/// `shutdown [-F] [-r] …`: recorded, never acted on.
pub fn shutdown(state: &mut State, _argv: &[String]) -> (Outcome, bool) {
    state.shutdowns += 1;
    (Outcome::ok("\nSHUTDOWN PROGRAM\n\nWait for 'Halt completed' before stopping.\nHalt completed....\n"), true)
}
