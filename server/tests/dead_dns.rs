//! A dead DNS server, seen by the real daemon: xcatd runs in network and
//! mount namespaces of its own (needs root) whose `/etc/resolv.conf` names a
//! server on a veth link with nobody at the other end (queries vanish,
//! nothing answers) and
//! whose `/etc/hosts` knows only `localhost`.  Connections from six
//! addresses that are in no hosts file keep the resolver threads waiting on
//! DNS; a command from `127.0.0.1` (answered by `/etc/hosts`) is served
//! first all the same, and the others are served too once their lookups
//! time out (asserted by the order of completion, not by durations).

mod common;

use common::daemon::{lsxcatd_v, Install, XCATD};
use std::os::fd::AsRawFd;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xcat_net::{submit_blocking, ConnectOptions, SubmitOutcome};

/// Sets up the namespaces, then runs the daemon (`"$@"`).
const SETUP: &str = r#"set -e
ip link set lo up
for i in 1 2 3 4 5 6 7; do ip addr add 198.18.0.$i/32 dev lo; done
ip link add d0 type veth peer name d1
ip addr add 198.18.2.1/24 dev d0
ip link set d0 up
ip link set d1 up
for f in resolv.conf hosts nsswitch.conf; do mount --bind "$ETC/$f" "/etc/$f"; done
exec "$@"
"#;

/// The daemon inside `unshare`; killed (with its namespaces) on drop.
struct Isolated {
    unshare: Child,
    daemon_pid: u32,
}

impl Drop for Isolated {
    fn drop(&mut self) {
        if self.daemon_pid != 0 {
            // SAFETY: kill(2) with a pid we started.
            unsafe { libc::kill(self.daemon_pid as i32, libc::SIGKILL) };
        }
        let _ = self.unshare.kill();
        let _ = self.unshare.wait();
    }
}

fn start_isolated(install: &Install) -> Isolated {
    let etc = install.dir.path().join("fake-etc");
    std::fs::create_dir_all(&etc).expect("etc");
    let write = |f: &str, text: &str| std::fs::write(etc.join(f), text).expect("etc file");
    write(
        "resolv.conf",
        "nameserver 198.18.2.53\noptions timeout:5 attempts:2\n",
    );
    write("hosts", "127.0.0.1 localhost\n");
    write("nsswitch.conf", "hosts: files dns\n");
    let confdir = install.confdir();
    let db = install.db();
    let port = install.port.to_string();
    let args = [
        "-f",
        "--confdir",
        confdir.to_str().unwrap_or(""),
        "--db",
        &db,
        "--port",
        &port,
        "--listen",
        "0.0.0.0",
    ];
    let unshare = Command::new("unshare")
        .args([
            "--net",
            "--mount",
            "--fork",
            "--kill-child",
            "--",
            "sh",
            "-c",
            SETUP,
            "sh",
        ])
        .arg(XCATD)
        .args(args)
        .arg("--cmdlog")
        .arg(install.cmdlog())
        .env("ETC", &etc)
        .env("XCATD_SOURCE_NAME", "vm")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("unshare (util-linux, needed by this test)");
    let mut isolated = Isolated {
        unshare,
        daemon_pid: 0,
    };
    let children = format!("/proc/{0}/task/{0}/children", isolated.unshare.id());
    let deadline = Instant::now() + Duration::from_secs(30);
    while isolated.daemon_pid == 0 {
        let text = std::fs::read_to_string(&children).unwrap_or_default();
        isolated.daemon_pid = text
            .split_whitespace()
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        assert!(
            Instant::now() < deadline,
            "xcatd did not start in its namespace"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    isolated
}

/// Move the calling thread into the daemon's network namespace.
fn enter_netns(pid: u32) {
    let ns = std::fs::File::open(format!("/proc/{pid}/ns/net")).expect("netns");
    // SAFETY: setns on an open namespace fd; affects this thread only.
    let rc = unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) };
    assert_eq!(rc, 0, "setns: {}", std::io::Error::last_os_error());
}

/// `lsxcatd -v` as root to `ip:port`; true when it ended with serverdone.
fn served(install: &Install, ip: &str) -> bool {
    let addr = format!("{ip}:{}", install.port);
    matches!(
        submit_blocking(
            &addr,
            Some(&install.creds()),
            &ConnectOptions::default(),
            &lsxcatd_v(),
            &mut |_| true,
            &|| false,
        ),
        Ok(SubmitOutcome::Done(_))
    )
}

#[test]
fn a_dead_dns_server_does_not_delay_peers_that_need_no_lookup() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "CI=true: needs root"
        );
        eprintln!("not root: skipped");
        return;
    }
    let install = Arc::new(Install::new());
    let daemon = start_isolated(&install);
    let pid = daemon.daemon_pid;
    let ready = {
        let install = install.clone();
        std::thread::spawn(move || {
            enter_netns(pid);
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                if std::net::TcpStream::connect(("127.0.0.1", install.port)).is_ok() {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            false
        })
    };
    assert!(ready.join().unwrap_or(false), "xcatd not listening");

    let done = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut peers = Vec::new();
    for i in 2..=7 {
        let (install, done) = (install.clone(), done.clone());
        peers.push(std::thread::spawn(move || {
            enter_netns(pid);
            let ip = format!("198.18.0.{i}");
            let ok = served(&install, &ip);
            done.lock().unwrap_or_else(|e| e.into_inner()).push(ip);
            ok
        }));
    }
    // Let the six connections reach the resolver before the local one.
    std::thread::sleep(Duration::from_millis(300));
    let local = {
        let install = install.clone();
        std::thread::spawn(move || {
            enter_netns(pid);
            served(&install, "127.0.0.1")
        })
    };
    assert!(local.join().unwrap_or(false), "local command not served");
    done.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push("local".into());
    for p in peers {
        assert!(
            p.join().unwrap_or(false),
            "a peer without a name was not served"
        );
    }
    let order = done.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(
        order.iter().position(|s| s == "local"),
        Some(0),
        "the local command waited behind the DNS lookups: {order:?}"
    );
    drop(daemon);
}
