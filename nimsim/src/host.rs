//! Small host commands: `mvdir` (stock moves a shared_root aside with it), `bootlist`
//! (kept per mode, shown with `-o`) and `shutdown` (recorded, never acted on).

use crate::args;
use crate::outcome::Outcome;
use crate::store::State;

/// `mvdir src dst`: renames a directory (stock moves shared_root aside with it).
pub fn mvdir(argv: &[String]) -> Outcome {
    let [src, dst] = argv else {
        return args::usage_error(
            "mvdir",
            "two directories are required",
            "Usage: mvdir Directory1 Directory2",
        );
    };
    if std::path::Path::new(dst).exists() {
        return Outcome::fail(1, format!("mvdir: {dst} already exists."));
    }
    match std::fs::rename(src, dst) {
        Ok(()) => Outcome::ok(""),
        Err(e) => Outcome::fail(1, format!("mvdir: cannot move {src} to {dst}: {e}")),
    }
}

/// `bootlist -m mode [-o] [device [attr=value…] …]`: sets or shows a boot list.
pub fn bootlist(state: &mut State, argv: &[String]) -> (Outcome, bool) {
    let usage =
        "Usage: bootlist [-m normal|service|both|prevboot] [-o] [-r] [Device [attr=value ...] ...]";
    let parsed = match args::parse("bootlist", argv, "m:orifv", usage) {
        Ok(p) => p,
        Err(out) => return (out, false),
    };
    let Some(mode) = parsed.value('m') else {
        return (
            args::usage_error("bootlist", "the -m flag is required", usage),
            false,
        );
    };
    if !["normal", "service", "both", "prevboot"].contains(&mode) {
        return (
            args::usage_error("bootlist", &format!("{mode} is not a valid mode"), usage),
            false,
        );
    }
    let changed = !parsed.operands.is_empty();
    if changed {
        let entry = parsed.operands.join(" ");
        for m in if mode == "both" {
            vec!["normal", "service"]
        } else {
            vec![mode]
        } {
            state.bootlists.insert(m.to_string(), vec![entry.clone()]);
        }
    }
    let mut out = Outcome::ok("");
    if parsed.has('o') || parsed.has('r') {
        for line in state.bootlists.get(mode).into_iter().flatten() {
            out.line(line);
        }
    }
    (out, changed)
}

/// `shutdown [-F] [-r] …`: recorded, never acted on.
pub fn shutdown(state: &mut State, _argv: &[String]) -> (Outcome, bool) {
    state.shutdowns += 1;
    (Outcome::ok("\nSHUTDOWN PROGRAM\n\nWait for 'Halt completed' before stopping.\nHalt completed....\n"), true)
}
