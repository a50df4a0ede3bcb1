//! The virtual IP: validated address, interface and mask; the ping guard; bringing the
//! alias up (`ip addr add … label <nic>`, then a gratuitous ARP so that neighbours'
//! caches follow the address to this host at once) and down, and the `nameserver` line
//! that xcatha adds to `/etc/resolv.conf`.

use crate::exec::{Exec, Tries};
use crate::host;
use std::net::Ipv4Addr;
use xcat_handlers::runner::Cmd;

pub const RESOLV_CONF: &str = "/etc/resolv.conf";
pub const DEFAULT_MASK: &str = "255.255.255.0";
pub const ACTIVE_MESSAGE: &str = "Aborted startup as virtual ip appears to be already active";

/// A virtual IP on an interface alias (`eth0:0` → device `eth0`, label `eth0:0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vip {
    pub addr: Ipv4Addr,
    pub nic: String,
    pub prefix: u8,
}

impl Vip {
    /// Validates the `-v`, `-i` and `-m` values.
    pub fn parse(addr: &str, nic: &str, mask: &str) -> Result<Vip, String> {
        let addr: Ipv4Addr = addr
            .parse()
            .map_err(|_| format!("'{addr}' is not an IPv4 address"))?;
        validate_nic(nic)?;
        Ok(Vip {
            addr,
            nic: nic.to_string(),
            prefix: mask_prefix(mask)?,
        })
    }

    /// The device part of the interface name.
    pub fn dev(&self) -> &str {
        self.nic.split(':').next().unwrap_or(&self.nic)
    }

    pub fn ip(&self) -> String {
        self.addr.to_string()
    }

    /// `ip addr add <vip>/<len> dev <dev> [label <nic>]`.
    pub fn add_cmd(&self) -> Cmd {
        let mut args = vec![
            "addr".to_string(),
            "add".into(),
            format!("{}/{}", self.addr, self.prefix),
            "dev".into(),
            self.dev().into(),
        ];
        if self.nic.contains(':') {
            args.push("label".into());
            args.push(self.nic.clone());
        }
        Cmd::new("ip", args)
    }

    /// `ip addr del <vip>/<len> dev <dev>` with the prefix the address has now, if any.
    pub fn del_cmd(&self, prefix_now: Option<u8>) -> Cmd {
        let len = prefix_now.unwrap_or(self.prefix);
        Cmd::new(
            "ip",
            [
                "addr".to_string(),
                "del".into(),
                format!("{}/{len}", self.addr),
                "dev".into(),
                self.dev().into(),
            ],
        )
    }

    /// `arping -c 1 -U -I <dev> <vip>`: one unsolicited ARP announcing the address
    /// (stock relied on neighbours' caches expiring, which takes up to a minute).
    pub fn garp_cmd(&self) -> Cmd {
        Cmd::new("arping", ["-c", "1", "-U", "-I", self.dev(), &self.ip()])
    }

    /// Stock's guard: `ping -c 1 -w 10 <vip>`, which waits out its whole deadline
    /// when the address is free.
    pub fn ping_cmd(&self) -> Cmd {
        self.ping_within(Guard::Stock)
    }

    /// `ping -c 1 -w <deadline> <vip>` for `guard`'s deadline.
    pub fn ping_within(&self, guard: Guard) -> Cmd {
        let deadline = match guard {
            Guard::Stock => "10",
            Guard::Agent => "2",
        };
        Cmd::new("ping", ["-c", "1", "-w", deadline, &self.ip()])
    }
}

/// How long the ping guard waits for an answer from the VIP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// Stock's 10 s (`xcatha -s`, `-a` without an agent, `activate-mn`).
    Stock,
    /// 2 s when the HA agents run: they already refuse to activate while the peer MN
    /// is active, so the ping only looks for another host on the address, and a host
    /// on the same link answers within milliseconds. Saves 8 s of a planned switch.
    Agent,
}

/// Interface names: letters, digits, `_`, `.`, `-`, an optional `:label`; no leading `-`.
pub fn validate_nic(nic: &str) -> Result<(), String> {
    let ok_part = |p: &str| {
        !p.is_empty()
            && p.len() <= 15
            && !p.starts_with('-')
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
    };
    let (dev, label) = match nic.split_once(':') {
        Some((d, l)) => (d, Some(l)),
        None => (nic, None),
    };
    if ok_part(dev) && label.is_none_or(ok_part) {
        Ok(())
    } else {
        Err(format!("'{nic}' is not a valid network interface name"))
    }
}

