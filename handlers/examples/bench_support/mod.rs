//! Shared by the handler benchmarks: a responder that serialises like the
//! daemon and drops the bytes, a handler context on a given database, and the
//! process's peak memory.
#![allow(dead_code)]

use std::sync::Arc;
use xcat_handlers::api::{Aborted, Ctx, Responder, ServerInfo};
use xcat_handlers::runner::RecordingRunner;
use xcat_proto::Response;
use xcat_schema::db::Db;

/// Serialises every document like the daemon does, then drops it.
pub struct Sink {
    pub buf: Vec<u8>,
    pub bytes: usize,
    pub errors: usize,
}

impl Sink {
    pub fn new() -> Sink {
        Sink {
            buf: Vec::new(),
            bytes: 0,
            errors: 0,
        }
    }
}

impl Responder for Sink {
    fn send(&mut self, r: Response) -> Result<(), Aborted> {
        self.buf.clear();
        r.write_to(&mut self.buf);
        self.bytes += self.buf.len();
        if r.error_code() != 0 {
            self.errors += 1;
        }
        Ok(())
    }
}

/// A root, privileged context on `db` with a recording runner.
pub fn ctx(db: &Db) -> Ctx {
    Ctx {
        db: db.clone(),
        server: Arc::new(ServerInfo {
            short_host: "bench".into(),
            version_line: "Version 2.19.0 (bench)".into(),
            confdir: std::env::temp_dir(),
            mn_marker: std::env::temp_dir().join("none"),
            sn_marker: std::env::temp_dir().join("none"),
            ha: None,
        }),
        runner: Arc::new(RecordingRunner::new()),
        user: Some("root".into()),
        peer_host: None,
        privileged: true,
        groups: None,
    }
}

/// VmHWM of this process in kB (0 when /proc is not readable).
pub fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
