//! xcatd-rs daemon: listener, TLS, framing, policy, dispatch, hierarchy.
//! Knows no command: handlers come from `xcat-handlers`.
//!
//! Request flow: [`listener`] (accept, TLS, peer identity) → [`connection`]
//! (framing, queue, abort, writer) → [`dispatch`] on a blocking thread
//! (auth, [`policy`], built-ins, handlers, [`forward`]) → [`output`].

pub mod accept_values;
pub mod audit;
pub mod auth;
pub mod budget;
pub mod builtins;
pub mod certs;
pub mod cli;
pub mod cmdlog;
pub mod config;
pub mod connection;
pub mod daemon;
pub mod db_store;
pub mod dispatch;
pub mod forward;
pub mod framing;
pub mod ha;
pub mod handler_call;
pub mod init;
pub mod internal;
pub mod listener;
pub mod memory;
pub mod netdomain;
pub mod noderange_bridge;
pub mod output;
pub mod peer;
pub mod pending;
pub mod policy;
pub mod reply;
pub mod resolver;
pub mod runner;
pub mod server;
pub mod state;
pub mod store;
pub mod throttle;
pub mod tls;
pub mod tokens;
pub mod version;
