//! The osimage `nfsrootopts` rule: statelite NFS roots are always mounted
//! read-only, so the extra mount options may not contain `rw` or `defaults`,
//! and must be a comma list without blanks or empty items (stock
//! `xCAT-server/lib/perl/xCAT/SvrUtils.pm:2420`, checked by mkdef and by
//! chdef without `-m`, `xCAT-server/lib/xcat/plugins/DBobjectdefs.pm:372`).

use super::out::Out;
use crate::api::HandlerError;
use std::collections::BTreeMap;

/// Stock's message when `opts` breaks the rule, `None` when it holds.
pub fn violation(opts: &str) -> Option<String> {
    if opts.is_empty() {
        return None;
    }
    for option in opts.split(',') {
        if option.is_empty() || option.chars().any(char::is_whitespace) {
            return Some(
                "nfsrootopts must be a comma-separated list without whitespace or empty options"
                    .into(),
            );
        }
        let name = option.split('=').next().unwrap_or_default().to_lowercase();
        if name == "rw" || name == "defaults" {
            return Some(format!(
                "nfsrootopts cannot contain '{name}'; statelite NFS roots are always read-only"
            ));
        }
    }
    None
}

/// Checks the `nfsrootopts` of an osimage object; reports stock's error and
/// returns false when the object must be rejected.
pub fn osimage_ok(
    objtype: &str,
    attrs: &BTreeMap<String, String>,
    out: &mut Out,
) -> Result<bool, HandlerError> {
    if objtype != "osimage" {
        return Ok(true);
    }
    match attrs.get("nfsrootopts").and_then(|o| violation(o)) {
        Some(msg) => {
            out.error1(msg)?;
            Ok(false)
        }
        None => Ok(true),
    }
}

#[cfg(test)]
mod tests {
    use super::violation;

    #[test]
    fn read_write_and_defaults_are_refused_with_stock_messages() {
        assert_eq!(
            violation("noac,rw").as_deref(),
            Some("nfsrootopts cannot contain 'rw'; statelite NFS roots are always read-only")
        );
        assert_eq!(
            violation("Defaults").as_deref(),
            Some("nfsrootopts cannot contain 'defaults'; statelite NFS roots are always read-only")
        );
        assert_eq!(
            violation("noac,,ro").as_deref(),
            Some("nfsrootopts must be a comma-separated list without whitespace or empty options")
        );
        assert_eq!(violation("noac,ro,vers=3"), None);
        assert_eq!(violation(""), None);
    }
}
