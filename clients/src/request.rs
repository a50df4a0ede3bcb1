//! Building the request a stock client script would send for an argv
//! (xCAT-client/bin/xcatclient:22-113): which words become `noderange` or `arg`, `^file`
//! noderange items made absolute, `stdin` and `XCAT_*` forwarding, and the
//! `tabrestore` script that sends a CSV file as `data` lines.

use crate::render::Printed;
use crate::styles::{Style, DB_CMDS_WITH_NODERANGE};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;
use xcat_getopt::{Config, Spec};
use xcat_proto::tree::MapExt;
use xcat_proto::{Map, Request, Value};

/// What kind of file the client's stdin is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdinKind {
    Tty,
    Pipe,
    /// A regular file, /dev/null, a socket...
    Other,
    /// fd 0 is not open.
    Closed,
}

/// The client's standard input, abstracted for tests.
pub trait StdinSource {
    fn kind(&self) -> StdinKind;
    /// select() on stdin for up to `timeout` (the stock ksh / no-TERM path).
    fn readable_within(&mut self, timeout: Duration) -> bool;
    fn read_all(&mut self) -> Vec<u8>;
}

/// Fixed stdin contents of a given kind (tests, in-process clients).
#[derive(Debug, Clone)]
pub struct FakeStdin {
    pub kind: StdinKind,
    pub data: Vec<u8>,
}

impl FakeStdin {
    /// `< /dev/null`, as the stock fixtures were captured.
    pub fn dev_null() -> FakeStdin {
        FakeStdin {
            kind: StdinKind::Other,
            data: Vec::new(),
        }
    }

    pub fn pipe(data: impl Into<Vec<u8>>) -> FakeStdin {
        FakeStdin {
            kind: StdinKind::Pipe,
            data: data.into(),
        }
    }

    pub fn tty() -> FakeStdin {
        FakeStdin {
            kind: StdinKind::Tty,
            data: Vec::new(),
        }
    }
}

impl StdinSource for FakeStdin {
    fn kind(&self) -> StdinKind {
        self.kind
    }
    fn readable_within(&mut self, _timeout: Duration) -> bool {
        !matches!(self.kind, StdinKind::Tty | StdinKind::Closed) || !self.data.is_empty()
    }
    fn read_all(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.data)
    }
}

/// The process's real stdin (fd 0).
#[derive(Debug, Default)]
pub struct RealStdin;

impl StdinSource for RealStdin {
    fn kind(&self) -> StdinKind {
        // SAFETY: fstat/isatty on fd 0 with a zeroed stat buffer we own.
        unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            if libc::fstat(0, &mut st) != 0 {
                return StdinKind::Closed;
            }
            if libc::isatty(0) == 1 {
                return StdinKind::Tty;
            }
            if st.st_mode & libc::S_IFMT == libc::S_IFIFO {
                return StdinKind::Pipe;
            }
        }
        StdinKind::Other
    }

    fn readable_within(&mut self, timeout: Duration) -> bool {
        let mut fds = libc::pollfd {
            fd: 0,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: poll on one pollfd we own.
        let n = unsafe { libc::poll(&mut fds, 1, ms) };
        n > 0
    }

    fn read_all(&mut self) -> Vec<u8> {
        let mut data = Vec::new();
        let _ = std::io::stdin().lock().read_to_end(&mut data);
        data
    }
}

/// Everything about the invocation that shapes the request.
pub struct Invocation<'a> {
    pub command: String,
    pub style: Style,
    pub args: Vec<String>,
    pub cwd: PathBuf,
    pub env: &'a BTreeMap<String, String>,
}

/// A request to send, or output to print without contacting the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Built {
    Send {
        request: Request,
        /// `-V` / `--verbose` seen: print sources like `XCATSHOWSVR`.
        show_source: bool,
    },
    Exit(Printed),
}

/// Perl's `split(/,/, $s)`: trailing empty fields dropped.
fn perl_split_comma(s: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = s.split(',').collect();
    while parts.last() == Some(&"") {
        parts.pop();
    }
    parts
}

/// `Cwd::abs_path`: symlinks resolved, a missing last component allowed,
/// `None` when the directory does not exist.
fn abs_path(cwd: &Path, p: &str) -> Option<String> {
    let full = cwd.join(p);
    if let Ok(c) = full.canonicalize() {
        return Some(c.to_string_lossy().into_owned());
    }
    let parent = full.parent()?.canonicalize().ok()?;
    let name = full.file_name()?;
    Some(parent.join(name).to_string_lossy().into_owned())
}

