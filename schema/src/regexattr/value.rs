//! Perl-like scalar values for the regex-row arithmetic: a value is either an
//! integer or a string, strings numify the Perl way and integers stringify in
//! decimal.  Only what the `(...)` expressions of regex rows need.

/// One scalar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scalar {
    Int(i64),
    Str(String),
}

impl Scalar {
    /// Perl numification truncated to an integer (`use integer`): leading
    /// white space, optional sign, digits; anything else stops the number;
    /// a string without leading digits is 0.
    pub fn to_int(&self) -> i64 {
        match self {
            Scalar::Int(i) => *i,
            Scalar::Str(s) => numify(s),
        }
    }

    /// Perl stringification.
    pub fn to_str(&self) -> String {
        match self {
            Scalar::Int(i) => i.to_string(),
            Scalar::Str(s) => s.clone(),
        }
    }

    /// Perl truthiness: `""`, `"0"` and 0 are false.
    pub fn truthy(&self) -> bool {
        match self {
            Scalar::Int(i) => *i != 0,
            Scalar::Str(s) => !(s.is_empty() || s == "0"),
        }
    }
}

/// Leading-number parse of a string (see [`Scalar::to_int`]); saturates on
/// overflow instead of wrapping.
pub fn numify(s: &str) -> i64 {
    let t = s.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut n: i64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            break;
        }
        n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if neg {
        -n
    } else {
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numify_like_perl() {
        assert_eq!(numify("007"), 7);
        assert_eq!(numify("  -12abc"), -12);
        assert_eq!(numify("abc"), 0);
        assert_eq!(numify("2.9"), 2);
        assert_eq!(numify(""), 0);
    }
}
