//! The issue-5 walk-through on every backend: the stock runs of the wire
//! fixtures 16-19 (same output; exit status 1 where stock's validation
//! failures exited 0), the database diffs of snmove-db-diffs.txt column by
//! column, moving back, and the recorded actions.

mod snmove_support;

use snmove_support::{backends, diff_lines, fixture_output, render, Env};
use xcat_handlers::runner::{Output, Target};

fn sorted_lines(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s.lines().map(str::to_string).collect();
    v.sort();
    v
}

fn original() -> Vec<String> {
    let mut v = diff_lines("09b-snmove-range-resolved", "<");
    v.extend(diff_lines("10c-snmove-s-dD-resolved", "<"));
    v
}

#[test]
fn fixture_16_unresolved_nodes_change_nothing() {
    for env in backends() {
        // As in the stock run: no addresses anywhere for the nodes.
        env.insert("site", &[("key", "master"), ("value", "mn")]);
        for i in 1..=5 {
            let n = format!("cn{i:02}");
            env.insert("nodelist", &[("node", &n), ("groups", "compute,all")]);
            env.insert(
                "noderes",
                &[
                    ("node", &n),
                    ("servicenode", "sn1,sn2"),
                    ("xcatmaster", "sn1"),
                ],
            );
        }
        let before: Vec<String> = (1..=5)
            .map(|i| env.noderes_line(&format!("cn{i:02}")))
            .collect();
        let p = render(&env.snmove(&["cn01-cn05", "-d", "sn2", "-D", "sn2", "-i"]));
        let (out, err, code) = fixture_output("16-snmove-unresolved.txt");
        assert_eq!(
            (p.stdout.as_str(), p.stderr.as_str(), p.exit_code),
            (out.as_str(), err.as_str(), code),
            "{}",
            env.label
        );
        let after: Vec<String> = (1..=5)
            .map(|i| env.noderes_line(&format!("cn{i:02}")))
            .collect();
        assert_eq!(before, after, "{}", env.label);
        assert!(env.runner.calls().is_empty());
    }
}

fn walk(env: &Env) {
    env.seed();
    assert_eq!(env.all_noderes(), original(), "{}: seed", env.label);

    // 17 / 09b: snmove cn01-cn05 -d sn2 -D sn2 -i
    let p = render(&env.snmove(&["cn01-cn05", "-d", "sn2", "-D", "sn2", "-i"]));
    let (out, err, code) = fixture_output("17-snmove-range-dD.txt");
    assert_eq!(
        (p.stdout.as_str(), p.stderr.as_str(), p.exit_code),
        (out.as_str(), err.as_str(), code),
        "{}",
        env.label
    );
    let mut expect = diff_lines("09b-snmove-range-resolved", ">");
    expect.extend(diff_lines("10c-snmove-s-dD-resolved", "<"));
    assert_eq!(env.all_noderes(), expect, "{}: after 17", env.label);
    assert!(
        env.runner.calls().is_empty(),
        "-i and no provmethod: no action"
    );

    // 18 / 10b: snmove -s sn1 -i, no networks, sn2 cannot be asked.
    env.runner.on_run(
        "/sbin/ip",
        Some(Target::Host("sn2".into())),
        None,
        Output::failure(255, "ssh: connect to host sn2 port 22: Connection refused"),
    );
    let p = render(&env.snmove(&["-s", "sn1", "-i"]));
    let (out, err, code) = fixture_output("18-snmove-s-sn1.txt");
    assert_eq!(p.stdout, out, "{}", env.label);
    // Stock printed the nodes in hash order; ours are sorted.
    assert_eq!(sorted_lines(&p.stderr), sorted_lines(&err));
    assert_eq!(
        p.stderr.lines().next(),
        Some("Error: [vm]: Could not determine an xcatmaster value for node cn06.")
    );
    // Deliberate: stock exited 0 although nothing moved.
    assert_eq!((code, p.exit_code), (0, 1));
    assert_eq!(
        env.all_noderes(),
        expect,
        "{}: 18 changes nothing",
        env.label
    );
    assert_eq!(
        env.runner.runs(),
        vec![(Target::Host("sn2".into()), "/sbin/ip addr".to_string())]
    );
    env.runner.clear();

    // 19 / 10c: snmove -s sn1 -d sn2 -D sn2 -i
    let p = render(&env.snmove(&["-s", "sn1", "-d", "sn2", "-D", "sn2", "-i"]));
    let (out, err, code) = fixture_output("19-snmove-s-sn1-dD.txt");
    assert_eq!(
        (p.stdout.as_str(), p.stderr.as_str(), p.exit_code),
        (out.as_str(), err.as_str(), code),
        "{}",
        env.label
    );
    let mut moved = diff_lines("09b-snmove-range-resolved", ">");
    moved.extend(diff_lines("10c-snmove-s-dD-resolved", ">"));
    assert_eq!(env.all_noderes(), moved, "{}: after 19", env.label);
    assert!(env.runner.calls().is_empty());

    // Nothing has sn1 first any more.
    let p = render(&env.snmove(&["-s", "sn1", "-i"]));
    assert_eq!(
        p.stderr,
        "Error: [vm]: Could not get xCAT object definitions.\n\n"
    );
    assert_eq!(p.exit_code, 1);

    // Moving back (no -d: the backup is now sn1), touching the nodes: the
    // xcatdefaults postscripts contain syslog, so updatenode runs.
    let p = render(&env.snmove(&["cn01-cn20", "-D", "sn1"]));
    assert_eq!(p.exit_code, 0, "{}: {}", env.label, p.stderr);
    assert_eq!(
        p.stdout,
        "Moving nodes to their backup service nodes.\n\nSetting new values in the xCAT database.\n\nRunning postscripts on the nodes.\n"
    );
    assert_eq!(env.all_noderes(), original(), "{}: moved back", env.label);
    let all: Vec<String> = (1..=20).map(|i| format!("cn{i:02}")).collect();
    assert_eq!(
        env.runner.xcats(),
        vec![
            (
                "updatenode".to_string(),
                all.clone(),
                vec!["-s".to_string()]
            ),
            (
                "updatenode".to_string(),
                all,
                vec!["-P".to_string(), "syslog".to_string()]
            ),
        ]
    );
    assert!(
        env.runner.runs().is_empty(),
        "no networks with <xcatmaster> gateway: no route change"
    );
}

#[test]
fn walkthrough_fixtures_17_18_19_and_back() {
    for env in backends() {
        walk(&env);
    }
}
