//! The order a cluster comes up in: network, per-host files, mount
//! namespaces, sshds, PostgreSQL, credentials, daemons, node definitions.
//! Any error returns at once; the caller's drop of the half-built cluster
//! removes what was made.

use super::daemon::Daemon;
use super::layout::Layout;
use super::spec::{ClusterSpec, HostSpec, Role};
use super::{ha, mounts, net, nimsim, postgres, probe, ssh, xcat, Cluster};
use crate::server::xcatd_bin;
use std::net::SocketAddr;
use std::time::Duration;

/// How long a daemon may take to listen.
pub const START_LIMIT: Duration = Duration::from_secs(30);

/// Bring up every part of `cluster.spec` in order.
pub fn bring_up(cluster: &mut Cluster) -> Result<(), String> {
    let layout = cluster.layout.clone();
    let spec = cluster.spec.clone();
    mounts::mount_scratch(&layout)?;
    mounts::prepare_ns_dir(&layout)?;
    net::create_switch(&layout)?;
    for host in &spec.hosts {
        net::create_host(&layout, host)?;
        mounts::prepare_host_dirs(&layout, &host.name)?;
        xcat::prepare_host(&layout, &spec, host)?;
        if spec.ha {
            ha::prepare_host(&layout, host)?;
        }
        if spec.ha_agents.is_some() {
            super::ha_agents::prepare_host(&layout, &spec, host)?;
        }
        if host.role != Role::Compute {
            cluster.nimsim = nimsim::install(&layout, &host.name)?;
        }
    }
    ssh::prepare(&layout, &spec)?;
    for host in &spec.hosts {
        mounts::create_host_ns(&layout, &host.name)?;
        cluster.start_daemon_of(&host.name, "sshd")?;
    }
    if spec.ha {
        ha::mount_shared(&layout, &spec)?;
    }
    if let Some(db) = spec.db_host() {
        if spec.ha {
            ha::create_database(&layout, db)?;
        } else {
            postgres::create(&layout, db)?;
        }
        xcat::init_mn(&layout, db)?;
        init_sns(&layout, &spec, db)?;
        if spec.ha {
            ha::service(&layout, &db.name, "xcatd", "start")?;
        }
    }
    for host in spec.hosts.iter().filter(|h| h.xcatd) {
        cluster.start_daemon_of(&host.name, "xcatd")?;
    }
    for host in &spec.hosts {
        cluster.wait_daemon(&host.name, "sshd")?;
    }
    for host in spec.hosts.iter().filter(|h| h.xcatd) {
        cluster.wait_daemon(&host.name, "xcatd")?;
    }
    if let Some(db) = spec.db_host() {
        if spec.ha {
            cluster.wait_daemon(&db.name, "xcatd")?;
        }
        xcat::define_nodes(&layout, &spec, db)?;
        if spec.ha {
            ha::finish(&layout, &spec, db)?;
        }
    }
    Ok(())
}

/// Every SN's credentials, in parallel (key generation dominates).
fn init_sns(layout: &Layout, spec: &ClusterSpec, mn: &HostSpec) -> Result<(), String> {
    std::thread::scope(|scope| {
        let jobs: Vec<_> = spec
            .hosts
            .iter()
            .filter(|h| h.role == Role::Sn)
            .map(|sn| scope.spawn(move || xcat::init_sn(layout, mn, sn)))
            .collect();
        jobs.into_iter()
            .try_for_each(|j| j.join().unwrap_or_else(|_| Err("init_sn panicked".into())))
    })
}

impl Cluster {
    /// Start (or start again) the host's `sshd` or `xcatd`.
    pub(super) fn start_daemon_of(&self, host: &str, name: &str) -> Result<(), String> {
        let key = (host.to_string(), name.to_string());
        let mut daemons = self.daemons();
        let daemon = daemons.entry(key).or_insert_with(|| match name {
            "sshd" => Daemon::new(host, name, ssh::SSHD, &ssh::sshd_args()),
            _ => Daemon::new(
                host,
                name,
                &xcatd_bin().to_string_lossy(),
                &[
                    &xcat::xcatd_args()[..],
                    &super::ha_agents::xcatd_extra_args(&self.spec, host)
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>(),
                ]
                .concat(),
            )
            .with_env(&self.spec.xcatd_env),
        });
        daemon.kill();
        daemon.start(&self.layout)
    }

    /// Wait until the daemon listens on its port (from inside the host).
    pub(super) fn wait_daemon(&self, host: &str, name: &str) -> Result<(), String> {
        let port = if name == "sshd" { 22 } else { xcat::PORT };
        let ip = self.host(host).ip();
        let addr: SocketAddr = format!("{ip}:{port}").parse().map_err(|e| format!("{e}"))?;
        probe::wait_listening(&self.layout, host, addr, START_LIMIT)
            .map_err(|e| format!("{name} on {host}: {e}\n{}", self.daemon_log(host, name)))
    }
}
