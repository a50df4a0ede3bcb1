//! What a request's processing hands back to the connection: how the answer
//! ends ([`Tail`]) and who the request runs for ([`Caller`]).  Shared by
//! authentication, the built-ins, dispatch and internal requests.

use crate::output::AbortFlag;
use xcat_proto::Response;

/// How a request ends: `doc` is merged with `serverdone`.
#[derive(Debug, Default)]
pub struct Tail {
    pub doc: Response,
    /// Echo the request's `transid` in the final document.
    pub transid: bool,
    /// Close the connection afterwards.
    pub close: bool,
}

impl Tail {
    /// A plain `serverdone` (everything was streamed before).
    pub fn done() -> Tail {
        Tail::with(Response::new())
    }

    pub fn with(doc: Response) -> Tail {
        Tail {
            doc,
            transid: true,
            close: false,
        }
    }
}

/// Who a request runs for, after authentication and policy.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// Certificate CN (or `becomeuser` name): `authcheck` shows it.
    pub auth_name: Option<String>,
    pub peer_host: Option<String>,
    pub privileged: bool,
    pub abort: AbortFlag,
}