/// `255.255.255.0` → 24; non-contiguous masks are refused.
pub fn mask_prefix(mask: &str) -> Result<u8, String> {
    let bad = || format!("'{mask}' is not a valid netmask");
    let m: Ipv4Addr = mask.parse().map_err(|_| bad())?;
    let bits = u32::from(m);
    if bits.leading_ones() + bits.trailing_zeros() != 32 {
        return Err(bad());
    }
    Ok(bits.leading_ones() as u8)
}

/// The ping guard: fails with stock's message when the VIP already answers.
pub fn guard(exec: &mut Exec, vip: &Vip, wait: Guard) -> bool {
    exec.stage("Check virtual ip");
    let ping = vip.ping_within(wait);
    let runner = exec.env.runner.clone();
    let free = exec.check(&ping.to_shell_line(), || {
        let out = runner.run(
            &xcat_handlers::runner::Target::Local,
            &ping,
            std::time::Duration::from_secs(20),
        );
        if out.ok() {
            Err(format!("{ACTIVE_MESSAGE}."))
        } else {
            Ok(())
        }
    });
    if free && !exec.dryrun {
        exec.say("virtual ip can be used.");
    }
    free
}

/// Brings the alias up and adds `nameserver <vip>` to `/etc/resolv.conf` if the address
/// is not in it yet.
pub fn configure(exec: &mut Exec, vip: &Vip) -> bool {
    exec.stage("Configure virtual ip as alias ip");
    if !exec.command(&vip.add_cmd(), Tries::Once) {
        return false;
    }
    exec.command(&vip.garp_cmd(), Tries::IgnoreFail);
    add_nameserver(exec, vip)
}

/// Adds `nameserver <vip>` to `/etc/resolv.conf` if the address is not in it yet.
pub fn add_nameserver(exec: &mut Exec, vip: &Vip) -> bool {
    let resolv = exec.env.path(RESOLV_CONF);
    if !host::has_word(&host::read_or_empty(&resolv), &vip.ip()) {
        let line = format!("nameserver {}", vip.ip());
        return exec.file(
            &format!("Adding virtual ip {} into {RESOLV_CONF}", vip.ip()),
            || host::append_line(&resolv, &line),
        );
    }
    true
}

/// Takes the alias down and checks that the address is gone.
pub fn unconfigure(exec: &mut Exec, vip: &Vip) -> bool {
    exec.stage("Remove virtual IP");
    let now = prefix_now(exec, vip);
    exec.command(&vip.del_cmd(now), Tries::IgnoreFail);
    let ip = vip.ip();
    let check = format!("Remove virtual IP {ip}");
    if exec.dryrun {
        exec.say(&format!("{check} [Dryrun]"));
        return true;
    }
    let gone = prefix_now(exec, vip).is_none();
    exec.say(&format!(
        "{check} {}",
        if gone { "[Passed]" } else { "[Failed]" }
    ));
    exec.failed |= !gone;
    gone
}

/// The prefix length the VIP has on this host now (`None`: not configured).
pub fn prefix_now(exec: &Exec, vip: &Vip) -> Option<u8> {
    let ip = vip.ip();
    host::local_addresses(exec)
        .into_iter()
        .find(|(a, _)| *a == ip)
        .map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_nics() {
        assert_eq!(mask_prefix("255.255.255.0"), Ok(24));
        assert_eq!(mask_prefix("255.255.0.0"), Ok(16));
        assert!(mask_prefix("255.0.255.0").is_err());
        assert!(validate_nic("eth0:0").is_ok());
        assert!(validate_nic("-eth0").is_err());
        assert!(validate_nic("eth0;reboot").is_err());
        let v = Vip::parse("198.18.0.5", "eth0:0", "255.255.255.0").unwrap();
        assert_eq!(
            v.add_cmd().to_shell_line(),
            "ip addr add 198.18.0.5/24 dev eth0 label eth0:0"
        );
    }
}
