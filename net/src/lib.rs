//! xcat-net: one TLS connection to an xcatd with the stock certificates.
//! Shared by the client (`xcat-client`) and the daemon (hierarchy
//! forwarding, `--fallback`, the server-side certificate helpers), so the
//! daemon does not compile the client command line.
//!
//! - [`tls`]: PEM loading, chain verification tolerant of the stock 1960
//!   notBefore, the rustls client configuration.
//! - [`Credentials`]: `~/.xcat/client-cred.pem` + `ca.pem` (or explicit files).
//! - [`Connection`] / [`submit`]: send requests, read answers up to serverdone.
//! - [`reader`]: splitting the byte stream into `<xcatresponse>` documents.
//! - [`submit_blocking`]: the same for synchronous callers.
//! - [`keepalive`]: dead-peer detection on both ends' sockets.

pub mod blocking;
pub mod conn;
pub mod creds;
pub mod error;
pub mod keepalive;
pub mod reader;
pub mod tls;

pub use blocking::submit_blocking;
pub use conn::{submit, submit_with, ConnectOptions, Connection, Next, SubmitOutcome};
pub use creds::{effective_home, Credentials};
pub use error::ClientError;
