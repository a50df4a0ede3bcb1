//! One node on this server (xCAT-server/lib/xcat/plugins/aixinstall.pm:13951-14100): is it a
//! NIM client here, is it running (NIM `Mstate` or `nodelist.status`), shut
//! it down with `-f`, then reset, deallocate and remove its NIM machine.
//!
//! Differences from stock, each deliberate:
//! * a node counts as running when its `nodelist.status` is `booted` or
//!   `alive` (stock's operator precedence also took `alive` from a missing
//!   status table, aixinstall.pm:13994);
//! * a failing reset / deallocate / remove names the step for the node also
//!   without `-V` (stock printed nothing per node then, only the final list,
//!   aixinstall.pm:14047-14100); `-V` adds NIM's own output;
//! * `lsnim -l` failing for another reason than "no such object" is an
//!   error for the node (stock took every failure for "not defined");
//! * the node name and the NIM machine name are validated before any
//!   command runs for them;
//! * the shutdown (`/usr/sbin/shutdown -F` on the node over ssh) runs in the
//!   background while the NIM removals go on (stock waited for it first);
//!   its result is ignored, as in stock.

use super::options::Options;
use crate::api::Aborted;
use crate::nim::cmd::{Nim, Ran};
use crate::nim::machine::short_name;
use crate::nim::model::Reply;
use crate::nim::validate;
use std::collections::BTreeMap;

/// What happened to one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No NIM machine of that name here: nothing to do.
    NotDefined,
    Removed,
    Failed,
}

/// What a node's removal works with.
pub struct Node<'a, 'n> {
    pub nim: &'a Nim<'n>,
    pub opts: &'a Options,
    /// `nodelist.status` by node name.
    pub status: &'a BTreeMap<String, String>,
    /// This server's name (verbose command lines).
    pub sname: &'a str,
    /// Asks for a node's shutdown (run in the background).
    pub shutdown: &'a mut dyn FnMut(String),
}

impl Node<'_, '_> {
    /// Remove `node`'s NIM machine on this server.
    pub fn remove(&mut self, say: &mut Reply, node: &str) -> Result<Outcome, Aborted> {
        let short = short_name(node);
        let nimname = self.opts.nim_name(node);
        let checked = validate::host_name(node, "node", short)
            .and_then(|_| validate::nim_name(node, "NIM machine name", &nimname));
        if let Err(e) = checked {
            say.error(e.to_string())?;
            return Ok(Outcome::Failed);
        }
        match self.nim.stanza(&nimname) {
            Ok(Some(_)) => {}
            Ok(None) => {
                say.commands(self.nim, self.sname)?;
                say.verbose(format!("Node '{nimname}' is not defined."))?;
                return Ok(Outcome::NotDefined);
            }
            Err(ran) => {
                say.commands(self.nim, self.sname)?;
                let text = format!("Could not get the NIM definition of '{nimname}'.\n");
                say.error_lines(&[text, ran.text()])?;
                return Ok(Outcome::Failed);
            }
        }
        if self.running(node, &nimname) && !self.opts.remdef {
            say.commands(self.nim, self.sname)?;
            if !self.opts.force {
                say.error(format!("The node '{short}' is currently running. Use the -f flag to force the removal of the NIM client definition."))?;
                return Ok(Outcome::Failed);
            }
            say.verbose(format!("Shutting down node '{short}'"))?;
            (self.shutdown)(short.to_string());
        }
        self.reset_deallocate_remove(say, &nimname)
    }

    /// NIM's `Mstate` says `currently running`, or `nodelist.status` is
    /// `booted` / `alive`.
    fn running(&self, node: &str, nimname: &str) -> bool {
        let nim_says = self
            .nim
            .attr_fields("Mstate", nimname)
            .is_ok_and(|f| f.join(":").contains("currently running"));
        let status = self
            .status
            .get(node)
            .or_else(|| self.status.get(short_name(node)));
        nim_says || matches!(status.map(String::as_str), Some("booted" | "alive"))
    }

    /// `nim -Fo reset`, `nim -Fo deallocate -a subclass=all`, `nim -Fo
    /// remove`, each announced with `-V`; the first failure ends the node.
    fn reset_deallocate_remove(&self, say: &mut Reply, n: &str) -> Result<Outcome, Aborted> {
        let steps: [(String, &[&str], String); 3] = [
            (
                format!("Resetting NIM client node '{n}'"),
                &["-Fo", "reset"],
                format!("Could not reset the NIM machine definition for '{n}'.\n"),
            ),
            (
                format!("Deallocating resources for NIM node '{n}'"),
                &["-Fo", "deallocate", "-a", "subclass=all"],
                format!("Could not deallocate resources for the NIM machine definition '{n}'.\n"),
            ),
            (
                format!("Removing the NIM definition for NIM node '{n}'"),
                &["-Fo", "remove"],
                format!("Could not remove the NIM machine definition '{n}'.\n"),
            ),
        ];
        for (announce, args, failed) in steps {
            say.commands(self.nim, self.sname)?;
            say.verbose(announce)?;
            let mut argv: Vec<&str> = args.to_vec();
            argv.push(n);
            let ran: Ran = self.nim.nim(&argv);
            say.commands(self.nim, self.sname)?;
            if !ran.ok() {
                let mut lines = vec![failed];
                if say.verbose && !ran.text().is_empty() {
                    lines.push(ran.text());
                }
                say.error_lines(&lines)?;
                return Ok(Outcome::Failed);
            }
        }
        Ok(Outcome::Removed)
    }
}
