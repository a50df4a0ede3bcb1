//! One node on one service node (stock's per-node loop,
//! xCAT-server/lib/xcat/plugins/aixinstall.pm:11289-11746): the NIM
//! machine name (short name, or `<short>_<osimage>` with `-n`; at most 39
//! characters), every database value validated before the first NIM command
//! for the node, `-f` on an existing machine (reset + deallocate; remove and
//! redefine when it is `standalone`), the `diskless` / `dataless`
//! definition (an `if<i>` per MAC, IPv6 link-local `ent6`, HFI `hfi0`,
//! `net_definition` / `net_settings1` with the speed / duplex defaults,
//! `dump_iscsi_port`) and the `dkls_init` / `dtls_init` with the image's
//! resources, retried once after 2 s.
//!
//! It runs on a worker thread ([`super::pool`]): the messages are collected
//! (stock's texts and channels) and sent by the caller in node order.

use super::load::NodeDef;
use super::options::Options;
use crate::nim::cmd::{Nim, NimConfig, Ran};
use crate::nim::machine::{self, ClientDef};
use crate::nim::model::{Image, NodeNet, Reply};
use crate::nim::validate::{self, Invalid};
use crate::runner::{Runner, Target};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::time::Duration;
use xcat_proto::Response;

/// What every node of one service node's part shares.
pub struct Shared<'a> {
    pub runner: &'a dyn Runner,
    pub cfg: &'a NimConfig,
    /// This server's name as messages show it (stock `$Sname`).
    pub sname: &'a str,
    pub opts: &'a Options,
    pub attrs: &'a BTreeMap<String, String>,
    /// The NIM machines defined on this server before the run.
    pub machines: &'a BTreeSet<String>,
    /// Wait before the one retry of a failed initialisation.
    pub retry_after: Duration,
}

/// One node and what it is made with.
pub struct Job<'a> {
    pub node: &'a NodeDef,
    /// The node's osimage (an undefined one: no attributes).
    pub image: &'a Image,
    pub net: Option<&'a NodeNet>,
    pub ip: Option<IpAddr>,
    /// The resolv_conf resource chosen for the node.
    pub resolv_conf: Option<&'a str>,
}

/// The node's messages, its NIM name, and whether it succeeded.
pub struct Outcome {
    pub docs: Vec<Response>,
    pub nim_name: String,
    pub ok: bool,
}

/// The message list of one node, with `-V`'s `Running command on` lines.
struct Log<'a> {
    nim: Nim<'a>,
    docs: Vec<Response>,
    verbose: bool,
    sname: &'a str,
}

impl Log<'_> {
    fn flush(&mut self) {
        let mut reply = Reply::new(&mut self.docs, self.verbose);
        // Sending to a Vec never fails.
        let _ = reply.commands(&self.nim, self.sname);
    }

    fn info(&mut self, text: String) {
        self.flush();
        self.docs.push(Response::new().info(text));
    }

    /// `"<Sname>: <text>"` as [E], plus the output with `-V` (or always).
    fn error(&mut self, text: &str, ran: Option<&Ran>, output_always: bool) {
        self.flush();
        let mut r = Response::new().error_text(format!("{}: {text}", self.sname));
        if let Some(ran) = ran.filter(|_| self.verbose || output_always) {
            r = r.error_text(ran.text());
        }
        self.docs.push(r.errorcode(1));
    }

    fn invalid(&mut self, e: &Invalid) {
        self.error(&format!("{e}\n"), None, false);
    }
}

/// Define and initialise one node.
pub fn work(s: &Shared, job: &Job) -> Outcome {
    let mut log = Log {
        nim: Nim::new(s.runner, Target::Local, s.cfg),
        docs: Vec::new(),
        verbose: s.opts.verbose,
        sname: s.sname,
    };
    let nim_name = nim_name(s.opts, job);
    let ok = run(s, job, &nim_name, &mut log);
    log.flush();
    Outcome {
        docs: log.docs,
        nim_name,
        ok,
    }
}

/// The NIM machine name: the short host name, `<short>_<osimage>` with `-n`.
pub fn nim_name(opts: &Options, job: &Job) -> String {
    let short = job.node.short();
    if opts.newname {
        format!("{short}_{}", job.image.name)
    } else {
        short.to_string()
    }
}

