//! Pinning tests for the table commands' Getopt::Long configuration where
//! the former hand-written parser differed from stock: tabdump's
//! `posix_default` (no abbreviations), tabch's `ignorecase = 0`, and `+` as
//! an option prefix (Getopt::Long's default `getopt_compat`).

mod tables_support;

use tables_support::*;

#[test]
fn tabdump_takes_no_abbreviations() {
    for env in backends() {
        // xCAT-server/lib/xcat/plugins/tabutils.pm:599: posix_default turns auto_abbrev off.
        let out = run(&env, "tabdump", None, &["--lin=2", "site"]);
        assert_eq!(out.exit, 1);
        assert!(out.stdout.contains("tabdump [-?|-h|--help]"), "{out:?}");
        let out = run(&env, "tabdump", None, &["--lines=2", "site"]);
        assert!(out
            .stderr
            .contains("site table is not supported in tabdump -n."));
    }
}

#[test]
fn tabch_long_names_are_case_sensitive() {
    for env in backends() {
        // xCAT-server/lib/xcat/plugins/tabutils.pm:2272: $Getopt::Long::ignorecase = 0.
        let out = run(&env, "tabch", None, &["--HELP"]);
        assert_eq!(out.exit, 1);
        assert!(out.stdout.contains("tabch [-h|--help]"), "{out:?}");
        let out = run(&env, "tabch", None, &["--help"]);
        assert_eq!(out.exit, 0);
        assert!(out.stdout.contains("tabch [-h|--help]"), "{out:?}");
    }
}

#[test]
fn a_plus_starts_an_option() {
    for env in backends() {
        let out = run(&env, "nodels", None, &["+zz"]);
        assert_eq!(out.exit, 1);
        assert!(out.stdout.contains("nodels [-?|-h|--help]"), "{out:?}");
    }
}
