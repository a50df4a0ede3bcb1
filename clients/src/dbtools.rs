//! `dumpxCATdb` and `restorexCATdb`: one `tabdump -f
//! <dir>/<table>.csv <table>` request per table, or one `tabrestore
//! <dir>/<file>` per file, with the stock skip rules and messages.  Binary
//! dumps (`-b`) are left to the database's own tools.

use crate::cli::{capture, version_line, CliContext, Sink};
use crate::request::{build, Built, FakeStdin, Invocation};
use crate::styles::Style;
use std::path::Path;
use xcat_getopt::{Config, Parsed, Spec};
use xcat_proto::Request;

const DUMP_USAGE: &str = " dumpxCATdb -h \n dumpxCATdb -v \n dumpxCATdb [-a] [-V] <-p> [path to backup directory] \n dumpxCATdb -b [-V] <-p> [path to backup directory]\n";
const RESTORE_USAGE: &str = " restorexCATdb  -h \n restorexCATdb -v \n restorexCATdb [-a] [-V] <-p> [path to restore .csv files]\n restorexCATdb -b [-V] <-t> [timestamp on restore backup file]  <-p> [path to restore backup file]\n";

/// xCAT-client/sbin/dumpxCATdb:149-151 and restorexCATdb:154-156:
/// `posix_default`, `no_gnu_compat`, `bundling` (options first, no
/// abbreviations, `-pDIR` or `--path=DIR`).
const CONFIG: Config = Config::DEFAULT.posix_default().bundling();

/// xCAT-client/sbin/dumpxCATdb:153-160.
const DUMP_SPECS: &[Spec] = &[
    Spec::new("a|all"),
    Spec::new("b|bin"),
    Spec::new("p|path=s"),
    Spec::new("h|help"),
    Spec::new("V|verbose"),
    Spec::new("v|version"),
];

/// xCAT-client/sbin/restorexCATdb:158-166.
const RESTORE_SPECS: &[Spec] = &[
    Spec::new("a|all"),
    Spec::new("b|binary"),
    Spec::new("p|path=s"),
    Spec::new("t|timestamp=s"),
    Spec::new("h|help"),
    Spec::new("V|verbose"),
    Spec::new("v|version"),
];

/// What one of the two tools is told: its options and its texts.
struct Tool {
    specs: &'static [Spec],
    usage: &'static str,
    no_path: &'static str,
}

const DUMP: Tool = Tool {
    specs: DUMP_SPECS,
    usage: DUMP_USAGE,
    no_path: " Requires -p with path to directory to hold db files.\n",
};

const RESTORE: Tool = Tool {
    specs: RESTORE_SPECS,
    usage: RESTORE_USAGE,
    no_path: " -p with path to database files is required \n\n",
};

/// Common option handling: the options and the `-p` path, or `Err(code)`
/// when the command ends here (Getopt::Long's warnings and the usage on
/// stderr, exit 1, as the stock scripts).
fn check_opts(args: &[String], tool: &Tool, sink: &mut dyn Sink) -> Result<(Parsed, String), i32> {
    let o = match CONFIG.parse(args, tool.specs) {
        Ok(o) => o,
        Err(rejected) => {
            sink.err(&format!("{rejected}\n"));
            sink.err(tool.usage);
            return Err(1);
        }
    };
    if o.flag("h") {
        sink.out(tool.usage);
        return Err(0);
    }
    if o.flag("v") {
        sink.out(&format!("{}\n", version_line()));
        return Err(0);
    }
    let Some(path) = o.str("p").filter(|p| !p.is_empty() && *p != "0") else {
        sink.err(tool.no_path);
        return Err(1);
    };
    let path = path.to_string();
    if o.flag("b") {
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
    let (o, path) = match check_opts(args, &DUMP, sink) {
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
        if skipped_by_rule(table, o.flag("a")) || skip.iter().any(|s| s == table) {
            if o.flag("V") {
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
        } else if o.flag("V") {
            sink.out(&format!("Dumping {table}\n"));
        }
    }
    sink.out("Backup Complete.\n");
    0
}

/// `restorexCATdb [-a] [-V] -p <dir>`.
pub async fn restore(args: &[String], ctx: &CliContext, sink: &mut dyn Sink) -> i32 {
    let (o, path) = match check_opts(args, &RESTORE, sink) {
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
        if skipped_by_rule(&name, o.flag("a")) || skip.contains(&base) {
            if o.flag("V") && !name.starts_with("isnm_perf") {
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
        } else if o.flag("V") {
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
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut p = crate::Printed::new();
        let (o, path) = check_opts(&a(&["-aV", "-p/tmp/x"]), &DUMP, &mut p).unwrap();
        assert!(o.flag("a") && o.flag("V") && path == "/tmp/x");
        let (_, path) = check_opts(&a(&["--PATH", "/d"]), &RESTORE, &mut p).unwrap();
        assert_eq!(path, "/d");
        // Options first (posix_default); every warning, then the usage.
        assert_eq!(
            check_opts(&a(&["-qt", "-p", "/d"]), &DUMP, &mut p).err(),
            Some(1)
        );
        assert_eq!(
            p.stderr,
            format!("Unknown option: q\nUnknown option: t\n{DUMP_USAGE}")
        );
        assert!(check_opts(&a(&["x", "-p", "/d"]), &DUMP, &mut p).is_err());
        assert!(check_opts(&a(&["--pa=/d"]), &DUMP, &mut p).is_err());
        assert!(check_opts(&a(&["-t1", "-p/d"]), &RESTORE, &mut p).is_ok());
    }
}
