//! The command-line client: argv[0] (or the first argument of `xcatclient`)
//! picks the command and its stock script style; the request is sent to
//! `XCATHOST` with the effective user's credentials and the answer printed
//! progressively with the stock rules and exit codes (perl-xCAT/xCAT/Client.pm:140-284,
//! perl-xCAT/xCAT/Client.pm:1129-1350).

use crate::conn::{tcp_connect, ConnectOptions, Connection, SubmitOutcome, CONNECT_TIMEOUT};
use crate::creds::{effective_home, Credentials};
use crate::render::{render, render_into, render_xml, Emit, Printed};
use crate::request::{build, Built, Invocation, StdinSource};
use crate::styles::{command_for_link, generic_script, style_of, Style};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use xcat_proto::Request;

/// Default server address (`XCATHOST` unset).
pub const DEFAULT_XCATHOST: &str = "localhost:3001";

pub const PREMATURE_END: &str =
    "ERROR/WARNING: communication with the xCAT server seems to have been ended prematurely\n";

/// The version line of the local scripts' `-v`.
pub fn version_line() -> String {
    format!(
        "Version 2.19.0 (xcatd-rs client {})",
        env!("CARGO_PKG_VERSION")
    )
}

/// Where printed text goes.
pub trait Sink: Send {
    fn out(&mut self, text: &str);
    fn err(&mut self, text: &str);
    /// Make what was printed so far visible (called after each response
    /// document and at the end).
    fn flush(&mut self) {}
}

impl Sink for Printed {
    fn out(&mut self, text: &str) {
        self.stdout.push_str(text);
    }
    fn err(&mut self, text: &str) {
        self.stderr.push_str(text);
    }
}

/// The process's stdout / stderr.  Stdout is collected and written once
/// per response document (a 10,000-node answer is 30 writes, not 30,000
/// lines each written on its own); it is flushed before anything goes to
/// stderr, so a terminal shows both in the order they were printed.
#[derive(Debug, Default)]
pub struct StdSink {
    pending: Vec<u8>,
}

impl StdSink {
    pub fn new() -> StdSink {
        StdSink::default()
    }
}

impl Sink for StdSink {
    fn out(&mut self, text: &str) {
        self.pending.extend_from_slice(text.as_bytes());
    }
    fn err(&mut self, text: &str) {
        use std::io::Write;
        self.flush();
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
    fn flush(&mut self) {
        use std::io::Write;
        if self.pending.is_empty() {
            return;
        }
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(&self.pending);
        let _ = o.flush();
        self.pending.clear();
    }
}

impl Drop for StdSink {
    fn drop(&mut self) {
        Sink::flush(self);
    }
}

/// The environment of one client run (the real process's, or a test's).
#[derive(Debug, Clone, Default)]
pub struct CliContext {
    pub env: BTreeMap<String, String>,
    pub cwd: PathBuf,
    /// Home whose `.xcat/` holds the credentials; `None`: the effective
    /// user's home from the password database.
    pub home: Option<PathBuf>,
    /// On SIGINT/SIGTERM send `abortcommand`, wait 2 s and end with status
    /// 0, as the stock client does (only for the real command).
    pub handle_signals: bool,
}

impl CliContext {
    /// The current process's environment and directory.
    pub fn from_process() -> CliContext {
        CliContext {
            env: std::env::vars_os()
                .map(|(k, v)| {
                    (
                        k.to_string_lossy().into_owned(),
                        v.to_string_lossy().into_owned(),
                    )
                })
                .collect(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")),
            // Beyond stock: XCATCLIENTHOME points at a home whose .xcat/ holds the
            // credentials (quick start, tests). Stock always uses the effective
            // user's home; the name has no XCAT_ prefix so it is never forwarded.
            home: std::env::var_os("XCATCLIENTHOME")
                .filter(|h| !h.is_empty())
                .map(PathBuf::from),
            handle_signals: true,
        }
    }

    fn var(&self, name: &str) -> Option<&str> {
        self.env.get(name).map(String::as_str)
    }

    /// Perl truthiness of an environment variable.
    fn flag(&self, name: &str) -> bool {
        self.var(name).is_some_and(|v| !v.is_empty() && v != "0")
    }

    pub fn xcathost(&self) -> String {
        self.var("XCATHOST")
            .filter(|h| !h.is_empty())
            .unwrap_or(DEFAULT_XCATHOST)
            .to_string()
    }
}

/// What an invocation asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Command {
        command: String,
        style: Style,
        args: Vec<String>,
    },
    DumpDb(Vec<String>),
    RestoreDb(Vec<String>),
    Usage,
}

/// Map argv[0] and the arguments to an action.
pub fn resolve(argv0: &str, mut args: Vec<String>) -> Action {
    let name = Path::new(argv0)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (command, forced) = match generic_script(&name) {
        Some(forced) => {
            if args.is_empty() {
                return Action::Usage;
            }
            (args.remove(0), forced)
        }
        None => (name, None),
    };
    match command.as_str() {
        "dumpxCATdb" => return Action::DumpDb(args),
        "restorexCATdb" => return Action::RestoreDb(args),
        _ => {}
    }
    let style = forced
        .or_else(|| style_of(&command))
        .or_else(|| (command == "chtab").then_some(Style::NoNodeRange))
        .unwrap_or(Style::NodeRange);
    Action::Command {
        command: command_for_link(&command).to_string(),
        style,
        args,
    }
}

