//! Faults on demand, each returned as a [`Fault`] guard that undoes it when
//! dropped (or on [`Fault::undo`]), so a failing test leaves a shared
//! cluster healthy: a host's daemon killed (-9) or frozen (SIGSTOP), a
//! host's cable pulled, PostgreSQL stopped, a host's sshd frozen (new ssh
//! connections hang after the TCP handshake).

use super::{net, postgres, Cluster};

/// What a fault changed, and how to put it back.
enum Undo {
    /// Start the daemon again and wait until it listens.
    Restart { host: String, daemon: String },
    /// SIGCONT the daemon.
    Thaw { host: String, daemon: String },
    /// Bring the host's bridge port up.
    Plug { host: String },
    /// Start PostgreSQL again.
    Postgres,
}

/// An active fault; dropping it undoes it.
#[must_use = "the fault is undone when this guard is dropped"]
pub struct Fault<'a> {
    cluster: &'a Cluster,
    undo: Option<Undo>,
}

impl Fault<'_> {
    /// Undo now; `Err` when putting it back failed.
    pub fn undo(mut self) -> Result<(), String> {
        self.undo_inner()
    }

    fn undo_inner(&mut self) -> Result<(), String> {
        let c = self.cluster;
        match self.undo.take() {
            None => Ok(()),
            Some(Undo::Restart { host, daemon }) => {
                c.start_daemon_of(&host, &daemon)?;
                c.wait_daemon(&host, &daemon)
            }
            Some(Undo::Thaw { host, daemon }) => {
                c.signal_daemon(&host, &daemon, libc::SIGCONT);
                Ok(())
            }
            Some(Undo::Plug { host }) => net::set_link(&c.layout, &host, true),
            Some(Undo::Postgres) => {
                let db = c.spec.db_host().ok_or("no database host")?;
                postgres::start(&c.layout, db)
            }
        }
    }
}

impl Drop for Fault<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.undo_inner() {
            eprintln!("cluster: undoing a fault failed: {e}");
        }
    }
}

impl Cluster {
    fn fault(&self, undo: Undo) -> Fault<'_> {
        Fault {
            cluster: self,
            undo: Some(undo),
        }
    }

    fn signal_daemon(&self, host: &str, daemon: &str, sig: i32) {
        if let Some(d) = self.daemons().get(&(host.to_string(), daemon.to_string())) {
            d.signal(sig);
        }
    }

    /// Pid of a host's `"xcatd"` or `"sshd"` (None when not running).
    pub fn daemon_pid(&self, host: &str, daemon: &str) -> Option<i32> {
        let mut daemons = self.daemons();
        let d = daemons.get_mut(&(host.to_string(), daemon.to_string()))?;
        if d.running() {
            d.pid()
        } else {
            None
        }
    }

    /// `kill -9` the host's xcatd; undo starts it again.
    pub fn kill_daemon(&self, host: &str) -> Fault<'_> {
        if let Some(d) = self
            .daemons()
            .get_mut(&(host.to_string(), "xcatd".to_string()))
        {
            d.kill();
        }
        self.fault(Undo::Restart {
            host: host.to_string(),
            daemon: "xcatd".into(),
        })
    }

    /// SIGSTOP the host's xcatd (it accepts TCP but never answers); undo: SIGCONT.
    pub fn stop_daemon(&self, host: &str) -> Fault<'_> {
        self.signal_daemon(host, "xcatd", libc::SIGSTOP);
        self.fault(Undo::Thaw {
            host: host.to_string(),
            daemon: "xcatd".into(),
        })
    }

    /// Pull the host's cable (its bridge port goes down); undo plugs it back.
    pub fn cut_link(&self, host: &str) -> Fault<'_> {
        if let Err(e) = net::set_link(&self.layout, host, false) {
            panic!("cut_link {host}: {e}");
        }
        self.fault(Undo::Plug {
            host: host.to_string(),
        })
    }

    /// Stop PostgreSQL (fast shutdown); undo starts it again.
    pub fn stop_postgres(&self) -> Fault<'_> {
        let db = self
            .spec
            .db_host()
            .expect("the cluster has a database host");
        if let Err(e) = postgres::stop(&self.layout, db) {
            panic!("stop_postgres: {e}");
        }
        self.fault(Undo::Postgres)
    }

    /// Freeze the host's sshd: ssh to it connects, then hangs; undo: SIGCONT.
    pub fn hang_ssh(&self, host: &str) -> Fault<'_> {
        self.signal_daemon(host, "sshd", libc::SIGSTOP);
        self.fault(Undo::Thaw {
            host: host.to_string(),
            daemon: "sshd".into(),
        })
    }
}
