//! `xcatd init` end to end in a temporary confdir: credentials with the stock
//! layout and modes, the seeded database equal to a stock `xcatconfig -d -m`
//! (fixture 03-tabdump-site), a second run that keeps everything, `--force`
//! that regenerates, and the stock `setup-local-client.sh` openssl sequence
//! working with the CA directory we made.

use std::os::unix::fs::PermissionsExt;
mod stock_openssl;

use std::path::Path;
use stock_openssl::openssl;
use xcat_schema::db::{Db, DbLocation, Row};
use xcatd::init::host::HostFacts;
use xcatd::init::{run_with, InitArgs};

fn facts() -> HostFacts {
    HostFacts::from_names("vm", "vm.cluster.test", "127.0.0.1", "Universal", "")
}

fn args(confdir: &Path, home: &Path, force: bool) -> InitArgs {
    InitArgs {
        confdir: confdir.to_path_buf(),
        db: None,
        hostname: Some("vm".into()),
        client_user: "root".into(),
        client_home: Some(home.to_path_buf()),
        force,
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

/// The client stdout lines of a fixture (between the STDOUT and STDERR markers).
fn fixture_stdout(name: &str) -> Vec<String> {
    let stem = name.trim_end_matches(".txt");
    let f = xcat_tests::fixtures::fixture(stem);
    f.stdout.lines().map(str::to_string).collect()
}

fn csv_line(row: &Row) -> String {
    row.iter()
        .map(|v| match v {
            Some(s) if !s.is_empty() => format!("\"{s}\""),
            _ => String::new(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn db(confdir: &Path) -> Db {
    Db::open(&DbLocation::SqliteDir(confdir.to_path_buf())).unwrap()
}

fn table(confdir: &Path, name: &str) -> Vec<String> {
    db(confdir)
        .read(|c| c.all_rows(name, false))
        .unwrap()
        .iter()
        .map(csv_line)
        .collect()
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn init_twice_then_force() {
    let tmp = tempfile::tempdir().unwrap();
    let confdir = tmp.path().join("etc-xcat");
    let home = tmp.path().join("root-home");
    std::fs::create_dir_all(&home).unwrap();

    // ---- first run creates everything
    let report = run_with(&args(&confdir, &home, false), &facts()).unwrap();
    let text = report.lines.join("\n");
    assert!(text.contains("CA: created"), "{text}");
    assert!(text.contains("server credential: created"), "{text}");
    assert!(
        text.contains("client credential for root: created"),
        "{text}"
    );

    let cert = confdir.join("cert");
    for f in [
        "server-cred.pem",
        "server-cert.pem",
        "server-key.pem",
        "ca.pem",
    ] {
        assert_eq!(mode(&cert.join(f)), 0o600, "{f}");
    }
    assert_eq!(mode(&cert), 0o700);
    let x = home.join(".xcat");
    assert_eq!(mode(&x), 0o755);
    for f in ["client-cred.pem", "client-cert.pem", "client-key.pem"] {
        assert_eq!(mode(&x.join(f)), 0o600, "{f}");
    }
    assert_eq!(mode(&x.join("ca.pem")), 0o644);
    assert_eq!(mode(&confdir.join("ca/private/ca-key.pem")), 0o600);
    assert_eq!(mode(&confdir.join("ca/private")), 0o700);
    for f in [
        "openssl.cnf",
        "index",
        "serial",
        "index.attr",
        "ca-cert.pem",
    ] {
        assert!(confdir.join("ca").join(f).is_file(), "{f}");
    }
    // cred = cert + key
    let cred = String::from_utf8(read(&cert.join("server-cred.pem"))).unwrap();
    assert!(cred.starts_with(&String::from_utf8(read(&cert.join("server-cert.pem"))).unwrap()));
    assert!(cred.ends_with(&String::from_utf8(read(&cert.join("server-key.pem"))).unwrap()));
    assert_eq!(
        read(&cert.join("ca.pem")),
        read(&confdir.join("ca/ca-cert.pem"))
    );
    assert_eq!(
        read(&x.join("ca.pem")),
        read(&confdir.join("ca/ca-cert.pem"))
    );

    // openssl accepts the chains
    let (ok, t) = openssl(&cert, &["verify", "-CAfile", "ca.pem", "server-cert.pem"]);
    assert!(ok, "{t}");
    let (ok, t) = openssl(&x, &["verify", "-CAfile", "ca.pem", "client-cert.pem"]);
    assert!(ok, "{t}");
    let (ok, t) = openssl(
        &cert,
        &["x509", "-noout", "-subject", "-in", "server-cert.pem"],
    );
    assert!(ok && t.contains("CN = vm"), "{t}");

    // ---- the database is what xcatconfig -d -m writes
    let mut expected = fixture_stdout("03-tabdump-site.txt");
    let header = expected.remove(0);
    assert_eq!(header, "#key,value,comments,disable");
    let conf = confdir.to_string_lossy().to_string();
    let expected: Vec<String> = expected
        .into_iter()
        .map(|l| {
            if l.starts_with("\"xcatconfdir\"") {
                format!("\"xcatconfdir\",\"{conf}\",,")
            } else {
                l
            }
        })
        .collect();
    assert_eq!(table(&confdir, "site"), expected);

    let policy = table(&confdir, "policy");
    let prio: Vec<String> = policy
        .iter()
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(
        prio,
        [
            "\"1\"", "\"1.2\"", "\"2\"", "\"2.1\"", "\"2.3\"", "\"3\"", "\"4\"", "\"4.4\"",
            "\"4.5\"", "\"4.6\"", "\"4.7\"", "\"4.8\"", "\"4.9\""
        ]
    );
    assert_eq!(policy[0], "\"1\",\"root\",,,,,,\"allow\",,");
    assert_eq!(policy[1], "\"1.2\",\"vm\",,,,,,\"trusted\",,");
    assert_eq!(policy[4], "\"2.3\",,,\"lsxcatd\",,,,\"allow\",,");

    let ps = table(&confdir, "postscripts");
    assert_eq!(
        ps,
        vec![
            "\"xcatdefaults\",\"syslog,remoteshell,syncfiles\",\"otherpkgs\",,".to_string(),
            "\"service\",\"servicenode\",,,".to_string(),
        ]
    );
    let nodes = table(&confdir, "nodelist");
    assert_eq!(nodes.len(), 1);
    assert!(
        nodes[0].starts_with("\"vm\",\"__mgmtnode\""),
        "{}",
        nodes[0]
    );
    let sn = table(&confdir, "servicenode");
    assert_eq!(sn.len(), 1);
    assert!(sn[0].starts_with("\"__mgmtnode\""));

    // ---- second run keeps everything, also a changed site value
    db(&confdir)
        .write(|c| c.set_attribs("site", &[("key", "maxssh")], &[("value", Some("12"))]))
        .unwrap();
    let before: Vec<Vec<u8>> = [
        cert.join("server-cred.pem"),
        x.join("client-cred.pem"),
        confdir.join("ca/ca-cert.pem"),
        confdir.join("ca/index"),
    ]
    .iter()
    .map(|p| read(p))
    .collect();
    let report = run_with(&args(&confdir, &home, false), &facts()).unwrap();
    let text = report.lines.join("\n");
    assert!(text.contains("CA: ") && text.contains("kept"), "{text}");
    assert!(
        text.contains("server credential: ") && !text.contains("created"),
        "{text}"
    );
    assert!(
        text.contains("site: table already has data, kept"),
        "{text}"
    );
    let after: Vec<Vec<u8>> = [
        cert.join("server-cred.pem"),
        x.join("client-cred.pem"),
        confdir.join("ca/ca-cert.pem"),
        confdir.join("ca/index"),
    ]
    .iter()
    .map(|p| read(p))
    .collect();
    assert_eq!(before, after);
    assert!(table(&confdir, "site").contains(&"\"maxssh\",\"12\",,".to_string()));
    assert_eq!(table(&confdir, "nodelist").len(), 1);
    assert_eq!(table(&confdir, "policy").len(), 13);

    // ---- the stock setup-local-client.sh sequence works on our CA dir
    let ca = confdir.join("ca");
    let cnf = ca.join("openssl.cnf").to_string_lossy().to_string();
    let index = String::from_utf8(read(&ca.join("index"))).unwrap();
    let serials: Vec<String> = index
        .lines()
        .filter(|l| l.contains("root"))
        .map(|l| l.split('\t').nth(3).unwrap().to_string())
        .collect();
    assert_eq!(serials, vec!["03".to_string()]);
    for id in &serials {
        let certfile = format!("certs/{id}.pem");
        let (ok, t) = openssl(
            &ca,
            &[
                "ca",
                "-startdate",
                "19600101010101Z",
                "-config",
                &cnf,
                "-revoke",
                &certfile,
            ],
        );
        assert!(ok, "revoke: {t}");
    }
    let user = tmp.path().join("user1");
    std::fs::create_dir_all(&user).unwrap();
    stock_openssl::sign_root_client_like_stock(&ca, &user);

    // ---- --force regenerates credentials and resets the defaults
    let report = run_with(&args(&confdir, &home, true), &facts()).unwrap();
    let text = report.lines.join("\n");
    assert!(!text.contains("kept (use --force"), "{text}");
    assert_ne!(read(&cert.join("server-cred.pem")), before[0]);
    assert_ne!(read(&x.join("client-cred.pem")), before[1]);
    assert_ne!(read(&confdir.join("ca/ca-cert.pem")), before[2]);
    assert!(table(&confdir, "site").contains(&"\"maxssh\",\"8\",,".to_string()));
    let (ok, t) = openssl(&cert, &["verify", "-CAfile", "ca.pem", "server-cert.pem"]);
    assert!(ok, "{t}");
    let (ok, t) = openssl(&x, &["verify", "-CAfile", "ca.pem", "client-cert.pem"]);
    assert!(ok, "{t}");
}

#[test]
fn trusted_name_comes_from_existing_server_cert() {
    let tmp = tempfile::tempdir().unwrap();
    let confdir = tmp.path().join("c");
    let home = tmp.path().join("h");
    std::fs::create_dir_all(&home).unwrap();
    // First init as "oldname", then drop the database only.
    let old = HostFacts::from_names("oldname", "oldname.x", "10.1.1.1", "UTC", "");
    run_with(&args(&confdir, &home, false), &old).unwrap();
    for f in std::fs::read_dir(&confdir).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "sqlite") {
            std::fs::remove_file(p).unwrap();
        }
    }
    run_with(&args(&confdir, &home, false), &facts()).unwrap();
    let policy = table(&confdir, "policy");
    assert_eq!(policy[1], "\"1.2\",\"oldname\",,,,,,\"trusted\",,");
}

#[test]
fn unknown_user_needs_home() {
    let tmp = tempfile::tempdir().unwrap();
    let mut a = args(&tmp.path().join("c"), tmp.path(), false);
    a.client_user = "no-such-user-xcatd-test".into();
    a.client_home = None;
    let e = run_with(&a, &facts()).unwrap_err();
    assert!(e.to_string().contains("--client-home"), "{e}");
}
