//! The functions a regex-row expression may call: the xCAT helpers `a2idx`,
//! `a2zidx`, `dim2idx`, `skip`, `ipadd`, `mknum` (documented in xcatdb(5)),
//! `sprintf`, and a few harmless Perl built-ins (`int abs length lc uc ord
//! chr substr hex oct`).  Unknown names are errors.

use super::sprintf::sprintf;
use super::value::{numify, Scalar};

/// Calls function `name` with already evaluated arguments.
pub fn call(name: &str, args: &[Scalar]) -> Result<Scalar, String> {
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Scalar::Str(String::new()));
    let int = |i: usize| args.get(i).map(Scalar::to_int).unwrap_or(0);
    Ok(match name {
        "a2idx" => Scalar::Int(first_char_lc(&arg(0).to_str()) - 96),
        "a2zidx" => Scalar::Int(first_char_lc(&arg(0).to_str()) - 97),
        "dim2idx" => Scalar::Int(dim2idx(args)),
        "skip" => Scalar::Int(skip(int(0), &arg(1).to_str())),
        "ipadd" => Scalar::Str(ipadd(args)?),
        "mknum" => Scalar::Int(arg(0).to_str().bytes().map(i64::from).sum()),
        "sprintf" => {
            let fmt = arg(0).to_str();
            Scalar::Str(sprintf(&fmt, args.get(1..).unwrap_or(&[]))?)
        }
        "int" => Scalar::Int(int(0)),
        "abs" => Scalar::Int(int(0).wrapping_abs()),
        "length" => Scalar::Int(i64::try_from(arg(0).to_str().chars().count()).unwrap_or(0)),
        "lc" => Scalar::Str(arg(0).to_str().to_lowercase()),
        "uc" => Scalar::Str(arg(0).to_str().to_uppercase()),
        "ord" => Scalar::Int(
            arg(0)
                .to_str()
                .chars()
                .next()
                .map_or(0, |c| i64::from(u32::from(c))),
        ),
        "chr" => Scalar::Str(
            u32::try_from(int(0))
                .ok()
                .and_then(char::from_u32)
                .map(String::from)
                .ok_or("chr: bad code point")?,
        ),
        "substr" => Scalar::Str(substr(
            &arg(0).to_str(),
            int(1),
            args.get(2).map(Scalar::to_int),
        )),
        "hex" => Scalar::Int(radix(&arg(0).to_str(), 16)),
        "oct" => Scalar::Int(oct(&arg(0).to_str())),
        _ => return Err(format!("unknown function {name}")),
    })
}

/// True if `name` is callable.
pub fn is_function(name: &str) -> bool {
    matches!(
        name,
        "a2idx"
            | "a2zidx"
            | "dim2idx"
            | "skip"
            | "ipadd"
            | "mknum"
            | "sprintf"
            | "int"
            | "abs"
            | "length"
            | "lc"
            | "uc"
            | "ord"
            | "chr"
            | "substr"
            | "hex"
            | "oct"
    )
}

/// `ord(lc($c))` of the first character (0 for an empty string).
fn first_char_lc(s: &str) -> i64 {
    s.chars()
        .next()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .map_or(0, |c| i64::from(u32::from(c)))
}

/// Dimensions to a 1-based index: alternately add `value-1` and multiply by
/// the next dimension size; stops at the first missing argument.
fn dim2idx(args: &[Scalar]) -> i64 {
    let mut val: i64 = 0;
    let mut multiply = false;
    for a in args {
        let e = a.to_int();
        if multiply {
            val = val.wrapping_mul(e);
        } else {
            val = val.wrapping_add(e.wrapping_sub(1));
        }
        multiply = !multiply;
    }
    val.wrapping_add(1)
}

/// Index with `start[:count],...` values skipped; -1 when the index itself is
/// skipped.  The list is walked in order and stops at the first start above
/// the index.
fn skip(idx: i64, skips: &str) -> i64 {
    let mut val = idx;
    for element in skips.split(',') {
        let mut it = element.splitn(2, ':');
        let start = numify(it.next().unwrap_or(""));
        let count = it.next().map_or(1, numify);
        if idx >= start {
            if idx < start.saturating_add(count) {
                return -1;
            }
            val = val.wrapping_sub(count);
        } else {
            break;
        }
    }
    val
}

