//! Running the prescripts of one batch (xCAT-server/lib/xcat/plugins/prescripts.pm:216-332,
//! :451-514): each script `<installdir>/prescripts/<name>` with stock's
//! environment (`NODES=<n1,n2,…>`, `ACTION=<action>`), once for the whole
//! batch, or once per node with at most N at a time when the script holds a
//! `#xCAT setting: MAX_INSTANCE=N` line.  No shell: `/usr/bin/env` sets the
//! two variables and runs the script through the [`Runner`].

use super::table::Batch;
use crate::api::{Aborted, Responder};
use crate::runner::{run_each, Cmd, Output, Runner, Target};
use std::path::Path;
use std::time::Duration;
use xcat_proto::Response;

/// How long one script may run.
pub const SCRIPT_TIMEOUT: Duration = Duration::from_secs(1800);

/// Where the scripts are and how they run.
pub struct Scripts<'a> {
    pub runner: &'a dyn Runner,
    /// `<installdir>/prescripts`.
    pub dir: String,
    /// `begin` or `end` (message text).
    pub phase: &'a str,
    pub action: &'a str,
    /// This server's name, the prefix of every message.
    pub host: &'a str,
}

/// A script name as the table gives it: a file name in the prescripts
/// directory, nothing that leaves it.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && !name.contains('/')
        && !name.contains("..")
        && !name.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// `MAX_INSTANCE` of a script (`#xCAT setting: MAX_INSTANCE=4`), 0 when absent.
pub fn max_instance(text: &str) -> usize {
    text.lines()
        .find_map(|l| {
            let rest = l.trim_start().trim_start_matches('#');
            let rest = rest.strip_prefix("xCAT setting:")?.trim_start();
            let n = rest.strip_prefix("MAX_INSTANCE=")?;
            let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .unwrap_or(0)
}

impl Scripts<'_> {
    fn cmd(&self, script: &str, nodes: &str) -> Cmd {
        Cmd::new(
            "/usr/bin/env",
            [
                format!("NODES={nodes}"),
                format!("ACTION={}", self.action),
                format!("{}/{script}", self.dir),
            ],
        )
    }

    /// Run every script of `batch` in order; `Ok(false)` when a script
    /// failed with a return code above 1 (stock stops there).
    pub fn run_batch(&self, batch: &Batch, out: &mut dyn Responder) -> Result<bool, Aborted> {
        let list = batch.nodes.join(",");
        for s in &batch.scripts {
            if !valid_name(s) {
                let text = format!("{}: {s}: not a valid prescript name.", self.host);
                out.send(Response::new().error(text))?;
                continue;
            }
            out.send(Response::new().data(format!(
                "{}: Running {} script {s} for nodes {list}.",
                self.host, self.phase
            )))?;
            let path = format!("{}/{s}", self.dir);
            let max = std::fs::read_to_string(Path::new(&path))
                .map(|t| max_instance(&t))
                .unwrap_or(0);
            if max > 0 {
                self.per_node(s, &batch.nodes, max, out)?;
                continue;
            }
            let o = self
                .runner
                .run(&Target::Local, &self.cmd(s, &list), SCRIPT_TIMEOUT);
            let rc = o.status.unwrap_or(-1);
            if rc != 0 {
                let text = format!(
                    "{}: {s}: return code={rc}. Error message={}",
                    self.host,
                    both(&o)
                );
                out.send(Response::new().error(text))?;
                if !(0..=1).contains(&rc) {
                    return Ok(false);
                }
            } else if !both(&o).is_empty() {
                out.send(Response::new().data(format!("{}: {s}: {}", self.host, both(&o))))?;
            }
        }
        Ok(true)
    }

    /// One run per node, at most `max` at a time (stock forks them).
    fn per_node(
        &self,
        s: &str,
        nodes: &[String],
        max: usize,
        out: &mut dyn Responder,
    ) -> Result<(), Aborted> {
        let jobs: Vec<(Target, Cmd)> = nodes
            .iter()
            .map(|n| (Target::Local, self.cmd(s, n)))
            .collect();
        let outs = run_each(self.runner, &jobs, max, SCRIPT_TIMEOUT);
        for (node, o) in nodes.iter().zip(outs) {
            let text = both(&o);
            if !o.ok() {
                let rc = o.status.unwrap_or(-1);
                out.send(Response::new().error(format!(
                    "{}: {s}: node={node}. return code={rc}. Error message={text}",
                    self.host
                )))?;
            } else if !text.is_empty() {
                out.send(Response::new().data(format!("{}: {s}: node={node}. {text}", self.host)))?;
            }
        }
        Ok(())
    }
}

/// Standard output then standard error (stock `2>&1`).
fn both(o: &Output) -> String {
    let mut t = o.stdout.clone();
    t.push_str(&o.stderr);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_instances() {
        assert!(valid_name("myscript.sh"));
        for bad in ["", ".", "../x", "a/b", "a..b", "a b"] {
            assert!(!valid_name(bad), "{bad}");
        }
        assert_eq!(
            max_instance("#!/bin/sh\n#xCAT setting: MAX_INSTANCE=4\n"),
            4
        );
        assert_eq!(max_instance("##xCAT setting:MAX_INSTANCE=2"), 2);
        assert_eq!(max_instance("#!/bin/sh\necho hi\n"), 0);
    }
}
