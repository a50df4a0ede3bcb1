//! A tiny evaluator for the Perl expressions of `|pattern|...(expr)...|` rows,
//! with `use integer` semantics.  Supported: integer and string literals,
//! `$1`..`$N` / `${N}` (captures of the row's pattern on the node name),
//! barewords (Perl without `strict` treats them as strings), calls of the
//! functions in [`super::helpers`], `**`, unary `- + !`, `* / %`, `+ - .`,
//! numeric and string comparisons, `&& ||` and `?:`.  Everything else is an
//! error; the caller then treats the attribute as unset.

use super::helpers;
use super::value::Scalar;

/// Longest expression text evaluated.
const MAX_LEN: usize = 4096;
/// Deepest nesting accepted.
const MAX_DEPTH: usize = 64;

/// Evaluates `text`; `caps[i]` is `$i` (`None` = undefined, reads as "").
pub fn evaluate(text: &str, caps: &[Option<String>]) -> Result<Scalar, String> {
    if text.len() > MAX_LEN {
        return Err("expression too long".into());
    }
    let tokens = lex(text, caps)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let v = p.ternary()?;
    if p.pos != p.tokens.len() {
        return Err(format!("unexpected {:?}", p.tokens[p.pos]));
    }
    Ok(v)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Val(Scalar),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

const OPS: &[&str] = &[
    "**", "==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", ".", "<", ">", "!", "?", ":",
];

fn lex(text: &str, caps: &[Option<String>]) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            // A fractional literal keeps its text; arithmetic truncates it.
            if i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                out.push(Tok::Val(Scalar::Str(chars[start..i].iter().collect())));
            } else {
                let s: String = chars[start..i].iter().collect();
                let v = s
                    .parse::<i64>()
                    .map_err(|_| "number too large".to_string())?;
                out.push(Tok::Val(Scalar::Int(v)));
            }
        } else if c == '$' {
            let (n, next) = capture_ref(&chars, i + 1)?;
            out.push(Tok::Val(Scalar::Str(capture(caps, n))));
            i = next;
        } else if c == '\'' {
            let (s, next) = single_quoted(&chars, i + 1)?;
            out.push(Tok::Val(Scalar::Str(s)));
            i = next;
        } else if c == '"' {
            let (s, next) = double_quoted(&chars, i + 1, caps)?;
            out.push(Tok::Val(Scalar::Str(s)));
            i = next;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let word_op = match word.as_str() {
                "eq" => Some("eq"),
                "ne" => Some("ne"),
                "lt" => Some("lt"),
                "gt" => Some("gt"),
                "le" => Some("le"),
                "ge" => Some("ge"),
                _ => None,
            };
            out.push(match word_op {
                Some(op) => Tok::Op(op),
                None => Tok::Ident(word),
            });
        } else if c == '(' {
            out.push(Tok::LParen);
            i += 1;
        } else if c == ')' {
            out.push(Tok::RParen);
            i += 1;
        } else if c == ',' {
            out.push(Tok::Comma);
            i += 1;
        } else {
            let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let op = OPS
                .iter()
                .find(|op| rest.starts_with(**op))
                .ok_or_else(|| format!("unsupported character {c:?}"))?;
            out.push(Tok::Op(op));
            i += op.chars().count();
        }
    }
    Ok(out)
}

fn capture(caps: &[Option<String>], n: usize) -> String {
    caps.get(n).cloned().flatten().unwrap_or_default()
}

/// `$N` or `${N}` starting after the `$`.
fn capture_ref(chars: &[char], mut i: usize) -> Result<(usize, usize), String> {
    let braced = chars.get(i) == Some(&'{');
    if braced {
        i += 1;
    }
    let start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    if i == start {
        return Err("only $<digits> variables are allowed".into());
    }
    let n: usize = chars[start..i]
        .iter()
        .collect::<String>()
        .parse()
        .map_err(|_| "bad capture number".to_string())?;
    if braced {
        if chars.get(i) != Some(&'}') {
            return Err("unterminated ${".into());
        }
        i += 1;
    }
    Ok((n, i))
}

fn single_quoted(chars: &[char], mut i: usize) -> Result<(String, usize), String> {
    let mut s = String::new();
    while i < chars.len() {
        match chars[i] {
            '\'' => return Ok((s, i + 1)),
            '\\' if matches!(chars.get(i + 1), Some('\'') | Some('\\')) => {
                s.push(chars[i + 1]);
                i += 2;
            }
            c => {
                s.push(c);
                i += 1;
            }
        }
    }
    Err("unterminated string".into())
}

