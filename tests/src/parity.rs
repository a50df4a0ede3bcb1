//! Stock command sequences as data: the parser of `tests/parity/*.txt`.
//!
//! Each file holds cases taken from xCAT's own autotest cases
//! (`xCAT-test/autotest/testcase/<command>/cases*`, case names kept): the
//! command lines and what stock prints, written down as facts in this
//! project's own words.  `tests/tests/parity.rs` runs them against the real
//! daemon through our client.
//!
//! Format, one directive per line (`#` starts a comment line):
//!
//! ```text
//! case NAME            start a case (ends at `end`)
//! stdin TEXT           stdin of the next `run` (`\n` and `\t` escapes)
//! run ARGV...          run a command (words split as a POSIX shell would)
//! rc 0 | rc !0 | rc N  the exit code
//! has TEXT             stdout or stderr contains TEXT
//! lacks TEXT           neither contains TEXT
//! stdout| LINE         the exact stdout, one line per directive
//! stderr| LINE         the exact stderr, one line per directive
//! end
//! ```

/// What the exit code must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rc {
    Is(i32),
    NotZero,
}

/// One command and what it must print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Step {
    pub argv: Vec<String>,
    pub stdin: Option<String>,
    pub rc: Option<Rc>,
    pub has: Vec<String>,
    pub lacks: Vec<String>,
    /// Exact stdout / stderr when given (lines joined with `\n`, trailing `\n`).
    pub stdout: Option<String>,
    pub stderr: Option<String>,
}

/// A named sequence of steps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Case {
    pub name: String,
    pub steps: Vec<Step>,
}

fn unescape(s: &str) -> String {
    s.replace("\\n", "\n").replace("\\t", "\t")
}

fn push_line(slot: &mut Option<String>, line: &str) {
    let text = slot.get_or_insert_with(String::new);
    text.push_str(line);
    text.push('\n');
}

/// Parse one file; errors name the line.
pub fn parse(text: &str) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    let mut case: Option<Case> = None;
    let mut stdin: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (word, rest) = line.split_once([' ', '|']).unwrap_or((line, ""));
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        if word == "case" {
            if case.is_some() {
                return Err(format!("line {n}: case inside a case"));
            }
            case = Some(Case {
                name: rest.to_string(),
                steps: Vec::new(),
            });
            continue;
        }
        let Some(c) = case.as_mut() else {
            return Err(format!("line {n}: '{word}' outside a case"));
        };
        let last = c.steps.last_mut();
        match (word, last) {
            ("end", _) => cases.extend(case.take()),
            ("stdin", _) => stdin = Some(unescape(rest)),
            ("run", _) => {
                let argv = shlex::split(rest).ok_or(format!("line {n}: bad quoting"))?;
                c.steps.push(Step {
                    argv,
                    stdin: stdin.take(),
                    ..Step::default()
                });
            }
            ("rc", Some(s)) => {
                s.rc = Some(match rest {
                    "!0" => Rc::NotZero,
                    v => Rc::Is(v.parse().map_err(|_| format!("line {n}: bad rc"))?),
                })
            }
            ("has", Some(s)) => s.has.push(rest.to_string()),
            ("lacks", Some(s)) => s.lacks.push(rest.to_string()),
            ("stdout", Some(s)) => push_line(&mut s.stdout, rest),
            ("stderr", Some(s)) => push_line(&mut s.stderr, rest),
            (w, _) => return Err(format!("line {n}: '{w}' is not a directive here")),
        }
    }
    if case.is_some() {
        return Err("a case has no 'end'".into());
    }
    Ok(cases)
}

/// What differs between a step's expectations and what was printed.
pub fn differences(step: &Step, stdout: &str, stderr: &str, rc: i32) -> Vec<String> {
    let mut d = Vec::new();
    match &step.rc {
        Some(Rc::Is(want)) if *want != rc => d.push(format!("rc {rc}, want {want}")),
        Some(Rc::NotZero) if rc == 0 => d.push("rc 0, want non-zero".into()),
        _ => {}
    }
    let both = format!("{stdout}{stderr}");
    for h in &step.has {
        if !both.contains(h.as_str()) {
            d.push(format!("output lacks {h:?}: {both:?}"));
        }
    }
    for l in &step.lacks {
        if both.contains(l.as_str()) {
            d.push(format!("output has {l:?}: {both:?}"));
        }
    }
    if let Some(want) = &step.stdout {
        if want != stdout {
            d.push(format!("stdout {stdout:?}, want {want:?}"));
        }
    }
    if let Some(want) = &step.stderr {
        if want != stderr {
            d.push(format!("stderr {stderr:?}, want {want:?}"));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_with_every_directive() {
        let text = "# c\ncase x\nstdin a:\\n  b=1\nrun mkdef -z 'q w'\nrc !0\nhas A\nlacks B\nstdout| one\nstdout| \nstderr| Error: e\nend\n";
        let cases = parse(text).expect("parse");
        let s = &cases[0].steps[0];
        assert_eq!(s.argv, ["mkdef", "-z", "q w"]);
        assert_eq!(s.stdin.as_deref(), Some("a:\n  b=1"));
        assert_eq!(s.rc, Some(Rc::NotZero));
        assert_eq!(s.stdout.as_deref(), Some("one\n\n"));
        assert_eq!(s.stderr.as_deref(), Some("Error: e\n"));
        assert_eq!(
            differences(s, "one\n\n", "Error: e\n", 1),
            ["output lacks \"A\": \"one\\n\\nError: e\\n\""]
        );
        assert_eq!(differences(s, "one\n\nA", "Error: e\n", 2).len(), 1);
        assert!(parse("run x\n").is_err());
        assert!(parse("case a\nrun x\n").is_err());
    }
}
