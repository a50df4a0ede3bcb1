//! What one simulated command produces: its stdout, its stderr and its exit code.
//! Every command family returns an `Outcome`; only `main` writes it out.

/// The result of one simulated AIX command.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub rc: i32,
}

impl Outcome {
    /// Success with the given standard output (may be empty).
    pub fn ok(stdout: impl Into<String>) -> Self {
        Outcome {
            stdout: stdout.into(),
            stderr: String::new(),
            rc: 0,
        }
    }

    /// Failure with a message on standard error (a newline is added when missing).
    pub fn fail(rc: i32, stderr: impl Into<String>) -> Self {
        let mut stderr = stderr.into();
        if !stderr.is_empty() && !stderr.ends_with('\n') {
            stderr.push('\n');
        }
        Outcome {
            stdout: String::new(),
            stderr,
            rc,
        }
    }

    /// Appends a line to standard output.
    pub fn line(&mut self, text: impl AsRef<str>) {
        self.stdout.push_str(text.as_ref());
        self.stdout.push('\n');
    }

    /// Appends a line to standard error.
    pub fn err_line(&mut self, text: impl AsRef<str>) {
        self.stderr.push_str(text.as_ref());
        self.stderr.push('\n');
    }
}
