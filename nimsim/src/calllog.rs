//! The call log, `<state>/calls.log`: one JSON object per line, appended under the host
//! lock, so tests can assert the exact command sequence per host.
//!
//! Line format (keys always in this order):
//! `{"seq":N,"ts_ms":EPOCH_MS,"pid":PID,"cmd":"lsnim","argv":["/usr/sbin/lsnim","-l","x"],"rc":0}`
//! plus `"fault":"fail"|"hang"|"delay"` when an armed fault answered or slowed the call. `argv[0]` is the
//! path as invoked; `cmd` is the simulated command (its basename). A hung call is logged
//! when it starts hanging, with `"rc":null`.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// File name of the call log inside the state directory.
pub const LOG_FILE: &str = "calls.log";
/// File holding the last sequence number (so numbering survives without rereading the log).
pub const SEQ_FILE: &str = "calls.seq";

/// The next call sequence number (the caller holds the host lock).
pub fn next_seq(dir: &Path) -> Result<u64, String> {
    let path = dir.join(SEQ_FILE);
    let last = std::fs::read_to_string(&path)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(0);
    let next = last + 1;
    crate::store::write_atomically(&path, format!("{next}\n").as_bytes())?;
    Ok(next)
}

/// One logged call.
#[derive(Debug, Serialize)]
pub struct CallRecord<'a> {
    pub seq: u64,
    pub ts_ms: u128,
    pub pid: u32,
    pub cmd: &'a str,
    pub argv: &'a [String],
    pub rc: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<&'a str>,
}

impl<'a> CallRecord<'a> {
    /// A record stamped with the current time and this process id.
    pub fn now(
        seq: u64,
        cmd: &'a str,
        argv: &'a [String],
        rc: Option<i32>,
        fault: Option<&'a str>,
    ) -> Self {
        let ts_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        CallRecord {
            seq,
            ts_ms,
            pid: std::process::id(),
            cmd,
            argv,
            rc,
            fault,
        }
    }
}

/// Appends one record (the caller holds the host lock, so lines never interleave).
pub fn append(dir: &Path, record: &CallRecord) -> Result<(), String> {
    let mut line = serde_json::to_string(record).map_err(|e| format!("cannot encode call: {e}"))?;
    line.push('\n');
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(LOG_FILE))
        .map_err(|e| format!("cannot open call log: {e}"))?;
    file.write_all(line.as_bytes())
        .map_err(|e| format!("cannot write call log: {e}"))
}

/// The raw log (empty when nothing was called yet).
pub fn read(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(LOG_FILE)).unwrap_or_default()
}

/// The log rendered as one `rc<TAB>argv words…` line per call, argv[0] as its basename.
pub fn render_plain(raw: &str) -> String {
    let mut out = String::new();
    for line in raw.lines() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let rc = value
            .get("rc")
            .and_then(|v| v.as_i64())
            .map(|v| v.to_string())
            .unwrap_or_else(|| "-".into());
        let cmd = value.get("cmd").and_then(|v| v.as_str()).unwrap_or("?");
        let args: Vec<String> = value
            .get("argv")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .skip(1)
                    .filter_map(|w| w.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        out.push_str(&format!("{rc}\t{cmd} {}\n", args.join(" ")).replace(" \n", "\n"));
    }
    out
}
