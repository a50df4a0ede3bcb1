//! xCAT client library: builds requests, talks TLS with the stock certificates,
//! reads and prints responses exactly as the stock Perl client does.
