//! xcatd-rs daemon: listener, TLS, framing, policy, dispatch, hierarchy.
//! Knows no command: handlers come from `xcat-handlers`.
