//! `dumpxCATdb` and `restorexCATdb`: one `tabdump -f
//! <dir>/<table>.csv <table>` request per table, or one `tabrestore
//! <dir>/<file>` per file, with the stock skip rules and messages.  Binary
//! dumps (`-b`) are left to the database's own tools.

use crate::cli::{capture, version_line, CliContext, Sink};
use crate::request::{build, Built, FakeStdin, Invocation};
use crate::styles::Style;
use std::path::Path;
use xcat_proto::Request;

const DUMP_USAGE: &str = " dumpxCATdb -h \n dumpxCATdb -v \n dumpxCATdb [-a] [-V] <-p> [path to backup directory] \n dumpxCATdb -b [-V] <-p> [path to backup directory]\n";
const RESTORE_USAGE: &str = " restorexCATdb  -h \n restorexCATdb -v \n restorexCATdb [-a] [-V] <-p> [path to restore .csv files]\n restorexCATdb -b [-V] <-t> [timestamp on restore backup file]  <-p> [path to restore backup file]\n";

#[derive(Debug, Default)]
struct Opts {
    all: bool,
    binary: bool,
    path: Option<String>,
    help: bool,
    verbose: bool,
    version: bool,
}

/// Getopt::Long with posix_default + bundling: options first, `-p` takes a
/// value (`-p DIR`, `-pDIR`, `--path DIR`, `--path=DIR`); `-t` likewise.
fn parse_opts(args: &[String], sink: &mut dyn Sink) -> Option<Opts> {
    let mut o = Opts::default();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        if a == "--" || !a.starts_with('-') || a == "-" {
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            match name {
                "all" => o.all = true,
                "bin" | "binary" => o.binary = true,
                "help" => o.help = true,
                "verbose" => o.verbose = true,
                "version" => o.version = true,
                "path" | "timestamp" => {
                    let v = inline.or_else(|| {
                        i += 1;
                        args.get(i - 1).cloned()
                    });
                    let Some(v) = v else {
                        sink.err(&format!("Option {name} requires an argument\n"));
                        return None;
                    };
                    if name == "path" {
                        o.path = Some(v);
                    }
                }
                _ => {
                    sink.err(&format!("Unknown option: {name}\n"));
                    return None;
                }
            }
            continue;
        }
        let letters: Vec<char> = a[1..].chars().collect();
        let mut j = 0;
        while j < letters.len() {
            let c = letters[j];
            j += 1;
            match c {
                'a' => o.all = true,
                'b' => o.binary = true,
                'h' => o.help = true,
                'V' => o.verbose = true,
                'v' => o.version = true,
                'p' | 't' => {
                    let rest: String = letters[j..].iter().collect();
                    let v = if rest.is_empty() {
                        i += 1;
                        args.get(i - 1).cloned()
                    } else {
                        Some(rest)
                    };
                    let Some(v) = v else {
                        sink.err(&format!("Option {c} requires an argument\n"));
                        return None;
                    };
                    if c == 'p' {
                        o.path = Some(v);
                    }
                    break;
                }
                _ => {
                    sink.err(&format!("Unknown option: {c}\n"));
                    return None;
                }
            }
        }
    }
    Some(o)
}

/// Common option handling; `Err(code)` when the command ends here.
fn check_opts(
    args: &[String],
    usage: &str,
    no_path: &str,
    sink: &mut dyn Sink,
) -> Result<(Opts, String), i32> {
    let Some(o) = parse_opts(args, sink) else {
        sink.err(usage);
        return Err(1);
    };
    if o.help {
        sink.out(usage);
        return Err(0);
    }
    if o.version {
        sink.out(&format!("{}\n", version_line()));
        return Err(0);
    }
    let Some(path) = o.path.clone().filter(|p| !p.is_empty() && p != "0") else {
        sink.err(no_path);
        return Err(1);
    };
    if o.binary {
        sink.err("Binary dump (-b) is not supported by this client; use the database's own backup tools (pg_dump / pg_restore)\n");
        return Err(1);
    }
    Ok((o, path))
}

fn nnr_request(command: &str, args: &[&str], ctx: &CliContext) -> Request {
    let inv = Invocation {
        command: command.to_string(),
        style: Style::NoNodeRange,
        args: args.iter().map(|s| s.to_string()).collect(),
        cwd: ctx.cwd.clone(),
        env: &ctx.env,
    };
    // The stock tools run the commands with a terminal-less stdin: no stdin.
    match build(&inv, &mut FakeStdin::tty()) {
        Built::Send { request, .. } => request,
        Built::Exit(_) => Request::new(command),
    }
}

fn is_cred_warning(line: &str) -> bool {
    line.starts_with("warning: the client certificates under ")
}

/// First CSV field and second field of a tabdump line (stock quoting: fields
/// in double quotes, `""` for a quote).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

