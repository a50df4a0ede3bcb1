//! The authentication pseudo-requests that precede policy (protocol.md §5a):
//! `becomeuser` (passwd table, key `xcat`, plain-text match), `gettoken` and
//! `tokens`.  Tokens are not implemented yet: they are answered with the stock
//! "Authentication failure" and the connection closes, as stock does on
//! failure.

use crate::dispatch::Tail;
use crate::state::Shared;
use xcat_proto::tree::MapExt;
use xcat_proto::{Request, Response};

pub enum Auth {
    /// Go on to policy with this peer name.
    Continue(Option<String>),
    /// Answer with this document + serverdone.
    Reply(Tail),
}

fn failure() -> Auth {
    let mut tail = Tail::with(Response::new().error("Authentication failure"));
    tail.close = true;
    Auth::Reply(tail)
}

/// `{username, password}` of a `becomeuser` / `gettoken` element.
fn credentials(req: &Request, key: &str) -> Option<(String, String)> {
    let m = req.map.get(key)?.first()?.as_map()?;
    let user = m.first_text("username")?.to_string();
    let pass = m.first_text("password").unwrap_or("").to_string();
    Some((user, pass))
}

fn password_ok(shared: &Shared, user: &str, pass: &str) -> bool {
    match shared.store.inner().xcat_password(user) {
        // Stock also accepts crypt(3) hashes; only plain-text rows match here.
        Ok(Some(stored)) => !stored.is_empty() && stored == pass,
        Ok(None) => false,
        Err(e) => {
            tracing::error!("passwd table unreadable: {e}");
            false
        }
    }
}

pub fn authenticate(shared: &Shared, req: &mut Request, peer_name: Option<String>) -> Auth {
    let mut name = peer_name;
    if req.map.contains_key("becomeuser") {
        match credentials(req, "becomeuser") {
            Some((user, pass)) if password_ok(shared, &user, &pass) => name = Some(user),
            _ => return failure(),
        }
        req.remove("becomeuser");
    }
    if req.map.contains_key("gettoken") {
        tracing::warn!("gettoken requested: token authentication is not implemented");
        return failure();
    }
    if req.map.contains_key("tokens") {
        tracing::warn!("token authentication requested: not implemented");
        return failure();
    }
    Auth::Continue(name)
}
