//! One standalone node on this server (xCAT-server/lib/xcat/plugins/aixinstall.pm:798-1238):
//! the NIM machine defined when missing, `-f` reset and deallocate, the
//! `Cstate` check, then `nim -Fo bos_inst` with the image's resources.
//!
//! Differences from stock, each deliberate:
//! * a non-standalone image is refused before anything is defined (stock
//!   defined a standalone machine first, with the type of the previous
//!   node's image, then refused);
//! * the `bos_inst` attributes are in name order (stock: hash order), then
//!   `script`, `installp_bundle`, `resolv_conf` as stock appends them;
//!   values are passed as words (no shell quoting);
//! * `-f` fails the node when the reset or the deallocate fails (stock ran
//!   them as one shell line and looked at the deallocate only);
//! * MACs, addresses, mask, gateway, names and `attr=val` pairs are
//!   validated before any command runs for the node; IPv6 nodes are
//!   refused with a message (link-local definitions are not done yet).

use super::facts::NodeFacts;
use super::options::Options;
use crate::api::Aborted;
use crate::nim::cmd::Nim;
use crate::nim::machine::{define_args, short_name, ClientDef};
use crate::nim::model::Image;
use crate::nim::model::Reply;
use crate::nim::validate::{self, Invalid};
use std::collections::BTreeMap;

/// What every node of this server's part shares.
pub struct Server<'a, 'n> {
    pub nim: &'a Nim<'n>,
    pub opts: &'a Options,
    /// `"<server>: "`-less name for the stock `"$Sname: …"` prefixes.
    pub sname: &'a str,
    /// `lsnim -c machines`, read once.
    pub machines: &'a [String],
    /// `lsnim -P -c resources`: which image attributes are NIM resources.
    pub restypes: &'a [String],
    /// Node → its `resolv_conf` resource.
    pub resolv: &'a BTreeMap<String, String>,
}

