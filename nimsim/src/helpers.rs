//! The `nimsim` helper commands (run as `nimsim …`):
//!
//! * `nimsim <command> [args…]` — run a simulated command without a link;
//! * `nimsim --install-links DIR` — symlink every simulated command name in DIR to this binary;
//! * `nimsim list` — the simulated commands with the AIX path of each;
//! * `nimsim reset` — forget the host's state and call log;
//! * `nimsim calls [--plain]` — print the call log (raw JSON lines, or `rc<TAB>cmd args`);
//! * `nimsim fault …` — arm or list faults (see `faults`);
//! * `nimsim fs MOUNT TOTAL_MB FREE_MB [DEVICE]` — set a simulated file system's size;
//! * `nimsim set NAME ATTR VALUE` — set any attribute of a NIM object, e.g. `Mstate
//!   "currently running"` for a client that booted (an empty VALUE removes it);
//! * `nimsim state` — print the state file.

use std::path::Path;

use crate::calllog;
use crate::commands::{self, COMMANDS};
use crate::disk::FileSystem;
use crate::faults;
use crate::store::{self, Locked};

const USAGE: &str = "usage: nimsim <command> [args...] | --install-links DIR | list | reset | calls [--plain] | fault SPEC fail [TIMES [RC]] | fault SPEC hang|delay SECS [TIMES] | fault list | fault clear | fs MOUNT TOTAL_MB FREE_MB [DEVICE] | set NAME ATTR VALUE | state";

/// Runs a helper; returns the exit code.
pub fn run(args: &[String]) -> i32 {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match words.as_slice() {
        [cmd, ..] if commands::is_command(cmd) => return crate::simulate::call(cmd, args),
        ["--install-links", dir] => install_links(Path::new(dir)),
        ["list"] => Ok(COMMANDS.iter().map(|(n, p)| format!("{n} {p}\n")).collect()),
        ["reset"] => with_lock(|lock| lock.wipe().map(|()| String::new())),
        ["calls"] => with_lock(|lock| Ok(calllog::read(lock.dir()))),
        ["calls", "--plain"] => {
            with_lock(|lock| Ok(calllog::render_plain(&calllog::read(lock.dir()))))
        }
        ["fault", rest @ ..] => fault(rest),
        ["fs", mount, total, free, rest @ ..] => set_fs(mount, total, free, rest.first().copied()),
        ["set", name, attr, value] => set_attr(name, attr, value),
        ["state"] => with_lock(|lock| {
            serde_json::to_string_pretty(&lock.load()?)
                .map(|s| s + "\n")
                .map_err(|e| e.to_string())
        }),
        ["-h" | "--help" | "help"] => Ok(format!("{USAGE}\n")),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(text) => {
            print!("{text}");
            0
        }
        Err(problem) => {
            eprintln!("nimsim: {problem}");
            if problem == USAGE {
                2
            } else {
                1
            }
        }
    }
}

fn with_lock(f: impl FnOnce(&Locked) -> Result<String, String>) -> Result<String, String> {
    let lock = Locked::acquire(&store::state_dir())?;
    f(&lock)
}

/// Creates (or replaces) `DIR/<command>` symlinks to this executable.
fn install_links(dir: &Path) -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find own executable: {e}"))?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut out = String::new();
    for (name, _) in COMMANDS {
        let link = dir.join(name);
        if link.symlink_metadata().is_ok() {
            std::fs::remove_file(&link)
                .map_err(|e| format!("cannot replace {}: {e}", link.display()))?;
        }
        std::os::unix::fs::symlink(&exe, &link)
            .map_err(|e| format!("cannot link {}: {e}", link.display()))?;
        out.push_str(&format!("{}\n", link.display()));
    }
    Ok(out)
}

fn fault(words: &[&str]) -> Result<String, String> {
    with_lock(|lock| {
        let mut state = lock.load()?;
        match words {
            ["list"] => {
                return Ok(state
                    .faults
                    .iter()
                    .map(|r| format!("{}\n", serde_json::to_string(r).unwrap_or_default()))
                    .collect())
            }
            ["clear"] => state.faults.clear(),
            _ => {
                let owned: Vec<String> = words.iter().map(|w| w.to_string()).collect();
                state.faults.push(faults::parse_rule(&owned)?);
            }
        }
        lock.save(&state).map(|()| String::new())
    })
}

fn set_fs(mount: &str, total: &str, free: &str, device: Option<&str>) -> Result<String, String> {
    let total_mb: f64 = total
        .parse()
        .map_err(|_| format!("not a size in MB: {total}"))?;
    let free_mb: f64 = free
        .parse()
        .map_err(|_| format!("not a size in MB: {free}"))?;
    if !mount.starts_with('/') || free_mb > total_mb || free_mb < 0.0 {
        return Err("fs needs an absolute mount point and 0 <= FREE_MB <= TOTAL_MB".into());
    }
    with_lock(|lock| {
        let mut state = lock.load()?;
        let device = device
            .map(str::to_string)
            .unwrap_or_else(|| format!("/dev/lv{}", state.filesystems.len()));
        match state.filesystems.iter_mut().find(|fs| fs.mount == mount) {
            Some(fs) => {
                fs.total_mb = total_mb;
                fs.free_mb = free_mb;
            }
            None => state.filesystems.push(FileSystem {
                device,
                mount: mount.to_string(),
                total_mb,
                free_mb,
            }),
        }
        lock.save(&state).map(|()| String::new())
    })
}

fn set_attr(name: &str, attr: &str, value: &str) -> Result<String, String> {
    with_lock(|lock| {
        let mut state = lock.load()?;
        let obj = state
            .objects
            .get_mut(name)
            .ok_or_else(|| format!("there is no NIM object named \"{name}\""))?;
        if value.is_empty() {
            obj.unset(attr);
        } else {
            obj.set(attr, value);
        }
        lock.save(&state).map(|()| String::new())
    })
}
