//! The service-manager interface: start / stop / restart / disable a unit and ask
//! whether it runs.  [`Systemd`] drives `systemctl` through the command runner (real
//! hosts); [`crate::service_commands::CommandServices`] runs configured commands (hosts
//! without systemd); `RecordingServices` (feature `testing`) keeps a log and a set of
//! running units (tests), and can be told to fail a given operation.

#[cfg(feature = "testing")]
use std::collections::BTreeSet;
use std::sync::Arc;
#[cfg(feature = "testing")]
use std::sync::Mutex;
use std::time::Duration;
use xcat_handlers::runner::{Cmd, Runner, Target};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ServiceOp {
    Start,
    Stop,
    Restart,
    Disable,
}

impl ServiceOp {
    pub fn verb(self) -> &'static str {
        match self {
            ServiceOp::Start => "start",
            ServiceOp::Stop => "stop",
            ServiceOp::Restart => "restart",
            ServiceOp::Disable => "disable",
        }
    }
}

pub trait ServiceManager: Send + Sync {
    /// Applies `op` to `unit`; `Err` carries the manager's message.
    fn apply(&self, op: ServiceOp, unit: &str) -> Result<(), String>;
    /// True if `unit` is running now.
    fn is_active(&self, unit: &str) -> bool;
    /// How a step on `unit` is shown (`systemctl start xcatd`).
    fn describe(&self, op: ServiceOp, unit: &str) -> String {
        format!("systemctl {} {unit}", op.verb())
    }
    /// Why `op` on `unit` does not apply on this host (the service is not installed
    /// here); `None`: it applies.  A skipped operation prints this line and succeeds.
    fn skip_reason(&self, _op: ServiceOp, _unit: &str) -> Option<String> {
        None
    }
}

/// Unit names are fixed words of ours; refuse anything else before it reaches a command.
pub fn valid_unit(unit: &str) -> Result<&str, String> {
    let ok = !unit.is_empty()
        && !unit.starts_with('-')
        && unit
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.@".contains(&b));
    if ok {
        Ok(unit)
    } else {
        Err(format!("'{unit}' is not a valid service name"))
    }
}

/// systemd through `systemctl`, run without a shell.
pub struct Systemd {
    runner: Arc<dyn Runner>,
    timeout: Duration,
}

impl Systemd {
    pub fn new(runner: Arc<dyn Runner>) -> Systemd {
        Systemd {
            runner,
            timeout: Duration::from_secs(300),
        }
    }
}

impl ServiceManager for Systemd {
    fn apply(&self, op: ServiceOp, unit: &str) -> Result<(), String> {
        let unit = valid_unit(unit)?;
        let cmd = Cmd::new("systemctl", [op.verb(), unit]);
        let out = self.runner.run(&Target::Local, &cmd, self.timeout);
        if out.ok() {
            Ok(())
        } else {
            Err(out.stderr.trim().to_string())
        }
    }

    fn is_active(&self, unit: &str) -> bool {
        let Ok(unit) = valid_unit(unit) else {
            return false;
        };
        let cmd = Cmd::new("systemctl", ["is-active", "--quiet", unit]);
        self.runner.run(&Target::Local, &cmd, self.timeout).ok()
    }
}

#[cfg(feature = "testing")]
/// For tests: records every operation, tracks which units run, fails on request.
#[derive(Default)]
pub struct RecordingServices {
    log: Mutex<Vec<(ServiceOp, String)>>,
    active: Mutex<BTreeSet<String>>,
    failing: Mutex<BTreeSet<(ServiceOp, String)>>,
}

#[cfg(feature = "testing")]
impl RecordingServices {
    pub fn new() -> RecordingServices {
        RecordingServices::default()
    }

    /// Marks `unit` as running.
    pub fn set_active(&self, unit: &str) {
        if let Ok(mut a) = self.active.lock() {
            a.insert(unit.to_string());
        }
    }

    /// Makes every `op` on `unit` fail.
    pub fn fail(&self, op: ServiceOp, unit: &str) {
        if let Ok(mut f) = self.failing.lock() {
            f.insert((op, unit.to_string()));
        }
    }

    /// The operations so far as `systemctl` lines, in order.
    pub fn log(&self) -> Vec<String> {
        self.log
            .lock()
            .map(|l| {
                l.iter()
                    .map(|(op, u)| format!("systemctl {} {u}", op.verb()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Units running now, sorted.
    pub fn active(&self) -> Vec<String> {
        self.active
            .lock()
            .map(|a| a.iter().cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(feature = "testing")]
impl ServiceManager for RecordingServices {
    fn apply(&self, op: ServiceOp, unit: &str) -> Result<(), String> {
        let unit = valid_unit(unit)?;
        if let Ok(mut l) = self.log.lock() {
            l.push((op, unit.to_string()));
        }
        let fails = self
            .failing
            .lock()
            .map(|f| f.contains(&(op, unit.to_string())))
            .unwrap_or(false);
        if fails {
            return Err(format!("Job for {unit}.service failed."));
        }
        if let Ok(mut a) = self.active.lock() {
            match op {
                ServiceOp::Start | ServiceOp::Restart => {
                    a.insert(unit.to_string());
                }
                ServiceOp::Stop => {
                    a.remove(unit);
                }
                ServiceOp::Disable => {}
            }
        }
        Ok(())
    }

    fn is_active(&self, unit: &str) -> bool {
        self.active
            .lock()
            .map(|a| a.contains(unit))
            .unwrap_or(false)
    }
}
