//! `xcat-bench`: the 10,000-node benchmark of issues 3, 4 and 5 against a
//! running xcatd.  It populates N nodes with ONE `mkdef -z` request (3 groups
//! per node: `all`, `compute`, `rack1`|`rack2`; attributes on node rows
//! (`ip`, `mac`), on group rows (`servicenode`, `xcatmaster`, `mgt`, `os`)
//! and a regular-expression group row (`bmc`); every node's address in the
//! hosts table), then times each command: median of 5 warm runs (one
//! unmeasured warm-up first), measured client-side from the first request
//! byte sent to the serverdone received on an already open TLS connection
//! — an upper bound of the server-side time.  With `--cmdlog` it also reads
//! each request's `[ElapsedTime]` from the daemon's command log (request
//! read → serverdone handed to the connection: the server-side time), with
//! `--server-pid` the daemon's CPU time and VmHWM (peak resident memory).
//!
//! ```text
//! xcat-bench --host 127.0.0.1:3001 --home /path/with/.xcat [--nodes 10000] [--server-pid PID]
//! ```
//!
//! It changes the database it is pointed at (creates and removes `n*`,
//! `sn1`, `sn2`, groups `compute`, `rack1`, `rack2`): use a scratch daemon.

use clap::Parser;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use xcat_client::conn::{ConnectOptions, Connection, SubmitOutcome};
use xcat_client::{Credentials, Response};

#[derive(Debug, Parser)]
#[command(name = "xcat-bench", about = "10,000-node benchmark for xcatd")]
struct Args {
    /// Server address host:port (default: $XCATHOST or localhost:3001).
    #[arg(long)]
    host: Option<String>,
    /// Home whose .xcat/ holds client-cred.pem and ca.pem.
    #[arg(long)]
    home: PathBuf,
    /// Number of nodes.
    #[arg(long, default_value_t = 10_000)]
    nodes: usize,
    /// Measured runs per command (after one warm-up run).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// PID of the daemon, for VmHWM from /proc/PID/status.
    #[arg(long)]
    server_pid: Option<u32>,
    /// The daemon's command log (e.g. /var/log/xcat/commands.log): each
    /// request's `[ElapsedTime]` there is the server-side time (request
    /// read → serverdone handed to the connection).
    #[arg(long)]
    cmdlog: Option<PathBuf>,
    /// Skip the repeated `mkdef -o n[..]` and `noderm` timings (they rebuild the nodes).
    #[arg(long)]
    skip_mkdef: bool,
    /// The nodes are already there (an earlier run populated them): no
    /// clean-up, no mkdef timing, no population.
    #[arg(long)]
    reuse: bool,
    /// Time only the commands whose label contains one of these words
    /// (comma-separated, e.g. `nodels,tabdump`).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
}

/// What one request produced.
struct Answer {
    elapsed: Duration,
    /// Daemon CPU time (user + system) spent meanwhile, from
    /// /proc/PID/stat (clock-tick resolution), when the PID is known.
    server_cpu: Option<Duration>,
    /// `[ElapsedTime]` of the request in the daemon's command log.
    server_elapsed: Option<Duration>,
    errors: Vec<String>,
    documents: usize,
}

struct Bench {
    addr: String,
    creds: Credentials,
    server_pid: Option<u32>,
    cmdlog: Option<PathBuf>,
}

