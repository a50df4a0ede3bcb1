//! `gettoken` / `tokens` (xCAT-server/sbin/xcatd:2899-2971): tokens live in the `token`
//! table; the id is a random UUID, `expire` is now + `site.tokenexpiredays`
//! days (default 1, `never` allowed), times are stock `time2string` (unpadded
//! local time `Y-M-D h:m:s`); every use updates `access`.  Legacy numeric
//! expiries (seconds since the epoch) are honoured when checking.

use crate::state::Shared;
use crate::store::TokenRow;
use rand::RngCore;

/// Local time of `secs` since the epoch as (Y, M, D, h, m, s).
fn local(secs: i64) -> (i64, i64, i64, i64, i64, i64) {
    let t = xcat_handlers::localtime::local_time(secs);
    (t.year, t.month, t.day, t.hour, t.minute, t.second)
}

/// Stock `time2string`: `2026-11-22 9:5:3` (no zero padding).
pub fn time2string(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = local(secs);
    format!("{y}-{mo}-{d} {h}:{mi}:{s}")
}

fn parse_time(text: &str) -> Option<(i64, i64, i64, i64, i64, i64)> {
    let (date, time) = text.trim().split_once(' ')?;
    let d: Vec<i64> = date
        .split('-')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let t: Vec<i64> = time
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    if d.len() != 3 || t.len() != 3 {
        return None;
    }
    Some((d[0], d[1], d[2], t[0], t[1], t[2]))
}

fn now() -> i64 {
    xcat_handlers::localtime::now_secs()
}

/// Whether a stored `expire` value is still in the future.
pub fn valid(expire: &str, now_secs: i64) -> bool {
    let e = expire.trim();
    if e.eq_ignore_ascii_case("never") {
        return true;
    }
    if let Ok(n) = e.parse::<i64>() {
        return n > now_secs;
    }
    match parse_time(e) {
        Some(t) => t > local(now_secs),
        None => false,
    }
}

fn uuid() -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Create a token for `user`: (id, expire).
pub fn create(shared: &Shared, user: &str) -> Result<(String, String), String> {
    let days = shared
        .store
        .site_value("tokenexpiredays")
        .unwrap_or_else(|| "1".to_string());
    let t = now();
    let expire = if days.trim().eq_ignore_ascii_case("never") {
        "never".to_string()
    } else {
        let d: i64 = days.trim().parse().unwrap_or(1);
        time2string(t + d * 86_400)
    };
    let row = TokenRow {
        tokenid: uuid(),
        username: user.to_string(),
        expire: expire.clone(),
        created: Some(time2string(t)),
        access: None,
    };
    shared
        .store
        .inner()
        .put_token(&row)
        .map_err(|e| e.to_string())?;
    Ok((row.tokenid, expire))
}

/// Characters of an id used to find its row: a non-secret selector.
const SELECTOR_LEN: usize = 8;

/// The owner of a valid token (updating its `access` time).
///
/// The id is a secret: rows are found by its first [`SELECTOR_LEN`]
/// characters (32 of the UUID's 122 random bits), and the full ids are
/// compared in constant time here, so neither the database index nor this
/// process leaks how much of a guess was right.  Ids that are not hex
/// digits and dashes (stock ids are UUIDs) never match.
pub fn owner(shared: &Shared, id: &str) -> Option<String> {
    use subtle::ConstantTimeEq;
    let well_formed =
        id.len() > SELECTOR_LEN && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    if !well_formed {
        return None;
    }
    let candidates = shared
        .store
        .inner()
        .tokens_by_selector(&id[..SELECTOR_LEN])
        .ok()?;
    let mut found = None;
    for c in candidates {
        if bool::from(c.tokenid.as_bytes().ct_eq(id.as_bytes())) {
            found = Some((c.username, c.expire));
        }
    }
    let (user, expire) = found?;
    let t = now();
    if !valid(&expire, t) {
        return None;
    }
    let row = TokenRow {
        tokenid: id.to_string(),
        username: user.clone(),
        expire,
        created: None,
        access: Some(time2string(t)),
    };
    if let Err(e) = shared.store.inner().put_token(&row) {
        tracing::warn!("token access time not recorded: {e}");
    }
    Some(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_rules() {
        let t = now();
        assert!(valid("never", t));
        assert!(valid(&time2string(t + 3600), t));
        assert!(!valid(&time2string(t - 3600), t));
        assert!(valid(&(t + 10).to_string(), t));
        assert!(!valid("garbage", t));
        assert_eq!(uuid().len(), 36);
        assert_unpadded(&time2string(t));
        // A fixed instant, 2026-1-2 1:4:5 in UTC: month, day and time all one digit
        // there (the clock's own time only tested this by chance, and failed between
        // 00:00 and 00:59 when the check looked for " 0").
        assert_unpadded(&time2string(1_767_315_845));
    }

    /// Each number of a `time2string` text is written without leading zeros.
    fn assert_unpadded(text: &str) {
        for field in text.split(['-', ' ', ':']) {
            let n: i64 = field.parse().unwrap_or_else(|_| panic!("{text}"));
            assert_eq!(field, n.to_string(), "{text}");
        }
    }
}
