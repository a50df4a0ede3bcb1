//! The NFS commands: `mknfsexp`, `chnfsexp`, `rmnfsexp`, `lsnfsexp` (plain and `-c`),
//! `exportfs`, `chnfs -R` (refused while NFSv4 exports are exported) and `chnfsdom`.
//! Exports have two flags: listed in /etc/exports, and currently exported.

use crate::args::{self, Parsed};
use crate::nfs_export::{Export, NfsState, COLON_HEADER};
use crate::outcome::Outcome;
use crate::store::State;
const MK_SPEC: &str = "d:f:t:h:a:r:c:snIBNPpv:xXe:g:S:G:uU";
const MK_USAGE: &str = "Usage: mknfsexp -d Directory [-t rw|ro|rm] [-h Host] [-r Host] [-c Host] [-a UID] [-v Versions] [-g Replicas] [-x|-X] [-e Exname] [-S Sec] [-P|-p] [-I|-B|-N]";

fn parse_export(cmd: &str, argv: &[String], usage: &str) -> Result<(Parsed, String), Outcome> {
    let parsed = args::parse(cmd, argv, MK_SPEC, usage)?;
    let Some(dir) = parsed.value('d').map(str::to_string) else {
        return Err(args::usage_error(cmd, "the -d flag is required", usage));
    };
    if !dir.starts_with('/') {
        return Err(Outcome::fail(
            1,
            format!("{cmd}: {dir} is not an absolute path name."),
        ));
    }
    Ok((parsed, dir))
}

fn hosts(list: &str) -> Vec<String> {
    list.split([':', ','])
        .filter(|h| !h.is_empty())
        .map(str::to_string)
        .collect()
}

/// Applies the export options of a mknfsexp / chnfsexp call; refuses replicas that
/// NFS would refuse (not NFSv4, or replication not enabled with `chnfs -R on`).
fn apply(cmd: &str, nfs: &NfsState, export: &mut Export, parsed: &Parsed) -> Result<(), Outcome> {
    for opt in &parsed.opts {
        let v = opt.value.as_deref().unwrap_or("");
        match opt.flag {
            't' if ["rw", "ro", "rm"].contains(&v) => export.access = v.to_string(),
            't' => {
                return Err(Outcome::fail(
                    1,
                    format!("{cmd}: {v} is not a valid access type (rw, ro or rm)."),
                ))
            }
            'h' => export.rw_hosts = hosts(v),
            'r' => export.root_hosts = hosts(v),
            'c' => export.access_hosts = hosts(v),
            'a' => export.anonuid = v.to_string(),
            'v' => export.versions = v.replace(',', ":"),
            'g' => export.replicas = hosts(v),
            'e' => export.exname = v.to_string(),
            'G' => export.refer = v.to_string(),
            'S' => export.sec = v.to_string(),
            'P' => export.public = true,
            'p' => export.public = false,
            _ => {}
        }
    }
    if export.access == "ro" && !export.rw_hosts.is_empty() {
        export.ro_hosts = std::mem::take(&mut export.rw_hosts);
    }
    if !export.replicas.is_empty() {
        if !export.is_v4() {
            return Err(Outcome::fail(
                1,
                format!("{cmd}: replicas can only be specified for NFS version 4 exports (-v 4)."),
            ));
        }
        if !nfs.replication {
            return Err(Outcome::fail(1, format!("{cmd}: replicas cannot be specified while NFS replication is disabled; run chnfs -R on first.")));
        }
        if export.replicas.iter().any(|r| !r.contains('@')) {
            return Err(Outcome::fail(
                1,
                format!("{cmd}: replica locations must have the form directory@host."),
            ));
        }
    }
    Ok(())
}

/// Where the change goes: -I (/etc/exports only), -N (export only), -B (both, default).
fn scope(parsed: &Parsed) -> (bool, bool) {
    if parsed.has('I') {
        (true, false)
    } else if parsed.has('N') {
        (false, true)
    } else {
        (true, true)
    }
}

/// `mknfsexp -d dir …`: a directory already exported is refused.
pub fn mknfsexp(state: &mut State, argv: &[String]) -> (Outcome, bool) {
    let (parsed, dir) = match parse_export("mknfsexp", argv, MK_USAGE) {
        Ok(p) => p,
        Err(out) => return (out, false),
    };
    if state.nfs.exports.iter().any(|e| e.dir == dir) {
        return (
            Outcome::fail(
                1,
                format!("mknfsexp: {dir} is already exported; use chnfsexp to change it."),
            ),
            false,
        );
    }
    let mut export = Export::new(&dir);
    if let Err(out) = apply("mknfsexp", &state.nfs, &mut export, &parsed) {
        return (out, false);
    }
    (export.in_file, export.exported) = scope(&parsed);
    state.nfs.exports.push(export);
    (Outcome::ok(""), true)
}

/// `chnfsexp -d dir …`: changes an existing export (re-exported when it is exported).
pub fn chnfsexp(state: &mut State, argv: &[String]) -> (Outcome, bool) {
    let usage = MK_USAGE.replace("mknfsexp", "chnfsexp");
    let (parsed, dir) = match parse_export("chnfsexp", argv, &usage) {
        Ok(p) => p,
        Err(out) => return (out, false),
    };
    let Some(pos) = state.nfs.exports.iter().position(|e| e.dir == dir) else {
        return (
            Outcome::fail(1, format!("chnfsexp: {dir} is not exported.")),
            false,
        );
    };
    let mut export = state.nfs.exports[pos].clone();
    if let Err(out) = apply("chnfsexp", &state.nfs, &mut export, &parsed) {
        return (out, false);
    }
    let (in_file, now) = scope(&parsed);
    export.in_file |= in_file;
    export.exported |= now;
    state.nfs.exports[pos] = export;
    (Outcome::ok(""), true)
}

