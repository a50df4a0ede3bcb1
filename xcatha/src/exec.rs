//! The step executor.  Every action of a run is one step: a command (through the
//! runner, no shell), a service operation (through the service manager), a file change
//! or a check.  In a dry run each step prints `<step> [Dryrun]` and changes nothing; in a
//! real run it prints `<step> [Passed]` or `<step> [Failed]` (after its retries).  The
//! flows call the same steps in both modes, so a dry run lists what a real run does.
//! A step may also be a request to the local daemon's HA agent (`hastatus WORDS`).
//! Probes (reading state: `hostname`, `ip -o addr show`, …) run in both modes and print
//! nothing.

use crate::env::Env;
use crate::services::ServiceOp;
use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;
use xcat_handlers::runner::{Cmd, Output, Target};

/// Timeout of one command (`makedns -n` on a large cluster takes minutes).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(900);

/// How lines look: xcatha.py's, or the activate-mn / deactivate-mn shell scripts'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Xcatha,
    /// `Running command: …` before each command, `Retry N ...... cmd` between tries.
    Legacy,
}

/// How often a step is tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tries {
    Once,
    /// Up to this many tries with the retry pause between them.
    Retry(u32),
    /// One try; a failure prints `[Failed, OK to ignore]` and counts as success.
    IgnoreFail,
}

pub struct Exec<'a> {
    pub env: &'a Env,
    out: &'a mut dyn Write,
    pub dryrun: bool,
    pub style: Style,
    /// Some step failed (the final line and the exit code say so).
    pub failed: bool,
    /// Service states changed by this run's steps (also in a dry run, so that later
    /// steps see what the earlier ones would have done).
    changed: BTreeMap<String, bool>,
}

impl<'a> Exec<'a> {
    pub fn new(env: &'a Env, out: &'a mut dyn Write, dryrun: bool, style: Style) -> Exec<'a> {
        Exec {
            env,
            out,
            dryrun,
            style,
            failed: false,
            changed: BTreeMap::new(),
        }
    }

    /// Prints one line.
    pub fn say(&mut self, line: &str) {
        let _ = writeln!(self.out, "{line}");
        let _ = self.out.flush();
    }

    /// `===> <title> stage <===`.
    pub fn stage(&mut self, title: &str) {
        self.say(&format!("===> {title} stage <==="));
    }

    /// Runs `cmd` locally (no shell).
    pub fn command(&mut self, cmd: &Cmd, tries: Tries) -> bool {
        let runner = self.env.runner.clone();
        let line = cmd.to_shell_line();
        self.attempts(&line, tries, &mut || {
            let out = runner.run(&Target::Local, cmd, COMMAND_TIMEOUT);
            if out.ok() {
                Ok(out.stdout)
            } else {
                Err(output_text(&out))
            }
        })
    }

    /// Applies a service operation through the service manager.
    pub fn service(&mut self, op: ServiceOp, unit: &str, tries: Tries) -> bool {
        let services = self.env.services.clone();
        if let Some(reason) = services.skip_reason(op, unit) {
            self.say(&reason);
            return true;
        }
        let line = services.describe(op, unit);
        let ok = self.attempts(&line, tries, &mut || {
            services.apply(op, unit).map(|_| String::new())
        });
        if ok {
            match op {
                ServiceOp::Start | ServiceOp::Restart => {
                    self.changed.insert(unit.to_string(), true);
                }
                ServiceOp::Stop => {
                    self.changed.insert(unit.to_string(), false);
                }
                ServiceOp::Disable => {}
            }
        }
        ok
    }

    /// `hastatus WORDS` at the local daemon's HA agent; passes when the agent answers
    /// with `role: <want>` (its lines are printed).  Without an agent link it fails.
    pub fn agent(&mut self, words: &[&str], want: &str, tries: Tries) -> bool {
        let link = self.env.agent.clone();
        let line = format!("hastatus {}", words.join(" "));
        self.attempts(&line, tries, &mut || {
            let link = link.as_ref().ok_or("no HA agent configuration in use")?;
            let lines = link.hastatus(words)?;
            let text = lines.join("\n");
            match crate::agent::role_of(&lines) {
                Some(role) if role == want => Ok(text),
                _ => Err(format!("{text}\nthe HA agent is not {want}")),
            }
        })
    }

    /// Whether `unit` runs: as this run's steps left it, else as the manager says.
    pub fn is_active(&self, unit: &str) -> bool {
        match self.changed.get(unit) {
            Some(state) => *state,
            None => self.env.services.is_active(unit),
        }
    }

    /// A change of files; `what` says what it does.
    pub fn file(&mut self, what: &str, f: impl FnOnce() -> std::io::Result<()>) -> bool {
        if self.dryrun {
            self.say(&format!("{what} [Dryrun]"));
            return true;
        }
        match f() {
            Ok(()) => {
                self.say(&format!("{what} [Passed]"));
                true
            }
            Err(e) => {
                self.say(&format!("{what} [Failed]: {e}"));
                self.failed = true;
                false
            }
        }
    }

    /// A check whose answer depends on earlier steps; a dry run assumes it passes.
    pub fn check(&mut self, what: &str, f: impl FnOnce() -> Result<(), String>) -> bool {
        if self.dryrun {
            self.say(&format!("{what} [Dryrun]"));
            return true;
        }
        match f() {
            Ok(()) => {
                self.say(&format!("{what} [Passed]"));
                true
            }
            Err(e) => {
                if !e.is_empty() {
                    self.say(&e);
                }
                self.say(&format!("{what} [Failed]"));
                false
            }
        }
    }

    /// Runs a read-only command in both modes; prints nothing.
    pub fn probe(&self, cmd: &Cmd) -> Output {
        self.env
            .runner
            .run(&Target::Local, cmd, Duration::from_secs(30))
    }

    fn attempts(
        &mut self,
        line: &str,
        tries: Tries,
        act: &mut dyn FnMut() -> Result<String, String>,
    ) -> bool {
        if self.dryrun {
            self.say(&format!("{line} [Dryrun]"));
            return true;
        }
        if self.style == Style::Legacy {
            self.say(&format!("Running command: {line}"));
        }
        let max = match tries {
            Tries::Retry(n) => n.max(1),
            Tries::Once | Tries::IgnoreFail => 1,
        };
        for attempt in 1..=max {
            if attempt > 1 {
                std::thread::sleep(self.env.retry_delay);
                self.say(&self.retry_line(attempt - 1, line));
            }
            match act() {
                Ok(text) => {
                    self.say_output(&text);
                    self.say(&format!("{line} [Passed]"));
                    return true;
                }
                Err(text) => self.say_output(&text),
            }
        }
        if tries == Tries::IgnoreFail {
            self.say(&format!("{line} [Failed, OK to ignore]"));
            return true;
        }
        self.say(&format!("{line} [Failed]"));
        self.failed = true;
        false
    }

    fn retry_line(&self, n: u32, line: &str) -> String {
        match self.style {
            Style::Xcatha => format!("Retry {n} ... ...{line}"),
            Style::Legacy => format!("Retry {n} ...... {line}"),
        }
    }

    fn say_output(&mut self, text: &str) {
        let text = text.trim_end();
        if !text.is_empty() {
            self.say(text);
        }
    }
}

/// Standard output and error of a failed command, for the log.
fn output_text(out: &Output) -> String {
    let mut s = out.stdout.trim_end().to_string();
    let e = out.stderr.trim_end();
    if !e.is_empty() {
        if !s.is_empty() {
            s.push('\n');
        }
        s.push_str(e);
    }
    s
}