fn run(s: &Shared, job: &Job, nim_name: &str, log: &mut Log) -> bool {
    let ty = job.image.nimtype().to_string();
    if ty.contains("standalone") {
        log.error(
            "Use the nimnodeset command to initialize NIM standalone type nodes.\n",
            None,
            false,
        );
        return false;
    }
    if nim_name.len() > 39 {
        let text = format!("Could not define '{nim_name}'. A NIM machine name can be no longer then 39 characters.\n");
        log.error(&text, None, false);
        return false;
    }
    let macs = match checked(s, job, nim_name) {
        Ok(m) => m,
        Err(e) => {
            log.invalid(&e);
            return false;
        }
    };
    let mut todef = true;
    if s.machines.contains(nim_name) {
        if !s.opts.force {
            let text = format!(
                "The node '{}' is already defined. Use the force option to reinitialize.",
                job.node.name
            );
            log.error(&text, None, false);
            return false;
        }
        match reinit(job, nim_name, &macs, log) {
            Some(redefine) => todef = redefine,
            None => return false,
        }
    }
    if todef && !define(s, job, &ty, nim_name, &macs, log) {
        return false;
    }
    init(s, job, &ty, nim_name, log)
}

/// Every value of the node that can reach a NIM command, checked before
/// the first one runs; the MACs (none when unset: refused at definition).
fn checked(s: &Shared, job: &Job, nim_name: &str) -> Result<Vec<String>, Invalid> {
    let node = job.node.name.as_str();
    validate::host_name(node, "node", job.node.short())?;
    validate::nim_name(node, "node", nim_name)?;
    if let Some(ip) = &job.node.ip {
        validate::ip(node, "ip", ip)?;
    }
    let macs = match &job.node.mac {
        Some(m) => validate::macs(node, "mac", m)?,
        None => Vec::new(),
    };
    if let Some(net) = job.net {
        if !net.mask.is_empty() && matches!(job.ip, Some(IpAddr::V4(_))) {
            validate::ipv4(node, "mask", &net.mask)?;
        }
        if !net.gateway.is_empty() {
            validate::ip(node, "gateway", &net.gateway)?;
        }
    }
    let img = job.image.name.as_str();
    for attr in IMAGE_RESOURCES {
        if let Some(v) = job.image.get(attr) {
            validate::nim_name(img, attr, v)?;
        }
    }
    if let Some(v) = job.image.get("configdump") {
        validate::word(img, "configdump", v)?;
    }
    if let Some(rc) = job.resolv_conf {
        validate::nim_name(node, "resolv_conf", rc)?;
    }
    for (a, v) in s.attrs {
        validate::word(node, a, v)?;
    }
    Ok(macs)
}

/// The image attributes that name the resources of an initialisation.
const IMAGE_RESOURCES: [&str; 8] = [
    "spot",
    "shared_root",
    "root",
    "paging",
    "dump",
    "home",
    "tmp",
    "shared_home",
];

/// `-f` on an existing machine: reset and deallocate; remove when it is
/// `standalone`.  `Some(redefine)`, or `None` when it failed.
fn reinit(job: &Job, nim_name: &str, macs: &[String], log: &mut Log) -> Option<bool> {
    let standalone = matches!(
        log.nim.stanza(nim_name),
        Ok(Some(st)) if st.get("type").is_some_and(|t| t.contains("standalone"))
    );
    if standalone && macs.is_empty() {
        log.invalid(&no_mac(job));
        return None;
    }
    if log.verbose {
        log.info(format!(
            "{}: Deallocate NIM resources for {nim_name}.\n",
            log.sname
        ));
    }
    // Stock ran `reset; deallocate` as one shell line: the deallocate decides.
    log.nim.nim(&["-Fo", "reset", "-a", "force=yes", nim_name]);
    let ran = log
        .nim
        .nim(&["-Fo", "deallocate", "-a", "subclass=all", nim_name]);
    if !ran.ok() {
        let text = format!("Could not deallocate the existing NIM object named '{nim_name}'.\n");
        log.error(&text, Some(&ran), false);
        return None;
    }
    if standalone {
        let ran = log.nim.nim(&["-Fo", "remove", nim_name]);
        if !ran.ok() {
            let text = format!("Could not remove the existing NIM object named '{nim_name}'.\n");
            log.error(&text, Some(&ran), false);
            return None;
        }
    }
    Some(standalone)
}

fn no_mac(job: &Job) -> Invalid {
    match validate::macs(&job.node.name, "mac", "") {
        Err(e) => e,
        Ok(_) => Invalid {
            object: job.node.name.clone(),
            attr: "mac".into(),
            value: String::new(),
            why: "not a MAC address",
        },
    }
}