fn double_quoted(
    chars: &[char],
    mut i: usize,
    caps: &[Option<String>],
) -> Result<(String, usize), String> {
    let mut s = String::new();
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok((s, i + 1)),
            '\\' => {
                let e = chars.get(i + 1).ok_or("unterminated string")?;
                s.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    other => *other,
                });
                i += 2;
            }
            '$' => {
                let (n, next) = capture_ref(chars, i + 1)?;
                s.push_str(&capture(caps, n));
                i = next;
            }
            '@' => return Err("arrays are not supported".into()),
            c => {
                s.push(c);
                i += 1;
            }
        }
    }
    Err("unterminated string".into())
}

struct Parser {
    tokens: Vec<Tok>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn peek_op(&self) -> Option<&'static str> {
        match self.peek() {
            Some(Tok::Op(op)) => Some(op),
            _ => None,
        }
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("expression nested too deeply".into());
        }
        Ok(())
    }

    fn ternary(&mut self) -> Result<Scalar, String> {
        self.enter()?;
        let cond = self.logical()?;
        let v = if self.peek_op() == Some("?") {
            self.pos += 1;
            let a = self.ternary()?;
            if self.peek_op() != Some(":") {
                return Err("expected ':'".into());
            }
            self.pos += 1;
            let b = self.ternary()?;
            if cond.truthy() {
                a
            } else {
                b
            }
        } else {
            cond
        };
        self.depth -= 1;
        Ok(v)
    }

    fn logical(&mut self) -> Result<Scalar, String> {
        let mut left = self.equality()?;
        while let Some(op @ ("&&" | "||")) = self.peek_op() {
            self.pos += 1;
            let right = self.equality()?;
            left = match (op, left.truthy()) {
                ("&&", false) | ("||", true) => left,
                _ => right,
            };
        }
        Ok(left)
    }

    fn equality(&mut self) -> Result<Scalar, String> {
        let mut left = self.relational()?;
        while let Some(op @ ("==" | "!=" | "eq" | "ne")) = self.peek_op() {
            self.pos += 1;
            let right = self.relational()?;
            let b = match op {
                "==" => left.to_int() == right.to_int(),
                "!=" => left.to_int() != right.to_int(),
                "eq" => left.to_str() == right.to_str(),
                _ => left.to_str() != right.to_str(),
            };
            left = boolean(b);
        }
        Ok(left)
    }

    fn relational(&mut self) -> Result<Scalar, String> {
        let mut left = self.additive()?;
        while let Some(op @ ("<" | ">" | "<=" | ">=" | "lt" | "gt" | "le" | "ge")) = self.peek_op()
        {
            self.pos += 1;
            let right = self.additive()?;
            let (a, b) = (left.to_int(), right.to_int());
            let (x, y) = (left.to_str(), right.to_str());
            let r = match op {
                "<" => a < b,
                ">" => a > b,
                "<=" => a <= b,
                ">=" => a >= b,
                "lt" => x < y,
                "gt" => x > y,
                "le" => x <= y,
                _ => x >= y,
            };
            left = boolean(r);
        }
        Ok(left)
    }

    fn additive(&mut self) -> Result<Scalar, String> {
        let mut left = self.multiplicative()?;
        while let Some(op @ ("+" | "-" | ".")) = self.peek_op() {
            self.pos += 1;
            let right = self.multiplicative()?;
            left = match op {
                "+" => Scalar::Int(left.to_int().wrapping_add(right.to_int())),
                "-" => Scalar::Int(left.to_int().wrapping_sub(right.to_int())),
                _ => Scalar::Str(left.to_str() + &right.to_str()),
            };
        }
        Ok(left)
    }

    fn multiplicative(&mut self) -> Result<Scalar, String> {
        let mut left = self.unary()?;
        while let Some(op @ ("*" | "/" | "%")) = self.peek_op() {
            self.pos += 1;
            let right = self.unary()?;
            let (a, b) = (left.to_int(), right.to_int());
            left = Scalar::Int(match op {
                "*" => a.wrapping_mul(b),
                _ if b == 0 => return Err("Illegal division by zero".into()),
                "/" => a.wrapping_div(b),
                _ => a.wrapping_rem(b),
            });
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Scalar, String> {
        match self.peek_op() {
            Some("-") => {
                self.pos += 1;
                self.enter()?;
                let v = self.unary()?;
                self.depth -= 1;
                // Perl's unary minus on a bareword string prefixes a '-'.
                Ok(match v {
                    Scalar::Str(s) if s.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                        Scalar::Str(format!("-{s}"))
                    }
                    other => Scalar::Int(other.to_int().wrapping_neg()),
                })
            }
            Some("+") => {
                self.pos += 1;
                self.enter()?;
                let v = self.unary();
                self.depth -= 1;
                v
            }
            Some("!") => {
                self.pos += 1;
                self.enter()?;
                let v = self.unary()?;
                self.depth -= 1;
                Ok(boolean(!v.truthy()))
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Result<Scalar, String> {
        let base = self.primary()?;
        if self.peek_op() == Some("**") {
            self.pos += 1;
            self.enter()?;
            let exp = self.unary()?;
            self.depth -= 1;
            let e = u32::try_from(exp.to_int()).map_err(|_| "negative exponent".to_string())?;
            let v = base.to_int().checked_pow(e).ok_or("exponent overflow")?;
            return Ok(Scalar::Int(v));
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Scalar, String> {
        let tok = self.peek().cloned().ok_or("unexpected end of expression")?;
        self.pos += 1;
        match tok {
            Tok::Val(v) => Ok(v),
            Tok::LParen => {
                let v = if self.peek() == Some(&Tok::RParen) {
                    Scalar::Str(String::new())
                } else {
                    self.ternary()?
                };
                self.expect_rparen()?;
                Ok(v)
            }
            Tok::Ident(name) => {
                if self.peek() == Some(&Tok::LParen) {
                    if !helpers::is_function(&name) {
                        return Err(format!("unknown function {name}"));
                    }
                    self.pos += 1;
                    let args = self.arguments()?;
                    helpers::call(&name, &args)
                } else if helpers::is_function(&name) {
                    Err(format!("{name} needs parentheses"))
                } else {
                    Ok(Scalar::Str(name))
                }
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }

    /// Comma-separated arguments up to the closing parenthesis.
    fn arguments(&mut self) -> Result<Vec<Scalar>, String> {
        let mut args = Vec::new();
        if self.peek() == Some(&Tok::RParen) {
            self.pos += 1;
            return Ok(args);
        }
        loop {
            args.push(self.ternary()?);
            match self.peek() {
                Some(Tok::Comma) => {
                    self.pos += 1;
                    if self.peek() == Some(&Tok::RParen) {
                        self.pos += 1;
                        return Ok(args);
                    }
                }
                Some(Tok::RParen) => {
                    self.pos += 1;
                    return Ok(args);
                }
                _ => return Err("expected ',' or ')'".into()),
            }
        }
    }

    fn expect_rparen(&mut self) -> Result<(), String> {
        if self.peek() == Some(&Tok::RParen) {
            self.pos += 1;
            Ok(())
        } else {
            Err("expected ')'".into())
        }
    }
}

fn boolean(b: bool) -> Scalar {
    if b {
        Scalar::Int(1)
    } else {
        Scalar::Str(String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(text: &str, caps: &[&str]) -> Result<String, String> {
        let mut c: Vec<Option<String>> = vec![None];
        c.extend(caps.iter().map(|s| Some(s.to_string())));
        evaluate(text, &c).map(|v| v.to_str())
    }

    #[test]
    fn integer_semantics() {
        assert_eq!(ev("(($1-1)/14+1)", &["20"]).unwrap(), "2");
        assert_eq!(ev("(($1-1)%14+1)", &["20"]).unwrap(), "6");
        assert_eq!(ev("(-7/2)", &[]).unwrap(), "-3");
        assert_eq!(ev("(-7%3)", &[]).unwrap(), "-1");
        assert_eq!(ev("($1)", &["007"]).unwrap(), "007");
        assert_eq!(ev("($1+0)", &["007"]).unwrap(), "7");
        assert_eq!(ev("(2**10)", &[]).unwrap(), "1024");
        assert_eq!(ev("(2+3*4)", &[]).unwrap(), "14");
        assert_eq!(ev("(10.5+1)", &[]).unwrap(), "11");
        assert_eq!(ev("($1 < 10 ? 'a' : 'b')", &["5"]).unwrap(), "a");
        assert_eq!(ev("(\"x$1\" . 'y')", &["5"]).unwrap(), "x5y");
        assert_eq!(ev("(sprintf('%02d',($1-1)/14+1))", &["20"]).unwrap(), "02");
        assert_eq!(ev("(a2idx('c'))", &[]).unwrap(), "3");
        assert_eq!(ev("node5", &[]).unwrap(), "node5");
        assert_eq!(ev("($2)", &["1"]).unwrap(), "");
    }

    #[test]
    fn rejects_the_unknown() {
        assert!(ev("(system('ls'))", &[]).is_err());
        assert!(ev("(`ls`)", &[]).is_err());
        assert!(ev("($ENV)", &[]).is_err());
        assert!(ev("(1/0)", &[]).is_err());
        assert!(ev("(1;2)", &[]).is_err());
        assert!(ev("((1)", &[]).is_err());
        assert!(ev("(@a)", &[]).is_err());
        assert!(ev(&"(".repeat(500), &[]).is_err());
        assert!(ev("x(1)", &[]).is_err());
    }
}
