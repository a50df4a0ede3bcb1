//! The per-host state directory: where it is (`NIMSIM_STATE`, default `/var/lib/nimsim`),
//! the lock that serialises every call on one host (as NIM serialises on its database),
//! and the state file, replaced atomically (write a temporary file, then rename).

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};
use serde::{Deserialize, Serialize};

use crate::disk::FileSystem;
use crate::faults::FaultRule;
use crate::nfs_export::NfsState;
use crate::objects::NimObject;
use crate::src_ctl::Subsystem;

/// Default state directory (one per host: each host has its own mount namespace).
pub const DEFAULT_STATE_DIR: &str = "/var/lib/nimsim";
const STATE_FILE: &str = "state.json";
const LOCK_FILE: &str = "lock";

/// Everything the simulator remembers about one host.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// Counter giving each new NIM object its definition order.
    pub next_order: u64,
    /// NIM objects by name; empty until `nim_master_setup` configures NIM.
    pub objects: BTreeMap<String, NimObject>,
    pub nfs: NfsState,
    /// SRC subsystems; filled with the defaults on first use.
    pub subsystems: BTreeMap<String, Subsystem>,
    /// File systems `df`/`chfs` report on; filled with the defaults on first use.
    pub filesystems: Vec<FileSystem>,
    /// Armed faults (see `faults`).
    pub faults: Vec<FaultRule>,
    /// Boot lists set with `bootlist -m <mode> …`.
    pub bootlists: BTreeMap<String, Vec<String>>,
    /// `/etc/niminfo` of a NIM client (`niminit -a name= -a master=`).
    pub niminfo: BTreeMap<String, String>,
    /// Number of `shutdown` calls seen.
    pub shutdowns: u64,
}

impl State {
    /// Whether NIM is configured on this host (a `master` object exists).
    pub fn nim_configured(&self) -> bool {
        self.objects
            .get("master")
            .is_some_and(|m| m.otype == "master")
    }

    /// The next definition order number.
    pub fn take_order(&mut self) -> u64 {
        self.next_order += 1;
        self.next_order
    }

    /// Fills defaults that a fresh host has (SRC subsystems, file systems).
    fn with_defaults(mut self) -> Self {
        if self.subsystems.is_empty() {
            self.subsystems = crate::src_ctl::default_subsystems();
        }
        if self.filesystems.is_empty() {
            self.filesystems = crate::disk::default_filesystems();
        }
        self
    }
}

/// The state directory for this process.
pub fn state_dir() -> PathBuf {
    std::env::var_os("NIMSIM_STATE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_STATE_DIR))
}

/// An exclusive hold on a host's state: taken before reading, released on drop.
pub struct Locked {
    dir: PathBuf,
    _lock: Flock<File>,
}

impl Locked {
    /// Creates the directory if needed and waits for the host lock.
    pub fn acquire(dir: &Path) -> Result<Locked, String> {
        fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create state directory {}: {e}", dir.display()))?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK_FILE))
            .map_err(|e| format!("cannot open lock file in {}: {e}", dir.display()))?;
        let lock = Flock::lock(file, FlockArg::LockExclusive)
            .map_err(|(_, e)| format!("cannot lock state: {e}"))?;
        Ok(Locked {
            dir: dir.to_path_buf(),
            _lock: lock,
        })
    }

    /// The directory this lock guards.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reads the state (a missing file is a fresh host).
    pub fn load(&self) -> Result<State, String> {
        let path = self.dir.join(STATE_FILE);
        let state = match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| format!("corrupt state file {}: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State::default(),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        Ok(state.with_defaults())
    }

    /// Replaces the state file atomically.
    pub fn save(&self, state: &State) -> Result<(), String> {
        let bytes = serde_json::to_vec(state).map_err(|e| format!("cannot encode state: {e}"))?;
        write_atomically(&self.dir.join(STATE_FILE), &bytes)
    }

    /// Removes the state file and the call log (`nimsim reset`).
    pub fn wipe(&self) -> Result<(), String> {
        for name in [
            STATE_FILE,
            crate::calllog::LOG_FILE,
            crate::calllog::SEQ_FILE,
        ] {
            match fs::remove_file(self.dir.join(name)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot remove {name}: {e}")),
            }
        }
        Ok(())
    }
}

/// Writes `bytes` to a temporary file next to `path` and renames it over `path` (readers
/// see the old or the new state, never a mix; no fsync: a test tool need not survive a crash).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
}
