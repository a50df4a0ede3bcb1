//! A host's simulated interfaces (`<state>/interfaces`): `ifconfig -a` shows
//! them in AIX's layout (lo0 first, hex masks) instead of the machine's, and
//! `nim_master_setup` builds `master_net` from the first of them.

mod common;

use common::Host;

#[test]
fn interfaces_file_replaces_the_real_interfaces() {
    let h = Host::new();
    std::fs::create_dir_all(h.state()).expect("state dir");
    std::fs::write(
        h.state().join("interfaces"),
        "en0 198.18.0.11 255.255.255.192\nhf0 198.18.0.75 255.255.255.192\n",
    )
    .expect("interfaces");
    let out = h.ok(&["ifconfig", "-a"]);
    let inet: Vec<&str> = out.lines().filter(|l| l.contains("inet ")).collect();
    assert_eq!(
        inet,
        [
            "\tinet 127.0.0.1 netmask 0xff000000 broadcast 127.255.255.255",
            "\tinet 198.18.0.11 netmask 0xffffffc0 broadcast 198.18.0.63",
            "\tinet 198.18.0.75 netmask 0xffffffc0 broadcast 198.18.0.127",
        ]
    );
    let names: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with(char::is_whitespace))
        .map(|l| l.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(names, ["lo0", "en0", "hf0"]);
    h.ok(&["nim_master_setup", "-a", "mk_resource=no"]);
    assert_eq!(
        h.ok(&["lsnim", "-Z", "-a", "net_addr", "-a", "snm", "master_net"]),
        "#name:net_addr:snm:\nmaster_net:198.18.0.0:255.255.255.192:\n"
    );
}
