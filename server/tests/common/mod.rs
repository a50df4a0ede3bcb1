//! Shared pieces of the daemon's integration tests: a throwaway PKI made like
//! the stock one (CA, server and client certificates with the 1960
//! notBefore), a server on loopback with an in-memory store, and a raw TLS
//! client that sends exact bytes and reads until `serverdone`.
#![allow(dead_code)]

pub mod daemon;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use xcat_handlers::Handler;
use xcatd::config::ServeConfig;
use xcatd::forward::client::TlsForwarder;
use xcatd::server::Server;
use xcatd::state::Shared;
use xcatd::store::{MemStore, PolicyRow};

pub struct Ca {
    pub cert: rcgen::Certificate,
    pub key: KeyPair,
}

pub fn make_ca(cn: &str) -> Ca {
    let key = KeyPair::generate().unwrap();
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.not_before = rcgen::date_time_ymd(1970, 1, 1);
    p.not_after = rcgen::date_time_ymd(2045, 1, 1);
    let cert = p.self_signed(&key).unwrap();
    Ca { cert, key }
}

/// `(cert pem, key pem)` for `cn`, notBefore 1960 like the stock scripts.
pub fn issue(ca: &Ca, cn: &str) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let mut p = CertificateParams::new(vec![cn.to_string()]).unwrap();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.not_before = rcgen::date_time_ymd(1960, 1, 1);
    p.not_after = rcgen::date_time_ymd(2045, 1, 1);
    let cert = p.signed_by(&key, &ca.cert, &ca.key).unwrap();
    (cert.pem(), key.serialize_pem())
}

pub struct Pki {
    pub dir: tempfile::TempDir,
    pub ca: Ca,
}

impl Pki {
    /// confdir with `cert/server-cred.pem` (text dump + cert + key, as
    /// `openssl ca` writes) and `cert/ca.pem`.
    pub fn new(server_cn: &str) -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let ca = make_ca("xCAT CA");
        let certdir = dir.path().join("cert");
        std::fs::create_dir_all(&certdir).unwrap();
        let (c, k) = issue(&ca, server_cn);
        std::fs::write(
            certdir.join("server-cred.pem"),
            format!("Certificate:\n    Data:\n        Version: 3 (0x2)\n{c}{k}"),
        )
        .unwrap();
        std::fs::write(certdir.join("ca.pem"), ca.cert.pem()).unwrap();
        Pki { dir, ca }
    }

    pub fn confdir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    pub fn client(&self, cn: &str) -> Cred {
        let (c, k) = issue(&self.ca, cn);
        Cred::from_pem(&c, &k)
    }
}

#[derive(Clone)]
pub struct Cred {
    pub certs: Vec<CertificateDer<'static>>,
    pub key: Arc<PrivateKeyDer<'static>>,
}

impl Cred {
    pub fn from_pem(cert: &str, key: &str) -> Cred {
        let certs = rustls_pemfile::certs(&mut cert.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = rustls_pemfile::private_key(&mut key.as_bytes())
            .unwrap()
            .unwrap();
        Cred {
            certs,
            key: Arc::new(key),
        }
    }
}

pub fn row(prio: &str, name: &str, commands: &str, rule: &str) -> PolicyRow {
    let o = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    PolicyRow {
        priority: o(prio),
        name: o(name),
        commands: o(commands),
        rule: o(rule),
        ..Default::default()
    }
}

pub struct TestServer {
    pub addr: std::net::SocketAddr,
    pub server: Server,
    pub store: Arc<MemStore>,
    pub pki: Arc<Pki>,
    pub shared: Arc<Shared>,
    _db_dir: tempfile::TempDir,
}

pub struct Options {
    pub handlers: HashMap<String, Arc<dyn Handler>>,
    pub policy: Vec<PolicyRow>,
    pub tweak: Box<dyn FnOnce(&mut ServeConfig) + Send>,
    pub pki: Option<Arc<Pki>>,
    pub server_cn: String,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            handlers: HashMap::new(),
            policy: vec![
                row("1", "root", "", "allow"),
                row("1.2", "vm", "", "trusted"),
            ],
            tweak: Box::new(|_| {}),
            pki: None,
            server_cn: "vm".to_string(),
        }
    }
}

pub async fn start(opts: Options) -> TestServer {
    let handlers = Arc::new(opts.handlers.clone());
    start_with_registry(opts, handlers).await
}

