//! The authentication pseudo-requests that precede policy (xCAT-server/sbin/xcatd:2899-2971):
//! `becomeuser` (passwd table, key `xcat`, plain-text match in constant
//! time), `gettoken` and
//! `tokens` ([`crate::tokens`]).  Failures answer "Authentication failure"
//! (errorcode 1) and close the connection, as stock; `gettoken` always closes.

use crate::reply::Tail;
use crate::state::Shared;
use xcat_proto::tree::MapExt;
use xcat_proto::{Map, Request, Response};

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
        Ok(Some(stored)) => !stored.is_empty() && same_secret(&stored, pass),
        Ok(None) => false,
        Err(e) => {
            tracing::error!("passwd table unreadable: {e}");
            false
        }
    }
}

/// Compare secrets in time independent of where they differ (the length
/// of the stored secret may show).
pub fn same_secret(stored: &str, given: &str) -> bool {
    use subtle::ConstantTimeEq;
    stored.as_bytes().ct_eq(given.as_bytes()).into()
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
        let Some((user, pass)) = credentials(req, "gettoken") else {
            return failure();
        };
        if !password_ok(shared, &user, &pass) {
            return failure();
        }
        return match crate::tokens::create(shared, &user) {
            Ok((id, expire)) => {
                let mut token = Map::new();
                token.set("expire", expire);
                token.set("id", id);
                let mut data = Map::new();
                data.push("token", token);
                let mut tail = Tail::with(Response::new().push("data", data));
                tail.close = true;
                Auth::Reply(tail)
            }
            Err(e) => {
                tracing::error!("token not stored: {e}");
                failure()
            }
        };
    }
    if req.map.contains_key("tokens") {
        let id = req
            .map
            .get("tokens")
            .and_then(|v| v.first())
            .and_then(|v| v.as_map())
            .and_then(|m| m.first_text("tokenid"))
            .map(str::to_string);
        match id.and_then(|id| crate::tokens::owner(shared, &id)) {
            Some(user) => name = Some(user),
            None => return failure(),
        }
    }
    Auth::Continue(name)
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("cluster", "cluster"));
        assert!(!same_secret("cluster", "clustex"));
        assert!(!same_secret("cluster", "cluste"));
        assert!(!same_secret("cluster", ""));
    }
}
