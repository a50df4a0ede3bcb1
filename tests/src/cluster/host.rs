//! One host of a running cluster: run a program inside it (its network,
//! mount and UTS namespaces, as root with a clean environment), ssh or
//! rsync from it to another host, and find its files from outside.

use super::layout::Layout;
use super::mounts::host_command;
use super::spec::HostSpec;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// A borrowed view of one host.
pub struct Host<'a> {
    layout: &'a Layout,
    spec: &'a HostSpec,
}

impl<'a> Host<'a> {
    pub(super) fn new(layout: &'a Layout, spec: &'a HostSpec) -> Host<'a> {
        Host { layout, spec }
    }

    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// Its address in 198.18.0.0/24.
    pub fn ip(&self) -> String {
        self.spec.ip()
    }

    /// A command running `program` inside the host (add args, env, stdin).
    pub fn command(&self, program: &str) -> Command {
        host_command(self.layout, &self.spec.name, program)
    }

    /// Run `program args` inside the host and collect its output.
    pub fn run(&self, program: &str, args: &[&str]) -> Output {
        output(self.command(program).args(args))
    }

    /// `ssh <to> -- args...` from this host (real ssh, root's cluster key).
    pub fn ssh(&self, to: &str, args: &[&str]) -> Output {
        output(self.command("ssh").arg(to).arg("--").args(args))
    }

    /// `rsync -a <src...> <to>:<dest>` from this host over ssh.
    pub fn rsync_to(&self, to: &str, src: &[&str], dest: &str) -> Output {
        output(
            self.command("rsync")
                .args(["-a", "-e", "ssh"])
                .args(src)
                .arg(format!("{to}:{dest}")),
        )
    }

    /// Where the host's file `path` (under `/etc`, `/var`, `/usr`, `/root`,
    /// `/opt`, `/install`, `/tftpboot`) is stored when the host wrote or the
    /// harness prepared it; files the host only sees from the machine are
    /// not there (read those with [`Host::run`]).
    pub fn file(&self, path: &str) -> PathBuf {
        self.layout.host_path(&self.spec.name, path)
    }

    /// The text of [`Host::file`] (empty when absent).
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.file(path)).unwrap_or_default()
    }
}

/// Run to completion with stdin closed; a spawn failure becomes exit 127
/// with the reason on stderr (tests assert on the output).
pub fn output(cmd: &mut Command) -> Output {
    match cmd.stdin(Stdio::null()).output() {
        Ok(out) => out,
        Err(e) => Output {
            status: std::os::unix::process::ExitStatusExt::from_raw(127 << 8),
            stdout: Vec::new(),
            stderr: format!("{}: {e}", super::sys::describe(cmd)).into_bytes(),
        },
    }
}
