//! Dead-peer detection on xcatd connections, both ends: TCP keepalive probes after
//! [`IDLE`] of silence, every [`INTERVAL`], [`PROBES`] unanswered ones drop the
//! connection; and a user timeout ([`USER_TIMEOUT`]) for data the peer never
//! acknowledges. A peer that vanishes without a reset (powered off by a fence, its cable
//! pulled, a VIP moved away) is noticed in about a minute instead of the kernel's two
//! hours, while a live peer's kernel answers the probes however long a command stays
//! silent (stock's client sets no read timeout either, `Client.pm:264`, so long
//! commands must not be cut).

use std::time::Duration;

/// Silence before the first probe.
pub const IDLE: Duration = Duration::from_secs(30);
/// Time between probes.
pub const INTERVAL: Duration = Duration::from_secs(10);
/// Unanswered probes before the connection is dropped.
pub const PROBES: u32 = 3;
/// How long sent data may stay unacknowledged.
pub const USER_TIMEOUT: Duration = Duration::from_secs(60);

/// Sets the options on a connected socket (best effort: a failure leaves the kernel's
/// defaults, which only detect later).
pub fn detect_dead_peer<S: std::os::fd::AsFd>(socket: &S) {
    let s = socket2::SockRef::from(socket);
    let ka = socket2::TcpKeepalive::new()
        .with_time(IDLE)
        .with_interval(INTERVAL)
        .with_retries(PROBES);
    let _ = s.set_tcp_keepalive(&ka);
    let _ = s.set_tcp_user_timeout(Some(USER_TIMEOUT));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connected_socket_gets_the_options() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let c = std::net::TcpStream::connect(l.local_addr().unwrap()).unwrap();
        detect_dead_peer(&c);
        let s = socket2::SockRef::from(&c);
        assert!(s.keepalive().unwrap());
        assert_eq!(s.tcp_keepalive_time().unwrap(), IDLE);
        assert_eq!(s.tcp_keepalive_interval().unwrap(), INTERVAL);
        assert_eq!(s.tcp_keepalive_retries().unwrap(), PROBES);
        assert_eq!(s.tcp_user_timeout().unwrap(), Some(USER_TIMEOUT));
    }
}
