//! Password redaction for the command log, reproducing the stock rules
//! (`redact_password_arg`, `redact_password_args`, `redact_password` of
//! `xCAT/xcatd.pm`): secret table attributes in `attr=value` arguments,
//! per-command secret options (`bmcdiscover -p`, `mkhwconn -P`, `mkvm -w`, …),
//! per-command value patterns (`rspconfig admin_passwd=…`), `chvm` operand
//! positions, and `site.value` of secret site keys in `tabch`/`chtab`.

use fancy_regex::Regex;
use std::sync::OnceLock;

pub const MASK: &str = "xxxxxxxx";

const SECRET_ATTRIBUTES: &[&str] = &[
    "authkey",
    "bmcpassword",
    "domainadminpassword",
    "iscsipassword",
    "passwd.HMC",
    "passwd.admin",
    "passwd.celogin",
    "passwd.general",
    "passwd.hscroot",
    "password",
    "privkey",
    "snmppassword",
    "snmpc",
    "community",
    "productkey",
    "tokenid",
    "domain.adminpassword",
    "ipmi.password",
    "iscsi.passwd",
    "mpa.password",
    "openbmc.password",
    "passwd.password",
    "pdu.authkey",
    "pdu.community",
    "pdu.password",
    "pdu.privkey",
    "ppcdirect.password",
    "ppchcp.password",
    "prodkey.key",
    "switches.password",
    "switches.sshpassword",
    "token.tokenid",
    "vm.vidpassword",
    "websrv.password",
];

const SECRET_SITE_KEYS: &[&str] = &["snmpc"];

/// The operator part after an attribute name: `=`, `==`, `=~`, `!=`, `!~`, `+=`, `-=`, `,=`, `^=`.
const OP: &str = r"(?:[-+,^!]?=~?|!~)";

fn is_secret(name: &str) -> bool {
    SECRET_ATTRIBUTES.contains(&name)
}

fn command_options(command: &str) -> &'static [&'static str] {
    match command {
        "bmcdiscover" => &["p", "bmcpasswd", "n", "newbmcpw"],
        "switchdiscover" => &["c"],
        "mkhwconn" => &["P"],
        "mkvm" => &["w", "password"],
        "createvcluster" | "lsvcluster" | "rmvcluster" => &["password"],
        _ => &[],
    }
}

fn command_valueopts(command: &str) -> &'static str {
    match command {
        "bmcdiscover" => "smiu",
        "switchdiscover" => "s",
        "mkhwconn" => "psT",
        "mkvm" => "dijlmpqrvz",
        _ => "",
    }
}

fn command_intopts(command: &str) -> &'static str {
    match command {
        "mkvm" => "c",
        _ => "",
    }
}

fn command_operands(command: &str, first: &str) -> &'static [usize] {
    match (command, first) {
        ("chvm", "--setpassword") => &[1],
        ("chvm", "--add3390") | ("chvm", "--add9336") => &[5, 6, 7],
        ("chvm", "--addpagespool") => &[8],
        ("chvm", "--formatdisk") => &[2],
        _ => &[],
    }
}

fn regex(cell: &'static OnceLock<Option<Regex>>, pattern: &str) -> Option<&'static Regex> {
    cell.get_or_init(|| Regex::new(pattern).ok()).as_ref()
}

fn command_pattern(command: &str) -> Option<&'static Regex> {
    static MKVM: OnceLock<Option<Regex>> = OnceLock::new();
    static RSPCONFIG: OnceLock<Option<Regex>> = OnceLock::new();
    match command {
        "mkvm" => regex(&MKVM, r"^(pw=)"),
        "rspconfig" => regex(
            &RSPCONFIG,
            r"^(\*_passwd=|admin_passwd=|HMC_passwd=|general_passwd=|USERID=)",
        ),
        _ => None,
    }
}

/// One `attr=value` argument with a secret attribute → `attr=xxxxxxxx`.
pub fn redact_arg(arg: &str) -> String {
    static LEAD: OnceLock<Option<Regex>> = OnceLock::new();
    static ANY: OnceLock<Option<Regex>> = OnceLock::new();
    if let Some(re) = regex(&LEAD, &format!(r"^\s*([\w.]+)\s*({OP})")) {
        if let Ok(Some(c)) = re.captures(arg) {
            if let (Some(name), Some(op)) = (c.get(1), c.get(2)) {
                if is_secret(name.as_str()) {
                    return format!("{}{}{MASK}", name.as_str(), op.as_str());
                }
            }
        }
    }
    if let Some(re) = regex(&ANY, &format!(r"(?<![\w.])([\w.]+)\s*{OP}")) {
        for c in re.captures_iter(arg).flatten() {
            if let (Some(whole), Some(name)) = (c.get(0), c.get(1)) {
                if is_secret(name.as_str()) {
                    return format!("{}{MASK}", &arg[..whole.end()]);
                }
            }
        }
    }
    arg.to_string()
}

fn lower_if(nocase: bool, c: char) -> char {
    if nocase {
        c.to_ascii_lowercase()
    } else {
        c
    }
}

