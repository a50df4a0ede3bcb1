//! A storm of silent and trickling connections (stock #1017, #4996: a port
//! scan or 1,000 wedged nodes stopped the Perl daemon) while root runs
//! `lsxcatd -v` and `lsdef`: half the connections send nothing, a quarter
//! trickle a TLS ClientHello one byte per second, a quarter finish the
//! handshake and trickle a request one byte per second.  With
//! `site.xcatmaxconnections` at 4, root's commands are answered while the
//! whole storm is still connected (before any storm connection was closed),
//! every storm connection is closed by its timeout, and memory stays bounded.
//!
//! `XCATD_STORM_CONNECTIONS` changes the size (default 1,000; the 5,000
//! version with figures is `scripts/storm-bench`, README "Figures").

mod common;

use common::{connect, read_answer, request, start_with_registry, Options};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Time a connection has for its request (the daemon's default).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

fn storm_size() -> usize {
    std::env::var("XCATD_STORM_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

/// Two descriptors per connection (client and server side) plus margin.
fn raise_fd_limit(connections: usize) {
    let want = (2 * connections + 512) as libc::rlim_t;
    // SAFETY: getrlimit/setrlimit on a zeroed struct we own.
    unsafe {
        let mut lim: libc::rlimit = std::mem::zeroed();
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        assert!(
            lim.rlim_max >= want,
            "RLIMIT_NOFILE hard limit {} < {want}",
            lim.rlim_max
        );
        if lim.rlim_cur < want {
            lim.rlim_cur = want;
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lim), 0);
        }
    }
}

fn vm_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// When each storm connection was closed by the server, after how long.
#[derive(Default)]
struct Closures {
    first: Mutex<Option<Instant>>,
    lifetimes: Mutex<Vec<Duration>>,
    count: AtomicUsize,
}

impl Closures {
    fn closed(&self, opened: Instant) {
        let now = Instant::now();
        self.first.lock().unwrap().get_or_insert(now);
        self.lifetimes.lock().unwrap().push(now - opened);
        self.count.fetch_add(1, Ordering::SeqCst);
    }
}

/// A TCP connection that sends nothing and waits for the server to close it.
async fn silent(addr: std::net::SocketAddr, closures: Arc<Closures>) {
    let Ok(mut tcp) = TcpStream::connect(addr).await else {
        return closures.closed(Instant::now());
    };
    let opened = Instant::now();
    let mut buf = [0u8; 64];
    while let Ok(n) = tcp.read(&mut buf).await {
        if n == 0 {
            break;
        }
    }
    closures.closed(opened);
}

/// One byte per second of a TLS ClientHello record that never completes.
async fn trickle_hello(addr: std::net::SocketAddr, closures: Arc<Closures>) {
    let Ok(tcp) = TcpStream::connect(addr).await else {
        return closures.closed(Instant::now());
    };
    let opened = Instant::now();
    let (mut rd, mut wr) = tcp.into_split();
    let hello: Vec<u8> = [0x16u8, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc]
        .into_iter()
        .chain(std::iter::repeat(0x03))
        .take(600)
        .collect();
    let writer = async {
        for b in hello {
            if wr.write_all(&[b]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        std::future::pending::<()>().await
    };
    let mut buf = [0u8; 64];
    let reader = async { while matches!(rd.read(&mut buf).await, Ok(n) if n > 0) {} };
    tokio::select! {
        _ = writer => {}
        _ = reader => {}
    }
    closures.closed(opened);
}

/// A finished handshake, then one byte per second of a request.
async fn trickle_request(addr: std::net::SocketAddr, closures: Arc<Closures>) {
    let Ok(tls) = connect(addr, None).await else {
        return closures.closed(Instant::now());
    };
    let opened = Instant::now();
    let (mut rd, mut wr) = tokio::io::split(tls);
    let req = request("lsxcatd", &[("arg", "-v")]);
    let writer = async {
        for b in req {
            if wr.write_all(&[b]).await.is_err() || wr.flush().await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        std::future::pending::<()>().await
    };
    let mut buf = [0u8; 256];
    let reader = async { while matches!(rd.read(&mut buf).await, Ok(n) if n > 0) {} };
    tokio::select! {
        _ = writer => {}
        _ = reader => {}
    }
    closures.closed(opened);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_is_served_during_a_storm_and_the_storm_times_out() {
    let n = storm_size();
    raise_fd_limit(n);
    // Room for the whole storm in the pending pool (beyond it the oldest
    // pending connections would be closed early, which also lets root in).
    let o = Options {
        tweak: Box::new(move |c| {
            c.limits.request_timeout = REQUEST_TIMEOUT;
            c.limits.max_pending = c.limits.max_pending.max(n + 64);
        }),
        ..Options::default()
    };
    let s = start_with_registry(o, Arc::new(xcat_handlers::registry())).await;
    s.store
        .site
        .lock()
        .unwrap()
        .insert("xcatmaxconnections".into(), "4".into());
    let root = s.pki.client("root");
    let rss_before = vm_rss_kib();

    let storm_start = Instant::now();
    let closures = Arc::new(Closures::default());
    let mut tasks = Vec::new();
    for i in 0..n {
        let c = closures.clone();
        tasks.push(match i % 4 {
            0 | 1 => tokio::spawn(silent(s.addr, c)),
            2 => tokio::spawn(trickle_hello(s.addr, c)),
            _ => tokio::spawn(trickle_request(s.addr, c)),
        });
        if i % 50 == 49 {
            tokio::task::yield_now().await;
        }
    }
    // Let the storm connect (every connection has been accepted once the
    // pending pool holds them all).
    let t0 = Instant::now();
    while s.shared.pending.len() + closures.count.load(Ordering::SeqCst) < n
        && t0.elapsed() < Duration::from_secs(60)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(s.shared.pending.evicted(), 0, "the pool had room for all");

    // The administrator's commands are answered while the storm is connected.
    let connected_after = storm_start.elapsed();
    let mut slowest = Duration::ZERO;
    for cmd in [
        request("lsxcatd", &[("arg", "-v")]),
        request("lsdef", &[("arg", "-t"), ("arg", "site")]),
        request("lsxcatd", &[("arg", "-a")]),
    ] {
        let asked = Instant::now();
        let mut tls = connect(s.addr, Some(&root)).await.expect("admin connects");
        tls.write_all(&cmd).await.unwrap();
        let answer = read_answer(&mut tls).await;
        slowest = slowest.max(asked.elapsed());
        assert!(answer.contains("<serverdone>"), "admin answered: {answer}");
    }
    let admin_done = Instant::now();
    let first_close = *closures.first.lock().unwrap();
    assert!(
        first_close.is_none_or(|t| t > admin_done),
        "root was answered only after the storm began to time out"
    );
    let rss_peak = vm_rss_kib();

    // Every storm connection is closed by its timeout.
    let t0 = Instant::now();
    while closures.count.load(Ordering::SeqCst) < n && t0.elapsed() < Duration::from_secs(90) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(closures.count.load(Ordering::SeqCst), n, "all closed");
    let longest = closures.lifetimes.lock().unwrap().iter().max().copied();
    let bound = REQUEST_TIMEOUT + Duration::from_secs(10);
    assert!(
        longest.is_some_and(|l| l <= bound),
        "a storm connection lived {longest:?} (> {bound:?})"
    );
    assert!(s.shared.pending.is_empty());
    for t in tasks {
        let _ = t.await;
    }
    let growth_mib = rss_peak.saturating_sub(rss_before) / 1024;
    eprintln!(
        "storm of {n}: all connected after {connected_after:.1?}; slowest admin command \
         (connect + answer) {slowest:.1?}; longest storm connection {longest:.1?}; \
         RSS growth {growth_mib} MiB (client and server)"
    );
    assert!(
        growth_mib < 64 * (n as u64).div_ceil(1000) * 4,
        "RSS grew {growth_mib} MiB"
    );
    s.server.shutdown();
}