const USAGE: &str = "Usage: xcatclient <command> [args...]
       (or run it through a symlink named after the command, e.g. nodels)
";

/// Run one client invocation; returns the exit status.
pub async fn run(
    argv0: &str,
    args: Vec<String>,
    ctx: &CliContext,
    stdin: &mut dyn StdinSource,
    sink: &mut dyn Sink,
) -> i32 {
    match resolve(argv0, args) {
        Action::Usage => {
            sink.out(USAGE);
            1
        }
        Action::DumpDb(args) => crate::dbtools::dump(&args, ctx, sink).await,
        Action::RestoreDb(args) => crate::dbtools::restore(&args, ctx, sink).await,
        Action::Command {
            command,
            style,
            args,
        } => {
            let inv = Invocation {
                command,
                style,
                args,
                cwd: ctx.cwd.clone(),
                env: &ctx.env,
            };
            match build(&inv, stdin) {
                Built::Exit(p) => {
                    sink.out(&p.stdout);
                    sink.err(&p.stderr);
                    p.exit_code
                }
                Built::Send {
                    request,
                    show_source,
                } => execute(&request, show_source, ctx, sink).await,
            }
        }
    }
}

fn connection_failure(host: &str, why: &str, sink: &mut dyn Sink) -> i32 {
    sink.out(&format!(
        "Unable to open socket connection to xcatd daemon on {host}.\n\
         Verify that the xcatd daemon is running and that your SSL setup is correct.\n"
    ));
    sink.err(&format!("Connection failure: {why}\n"));
    255
}

fn readable(p: &Path) -> bool {
    std::fs::File::open(p).is_ok()
}

/// Send `request` to `XCATHOST` as the stock client does and print the
/// answer to `sink` as it arrives; returns the exit status.
pub async fn execute(
    request: &Request,
    show_source: bool,
    ctx: &CliContext,
    sink: &mut dyn Sink,
) -> i32 {
    let host = ctx.xcathost();
    let opts = match ConnectOptions::from_sslver(ctx.var("XCATSSLVER")) {
        Ok(o) => o,
        Err(e) => return connection_failure(&host, &e.to_string(), sink),
    };
    let tcp = match tcp_connect(&host, CONNECT_TIMEOUT).await {
        Ok(t) => t,
        Err(e) => return connection_failure(&host, &e.to_string(), sink),
    };
    let home = ctx.home.clone().or_else(effective_home).unwrap_or_default();
    let dir = home.join(".xcat");
    let (cred, ca) = (dir.join("client-cred.pem"), dir.join("ca.pem"));
    let creds = if readable(&cred) && readable(&ca) {
        match Credentials::from_files(&cred, &ca) {
            Ok(c) => Some(c),
            Err(e) => return connection_failure(&host, &e.to_string(), sink),
        }
    } else {
        sink.out(&format!(
            "warning: the client certificates under {}/.xcat/ are not setup correctly, please run '/opt/xcat/share/xcat/scripts/setup-local-client.sh {}' as 'root' to generate the client certificates; otherwise, the SSL connection between xcat client and xcatd will be setup without certificate verification and open to Man-In-The-Middle attacks.\n",
            home.display(),
            ctx.var("USER").unwrap_or("")
        ));
        None
    };
    let mut conn = match Connection::handshake(tcp, &host, creds.as_ref(), &opts).await {
        Ok(c) => c,
        Err(e) => return connection_failure(&host, &e.to_string(), sink),
    };
    let show_source = show_source || ctx.flag("XCATSHOWSVR");
    let show_xml = ctx.flag("XCATSHOWXML");
    let mut exit_code = 0;
    let mut print = |resp: xcat_proto::Response| {
        let mut to = ToSink {
            sink: &mut *sink,
            code: 0,
        };
        if show_xml {
            let mut p = Printed::new();
            render_xml(&resp, &mut p);
            to.out(&p.stdout);
        } else {
            render_into(&resp, show_source, &mut to);
        }
        exit_code |= to.code;
        to.sink.flush();
        true
    };
    let outcome = if ctx.handle_signals {
        tokio::select! {
            o = conn.request(request, &mut print) => Some(o),
            _ = interrupted() => None,
        }
    } else {
        Some(conn.request(request, &mut print).await)
    };
    let Some(outcome) = outcome else {
        // Stock: tell the server to abort the command, give it 2 s, exit 0.
        let _ = conn.send_raw(ABORT_REQUEST).await;
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        return 0;
    };
    if let Ok(SubmitOutcome::Done(last)) = &outcome {
        print(last.clone());
    }
    match outcome {
        Ok(SubmitOutcome::Done(_)) | Ok(SubmitOutcome::Stopped) => {
            conn.close().await;
            exit_code
        }
        Ok(SubmitOutcome::Premature) => {
            sink.err(PREMATURE_END);
            1
        }
        Err(e) => {
            sink.err(&format!("{e}\n"));
            255
        }
    }
}

