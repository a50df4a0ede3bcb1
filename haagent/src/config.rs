//! The HA configuration file (`xcatd --ha-config FILE`): `key = value` lines, `#`
//! comments. Every value is validated here; the daemon refuses to start on an error.
//!
//! ```text
//! name = mn1                       # this node, as the others name it
//! role = active                    # start as: active | standby | witness
//! peer = mn2 198.18.0.12:3001      # the other MN (a witness: one line per MN)
//! witness = sn1 198.18.0.21:3001   # MN only
//! shared = /HA                     # MN only: the term lives in /HA/xcatha/term
//! vip = 198.18.0.5                 # MN only, with nic and netmask
//! nic = eth0:0
//! netmask = 255.255.255.0
//! fence = /opt/fence/ipmi-off {peer}   # words, no shell; {peer} = the peer's name
//! fence_timeout = 60
//! force = no                       # take over even when fencing fails
//! heartbeat = 1                    # seconds
//! takeover_timeout = 10
//! lease = 6
//! ```

use crate::state::{Start, Timing};
use std::path::{Path, PathBuf};
use std::time::Duration;
use xcatha::vip::Vip;

/// Another daemon of the HA set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    /// `host:port` of its xcatd.
    pub addr: String,
}

/// What to do with the VIP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VipAction {
    None,
    /// `ip addr add` / `ip addr del` through the runner.
    Ip(Vip),
    /// Append `up ADDR` / `down ADDR` to a file instead (debug builds, loopback tests).
    Record {
        addr: String,
        file: PathBuf,
    },
}

#[derive(Debug, Clone)]
pub struct HaConfig {
    pub name: String,
    pub start: Start,
    pub peers: Vec<Member>,
    pub witness: Option<Member>,
    pub shared: Option<PathBuf>,
    pub vip: VipAction,
    pub fence: Vec<String>,
    pub fence_timeout: Duration,
    pub force: bool,
    pub timing: Timing,
    /// Where the metrics are written once per heartbeat (node_exporter's textfile
    /// collector), if anywhere.
    pub metrics_file: Option<PathBuf>,
}

fn seconds(key: &str, v: &str) -> Result<Duration, String> {
    v.parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("{key}: '{v}' is not a number of seconds"))
}

fn member(key: &str, v: &str) -> Result<Member, String> {
    let mut w = v.split_whitespace();
    match (w.next(), w.next(), w.next()) {
        (Some(name), Some(addr), None) if addr.contains(':') => Ok(Member {
            name: xcat_handlers::runner::validate_host(name)?.to_string(),
            addr: addr.to_string(),
        }),
        _ => Err(format!("{key}: expected 'NAME HOST:PORT', got '{v}'")),
    }
}

fn boolean(key: &str, v: &str) -> Result<bool, String> {
    match v.to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" | "on" => Ok(true),
        "no" | "false" | "0" | "off" => Ok(false),
        _ => Err(format!("{key}: '{v}' is not yes or no")),
    }
}

/// The raw `key = value` pairs, in order.
fn pairs(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (k, v) = line
            .split_once('=')
            .ok_or_else(|| format!("line {}: expected 'key = value'", n + 1))?;
        out.push((k.trim().to_string(), v.trim().to_string()));
    }
    Ok(out)
}

#[derive(Default)]
struct Raw {
    vip: Option<String>,
    nic: Option<String>,
    netmask: Option<String>,
    record: Option<PathBuf>,
}

impl HaConfig {
    pub fn load(path: &Path) -> Result<HaConfig, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        HaConfig::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<HaConfig, String> {
        let mut c = HaConfig {
            name: String::new(),
            start: Start::Standby,
            peers: Vec::new(),
            witness: None,
            shared: None,
            vip: VipAction::None,
            fence: Vec::new(),
            fence_timeout: Duration::from_secs(60),
            force: false,
            timing: Timing::default(),
            metrics_file: None,
        };
        let mut raw = Raw::default();
        for (k, v) in pairs(text)? {
            c.set(&k, &v, &mut raw)?;
        }
        c.vip = vip_action(raw)?;
        c.check()?;
        Ok(c)
    }

