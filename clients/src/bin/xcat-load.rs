//! `xcat-load`: load generator for xcatd.  C concurrent connections send a
//! request (default `lsxcatd -v`) in a loop, either many requests per TLS
//! connection (`--mode reuse`) or a full TCP + TLS handshake per request
//! (`--mode handshake`); after a warm-up it measures for a fixed duration
//! and reports requests/s and latency percentiles.

use clap::{Parser, ValueEnum};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use xcat_client::conn::{ConnectOptions, Connection, SubmitOutcome};
use xcat_client::Credentials;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    /// Sequential requests on one TLS connection per client.
    Reuse,
    /// New TCP connection and full TLS handshake for every request.
    Handshake,
}

#[derive(Debug, Parser)]
#[command(
    name = "xcat-load",
    about = "Load generator for xcatd (requests/s, p50, p99)"
)]
struct Args {
    /// Server address host:port (default: $XCATHOST or localhost:3001).
    #[arg(long)]
    host: Option<String>,
    /// Concurrent connections.
    #[arg(short = 'c', long, default_value_t = 8)]
    connections: usize,
    #[arg(short = 'm', long, value_enum, default_value_t = Mode::Reuse)]
    mode: Mode,
    /// Measured seconds.
    #[arg(short = 'd', long, default_value_t = 30.0)]
    duration: f64,
    /// Warm-up seconds (requests sent, not measured).
    #[arg(short = 'w', long, default_value_t = 5.0)]
    warmup: f64,
    /// Home whose .xcat/ holds client-cred.pem and ca.pem (default: the
    /// effective user's home).
    #[arg(long)]
    home: Option<PathBuf>,
    /// Connect without a client certificate.
    #[arg(long)]
    no_cert: bool,
    /// Runtime worker threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Allow TLS session resumption in handshake mode (default: every
    /// handshake is a full one).
    #[arg(long)]
    resume: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// PID of the daemon: also report its CPU time per request over the
    /// measured period (from /proc/PID/stat), i.e. what one request costs the
    /// daemon whatever else shares the machine.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Append one argument of this many `a` bytes to the command (large
    /// requests: `scripts/bench-bigreq`).
    #[arg(long)]
    pad_arg: Option<usize>,
    /// The command to send, e.g. `lsxcatd -v` (default) or `nodels all`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    command: Vec<String>,
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    errors: u64,
}

fn request_bytes(command: &[String], pad: Option<usize>) -> Result<Vec<u8>, String> {
    let mut argv: Vec<String> = if command.is_empty() {
        vec!["lsxcatd".into(), "-v".into()]
    } else {
        command.to_vec()
    };
    if let Some(n) = pad {
        argv.push("a".repeat(n));
    }
    xcat_client::cli::request_xml(&argv, Path::new("/"), None)
}

async fn one(conn: &mut Connection, bytes: &[u8]) -> bool {
    let mut sink = |_r: xcat_client::Response| true;
    matches!(
        conn.request_raw(bytes, &mut sink).await,
        Ok(SubmitOutcome::Done(_))
    )
}

