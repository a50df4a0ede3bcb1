//! AIX NIM commands (handlers.md §3-§6, §8): `xcat2nim` so far;
//! `mkdsklsnode`, `rmdsklsnode` and `nimnodeset` come next on the same
//! layers:
//!
//! * [`cmd`]: the NIM command layer (stock absolute paths, through the
//!   `Runner`); [`parse`]: their outputs as typed results.
//! * [`validate`]: every database value that reaches a NIM command.
//! * [`model`]: what the node commands work with (images, resources,
//!   networks, the reply channel).
//! * [`resources`]: NIM resources, networks and resolv_conf made on a
//!   service node (mkdsklsnode / nimnodeset).
//! * [`prime`]: the nimprime side of mkdsklsnode's preprocess (SPOT
//!   update, statelite set-up, copies to the service nodes).
//! * [`xcat2nim`]: the command.
//! * [`hanfs`]: `mkdsklsnode -S` (NFSv4 replica export of the install
//!   directory); [`clientfiles`]: the files mkdsklsnode edits on a service
//!   node after NIM initialised the clients.

pub mod clientfiles;
pub mod cmd;
pub mod hanfs;
pub mod model;
pub mod parse;
pub mod prime;
pub mod resources;
pub mod validate;
pub mod xcat2nim;

use crate::api::Handler;
use std::sync::Arc;

pub fn handlers() -> Vec<Arc<dyn Handler>> {
    vec![Arc::new(xcat2nim::Xcat2nim::default())]
}
