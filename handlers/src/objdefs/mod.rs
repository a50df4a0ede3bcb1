//! objdefs command family (placeholder until its issue lands).

use crate::api::Handler;
use std::sync::Arc;

pub fn handlers() -> Vec<Arc<dyn Handler>> {
    Vec::new()
}
