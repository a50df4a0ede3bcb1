//! `mkdsklsnode`: define and initialise AIX diskless / dataless NIM
//! machines (xCAT-server/lib/xcat/plugins/aixinstall.pm:8248-12753; man
//! page mkdsklsnode.1).  On the management
//! node ([`pre`], stock `prenimnodeset`, shared with nimnodeset in
//! `nim::prenim`) the options, nodes, osimages and nimprime's resources
//! are checked, the SPOT updated and the resources copied (`nim::prime`),
//! and the request is split per service node with
//! `nim::split` (default type `all`: a node with
//! `servicenode=sn1,sn2` is defined and initialised on sn1 AND sn2; `-p` /
//! `-b` pick one; nodes without a service node run on the management
//! node).  Each part ([`sn`], stock `mkdsklsnode()`) runs on its server,
//! which reads the database itself; nimprime's resource facts travel in the
//! request (`nim::prenim::carry`).  Files: [`options`], [`load`] (database → `nim::model`),
//! [`node`] (one node's define / init), [`pool`] (a few nodes at once,
//! output in node order), [`after`] (client files, `-S`); prescripts through [`crate::prescripts::call`].
//!
//! Deliberate differences from stock (README, Compatibility): both sides
//! accept `--primarySN` / `--backupSN` (stock's service node refused them);
//! the database update writes only the part's successful nodes (stock wrote
//! every node of the request); values are validated before NIM sees them;
//! NIM runs a few nodes at once and messages come in node order; a node
//! without an osimage is left out of the split (stock sent it on).

pub mod after;
pub mod load;
pub mod node;
pub mod options;
pub mod pool;
pub mod pre;
pub mod sn;

use crate::api::{Ctx, Handler, HandlerError, Part, Responder};
use crate::nim::clientfiles::ClientFiles;
use crate::nim::cmd::NimConfig;
use crate::nim::prenim::carry;
use crate::nim::say::{self, return_line};
use options::Options;
use std::time::Duration;
use xcat_proto::{Request, Response};

pub struct Mkdsklsnode {
    nim: NimConfig,
    /// Nodes of one server whose NIM operations run at once.
    width: usize,
    /// Wait before the one retry of a failed initialisation (stock: 2 s).
    retry_after: Duration,
    /// The service node's files the steps after the nodes edit.
    files: ClientFiles,
}

impl Default for Mkdsklsnode {
    fn default() -> Mkdsklsnode {
        Mkdsklsnode::with_config(NimConfig::default())
    }
}

impl Mkdsklsnode {
    /// A handler whose NIM commands run as `cfg` says (tests).
    pub fn with_config(nim: NimConfig) -> Mkdsklsnode {
        Mkdsklsnode {
            nim,
            width: pool::DEFAULT_WIDTH,
            retry_after: Duration::from_secs(2),
            files: ClientFiles::system(),
        }
    }

    /// The service node's files under `files` (tests: a scratch root).
    pub fn with_client_files(mut self, files: ClientFiles) -> Mkdsklsnode {
        self.files = files;
        self
    }

    /// At most `width` nodes' NIM operations at once.
    pub fn with_width(mut self, width: usize) -> Mkdsklsnode {
        self.width = width.max(1);
        self
    }
}

/// The usage text: one [info] document.
pub fn usage() -> Response {
    say::usage(&options::usage_lines())
}

impl Handler for Mkdsklsnode {
    fn commands(&self) -> &'static [&'static str] {
        &["mkdsklsnode"]
    }

    /// mkdsklsnode is an `xcatDBcmds` command: everything is in `arg`.
    fn wants_expanded_nodes(&self) -> bool {
        false
    }

    fn preprocess(&self, ctx: &Ctx, request: Request) -> Result<Vec<Part>, HandlerError> {
        let pre = pre::pre(self, ctx, &request)?;
        carry::parts(ctx, &request, pre, Options::sn_type)
    }

    fn process(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        let Some(request) = carry::direct(request, out, || pre::pre(self, ctx, request))? else {
            return Ok(());
        };
        let rc = sn::run(self, ctx, &request, out)?;
        if rc > 0 {
            out.send(return_line(rc))?;
        }
        Ok(())
    }
}
