//! One TLS connection to an xcatd: connect (XCATHOST syntax, 15 s limits as
//! the stock client), send requests, read each answer up to its serverdone.
//! Several requests may be sent one after another on the same connection
//! (the server supports it; the load tool and hierarchy forwarding use it).

use crate::error::ClientError;
use crate::reader::{is_serverdone, parse_response, DocReader};
use crate::{tls, Credentials};
use rustls::pki_types::ServerName;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;
use xcat_proto::tree::MapExt;
use xcat_proto::{Request, Response};

/// The stock client's connect timeout (`Timeout => 15`).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// What the stock client sends on SIGINT/SIGTERM.
pub const ABORT_REQUEST: &[u8] =
    b"<xcatrequest>\n  <abortcommand>1</abortcommand>\n</xcatrequest>\n";

/// How the answer to one request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// The server sent its `serverdone` document (given here, with any
    /// error or data it also carries; it was not passed to the callback).
    Done(Response),
    /// The callback returned false; the rest of the answer was not read.
    Stopped,
    /// The connection ended before a serverdone (stock: "ERROR/WARNING:
    /// communication with the xCAT server seems to have been ended
    /// prematurely", exit 1).
    Premature,
}

/// One step of reading an answer ([`Connection::next_response`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// A document before the serverdone.
    Doc(Response),
    /// The serverdone document (with anything else it carries).
    Done(Response),
    /// The connection ended before a serverdone.
    Closed,
}

/// TLS settings of a connection.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub versions: Vec<&'static rustls::SupportedProtocolVersion>,
    pub timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            versions: vec![&rustls::version::TLS12, &rustls::version::TLS13],
            timeout: CONNECT_TIMEOUT,
        }
    }
}

impl ConnectOptions {
    /// Options from an `XCATSSLVER` value.
    pub fn from_sslver(sslver: Option<&str>) -> Result<Self, ClientError> {
        Ok(ConnectOptions {
            versions: tls::versions_for(sslver)?,
            ..ConnectOptions::default()
        })
    }
}

/// `host:port`, `[v6]:port`, `[fe80::1%eth0]:port`: host part and scope.
fn split_addr(addr: &str) -> (String, Option<String>, String) {
    // Stock: `s/%([^\]|:]*)//` takes the scope out of the address.
    let (mut rest, mut scope) = (addr.to_string(), None);
    if let Some(pct) = addr.find('%') {
        let tail = &addr[pct + 1..];
        let end = tail.find([']', '|', ':']).unwrap_or(tail.len());
        scope = Some(tail[..end].to_string());
        rest = format!("{}{}", &addr[..pct], &tail[end..]);
    }
    let host = if let Some(inner) = rest.strip_prefix('[') {
        inner.split(']').next().unwrap_or("").to_string()
    } else {
        rest.rsplit_once(':')
            .map(|(h, _)| h)
            .unwrap_or(&rest)
            .to_string()
    };
    (host, scope, rest)
}

fn scope_id(scope: &str) -> Option<u32> {
    if let Ok(n) = scope.parse::<u32>() {
        return Some(n);
    }
    let name = std::ffi::CString::new(scope).ok()?;
    // SAFETY: if_nametoindex reads a NUL-terminated string we own.
    let idx = unsafe { libc::if_nametoindex(name.as_ptr()) };
    (idx != 0).then_some(idx)
}

