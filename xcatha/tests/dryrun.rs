//! `--dryrun` for setup, activate and deactivate prints the recorded step lists
//! (`tests/steps/*.dryrun`) and changes nothing: no file, no service, no command other
//! than the read-only probes.

mod common;

use common::{assert_steps, with, Mn, ACTIVATE, DEACTIVATE, SETUP};

const PROBES: [&str; 2] = ["hostname", "ip -o -4 addr show"];

fn assert_untouched(mn: &Mn, before_hosts: &str, ha_mn: &str) {
    assert_eq!(mn.read("/etc/hosts"), before_hosts);
    assert_eq!(mn.read("/tmp/ha_mn"), ha_mn);
    assert_eq!(mn.read("/etc/resolv.conf"), "search cluster.net\n");
    assert!(mn.root.join("etc/xcat").is_dir() && !mn.root.join("etc/xcat").is_symlink());
    assert!(!mn.root.join("etc/xcat/console.lock").exists());
    assert_eq!(std::fs::read_dir(&mn.shared).unwrap().count(), 0);
    assert!(mn.services.log().is_empty(), "{:?}", mn.services.log());
    for c in mn.commands() {
        assert!(PROBES.contains(&c.as_str()), "unexpected command {c}");
    }
}

#[test]
fn setup_dryrun_prints_the_recorded_steps() {
    let mn = Mn::new();
    let hosts = mn.read("/etc/hosts");
    let (code, out, err) = mn.run(&with(&SETUP, "--dryrun"), "");
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_steps(&out, "setup.dryrun");
    assert_untouched(&mn, &hosts, "");
}

#[test]
fn activate_dryrun_prints_the_recorded_steps() {
    let mn = Mn::new();
    std::fs::write(mn.root.join("etc/xcat/console.lock"), "conserver\n").unwrap();
    let hosts = mn.read("/etc/hosts");
    let (code, out, err) = mn.run(&with(&ACTIVATE, "--dryrun"), "");
    std::fs::remove_file(mn.root.join("etc/xcat/console.lock")).unwrap();
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_steps(&out, "activate.dryrun");
    assert_untouched(&mn, &hosts, "");
}

#[test]
fn deactivate_dryrun_prints_the_recorded_steps() {
    let mn = Mn::new();
    std::fs::create_dir_all(mn.root.join("tmp")).unwrap();
    std::fs::write(mn.root.join("tmp/ha_mn"), "198.18.0.1 mn1\n").unwrap();
    let hosts = mn.read("/etc/hosts");
    let (code, out, err) = mn.run(&with(&DEACTIVATE, "--dryrun"), "");
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_steps(&out, "deactivate.dryrun");
    assert_untouched(&mn, &hosts, "198.18.0.1 mn1\n");
}

#[test]
fn activate_dryrun_reads_site_domain_when_the_database_answers() {
    let mn = Mn::new();
    mn.db()
        .write(|c| c.delete_where("site", &[("key", "domain")]))
        .unwrap();
    let (code, out, _) = mn.run(&with(&ACTIVATE, "--dryrun"), "");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "\"domain\" entry is not in \"site\" table. \"named\" service will not be started\n\
         Check site.domain in the xCAT database [Dryrun]\n\
         \"domain\" entry is not in \"site\" table. \"dhcpd\" service will not be started\n"
        ),
        "{out}"
    );
    assert!(!out.contains("makedhcp"), "{out}");
}