/// `ipadd(b1,b2,b3,b4,toadd,skipstart,skipend)`: adds to the last octet,
/// carrying into the third, skipping `skipstart` addresses at the start and
/// `skipend` at the end of each octet.  The first two octets are printed as
/// given.
fn ipadd(args: &[Scalar]) -> Result<String, String> {
    let s = |i: usize| args.get(i).map(Scalar::to_str).unwrap_or_default();
    let n = |i: usize| args.get(i).map(Scalar::to_int).unwrap_or(0);
    let (b3, b4, toadd, skipstart, skipend) = (n(2), n(3), n(4), n(5), n(6));
    let offset = if b4 >= skipstart { b4 - skipstart } else { 0 };
    let span = 256i64.wrapping_sub(skipstart).wrapping_sub(skipend);
    if span == 0 {
        return Err("Illegal division by zero".into());
    }
    let total = offset.wrapping_add(toadd);
    let b3 = b3.wrapping_add(total / span);
    let b4 = (total % span).wrapping_add(skipstart);
    Ok(format!("{}.{}.{}.{}", s(0), s(1), b3, b4))
}

/// Perl `substr(s, offset[, len])` on characters, negative values counting
/// from the end; out of range gives an empty string.
fn substr(s: &str, offset: i64, len: Option<i64>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = i64::try_from(chars.len()).unwrap_or(i64::MAX);
    let start = if offset < 0 { n + offset } else { offset };
    if start < 0 || start > n {
        return String::new();
    }
    let end = match len {
        None => n,
        Some(l) if l < 0 => (n + l).max(start),
        Some(l) => start.saturating_add(l).min(n),
    };
    let (a, b) = (start as usize, end as usize);
    chars
        .get(a..b)
        .map(|c| c.iter().collect())
        .unwrap_or_default()
}

fn radix(s: &str, base: u32) -> i64 {
    let t = s.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    let mut n: i64 = 0;
    for c in t.chars() {
        if c == '_' {
            continue;
        }
        let Some(d) = c.to_digit(base) else { break };
        n = n.wrapping_mul(i64::from(base)).wrapping_add(i64::from(d));
    }
    n
}

fn oct(s: &str) -> i64 {
    let t = s.trim();
    if t.starts_with("0x") || t.starts_with("0X") || t.starts_with('x') {
        radix(t.trim_start_matches('x'), 16)
    } else if let Some(b) = t.strip_prefix("0b").or_else(|| t.strip_prefix('b')) {
        radix(b, 2)
    } else {
        radix(t, 8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i(v: i64) -> Scalar {
        Scalar::Int(v)
    }
    fn s(v: &str) -> Scalar {
        Scalar::Str(v.into())
    }

    #[test]
    fn documented_examples() {
        assert_eq!(call("a2idx", &[s("a")]), Ok(i(1)));
        assert_eq!(call("a2idx", &[s("C")]), Ok(i(3)));
        assert_eq!(call("a2zidx", &[s("b")]), Ok(i(1)));
        assert_eq!(
            call("dim2idx", &[i(2), i(10), i(3), i(8), i(4), i(8), i(5)]),
            Ok(i(797))
        );
        assert_eq!(call("dim2idx", &[s("2"), i(4), s("03")]), Ok(i(7)));
        assert_eq!(call("skip", &[i(10), s("3")]), Ok(i(9)));
        assert_eq!(call("skip", &[i(10), s("3:2")]), Ok(i(8)));
        assert_eq!(call("skip", &[i(10), s("3:2,6")]), Ok(i(7)));
        assert_eq!(call("skip", &[i(3), s("3:2")]), Ok(i(-1)));
        assert_eq!(call("skip", &[i(2), s("3:2")]), Ok(i(2)));
        let ip = |v: &[i64]| call("ipadd", &v.iter().map(|x| i(*x)).collect::<Vec<_>>());
        assert_eq!(ip(&[10, 10, 10, 10, 0, 0, 0]), Ok(s("10.10.10.10")));
        assert_eq!(ip(&[10, 10, 10, 10, 10, 0, 0]), Ok(s("10.10.10.20")));
        assert_eq!(ip(&[10, 10, 10, 10, 245, 0, 0]), Ok(s("10.10.10.255")));
        assert_eq!(ip(&[10, 10, 10, 10, 246, 0, 0]), Ok(s("10.10.11.0")));
        assert_eq!(ip(&[10, 41, 0, 100, 200, 2, 1]), Ok(s("10.41.1.47")));
        assert!(ip(&[1, 1, 1, 1, 1, 128, 128]).is_err());
        assert_eq!(call("mknum", &[s("ab")]), Ok(i(97 + 98)));
        assert_eq!(call("substr", &[s("node12"), i(4)]), Ok(s("12")));
        assert_eq!(call("substr", &[s("node12"), i(-2), i(1)]), Ok(s("1")));
        assert_eq!(call("hex", &[s("ff")]), Ok(i(255)));
        assert!(call("system", &[s("ls")]).is_err());
    }
}
