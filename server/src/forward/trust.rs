//! Internal request fields (xCAT-server/sbin/xcatd:2267-2493) are honoured only from
//! trusted peers: the MN's and service nodes' server certificates, or any
//! name a `trusted` policy row names.  Stock honours them from anyone, so a
//! plain user could send `_xcatpreprocessed=1` and skip a handler's
//! preprocessing (its checks and its split per service node).  From an
//! untrusted peer a forwarded part is refused and the other internal
//! fields are dropped.

use xcat_proto::Request;

/// Set by the dispatching daemon on a forwarded part.
pub const PREPROCESSED: &str = "_xcatpreprocessed";
/// Internal fields an untrusted caller's request loses.
pub const INTERNAL_FIELDS: &[&str] = &["_xcatdest", "_modname", "_xcatdelay"];

/// The refusal sent to an untrusted peer's forwarded part.
pub const REFUSAL: &str =
    "Permission denied for request: forwarded (_xcatpreprocessed) requests are accepted only from trusted peers";

/// Whether the request claims to be a part forwarded by another xcatd.
pub fn is_forwarded(req: &Request) -> bool {
    req.get(PREPROCESSED) == Some("1")
}

/// `Err(REFUSAL)` for a forwarded part from an untrusted peer; otherwise
/// drops the internal fields from an untrusted peer's request.
pub fn screen(req: &mut Request, trusted: bool) -> Result<(), &'static str> {
    if trusted {
        return Ok(());
    }
    if is_forwarded(req) {
        return Err(REFUSAL);
    }
    req.remove(PREPROCESSED);
    for field in INTERNAL_FIELDS {
        req.remove(field);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_peers_lose_internal_fields() {
        let mut r = Request::new("rpower");
        r.set("_xcatdest", "sn1");
        r.set("_modname", "ipmi");
        assert!(screen(&mut r.clone(), true).is_ok());
        screen(&mut r, false).unwrap();
        assert_eq!(r.get("_xcatdest"), None);
        assert_eq!(r.get("_modname"), None);
        r.set(PREPROCESSED, "1");
        assert_eq!(screen(&mut r, false), Err(REFUSAL));
        let mut t = r.clone();
        assert!(screen(&mut t, true).is_ok());
        assert_eq!(t.get(PREPROCESSED), Some("1"));
    }
}
