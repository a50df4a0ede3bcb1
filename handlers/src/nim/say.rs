//! The documents every NIM command's handler sends around its server parts:
//! the usage (one [info] line per stock usage line), the `Return=N.` line
//! that carries the exit code, and a list of documents answered on the
//! management node.  Messages within a server part go through
//! [`crate::nim::model::Reply`].

use crate::api::{Aborted, Responder};
use xcat_proto::Response;

/// The usage text, one [info] entry per stock line.
pub fn usage(lines: &[&str]) -> Response {
    lines.iter().fold(Response::new(), |r, l| r.info(*l))
}

/// Stock `Return=<rc>.` with error code `rc`
/// (xCAT-server/lib/xcat/plugins/aixinstall.pm:404-413, 560-577;
/// xCAT-server/lib/xcat/plugins/xcat2nim.pm:172-178).
pub fn return_line(rc: i64) -> Response {
    Response::new()
        .error_text(format!("Return={rc}."))
        .errorcode(rc)
}

/// Send `docs` in order.
pub fn send_all(out: &mut dyn Responder, docs: Vec<Response>) -> Result<(), Aborted> {
    for d in docs {
        out.send(d)?;
    }
    Ok(())
}
