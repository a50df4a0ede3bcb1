//! A small TLS server standing in for xcatd: it reads requests (text up to
//! `</xcatrequest>`, several per connection), records them with the client
//! certificate's CN, and answers with whatever a script returns.  Client
//! certificates are requested, not required, and verified against the CA
//! like xcatd does (1960 notBefore accepted).

use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use xcat_client::tls;

/// One request as the mock server received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// 0-based index of the connection it came on.
    pub connection: usize,
    pub client_cn: Option<String>,
    pub bytes: Vec<u8>,
}

/// How to answer: `(connection index, request index on that connection,
/// request bytes)` → reply bytes (written in the given pieces), or `None`
/// to close the connection without answering; an empty piece closes it
/// after the pieces before it.
pub type Script = dyn Fn(usize, usize, &[u8]) -> Option<Vec<Vec<u8>>> + Send + Sync;

#[derive(Debug)]
struct OptionalClientAuth {
    ca: Vec<CertificateDer<'static>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ClientCertVerifier for OptionalClientAuth {
    fn client_auth_mandatory(&self) -> bool {
        false
    }
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }
    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        tls::verify_issued_by(&self.ca, end_entity, now)?;
        Ok(ClientCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A running mock server (stopped when dropped).
pub struct MockServer {
    pub addr: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// rustls server configuration from a stock cert directory (server-cred.pem
/// + ca.pem), requesting optional client certificates.
pub fn server_config(cert_dir: &Path) -> rustls::ServerConfig {
    let chain = tls::load_certs(&cert_dir.join("server-cred.pem")).expect("server cert");
    let key = tls::load_key(&cert_dir.join("server-cred.pem")).expect("server key");
    let ca = tls::load_certs(&cert_dir.join("ca.pem")).expect("ca");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(OptionalClientAuth {
        ca,
        provider: provider.clone(),
    });
    rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS12, &rustls::version::TLS13])
        .expect("versions")
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .expect("server config")
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl MockServer {
    /// Listen on a free loopback port with the credentials in `cert_dir`.
    pub async fn start(cert_dir: &Path, script: Arc<Script>) -> MockServer {
        let acceptor = TlsAcceptor::from(Arc::new(server_config(cert_dir)));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let received = Arc::new(Mutex::new(Vec::new()));
        let rec = received.clone();
        let task = tokio::spawn(async move {
            let mut index = 0;
            while let Ok((tcp, _)) = listener.accept().await {
                let conn_index = index;
                index += 1;
                let (acceptor, script, rec) = (acceptor.clone(), script.clone(), rec.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let cn = tls
                        .get_ref()
                        .1
                        .peer_certificates()
                        .and_then(|c| c.first())
                        .and_then(tls::subject_cn);
                    let mut buf = Vec::new();
                    let mut chunk = vec![0u8; 65536];
                    let mut req_index = 0;
                    loop {
                        while let Some(p) = find(&buf, b"</xcatrequest>") {
                            let mut end = p + b"</xcatrequest>".len();
                            if buf.get(end) == Some(&b'\n') {
                                end += 1;
                            }
                            let request: Vec<u8> = buf.drain(..end).collect();
                            if let Ok(mut r) = rec.lock() {
                                r.push(Received {
                                    connection: conn_index,
                                    client_cn: cn.clone(),
                                    bytes: request.clone(),
                                });
                            }
                            let Some(pieces) = script(conn_index, req_index, &request) else {
                                let _ = tls.shutdown().await;
                                return;
                            };
                            req_index += 1;
                            for piece in pieces {
                                if piece.is_empty() {
                                    let _ = tls.shutdown().await;
                                    return;
                                }
                                if tls.write_all(&piece).await.is_err()
                                    || tls.flush().await.is_err()
                                {
                                    return;
                                }
                                tokio::time::sleep(Duration::from_millis(1)).await;
                            }
                        }
                        match tokio::time::timeout(Duration::from_secs(15), tls.read(&mut chunk))
                            .await
                        {
                            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
                            _ => return,
                        }
                    }
                });
            }
        });
        MockServer {
            addr,
            received,
            task,
        }
    }

    /// Answer every request with the same bytes.
    pub async fn replying(cert_dir: &Path, reply: Vec<u8>) -> MockServer {
        MockServer::start(cert_dir, Arc::new(move |_, _, _| Some(vec![reply.clone()]))).await
    }

    /// Requests received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}
