//! What the AIX NIM node commands (`mkdsklsnode`, `nimnodeset`,
//! `rmdsklsnode`) work with on one server: the osimages, the NIM resource
//! locations and attributes read on nimprime, each node's network, and the
//! message channel with stock's forms.  Stock passes these as the
//! `imagehash`, `lochash`, `nimhash` and `nethash` of the forwarded request
//! (xCAT-server/lib/xcat/plugins/aixinstall.pm:294-348); our service nodes read the
//! database themselves and get the nimprime facts from the same commands.

use crate::api::{Aborted, Responder};
use crate::nim::cmd::{Nim, Ran};
use std::collections::BTreeMap;
use xcat_proto::Response;

/// The NIM resource types an osimage attribute can name, in the order
/// `make_SN_resource` defines them (lpp_source and spot first,
/// xCAT-server/lib/xcat/plugins/aixinstall.pm:13288-13309); the rest sorted (stock: hash order).
pub const RESOURCE_TYPES: &[&str] = &[
    "lpp_source",
    "spot",
    "bosinst_data",
    "dump",
    "home",
    "image_data",
    "installp_bundle",
    "mksysb",
    "paging",
    "resolv_conf",
    "root",
    "script",
    "shared_home",
    "shared_root",
    "tmp",
];

/// One xCAT osimage (the `nimimage` row, attributes by column name:
/// `nimtype`, `spot`, `shared_root`, `root`, `paging`, `dump`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Image {
    pub name: String,
    pub attrs: BTreeMap<String, String>,
}

impl Image {
    /// A non-empty attribute.
    pub fn get(&self, attr: &str) -> Option<&str> {
        self.attrs
            .get(attr)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// `nimtype`, `diskless` when unset (aixinstall.pm:11289).
    pub fn nimtype(&self) -> &str {
        self.get("nimtype").unwrap_or("diskless")
    }

    /// Every `(type, resource name)` the image names, in
    /// [`RESOURCE_TYPES`] order; comma lists (script, installp_bundle) split.
    pub fn resources(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for ty in RESOURCE_TYPES {
            if let Some(v) = self.get(ty) {
                for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    out.push((*ty, item.to_string()));
                }
            }
        }
        out
    }
}

/// The resources one osimage attribute names as `make_SN_resource` reads
/// them (xCAT-server/lib/xcat/plugins/aixinstall.pm:13288-13309): a comma
/// list for `installp_bundle` and `script`, else the whole value.
pub fn resource_items<'v>(ty: &str, value: &'v str) -> Vec<&'v str> {
    if matches!(ty, "installp_bundle" | "script") {
        value
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    } else {
        vec![value]
    }
}

/// NIM resources as nimprime knows them: `lochash` (resource → location,
/// `lsnim -a location -Z`) and `nimhash` (resource → `lsnim -l` attributes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    pub locations: BTreeMap<String, String>,
    pub attrs: BTreeMap<String, BTreeMap<String, String>>,
}

/// A node's network as `getNetwkInfo` gives it (networks row matched by
/// subnet; gateway `<xcatmaster>` already replaced).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeNet {
    pub netname: String,
    pub net: String,
    pub mask: String,
    pub gateway: String,
    pub mgtifname: String,
    pub nameservers: String,
    pub domain: String,
}

/// The client channel of one server's part of every NIM command
/// (mkdsklsnode, rmdsklsnode, nimnodeset, xcat2nim), with stock's message
/// forms: [info] and [E] documents of one or several lines (an [E] carries
/// error code 1 and is counted), `-V` only lines, the verbose
/// `Running command on <server>: <cmd>` lines of stock's `runcmd`
/// (perl-xCAT/xCAT/Utils.pm:1055-1068), and a failure with the command's
/// output under `-V`.  `"<Sname>: "` prefixes are the caller's, as stock
/// writes them per message.
pub struct Reply<'a> {
    pub out: &'a mut dyn Responder,
    pub verbose: bool,
    /// Errors sent so far (stock's `$error++`).
    pub errors: usize,
}

impl<'a> Reply<'a> {
    pub fn new(out: &'a mut dyn Responder, verbose: bool) -> Reply<'a> {
        Reply {
            out,
            verbose,
            errors: 0,
        }
    }

    /// One [info] document.
    pub fn info(&mut self, text: impl Into<String>) -> Result<(), Aborted> {
        self.out.send(Response::new().info(text.into()))
    }

    /// One [info] document, only with `-V`.
    pub fn verbose(&mut self, text: impl Into<String>) -> Result<(), Aborted> {
        if self.verbose {
            self.info(text)?;
        }
        Ok(())
    }

    /// One [E] document with error code 1; counted.
    pub fn error(&mut self, text: impl Into<String>) -> Result<(), Aborted> {
        self.errors += 1;
        self.out
            .send(Response::new().error_text(text.into()).errorcode(1))
    }

    /// One [W] document.
    pub fn warning(&mut self, text: impl Into<String>) -> Result<(), Aborted> {
        self.out.send(Response::new().warning(text.into()))
    }

    /// One [info] document of these lines.
    pub fn info_lines(&mut self, lines: &[String]) -> Result<(), Aborted> {
        let r = lines.iter().fold(Response::new(), |r, l| r.info(l.clone()));
        self.out.send(r)
    }

    /// One [E] document of these lines with error code 1; counted.
    pub fn error_lines(&mut self, lines: &[String]) -> Result<(), Aborted> {
        self.errors += 1;
        let r = lines
            .iter()
            .fold(Response::new(), |r, l| r.error_text(l.clone()));
        self.out.send(r.errorcode(1))
    }

    /// `text` as [E], followed by the output of `ran` with `-V` (stock
    /// pushes `$output` as the second line when verbose).
    pub fn failed(&mut self, text: String, ran: Option<&Ran>) -> Result<(), Aborted> {
        let mut lines = vec![text];
        if let (true, Some(r)) = (self.verbose, ran) {
            lines.push(r.text());
        }
        self.error_lines(&lines)
    }

    /// With `-V`, one [info] `Running command on <server>: <cmd>` per
    /// command `nim` ran since the last call (stock's `runcmd` sends
    /// `"$msg\n"`); without `-V` the lines are dropped.
    pub fn commands(&mut self, nim: &Nim, server: &str) -> Result<(), Aborted> {
        for line in nim.take_lines() {
            self.ran(server, &line)?;
        }
        Ok(())
    }

    /// With `-V`, `Running command on <server>: <line>` for one command.
    pub fn ran(&mut self, server: &str, line: &str) -> Result<(), Aborted> {
        self.verbose(format!("Running command on {server}: {line}\n"))
    }
}
