//! Local wall-clock time (the one `localtime_r` wrapper): stock stamps its logs, tokens and
//! prune limits in the server's local time zone. The `time` crate cannot give the local
//! offset in a multi-threaded process, so this asks libc.

use std::time::{SystemTime, UNIX_EPOCH};

/// A broken-down local time (month 1-12, day 1-31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalTime {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
}

/// Seconds since the epoch now (0 if the clock is before 1970).
pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `secs` since the epoch in local time; 1970-01-01 00:00:00 if libc cannot convert it.
pub fn local_time(secs: i64) -> LocalTime {
    let t = secs as libc::time_t;
    // SAFETY: tm is plain data; localtime_r reads `t` and writes only into `tm`, both valid
    // for the call.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if !ok {
        return LocalTime {
            year: 1970,
            month: 1,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
        };
    }
    LocalTime {
        year: tm.tm_year as i64 + 1900,
        month: tm.tm_mon as i64 + 1,
        day: tm.tm_mday as i64,
        hour: tm.tm_hour as i64,
        minute: tm.tm_min as i64,
        second: tm.tm_sec as i64,
    }
}

impl LocalTime {
    /// `YYYY-MM-DD hh:mm:ss`, zero-padded (command log, eventlog/auditlog times).
    pub fn padded(&self) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padded_format_and_order() {
        let a = local_time(86_400 * 365);
        assert_eq!(a.padded().len(), 19);
        assert!(local_time(86_400 * 366) > a);
    }
}
