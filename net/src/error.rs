//! Errors of the client library.  A premature end of the server's answer is
//! not an error here: it is `SubmitOutcome::Premature`, because the stock
//! client treats it as a normal (if failed) end of a command.

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Credential files missing, unreadable or not PEM.
    #[error("{0}")]
    Credentials(String),
    /// A setting (XCATHOST, XCATSSLVER, ...) that cannot be used.
    #[error("{0}")]
    Config(String),
    /// TCP connection or TLS handshake failed (stock: "Connection failure: ...").
    #[error("{0}")]
    Connect(String),
    /// The server sent a document that is not well-formed XML.
    #[error("invalid response from the xCAT server: {0}")]
    BadResponse(String),
    /// Writing the request failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
