//! Built-in commands served by handlers: `lsxcatd` (stock plugin
//! `tabutils`).  `authcheck`, `noderange` and `extnoderange` need the
//! connection's identity and live in the daemon itself.

pub mod lsxcatd;

use crate::api::Handler;
use std::sync::Arc;

pub fn handlers() -> Vec<Arc<dyn Handler>> {
    vec![Arc::new(lsxcatd::Lsxcatd)]
}