/// The `nim -Fo bos_inst` words (aixinstall.pm:1063-1182): the image's NIM
/// resources but `resolv_conf`, `attr=val` overrides, `source` from
/// `nimmethod`, `boot_client=no` and `accept_licenses=yes` unless given;
/// sorted, then scripts, bundles and the node's resolv_conf.
pub fn bos_inst_args(
    node: &str,
    short: &str,
    image: &Image,
    restypes: &[String],
    attrs: &BTreeMap<String, String>,
    resolv: Option<&str>,
) -> Result<Vec<String>, Invalid> {
    let mut args: BTreeMap<String, String> = BTreeMap::new();
    let list = |v: &str| -> Vec<String> {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (mut scripts, mut bundles) = (Vec::new(), Vec::new());
    for (ty, value) in image.attrs.iter().filter(|(_, v)| !v.is_empty()) {
        if !restypes.contains(ty) || ty == "resolv_conf" {
            continue;
        }
        match ty.as_str() {
            "script" => scripts = list(value),
            "installp_bundle" => bundles = list(value),
            _ => {
                args.insert(ty.clone(), value.clone());
            }
        }
    }
    for (a, v) in attrs {
        match a.as_str() {
            "script" => scripts = list(v),
            "installp_bundle" => bundles = list(v),
            _ => {
                args.insert(a.clone(), v.clone());
            }
        }
    }
    if let m @ ("rte" | "mksysb") = image.get("nimmethod").unwrap_or("rte") {
        args.insert("source".into(), m.into());
    }
    args.entry("boot_client".into())
        .or_insert_with(|| "no".into());
    args.entry("accept_licenses".into())
        .or_insert_with(|| "yes".into());
    let mut words: Vec<String> = vec!["-Fo".into(), "bos_inst".into()];
    let mut push = |a: &str, v: &str| -> Result<(), Invalid> {
        validate::nim_attr_name(node, a)?;
        validate::nim_attr_value(node, a, v)?;
        words.push("-a".into());
        words.push(format!("{a}={v}"));
        Ok(())
    };
    for (a, v) in &args {
        push(a, v)?;
    }
    for s in &scripts {
        push("script", validate::nim_name(node, "script", s)?)?;
    }
    for b in &bundles {
        push(
            "installp_bundle",
            validate::nim_name(node, "installp_bundle", b)?,
        )?;
    }
    if let Some(r) = resolv {
        push("resolv_conf", validate::nim_name(node, "resolv_conf", r)?)?;
    }
    words.push(short.to_string());
    Ok(words)
}

impl Server<'_, '_> {
    /// Initialise one node; `Ok(false)` when it failed (its message sent).
    pub fn init(&self, say: &mut Reply, node: &NodeFacts, image: &Image) -> Result<bool, Aborted> {
        let s = self.sname;
        let short = short_name(&node.name);
        let ty = image.get("nimtype").unwrap_or("standalone");
        if !ty.contains("standalone") {
            say.error(format!(
                "{s}: Use the mkdsklsnode command to initialize diskless/dataless nodes.\n"
            ))?;
            return Ok(false);
        }
        if let Err(e) = validate::host_name(&node.name, "node", short)
            .and_then(|_| validate::nim_name(&node.name, "NIM machine name", short))
        {
            say.error(format!("{s}: {e}\n"))?;
            return Ok(false);
        }
        if !self.machines.iter().any(|m| m == short) && !self.define(say, node, short, image)? {
            return Ok(false);
        }
        if self.opts.force && !self.force_reset(say, short)? {
            return Ok(false);
        }
        let cstate = self.nim.attr_fields("Cstate", short);
        say.commands(self.nim, s)?;
        if let Ok(f) = cstate {
            if !f.join(":").contains("ready") {
                say.error(format!("{s}: The NIM machine named {short} is not in the ready state and cannot be initialized. Use -f flag to forcely initialize it.\n"))?;
                return Ok(false);
            }
        }
        let resolv = self.resolv.get(&node.name).map(String::as_str);
        let words = match bos_inst_args(
            &node.name,
            short,
            image,
            self.restypes,
            &self.opts.attrs,
            resolv,
        ) {
            Ok(w) => w,
            Err(e) => {
                say.error(format!("{s}: {e}\n"))?;
                return Ok(false);
            }
        };
        let argv: Vec<&str> = words.iter().map(String::as_str).collect();
        let line =
            crate::runner::Cmd::new(crate::nim::cmd::NIM, argv.iter().copied()).to_shell_line();
        say.verbose(format!("{s}: Running- '{line}'\n"))?;
        let ran = self.nim.nim(&argv);
        say.commands(self.nim, s)?;
        if !ran.ok() {
            say.failed(
                format!("{s}: The NIM bos_inst operation failed for '{short}'.\n"),
                Some(&ran),
            )?;
            return Ok(false);
        }
        Ok(true)
    }

    /// Define the missing machine (aixinstall.pm:798-948).
    fn define(
        &self,
        say: &mut Reply,
        node: &NodeFacts,
        short: &str,
        image: &Image,
    ) -> Result<bool, Aborted> {
        let s = self.sname;
        let n = &node.name;
        let Some(ip) = node.ip else {
            say.error(format!(
                "{s}: Could not get valid IP address for node {n}.\n"
            ))?;
            return Ok(false);
        };
        if ip.is_ipv6() {
            say.error(format!(
                "{s}: IPv6 node '{n}' cannot be defined by nimnodeset yet.\n"
            ))?;
            return Ok(false);
        }
        let net = node.net.clone().unwrap_or_default();
        let mut missing = Vec::new();
        if net.mask.is_empty() {
            missing.push(format!("{s}: Missing network mask for node '{n}'.\n"));
        }
        if net.gateway.is_empty() {
            missing.push(format!("{s}: Missing network gateway for node '{n}'.\n"));
        }
        if image.get("spot").is_none() {
            missing.push(format!(
                "{s}: Missing spot name for osimage \n'{}'.\n",
                image.name
            ));
        }
        if !missing.is_empty() {
            for m in missing {
                say.error(m)?;
            }
            return Ok(false);
        }
        let def = ClientDef {
            node: n,
            nim_name: short,
            nimtype: "standalone",
            macs: node.mac.as_deref().unwrap_or_default(),
            ipv6: false,
            new_name: false,
            net: &net,
            attrs: &self.opts.attrs,
            passed: &[],
        };
        let words = match define_args(&def) {
            Ok(w) => w,
            Err(e) => {
                say.error(format!("{s}: {e}\n"))?;
                return Ok(false);
            }
        };
        if say.verbose {
            say.info(format!("{s}: Creating NIM node definition.\n"))?;
        } else {
            say.info(format!("{s}: Creating NIM client definition '{short}.'\n"))?;
        }
        let argv: Vec<&str> = words.iter().map(String::as_str).collect();
        let ran = self.nim.nim(&argv);
        say.commands(self.nim, s)?;
        if !ran.ok() {
            say.failed(
                format!("{s}: Could not create a NIM definition for '{short}'.\n"),
                Some(&ran),
            )?;
            return Ok(false);
        }
        Ok(true)
    }

    /// `-f`: `nim -Fo reset -a force=yes`, `nim -Fo deallocate -a subclass=all`.
    fn force_reset(&self, say: &mut Reply, short: &str) -> Result<bool, Aborted> {
        let s = self.sname;
        say.verbose(format!("{s}: Reseting NIM definition for {short}.\n"))?;
        let reset = self.nim.nim(&["-Fo", "reset", "-a", "force=yes", short]);
        let dealloc = self
            .nim
            .nim(&["-Fo", "deallocate", "-a", "subclass=all", short]);
        say.commands(self.nim, s)?;
        if reset.ok() && dealloc.ok() {
            return Ok(true);
        }
        let failed = if reset.ok() { &dealloc } else { &reset };
        let text = format!("{s}: Could not reset the existing NIM object named '{short}'.\n");
        say.failed(text, Some(failed))?;
        Ok(false)
    }
}
