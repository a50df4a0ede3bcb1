//! xCAT command handlers.  The daemon (`server/`) knows no command: it asks
//! [`registry`] for the handler of a request's command and streams what the
//! handler sends through [`api::Responder`].  One module per command family.

pub mod api;
pub mod builtins;
pub mod credfiles;
pub use xcat_getopt as getopt;
pub mod hierarchy;
pub mod localtime;
pub mod nim;
pub mod objdefs;
pub mod prescripts;
pub mod range_opts;
pub mod runner;
pub mod snmove;
#[cfg(any(debug_assertions, feature = "test-handlers"))]
pub mod sntest;
pub mod tables;

pub use api::{Ctx, Handler, HandlerError, Part, Responder, ServerInfo};
pub use runner::Runner;

use std::collections::HashMap;
use std::sync::Arc;

/// Command name → handler, for every command this crate implements.
pub struct Registry {
    by_command: HashMap<&'static str, Arc<dyn Handler>>,
}

impl Registry {
    pub fn get(&self, command: &str) -> Option<Arc<dyn Handler>> {
        self.by_command.get(command).cloned()
    }

    pub fn commands(&self) -> Vec<&'static str> {
        let mut v: Vec<_> = self.by_command.keys().copied().collect();
        v.sort_unstable();
        v
    }
}

/// Every handler of this crate.
pub fn registry() -> Registry {
    let mut by_command = HashMap::new();
    let all: Vec<Arc<dyn Handler>> = [
        builtins::handlers(),
        tables::handlers(),
        objdefs::handlers(),
        snmove::handlers(),
        nim::handlers(),
        prescripts::handlers(),
    ]
    .into_iter()
    .flatten()
    .chain(test_handlers())
    .collect();
    for h in all {
        for c in h.commands() {
            by_command.insert(*c, h.clone());
        }
    }
    Registry { by_command }
}

/// The test-only handlers ([`sntest`]), when compiled in and armed with
/// `XCATD_TEST_HANDLERS=1`; never in a default release build.
#[cfg(any(debug_assertions, feature = "test-handlers"))]
fn test_handlers() -> Vec<Arc<dyn Handler>> {
    match std::env::var("XCATD_TEST_HANDLERS").as_deref() {
        Ok("1") => sntest::handlers(),
        _ => Vec::new(),
    }
}

#[cfg(not(any(debug_assertions, feature = "test-handlers")))]
fn test_handlers() -> Vec<Arc<dyn Handler>> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    /// The commands the HA write gate refuses on a daemon that must not write: every
    /// command that changes the database or drives NIM on the service nodes.
    #[test]
    fn commands_that_write() {
        let r = super::registry();
        let writers: Vec<&str> = r
            .commands()
            .into_iter()
            .filter(|c| r.get(c).is_some_and(|h| h.writes(c)))
            .collect();
        assert_eq!(
            writers,
            [
                "addnode",
                "chdef",
                "chnode",
                "chnodegrp",
                "mkdef",
                "nimnodeset",
                "nodeadd",
                "nodech",
                "nodegrpch",
                "noderm",
                "rmdef",
                "rmdsklsnode",
                "rmnode",
                "snmove",
                "tabch",
                "tabprune",
                "tabrestore",
                "xcat2nim",
            ]
        );
    }
}