/// Rendered text straight to the sink, in the stock order.
struct ToSink<'a> {
    sink: &'a mut dyn Sink,
    code: i32,
}

impl Emit for ToSink<'_> {
    fn out(&mut self, text: &str) {
        self.sink.out(text);
    }
    fn err(&mut self, text: &str) {
        self.sink.err(text);
    }
    fn code(&mut self, code: i32) {
        self.code |= code;
    }
}

pub use crate::conn::ABORT_REQUEST;

/// Resolves on SIGINT or SIGTERM (never, if the handlers cannot be set).
async fn interrupted() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = int.recv() => {}
        _ = term.recv() => {}
    }
}

/// Run `request` and collect its output instead of printing it.
pub async fn capture(request: &Request, ctx: &CliContext) -> Printed {
    let mut p = Printed::new();
    let code = execute(request, false, ctx, &mut p).await;
    p.exit_code = code;
    p
}

/// Feed a recorded response stream through the reader and the printer, as
/// the client does with a live server (used to check the fixtures).
pub fn print_stream(bytes: &[u8], show_source: bool) -> Printed {
    use crate::reader::{is_serverdone, parse_response, DocReader};
    let mut out = Printed::new();
    let mut reader = DocReader::new();
    reader.push(bytes);
    while let Some(doc) = reader.next_doc() {
        match parse_response(&doc) {
            Ok(Some(resp)) => {
                render(&resp, show_source, &mut out);
                if is_serverdone(&resp) {
                    return out;
                }
            }
            Ok(None) => {}
            Err(e) => {
                out.stderr.push_str(&format!("{e}\n"));
                out.exit_code = 255;
                return out;
            }
        }
    }
    out.stderr.push_str(PREMATURE_END);
    out.exit_code = 1;
    out
}

/// The request bytes the stock client would send for `argv` (command name
/// first) run in `cwd` with `stdin` piped in (`None`: no stdin) — for the load
/// and benchmark tools, which send the same request many times.
pub fn request_xml(argv: &[String], cwd: &Path, stdin: Option<&str>) -> Result<Vec<u8>, String> {
    use crate::request::{build, Built, FakeStdin, Invocation};
    let Some(first) = argv.first() else {
        return Err("no command given".into());
    };
    let Action::Command {
        command,
        style,
        args,
    } = resolve(first, argv[1..].to_vec())
    else {
        return Err(format!("{first} is not a plain request command"));
    };
    let env = Default::default();
    let inv = Invocation {
        command,
        style,
        args,
        cwd: cwd.to_path_buf(),
        env: &env,
    };
    let mut input = match stdin {
        Some(s) => FakeStdin::pipe(s.as_bytes().to_vec()),
        None => FakeStdin::dev_null(),
    };
    match build(&inv, &mut input) {
        Built::Send { mut request, .. } => {
            request.set("clienttype", "cli");
            Ok(request.to_xml())
        }
        Built::Exit(p) => Err(format!("{}{}", p.stdout, p.stderr)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argv0_resolution() {
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            resolve("/opt/xcat/bin/nodels", a(&["all"])),
            Action::Command {
                command: "nodels".into(),
                style: Style::NodeRange,
                args: a(&["all"])
            }
        );
        assert_eq!(
            resolve("xcatclient", a(&["lsdef", "cn01"])),
            Action::Command {
                command: "lsdef".into(),
                style: Style::DbCmds,
                args: a(&["cn01"])
            }
        );
        assert_eq!(
            resolve("chtab", a(&["key=x", "site.value=y"])),
            Action::Command {
                command: "tabch".into(),
                style: Style::NoNodeRange,
                args: a(&["key=x", "site.value=y"])
            }
        );
        assert_eq!(
            resolve("xcatclientnnr", a(&["frob", "x"])),
            Action::Command {
                command: "frob".into(),
                style: Style::NoNodeRange,
                args: a(&["x"])
            }
        );
        assert_eq!(resolve("xcatclient", vec![]), Action::Usage);
        assert_eq!(
            resolve("dumpxCATdb", a(&["-p", "/x"])),
            Action::DumpDb(a(&["-p", "/x"]))
        );
    }

    #[test]
    fn premature_and_denial_streams() {
        let p = print_stream(
            b"<xcatresponse>\n  <data>x</data>\n</xcatresponse>\n",
            false,
        );
        assert_eq!(
            (p.stdout.as_str(), p.stderr.as_str(), p.exit_code),
            ("x\n", PREMATURE_END, 1)
        );
        let p = print_stream(b"<xcatresponse>\n  <error>Permission denied for request</error>\n  <errorcode>1</errorcode>\n  <serverdone></serverdone>\n</xcatresponse>\n", false);
        assert_eq!(
            (p.stderr.as_str(), p.exit_code),
            ("Error: Permission denied for request\n", 1)
        );
    }
}
