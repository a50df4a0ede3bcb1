//! The `sprintf` subset available to regex-row arithmetic: `%d %i %u %s %c
//! %x %X %o %b %%` with the flags `- + space 0 #`, a width and a precision
//! (`*` allowed for both).  Anything else is an error, never a panic.

use super::value::Scalar;

/// Largest width or precision accepted (keeps a hostile row from allocating).
const MAX_WIDTH: usize = 4096;

type Chars<'f> = std::iter::Peekable<std::str::Chars<'f>>;

/// Formats `args` with the Perl-style `fmt`.
pub fn sprintf(fmt: &str, args: &[Scalar]) -> Result<String, String> {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let spec = Directive::read(&mut chars, &mut args)?;
        let conv = chars.next().ok_or("sprintf: incomplete format")?;
        let body = match conv {
            '%' => "%".to_string(),
            'd' | 'i' | 'u' => spec.decimal(next_arg(&mut args).to_int()),
            'x' | 'X' | 'o' | 'b' | 'B' => spec.radix(conv, next_arg(&mut args).to_int()),
            's' => {
                let mut s = next_arg(&mut args).to_str();
                if let Some(p) = spec.precision {
                    s = s.chars().take(p).collect();
                }
                pad(&s, spec.width, spec.left, ' ')
            }
            'c' => {
                let v = next_arg(&mut args).to_int();
                let ch = u32::try_from(v)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or("sprintf: bad %c value")?;
                pad(&ch.to_string(), spec.width, spec.left, ' ')
            }
            other => return Err(format!("sprintf: unsupported conversion %{other}")),
        };
        out.push_str(&body);
    }
    Ok(out)
}

/// The flags, width and precision of one `%` directive.
struct Directive {
    left: bool,
    plus: bool,
    space: bool,
    zero: bool,
    alt: bool,
    width: usize,
    precision: Option<usize>,
}

impl Directive {
    /// Read what follows `%` up to the conversion letter (`*` takes an argument).
    fn read<'a>(
        chars: &mut Chars<'_>,
        args: &mut impl Iterator<Item = &'a Scalar>,
    ) -> Result<Directive, String> {
        let mut d = Directive {
            left: false,
            plus: false,
            space: false,
            zero: false,
            alt: false,
            width: 0,
            precision: None,
        };
        while let Some(&f) = chars.peek() {
            match f {
                '-' => d.left = true,
                '+' => d.plus = true,
                ' ' => d.space = true,
                '0' => d.zero = true,
                '#' => d.alt = true,
                _ => break,
            }
            chars.next();
        }
        let mut width = read_count(chars, args)?;
        if let Some(w) = width {
            if w < 0 {
                d.left = true;
                width = Some(-w);
            }
        }
        let mut precision = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            precision = Some(read_count(chars, args)?.unwrap_or(0).max(0));
        }
        d.width = usize::try_from(width.unwrap_or(0)).unwrap_or(0);
        d.precision = precision.and_then(|p| usize::try_from(p).ok());
        if d.width > MAX_WIDTH || d.precision.unwrap_or(0) > MAX_WIDTH {
            return Err("sprintf width too large".into());
        }
        Ok(d)
    }

    /// `%d %i %u`.
    fn decimal(&self, v: i64) -> String {
        let mut digits = v.unsigned_abs().to_string();
        if let Some(p) = self.precision {
            digits = pad_left(&digits, p, '0');
        }
        let sign = if v < 0 {
            "-"
        } else if self.plus {
            "+"
        } else if self.space {
            " "
        } else {
            ""
        };
        self.number(sign, "", digits)
    }

    /// `%x %X %o %b %B`.
    fn radix(&self, conv: char, v: i64) -> String {
        // Perl formats negative values as their 64-bit two's complement.
        let v = v as u64;
        let (mut digits, prefix) = match conv {
            'x' => (format!("{v:x}"), "0x"),
            'X' => (format!("{v:X}"), "0X"),
            'o' => (format!("{v:o}"), "0"),
            'b' => (format!("{v:b}"), "0b"),
            _ => (format!("{v:b}"), "0B"),
        };
        if let Some(p) = self.precision {
            digits = pad_left(&digits, p, '0');
        }
        let prefix = if self.alt && v != 0 && !(conv == 'o' && digits.starts_with('0')) {
            prefix
        } else {
            ""
        };
        self.number("", prefix, digits)
    }

    fn number(&self, sign: &str, prefix: &str, digits: String) -> String {
        Num {
            sign,
            prefix,
            digits,
            zero_ok: self.precision.is_none(),
        }
        .render(self.width, self.left, self.zero)
    }
}

