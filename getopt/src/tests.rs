//! The parser against Getopt::Long 2.52's behaviour, one test per
//! configuration flag; every expectation was taken from
//! `perl -MGetopt::Long` with the same specs and flags.

use super::{Config, Parsed, Rejected, Spec};

const SPECS: &[Spec] = &[
    Spec::new("h|?|help"),
    Spec::new("H|with-fieldname"),
    Spec::new("b|blame"),
    Spec::new("n|lines=i"),
    Spec::new("f=s"),
    Spec::new("w=s@"),
    Spec::new("x!"),
    Spec::new("V+"),
    Spec::new("o:s"),
];

const BUNDLING: Config = Config::DEFAULT.bundling();

fn ok(cfg: Config, args: &[&str]) -> Parsed {
    cfg.parse(args, SPECS)
        .unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn warnings(cfg: Config, args: &[&str]) -> Vec<String> {
    match cfg.parse(args, SPECS) {
        Err(Rejected { warnings }) => warnings,
        Ok(p) => panic!("{args:?} parsed: {p:?}"),
    }
}

#[test]
fn bundles_and_values() {
    let p = ok(
        BUNDLING,
        &["-Hb", "all", "-fout.csv", "-w", "a==b", "-wc=~d"],
    );
    assert!(p.has("H") && p.has("b") && !p.has("h"));
    assert_eq!(p.str("f"), Some("out.csv"));
    assert_eq!(p.strs("w"), vec!["a==b", "c=~d"]);
    assert_eq!(p.rest, vec!["all"]);
}

#[test]
fn long_forms_and_errors() {
    let p = ok(BUNDLING, &["--lines=5", "--HELP"]);
    assert_eq!(p.int("n"), Some(5));
    assert!(p.has("h"));
    assert!(BUNDLING.parse(&["-n", "x"], SPECS).is_err());
    assert!(BUNDLING.parse(&["-z"], SPECS).is_err());
    assert!(BUNDLING.parse(&["-f"], SPECS).is_err());
    let p = ok(BUNDLING.require_order(), &["t", "-H"]);
    assert_eq!(p.rest, vec!["t", "-H"]);
    let p = ok(BUNDLING, &["--", "-H"]);
    assert_eq!(p.rest, vec!["-H"]);
}

#[test]
fn unique_abbreviations_of_long_names() {
    let p = ok(BUNDLING, &["--with", "--BL"]);
    assert!(p.has("H") && p.has("b"));
    let p = ok(BUNDLING, &["--lin=3"]);
    assert_eq!(p.int("n"), Some(3));
    // `--h` is the short name itself; `--` alone ends the options.
    assert!(ok(BUNDLING, &["--h"]).has("h"));
    const TWO: &[Spec] = &[Spec::new("all"), Spec::new("allow")];
    assert_eq!(
        BUNDLING.parse(&["--al"], TWO).unwrap_err().warnings,
        ["Option al is ambiguous (all, allow)"]
    );
    assert!(BUNDLING.parse(&["--all"], TWO).unwrap().has("all"));
}

#[test]
fn bundling_rereads_the_rest_of_a_bundle() {
    // -n5H: the number, then "-H" as a word of its own.
    let p = ok(
        BUNDLING,
        &["-n5H", "--nox", "-VV", "-o", "-H", "+b", "--", "-f"],
    );
    assert!(p.flag("H") && p.flag("b"));
    assert_eq!(p.int("n"), Some(5));
    assert_eq!(p.switch("x"), Some(false));
    assert_eq!(p.count("V"), 2);
    assert_eq!(p.str("o"), Some(""));
    assert_eq!(p.rest, ["-f"]);
    // An unknown letter is reported alone; the rest of the bundle is still read.
    assert_eq!(
        warnings(BUNDLING, &["-lx", "-nq"]),
        [
            "Unknown option: l",
            "Value \"q\" invalid for option n (number expected)",
            "Unknown option: q"
        ]
    );
}

#[test]
fn without_bundling_a_single_dash_starts_a_long_name() {
    let p = ok(Config::DEFAULT, &["-help", "-lines=3"]);
    assert!(p.flag("h"));
    assert_eq!(p.int("n"), Some(3));
    assert_eq!(warnings(Config::DEFAULT, &["-Hb"]), ["Unknown option: hb"]);
}

#[test]
fn no_ignore_case_keeps_long_names_exact() {
    let cfg = BUNDLING.no_ignore_case();
    assert_eq!(warnings(cfg, &["--HELP"]), ["Unknown option: HELP"]);
    let p = ok(cfg, &["--no-x", "--li", "7"]);
    assert_eq!(p.switch("x"), Some(false));
    assert_eq!(p.int("n"), Some(7));
    // Single letters are case-sensitive under bundling either way.
    assert!(ok(BUNDLING, &["-H"]).flag("H") && !ok(BUNDLING, &["-H"]).flag("h"));
}

#[test]
fn pass_through_keeps_what_it_does_not_know() {
    let p = ok(
        BUNDLING.pass_through(),
        &["-Hz", "-zH", "--bogus=1", "-n", "x", "cn", "--", "-f"],
    );
    assert!(p.flag("H"));
    assert!(!p.has("n"));
    assert_eq!(
        p.rest,
        ["-z", "-zH", "--bogus=1", "-n", "x", "cn", "--", "-f"]
    );
}

#[test]
fn require_order_stops_at_the_first_operand() {
    let p = ok(BUNDLING.require_order(), &["-H", "cn", "-b"]);
    assert!(p.flag("H") && !p.flag("b"));
    assert_eq!(p.rest, ["cn", "-b"]);
    let p = ok(BUNDLING.permute(), &["-H", "cn", "-b"]);
    assert!(p.flag("b"));
    assert_eq!(p.rest, ["cn"]);
}

#[test]
fn posix_default_has_no_abbreviations_and_no_plus() {
    let cfg = Config::DEFAULT.posix_default().bundling();
    assert_eq!(
        cfg.parse(&["--lin=3", "+b"], SPECS).unwrap_err().warnings,
        ["Unknown option: lin"]
    );
    assert_eq!(ok(cfg, &["--lines=3", "+b"]).rest, ["+b"]);
    assert_eq!(
        warnings(BUNDLING.no_auto_abbrev(), &["--with"]),
        ["Unknown option: with"]
    );
    assert!(ok(BUNDLING.auto_abbrev(), &["--with"]).flag("H"));
}

#[test]
fn warning_texts() {
    assert_eq!(
        warnings(
            BUNDLING,
            &["--help=1", "--w=", "+", "---x", "--bogus", "-n"]
        ),
        [
            "Option help does not take an argument",
            "Option w requires an argument",
            "Missing option after +",
            "Unknown option: -x",
            "Unknown option: bogus",
            "Option n requires an argument",
        ]
    );
}

#[test]
fn values_as_perl_reads_them() {
    let p = ok(BUNDLING, &["--n=1_0", "-o", "--", "x"]);
    assert_eq!(p.int("n"), Some(10));
    assert_eq!(p.str("o"), Some(""));
    assert_eq!(p.rest, ["x"]);
    // A mandatory value takes anything; an optional one takes `-` and plain words.
    let p = ok(
        BUNDLING,
        &["-f", "-H", "-o", "-", "--o", "a=b", "-f", "last"],
    );
    assert_eq!(p.str("f"), Some("last"));
    assert_eq!(p.str("o"), Some("a=b"));
    assert!(!p.has("H"));
    // The last scalar value wins; `-` alone is an operand.
    assert_eq!(ok(BUNDLING, &["-", "-o", "x"]).rest, ["-"]);
}

#[test]
fn specs_name_their_options() {
    const S: Spec = Spec::new("h|?|help");
    assert_eq!(S.key(), "h");
    assert_eq!(S.names().collect::<Vec<_>>(), ["h", "?", "help"]);
    assert_eq!(
        Spec::new("w=s@").takes,
        super::Takes::Value {
            int: false,
            mandatory: true,
            repeat: true
        }
    );
    assert_eq!(Spec::new("dry-run").key(), "dry-run");
}