/// The last `[ElapsedTime] x.xxx s` the command log gained after byte
/// `from` (the daemon appends the entry just after serverdone: wait briefly).
fn logged_elapsed(path: &Path, from: u64) -> Option<Duration> {
    use std::io::{Read, Seek, SeekFrom};
    for _ in 0..400 {
        let mut f = std::fs::File::open(path).ok()?;
        let mut text = String::new();
        f.seek(SeekFrom::Start(from)).ok()?;
        f.take(4 << 20).read_to_string(&mut text).ok()?;
        let last = text
            .lines()
            .filter_map(|l| l.strip_prefix("[ElapsedTime]"))
            .next_back();
        if let Some(v) = last {
            let secs: f64 = v.trim().trim_end_matches('s').trim().parse().ok()?;
            return Some(Duration::from_secs_f64(secs));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    None
}

fn request_bytes(argv: &[String], stdin: Option<&str>) -> Result<Vec<u8>, String> {
    xcat_client::cli::request_xml(argv, Path::new("/tmp"), stdin)
}

/// Cheap check inside the timed loop: only documents with an `error` or a
/// non-zero `errorcode` are rendered (after the fact).
fn errors_of(r: &Response, into: &mut Vec<String>) {
    let bad_code = r.map.get("errorcode").is_some_and(|v| {
        v.iter()
            .any(|x| x.as_text().is_some_and(|t| t.trim() != "0"))
    });
    if r.map.contains_key("error") || bad_code {
        let mut p = xcat_client::Printed::new();
        xcat_client::render_xml(r, &mut p);
        into.push(p.stdout.chars().take(400).collect());
    }
}

impl Bench {
    async fn send(&self, argv: &[&str], stdin: Option<&str>) -> Result<Answer, String> {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        let bytes = request_bytes(&argv, stdin)?;
        let mut conn =
            Connection::connect(&self.addr, Some(&self.creds), &ConnectOptions::default())
                .await
                .map_err(|e| format!("connect: {e}"))?;
        let mut errors = Vec::new();
        let mut documents = 0usize;
        let cpu_before = self.server_cpu();
        let log_len = self
            .cmdlog
            .as_deref()
            .and_then(|p| std::fs::metadata(p).ok())
            .map(|m| m.len());
        let start = Instant::now();
        let outcome = conn
            .request_raw(&bytes, &mut |r| {
                documents += 1;
                errors_of(&r, &mut errors);
                true
            })
            .await;
        let elapsed = start.elapsed();
        let server_cpu = match (cpu_before, self.server_cpu()) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a)),
            _ => None,
        };
        conn.close().await;
        let server_elapsed = match (self.cmdlog.as_deref(), log_len) {
            (Some(p), Some(len)) => logged_elapsed(p, len),
            _ => None,
        };
        match outcome {
            Ok(SubmitOutcome::Done(last)) => errors_of(&last, &mut errors),
            Ok(other) => return Err(format!("{argv:?}: {other:?}")),
            Err(e) => return Err(format!("{argv:?}: {e}")),
        }
        Ok(Answer {
            elapsed,
            server_cpu,
            server_elapsed,
            errors,
            documents,
        })
    }

    /// Send and insist on success.
    async fn must(&self, argv: &[&str], stdin: Option<&str>) -> Result<Answer, String> {
        let a = self.send(argv, stdin).await?;
        if let Some(e) = a.errors.first() {
            return Err(format!("{argv:?} failed: {e}"));
        }
        Ok(a)
    }

    /// CPU time of the daemon so far.
    fn server_cpu(&self) -> Option<Duration> {
        xcat_client::procstat::cpu_time(self.server_pid?)
    }

    fn vmhwm(&self) -> String {
        match self.server_pid {
            None => "-".into(),
            Some(pid) => xcat_client::procstat::vm_hwm(pid).unwrap_or_else(|| "?".into()),
        }
    }
}

fn node(i: usize) -> String {
    format!("n{i:05}")
}

/// The population as one stanza file: groups, service nodes, N nodes.
fn stanzas(n: usize) -> String {
    let mut s = String::with_capacity(n * 110);
    s.push_str("compute:\n    objtype=group\n    mgt=ipmi\n    os=rhels9.4\n    arch=x86_64\n");
    s.push_str("    bmc=|\\D+(\\d+)|bmc($1)|\n");
    for rack in ["rack1", "rack2"] {
        s.push_str(&format!(
            "{rack}:\n    objtype=group\n    servicenode=sn1,sn2\n    xcatmaster=sn1\n    netboot=xnba\n"
        ));
    }
    for (sn, ip) in [("sn1", "10.0.0.1"), ("sn2", "10.0.0.2")] {
        s.push_str(&format!(
            "{sn}:\n    objtype=node\n    groups=service,all\n    ip={ip}\n"
        ));
    }
    for i in 1..=n {
        let rack = if i <= n / 2 { "rack1" } else { "rack2" };
        s.push_str(&format!(
            "{}:\n    objtype=node\n    groups=all,compute,{rack}\n    ip=10.{}.{}.{}\n    mac=02:00:00:{:02x}:{:02x}:{:02x}\n",
            node(i),
            1 + i / 65536,
            (i / 256) % 256,
            i % 256,
            (i >> 16) & 0xff,
            (i >> 8) & 0xff,
            i & 0xff
        ));
    }
    s
}

