//! A service manager for hosts without systemd: each service's start, stop, status
//! (and optionally restart, disable) is a configured command, run through the command
//! runner without a shell.  The configuration is a file of lines
//!
//! ```text
//! # service   operation  program and arguments (split on blanks, no quoting, no shell)
//! postgresql  start      /usr/sbin/runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D /var/lib/pgsql/data -l /var/log/pgsql.log -w start
//! postgresql  stop       /usr/sbin/runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D /var/lib/pgsql/data -m fast -w stop
//! postgresql  status     /usr/sbin/runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D /var/lib/pgsql/data status
//! ```
//!
//! A service without lines is not present on this host: every operation on it is
//! skipped with a line saying so.  Like `systemctl`, starting a running service and
//! stopping a stopped one succeed without running anything (when a `status` command
//! says so); `restart` without its own command is stop (if running), then start;
//! `disable` without a command is skipped (nothing starts these services at boot).

use crate::services::{ServiceManager, ServiceOp};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use xcat_handlers::runner::{Cmd, Runner, Target};

/// What a configuration line may name besides the [`ServiceOp`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Action {
    Op(ServiceOp),
    Status,
}

impl Action {
    fn parse(word: &str) -> Option<Action> {
        Some(match word {
            "start" => Action::Op(ServiceOp::Start),
            "stop" => Action::Op(ServiceOp::Stop),
            "restart" => Action::Op(ServiceOp::Restart),
            "disable" => Action::Op(ServiceOp::Disable),
            "status" => Action::Status,
            _ => return None,
        })
    }
}

/// Services driven by configured commands.
pub struct CommandServices {
    runner: Arc<dyn Runner>,
    commands: BTreeMap<String, BTreeMap<Action, Cmd>>,
    timeout: Duration,
}

impl CommandServices {
    /// Reads the configuration file at `path`.
    pub fn from_file(path: &str, runner: Arc<dyn Runner>) -> Result<CommandServices, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        CommandServices::parse(&text, runner).map_err(|e| format!("{path}: {e}"))
    }

    /// Parses the configuration text (`Err` names the bad line).
    pub fn parse(text: &str, runner: Arc<dyn Runner>) -> Result<CommandServices, String> {
        let mut commands: BTreeMap<String, BTreeMap<Action, Cmd>> = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("");
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.is_empty() {
                continue;
            }
            let bad = |why: &str| format!("line {}: {why}", n + 1);
            let [unit, action, program, args @ ..] = words.as_slice() else {
                return Err(bad("expected: SERVICE OPERATION PROGRAM [ARGS...]"));
            };
            crate::services::valid_unit(unit).map_err(|e| bad(&e))?;
            let action = Action::parse(action).ok_or_else(|| {
                bad(&format!(
                    "unknown operation '{action}' (start, stop, restart, disable, status)"
                ))
            })?;
            let entry = commands.entry(unit.to_string()).or_default();
            if entry
                .insert(action, Cmd::new(program, args.to_vec()))
                .is_some()
            {
                return Err(bad("operation given twice"));
            }
        }
        Ok(CommandServices {
            runner,
            commands,
            timeout: Duration::from_secs(300),
        })
    }

    fn command(&self, unit: &str, action: Action) -> Option<&Cmd> {
        self.commands.get(unit)?.get(&action)
    }

    fn run(&self, cmd: &Cmd) -> Result<(), String> {
        let out = self.runner.run(&Target::Local, cmd, self.timeout);
        if out.ok() {
            return Ok(());
        }
        let text = format!("{}{}", out.stdout, out.stderr);
        let text = text.trim();
        Err(if text.is_empty() {
            format!("{} failed", cmd.to_shell_line())
        } else {
            text.to_string()
        })
    }

    /// The status command's answer; `None` when there is none.
    fn running(&self, unit: &str) -> Option<bool> {
        let cmd = self.command(unit, Action::Status)?;
        Some(self.runner.run(&Target::Local, cmd, self.timeout).ok())
    }

    fn start(&self, unit: &str) -> Result<(), String> {
        match (
            self.running(unit),
            self.command(unit, Action::Op(ServiceOp::Start)),
        ) {
            (Some(true), _) => Ok(()),
            (_, Some(cmd)) => self.run(cmd),
            (_, None) => Err(format!("no start command for {unit}")),
        }
    }

    fn stop(&self, unit: &str) -> Result<(), String> {
        match (
            self.running(unit),
            self.command(unit, Action::Op(ServiceOp::Stop)),
        ) {
            (Some(false), _) => Ok(()),
            (_, Some(cmd)) => self.run(cmd),
            (_, None) => Err(format!("no stop command for {unit}")),
        }
    }
}

