//! The options the `xcatha` binary takes itself, in any position, before the front
//! ends see the rest: `--root DIR` (managed paths under DIR, for tests),
//! `--service-manager systemd|commands` and `--services FILE` (the commands of
//! [`crate::service_commands`]), `--ha-config FILE` (the HA agent configuration of the
//! local daemon; default [`crate::agent::DEFAULT_CONFIG`] when it exists) and
//! `--xcatd HOST:PORT` (where that daemon listens; default
//! [`crate::agent::DEFAULT_XCATD`]).

use crate::agent::{self, AgentLink, Xcatd};
use crate::service_commands::CommandServices;
use crate::services::{ServiceManager, Systemd};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use xcat_handlers::runner::Runner;

/// What the binary's own options chose.
pub struct Launch {
    pub root: PathBuf,
    pub manager: ManagerChoice,
    /// `--ha-config FILE`.
    pub ha_config: Option<String>,
    /// `--xcatd HOST:PORT`.
    pub xcatd: Option<String>,
}

impl Launch {
    /// The agent configuration in use: `--ha-config FILE` (which must exist), else
    /// [`agent::DEFAULT_CONFIG`] under the root if it exists; `None`: no agent.
    pub fn agent_config(&self) -> Result<Option<PathBuf>, String> {
        match &self.ha_config {
            Some(f) if Path::new(f).is_file() => Ok(Some(PathBuf::from(f))),
            Some(f) => Err(format!("argument --ha-config: {f} is not a file")),
            None => {
                let default = self
                    .root
                    .join(agent::DEFAULT_CONFIG.trim_start_matches('/'));
                Ok(default.is_file().then_some(default))
            }
        }
    }

    /// The link to the local daemon's agent when an agent configuration is in use.
    pub fn agent(&self) -> Result<Option<Arc<dyn AgentLink>>, String> {
        if self.agent_config()?.is_none() {
            return Ok(None);
        }
        Ok(Some(Arc::new(Xcatd {
            addr: self
                .xcatd
                .clone()
                .unwrap_or_else(|| agent::DEFAULT_XCATD.into()),
            cert_dir: self.root.join("etc/xcat/cert"),
        })))
    }
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

/// Removes `--root`, `--service-manager`, `--services`, `--ha-config` and `--xcatd`
/// (each with its value) from `argv`; `Err` is the text after `xcatha: error: `.
pub fn take_options(argv: &mut Vec<String>) -> Result<Launch, String> {
    let root = take_value(argv, "--root")?.unwrap_or_else(|| "/".into());
    let kind = take_value(argv, "--service-manager")?;
    let file = take_value(argv, "--services")?;
    let ha_config = take_value(argv, "--ha-config")?;
    let xcatd = take_value(argv, "--xcatd")?;
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
        ha_config,
        xcatd,
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
            "--xcatd",
            "127.0.0.1:3002",
            "--service-manager",
            "commands",
        ]);
        let l = take_options(&mut a).unwrap();
        assert_eq!(l.manager, ManagerChoice::Commands("/etc/s".into()));
        assert_eq!(l.xcatd.as_deref(), Some("127.0.0.1:3002"));
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
            &["x", "--ha-config"],
        ] {
            assert!(take_options(&mut args(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_agent_configuration_is_the_option_else_the_default_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_str().unwrap().to_string();
        let mut a = args(&["xcatha", "--root", &root, "-d"]);
        let l = take_options(&mut a).unwrap();
        assert_eq!(l.agent_config(), Ok(None));
        assert!(l.agent().unwrap().is_none());
        let conf = dir.path().join("etc/xcatha/agent.conf");
        std::fs::create_dir_all(conf.parent().unwrap()).unwrap();
        std::fs::write(&conf, "name = mn1\n").unwrap();
        assert_eq!(l.agent_config(), Ok(Some(conf.clone())));
        assert!(l.agent().unwrap().is_some());
        let other = dir.path().join("other.conf");
        let mut a = args(&["xcatha", "--ha-config", other.to_str().unwrap(), "-d"]);
        let l = take_options(&mut a).unwrap();
        assert!(l.agent_config().is_err(), "a named file must exist");
        std::fs::write(&other, "name = mn1\n").unwrap();
        assert_eq!(l.agent_config(), Ok(Some(other)));
    }
}