fn median_ms(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let med = v.get(v.len() / 2).copied().map(ms).unwrap_or(0.0);
    let min = v.first().copied().map(ms).unwrap_or(0.0);
    let max = v.last().copied().map(ms).unwrap_or(0.0);
    (med, min, max)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

struct Row {
    what: String,
    med: f64,
    min: f64,
    max: f64,
    docs: usize,
    /// Median server-side ms from the command log ("-" without --cmdlog).
    server: String,
    /// Median daemon CPU ms per run ("-" without --server-pid).
    cpu: String,
    hwm: String,
}

/// Median of the known values, formatted with `digits` decimals ("-" when
/// none is known).
fn median_of(v: impl Iterator<Item = Option<Duration>>, digits: usize) -> String {
    let mut ms: Vec<f64> = v.flatten().map(|d| d.as_secs_f64() * 1000.0).collect();
    if ms.is_empty() {
        return "-".into();
    }
    ms.sort_unstable_by(f64::total_cmp);
    format!("{:.digits$}", ms[ms.len() / 2])
}

impl Row {
    /// The row for the measured runs `answers` of one command.
    fn of(what: String, answers: &[Answer], b: &Bench) -> Row {
        let (med, min, max) = median_ms(answers.iter().map(|a| a.elapsed).collect());
        Row {
            what,
            med,
            min,
            max,
            docs: answers.last().map(|a| a.documents).unwrap_or(0),
            server: median_of(answers.iter().map(|a| a.server_elapsed), 0),
            cpu: median_of(answers.iter().map(|a| a.server_cpu), 0),
            hwm: b.vmhwm(),
        }
    }
}

/// Clean up, time the repeated mkdef (unless skipped), populate with one
/// `mkdef -z` and print a sanity line.
async fn populate(
    args: &Args,
    b: &Bench,
    range: &str,
    all_nodes: &[&str],
    rows: &mut Vec<Row>,
) -> Result<(), String> {
    let n = args.nodes;
    // Start clean (ignore "not found").
    let _ = b.send(all_nodes, None).await?;
    let _ = b
        .send(&["rmdef", "-t", "group", "-o", "compute,rack1,rack2"], None)
        .await?;

    if !args.skip_mkdef {
        let argv = [
            "mkdef",
            "-t",
            "node",
            "-o",
            range,
            "groups=all,compute,rack1",
        ];
        let mut answers = Vec::new();
        for run in 0..=args.runs {
            let a = b.must(&argv, None).await?;
            b.must(all_nodes, None).await?;
            if run > 0 {
                answers.push(a);
            }
        }
        rows.push(Row::of(
            format!("`mkdef -t node -o {range} groups=all,compute,rack1`"),
            &answers,
            b,
        ));
        // noderm of the same nodes (each run recreates them first, unmeasured).
        let mut answers = Vec::new();
        for run in 0..=args.runs {
            b.must(&argv, None).await?;
            let a = b.must(&["noderm", range], None).await?;
            if run > 0 {
                answers.push(a);
            }
        }
        rows.push(Row::of(
            format!("`noderm {range}` (nodes made by the mkdef above)"),
            &answers,
            b,
        ));
    }

    let stanza = stanzas(n);
    let a = b.must(&["mkdef", "-z"], Some(&stanza)).await?;
    rows.push(Row::of(
        format!(
            "populate: ONE `mkdef -z` ({} nodes + 2 SNs + 3 groups, {} KiB stanza; single run)",
            n,
            stanza.len() / 1024
        ),
        &[a],
        b,
    ));

    // Sanity check of the population (printed to stderr): own row, group
    // row, regex row.
    let probe = node(7.min(n));
    let mut printed = xcat_client::Printed::new();
    let bytes = request_bytes(
        &[
            "nodels".into(),
            probe.clone(),
            "hosts.ip".into(),
            "noderes.servicenode".into(),
            "ipmi.bmc".into(),
            "nodelist.groups".into(),
        ],
        None,
    )?;
    let mut conn = Connection::connect(&b.addr, Some(&b.creds), &ConnectOptions::default())
        .await
        .map_err(|e| format!("connect: {e}"))?;
    if let Ok(SubmitOutcome::Done(last)) = conn
        .request_raw(&bytes, &mut |r| {
            xcat_client::render(&r, false, &mut printed);
            true
        })
        .await
    {
        xcat_client::render(&last, false, &mut printed);
    }
    conn.close().await;
    eprint!("sanity: {}{}", printed.stdout, printed.stderr);

    Ok(())
}

async fn bench(args: &Args, b: &Bench) -> Result<Vec<Row>, String> {
    let n = args.nodes;
    let range = format!("n[00001-{n:05}]");
    let mut rows = Vec::new();
    let all_nodes = ["rmdef", "-t", "node", "-o", range.as_str()];
    if !args.reuse {
        populate(args, b, &range, &all_nodes, &mut rows).await?;
    }
    // Alternating values so every run really writes.
    let chdef_a = ["chdef", "-t", "node", "-o", range.as_str(), "arch=ppc64le"];
    let chdef_b = ["chdef", "-t", "node", "-o", range.as_str(), "arch=x86_64"];
    let snmove_a = ["snmove", "-s", "sn1", "-d", "sn2", "-D", "sn2", "-i"];
    let snmove_b = ["snmove", "-s", "sn2", "-d", "sn1", "-D", "sn1", "-i"];
    let nodels_range = format!("{range},-{},compute@rack1", node(500.min(n)));
    let nodels_argv = ["nodels", nodels_range.as_str()];
    let cases: Vec<(String, Vec<&[&str]>)> = vec![
        (
            format!("`chdef -t node -o {range} arch=…` (1 attribute)"),
            vec![&chdef_a, &chdef_b],
        ),
        ("`lsdef -t node -l`".into(), vec![&["lsdef", "-t", "node", "-l"]]),
        (
            "`nodels all noderes.servicenode hosts.ip ipmi.bmc` (group, node, regex row)".into(),
            vec![&[
                "nodels",
                "all",
                "noderes.servicenode",
                "hosts.ip",
                "ipmi.bmc",
            ]],
        ),
        ("`tabdump nodelist`".into(), vec![&["tabdump", "nodelist"]]),
        (
            format!("`nodels {nodels_range}`"),
            vec![&nodels_argv],
        ),
        (
            format!("`snmove -s sn1 -d sn2 -D sn2 -i` ({n} nodes, hosts-table addresses; alternating direction)"),
            vec![&snmove_a, &snmove_b],
        ),
    ];
    for (what, variants) in cases {
        if !args.only.is_empty() && !args.only.iter().any(|w| what.contains(w.as_str())) {
            continue;
        }
        let mut answers = Vec::new();
        for run in 0..=args.runs {
            let argv = variants[run % variants.len()];
            let a = b.must(argv, None).await?;
            if run > 0 {
                answers.push(a);
            }
        }
        rows.push(Row::of(what, &answers, b));
    }
    Ok(rows)
}

fn main() {
    let args = Args::parse();
    let addr = args
        .host
        .clone()
        .or_else(|| std::env::var("XCATHOST").ok())
        .unwrap_or_else(|| "localhost:3001".into());
    let creds = match Credentials::for_user_home(&args.home) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("xcat-bench: credentials under {}: {e}", args.home.display());
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("xcat-bench: runtime: {e}");
            std::process::exit(2);
        }
    };
    let b = Bench {
        addr,
        creds,
        server_pid: args.server_pid,
        cmdlog: args.cmdlog.clone(),
    };
    let load_before = loadavg();
    let result = runtime.block_on(bench(&args, &b));
    let load_after = loadavg();
    match result {
        Ok(rows) => {
            println!(
                "xcat-bench: {} nodes, median of {} warm runs (client-side send→serverdone), load average before {load_before}, after {load_after}\n",
                args.nodes, args.runs
            );
            println!(
                "| command | median ms | min ms | max ms | responses | server-side ms (median, command log) | server CPU ms (median) | server VmHWM after |"
            );
            println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            for r in rows {
                println!(
                    "| {} | {:.1} | {:.1} | {:.1} | {} | {} | {} | {} |",
                    r.what, r.med, r.min, r.max, r.docs, r.server, r.cpu, r.hwm
                );
            }
        }
        Err(e) => {
            eprintln!("xcat-bench: {e}");
            std::process::exit(1);
        }
    }
}
