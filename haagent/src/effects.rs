//! What the agent does to the world: fence the peer (the configured command, no shell,
//! `{peer}` replaced by its name) and bring the VIP up or down (`ip addr add/del` and a
//! gratuitous ARP, the commands of `xcatha::vip`, through the daemon's runner; or a record
//! file in tests).

use crate::config::{HaConfig, VipAction};
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use xcat_handlers::runner::{Cmd, Runner, Target};

pub trait Effects: Send {
    fn fence(&mut self, peer: &str) -> Result<(), String>;
    fn vip(&mut self, up: bool) -> Result<(), String>;
}

/// The real effects, through a [`Runner`].
pub struct SystemEffects {
    runner: Arc<dyn Runner>,
    fence: Vec<String>,
    fence_timeout: Duration,
    vip: VipAction,
}

const IP_TIMEOUT: Duration = Duration::from_secs(10);

impl SystemEffects {
    pub fn new(cfg: &HaConfig, runner: Arc<dyn Runner>) -> SystemEffects {
        SystemEffects {
            runner,
            fence: cfg.fence.clone(),
            fence_timeout: cfg.fence_timeout,
            vip: cfg.vip.clone(),
        }
    }

    /// The fence command for `peer`.
    pub fn fence_cmd(words: &[String], peer: &str) -> Option<Cmd> {
        let (program, args) = words.split_first()?;
        let args = args.iter().map(|a| a.replace("{peer}", peer));
        Some(Cmd::new(program, args))
    }

    fn run(&self, cmd: &Cmd, timeout: Duration) -> Result<String, String> {
        let out = self.runner.run(&Target::Local, cmd, timeout);
        if out.ok() {
            return Ok(out.stdout);
        }
        let status = out
            .status
            .map_or("killed (timeout)".to_string(), |s| format!("exit {s}"));
        Err(format!(
            "{}: {status}: {}",
            cmd.to_shell_line(),
            out.stderr.trim()
        ))
    }
}

impl Effects for SystemEffects {
    fn fence(&mut self, peer: &str) -> Result<(), String> {
        let cmd = Self::fence_cmd(&self.fence, peer).ok_or("no fence command configured")?;
        self.run(&cmd, self.fence_timeout).map(|_| ())
    }

    fn vip(&mut self, up: bool) -> Result<(), String> {
        match &self.vip {
            VipAction::None => Ok(()),
            VipAction::Ip(vip) => {
                let cmd = if up { vip.add_cmd() } else { vip.del_cmd(None) };
                match self.run(&cmd, IP_TIMEOUT) {
                    // Already there / already gone: the state wanted.
                    Err(e) if up && e.contains("File exists") => {}
                    Err(e) if !up && e.contains("Cannot assign requested address") => {}
                    r => r.map(|_| ())?,
                }
                if up {
                    // As `xcatha -a`: one gratuitous ARP; neighbours would otherwise keep
                    // the old MN's MAC for the VIP until their caches expire.
                    if let Err(e) = self.run(&vip.garp_cmd(), IP_TIMEOUT) {
                        tracing::warn!("HA: gratuitous ARP for {}: {e}", vip.ip());
                    }
                }
                Ok(())
            }
            VipAction::Record { addr, file } => {
                let mut f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(file)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
                let word = if up { "up" } else { "down" };
                writeln!(f, "{word} {addr}").map_err(|e| format!("{}: {e}", file.display()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_words_take_the_peer_name_without_a_shell() {
        let words: Vec<String> = ["/opt/fence", "-H", "bmc-{peer}", "off"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let cmd = SystemEffects::fence_cmd(&words, "mn1").unwrap();
        assert_eq!(cmd.program, "/opt/fence");
        assert_eq!(cmd.args, ["-H", "bmc-mn1", "off"]);
        assert!(SystemEffects::fence_cmd(&[], "mn1").is_none());
    }
}
