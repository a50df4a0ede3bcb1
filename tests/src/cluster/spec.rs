//! What a cluster is made of: its hosts, their roles and addresses
//! (198.18.0.0/24, a range no interface of the test machines uses).

/// The part a host plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Management node (`/etc/xCATMN`, the NIM simulator on its paths).
    Mn,
    /// Service node (`/etc/xCATSN`, the NIM simulator on its paths).
    Sn,
    /// Compute node: an sshd and nothing of xCAT.
    Compute,
}

/// One host of the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSpec {
    pub name: String,
    pub role: Role,
    /// Last octet of its address in 198.18.0.0/24.
    pub octet: u8,
    /// Runs xcatd-rs (MN and SNs; a standby MN does not).
    pub xcatd: bool,
}

impl HostSpec {
    pub fn new(name: &str, role: Role, octet: u8, xcatd: bool) -> HostSpec {
        HostSpec {
            name: name.to_string(),
            role,
            octet,
            xcatd,
        }
    }

    /// `198.18.0.<octet>`.
    pub fn ip(&self) -> String {
        format!("{SUBNET_PREFIX}{}", self.octet)
    }
}

/// The first three octets of every host address.
pub const SUBNET_PREFIX: &str = "198.18.0.";
/// Prefix length of the cluster network.
pub const PREFIX_LEN: u8 = 24;

/// Hosts of a cluster; the first MN with a daemon also runs PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterSpec {
    pub hosts: Vec<HostSpec>,
    /// Extra environment of every xcatd (e.g. `RUST_LOG`); empty by default.
    pub xcatd_env: Vec<(String, String)>,
    /// The HA layout ([`ClusterSpec::ha`], tests/cluster/README.md): mn1 and mn2
    /// share a disk and the VIP; their services run from configured commands.
    pub ha: bool,
    /// HA agents on mn1, mn2 and the witness sn1 (`cluster::ha_agents`): the timing
    /// lines of their configurations (`key`, `value`; empty = the defaults).
    pub ha_agents: Option<Vec<(String, String)>>,
}

impl ClusterSpec {
    /// mn1 (PostgreSQL + xcatd), mn2 (standby MN, sshd only), sn1-sn3
    /// (xcatd), cn01-cn04 (sshd only).
    pub fn standard() -> ClusterSpec {
        let mut hosts = vec![
            HostSpec::new("mn1", Role::Mn, 1, true),
            HostSpec::new("mn2", Role::Mn, 2, false),
        ];
        for i in 1..=3u8 {
            hosts.push(HostSpec::new(&format!("sn{i}"), Role::Sn, 10 + i, true));
        }
        for i in 1..=4u8 {
            hosts.push(HostSpec::new(
                &format!("cn{i:02}"),
                Role::Compute,
                100 + i,
                false,
            ));
        }
        ClusterSpec {
            hosts,
            xcatd_env: Vec::new(),
            ha: false,
            ha_agents: None,
        }
    }

    /// The standard hosts in the HA layout: mn1 (PostgreSQL and xcatd started
    /// by its services commands, data not yet shared) and mn2 (nothing
    /// running) can reach the shared disk at [`super::ha::SHARED_PATH`]; every
    /// `cfgloc` and `site.master` name the VIP [`super::ha::VIP`], which is
    /// down when the cluster is up (`xcatha -s` brings it up).
    pub fn ha() -> ClusterSpec {
        let mut spec = ClusterSpec::standard();
        spec.ha = true;
        for h in spec.hosts.iter_mut().filter(|h| h.role == Role::Mn) {
            h.xcatd = false;
        }
        spec
    }

    /// The HA layout with the agents (`ha_agents`): `timing` are the configurations'
    /// `heartbeat` / `takeover_timeout` / `lease` lines (none: the defaults).
    pub fn with_ha_agents(mut self, timing: &[(&str, &str)]) -> ClusterSpec {
        let lines = timing
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.ha_agents = Some(lines);
        self
    }

    /// A smaller cluster: mn1, sn1, sn2, cn01.
    pub fn small() -> ClusterSpec {
        let keep = ["mn1", "sn1", "sn2", "cn01"];
        let mut spec = ClusterSpec::standard();
        spec.hosts.retain(|h| keep.contains(&h.name.as_str()));
        spec
    }

    /// mn1, sn1..sn`sns` and cn01..cn`computes`, no standby MN (the NIM
    /// walk-through uses 2 and 4, its benchmark 4 SNs and no compute host).
    pub fn sized(sns: u8, computes: u8) -> ClusterSpec {
        let mut hosts = vec![HostSpec::new("mn1", Role::Mn, 1, true)];
        for i in 1..=sns.min(89) {
            hosts.push(HostSpec::new(&format!("sn{i}"), Role::Sn, 10 + i, true));
        }
        for i in 1..=computes.min(99) {
            hosts.push(HostSpec::new(
                &format!("cn{i:02}"),
                Role::Compute,
                100 + i,
                false,
            ));
        }
        ClusterSpec {
            hosts,
            xcatd_env: Vec::new(),
            ha: false,
            ha_agents: None,
        }
    }

    /// The same cluster with `KEY=VALUE` in every xcatd's environment.
    pub fn with_xcatd_env(mut self, key: &str, value: &str) -> ClusterSpec {
        self.xcatd_env.push((key.to_string(), value.to_string()));
        self
    }

    pub fn host(&self, name: &str) -> Option<&HostSpec> {
        self.hosts.iter().find(|h| h.name == name)
    }

    /// The host running PostgreSQL: the first MN with a daemon (HA: the
    /// first MN, where the database starts before it moves to the shared disk).
    pub fn db_host(&self) -> Option<&HostSpec> {
        self.hosts
            .iter()
            .find(|h| h.role == Role::Mn && (h.xcatd || self.ha))
    }

    /// The address every `cfgloc` names: the database host's, or the VIP.
    pub fn db_address(&self) -> Option<String> {
        let db = self.db_host()?;
        Some(if self.ha {
            super::ha::VIP.to_string()
        } else {
            db.ip()
        })
    }

    /// `/etc/hosts` of every host: loopback, then each host's address.
    pub fn etc_hosts(&self) -> String {
        let mut text = String::from("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n");
        for h in &self.hosts {
            text.push_str(&format!("{}\t{}\n", h.ip(), h.name));
        }
        if self.ha {
            text.push_str(&format!("{}\t{}\n", super::ha::VIP, super::ha::VIP_NAME));
        }
        text
    }
}
