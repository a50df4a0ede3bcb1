//! What the benchmark tools read about a running daemon from `/proc`: its
//! CPU time (user + system) and its peak resident memory (VmHWM).

use std::time::Duration;

/// utime + stime of `pid` (fields 14 and 15 of /proc/PID/stat), at the
/// kernel's clock-tick resolution.
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_comm = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_comm.split_whitespace().collect();
    // after_comm starts at field 3 (state): utime is field 14.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let hz = if hz > 0 { hz as u64 } else { 100 };
    Some(Duration::from_millis((utime + stime) * 1000 / hz))
}

/// The `VmHWM:` value of `pid` as the kernel prints it (e.g. `62324 kB`).
pub fn vm_hwm(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(|v| v.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        assert!(cpu_time(std::process::id()).is_some());
        assert!(vm_hwm(std::process::id()).is_some_and(|v| v.ends_with("kB")));
    }
}
