//! AIX NIM commands (stock xCAT-server/lib/xcat/plugins/aixinstall.pm and
//! xcat2nim.pm), in layers:
//!
//! * [`cmd`]: the NIM command layer (stock absolute paths, through the
//!   `Runner`); [`parse`]: their outputs as typed results.
//! * [`validate`]: every database value that reaches a NIM command.
//! * [`model`]: what the node commands work with (images, resources,
//!   networks, and `Reply`: every NIM command's message forms).
//! * Rules every NIM command shares, each in one place: [`command`] (the
//!   handler flow: answer or run, the per-service-node split,
//!   `Return=N.`), [`split`] (`-p` / `-b`, `attr=val` words, the
//!   noderange, the split), [`say`] (usage, `Return=N.`), [`machine`] (NIM
//!   machine names, `if<N>`, link-local, the `nim -Fo define` words),
//!   [`site`] (nimprime, NFSv4, domain, installdir, `is_me`).
//! * [`resources`]: NIM resources, networks and resolv_conf made on a
//!   service node (mkdsklsnode / nimnodeset).
//! * [`prenim`]: stock `prenimnodeset`, the management node's preprocess
//!   mkdsklsnode and nimnodeset share (nodes, osimages, nimprime's
//!   resources, `xcataixscript`, what the service nodes get).
//! * [`prime`]: the nimprime steps of that preprocess (SPOT update,
//!   statelite set-up, copies to the service nodes).
//! * [`sns`]: `sharedinstall=sns` pieces (doSFScopy, defSNres, the
//!   statelite file copy to the shared service node).
//! * [`hanfs`]: `mkdsklsnode -S` (NFSv4 replica export of the install
//!   directory); [`clientfiles`]: the files mkdsklsnode edits on a service
//!   node after NIM initialised the clients.
//! * [`xcat2nim`], [`mkdsklsnode`], [`rmdsklsnode`], [`nimnodeset`]: the
//!   commands.

pub mod clientfiles;
pub mod cmd;
pub mod command;
pub mod hanfs;
pub mod machine;
pub mod mkdsklsnode;
pub mod model;
pub mod nimnodeset;
pub mod parse;
pub mod prenim;
pub mod prime;
pub mod resources;
pub mod rmdsklsnode;
pub mod say;
pub mod site;
pub mod sns;
pub mod split;
pub mod validate;
pub mod xcat2nim;

use crate::api::Handler;
use std::sync::Arc;

pub fn handlers() -> Vec<Arc<dyn Handler>> {
    vec![
        Arc::new(xcat2nim::Xcat2nim::default()),
        Arc::new(mkdsklsnode::Mkdsklsnode::default()),
        Arc::new(rmdsklsnode::Rmdsklsnode::default()),
        Arc::new(nimnodeset::Nimnodeset::default()),
    ]
}