/// `rmnfsexp -d dir [-I|-B|-N]`.
pub fn rmnfsexp(state: &mut State, argv: &[String]) -> (Outcome, bool) {
    let usage = "Usage: rmnfsexp -d Directory [-f Exports_file] [-I|-B|-N]";
    let (parsed, dir) = match parse_export("rmnfsexp", argv, usage) {
        Ok(p) => p,
        Err(out) => return (out, false),
    };
    let Some(pos) = state.nfs.exports.iter().position(|e| e.dir == dir) else {
        return (
            Outcome::fail(1, format!("rmnfsexp: {dir} is not exported.")),
            false,
        );
    };
    let (from_file, unexport) = scope(&parsed);
    let export = &mut state.nfs.exports[pos];
    export.in_file &= !from_file;
    export.exported &= !unexport;
    if !export.in_file && !export.exported {
        state.nfs.exports.remove(pos);
    }
    (Outcome::ok(""), true)
}

/// `lsnfsexp [-c] [-d dir]`: the /etc/exports entries.
pub fn lsnfsexp(state: &State, argv: &[String]) -> Outcome {
    let parsed = match args::parse(
        "lsnfsexp",
        argv,
        "cd:f:l",
        "Usage: lsnfsexp [-c] [-d Directory]",
    ) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let only = parsed.value('d');
    let listed = state
        .nfs
        .exports
        .iter()
        .filter(|e| e.in_file && only.is_none_or(|d| d == e.dir));
    let mut out = Outcome::ok("");
    if parsed.has('c') {
        out.line(COLON_HEADER);
        listed.for_each(|e| out.line(e.colon_line()));
    } else {
        listed.for_each(|e| out.line(format!("{} {}", e.dir, e.options())));
    }
    out
}

/// `exportfs [-a] [-u [dir]] [-i dir] [-v]`; no flags lists what is exported.
pub fn exportfs(state: &mut State, argv: &[String]) -> (Outcome, bool) {
    let parsed = match args::parse(
        "exportfs",
        argv,
        "auivo:f:",
        "Usage: exportfs [-a] [-v] [-u] [-i] [-o options] [Directory]",
    ) {
        Ok(p) => p,
        Err(out) => return (out, false),
    };
    let verbose = parsed.has('v');
    let dirs = &parsed.operands;
    let chosen = |e: &Export| dirs.is_empty() || dirs.contains(&e.dir);
    let mut out = Outcome::ok("");
    if !parsed.has('a') && !parsed.has('u') && dirs.is_empty() {
        for e in state.nfs.exports.iter().filter(|e| e.exported) {
            out.line(format!("{} {}", e.dir, e.options()));
        }
        return (out, false);
    }
    if let Some(missing) = dirs
        .iter()
        .find(|d| !state.nfs.exports.iter().any(|e| &e.dir == *d))
    {
        return (
            Outcome::fail(1, format!("exportfs: {missing} is not in /etc/exports.")),
            false,
        );
    }
    let unexport = parsed.has('u');
    for e in state
        .nfs
        .exports
        .iter_mut()
        .filter(|e| chosen(e) && (unexport || e.in_file || !dirs.is_empty()))
    {
        e.exported = !unexport;
        if verbose {
            out.line(format!(
                "{} {}",
                if unexport { "unexported" } else { "exported" },
                e.dir
            ));
        }
    }
    state.nfs.exports.retain(|e| e.in_file || e.exported);
    (out, true)
}

/// `chnfs -R on|off|host…`: refused while any NFSv4 export is exported; other chnfs
/// flags are accepted and ignored.
pub fn chnfs(state: &mut State, argv: &[String]) -> (Outcome, bool) {
    let usage = "Usage: chnfs [-R on|off|Host[+Host...]] [-n nfsd_threads] [-I|-B|-N] ...";
    let parsed = match args::parse(
        "chnfs",
        argv,
        "R:n:m:b:c:g:x:X:S:s:u:U:v:V:t:P:p:IBNzZ",
        usage,
    ) {
        Ok(p) => p,
        Err(out) => return (out, false),
    };
    let Some(mode) = parsed.value('R') else {
        return (Outcome::ok(""), false);
    };
    if let Some(active) = state.nfs.exports.iter().find(|e| e.exported && e.is_v4()) {
        let text = format!(
            "chnfs: The replication mode cannot be changed while NFS version 4 exports are exported ({}).\nUnexport them first with exportfs -ua.",
            active.dir
        );
        return (Outcome::fail(1, text), false);
    }
    state.nfs.replication = mode != "off";
    (Outcome::ok(""), true)
}

/// `chnfsdom [domain]`: prints the local NFSv4 domain (`N/A` when unset) or sets it.
pub fn chnfsdom(state: &mut State, argv: &[String]) -> (Outcome, bool) {
    match argv {
        [] => {
            let domain = state.nfs.domain.as_deref().unwrap_or("N/A");
            (
                Outcome::ok(format!("Current local domain: {domain}\n")),
                false,
            )
        }
        [domain] if !domain.starts_with('-') => {
            state.nfs.domain = Some(domain.clone());
            (Outcome::ok(""), true)
        }
        _ => (
            args::usage_error(
                "chnfsdom",
                "too many arguments",
                "Usage: chnfsdom [Domain_name]",
            ),
            false,
        ),
    }
}
