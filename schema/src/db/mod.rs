//! Database handle: backend selection, pooled connections, transactions.
//! (Skeleton: the storage work fills this in.)

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0}")]
    Other(String),
}

/// Pooled handle on the xCAT database (cheap to clone).
#[derive(Clone)]
pub struct Db {}
