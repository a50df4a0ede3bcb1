//! A blocking xCAT client used for hierarchy and `--fallback`: presents the
//! daemon's own `server-cred.pem` (so the receiving xcatd sees a trusted peer
//! and keeps the caller's `username`), checks the other side against `ca.pem`
//! without a host-name check (as the stock client), writes one request and
//! hands back every response document until `serverdone`.
//! (Stand-in for `xcat_client::submit` until the client library has it.)

use super::{ForwardError, Forwarder};
use crate::tls::pem::{load_certs, load_key, verify_issued_by};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use xcat_handlers::api::Aborted;
use xcat_proto::{Request, Response};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(500);

#[derive(Debug)]
struct CaVerifier {
    cas: Vec<CertificateDer<'static>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for CaVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        verify_issued_by(end_entity.as_ref(), &self.cas)
            .map(|_| ServerCertVerified::assertion())
            .map_err(rustls::Error::General)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Client TLS config presenting `cred` (cert + key) and trusting `ca`.
pub fn client_config(cred: &Path, ca: &Path) -> Result<rustls::ClientConfig, String> {
    let provider = rustls::crypto::ring::default_provider();
    let verifier = Arc::new(CaVerifier {
        cas: load_certs(ca)?,
        algorithms: provider.signature_verification_algorithms,
    });
    rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_client_auth_cert(load_certs(cred)?, load_key(cred)?)
        .map_err(|e| format!("{}: {e}", cred.display()))
}

pub struct TlsForwarder {
    config: Arc<rustls::ClientConfig>,
}

impl TlsForwarder {
    pub fn new(cred: &Path, ca: &Path) -> Result<TlsForwarder, String> {
        Ok(TlsForwarder {
            config: Arc::new(client_config(cred, ca)?),
        })
    }
}

fn server_name(host: &str) -> ServerName<'static> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        return ServerName::IpAddress(ip.into());
    }
    // Host names are not checked (stock: verifycn none); an odd name just
    // means no SNI.
    ServerName::try_from(bare.to_string())
        .unwrap_or(ServerName::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()))
}

fn connect(addr: &str) -> Result<TcpStream, String> {
    let addrs: Vec<_> = addr
        .to_socket_addrs()
        .map_err(|e| format!("{addr}: {e}"))?
        .collect();
    let mut last = format!("{addr}: no address");
    for a in addrs {
        match TcpStream::connect_timeout(&a, CONNECT_TIMEOUT) {
            Ok(s) => return Ok(s),
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    Err(last)
}

/// Split complete `<xcatresponse>` documents off the front of `buf`.
pub fn take_documents(buf: &mut Vec<u8>) -> Vec<Vec<u8>> {
    const END: &[u8] = b"</xcatresponse>";
    let mut docs = Vec::new();
    while let Some(pos) = buf.windows(END.len()).position(|w| w == END) {
        let end = pos + END.len();
        docs.push(buf.drain(..end).collect());
    }
    docs
}

impl Forwarder for TlsForwarder {
    fn submit(
        &self,
        addr: &str,
        req: &Request,
        aborted: &dyn Fn() -> bool,
        each: &mut dyn FnMut(Response) -> Result<(), Aborted>,
    ) -> Result<(), ForwardError> {
        let host = addr.rsplit_once(':').map(|(h, _)| h).unwrap_or(addr);
        let tcp = connect(addr).map_err(ForwardError::Connect)?;
        let _ = tcp.set_nodelay(true);
        let _ = tcp.set_read_timeout(Some(POLL));
        let conn = rustls::ClientConnection::new(self.config.clone(), server_name(host))
            .map_err(|e| ForwardError::Connect(e.to_string()))?;
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        let mut request = req.clone();
        request.set("clienttype", "cli");
        tls.write_all(&request.to_xml())
            .and_then(|_| tls.flush())
            .map_err(|e| ForwardError::Connect(e.to_string()))?;
        let mut buf = Vec::new();
        let mut chunk = vec![0u8; 16 * 1024];
        let mut relayed = false;
        loop {
            if aborted() {
                let abort = b"<xcatrequest>\n  <abortcommand>1</abortcommand>\n</xcatrequest>\n";
                let _ = tls.write_all(abort);
                return Err(ForwardError::Aborted);
            }
            match tls.read(&mut chunk) {
                Ok(0) => {
                    let e = "connection closed before serverdone".to_string();
                    return Err(if relayed {
                        ForwardError::Broken(e)
                    } else {
                        ForwardError::Connect(e)
                    });
                }
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    continue
                }
                Err(e) => {
                    let e = e.to_string();
                    return Err(if relayed {
                        ForwardError::Broken(e)
                    } else {
                        ForwardError::Connect(e)
                    });
                }
            }
            for doc in take_documents(&mut buf) {
                let root = match xcat_proto::parse_document(&doc) {
                    Ok(r) => r,
                    Err(e) => return Err(ForwardError::Broken(format!("bad response: {e}"))),
                };
                relayed = true;
                let done = root.map.contains_key("serverdone");
                each(Response { map: root.map }).map_err(|_| ForwardError::Aborted)?;
                if done {
                    return Ok(());
                }
            }
        }
    }
}