pub async fn start_with_registry(
    opts: Options,
    handlers: Arc<dyn xcatd::state::HandlerSet>,
) -> TestServer {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("xcatd=debug")
        .with_test_writer()
        .try_init();
    let pki = opts
        .pki
        .unwrap_or_else(|| Arc::new(Pki::new(&opts.server_cn)));
    let db_dir = tempfile::tempdir().unwrap();
    let db = xcat_schema::db::Db::open(&xcat_schema::db::DbLocation::SqliteDir(
        db_dir.path().to_path_buf(),
    ));
    if let Err(e) = &db {
        eprintln!("test database unavailable: {e}");
    }
    let db = db.ok();
    let store = Arc::new(MemStore {
        db,
        ..Default::default()
    });
    *store.policy.lock().unwrap() = opts.policy;
    store
        .site
        .lock()
        .unwrap()
        .insert("master".into(), "127.0.0.1".into());
    *store.nodes.lock().unwrap() = (1..=5).map(|i| format!("n{i}")).collect();
    store
        .groups
        .lock()
        .unwrap()
        .insert("compute".into(), (1..=5).map(|i| format!("n{i}")).collect());
    let mut cfg = ServeConfig::new(&pki.confdir());
    cfg.source_name = opts.server_cn.clone();
    cfg.listen = vec!["127.0.0.1:0".parse().unwrap()];
    (opts.tweak)(&mut cfg);
    let forwarder: Option<Arc<dyn xcatd::forward::Forwarder>> =
        TlsForwarder::new(&cfg.server_cred(), &cfg.ca_file())
            .ok()
            .map(|f| Arc::new(f) as _);
    let listeners = xcatd::listener::bind(&cfg).unwrap();
    let shared = Shared::new(cfg, store.clone(), handlers, forwarder);
    let server = Server::start(shared.clone(), listeners).unwrap();
    TestServer {
        addr: server.addrs[0],
        server,
        store,
        pki,
        shared,
        _db_dir: db_dir,
    }
}

#[derive(Debug)]
struct AnyServer;

impl ServerCertVerifier for AnyServer {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            m,
            c,
            d,
            &rustls::crypto::ring::default_provider().signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            m,
            c,
            d,
            &rustls::crypto::ring::default_provider().signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        rustls::crypto::ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

pub async fn connect(
    addr: std::net::SocketAddr,
    cred: Option<&Cred>,
) -> std::io::Result<TlsStream<TcpStream>> {
    let b = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .dangerous()
    .with_custom_certificate_verifier(Arc::new(AnyServer));
    let config = match cred {
        Some(c) => b
            .with_client_auth_cert(c.certs.clone(), c.key.clone_key())
            .unwrap(),
        None => b.with_no_client_auth(),
    };
    let tcp = TcpStream::connect(addr).await?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let mut tls = connector
        .connect(ServerName::try_from("xcatd").unwrap(), tcp)
        .await?;
    // TLS 1.3: a refused client certificate shows up on the first read.
    tls.flush().await?;
    Ok(tls)
}

/// Read until a document with `serverdone` has arrived (or EOF / timeout).
pub async fn read_answer(tls: &mut TlsStream<TcpStream>) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16384];
    loop {
        let text = String::from_utf8_lossy(&buf);
        if let Some(p) = text.find("<serverdone>") {
            if text[p..].contains("</xcatresponse>\n") {
                return text.into_owned();
            }
        }
        match tokio::time::timeout(Duration::from_secs(20), tls.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return String::from_utf8_lossy(&buf).into_owned(),
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Read everything until the server closes (bounded).
pub async fn read_to_close(tls: &mut TlsStream<TcpStream>, limit: Duration) -> (String, bool) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16384];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, tls.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&buf).into_owned(), true),
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Err(_) => return (String::from_utf8_lossy(&buf).into_owned(), false),
        }
    }
}

pub fn request(cmd: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut r = xcat_proto::Request::new(cmd);
    r.set("clienttype", "cli");
    r.set("cwd", "/tmp");
    for (k, v) in extra {
        r.map
            .entry(k.to_string())
            .or_default()
            .push(xcat_proto::Value::text(*v));
    }
    r.to_xml()
}

pub async fn ask(addr: std::net::SocketAddr, cred: Option<&Cred>, bytes: &[u8]) -> String {
    let mut tls = connect(addr, cred).await.unwrap();
    tls.write_all(bytes).await.unwrap();
    read_answer(&mut tls).await
}
