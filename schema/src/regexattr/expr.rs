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
#[cfg(test)]
pub fn evaluate(text: &str, caps: &[Option<&str>]) -> Result<Scalar, String> {
    compile(text)?.eval(caps)
}

/// Parses `text` once; the result can be evaluated for many nodes.
pub fn compile(text: &str) -> Result<Expr, String> {
    if text.len() > MAX_LEN {
        return Err("expression too long".into());
    }
    let tokens = lex(text)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let e = p.ternary()?;
    if p.pos != p.tokens.len() {
        return Err(format!("unexpected {:?}", p.tokens[p.pos]));
    }
    Ok(e)
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Lit(Scalar),
    /// `$N`
    Cap(usize),
    /// A double-quoted string with `$N` interpolations.
    Interp(Vec<Part>),
    Neg(Box<Expr>),
    Plus(Box<Expr>),
    Not(Box<Expr>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

/// Piece of an interpolated string.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    Cap(usize),
}

impl Expr {
    /// Evaluates with the captures `caps` (`caps[i]` = `$i`).
    pub fn eval(&self, caps: &[Option<&str>]) -> Result<Scalar, String> {
        Ok(match self {
            Expr::Lit(v) => v.clone(),
            Expr::Cap(n) => Scalar::Str(capture(caps, *n)),
            Expr::Interp(parts) => Scalar::Str(
                parts
                    .iter()
                    .map(|p| match p {
                        Part::Text(t) => t.clone(),
                        Part::Cap(n) => capture(caps, *n),
                    })
                    .collect(),
            ),
            // Perl's unary minus on a bareword-like string prefixes a '-'.
            Expr::Neg(e) => match e.eval(caps)? {
                Scalar::Str(s) if s.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                    Scalar::Str(format!("-{s}"))
                }
                other => Scalar::Int(other.to_int().wrapping_neg()),
            },
            Expr::Plus(e) => e.eval(caps)?,
            Expr::Not(e) => boolean(!e.eval(caps)?.truthy()),
            Expr::Cond(c, a, b) => {
                if c.eval(caps)?.truthy() {
                    a.eval(caps)?
                } else {
                    b.eval(caps)?
                }
            }
            Expr::Call(name, args) => {
                let vals = args
                    .iter()
                    .map(|a| a.eval(caps))
                    .collect::<Result<Vec<_>, _>>()?;
                helpers::call(name, &vals)?
            }
            Expr::Bin(op, l, r) => {
                let left = l.eval(caps)?;
                match *op {
                    "&&" if !left.truthy() => return Ok(left),
                    "||" if left.truthy() => return Ok(left),
                    "&&" | "||" => return r.eval(caps),
                    _ => {}
                }
                binary(op, left, r.eval(caps)?)?
            }
        })
    }
}

