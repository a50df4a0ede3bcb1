//! The options the `xcatha` binary takes itself, in any position, before the front
//! ends see the rest: `--root DIR` (managed paths under DIR, for tests),
//! `--service-manager systemd|commands` and `--services FILE` (the commands of
//! [`crate::service_commands`]).

use crate::service_commands::CommandServices;
use crate::services::{ServiceManager, Systemd};
use std::path::PathBuf;
use std::sync::Arc;
use xcat_handlers::runner::Runner;

/// What the binary's own options chose.
pub struct Launch {
    pub root: PathBuf,
    pub manager: ManagerChoice,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManagerChoice {
    Systemd,
    /// Configured commands read from this file.
    Commands(String),
}

impl ManagerChoice {
    /// The service manager this choice names.
    pub fn build(&self, runner: Arc<dyn Runner>) -> Result<Arc<dyn ServiceManager>, String> {
        Ok(match self {
            ManagerChoice::Systemd => Arc::new(Systemd::new(runner)),
            ManagerChoice::Commands(file) => Arc::new(CommandServices::from_file(file, runner)?),
        })
    }
}

/// Removes `--root`, `--service-manager` and `--services` (each with its value) from
/// `argv`; `Err` is the text after `xcatha: error: `.
pub fn take_options(argv: &mut Vec<String>) -> Result<Launch, String> {
    let root = take_value(argv, "--root")?.unwrap_or_else(|| "/".into());
    let kind = take_value(argv, "--service-manager")?;
    let file = take_value(argv, "--services")?;
    let manager = match (kind.as_deref(), file) {
        (None | Some("systemd"), None) => ManagerChoice::Systemd,
        (Some("commands"), Some(f)) => ManagerChoice::Commands(f),
        (Some("commands"), None) => {
            return Err("--service-manager commands needs --services FILE".into())
        }
        (None | Some("systemd"), Some(_)) => {
            return Err("--services is for --service-manager commands".into())
        }
        (Some(other), _) => {
            return Err(format!(
                "argument --service-manager: invalid choice: '{other}' (choose from 'systemd', 'commands')"
            ))
        }
    };
    Ok(Launch {
        root: PathBuf::from(root),
        manager,
    })
}

fn take_value(argv: &mut Vec<String>, name: &str) -> Result<Option<String>, String> {
    let Some(pos) = argv.iter().position(|a| a == name) else {
        return Ok(None);
    };
    let value = argv
        .get(pos + 1)
        .cloned()
        .ok_or_else(|| format!("argument {name}: expected one argument"))?;
    argv.drain(pos..pos + 2);
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_are_taken_out_in_any_position() {
        let mut a = args(&[
            "xcatha",
            "--services",
            "/etc/s",
            "-a",
            "--service-manager",
            "commands",
        ]);
        let l = take_options(&mut a).unwrap();
        assert_eq!(l.manager, ManagerChoice::Commands("/etc/s".into()));
        assert_eq!(a, args(&["xcatha", "-a"]));
        let mut a = args(&["xcatha", "-d"]);
        assert_eq!(
            take_options(&mut a).unwrap().manager,
            ManagerChoice::Systemd
        );
        for bad in [
            &["x", "--service-manager", "commands"][..],
            &["x", "--services", "f"],
            &["x", "--service-manager", "upstart"],
            &["x", "--root"],
        ] {
            assert!(take_options(&mut args(bad)).is_err(), "{bad:?}");
        }
    }
}