/// Redact the argument list of `command`; returns the new list and whether
/// anything changed.
pub fn redact_args(command: &str, args: &[&str]) -> (Vec<String>, bool) {
    let options = command_options(command);
    let nocase = command == "mkvm";
    let letters: String = options
        .iter()
        .filter(|o| o.len() == 1)
        .map(|o| {
            if nocase {
                o.to_ascii_lowercase()
            } else {
                o.to_string()
            }
        })
        .collect();
    let longnames: Vec<&str> = options.iter().copied().filter(|o| o.len() > 1).collect();
    let valueopts = command_valueopts(command);
    let intopts = command_intopts(command);
    let pattern = command_pattern(command);
    let operands = args
        .first()
        .map(|a| command_operands(command, a))
        .unwrap_or(&[]);
    let sitevalue = (command == "tabch" || command == "chtab")
        && args.iter().any(|a| {
            a.split(',').any(|sel| {
                let key = sel.strip_prefix("site.").unwrap_or(sel);
                key.strip_prefix("key=")
                    .filter(|k| {
                        !k.is_empty()
                            && k.chars()
                                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
                    })
                    .is_some_and(|k| SECRET_SITE_KEYS.contains(&k))
            })
        });
    static LONGOPT: OnceLock<Option<Regex>> = OnceLock::new();
    static SITEVAL: OnceLock<Option<Regex>> = OnceLock::new();
    let longopt = regex(&LONGOPT, r"(?s)^(-{1,2}|\+)([A-Za-z]+)(=?)(.*)$");
    let siteval = regex(&SITEVAL, &format!(r"(?s)^(site\.value\s*{OP}\s*)"));

    let mut out = Vec::with_capacity(args.len());
    let mut changed = false;
    let mut pending = false;
    for (index, &arg) in args.iter().enumerate() {
        if pending {
            pending = false;
            changed = true;
            out.push(MASK.to_string());
            continue;
        }
        if operands.contains(&index) {
            changed = true;
            out.push(MASK.to_string());
            continue;
        }
        let mut masked: Option<String> = None;
        if let Some(re) = longopt {
            if let Ok(Some(c)) = re.captures(arg) {
                let intro = c.get(1).map(|m| m.as_str()).unwrap_or("");
                let name = c.get(2).map(|m| m.as_str()).unwrap_or("");
                let eq = c.get(3).map(|m| m.as_str()).unwrap_or("");
                let rest = c.get(4).map(|m| m.as_str()).unwrap_or("");
                for long in &longnames {
                    if !long.starts_with(&name.to_ascii_lowercase()) {
                        continue;
                    }
                    if name.len() == 1 {
                        let short = if nocase {
                            name.to_ascii_lowercase()
                        } else {
                            name.to_string()
                        };
                        if valueopts.contains(short.as_str()) {
                            continue;
                        }
                    }
                    if !eq.is_empty() {
                        masked = Some(format!("{intro}{name}{eq}{MASK}"));
                        break;
                    }
                    if rest.is_empty() {
                        pending = true;
                        break;
                    }
                }
            }
        }
        if !pending && masked.is_none() && !letters.is_empty() {
            let chars: Vec<char> = arg.chars().collect();
            if chars.len() >= 3
                && chars[0] == '-'
                && chars[1] == '-'
                && chars[2].is_ascii_alphabetic()
            {
                let c = chars[2];
                if letters.contains(lower_if(nocase, c)) {
                    if chars.len() == 3 {
                        pending = true;
                    } else {
                        masked = Some(format!("--{c}{MASK}"));
                    }
                }
            } else if chars.len() >= 2
                && (chars[0] == '-' || chars[0] == '+')
                && (chars[1].is_ascii_alphabetic() || chars[1] == '?')
            {
                let intro = chars[0];
                let body = &chars[1..];
                let len = body.len();
                let mut offset = 0;
                while offset < len {
                    let c = body[offset];
                    if !(c.is_ascii_alphabetic() || c == '?') {
                        break;
                    }
                    if letters.contains(lower_if(nocase, c)) {
                        if offset == len - 1 {
                            pending = true;
                        } else {
                            let kept: String = body[..=offset].iter().collect();
                            masked = Some(format!("{intro}{kept}{MASK}"));
                        }
                        break;
                    }
                    if valueopts.contains(c) {
                        break;
                    }
                    if !intopts.is_empty() && intopts.contains(c) {
                        offset += 1;
                        if offset < len && (body[offset] == '-' || body[offset] == '+') {
                            offset += 1;
                        }
                        while offset < len && (body[offset].is_ascii_digit() || body[offset] == '_')
                        {
                            offset += 1;
                        }
                        continue;
                    }
                    offset += 1;
                }
            }
        }
        if masked.is_none() {
            if let Some(re) = pattern {
                if let Ok(Some(c)) = re.captures(arg) {
                    if let Some(m) = c.get(1) {
                        masked = Some(format!("{}{MASK}", m.as_str()));
                    }
                }
            }
        }
        if masked.is_none() && sitevalue {
            if let Some(re) = siteval {
                if let Ok(Some(c)) = re.captures(arg) {
                    if let Some(m) = c.get(1) {
                        masked = Some(format!("{}{MASK}", m.as_str()));
                    }
                }
            }
        }
        if let Some(m) = masked {
            changed = true;
            out.push(m);
            continue;
        }
        let r = redact_arg(arg);
        if r != arg {
            changed = true;
        }
        out.push(r);
    }
    (out, changed)
}

