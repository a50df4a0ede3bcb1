//! `--service-manager commands`: services started, stopped and queried by the
//! configured commands (real programs here: `touch`, `rm`, `test` on a marker file),
//! services without lines skipped with a line, and a dry run that lists exactly the
//! steps of the real run.

mod common;

use common::{step_lines, with, Mn, ACTIVATE, DEACTIVATE};
use std::sync::Arc;
use xcat_handlers::runner::SystemRunner;
use xcatha::service_commands::CommandServices;
use xcatha::services::ServiceManager;

fn manager(mn: &Mn) -> Arc<dyn ServiceManager> {
    let marker = mn.dir.path().join("xcatd.running");
    let m = marker.display();
    let text = format!(
        "# xcatd only: the other services are not on this host\n\
         xcatd start  touch {m}\n\
         xcatd stop   rm {m}\n\
         xcatd status test -e {m}\n"
    );
    let runner = Arc::new(SystemRunner::new(Box::new(|_r, _t| Vec::new())));
    Arc::new(CommandServices::parse(&text, runner).unwrap())
}

#[test]
fn configured_commands_run_and_absent_services_are_skipped() {
    let mn = Mn::new();
    let marker = mn.dir.path().join("xcatd.running");

    let (code, dry, _) = mn.run_with(&with(&ACTIVATE, "--dryrun"), "", manager(&mn));
    assert_eq!(code, 0, "{dry}");
    assert!(!marker.exists(), "a dry run starts nothing");
    let (code, out, err) = mn.run_with(&ACTIVATE, "", manager(&mn));
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_eq!(step_lines(&dry), step_lines(&out), "{out}");
    assert!(marker.exists(), "{out}");
    let start = format!("touch {} [Passed]\n", marker.display());
    assert!(out.contains(&start), "{out}");
    assert!(
        out.contains("start ntpd: not present on this host, skipped\n"),
        "{out}"
    );
    // No console lock: neither console server is started (as with systemd).
    assert!(!out.contains("conserver"), "{out}");

    let (code, dry, _) = mn.run_with(&with(&DEACTIVATE, "--dryrun"), "", manager(&mn));
    assert_eq!(code, 0, "{dry}");
    let (code, out, _) = mn.run_with(&DEACTIVATE, "", manager(&mn));
    assert_eq!(code, 0, "{out}");
    assert_eq!(step_lines(&dry), step_lines(&out), "{out}");
    assert!(!marker.exists(), "{out}");
    for line in [
        "disable xcatd: no disable command, skipped\n",
        "stop named: not present on this host, skipped\n",
        &format!("rm {} [Passed]\n", marker.display()),
    ] {
        assert!(out.contains(line), "{line}: {out}");
    }

    // Stopping a stopped service runs nothing and succeeds (as systemctl does).
    let (code, out, _) = mn.run_with(&DEACTIVATE, "", manager(&mn));
    assert_eq!(code, 0, "{out}");
}
