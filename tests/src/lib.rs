//! Shared test harness (started servers, fixtures, PostgreSQL).
//!
//! - [`fixtures`]: the stock wire transcripts in `tests/fixtures/wire`.
//! - [`certs`]: throwaway CAs and credentials in the stock file layout.
//! - [`mock`]: a small TLS server that answers with scripted bytes and
//!   records what clients sent (tests the client without a daemon).
//! - [`server`]: a real `xcatd` (the built binary) on a free loopback port,
//!   on SQLite or, when `XCATD_TEST_PG_URL` is set, a fresh PostgreSQL database.
//! - [`service_nodes`]: service-node daemons on the same database, with faults.
//! - [`ha`]: two management-node daemons and a witness with HA agents (takeover tests).
//! - [`client`]: running the client library in-process against a server.
//! - [`cluster`]: a whole xCAT cluster of real hosts in namespaces (root).
//! - [`pg_cluster`]: stopping/restarting the with-postgres cluster, holding table locks.
//! - [`exec_file`]: executable files a test writes and runs at once.
//! - [`command_log`]: concurrent commands' log lines in a stable order.

pub mod certs;
pub mod client;
pub mod cluster;
pub mod command_log;
pub mod exec_file;
pub mod fixtures;
pub mod ha;
pub mod mock;
pub mod parity;
pub mod pg_cluster;
pub mod server;
pub mod service_nodes;

pub use client::{run_client, run_client_env, send_raw, ClientHome};
pub use command_log::fan_sorted;
pub use exec_file::write_exec;
pub use fixtures::{fixture, fixtures, Fixture};
pub use server::{Backend, Xcatd};
pub use xcat_client::Printed;
