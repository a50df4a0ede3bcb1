//! Version strings: what `lsxcatd -v` prints and the `_xcatver` value sent to
//! service nodes with forwarded requests.
//!
//! * [`version_line`]: `Version 2.19.0 (xcatd-rs <crate version>, git commit <sha>)`;
//!   the sha is recorded at build time by `server/build.rs` (`unknown` when
//!   built outside a git checkout).
//! * [`xcatver_for_peers`]: a stock service node compares the `_xcatver` of a
//!   forwarded request with its own `xCAT::Version->Version()` string and
//!   sends a "xCAT Version mismatch!" warning when they differ.  Our own line
//!   never equals a stock one, so the value is configurable, first match wins:
//!   1. environment variable `XCATD_XCATVER`;
//!   2. site table key `xcatdrs_xcatver` (the caller passes its value);
//!   3. [`STOCK_VERSION_LINE`], the string of the stock xCAT build this
//!      release is compatible with.

/// The xCAT release whose behaviour and wire format we reproduce.
pub const XCAT_COMPAT_VERSION: &str = "2.19.0";

/// `Version()` of the stock 2.19.0 build (git 7733d16f8) we were checked against.
pub const STOCK_VERSION_LINE: &str =
    "Version 2.19.0 (git commit 7733d16f8de0fc36b80638c04a7033931fa13304)";

/// Environment variable overriding the `_xcatver` sent to service nodes.
pub const XCATVER_ENV: &str = "XCATD_XCATVER";

/// Site key overriding the `_xcatver` sent to service nodes.
pub const XCATVER_SITE_KEY: &str = "xcatdrs_xcatver";

/// Short git commit this binary was built from.
pub fn git_sha() -> &'static str {
    env!("XCATD_GIT_SHA")
}

/// `Version 2.19.0 (xcatd-rs 0.1.0, git commit abc1234)`.
pub fn version_line() -> String {
    format!(
        "Version {} (xcatd-rs {}, git commit {})",
        XCAT_COMPAT_VERSION,
        env!("CARGO_PKG_VERSION"),
        git_sha()
    )
}

/// The `_xcatver` value for requests forwarded to service nodes, given the
/// current `site.xcatdrs_xcatver` value (if any).
pub fn xcatver_for_peers(site_value: Option<&str>) -> String {
    if let Ok(v) = std::env::var(XCATVER_ENV) {
        if !v.is_empty() {
            return v;
        }
    }
    match site_value {
        Some(v) if !v.is_empty() => v.to_string(),
        _ => STOCK_VERSION_LINE.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_shape() {
        let l = version_line();
        assert!(l.starts_with("Version 2.19.0 (xcatd-rs "));
        assert!(l.contains(", git commit "));
        assert!(l.ends_with(')'));
    }

    #[test]
    fn site_value_used() {
        if std::env::var(XCATVER_ENV).is_err() {
            assert_eq!(xcatver_for_peers(Some("Version X")), "Version X");
            assert_eq!(xcatver_for_peers(None), STOCK_VERSION_LINE);
        }
    }
}