    fn set(&mut self, k: &str, v: &str, raw: &mut Raw) -> Result<(), String> {
        match k {
            "name" => self.name = xcat_handlers::runner::validate_host(v)?.to_string(),
            "role" => {
                self.start = match v {
                    "active" => Start::Active,
                    "standby" => Start::Standby,
                    "witness" => Start::Witness,
                    _ => return Err(format!("role: '{v}' is not active, standby or witness")),
                }
            }
            "peer" => self.peers.push(member(k, v)?),
            "witness" => self.witness = Some(member(k, v)?),
            "shared" if v.starts_with('/') => self.shared = Some(PathBuf::from(v)),
            "shared" => return Err(format!("shared: '{v}' is not an absolute path")),
            "vip" => raw.vip = Some(v.to_string()),
            "nic" => raw.nic = Some(v.to_string()),
            "netmask" => raw.netmask = Some(v.to_string()),
            #[cfg(debug_assertions)]
            "vip_record" => raw.record = Some(PathBuf::from(v)),
            "fence" => self.fence = v.split_whitespace().map(str::to_string).collect(),
            "fence_timeout" => self.fence_timeout = seconds(k, v)?,
            "force" => self.force = boolean(k, v)?,
            "heartbeat" => self.timing.heartbeat = seconds(k, v)?,
            "takeover_timeout" => self.timing.takeover_timeout = seconds(k, v)?,
            "lease" => self.timing.lease = seconds(k, v)?,
            "metrics_file" if v.starts_with('/') => self.metrics_file = Some(PathBuf::from(v)),
            "metrics_file" => return Err(format!("metrics_file: '{v}' is not an absolute path")),
            _ => return Err(format!("unknown key '{k}'")),
        }
        Ok(())
    }

    fn check(&self) -> Result<(), String> {
        if self.name.is_empty() {
            return Err("name is missing".into());
        }
        self.timing.validate()?;
        if self.start == Start::Witness {
            if self.peers.len() != 2 {
                return Err("a witness needs two 'peer' lines (the two management nodes)".into());
            }
            return Ok(());
        }
        if self.peers.len() != 1 {
            return Err("a management node needs exactly one 'peer'".into());
        }
        if self.witness.is_none() {
            return Err("a management node needs a 'witness'".into());
        }
        if self.shared.is_none() {
            return Err("a management node needs 'shared' (the shared data directory)".into());
        }
        Ok(())
    }
}

fn vip_action(raw: Raw) -> Result<VipAction, String> {
    let Some(addr) = raw.vip else {
        return Ok(VipAction::None);
    };
    if let Some(file) = raw.record {
        return Ok(VipAction::Record { addr, file });
    }
    let nic = raw.nic.ok_or("vip needs 'nic'")?;
    let mask = raw
        .netmask
        .unwrap_or_else(|| xcatha::vip::DEFAULT_MASK.to_string());
    Ok(VipAction::Ip(Vip::parse(&addr, &nic, &mask)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_mn_file_and_errors() {
        let c = HaConfig::parse(
            "# mn1\nname = mn1\nrole = active\npeer = mn2 198.18.0.12:3001\n\
             witness = sn1 198.18.0.21:3001\nshared = /HA\nvip = 198.18.0.5\nnic = eth0:0\n\
             fence = /opt/fence {peer}\n",
        )
        .unwrap();
        assert_eq!(c.start, Start::Active);
        assert_eq!(c.fence, ["/opt/fence", "{peer}"]);
        assert!(matches!(c.vip, VipAction::Ip(ref v) if v.prefix == 24));
        assert_eq!(c.timing, Timing::default());
        let bad = |t: &str| HaConfig::parse(t).unwrap_err();
        assert!(bad("name = mn1\n").contains("peer"));
        assert!(bad("name = mn1\nbogus = 1\n").contains("unknown key"));
        assert!(bad("name = mn1\nlease = 20\n").contains("takeover timeout"));
        assert!(bad("name = mn1\nheartbeat = x\n").contains("seconds"));
        assert!(bad("name = -x\n").contains("-x"));
        assert!(bad("name = mn1\nmetrics_file = x.prom\n").contains("absolute"));
    }
}
