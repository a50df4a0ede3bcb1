//! The NIM command layer: the AIX commands at the absolute paths stock runs
//! them from (aixinstall.pm, xcat2nim.pm), run through the [`Runner`] on one target (locally
//! without a shell, or over ssh with every word quoted), their outputs read
//! into typed results by [`super::parse`].  Every NIM command of every NIM
//! handler goes through here.

use super::parse::{self, NimError, Stanza};
use crate::runner::{Cmd, Output, Runner, Target};
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::time::Duration;

pub const LSNIM: &str = "/usr/sbin/lsnim";
pub const NIM: &str = "/usr/sbin/nim";
pub const NIM_MASTER_SETUP: &str = "/usr/sbin/nim_master_setup";
pub const NIMINIT: &str = "/usr/sbin/niminit";
pub const MKNFSEXP: &str = "/usr/sbin/mknfsexp";
pub const CHNFSEXP: &str = "/usr/sbin/chnfsexp";
pub const RMNFSEXP: &str = "/usr/sbin/rmnfsexp";
pub const LSNFSEXP: &str = "/usr/sbin/lsnfsexp";
pub const EXPORTFS: &str = "/usr/sbin/exportfs";
pub const CHNFS: &str = "/usr/sbin/chnfs";
pub const CHNFSDOM: &str = "/usr/sbin/chnfsdom";
pub const STARTSRC: &str = "/usr/bin/startsrc";
pub const STOPSRC: &str = "/usr/bin/stopsrc";
pub const LSSRC: &str = "/usr/bin/lssrc";
pub const REFRESH: &str = "/usr/bin/refresh";
pub const BOOTLIST: &str = "/usr/bin/bootlist";
pub const IFCONFIG: &str = "/usr/sbin/ifconfig";
pub const DF: &str = "/usr/bin/df";
pub const CHFS: &str = "/usr/sbin/chfs";
pub const SHUTDOWN: &str = "/usr/sbin/shutdown";
pub const MVDIR: &str = "/usr/sbin/mvdir";
pub const SYNC: &str = "/usr/sbin/sync";
// File commands on nimprime and the service nodes (aixinstall.pm:6190, 7313-7512, 9452-9634).
pub const MKDIR: &str = "/usr/bin/mkdir";
pub const CP: &str = "/usr/bin/cp";
pub const RM: &str = "/usr/bin/rm";
pub const CAT: &str = "/usr/bin/cat";
pub const TEST: &str = "/usr/bin/test";
pub const TOUCH: &str = "/usr/bin/touch";
pub const CHMOD: &str = "/usr/bin/chmod";
pub const CHGRP: &str = "/usr/bin/chgrp";
pub const CHOWN: &str = "/usr/bin/chown";
pub const DU: &str = "/usr/bin/du";
/// rsync over ssh (stock: `prsync` / `xdcp`, which run rsync underneath).
pub const RSYNC: &str = "/usr/bin/rsync";

/// How NIM commands run: a timeout per command and, for tests only, a
/// directory the stock paths are looked up under (set by code, never from
/// the environment).
#[derive(Debug, Clone)]
pub struct NimConfig {
    pub timeout: Duration,
    command_root: Option<PathBuf>,
}

impl Default for NimConfig {
    fn default() -> NimConfig {
        NimConfig {
            timeout: Duration::from_secs(600),
            command_root: None,
        }
    }
}

impl NimConfig {
    /// Run `<root>/usr/sbin/lsnim` instead of `/usr/sbin/lsnim` (tests: a
    /// directory of simulator wrappers).
    pub fn with_command_root(mut self, root: impl Into<PathBuf>) -> NimConfig {
        self.command_root = Some(root.into());
        self
    }

    /// The program to run for a stock absolute path.
    pub fn program(&self, stock_path: &str) -> String {
        match &self.command_root {
            Some(root) => format!("{}{stock_path}", root.display()),
            None => stock_path.to_string(),
        }
    }
}

/// One command that ran, as stock would show it, and what it returned.
#[derive(Debug, Clone)]
pub struct Ran {
    /// The stock command line (absolute path, words shell-quoted).
    pub line: String,
    pub out: Output,
}

impl Ran {
    pub fn ok(&self) -> bool {
        self.out.ok()
    }

    /// Standard output then standard error (stock's `2>&1`), trimmed.
    pub fn text(&self) -> String {
        let mut t = self.out.stdout.clone();
        if !self.out.stderr.is_empty() {
            if !t.is_empty() && !t.ends_with('\n') {
                t.push('\n');
            }
            t.push_str(&self.out.stderr);
        }
        t.trim_end().to_string()
    }

    /// NIM's own refusal (`0042-NNN …`), when that is why it failed.
    pub fn nim_error(&self) -> Option<NimError> {
        parse::nim_error(&self.out.stderr).or_else(|| parse::nim_error(&self.out.stdout))
    }
}

/// NIM commands on one host.
pub struct Nim<'a> {
    runner: &'a dyn Runner,
    target: Target,
    cfg: &'a NimConfig,
    /// Lines of the commands run since the last [`Nim::take_lines`].
    lines: std::sync::Mutex<Vec<String>>,
}

impl<'a> Nim<'a> {
    pub fn new(runner: &'a dyn Runner, target: Target, cfg: &'a NimConfig) -> Nim<'a> {
        Nim {
            runner,
            target,
            cfg,
            lines: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The command lines run since the last call (verbose output).
    pub fn take_lines(&self) -> Vec<String> {
        self.lines
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }

    /// Count `lines` among the commands run on this target (commands
    /// another handle on the same host ran, e.g. `Files`' file tools), so
    /// `-V` shows them in order.
    pub fn note_lines(&self, lines: Vec<String>) {
        if let Ok(mut l) = self.lines.lock() {
            l.extend(lines);
        }
    }

    /// This host's NIM (the handler runs on the NIM master itself).
    pub fn local(runner: &'a dyn Runner, cfg: &'a NimConfig) -> Nim<'a> {
        Nim::new(runner, Target::Local, cfg)
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The runner the commands go through.
    pub fn runner(&self) -> &'a dyn Runner {
        self.runner
    }

