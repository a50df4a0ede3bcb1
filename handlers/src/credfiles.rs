//! The credential files nodes copy from the management node get the
//! permissions they need (stock `TableUtils->checkCredFiles`,
//! perl-xCAT/xCAT/TableUtils.pm:1604-1800): the CA certificates under
//! `<installdir>/postscripts/_xcat` and `/ca`, the public host keys under
//! `<installdir>/postscripts/hostkeys` and `<confdir>/hostkeys`, the
//! `authorized_keys*` (and `copy.sh`) under `<installdir>/postscripts/_ssh`,
//! and an old `<installdir>/postscripts/etc/xcat/cfgloc` removed.  Each
//! problem is one message in stock's words (sent as [info]); the
//! permissions are set directly, no `chmod` is run.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Check and fix; the messages stock would send, in its order.
pub fn check(installdir: &Path, confdir: &Path) -> Vec<String> {
    let post = installdir.join("postscripts");
    let mut msgs = Vec::new();
    let pem = |dir: &str, name: &'static str, msgs: &mut Vec<String>| {
        files_in(&post.join(dir), name, &|n| n == name, 0o644, msgs);
    };
    pem("_xcat", "ca.pem", &mut msgs);
    pem("ca", "ca-cert.pem", &mut msgs);
    let public = |n: &str| n.ends_with(".pub");
    for dir in [post.join("hostkeys"), confdir.join("hostkeys")] {
        files_in(&dir, "ssh_host_rsa_key.pub", &public, 0o644, &mut msgs);
    }
    let ssh = post.join("_ssh");
    if files_in(
        &ssh,
        "authorized_keys",
        &|n| n.starts_with("authorized_keys"),
        0o644,
        &mut msgs,
    ) {
        let copy = ssh.join("copy.sh");
        if copy.exists() {
            chmod(&copy, 0o744, &mut msgs);
        }
    }
    let cfgloc = post.join("etc/xcat/cfgloc");
    if cfgloc.exists() && std::fs::remove_file(&cfgloc).is_err() {
        msgs.push(format!("Error on command: /bin/rm  {}", cfgloc.display()));
    }
    msgs
}

/// `dir` must exist and hold `must`; then every file `pick` accepts gets
/// `mode`.  `true` when `must` was there.
fn files_in(
    dir: &Path,
    must: &str,
    pick: &dyn Fn(&str) -> bool,
    mode: u32,
    msgs: &mut Vec<String>,
) -> bool {
    if !dir.is_dir() {
        msgs.push(format!("Error: {} is missing.", dir.display()));
        return false;
    }
    let needed = dir.join(must);
    if !needed.exists() {
        msgs.push(format!(
            "Error: {} is missing. Run xcatconfig (no force)",
            needed.display()
        ));
        return false;
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| pick(n))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    for n in names {
        chmod(&dir.join(n), mode, msgs);
    }
    true
}

fn chmod(path: &Path, mode: u32, msgs: &mut Vec<String>) {
    if std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).is_err() {
        msgs.push(format!(
            "Error on command: /bin/chmod {mode:04o} {}",
            path.display()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn missing_then_fixed() {
        let t = tempfile::tempdir().unwrap();
        let (inst, conf) = (t.path().join("install"), t.path().join("etc"));
        let msgs = check(&inst, &conf);
        let i = inst.display();
        assert_eq!(
            msgs,
            [
                format!("Error: {i}/postscripts/_xcat is missing."),
                format!("Error: {i}/postscripts/ca is missing."),
                format!("Error: {i}/postscripts/hostkeys is missing."),
                format!("Error: {}/hostkeys is missing.", conf.display()),
                format!("Error: {i}/postscripts/_ssh is missing."),
            ]
        );
        let post = inst.join("postscripts");
        for d in ["_xcat", "ca", "hostkeys", "_ssh", "etc/xcat"] {
            std::fs::create_dir_all(post.join(d)).unwrap();
        }
        std::fs::create_dir_all(conf.join("hostkeys")).unwrap();
        let files = [
            "_xcat/ca.pem",
            "ca/ca-cert.pem",
            "hostkeys/ssh_host_rsa_key.pub",
            "hostkeys/ssh_host_rsa_key",
            "_ssh/authorized_keys",
            "_ssh/copy.sh",
            "etc/xcat/cfgloc",
        ];
        for f in files {
            std::fs::write(post.join(f), "x").unwrap();
            std::fs::set_permissions(post.join(f), std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let msgs = check(&inst, &conf);
        assert_eq!(
            msgs,
            [format!(
                "Error: {}/hostkeys/ssh_host_rsa_key.pub is missing. Run xcatconfig (no force)",
                conf.display()
            )]
        );
        assert_eq!(mode(&post.join("_xcat/ca.pem")), 0o644);
        assert_eq!(mode(&post.join("hostkeys/ssh_host_rsa_key.pub")), 0o644);
        assert_eq!(mode(&post.join("hostkeys/ssh_host_rsa_key")), 0o600);
        assert_eq!(mode(&post.join("_ssh/copy.sh")), 0o744);
        assert!(!post.join("etc/xcat/cfgloc").exists());
    }
}
