//! The audit trail against the real daemon: with `site.auditskipcmds`
//! cleared every request leaves one `auditlog` row (user, client, command,
//! redacted arguments, Allowed / Denied); with stock's default `ALL` none.
//! Rows are written off the request path, so the test waits for them.

use std::time::{Duration, Instant};
use xcat_tests::Xcatd;

/// `tabdump auditlog` once a row holds the field `field` (10 s at most).
async fn auditlog_with(server: &Xcatd, field: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let p = server.run(&["tabdump", "auditlog"]).await;
        let needle = format!(",\"{field}\"");
        if p.stdout.contains(&needle) || Instant::now() > deadline {
            return p.stdout;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn each_request_leaves_one_redacted_auditlog_row() {
    let server = Xcatd::start();
    // Stock's default (xcatconfig): ALL commands skipped, syslog only.
    let p = server.run(&["nodels"]).await;
    assert_eq!(p.exit_code, 0, "{p:?}");
    let p = server
        .run(&["chtab", "-d", "key=auditskipcmds", "site"])
        .await;
    assert_eq!(p.exit_code, 0, "{p:?}");
    // The daemon reads site values again after a short cache time: probe
    // until requests are audited.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server
        .run(&["tabdump", "auditlog"])
        .await
        .stdout
        .contains(",\"tabdump\",")
    {
        assert!(Instant::now() < deadline, "auditing never started");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let p = server
        .run(&[
            "mkdef",
            "-t",
            "node",
            "-o",
            "n1",
            "groups=all",
            "mgt=ipmi",
            "bmcpassword=s3cret",
        ])
        .await;
    assert_eq!(p.exit_code, 0, "{p:?}");
    let denied = server.run_anonymous(&["tabdump", "site"]).await;
    assert_ne!(denied.exit_code, 0);
    let rows = auditlog_with(&server, "Denied").await;
    let lines: Vec<&str> = rows.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("#recid,audittime,userid,clientname,clienttype,command,noderange,args,status,comments,disable"),
        "{rows}"
    );
    assert!(
        !rows.contains("nodels"),
        "skipped while ALL was set:\n{rows}"
    );
    assert!(!rows.contains("s3cret"), "password not redacted:\n{rows}");
    let mkdef: Vec<&&str> = lines.iter().filter(|l| l.contains(",\"mkdef\",")).collect();
    assert_eq!(mkdef.len(), 1, "{rows}");
    assert!(
        mkdef[0].contains(",\"root\",")
            && mkdef[0]
                .contains(",\"cli\",\"mkdef\",,\" -t node -o n1 groups=all mgt=ipmi bmcpassword=")
            && mkdef[0].ends_with(",\"Allowed\",,"),
        "{rows}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(",\"tabdump\",,\" site\",\"Denied\",,")),
        "{rows}"
    );
}
