//! xCAT client library: builds requests, talks TLS with the stock certificates
//! (through `xcat-net`, re-exported here), reads and prints responses exactly
//! as the stock Perl client does.
//!
//! - [`tls`]: PEM loading, chain verification tolerant of the stock 1960
//!   notBefore, the rustls client configuration.
//! - [`Credentials`]: `~/.xcat/client-cred.pem` + `ca.pem` (or explicit files).
//! - [`submit`] / [`Connection`]: send requests, read answers up to serverdone.
//! - [`render`]: the stock printing rules (perl-xCAT/xCAT/Client.pm:1129-1350) into [`Printed`].
//! - [`reader`]: splitting the byte stream into `<xcatresponse>` documents.
//! - [`request`] + [`styles`]: argv → request as the stock scripts build it
//!   (`xcatclient`, `xcatclientnnr`, `xcatDBcmds`, `tabrestore`).
//! - [`cli`]: the whole command (connect, warn, print progressively, exit
//!   codes); [`dbtools`]: `dumpxCATdb` / `restorexCATdb`.

pub mod cli;
pub mod dbtools;
pub mod procstat;
pub mod render;
pub mod request;
pub mod styles;

pub use render::{render, render_into, render_xml, Emit, Printed};
pub use xcat_net::{blocking, conn, creds, error, reader, tls};
pub use xcat_net::{
    effective_home, submit, submit_blocking, submit_with, ClientError, ConnectOptions, Connection,
    Credentials, SubmitOutcome,
};
pub use xcat_proto::{Request, Response};
