//! haagent: automatic management-node takeover that cannot split the brain — heartbeats
//! over TLS between two management nodes and a witness, a two-vote takeover after
//! fencing, a term on the shared data, and self-demotion of an isolated active.
//!
//! * [`state`] — the pure state machine (time passed in; every rule lives here).
//! * [`term`] — the term file on the shared data (atomic compare-and-raise).
//! * [`config`] — the `--ha-config` file.
//! * [`status`] — the `hastatus` lines (also what heartbeats carry).
//! * [`heartbeat`] — one TLS exchange with another member.
//! * [`effects`] — fencing and the VIP (through the runner, `xcatha::vip` commands).
//! * [`metrics`] — the same facts as Prometheus metrics (`hastatus --metrics`, `metrics_file`).
//! * [`agent`] — the state the daemon reads (`hastatus`, the write gate).
//! * [`runtime`] — the loop and the heartbeat threads.

pub mod agent;
pub mod config;
pub mod effects;
pub mod heartbeat;
pub mod metrics;
pub mod runtime;
pub mod state;
pub mod status;
pub mod term;

pub use agent::Agent;
pub use config::HaConfig;
