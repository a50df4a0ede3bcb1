//! `RecordingRunner` (tests): records every command and internal request in
//! call order and answers with canned output chosen by program, target and
//! arguments (most specific rule wins).  Unmatched commands succeed with no
//! output; unmatched internal requests answer nothing (success).

use super::{Cmd, Output, Runner, Target};
use std::sync::Mutex;
use std::time::Duration;
use xcat_proto::{Request, Response};

/// One recorded call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    Run {
        target: Target,
        cmd: Cmd,
    },
    Xcat {
        command: String,
        nodes: Vec<String>,
        args: Vec<String>,
    },
}

struct RunRule {
    program: String,
    target: Option<Target>,
    args: Option<Vec<String>>,
    output: Output,
}

struct XcatRule {
    command: String,
    nodes: Option<Vec<String>>,
    responses: Vec<Response>,
}

#[derive(Default)]
pub struct RecordingRunner {
    calls: Mutex<Vec<Call>>,
    run_rules: Mutex<Vec<RunRule>>,
    xcat_rules: Mutex<Vec<XcatRule>>,
}

impl RecordingRunner {
    pub fn new() -> RecordingRunner {
        RecordingRunner::default()
    }

    /// Answer `program` (on `target` if given, with exactly `args` if given).
    pub fn on_run(
        &self,
        program: &str,
        target: Option<Target>,
        args: Option<&[&str]>,
        output: Output,
    ) -> &Self {
        if let Ok(mut rules) = self.run_rules.lock() {
            rules.push(RunRule {
                program: program.to_string(),
                target,
                args: args.map(|a| a.iter().map(|s| s.to_string()).collect()),
                output,
            });
        }
        self
    }

    /// Answer the internal request `command` (for exactly `nodes` if given).
    pub fn on_xcat(
        &self,
        command: &str,
        nodes: Option<&[&str]>,
        responses: Vec<Response>,
    ) -> &Self {
        if let Ok(mut rules) = self.xcat_rules.lock() {
            rules.push(XcatRule {
                command: command.to_string(),
                nodes: nodes.map(|n| n.iter().map(|s| s.to_string()).collect()),
                responses,
            });
        }
        self
    }

    /// Every call so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Commands run so far as `(target, "program arg …")`, in order.
    pub fn runs(&self) -> Vec<(Target, String)> {
        self.calls()
            .into_iter()
            .filter_map(|c| match c {
                Call::Run { target, cmd } => Some((target, cmd.to_shell_line())),
                Call::Xcat { .. } => None,
            })
            .collect()
    }

    /// Internal requests so far as `(command, nodes, args)`, in order.
    pub fn xcats(&self) -> Vec<(String, Vec<String>, Vec<String>)> {
        self.calls()
            .into_iter()
            .filter_map(|c| match c {
                Call::Xcat {
                    command,
                    nodes,
                    args,
                } => Some((command, nodes, args)),
                Call::Run { .. } => None,
            })
            .collect()
    }

    pub fn clear(&self) {
        if let Ok(mut c) = self.calls.lock() {
            c.clear();
        }
    }

    fn record(&self, call: Call) {
        if let Ok(mut c) = self.calls.lock() {
            c.push(call);
        }
    }
}

impl Runner for RecordingRunner {
    fn run(&self, target: &Target, cmd: &Cmd, _timeout: Duration) -> Output {
        self.record(Call::Run {
            target: target.clone(),
            cmd: cmd.clone(),
        });
        let Ok(rules) = self.run_rules.lock() else {
            return Output::success("");
        };
        rules
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.program == cmd.program
                    && r.target.as_ref().is_none_or(|t| t == target)
                    && r.args.as_ref().is_none_or(|a| *a == cmd.args)
            })
            .max_by_key(|(i, r)| (r.args.is_some() as u8 + r.target.is_some() as u8, *i))
            .map(|(_, r)| r.output.clone())
            .unwrap_or_else(|| Output::success(""))
    }

    fn xcat(&self, request: Request, _timeout: Duration) -> Vec<Response> {
        let command = request.command().to_string();
        let nodes: Vec<String> = request.nodes().iter().map(|s| s.to_string()).collect();
        self.record(Call::Xcat {
            command: command.clone(),
            nodes: nodes.clone(),
            args: request.args().iter().map(|s| s.to_string()).collect(),
        });
        let Ok(rules) = self.xcat_rules.lock() else {
            return Vec::new();
        };
        rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.command == command && r.nodes.as_ref().is_none_or(|n| *n == nodes))
            .max_by_key(|(i, r)| (r.nodes.is_some() as u8, *i))
            .map(|(_, r)| r.responses.clone())
            .unwrap_or_default()
    }
}
