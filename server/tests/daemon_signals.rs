//! Signals to the real daemon (started as sites do, without `-f`) while a
//! command is in flight.  The command is one the daemon has no handler for,
//! relayed to a `--fallback` xcatd played by this test: it answers only
//! when the test says so, so "in flight" is a fact, not a guess.
//!
//! * SIGTERM: new connections are refused at once, the running command
//!   finishes and is answered, the command log has its entry, the pid file
//!   is removed.
//! * SIGTERM with a command that outlives `--shutdown-grace`: the daemon
//!   exits after the grace time anyway (the command is abandoned), pid file
//!   removed.
//! * SIGHUP (logrotate): the log is reopened, no request is dropped, later
//!   entries go to the new file.

mod common;

use common::daemon::{lsxcatd_v, wait_removed, Install};
use std::io::{BufReader, Read};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use xcat_proto::Request;

/// A stand-in for a stock xcatd behind `--fallback`, presenting the
/// installation's server credential (signed by its CA).
struct Fallback {
    port: u16,
    got: mpsc::Receiver<()>,
    release: tokio::sync::watch::Sender<bool>,
    _thread: std::thread::JoinHandle<()>,
}

fn server_config(install: &Install) -> rustls::ServerConfig {
    let pem = std::fs::read(install.confdir().join("cert/server-cred.pem")).unwrap();
    let certs = rustls_pemfile::certs(&mut BufReader::new(&pem[..]))
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = rustls_pemfile::private_key(&mut BufReader::new(&pem[..]))
        .unwrap()
        .unwrap();
    rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap()
}

const ANSWER: &[u8] = b"<xcatresponse>\n  <data>slow done</data>\n</xcatresponse>\n\
<xcatresponse>\n  <serverdone></serverdone>\n</xcatresponse>\n";

impl Fallback {
    fn start(install: &Install) -> Fallback {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server_config(install)));
        let (got_tx, got) = mpsc::channel();
        let (release, release_rx) = tokio::sync::watch::channel(false);
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                while let Ok((tcp, _)) = listener.accept().await {
                    let (acceptor, got_tx) = (acceptor.clone(), got_tx.clone());
                    let mut release_rx = release_rx.clone();
                    tokio::spawn(async move {
                        let Ok(mut tls) = acceptor.accept(tcp).await else {
                            return;
                        };
                        let mut req = Vec::new();
                        let mut buf = [0u8; 4096];
                        while !String::from_utf8_lossy(&req).contains("</xcatrequest>") {
                            match tls.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => req.extend_from_slice(&buf[..n]),
                            }
                        }
                        let _ = got_tx.send(());
                        let _ = release_rx.wait_for(|r| *r).await;
                        let _ = tls.write_all(ANSWER).await;
                        let _ = tls.shutdown().await;
                    });
                }
            });
        });
        Fallback {
            port,
            got,
            release,
            _thread: thread,
        }
    }

    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Wait until the daemon has relayed a request here.
    fn wait_request(&self) {
        self.got
            .recv_timeout(Duration::from_secs(30))
            .expect("the daemon relayed the command");
    }

    fn release(&self) {
        let _ = self.release.send(true);
    }
}

/// `slowcmd` as root, on its own thread; the answer's text (or the error).
fn ask_slow(install: &Install) -> mpsc::Receiver<Result<String, String>> {
    let (tx, rx) = mpsc::channel();
    let addr = install.addr();
    let creds = install.creds();
    std::thread::spawn(move || {
        let mut docs = Vec::new();
        let r = xcat_net::submit_blocking(
            &addr,
            Some(&creds),
            &Default::default(),
            &Request::new("slowcmd"),
            &mut |d| {
                docs.push(d);
                true
            },
            &|| false,
        );
        let _ = tx.send(match r {
            Ok(xcat_net::SubmitOutcome::Done(_)) => Ok(format!("{docs:?}")),
            other => Err(format!("{other:?}")),
        });
    });
    rx
}

fn refused(install: &Install) -> bool {
    matches!(
        std::net::TcpStream::connect(install.addr()),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused
    )
}

fn wait_refused(install: &Install) -> bool {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(10) {
        if refused(install) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn read(path: &std::path::Path) -> String {
    let mut s = String::new();
    if let Ok(mut f) = std::fs::File::open(path) {
        let _ = f.read_to_string(&mut s);
    }
    s
}

#[test]
fn sigterm_lets_the_running_command_finish() {
    let install = Install::new();
    let fallback = Fallback::start(&install);
    let daemon = install
        .start_daemon(
            &["--fallback", &fallback.addr(), "--shutdown-grace", "60"],
            Duration::from_secs(30),
        )
        .unwrap();
    let answer = ask_slow(&install);
    fallback.wait_request();

    daemon.signal(libc::SIGTERM);
    assert!(
        wait_refused(&install),
        "new connections refused after SIGTERM"
    );
    assert!(daemon.alive(), "the daemon waits for its running command");
    assert!(install.pidfile().exists());

    fallback.release();
    let text = answer
        .recv_timeout(Duration::from_secs(30))
        .expect("answered")
        .expect("complete answer");
    assert!(text.contains("slow done"), "{text}");
    assert!(daemon.wait_gone(Duration::from_secs(30)), "daemon exits");
    assert!(wait_removed(&install.pidfile(), Duration::from_secs(5)));
    let log = read(&install.cmdlog());
    assert!(
        log.contains("[Request]    slowcmd"),
        "command log flushed: {log}"
    );
}

#[test]
fn sigterm_gives_up_on_a_command_after_the_grace_time() {
    let install = Install::new();
    let fallback = Fallback::start(&install);
    let daemon = install
        .start_daemon(
            &["--fallback", &fallback.addr(), "--shutdown-grace", "1"],
            Duration::from_secs(30),
        )
        .unwrap();
    let answer = ask_slow(&install);
    fallback.wait_request();
    daemon.signal(libc::SIGTERM);
    assert!(
        daemon.wait_gone(Duration::from_secs(20)),
        "daemon exits after its grace time"
    );
    assert!(wait_removed(&install.pidfile(), Duration::from_secs(5)));
    let r = answer.recv_timeout(Duration::from_secs(30)).expect("ended");
    assert!(r.is_err(), "no complete answer: {r:?}");
}

#[test]
fn sighup_reopens_the_log_without_dropping_requests() {
    let install = Install::new();
    let fallback = Fallback::start(&install);
    let daemon = install
        .start_daemon(&["--fallback", &fallback.addr()], Duration::from_secs(30))
        .unwrap();
    install.ask(&lsxcatd_v()).expect("first request");
    let answer = ask_slow(&install);
    fallback.wait_request();

    let rotated = install.dir.path().join("commands.log.1");
    std::fs::rename(install.cmdlog(), &rotated).unwrap();
    daemon.signal(libc::SIGHUP);
    // Requests go on being served meanwhile, the running one included.
    for _ in 0..5 {
        install.ask(&lsxcatd_v()).expect("served after SIGHUP");
    }
    fallback.release();
    let text = answer
        .recv_timeout(Duration::from_secs(30))
        .expect("answered")
        .expect("complete answer");
    assert!(text.contains("slow done"), "{text}");
    assert!(daemon.stop(Duration::from_secs(30)));

    let old = read(&rotated);
    let new = read(&install.cmdlog());
    assert_eq!(old.matches("[Request]").count(), 1, "{old}");
    assert!(new.contains("[Request]    slowcmd"), "{new}");
    assert_eq!(new.matches("[Request]    lsxcatd -v").count(), 5, "{new}");
}