fn define(s: &Shared, job: &Job, ty: &str, nim_name: &str, macs: &[String], log: &mut Log) -> bool {
    if job.ip.is_none() {
        let text = format!(
            "Could not get valid IP address for node {}.\n",
            job.node.name
        );
        log.error(&text, None, false);
        return false;
    }
    let empty = NodeNet::default();
    let net = job.net.unwrap_or(&empty);
    let mut missing = false;
    if net.mask.is_empty() {
        let text = format!("Missing network mask for node '{}'.\n", job.node.name);
        log.error(&text, None, false);
        missing = true;
    }
    if net.gateway.is_empty() {
        let text = format!("Missing network gateway for node '{}'.\n", job.node.name);
        log.error(&text, None, false);
        missing = true;
    }
    if job.image.get("spot").is_none() {
        let text = format!("Missing spot name for osimage \n'{}'.\n", job.image.name);
        log.error(&text, None, false);
        missing = true;
    }
    if missing {
        return false;
    }
    if macs.is_empty() {
        log.invalid(&no_mac(job));
        return false;
    }
    let joined = macs.join("|");
    let def = ClientDef {
        node: &job.node.name,
        nim_name,
        nimtype: ty,
        macs: &joined,
        ipv6: matches!(job.ip, Some(IpAddr::V6(_))),
        new_name: s.opts.newname,
        net,
        attrs: s.attrs,
        passed: &["dump_iscsi_port"],
    };
    let words = match machine::define_args(&def) {
        Ok(w) => w,
        Err(e) => {
            log.invalid(&e);
            return false;
        }
    };
    let args: Vec<&str> = words.iter().map(String::as_str).collect();
    if log.verbose {
        log.info(format!("{}: Creating NIM node definition.\n", log.sname));
    } else {
        log.info(format!(
            "{}: Creating NIM client definition '{nim_name}.'\n",
            log.sname
        ));
    }
    let ran = log.nim.nim(&args);
    if !ran.ok() {
        let text = format!("Could not create a NIM definition for '{nim_name}'.\n");
        log.error(&text, Some(&ran), false);
        return false;
    }
    true
}

/// The `-a` words of the initialisation (aixinstall.pm:11628-11694).
fn init_words(s: &Shared, job: &Job) -> Vec<String> {
    let img = job.image;
    let get = |a: &str| img.get(a).unwrap_or("");
    let psize = s.attrs.get("psize").map_or("64", String::as_str);
    let mut w = vec![format!("spot={}", get("spot"))];
    match img.get("shared_root") {
        Some(sr) => w.push(format!("shared_root={sr}")),
        None => w.extend(img.get("root").map(|r| format!("root={r}"))),
    }
    w.push(format!("size={psize}"));
    if let Some(p) = img.get("paging") {
        w.push(format!("paging={p}"));
        if let Some(sp) = s.attrs.get("sparse_paging") {
            w.push(format!("sparse_paging={sp}"));
        }
    }
    if let Some(rc) = job.resolv_conf {
        w.push(format!("resolv_conf={rc}"));
    }
    if let Some(d) = img.get("dump") {
        w.push(format!("dump={d}"));
        let cd = img
            .get("configdump")
            .or(s.attrs.get("configdump").map(String::as_str))
            .unwrap_or("selective");
        w.push(format!("configdump={cd}"));
    }
    for a in ["home", "tmp", "shared_home"] {
        if let Some(v) = img.get(a) {
            w.push(format!("{a}={v}"));
        }
    }
    w
}

fn init(s: &Shared, job: &Job, ty: &str, nim_name: &str, log: &mut Log) -> bool {
    if ty == "diskless" && job.image.get("paging").is_none() {
        let text = format!(
            "Missing paging resource name for osimage '{}'.\n",
            job.image.name
        );
        log.error(&text, None, false);
        return false;
    }
    let op = if ty == "diskless" {
        "dkls_init"
    } else {
        "dtls_init"
    };
    let words = init_words(s, job);
    let mut args: Vec<&str> = vec!["-Fo", op];
    for w in &words {
        args.extend(["-a", w.as_str()]);
    }
    args.push(nim_name);
    log.info(format!(
        "{}: Initializing NIM machine '{nim_name}'. \n",
        log.sname
    ));
    let mut ran = log.nim.nim(&args);
    if !ran.ok() {
        std::thread::sleep(s.retry_after);
        ran = log.nim.nim(&args);
    }
    if !ran.ok() {
        let text = format!("Could not initialize NIM client named '{nim_name}'.\n");
        log.error(&text, Some(&ran), true);
        return false;
    }
    true
}