impl ServiceManager for CommandServices {
    fn apply(&self, op: ServiceOp, unit: &str) -> Result<(), String> {
        if let Some(cmd) = self.command(unit, Action::Op(op)) {
            if op != ServiceOp::Start && op != ServiceOp::Stop {
                return self.run(cmd);
            }
        }
        match op {
            ServiceOp::Start => self.start(unit),
            ServiceOp::Stop => self.stop(unit),
            ServiceOp::Restart => {
                self.stop(unit)?;
                self.start(unit)
            }
            ServiceOp::Disable => Ok(()),
        }
    }

    fn is_active(&self, unit: &str) -> bool {
        self.running(unit).unwrap_or(false)
    }

    fn describe(&self, op: ServiceOp, unit: &str) -> String {
        let line = |a| {
            self.command(unit, Action::Op(a))
                .map(Cmd::to_shell_line)
                .unwrap_or_else(|| format!("({unit}: no {} command)", a.verb()))
        };
        match (op, self.command(unit, Action::Op(op))) {
            (_, Some(cmd)) => cmd.to_shell_line(),
            (ServiceOp::Restart, None) => {
                format!("{}, then {}", line(ServiceOp::Stop), line(ServiceOp::Start))
            }
            (_, None) => line(op),
        }
    }

    fn skip_reason(&self, op: ServiceOp, unit: &str) -> Option<String> {
        if !self.commands.contains_key(unit) {
            return Some(format!(
                "{} {unit}: not present on this host, skipped",
                op.verb()
            ));
        }
        if op == ServiceOp::Disable && self.command(unit, Action::Op(op)).is_none() {
            return Some(format!("disable {unit}: no disable command, skipped"));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xcat_handlers::runner::SystemRunner;

    fn runner() -> Arc<dyn Runner> {
        Arc::new(SystemRunner::new(Box::new(|_r, _t| Vec::new())))
    }

    #[test]
    fn parses_lines_and_refuses_bad_ones() {
        let text = "# comment\n\nxcatd start /bin/true a b\nxcatd status /bin/false\n";
        let s = CommandServices::parse(text, runner()).unwrap();
        assert_eq!(s.describe(ServiceOp::Start, "xcatd"), "/bin/true a b");
        assert!(!s.is_active("xcatd"));
        // Stopping a stopped service runs nothing (no stop command needed).
        assert_eq!(s.apply(ServiceOp::Stop, "xcatd"), Ok(()));
        assert_eq!(s.apply(ServiceOp::Start, "xcatd"), Ok(()));
        assert!(s.skip_reason(ServiceOp::Start, "named").is_some());
        assert!(s.skip_reason(ServiceOp::Disable, "xcatd").is_some());
        assert!(s.skip_reason(ServiceOp::Start, "xcatd").is_none());
        for bad in [
            "xcatd start\n",
            "xcatd launch /bin/true\n",
            "-x start /bin/true\n",
            "xcatd start /bin/true\nxcatd start /bin/true\n",
        ] {
            assert!(CommandServices::parse(bad, runner()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_failing_command_reports_its_output() {
        let s = CommandServices::parse("db start /bin/false\n", runner()).unwrap();
        assert_eq!(
            s.apply(ServiceOp::Start, "db"),
            Err("/bin/false failed".into())
        );
    }
}