/// Per secret attribute: the quoted-argument and the rest-of-line patterns.
fn attribute_regexes() -> &'static [(&'static str, Regex, Regex)] {
    static CELL: OnceLock<Vec<(&'static str, Regex, Regex)>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut v = Vec::new();
        for attr in SECRET_ATTRIBUTES {
            let a = fancy_regex::escape(attr);
            let quoted = Regex::new(&format!(r"(^|\s)'({a}\s*{OP}\s*)[^']*'"));
            let trailing = Regex::new(&format!(r"(^|[^\w.])({a}\s*{OP}\s*)(?!{MASK}).*$"));
            if let (Ok(q), Ok(t)) = (quoted, trailing) {
                v.push((*attr, q, t));
            }
        }
        v
    })
}

/// The second pass over the whole `[Request]` line (after quoting): flag
/// values of `bmcdiscover`/`mkhwconn`/`rspconfig` and quoted or trailing
/// `attr=value` of secret attributes.
pub fn redact_request_line(command: &str, parameters: &str) -> String {
    let flags: &[&str] = match command {
        "bmcdiscover" => &["-p ", "-n "],
        "mkhwconn" => &["-P "],
        "rspconfig" => &[
            "admin_passwd=",
            "HMC_passwd=",
            "general_passwd=",
            "*_passwd=",
            "USERID=",
        ],
        _ => &[],
    };
    let mut params = parameters.to_string();
    for flag in flags {
        if let Some(idx) = params.find(flag) {
            let start = idx + flag.len();
            let tail = &params[start..];
            // Perl split(/\s+/) keeps a leading empty field: a value that
            // starts with blanks is "" and nothing is replaced but inserted.
            let passwd: &str = if tail.starts_with(char::is_whitespace) {
                ""
            } else {
                tail.split(char::is_whitespace).next().unwrap_or("")
            };
            let mut replacement = MASK.to_string();
            if passwd.find('\'').is_some_and(|i| i > 0) {
                replacement.push('\'');
            }
            params.replace_range(start..start + passwd.len(), &replacement);
        }
    }
    for (attr, quoted, trailing) in attribute_regexes() {
        if !params.contains(attr) {
            continue;
        }
        params = quoted
            .replace_all(&params, format!("${{1}}'${{2}}{MASK}'"))
            .into_owned();
        params = trailing
            .replace(&params, format!("${{1}}${{2}}{MASK}"))
            .into_owned();
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values() {
        assert_eq!(redact_arg("bmcpassword=abc"), "bmcpassword=xxxxxxxx");
        assert_eq!(redact_arg("groups=all"), "groups=all");
        assert_eq!(redact_arg("passwd.password=x"), "passwd.password=xxxxxxxx");
        assert_eq!(
            redact_arg("key=foo,password=bar"),
            "key=foo,password=xxxxxxxx"
        );
    }

    #[test]
    fn command_options() {
        let (v, ch) = redact_args("bmcdiscover", &["-s", "nmap", "-p", "secret", "-z"]);
        assert!(ch);
        assert_eq!(v, vec!["-s", "nmap", "-p", "xxxxxxxx", "-z"]);
        let (v, _) = redact_args("bmcdiscover", &["--bmcpasswd=abc"]);
        assert_eq!(v, vec!["--bmcpasswd=xxxxxxxx"]);
        let (v, _) = redact_args("mkhwconn", &["-Pabc"]);
        assert_eq!(v, vec!["-Pxxxxxxxx"]);
        let (v, _) = redact_args("rspconfig", &["admin_passwd=a,b"]);
        assert_eq!(v, vec!["admin_passwd=xxxxxxxx"]);
        let (v, _) = redact_args("chvm", &["--setpassword", "pw"]);
        assert_eq!(v, vec!["--setpassword", "xxxxxxxx"]);
        let (v, ch) = redact_args("lsdef", &["-t", "node"]);
        assert!(!ch);
        assert_eq!(v, vec!["-t", "node"]);
        let (v, _) = redact_args("tabch", &["key=snmpc", "site.value=public"]);
        assert_eq!(v, vec!["key=snmpc", "site.value=xxxxxxxx"]);
    }

    #[test]
    fn line_pass() {
        assert_eq!(
            redact_request_line("rspconfig", "n1 'HMC_passwd=123' "),
            "n1 'HMC_passwd=xxxxxxxx' "
        );
        assert_eq!(
            redact_request_line("x", "a password=b c"),
            "a password=xxxxxxxx"
        );
    }
}
