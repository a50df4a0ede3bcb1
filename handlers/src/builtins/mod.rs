//! Built-in commands served by handlers: `lsxcatd` (stock plugin
//! `tabutils`) and `hastatus` (ours: the HA agent's state).  `authcheck`, `noderange` and `extnoderange` need the
//! connection's identity and live in the daemon itself.

pub mod hastatus;
pub mod lsxcatd;

use crate::api::Handler;
use std::sync::Arc;

pub fn handlers() -> Vec<Arc<dyn Handler>> {
    vec![Arc::new(lsxcatd::Lsxcatd), Arc::new(hastatus::Hastatus)]
}