/// Open the TCP connection to `addr` (XCATHOST syntax; the port is required).
pub async fn tcp_connect(addr: &str, timeout: Duration) -> Result<TcpStream, ClientError> {
    let (_, scope, plain) = split_addr(addr);
    let scope = match scope {
        Some(s) => Some(
            scope_id(&s)
                .ok_or_else(|| ClientError::Connect(format!("Unable to identify scope {s}")))?,
        ),
        None => None,
    };
    let resolved = tokio::time::timeout(timeout, tokio::net::lookup_host(plain.as_str()))
        .await
        .map_err(|_| ClientError::Connect("timeout resolving the server address".into()))?
        .map_err(|e| ClientError::Connect(format!("{addr}: {e}")))?;
    let mut last = ClientError::Connect(format!("{addr}: no address"));
    for mut sa in resolved {
        if let (SocketAddr::V6(v6), Some(id)) = (&mut sa, scope) {
            v6.set_scope_id(id);
        }
        match tokio::time::timeout(timeout, TcpStream::connect(sa)).await {
            Ok(Ok(s)) => {
                let _ = s.set_nodelay(true);
                crate::keepalive::detect_dead_peer(&s);
                return Ok(s);
            }
            Ok(Err(e)) => last = ClientError::Connect(e.to_string()),
            Err(_) => last = ClientError::Connect("connect timeout".into()),
        }
    }
    Err(last)
}

fn server_name(addr: &str) -> ServerName<'static> {
    let (host, _, _) = split_addr(addr);
    if let Ok(ip) = host.parse::<IpAddr>() {
        return ServerName::IpAddress(ip.into());
    }
    ServerName::try_from(host)
        .unwrap_or_else(|_| ServerName::IpAddress(IpAddr::from([127, 0, 0, 1]).into()))
}

/// An open TLS connection to an xcatd.
pub struct Connection {
    stream: TlsStream<TcpStream>,
    reader: DocReader,
    chunk: Vec<u8>,
}

impl Connection {
    /// TCP connect plus TLS handshake.
    pub async fn connect(
        addr: &str,
        creds: Option<&Credentials>,
        opts: &ConnectOptions,
    ) -> Result<Connection, ClientError> {
        let tcp = tcp_connect(addr, opts.timeout).await?;
        Connection::handshake(tcp, addr, creds, opts).await
    }

    /// TLS handshake on an already connected socket.
    pub async fn handshake(
        tcp: TcpStream,
        addr: &str,
        creds: Option<&Credentials>,
        opts: &ConnectOptions,
    ) -> Result<Connection, ClientError> {
        let config = Arc::new(tls::client_config(creds, &opts.versions)?);
        Connection::handshake_with(tcp, addr, config, opts.timeout).await
    }

    /// Connect with a prepared rustls configuration (reused across many
    /// connections, e.g. by the load tool; see [`tls::client_config`]).
    pub async fn connect_with(
        addr: &str,
        config: Arc<rustls::ClientConfig>,
        timeout: Duration,
    ) -> Result<Connection, ClientError> {
        let tcp = tcp_connect(addr, timeout).await?;
        Connection::handshake_with(tcp, addr, config, timeout).await
    }

    async fn handshake_with(
        tcp: TcpStream,
        addr: &str,
        config: Arc<rustls::ClientConfig>,
        timeout: Duration,
    ) -> Result<Connection, ClientError> {
        let connector = TlsConnector::from(config);
        let stream = tokio::time::timeout(timeout, connector.connect(server_name(addr), tcp))
            .await
            .map_err(|_| {
                ClientError::Connect("SSL Timeout or incorrect certificates in ~/.xcat".into())
            })?
            .map_err(|e| ClientError::Connect(e.to_string()))?;
        Ok(Connection {
            stream,
            reader: DocReader::new(),
            chunk: vec![0; 64 * 1024],
        })
    }

    /// The certificate the server presented.
    pub fn server_cert_cn(&self) -> Option<String> {
        let (_, conn) = self.stream.get_ref();
        conn.peer_certificates()
            .and_then(|c| c.first())
            .and_then(tls::subject_cn)
    }

    /// Write raw request bytes (for replaying stock requests verbatim).
    pub async fn send_raw(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        self.stream.write_all(bytes).await?;
        self.stream.flush().await?;
        Ok(())
    }

