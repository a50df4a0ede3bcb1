//! Stock parity: the command sequences of `tests/parity/*.txt` (taken from
//! xCAT's own autotest cases, see `xcat_tests::parity`) run against the real
//! `xcatd` over TLS through our client, one fresh daemon and database per
//! file, on SQLite or — with `XCATD_TEST_PG_URL` — PostgreSQL.  Every
//! difference from stock is listed in the failure, not just the first.

use std::path::PathBuf;
use xcat_tests::parity::{self, Case};
use xcat_tests::Xcatd;

fn parity_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("parity")
}

fn case_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(parity_dir())
        .expect("tests/parity")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
}

async fn run_case(server: &Xcatd, case: &Case, failures: &mut Vec<String>) {
    for (i, step) in case.steps.iter().enumerate() {
        let argv: Vec<&str> = step.argv.iter().map(String::as_str).collect();
        let p = match &step.stdin {
            Some(input) => server.run_stdin(&argv, input).await,
            None => server.run(&argv).await,
        };
        for d in parity::differences(step, &p.stdout, &p.stderr, p.exit_code) {
            failures.push(format!(
                "{} step {} `{}`: {d}",
                case.name,
                i + 1,
                step.argv.join(" ")
            ));
        }
    }
}

#[tokio::test]
async fn stock_autotest_sequences_give_stock_results() {
    let files = case_files();
    assert!(!files.is_empty(), "no tests/parity/*.txt");
    let mut failures = Vec::new();
    let mut count = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read case file");
        let cases = parity::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let server = Xcatd::start();
        for case in &cases {
            count += 1;
            run_case(&server, case, &mut failures).await;
        }
    }
    assert!(
        failures.is_empty(),
        "{} difference(s) from stock in {count} cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
