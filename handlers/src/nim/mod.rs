//! AIX NIM commands (handlers.md §3-§6, §8): `xcat2nim` so far;
//! `mkdsklsnode`, `rmdsklsnode` and `nimnodeset` come next on the same
//! layers:
//!
//! * [`cmd`]: the NIM command layer (stock absolute paths, through the
//!   `Runner`); [`parse`]: their outputs as typed results.
//! * [`validate`]: every database value that reaches a NIM command.
//! * [`model`]: what the node commands work with (images, resources,
//!   networks, the reply channel).
//! * [`xcat2nim`], [`rmdsklsnode`], [`nimnodeset`]: the commands; [`say`]:
//!   the message forms of the node commands' server parts; [`split`]: their
//!   management node's noderange and per-service-node split.

pub mod cmd;
pub mod model;
pub mod nimnodeset;
pub mod parse;
pub mod rmdsklsnode;
pub mod say;
pub mod split;
pub mod validate;
pub mod xcat2nim;

use crate::api::Handler;
use std::sync::Arc;

pub fn handlers() -> Vec<Arc<dyn Handler>> {
    vec![
        Arc::new(xcat2nim::Xcat2nim::default()),
        Arc::new(rmdsklsnode::Rmdsklsnode::default()),
        Arc::new(nimnodeset::Nimnodeset::default()),
    ]
}