    /// Write a request as the stock client does (`clienttype` set to `cli`).
    pub async fn send(&mut self, request: &Request) -> Result<(), ClientError> {
        let mut request = request.clone();
        request.map.set("clienttype", "cli");
        self.send_raw(&request.to_xml()).await
    }

    /// Read documents until a serverdone; every earlier document goes to
    /// `on_response` (return false to stop reading).
    pub async fn read_answer(
        &mut self,
        on_response: &mut (dyn FnMut(Response) -> bool + Send),
    ) -> Result<SubmitOutcome, ClientError> {
        loop {
            match self.next_response().await? {
                Next::Doc(resp) => {
                    if !on_response(resp) {
                        return Ok(SubmitOutcome::Stopped);
                    }
                }
                Next::Done(last) => return Ok(SubmitOutcome::Done(last)),
                Next::Closed => return Ok(SubmitOutcome::Premature),
            }
        }
    }

    /// The next response document of the current answer.  Cancel-safe (a
    /// caller may race it against a timer and call it again): bytes already
    /// read stay in the reader.
    pub async fn next_response(&mut self) -> Result<Next, ClientError> {
        loop {
            while let Some(doc) = self.reader.next_doc() {
                let Some(resp) = parse_response(&doc)? else {
                    continue;
                };
                if is_serverdone(&resp) {
                    return Ok(Next::Done(resp));
                }
                return Ok(Next::Doc(resp));
            }
            // Read errors (reset, unclean TLS close) end the stream like EOF.
            match self.stream.read(&mut self.chunk).await {
                Ok(0) | Err(_) => return Ok(Next::Closed),
                Ok(n) => self.reader.push(&self.chunk[..n]),
            }
        }
    }

    /// Send `request` and read its answer.  A failed write is not fatal by
    /// itself: the server may have answered (e.g. refused) before closing.
    pub async fn request(
        &mut self,
        request: &Request,
        on_response: &mut (dyn FnMut(Response) -> bool + Send),
    ) -> Result<SubmitOutcome, ClientError> {
        let _ = self.send(request).await;
        self.read_answer(on_response).await
    }

    /// Like [`Connection::request`] with request bytes sent verbatim.
    pub async fn request_raw(
        &mut self,
        bytes: &[u8],
        on_response: &mut (dyn FnMut(Response) -> bool + Send),
    ) -> Result<SubmitOutcome, ClientError> {
        let _ = self.send_raw(bytes).await;
        self.read_answer(on_response).await
    }

    /// Send TLS close_notify and shut the socket.
    pub async fn close(mut self) {
        let _ = self.stream.shutdown().await;
    }
}

/// Connect, send one request, read its answer, close.  Returns after the
/// serverdone (`Done` carries that last document); `on_response` sees every
/// document before it.
pub async fn submit(
    addr: &str,
    creds: Option<&Credentials>,
    request: &Request,
    on_response: &mut (dyn FnMut(Response) -> bool + Send),
) -> Result<SubmitOutcome, ClientError> {
    submit_with(
        addr,
        creds,
        &ConnectOptions::default(),
        request,
        on_response,
    )
    .await
}

/// [`submit`] with explicit TLS options.
pub async fn submit_with(
    addr: &str,
    creds: Option<&Credentials>,
    opts: &ConnectOptions,
    request: &Request,
    on_response: &mut (dyn FnMut(Response) -> bool + Send),
) -> Result<SubmitOutcome, ClientError> {
    let mut conn = Connection::connect(addr, creds, opts).await?;
    let outcome = conn.request(request, on_response).await?;
    conn.close().await;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xcathost_forms() {
        assert_eq!(
            split_addr("localhost:3001"),
            ("localhost".into(), None, "localhost:3001".into())
        );
        assert_eq!(
            split_addr("[fe80::1%eth0]:3001"),
            (
                "fe80::1".into(),
                Some("eth0".into()),
                "[fe80::1]:3001".into()
            )
        );
        assert_eq!(split_addr("[::1]:3001").0, "::1");
    }
}