/// A formatted number before padding.
struct Num<'a> {
    sign: &'a str,
    prefix: &'a str,
    digits: String,
    /// `0` flag applies (Perl ignores it when a precision is given).
    zero_ok: bool,
}

impl Num<'_> {
    fn render(self, width: usize, left: bool, zero: bool) -> String {
        let len = self.sign.len() + self.prefix.len() + self.digits.len();
        if zero && !left && self.zero_ok && len < width {
            let zeros = "0".repeat(width - len);
            format!("{}{}{}{}", self.sign, self.prefix, zeros, self.digits)
        } else {
            pad(
                &format!("{}{}{}", self.sign, self.prefix, self.digits),
                width,
                left,
                ' ',
            )
        }
    }
}

fn next_arg<'a>(args: &mut impl Iterator<Item = &'a Scalar>) -> Scalar {
    args.next().cloned().unwrap_or(Scalar::Str(String::new()))
}

fn read_count<'a>(
    chars: &mut Chars<'_>,
    args: &mut impl Iterator<Item = &'a Scalar>,
) -> Result<Option<i64>, String> {
    if chars.peek() == Some(&'*') {
        chars.next();
        return Ok(Some(next_arg(args).to_int()));
    }
    let mut n: Option<i64> = None;
    while let Some(&d) = chars.peek() {
        let Some(v) = d.to_digit(10) else { break };
        n = Some(
            n.unwrap_or(0)
                .saturating_mul(10)
                .saturating_add(i64::from(v)),
        );
        chars.next();
    }
    Ok(n)
}

fn pad_left(s: &str, width: usize, fill: char) -> String {
    let len = s.chars().count();
    if len >= width {
        return s.to_string();
    }
    let mut out = fill.to_string().repeat(width - len);
    out.push_str(s);
    out
}

fn pad(s: &str, width: usize, left: bool, fill: char) -> String {
    let len = s.chars().count();
    if len >= width {
        return s.to_string();
    }
    let fillers = fill.to_string().repeat(width - len);
    if left {
        format!("{s}{fillers}")
    } else {
        format!("{fillers}{s}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(fmt: &str, args: &[Scalar]) -> String {
        sprintf(fmt, args).unwrap()
    }

    #[test]
    fn common_forms() {
        let i = |v| Scalar::Int(v);
        assert_eq!(f("%02d", &[i(2)]), "02");
        assert_eq!(f("%03d", &[i(-5)]), "-05");
        assert_eq!(f("%5d|%-5d|", &[i(42), i(42)]), "   42|42   |");
        assert_eq!(
            f("%x %X %#x %04x", &[i(255), i(255), i(255), i(10)]),
            "ff FF 0xff 000a"
        );
        assert_eq!(
            f(
                "%s-%3s",
                &[Scalar::Str("a".into()), Scalar::Str("b".into())]
            ),
            "a-  b"
        );
        assert_eq!(f("%d%%", &[Scalar::Str("007".into())]), "7%");
        assert_eq!(f("%.3d", &[i(7)]), "007");
        assert_eq!(f("%o %b", &[i(8), i(5)]), "10 101");
        assert_eq!(f("%*d", &[i(4), i(7)]), "   7");
        assert!(sprintf("%f", &[i(1)]).is_err());
        assert!(sprintf("%99999d", &[i(1)]).is_err());
    }
}