/// `site.skiptables`, read through `tabdump site`.
async fn site_skiptables(ctx: &CliContext) -> Vec<String> {
    let out = capture(&nnr_request("tabdump", &["site"], ctx), ctx).await;
    for line in out.stdout.lines() {
        let f = csv_fields(line);
        if f.first().map(String::as_str) == Some("skiptables") {
            return f
                .get(1)
                .map(|v| v.split(',').map(str::to_string).collect())
                .unwrap_or_default();
        }
    }
    Vec::new()
}

fn skipped_by_rule(name: &str, all: bool) -> bool {
    (!all && (name.starts_with("eventlog") || name.starts_with("auditlog")))
        || name.starts_with("x_teal")
        || name.starts_with("isnm_perf")
}

/// `dumpxCATdb [-a] [-V] -p <dir>`.
pub async fn dump(args: &[String], ctx: &CliContext, sink: &mut dyn Sink) -> i32 {
    let (o, path) = match check_opts(
        args,
        DUMP_USAGE,
        " Requires -p with path to directory to hold db files.\n",
        sink,
    ) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let dir = ctx.cwd.join(&path);
    if !dir.exists() {
        sink.out(&format!(" Creating {path} for database dump\n"));
        if std::fs::create_dir_all(&dir).is_err() {
            sink.err(&format!("Error running mkdir -p {path}\n"));
            return 1;
        }
    }
    let list = capture(&nnr_request("tabdump", &[], ctx), ctx).await;
    if list.exit_code != 0 {
        sink.err("Error running tabdump to get list of tables\n");
        return 1;
    }
    let skip: Vec<String> = match ctx.env.get("XCAT_SKIPTABLES").filter(|v| !v.is_empty()) {
        Some(v) => v.split(',').map(str::to_string).collect(),
        None => site_skiptables(ctx).await,
    };
    for table in list.stdout.lines().filter(|l| !is_cred_warning(l)) {
        if skipped_by_rule(table, o.all) || skip.iter().any(|s| s == table) {
            if o.verbose {
                sink.out(&format!("Skipping {table}\n\n"));
            }
            continue;
        }
        let file = format!("{path}/{table}.csv");
        let out = capture(&nnr_request("tabdump", &["-f", &file, table], ctx), ctx).await;
        if out.exit_code != 0 {
            let errout: Vec<&str> = out.stdout.lines().chain(out.stderr.lines()).collect();
            sink.err(&format!(
                "Error running tabdump -f {file} {table}, {}\n",
                errout.join(" ")
            ));
        } else if o.verbose {
            sink.out(&format!("Dumping {table}\n"));
        }
    }
    sink.out("Backup Complete.\n");
    0
}

/// `restorexCATdb [-a] [-V] -p <dir>`.
pub async fn restore(args: &[String], ctx: &CliContext, sink: &mut dyn Sink) -> i32 {
    let (o, path) = match check_opts(
        args,
        RESTORE_USAGE,
        " -p with path to database files is required \n\n",
        sink,
    ) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let dir = ctx.cwd.join(&path);
    if !dir.exists() {
        sink.err(" Input path must exist \n\n");
        return 1;
    }
    let Ok(entries) = std::fs::read_dir(&dir) else {
        sink.err(&format!(" Unable to read directory {path} \n\n"));
        return 1;
    };
    let skip = site_skiptables(ctx).await;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let base = name.split('.').next().unwrap_or("").to_string();
        if skipped_by_rule(&name, o.all) || skip.contains(&base) {
            if o.verbose && !name.starts_with("isnm_perf") {
                let shown = if skip.contains(&base) { &base } else { &name };
                sink.out(&format!("Skipping {shown}\n\n"));
            }
            continue;
        }
        let file = Path::new(&path).join(&name).to_string_lossy().into_owned();
        let inv = Invocation {
            command: "tabrestore".into(),
            style: Style::TabRestore,
            args: vec![file.clone()],
            cwd: ctx.cwd.clone(),
            env: &ctx.env,
        };
        let out = match build(&inv, &mut FakeStdin::tty()) {
            Built::Send { request, .. } => capture(&request, ctx).await,
            Built::Exit(p) => p,
        };
        if out.exit_code != 0 {
            let errout: Vec<&str> = out.stdout.lines().chain(out.stderr.lines()).collect();
            sink.err(&format!(
                "Error running tabrestore {file}, {}\n\n",
                errout.join(" ")
            ));
        } else if o.verbose {
            sink.out(&format!("Restoring {name}.\n\n"));
        }
    }
    sink.out("Restore of Database Complete.\n");
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_options() {
        assert_eq!(
            csv_fields("\"skiptables\",\"a,b\",,"),
            vec!["skiptables", "a,b", "", ""]
        );
        assert_eq!(csv_fields("\"x\"\"y\",z"), vec!["x\"y", "z"]);
        let mut p = crate::Printed::new();
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let o = parse_opts(&a(&["-aV", "-p/tmp/x"]), &mut p).unwrap();
        assert!(o.all && o.verbose && o.path.as_deref() == Some("/tmp/x"));
        let o = parse_opts(&a(&["--path", "/d"]), &mut p).unwrap();
        assert_eq!(o.path.as_deref(), Some("/d"));
        assert!(parse_opts(&a(&["-q"]), &mut p).is_none());
    }
}
