//! haagent: automatic management-node takeover that cannot split the brain — heartbeats
//! over TLS between two management nodes and a witness, a two-vote takeover after
//! fencing, a term on the shared data, and self-demotion of an isolated active.
//!
//! * [`state`] — the pure state machine (time passed in; every rule lives here).
//! * [`term`] — the term file on the shared data (atomic compare-and-raise).
pub mod state;
pub mod term;
