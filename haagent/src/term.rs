//! The term on the shared data: `<shared>/xcatha/term`, one line `TERM HOLDER`, replaced
//! atomically (temporary file, fsync, rename, fsync of the directory) and raised only by
//! compare-and-raise under an exclusive `flock` on `<shared>/xcatha/term.lock`, so two
//! nodes that try to take over at once cannot both win.

use crate::state::TermRecord;
use nix::fcntl::{Flock, FlockArg};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Where the term lives under the shared data directory.
#[derive(Debug, Clone)]
pub struct TermFile {
    dir: PathBuf,
}

impl TermFile {
    /// The term file of the shared data directory `shared` (e.g. `/HA`).
    pub fn new(shared: &Path) -> TermFile {
        TermFile {
            dir: shared.join("xcatha"),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join("term")
    }

    /// The record, `None` when no term was ever raised.
    pub fn read(&self) -> io::Result<Option<TermRecord>> {
        match std::fs::read_to_string(self.path()) {
            Ok(text) => parse(&text).map(Some).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: not 'TERM HOLDER': {text:?}", self.path().display()),
                )
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The term only (0 when none).
    pub fn current(&self) -> io::Result<u64> {
        Ok(self.read()?.map_or(0, |r| r.term))
    }

    /// Raises the term from `from` to `from + 1` held by `holder`; `Err(Ok(found))`
    /// when the term is no longer `from` (another node raised it).
    pub fn raise(&self, from: u64, holder: &str) -> io::Result<Result<u64, u64>> {
        std::fs::create_dir_all(&self.dir)?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join("term.lock"))?;
        let _held =
            Flock::lock(lock, FlockArg::LockExclusive).map_err(|(_, e)| io::Error::from(e))?;
        let found = self.current()?;
        if found != from {
            return Ok(Err(found));
        }
        let next = from + 1;
        self.write(&TermRecord {
            term: next,
            holder: holder.to_string(),
        })?;
        Ok(Ok(next))
    }

    fn write(&self, rec: &TermRecord) -> io::Result<()> {
        let tmp = self.dir.join(format!("term.tmp.{}", std::process::id()));
        let mut f = File::create(&tmp)?;
        writeln!(f, "{} {}", rec.term, rec.holder)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, self.path())?;
        File::open(&self.dir)?.sync_all()
    }
}

fn parse(text: &str) -> Option<TermRecord> {
    let mut words = text.split_whitespace();
    let term = words.next()?.parse().ok()?;
    let holder = words.next()?.to_string();
    words
        .next()
        .is_none()
        .then_some(TermRecord { term, holder })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_and_raise() {
        let dir = tempfile::tempdir().unwrap();
        let t = TermFile::new(dir.path());
        assert_eq!(t.read().unwrap(), None);
        assert_eq!(t.raise(0, "mn1").unwrap(), Ok(1));
        assert_eq!(t.raise(0, "mn2").unwrap(), Err(1));
        assert_eq!(t.raise(1, "mn2").unwrap(), Ok(2));
        assert_eq!(
            t.read().unwrap(),
            Some(TermRecord {
                term: 2,
                holder: "mn2".into()
            })
        );
        std::fs::write(t.path(), "x y z").unwrap();
        assert!(t.read().is_err());
    }
}
