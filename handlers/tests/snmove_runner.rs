//! The command runner snmove acts through: local programs without a shell,
//! hard timeouts (the whole process group dies), ssh in batch mode to a
//! validated host with every word quoted, bounded fan-out, the internal
//! request hook, and the recording runner's canned answers.

use std::time::{Duration, Instant};
use xcat_handlers::runner::{run_many, Cmd, Output, RecordingRunner, Runner, SystemRunner, Target};
use xcat_proto::{Request, Response};

fn system() -> SystemRunner {
    SystemRunner::new(Box::new(|req: Request, _t: Duration| {
        vec![Response::new().info(format!("ran {}", req.command()))]
    }))
}

#[test]
fn local_exec_captures_status_and_streams() {
    let r = system();
    let o = r.run(
        &Target::Local,
        &Cmd::new("sh", ["-c", "echo hi; echo err >&2; exit 3"]),
        Duration::from_secs(10),
    );
    assert_eq!(
        o,
        Output {
            status: Some(3),
            stdout: "hi\n".into(),
            stderr: "err\n".into()
        }
    );
    let o = r.run(
        &Target::Local,
        &Cmd::new("/nonexistent/prog", Vec::<String>::new()),
        Duration::from_secs(1),
    );
    assert_eq!(o.status, None);
    assert!(o.stderr.contains("cannot run"));
}

#[test]
fn timeout_kills_the_process_group() {
    let r = system();
    let t = Instant::now();
    // A grandchild keeps the pipes open: the group kill must still end it.
    let o = r.run(
        &Target::Local,
        &Cmd::new("sh", ["-c", "sleep 30 & sleep 30"]),
        Duration::from_millis(300),
    );
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    assert_eq!(o.status, None);
    assert!(o.stderr.contains("timed out"), "{}", o.stderr);
}

#[test]
fn ssh_is_batch_mode_to_a_validated_host_with_quoted_words() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("ssh");
    xcat_tests::write_exec(
        &fake,
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n",
    )
    .unwrap();
    let r = system()
        .with_ssh_program(fake.to_str().unwrap())
        .with_connect_timeout(Duration::from_secs(5));
    let cmd = Cmd::new("echo", ["a b", "it's", "$(id)", "; rm -rf /"]);
    let o = r.run(&Target::Host("cn01".into()), &cmd, Duration::from_secs(10));
    assert!(o.ok(), "{o:?}");
    let argv: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(
        &argv[..7],
        &[
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=5",
            "-T",
            "--",
            "cn01"
        ]
    );
    assert_eq!(argv[7], "echo 'a b' 'it'\\''s' '$(id)' '; rm -rf /'");
    // What the remote shell makes of it: the words, literally.
    let remote = r.run(
        &Target::Local,
        &Cmd::new("sh", ["-c", argv[7]]),
        Duration::from_secs(5),
    );
    assert_eq!(remote.stdout, "a b it's $(id) ; rm -rf /\n");

    // A host that could be an ssh option never reaches ssh.
    let o = r.run(
        &Target::Host("-oProxyCommand=touch /tmp/x".into()),
        &cmd,
        Duration::from_secs(5),
    );
    assert_eq!(o.status, None);
    assert!(o.stderr.contains("not a valid host name"), "{}", o.stderr);
}

#[test]
fn fan_out_is_bounded_and_ordered() {
    let r = system();
    let targets = vec![Target::Local; 8];
    let t = Instant::now();
    let outs = run_many(
        &r,
        &targets,
        &Cmd::new("sh", ["-c", "sleep 0.3; echo done"]),
        4,
        Duration::from_secs(10),
    );
    let took = t.elapsed();
    assert_eq!(outs.len(), 8);
    assert!(outs.iter().all(|(_, o)| o.stdout == "done\n"));
    assert!(
        took >= Duration::from_millis(580),
        "at most 4 at once: {took:?}"
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[test]
fn internal_requests_go_through_the_dispatcher() {
    let r = system();
    let out = r.xcat(Request::new("nodeset"), Duration::from_secs(1));
    assert_eq!(out, vec![Response::new().info("ran nodeset")]);
}

#[test]
fn recording_runner_answers_most_specific_rule() {
    let r = RecordingRunner::new();
    r.on_run("route", None, None, Output::success("any"));
    r.on_run(
        "route",
        Some(Target::Host("cn02".into())),
        None,
        Output::failure(1, "cn02"),
    );
    r.on_run(
        "route",
        Some(Target::Host("cn02".into())),
        Some(&["del"]),
        Output::success("exact"),
    );
    let t = Duration::from_secs(1);
    assert_eq!(
        r.run(&Target::Host("cn01".into()), &Cmd::new("route", ["add"]), t)
            .stdout,
        "any"
    );
    assert_eq!(
        r.run(&Target::Host("cn02".into()), &Cmd::new("route", ["add"]), t)
            .stderr,
        "cn02"
    );
    assert_eq!(
        r.run(&Target::Host("cn02".into()), &Cmd::new("route", ["del"]), t)
            .stdout,
        "exact"
    );
    assert!(r.run(&Target::Local, &Cmd::new("other", ["x"]), t).ok());
    r.on_xcat(
        "nodeset",
        Some(&["cn01"]),
        vec![Response::new().error("no")],
    );
    let mut req = Request::new("nodeset");
    req.set_nodes(&["cn01"]);
    assert_eq!(r.xcat(req, t).len(), 1);
    assert!(r.xcat(Request::new("nodeset"), t).is_empty());
    assert_eq!(r.runs().len(), 4);
    assert_eq!(r.xcats().len(), 2);
}
