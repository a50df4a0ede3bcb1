//! Forwarding settings, read from the site table at each request (through
//! the store's 2 s cache) so a change applies without a restart.  Every
//! key is ours (stock has none of these limits); unset or unparsable →
//! the default.
//!
//! | site key | meaning | default |
//! | --- | --- | --- |
//! | `xcatdrs_snport` | port of service nodes' xcatd | `ServeConfig::sn_port` (3001) |
//! | `xcatdrs_snconnecttimeout` | seconds for TCP connect + TLS handshake, per SN | 15 (stock client) |
//! | `xcatdrs_snidletimeout` | seconds an SN may stay silent once it has the request (0: no limit) | 1800 |
//! | `xcatdrs_snfanout` | parts of one request run at once | 32 |

use super::Timeouts;
use crate::state::Shared;
use std::time::Duration;

pub const PORT_KEY: &str = "xcatdrs_snport";
pub const CONNECT_KEY: &str = "xcatdrs_snconnecttimeout";
pub const IDLE_KEY: &str = "xcatdrs_snidletimeout";
pub const FANOUT_KEY: &str = "xcatdrs_snfanout";

const DEFAULT_IDLE: Duration = Duration::from_secs(1800);
const DEFAULT_FANOUT: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForwardSettings {
    pub sn_port: u16,
    pub timeouts: Timeouts,
    /// At least 1.
    pub fanout: usize,
}

fn seconds(value: Option<String>) -> Option<Duration> {
    let secs: f64 = value?.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

impl ForwardSettings {
    /// From already-read site values (`get` returns a key's value).
    pub fn from_site(default_port: u16, get: &dyn Fn(&str) -> Option<String>) -> ForwardSettings {
        let idle = match seconds(get(IDLE_KEY)) {
            Some(d) if d.is_zero() => None,
            Some(d) => Some(d),
            None => Some(DEFAULT_IDLE),
        };
        ForwardSettings {
            sn_port: get(PORT_KEY)
                .and_then(|p| p.trim().parse().ok())
                .filter(|p| *p != 0)
                .unwrap_or(default_port),
            timeouts: Timeouts {
                connect: seconds(get(CONNECT_KEY))
                    .filter(|d| !d.is_zero())
                    .unwrap_or(Timeouts::default().connect),
                idle,
            },
            fanout: get(FANOUT_KEY)
                .and_then(|n| n.trim().parse().ok())
                .filter(|n| *n > 0)
                .unwrap_or(DEFAULT_FANOUT),
        }
    }

    pub fn read(shared: &Shared) -> ForwardSettings {
        ForwardSettings::from_site(shared.cfg.sn_port, &|k| shared.store.site_value(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_values() {
        let d = ForwardSettings::from_site(3001, &|_| None);
        assert_eq!(d.sn_port, 3001);
        assert_eq!(d.timeouts.connect, Duration::from_secs(15));
        assert_eq!(d.timeouts.idle, Some(DEFAULT_IDLE));
        assert_eq!(d.fanout, 32);
        let s = ForwardSettings::from_site(3001, &|k| {
            let v = match k {
                PORT_KEY => "4001",
                CONNECT_KEY => "2.5",
                IDLE_KEY => "0",
                _ => "x",
            };
            Some(v.to_string())
        });
        assert_eq!(s.sn_port, 4001);
        assert_eq!(s.timeouts.connect, Duration::from_millis(2500));
        assert_eq!(s.timeouts.idle, None);
        assert_eq!(s.fanout, 32);
    }
}