fn binary(op: &str, left: Scalar, right: Scalar) -> Result<Scalar, String> {
    let (a, b) = (left.to_int(), right.to_int());
    Ok(match op {
        "+" => Scalar::Int(a.wrapping_add(b)),
        "-" => Scalar::Int(a.wrapping_sub(b)),
        "*" => Scalar::Int(a.wrapping_mul(b)),
        "/" | "%" if b == 0 => return Err("Illegal division by zero".into()),
        "/" => Scalar::Int(a.wrapping_div(b)),
        "%" => Scalar::Int(a.wrapping_rem(b)),
        "**" => {
            let e = u32::try_from(b).map_err(|_| "negative exponent".to_string())?;
            Scalar::Int(a.checked_pow(e).ok_or("exponent overflow")?)
        }
        "." => Scalar::Str(left.to_str() + &right.to_str()),
        "==" => boolean(a == b),
        "!=" => boolean(a != b),
        "<" => boolean(a < b),
        ">" => boolean(a > b),
        "<=" => boolean(a <= b),
        ">=" => boolean(a >= b),
        "eq" => boolean(left.to_str() == right.to_str()),
        "ne" => boolean(left.to_str() != right.to_str()),
        "lt" => boolean(left.to_str() < right.to_str()),
        "gt" => boolean(left.to_str() > right.to_str()),
        "le" => boolean(left.to_str() <= right.to_str()),
        "ge" => boolean(left.to_str() >= right.to_str()),
        other => return Err(format!("unsupported operator {other}")),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Val(Scalar),
    Cap(usize),
    Interp(Vec<Part>),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

const OPS: &[&str] = &[
    "**", "==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", ".", "<", ">", "!", "?", ":",
];

fn lex(text: &str) -> Result<Vec<Tok>, String> {
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
            out.push(Tok::Cap(n));
            i = next;
        } else if c == '\'' {
            let (s, next) = single_quoted(&chars, i + 1)?;
            out.push(Tok::Val(Scalar::Str(s)));
            i = next;
        } else if c == '"' {
            let (parts, next) = double_quoted(&chars, i + 1)?;
            out.push(Tok::Interp(parts));
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

fn capture(caps: &[Option<&str>], n: usize) -> String {
    caps.get(n)
        .copied()
        .flatten()
        .unwrap_or_default()
        .to_string()
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

fn double_quoted(chars: &[char], mut i: usize) -> Result<(Vec<Part>, usize), String> {
    let mut parts = Vec::new();
    let mut text = String::new();
    while i < chars.len() {
        match chars[i] {
            '"' => {
                if !text.is_empty() {
                    parts.push(Part::Text(text));
                }
                return Ok((parts, i + 1));
            }
            '\\' => {
                let e = chars.get(i + 1).ok_or("unterminated string")?;
                text.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    other => *other,
                });
                i += 2;
            }
            '$' => {
                let (n, next) = capture_ref(chars, i + 1)?;
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(Part::Cap(n));
                i = next;
            }
            '@' => return Err("arrays are not supported".into()),
            c => {
                text.push(c);
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

type Parsed = Result<Expr, String>;

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

    fn ternary(&mut self) -> Parsed {
        self.enter()?;
        let cond = self.binary_level(0)?;
        let e = if self.peek_op() == Some("?") {
            self.pos += 1;
            let a = self.ternary()?;
            if self.peek_op() != Some(":") {
                return Err("expected ':'".into());
            }
            self.pos += 1;
            let b = self.ternary()?;
            Expr::Cond(Box::new(cond), Box::new(a), Box::new(b))
        } else {
            cond
        };
        self.depth -= 1;
        Ok(e)
    }

    /// Left-associative binary levels, loosest first.
    fn binary_level(&mut self, level: usize) -> Parsed {
        const LEVELS: &[&[&str]] = &[
            &["&&", "||"],
            &["==", "!=", "eq", "ne"],
            &["<", ">", "<=", ">=", "lt", "gt", "le", "ge"],
            &["+", "-", "."],
            &["*", "/", "%"],
        ];
        let Some(ops) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut left = self.binary_level(level + 1)?;
        while let Some(op) = self.peek_op().filter(|op| ops.contains(op)) {
            self.pos += 1;
            let right = self.binary_level(level + 1)?;
            left = Expr::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Parsed {
        let wrap: fn(Box<Expr>) -> Expr = match self.peek_op() {
            Some("-") => Expr::Neg,
            Some("+") => Expr::Plus,
            Some("!") => Expr::Not,
            _ => return self.power(),
        };
        self.pos += 1;
        self.enter()?;
        let e = self.unary()?;
        self.depth -= 1;
        Ok(wrap(Box::new(e)))
    }

    fn power(&mut self) -> Parsed {
        let base = self.primary()?;
        if self.peek_op() == Some("**") {
            self.pos += 1;
            self.enter()?;
            let exp = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Bin("**", Box::new(base), Box::new(exp)));
        }
        Ok(base)
    }

    fn primary(&mut self) -> Parsed {
        let tok = self.peek().cloned().ok_or("unexpected end of expression")?;
        self.pos += 1;
        match tok {
            Tok::Val(v) => Ok(Expr::Lit(v)),
            Tok::Cap(n) => Ok(Expr::Cap(n)),
            Tok::Interp(parts) => Ok(Expr::Interp(parts)),
            Tok::LParen => {
                let e = if self.peek() == Some(&Tok::RParen) {
                    Expr::Lit(Scalar::Str(String::new()))
                } else {
                    self.ternary()?
                };
                self.expect_rparen()?;
                Ok(e)
            }
            Tok::Ident(name) => {
                if self.peek() == Some(&Tok::LParen) {
                    if !helpers::is_function(&name) {
                        return Err(format!("unknown function {name}"));
                    }
                    self.pos += 1;
                    let args = self.arguments()?;
                    Ok(Expr::Call(name, args))
                } else if helpers::is_function(&name) {
                    Err(format!("{name} needs parentheses"))
                } else {
                    // Perl without `strict`: a bareword is a string.
                    Ok(Expr::Lit(Scalar::Str(name)))
                }
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }

    /// Comma-separated arguments up to the closing parenthesis.
    fn arguments(&mut self) -> Result<Vec<Expr>, String> {
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
        let mut c: Vec<Option<&str>> = vec![None];
        c.extend(caps.iter().map(|s| Some(*s)));
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
