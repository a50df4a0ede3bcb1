//! One server's rmdsklsnode part (xCAT-server/lib/xcat/plugins/aixinstall.pm:13846-14195), in
//! stock order: begin prescripts (`remove`), bootptab and tftp backups, each
//! node ([`super::node`]), the backups restored, the result message, end
//! prescripts for the nodes that did not fail.  Returns stock's rc (1 when
//! anything failed).  xCAT node definitions are never changed.
//!
//! The end prescripts get every node that did not fail, compared by node
//! name (stock compared them with the NIM names, so with `-i` every node
//! got them, failed or not: aixinstall.pm:14170-14186).

use super::backup::Backups;
use super::node::{Node, Outcome};
use super::options::Options;
use crate::api::{Ctx, HandlerError, Responder};
use crate::nim::cmd::{Nim, NimConfig, SHUTDOWN};
use crate::nim::model::Reply;
use crate::prescripts::{self, Phase};
use crate::runner::{Runner, Target};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{mpsc, Mutex};
use std::time::Duration;
use xcat_proto::Response;

/// Shutdowns in flight at once.
const SHUTDOWN_WORKERS: usize = 8;
/// How long one node's shutdown command may take (its result is ignored).
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(60);

/// How the handler reaches NIM and the files it keeps.
#[derive(Debug, Clone)]
pub struct Config {
    pub nim: NimConfig,
    /// `/etc/bootptab` (tests: a file of their own).
    pub bootptab: PathBuf,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            nim: NimConfig::default(),
            bootptab: PathBuf::from("/etc/bootptab"),
        }
    }
}

/// `nodelist.status` of `nodes` and `site.tftpdir` (default `/tftpboot`).
fn read_db(
    ctx: &Ctx,
    nodes: &[String],
) -> Result<(BTreeMap<String, String>, String), HandlerError> {
    Ok(ctx.db.read(|conn| {
        let inherit = ctx.inherit_ctx(conn)?;
        let mut attrs =
            xcat_schema::inherit::NodeAttrs::load(conn, &inherit, "nodelist", &["status"])?;
        let mut status = BTreeMap::new();
        for n in nodes {
            let v = attrs
                .resolve(n)
                .into_iter()
                .next()
                .and_then(|r| r.values.into_iter().next().flatten());
            if let Some(v) = v {
                status.insert(n.clone(), v);
            }
        }
        let tftpdir = crate::tables::dbutil::site_value(conn, "tftpdir")?;
        Ok((status, tftpdir.unwrap_or_else(|| "/tftpboot".to_string())))
    })?)
}

/// This server's part for `nodes`; stock's rc.
pub fn run(
    ctx: &Ctx,
    cfg: &Config,
    opts: &Options,
    nodes: &[String],
    out: &mut dyn Responder,
) -> Result<i64, HandlerError> {
    if prescripts::call(ctx, Phase::Begin, nodes, "remove", out)? {
        out.send(Response::new().error("Failed in running begin prescripts.\n"))?;
        return Ok(1);
    }
    let (status, tftpdir) = read_db(ctx, nodes)?;
    let backups = Backups {
        bootptab: cfg.bootptab.clone(),
        tftpdir: PathBuf::from(tftpdir),
    };
    let sname = ctx.server.short_host.clone();
    let mut say = Reply::new(out, opts.verbose);
    let guard = Backups::guard();
    let saved = save(&backups, &mut say)?;
    let failed = each_node(ctx, cfg, opts, nodes, &status, &sname, &mut say)?;
    restore(&backups, saved, &mut say)?;
    drop(guard);
    let rc = if failed.is_empty() {
        say.info("NIM machine definitions were successfully removed.")?;
        0
    } else {
        let mut lines = vec![
            "The following NIM client machine definitions could NOT be removed.\n".to_string(),
        ];
        lines.extend(failed.iter().map(|n| opts.nim_name(n)));
        say.error_lines(&lines)?;
        1
    };
    let good: Vec<String> = nodes
        .iter()
        .filter(|n| !failed.contains(n))
        .cloned()
        .collect();
    if prescripts::call(ctx, Phase::End, &good, "remove", say.out)? {
        say.out
            .send(Response::new().error("Failed in running end prescripts.\n"))?;
        return Ok(1);
    }
    Ok(rc)
}

/// What was saved: (bootptab, tftp files).
fn save(b: &Backups, say: &mut Reply) -> Result<(bool, bool), HandlerError> {
    let bootptab = b.save_bootptab().is_ok();
    if !bootptab {
        say.error(format!(
            "Could not copy {} to {}.\n",
            b.bootptab.display(),
            b.bootptab_bak().display()
        ))?;
    }
    // Stock ignores this copy's result (aixinstall.pm:13924-13926).
    Ok((bootptab, b.save_tftp().is_ok()))
}

fn restore(b: &Backups, saved: (bool, bool), say: &mut Reply) -> Result<(), HandlerError> {
    if saved.0 && b.restore_bootptab().is_err() {
        say.error(format!(
            "Could not copy {} to {}.\n",
            b.bootptab_bak().display(),
            b.bootptab.display()
        ))?;
    }
    if saved.1 && b.restore_tftp().is_err() {
        say.error(format!(
            "Could not copy {} to {}.\n",
            b.tftp_bak().display(),
            b.tftpdir.display()
        ))?;
    }
    Ok(())
}

/// Every node in order, shutdowns running in the background meanwhile
/// (joined before returning); the nodes that failed.
fn each_node(
    ctx: &Ctx,
    cfg: &Config,
    opts: &Options,
    nodes: &[String],
    status: &BTreeMap<String, String>,
    sname: &str,
    say: &mut Reply,
) -> Result<Vec<String>, HandlerError> {
    let runner: &dyn Runner = ctx.runner.as_ref();
    let nim = Nim::local(runner, &cfg.nim);
    let mut sd_cfg = cfg.nim.clone();
    sd_cfg.timeout = sd_cfg.timeout.min(SHUTDOWN_TIMEOUT);
    let (tx, rx) = mpsc::channel::<String>();
    let rx = Mutex::new(rx);
    std::thread::scope(|s| {
        let tx = tx;
        let mut workers = 0;
        let mut shutdown = |node: String| {
            if workers < SHUTDOWN_WORKERS {
                workers += 1;
                s.spawn(|| shutdown_worker(&rx, runner, &sd_cfg));
            }
            let _ = tx.send(node);
        };
        let mut node = Node {
            nim: &nim,
            opts,
            status,
            sname,
            shutdown: &mut shutdown,
        };
        let mut failed = Vec::new();
        for n in nodes {
            if node.remove(say, n)? == Outcome::Failed {
                failed.push(n.clone());
            }
        }
        Ok(failed)
    })
}

/// Run `/usr/sbin/shutdown -F` on each node received (stock: `xdsh <node>
/// "shutdown -F &"`), ignoring the result; ends when the sender is gone.
fn shutdown_worker(rx: &Mutex<mpsc::Receiver<String>>, runner: &dyn Runner, cfg: &NimConfig) {
    loop {
        let next = match rx.lock() {
            Ok(r) => r.recv(),
            Err(_) => return,
        };
        let Ok(node) = next else { return };
        let _ = Nim::new(runner, Target::Host(node), cfg).run(SHUTDOWN, &["-F"]);
    }
}