/// Each comma-separated `^file` item with a relative path made absolute.
pub fn absolutize_noderange(cwd: &Path, noderange: &str) -> String {
    perl_split_comma(noderange)
        .into_iter()
        .map(|item| match item.strip_prefix('^') {
            Some(f) if !f.starts_with('/') => format!("^{}", abs_path(cwd, f).unwrap_or_default()),
            _ => item.to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn wants_stdin(style: Style, env: &BTreeMap<String, String>, stdin: &mut dyn StdinSource) -> bool {
    let ksh = env.get("SHELL").is_some_and(|s| s.ends_with("/ksh"));
    if ksh || !env.contains_key("TERM") {
        // select() on a closed fd fails with -1, which Perl takes as true.
        return stdin.kind() == StdinKind::Closed || stdin.readable_within(Duration::from_secs(1));
    }
    match style {
        // `unless (-t STDIN)`: a closed stdin is not a tty either.
        Style::DbCmds => stdin.kind() != StdinKind::Tty,
        _ => stdin.kind() == StdinKind::Pipe,
    }
}

fn stdin_value(data: Vec<u8>) -> Value {
    if data.is_empty() {
        Value::Empty
    } else {
        Value::Text(String::from_utf8_lossy(&data).into_owned())
    }
}

fn xcat_environment(env: &BTreeMap<String, String>) -> Option<Map> {
    let mut m = Map::new();
    for (k, v) in env.iter().filter(|(k, _)| k.starts_with("XCAT_")) {
        m.set(k, v.as_str());
    }
    (!m.is_empty()).then_some(m)
}

fn verbose(args: &[String]) -> bool {
    args.iter().any(|a| a == "-V" || a == "--verbose")
}

/// Getopt::Std `getopt('ismot')`: strip leading options (those letters take
/// a value) and return the operands left.
fn getopt_operands(args: &[String], with_value: &str) -> Vec<String> {
    let mut v = args.to_vec();
    let mut i = 0;
    while let Some(a) = v.get(i) {
        let mut chars = a.chars();
        if chars.next() != Some('-') {
            break;
        }
        let Some(first) = chars.next() else { break };
        if a == "--" {
            i += 1;
            break;
        }
        let rest = chars.as_str().to_string();
        if with_value.contains(first) {
            i += if rest.is_empty() { 2 } else { 1 };
        } else if rest.is_empty() {
            i += 1;
        } else {
            v[i] = format!("-{rest}");
        }
    }
    v.split_off(i.min(v.len()))
}

/// Build the request for a `NodeRange`, `NoNodeRange` or `DbCmds` style
/// command, or the `tabrestore` request/usage.
pub fn build(inv: &Invocation<'_>, stdin: &mut dyn StdinSource) -> Built {
    if inv.style == Style::TabRestore {
        return build_tabrestore(&inv.args, &inv.cwd);
    }
    let mut map = Map::new();
    map.set("command", inv.command.as_str());
    map.set("cwd", inv.cwd.to_string_lossy().into_owned());
    if wants_stdin(inv.style, inv.env, stdin) {
        map.set("stdin", stdin_value(stdin.read_all()));
    }
    let mut show_source = false;
    match inv.style {
        Style::NodeRange => {
            let args = &inv.args;
            let no_noderange = inv.command.contains("lslite") && args.join(",").contains("-i");
            let mut rest: &[String] = args;
            if !no_noderange {
                let mut i = 0;
                while args.get(i).is_some_and(|a| a.starts_with('-')) {
                    map.push("arg", args[i].as_str());
                    i += 1;
                }
                let word = args.get(i).map(String::as_str).unwrap_or("");
                map.set("noderange", absolutize_noderange(&inv.cwd, word));
                rest = args.get(i + 1..).unwrap_or(&[]);
            }
            for a in rest {
                map.push("arg", a.as_str());
            }
            if let Some(env) = xcat_environment(inv.env) {
                map.set("environment", env);
            }
            show_source = verbose(rest);
        }
        Style::NoNodeRange => {
            for a in &inv.args {
                map.push("arg", a.as_str());
            }
            if let Some(env) = xcat_environment(inv.env) {
                map.set("environment", env);
            }
            show_source = verbose(&inv.args);
        }
        Style::DbCmds => {
            let converted: Vec<String> = inv
                .args
                .iter()
                .map(|a| {
                    if !a.contains('=') && !a.starts_with('-') {
                        absolutize_noderange(&inv.cwd, a)
                    } else {
                        a.clone()
                    }
                })
                .collect();
            for a in &converted {
                map.push("arg", a.as_str());
            }
            if DB_CMDS_WITH_NODERANGE.contains(&inv.command.as_str()) {
                let operands = getopt_operands(&converted, "ismot");
                for a in &operands {
                    if a.is_empty() || a == "0" {
                        break;
                    }
                    if !a.contains('=') && !a.starts_with('-') {
                        map.set("noderange", a.as_str());
                        break;
                    }
                }
            }
        }
        Style::TabRestore => {}
    }
    map.set("clienttype", "cli");
    Built::Send {
        request: Request::from_map(map),
        show_source,
    }
}

const TABRESTORE_USAGE: &str = "Usage: tabrestore <tablename>.csv
       tabrestore -a <tablename>.csv
       tabrestore [-?|-h|--help]
       tabrestore [-v|--version]
";

fn exit_with(stdout: &str, stderr: &str, code: i32) -> Built {
    Built::Exit(Printed {
        stdout: stdout.to_string(),
        stderr: stderr.to_string(),
        exit_code: code,
    })
}

/// xCAT-client/sbin/tabrestore:28-35: Getopt::Long's defaults (no `Configure`).
const TABRESTORE_SPECS: &[Spec] = &[
    Spec::new("h|?|help"),
    Spec::new("v|version"),
    Spec::new("a|addrows"),
];

/// The stock `tabrestore` script: options `-a`, `-h`/`-?`, `-v`, then the
/// CSV file whose lines (newline included) become `data`, `table` = the
/// file's base name up to the first dot.  Operands before the file that
/// start with `-` (only possible after `--`) are sent as `arg`, as
/// xCAT-client/sbin/tabrestore:37-41 does.  No `cwd` is sent.
fn build_tabrestore(args: &[String], cwd: &Path) -> Built {
    let o = match Config::DEFAULT.parse(args, TABRESTORE_SPECS) {
        Ok(o) => o,
        // Getopt::Long warns on stderr; the script's usage goes to stdout.
        Err(rejected) => return exit_with(TABRESTORE_USAGE, &format!("{rejected}\n"), 1),
    };
    if o.flag("v") {
        return exit_with(&format!("{}\n", crate::cli::version_line()), "", 0);
    }
    if o.flag("h") {
        return exit_with(TABRESTORE_USAGE, "", 0);
    }
    let dashed = o.rest.iter().take_while(|a| a.starts_with('-')).count();
    let Some(file) = o.rest.get(dashed).filter(|f| !f.is_empty() && *f != "0") else {
        return exit_with(TABRESTORE_USAGE, "", 2);
    };
    let path = cwd.join(file);
    let Ok(bytes) = std::fs::read(&path) else {
        return exit_with(
            &format!("Error: Unable to open {file} for reading.\n"),
            "",
            3,
        );
    };
    let base = Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let table = base.split('.').next().unwrap_or("").to_string();
    let mut map = Map::new();
    map.set("command", "tabrestore");
    for a in &o.rest[..dashed] {
        map.push("arg", a.as_str());
    }
    map.set("table", table);
    if o.flag("a") {
        map.set("addrows", "yes");
    }
    let text = String::from_utf8_lossy(&bytes);
    for line in text.split_inclusive('\n') {
        map.push("data", line);
    }
    map.set("clienttype", "cli");
    Built::Send {
        request: Request::from_map(map),
        show_source: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(
        style: Style,
        cmd: &str,
        args: &[&str],
        env: &[(&str, &str)],
        stdin: FakeStdin,
    ) -> String {
        let env: BTreeMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let inv = Invocation {
            command: cmd.into(),
            style,
            args: args.iter().map(|s| s.to_string()).collect(),
            cwd: PathBuf::from("/tmp"),
            env: &env,
        };
        let mut stdin = stdin;
        match build(&inv, &mut stdin) {
            Built::Send { request, .. } => String::from_utf8(request.to_xml()).unwrap(),
            Built::Exit(p) => panic!("exit {p:?}"),
        }
    }

    #[test]
    fn protocol_3b_example() {
        let text = req(
            Style::NodeRange,
            "nodels",
            &["n1,n2", "-l"],
            &[("TERM", "xterm"), ("XCAT_X", "y"), ("HOME", "/root")],
            FakeStdin::dev_null(),
        );
        assert_eq!(text, "<xcatrequest>\n  <arg>-l</arg>\n  <clienttype>cli</clienttype>\n  <command>nodels</command>\n  <cwd>/tmp</cwd>\n  <environment>\n    <XCAT_X>y</XCAT_X>\n  </environment>\n  <noderange>n1,n2</noderange>\n</xcatrequest>\n");
    }

    #[test]
    fn stdin_rules() {
        let t = [("TERM", "xterm")];
        // xcatclient: only a pipe; xcatDBcmds: anything but a tty.
        assert!(!req(
            Style::NodeRange,
            "nodels",
            &["a"],
            &t,
            FakeStdin::dev_null()
        )
        .contains("stdin"));
        assert!(req(
            Style::NodeRange,
            "nodels",
            &["a"],
            &t,
            FakeStdin::pipe("x\n")
        )
        .contains("<stdin>x\n</stdin>"));
        assert!(
            req(Style::DbCmds, "lsdef", &["a"], &t, FakeStdin::dev_null())
                .contains("<stdin></stdin>")
        );
        assert!(!req(Style::DbCmds, "lsdef", &["a"], &t, FakeStdin::tty()).contains("stdin"));
        // no TERM: whatever is readable within a second
        assert!(req(
            Style::NodeRange,
            "nodels",
            &["a"],
            &[],
            FakeStdin::dev_null()
        )
        .contains("<stdin></stdin>"));
    }

    #[test]
    fn noderange_words_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().canonicalize().unwrap();
        std::fs::write(d.join("nr"), "n1\n").unwrap();
        assert_eq!(
            absolutize_noderange(&d, "^nr,n2,^/abs"),
            format!("^{}/nr,n2,^/abs", d.display())
        );
        assert_eq!(absolutize_noderange(&d, "a,b,"), "a,b");
        let t = [("TERM", "xterm")];
        let x = req(
            Style::NodeRange,
            "rpower",
            &["-V", "n1", "stat", "-V"],
            &t,
            FakeStdin::dev_null(),
        );
        assert!(x.contains("<arg>-V</arg>\n  <arg>stat</arg>\n  <arg>-V</arg>"));
        let x = req(
            Style::NodeRange,
            "rpower",
            &["-h"],
            &t,
            FakeStdin::dev_null(),
        );
        assert!(x.contains("<noderange></noderange>"));
        let x = req(
            Style::DbCmds,
            "mkdsklsnode",
            &["-i", "img", "-f", "n1", "a=b"],
            &t,
            FakeStdin::tty(),
        );
        assert!(x.contains("<noderange>n1</noderange>"), "{x}");
        let x = req(
            Style::DbCmds,
            "lsdef",
            &["-t", "node", "n1"],
            &t,
            FakeStdin::tty(),
        );
        assert!(!x.contains("noderange"));
    }

    #[test]
    fn tabrestore_options_as_the_stock_script() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.csv"), "#key\n\"a\"\n").unwrap();
        let run = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            build_tabrestore(&args, dir.path())
        };
        let Built::Exit(p) = run(&["-z", "--bogus", "site.csv"]) else {
            panic!("sent")
        };
        assert_eq!(p.stdout, TABRESTORE_USAGE);
        assert_eq!(p.stderr, "Unknown option: z\nUnknown option: bogus\n");
        assert_eq!(p.exit_code, 1);
        // Abbreviations, single-dash long names and `+` as Getopt::Long's defaults allow.
        let Built::Exit(p) = run(&["+he"]) else {
            panic!("sent")
        };
        assert_eq!((p.stdout.as_str(), p.exit_code), (TABRESTORE_USAGE, 0));
        let Built::Send { request, .. } = run(&["site.csv", "-add", "--", "-x"]) else {
            panic!("not sent")
        };
        let xml = String::from_utf8(request.to_xml()).unwrap();
        assert!(xml.contains("<addrows>yes</addrows>"), "{xml}");
        assert!(!xml.contains("<arg>"), "{xml}");
        let Built::Send { request, .. } = run(&["--", "-x", "site.csv"]) else {
            panic!("not sent")
        };
        let xml = String::from_utf8(request.to_xml()).unwrap();
        assert!(
            xml.contains("<arg>-x</arg>") && xml.contains("<table>site</table>"),
            "{xml}"
        );
    }
}
