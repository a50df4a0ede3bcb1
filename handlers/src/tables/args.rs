//! How a table command starts: tabutils' Getopt::Long configuration
//! (`bundling`, `no_pass_through`, xCAT-server/lib/xcat/plugins/tabutils.pm:84-87) and the
//! usual answers: a parse error prints the usage (exit 1), `-h` the usage
//! (exit 0), `-v` the version line.  The parser itself is [`crate::getopt`].

use crate::getopt::{Config, Parsed, Spec};

/// tabutils.pm's `process_request` configuration, which its commands inherit.
pub const TABUTILS: Config = Config::DEFAULT.bundling().no_pass_through();

/// Parse `argv` the way most table commands start.  `None` means the
/// request has been answered already.
pub fn parse_or_answer<S: AsRef<str>>(
    ctx: &crate::api::Ctx,
    out: &mut dyn crate::api::Responder,
    argv: &[S],
    specs: &'static [Spec],
    usage: &[&str],
) -> Result<Option<Parsed>, crate::api::Aborted> {
    let Ok(parsed) = TABUTILS.parse(argv, specs) else {
        super::output::usage(out, usage, 1)?;
        return Ok(None);
    };
    if parsed.has("h") {
        super::output::usage(out, usage, 0)?;
        return Ok(None);
    }
    if parsed.has("v") {
        super::output::version(ctx, out)?;
        return Ok(None);
    }
    Ok(Some(parsed))
}