async fn worker(
    addr: Arc<str>,
    config: Arc<rustls::ClientConfig>,
    bytes: Arc<[u8]>,
    mode: Mode,
    measure_from: Instant,
    end: Instant,
) -> Tally {
    let timeout = ConnectOptions::default().timeout;
    let mut tally = Tally::default();
    let mut conn: Option<Connection> = None;
    while Instant::now() < end {
        let start = Instant::now();
        let ok = match mode {
            Mode::Reuse => {
                if conn.is_none() {
                    conn = Connection::connect_with(&addr, config.clone(), timeout)
                        .await
                        .ok();
                }
                match conn.as_mut() {
                    Some(c) => {
                        let ok = one(c, &bytes).await;
                        if !ok {
                            conn = None;
                        }
                        ok
                    }
                    None => false,
                }
            }
            Mode::Handshake => match Connection::connect_with(&addr, config.clone(), timeout).await
            {
                Ok(mut c) => {
                    let ok = one(&mut c, &bytes).await;
                    c.close().await;
                    ok
                }
                Err(_) => false,
            },
        };
        if start < measure_from {
            continue;
        }
        if ok {
            let us = start.elapsed().as_micros().min(u32::MAX as u128) as u32;
            tally.latencies_us.push(us);
        } else {
            tally.errors += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    if let Some(c) = conn {
        c.close().await;
    }
    tally
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[idx.min(sorted.len() - 1)]) / 1000.0
}

/// Print `xcat-load: WHY` and exit 2 (bad setup).
fn fatal(why: impl std::fmt::Display) -> ! {
    eprintln!("xcat-load: {why}");
    std::process::exit(2);
}

/// The TLS client configuration: the user's credentials unless
/// `--no-cert`, session resumption only with `--resume`.
fn tls_config(args: &Args) -> Arc<rustls::ClientConfig> {
    let creds = if args.no_cert {
        None
    } else {
        let home = args.home.clone().or_else(xcat_client::effective_home);
        match home.map(|h| Credentials::for_user_home(&h)) {
            Some(Ok(c)) => Some(Arc::new(c)),
            Some(Err(e)) => fatal(format!(
                "no client credentials ({e}); use --no-cert to go without"
            )),
            None => None,
        }
    };
    let versions = ConnectOptions::default().versions;
    let mut config =
        xcat_client::tls::client_config(creds.as_deref(), &versions).unwrap_or_else(|e| fatal(e));
    if !args.resume {
        config.resumption = rustls::client::Resumption::disabled();
    }
    Arc::new(config)
}

/// What the workers measured, and the daemon's CPU time over the period.
struct Measured {
    tallies: Vec<Tally>,
    server_cpu: Option<Duration>,
}

/// Run the workers for the warm-up and the measured period.
async fn measure(
    args: &Args,
    addr: Arc<str>,
    config: Arc<rustls::ClientConfig>,
    bytes: Arc<[u8]>,
    warmup: Duration,
    duration: Duration,
) -> Measured {
    let start = Instant::now();
    let measure_from = start + warmup;
    let end = measure_from + duration;
    let tasks: Vec<_> = (0..args.connections.max(1))
        .map(|_| {
            tokio::spawn(worker(
                addr.clone(),
                config.clone(),
                bytes.clone(),
                args.mode,
                measure_from,
                end,
            ))
        })
        .collect();
    // The daemon's CPU time at the start and at the end of the
    // measured period.
    let server_pid = args.server_pid;
    let cpu = tokio::spawn(async move {
        let pid = server_pid?;
        tokio::time::sleep_until(measure_from.into()).await;
        let a = xcat_client::procstat::cpu_time(pid)?;
        tokio::time::sleep_until(end.into()).await;
        let b = xcat_client::procstat::cpu_time(pid)?;
        Some(b.saturating_sub(a))
    });
    let mut tallies = Vec::new();
    for t in tasks {
        if let Ok(t) = t.await {
            tallies.push(t);
        }
    }
    Measured {
        tallies,
        server_cpu: cpu.await.ok().flatten(),
    }
}

/// Print the figures (text or `--json`); the number of measured requests.
fn report(args: &Args, measured: &Measured, duration: Duration) -> usize {
    let mut all: Vec<u32> = measured
        .tallies
        .iter()
        .flat_map(|t| t.latencies_us.iter().copied())
        .collect();
    let errors: u64 = measured.tallies.iter().map(|t| t.errors).sum();
    all.sort_unstable();
    let secs = duration.as_secs_f64();
    let rps = all.len() as f64 / secs;
    let (p50, p90, p99) = (
        percentile(&all, 0.50),
        percentile(&all, 0.90),
        percentile(&all, 0.99),
    );
    let max = all.last().map(|v| f64::from(*v) / 1000.0).unwrap_or(0.0);
    let mode = match args.mode {
        Mode::Reuse => "reuse",
        Mode::Handshake => "handshake",
    };
    if args.json {
        println!(
            "{{\"mode\":\"{mode}\",\"connections\":{},\"duration_s\":{secs},\"requests\":{},\"errors\":{errors},\"rps\":{rps:.1},\"p50_ms\":{p50:.3},\"p90_ms\":{p90:.3},\"p99_ms\":{p99:.3},\"max_ms\":{max:.3}}}",
            args.connections,
            all.len()
        );
        return all.len();
    }
    println!(
        "mode={mode} connections={} duration={secs:.1}s requests={} errors={errors}",
        args.connections,
        all.len()
    );
    println!("requests/s: {rps:.1}");
    println!("latency ms: p50 {p50:.3}  p90 {p90:.3}  p99 {p99:.3}  max {max:.3}");
    if let Some(cpu) = measured.server_cpu.filter(|_| !all.is_empty()) {
        let per = cpu.as_secs_f64() * 1000.0 / all.len() as f64;
        println!(
            "daemon CPU: {per:.3} ms per request ({:.0} requests/s per fully used core)",
            1000.0 / per
        );
    }
    all.len()
}

fn main() {
    let args = Args::parse();
    let bytes: Arc<[u8]> = request_bytes(&args.command, args.pad_arg)
        .unwrap_or_else(|e| fatal(e))
        .into();
    let addr: Arc<str> = args
        .host
        .clone()
        .or_else(|| std::env::var("XCATHOST").ok())
        .unwrap_or_else(|| "localhost:3001".into())
        .into();
    let config = tls_config(&args);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.max(1))
        .enable_all()
        .build()
        .unwrap_or_else(|e| fatal(format!("runtime: {e}")));
    let warmup = Duration::from_secs_f64(args.warmup.max(0.0));
    let duration = Duration::from_secs_f64(args.duration.max(0.1));
    let measured = runtime.block_on(measure(&args, addr, config, bytes, warmup, duration));
    if report(&args, &measured, duration) == 0 {
        std::process::exit(1);
    }
}