    /// How the commands run (timeout, test command root).
    pub fn config(&self) -> &'a NimConfig {
        self.cfg
    }

    /// Run `stock_path args…` on the target.
    pub fn run(&self, stock_path: &str, args: &[&str]) -> Ran {
        let line = Cmd::new(stock_path, args.iter().copied()).to_shell_line();
        let cmd = Cmd::new(&self.cfg.program(stock_path), args.iter().copied());
        if let Ok(mut l) = self.lines.lock() {
            l.push(line.clone());
        }
        let out = self.runner.run(&self.target, &cmd, self.cfg.timeout);
        Ran { line, out }
    }

    /// `nim args…`.
    pub fn nim(&self, args: &[&str]) -> Ran {
        self.run(NIM, args)
    }

    /// `lsnim args…`.
    pub fn lsnim(&self, args: &[&str]) -> Ran {
        self.run(LSNIM, args)
    }

    /// Names of the objects of a class (`lsnim -c machines`, first column).
    pub fn names_of_class(&self, class: &str) -> Result<Vec<String>, Ran> {
        let r = self.lsnim(&["-c", class]);
        if r.ok() {
            Ok(parse::first_words(&r.out.stdout))
        } else {
            Err(r)
        }
    }

    /// `lsnim -l obj`: the raw listing (what `-l` commands print).
    pub fn long_listing(&self, obj: &str) -> Result<String, Ran> {
        let r = self.lsnim(&["-l", obj]);
        if r.ok() {
            Ok(r.out.stdout.trim_end().to_string())
        } else {
            Err(r)
        }
    }

    /// `lsnim -l obj` read as a stanza; `Ok(None)` when NIM has no such
    /// object (0042-053).
    pub fn stanza(&self, obj: &str) -> Result<Option<Stanza>, Ran> {
        let r = self.lsnim(&["-l", obj]);
        if r.ok() {
            return Ok(parse::stanzas(&r.out.stdout).into_iter().next());
        }
        match r.nim_error() {
            Some(e) if e.code == 53 => Ok(None),
            _ => Err(r),
        }
    }

    /// `lsnim -Z -a net_addr -a snm net` → (net_addr, snm).
    pub fn net_addr_snm(&self, net: &str) -> Result<Option<(String, String)>, Ran> {
        let r = self.lsnim(&["-Z", "-a", "net_addr", "-a", "snm", net]);
        if !r.ok() {
            return Err(r);
        }
        Ok(parse::colon_lines(&r.out.stdout)
            .into_iter()
            .next_back()
            .map(|f| (field(&f, 1), field(&f, 2))))
    }

    /// `lsnim -a attr -Z obj` → the fields after the name of the last data line.
    pub fn attr_fields(&self, attr: &str, obj: &str) -> Result<Vec<String>, Ran> {
        let r = self.lsnim(&["-a", attr, "-Z", obj]);
        if !r.ok() {
            return Err(r);
        }
        Ok(parse::colon_lines(&r.out.stdout)
            .into_iter()
            .next_back()
            .map(|mut f| f.split_off(1.min(f.len())))
            .unwrap_or_default())
    }

    /// `lsnim -A attr obj`: the next free index of a sequenced attribute.
    pub fn next_index(&self, attr: &str, obj: &str) -> Result<u32, Ran> {
        let r = self.lsnim(&["-A", attr, obj]);
        match parse::index(&r.out.stdout) {
            Some(i) if r.ok() => Ok(i),
            _ => Err(r),
        }
    }

    /// The IPv4 addresses and masks of the target (`ifconfig -a`).
    pub fn inet_addrs(&self) -> Result<Vec<(Ipv4Addr, Ipv4Addr)>, Ran> {
        let r = self.run(IFCONFIG, &["-a"]);
        if r.ok() {
            Ok(parse::inet_addrs(&r.out.stdout))
        } else {
            Err(r)
        }
    }
}

fn field(f: &[String], i: usize) -> String {
    f.get(i).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::RecordingRunner;

    #[test]
    fn stock_paths_and_parsed_answers() {
        let rec = RecordingRunner::new();
        rec.on_run(
            LSNIM,
            None,
            Some(&["-c", "machines"]),
            Output::success("master machines master\ncn01 machines standalone\n"),
        );
        rec.on_run(
            LSNIM,
            None,
            Some(&["-l", "cn02"]),
            Output::failure(
                53,
                "0042-053 lsnim: there is no NIM object named \"cn02\"\n",
            ),
        );
        let cfg = NimConfig::default();
        let nim = Nim::local(&rec, &cfg);
        assert_eq!(nim.names_of_class("machines").unwrap(), ["master", "cn01"]);
        assert_eq!(nim.stanza("cn02").unwrap(), None);
        let lines: Vec<String> = rec.runs().into_iter().map(|(_, l)| l).collect();
        assert_eq!(
            lines,
            ["/usr/sbin/lsnim -c machines", "/usr/sbin/lsnim -l cn02"]
        );
    }

    #[test]
    fn test_root_prefixes_the_program_only() {
        let cfg = NimConfig::default().with_command_root("/tmp/x");
        assert_eq!(cfg.program(NIM), "/tmp/x/usr/sbin/nim");
        assert_eq!(NimConfig::default().program(NIM), "/usr/sbin/nim");
    }
}
