//! rmdsklsnode against the NIM simulator: the per-service-node split
//! (primary AND backup by default, `-p`, `-b`), the exact NIM command
//! sequence per host for a node not defined, not running, running without
//! and with `-f` (the shutdown over ssh), `-r`, `-i`, failing steps with and
//! without `-V`, the bootptab and tftp backups restored, the begin / end
//! prescripts, usage / version / refusals and `Return=1.`.

mod nim_support;

use nim_support::*;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use xcat_handlers::api::{Ctx, Handler};
use xcat_handlers::nim::cmd::NimConfig;
use xcat_handlers::nim::rmdsklsnode::{part::Config, Rmdsklsnode};
use xcat_handlers::prescripts::Prescripts;
use xcat_handlers::runner::SystemRunner;
use xcat_proto::{Request, Response};

const HOSTS: &str = "198.18.0.11 cn01\n198.18.0.12 cn02\n198.18.0.13 cn03\n198.18.0.14 cn04\n";

/// The test's files: site.installdir (prescripts), the ssh stand-in and
/// its log of `host command` lines.
struct Rig {
    env: Env,
    dir: tempfile::TempDir,
}

impl Rig {
    fn ssh(&self) -> PathBuf {
        self.dir.path().join("ssh")
    }

    /// The `host command` lines the ssh stand-in got (simulator roots cut).
    fn ssh_log(&self, hosts: &[&SimHost]) -> Vec<String> {
        let text = std::fs::read_to_string(self.dir.path().join("ssh.log")).unwrap_or_default();
        text.lines()
            .map(|l| {
                hosts.iter().fold(l.to_string(), |l, h| {
                    l.replace(&h.root.display().to_string(), "")
                })
            })
            .collect()
    }

    fn prescripts(&self) -> PathBuf {
        self.dir.path().join("install/prescripts")
    }
}

/// site.master=mn; cn01-cn02 servicenode=sn1,sn2, cn03 sn2,sn1, cn04 none.
fn rig() -> Rig {
    rig_on(sqlite())
}

fn rig_on(env: Env) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    seed(&env, &dir);
    Rig { env, dir }
}

fn seed(env: &Env, dir: &tempfile::TempDir) {
    ins(env, "site", &[("key", "master"), ("value", "mn")]);
    let install = dir.path().join("install");
    std::fs::create_dir_all(install.join("prescripts")).unwrap();
    ins(
        env,
        "site",
        &[("key", "installdir"), ("value", install.to_str().unwrap())],
    );
    // Never the host's /tftpboot.
    let tftp = dir.path().join("tftpboot");
    std::fs::create_dir_all(&tftp).unwrap();
    ins(
        env,
        "site",
        &[("key", "tftpdir"), ("value", tftp.to_str().unwrap())],
    );
    for (i, sn) in [(1, "sn1,sn2"), (2, "sn1,sn2"), (3, "sn2,sn1"), (4, "")] {
        let n = format!("cn0{i}");
        ins(env, "nodelist", &[("node", &n), ("groups", "compute,all")]);
        if !sn.is_empty() {
            ins(env, "noderes", &[("node", &n), ("servicenode", sn)]);
        }
    }
    let ssh = dir.path().join("ssh");
    let script = format!(
        "#!/bin/sh\nwhile [ \"$1\" != -- ]; do shift; done\nshift\necho \"$1 $2\" >> '{}'\n",
        dir.path().join("ssh.log").display()
    );
    write_exec(&ssh, &script);
}

/// The simulated host's own directory (state, tftpboot, bootptab).
fn host_dir(h: &SimHost) -> PathBuf {
    h.root.parent().unwrap().to_path_buf()
}

fn tftpdir(h: &SimHost) -> PathBuf {
    host_dir(h).join("tftpboot")
}

/// `nimsim HELPER…` on this host's state.
fn nimsim(h: &SimHost, args: &[&str]) {
    let ok = Command::new(nimsim_bin())
        .args(args)
        .env("NIMSIM_STATE", host_dir(h).join("state"))
        .status()
        .unwrap();
    assert!(ok.success(), "nimsim {args:?}");
}

/// A simulated SN with a network, spot, shared_root and paging, a bootptab
/// and a tftp directory.
fn sim(name: &str) -> SimHost {
    let h = SimHost::new(name, HOSTS);
    let base = host_dir(&h).join("install/nim");
    for sub in ["spot", "sr71", "pg71"] {
        std::fs::create_dir_all(base.join(sub)).unwrap();
    }
    std::fs::create_dir_all(tftpdir(&h)).unwrap();
    std::fs::write(host_dir(&h).join("bootptab"), "# bootptab\n").unwrap();
    let loc = |s: &str| format!("location={}", base.join(s).display());
    let nim = |args: &[&str]| h.sh("/usr/sbin/nim", args);
    h.define_net198("nimnet");
    let res = |ty: &str, name: &str, extra: &[&str]| {
        let l = loc(name);
        let mut a = vec!["-o", "define", "-t", ty, "-a", "server=master", "-a", &l];
        a.extend_from_slice(extra);
        a.push(name);
        nim(&a);
    };
    res("spot", "spot", &[]);
    res("shared_root", "sr71", &["-a", "spot=spot"]);
    res("paging", "pg71", &[]);
    h.reset_log();
    h
}

/// Diskless machine `name` defined and initialised on `h` (NIM writes its
/// `<tftpdir>/<ip>.info`).
fn define_init(h: &SimHost, name: &str, host: &str, mac: &str) {
    let if1 = format!("if1=find_net {host} {mac} ent");
    let nim = |args: &[&str]| h.sh("/usr/sbin/nim", args);
    nim(&["-o", "define", "-t", "diskless", "-a", &if1, name]);
    nim(&[
        "-o",
        "dkls_init",
        "-a",
        "spot=spot",
        "-a",
        "shared_root=sr71",
        "-a",
        "paging=pg71",
        name,
    ]);
    h.reset_log();
}

fn handler(h: &SimHost) -> Rmdsklsnode {
    Rmdsklsnode::with_config(Config {
        nim: NimConfig::default().with_command_root(&h.root),
        bootptab: host_dir(h).join("bootptab"),
    })
}

/// The context of `server`: real commands, ssh through the stand-in,
/// internal requests (runbeginpre / runendpre) to the prescripts handler.
fn ctx(rig: &Rig, server: &str) -> Ctx {
    let mut ctx = ctx_on(&rig.env, server);
    let inner = ctx.clone();
    let xcat = move |req: Request, _t| {
        let mut docs: Vec<Response> = Vec::new();
        if let Err(e) = Prescripts.process(&inner, &req, &mut docs) {
            docs.push(Response::new().error(e.to_string()));
        }
        docs
    };
    let ssh = rig.ssh();
    ctx.runner =
        Arc::new(SystemRunner::new(Box::new(xcat)).with_ssh_program(ssh.to_str().unwrap()));
    ctx
}

fn rm_request(args: &[&str]) -> Request {
    request("rmdsklsnode", None, args)
}

fn split_rm(rig: &Rig, args: &[&str]) -> Vec<xcat_handlers::api::Part> {
    Rmdsklsnode::default()
        .preprocess(&ctx(rig, "mn"), rm_request(args))
        .unwrap()
}

/// The whole command as the client sees it: the split on the MN, each part
/// on its host (a part without destination runs on the first host).
fn run_all(rig: &Rig, hosts: &[&SimHost], args: &[&str]) -> Out {
    let mut docs: Vec<Response> = Vec::new();
    for p in split_rm(rig, args) {
        let dest = p.dest.join(",");
        let host = hosts
            .iter()
            .find(|h| h.name == dest || dest.is_empty())
            .unwrap_or_else(|| panic!("a part for '{dest}'"));
        handler(host)
            .process(&ctx(rig, &host.name), &p.request, &mut docs)
            .unwrap();
    }
    output(docs)
}

/// One server's part for `nodes` (as the MN would have sent it).
fn run_on(rig: &Rig, host: &SimHost, args: &[&str], nodes: &[&str]) -> Out {
    let mut req = rm_request(args);
    req.set_nodes(nodes);
    req.set("_xcatpreprocessed", "1");
    let mut docs: Vec<Response> = Vec::new();
    handler(host)
        .process(&ctx(rig, &host.name), &req, &mut docs)
        .unwrap();
    output(docs)
}

const REMOVED: &str = "NIM machine definitions were successfully removed.\n";

fn removal(n: &str) -> [String; 5] {
    [
        format!("0\tlsnim -l {n}"),
        format!("0\tlsnim -a Mstate -Z {n}"),
        format!("0\tnim -Fo reset {n}"),
        format!("0\tnim -Fo deallocate -a subclass=all {n}"),
        format!("0\tnim -Fo remove {n}"),
    ]
}

#[test]
fn split_is_primary_and_backup_by_default() {
    for env in backends() {
        split_on(&rig_on(env));
    }
}

fn split_on(rig: &Rig) {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let all = part_summary(&split_rm(rig, &["compute"]));
    assert_eq!(
        all,
        [
            ("mn".to_string(), s(&["cn04"])),
            ("sn1".to_string(), s(&["cn01", "cn02", "cn03"])),
            ("sn2".to_string(), s(&["cn01", "cn02", "cn03"])),
        ]
    );
    let p = part_summary(&split_rm(rig, &["-p", "cn01-cn03"]));
    assert_eq!(
        p,
        [
            ("sn1".to_string(), s(&["cn01", "cn02"])),
            ("sn2".to_string(), s(&["cn03"])),
        ]
    );
    let b = part_summary(&split_rm(rig, &["--backupSN", "-f", "cn01-cn03"]));
    assert_eq!(
        b,
        [
            ("sn1".to_string(), s(&["cn03"])),
            ("sn2".to_string(), s(&["cn01", "cn02"])),
        ]
    );
    for p in split_rm(rig, &["compute"]) {
        assert_eq!(p.request.get("_xcatpreprocessed"), Some("1"));
    }
}

#[test]
fn removed_from_both_service_nodes_and_p_b_work_there() {
    let rig = rig();
    let (mn, sn1, sn2) = (sim("mn"), sim("sn1"), sim("sn2"));
    for h in [&sn1, &sn2] {
        define_init(h, "cn01", "cn01", "aabbccddee01");
        define_init(h, "cn03", "cn03", "aabbccddee03");
    }
    // -p: each node only on its first service node (stock's SN side
    // refused -p / -b with the usage and Return=1.).
    let out = run_all(&rig, &[&mn, &sn1, &sn2], &["-p", "cn01,cn03"]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit),
        (format!("{REMOVED}{REMOVED}").as_str(), "", 0)
    );
    assert_eq!(sn1.calls(), removal("cn01"));
    assert_eq!(sn2.calls(), removal("cn03"));
    assert_eq!(sn1.machines(), ["master", "cn03"]);
    assert_eq!(sn2.machines(), ["master", "cn01"]);
    sn1.reset_log();
    sn2.reset_log();
    // Default: both; each SN finds one defined and one not.
    let out = run_all(&rig, &[&mn, &sn1, &sn2], &["cn01,cn03"]);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    let mut want = vec!["53\tlsnim -l cn01".to_string()];
    want.extend(removal("cn03"));
    assert_eq!(sn1.calls(), want);
    let mut want = removal("cn01").to_vec();
    want.push("53\tlsnim -l cn03".to_string());
    assert_eq!(sn2.calls(), want);
    assert_eq!(sn1.machines(), ["master"]);
    assert_eq!(sn2.machines(), ["master"]);
    assert!(mn.calls().is_empty());
}

#[test]
fn not_defined_is_no_error() {
    let rig = rig();
    let sn1 = sim("sn1");
    let out = run_on(&rig, &sn1, &["-V", "cn01"], &["cn01"]);
    assert_eq!(
        out.stdout,
        format!("Running command on sn1: /usr/sbin/lsnim -l cn01\n\nNode 'cn01' is not defined.\n{REMOVED}")
    );
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    assert_eq!(sn1.calls(), ["53\tlsnim -l cn01"]);
    let out = run_on(&rig, &sn1, &["cn01"], &["cn01"]);
    assert_eq!((out.stdout.as_str(), out.exit), (REMOVED, 0));
}

#[test]
fn not_running_is_reset_deallocated_removed_and_files_restored() {
    let rig = rig();
    let sn1 = sim("sn1");
    rig.env
        .db
        .write(|c| c.delete_where("site", &[("key", "tftpdir")]))
        .unwrap();
    ins(
        &rig.env,
        "site",
        &[
            ("key", "tftpdir"),
            ("value", tftpdir(&sn1).to_str().unwrap()),
        ],
    );
    define_init(&sn1, "cn01", "cn01", "aabbccddee01");
    let info = tftpdir(&sn1).join("198.18.0.11.info");
    assert!(info.is_file(), "dkls_init wrote {}", info.display());
    let before = std::fs::read_to_string(&info).unwrap();
    let out = run_on(&rig, &sn1, &["-V", "cn01"], &["cn01"]);
    let cmd = |c: &str| format!("Running command on sn1: /usr/sbin/{c}\n\n");
    let want = [
        cmd("lsnim -l cn01"),
        cmd("lsnim -a Mstate -Z cn01"),
        "Resetting NIM client node 'cn01'\n".to_string(),
        cmd("nim -Fo reset cn01"),
        "Deallocating resources for NIM node 'cn01'\n".to_string(),
        cmd("nim -Fo deallocate -a subclass=all cn01"),
        "Removing the NIM definition for NIM node 'cn01'\n".to_string(),
        cmd("nim -Fo remove cn01"),
        REMOVED.to_string(),
    ]
    .concat();
    assert_eq!(out.stdout, want);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    assert_eq!(sn1.calls(), removal("cn01"));
    assert_eq!(sn1.machines(), ["master"]);
    // NIM removed the client's file; the backup brought it back.
    assert_eq!(std::fs::read_to_string(&info).unwrap(), before);
    assert!(!tftpdir(&sn1).join("bak").exists());
    let bootptab = host_dir(&sn1).join("bootptab");
    assert_eq!(std::fs::read_to_string(&bootptab).unwrap(), "# bootptab\n");
    assert!(!host_dir(&sn1).join("bootptab.bak").exists());
}

#[test]
fn running_nodes_need_force_and_force_shuts_them_down() {
    let rig = rig();
    let sn1 = sim("sn1");
    define_init(&sn1, "cn01", "cn01", "aabbccddee01");
    define_init(&sn1, "cn02", "cn02", "aabbccddee02");
    nimsim(&sn1, &["set", "cn01", "Mstate", "currently running"]);
    rig.env
        .db
        .write(|c| c.delete_where("nodelist", &[("node", "cn02")]))
        .unwrap();
    ins(
        &rig.env,
        "nodelist",
        &[
            ("node", "cn02"),
            ("groups", "compute,all"),
            ("status", "booted"),
        ],
    );
    let out = run_on(&rig, &sn1, &["cn01,cn02"], &["cn01", "cn02"]);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "Error: The node 'cn01' is currently running. Use the -f flag to force the removal of the NIM client definition.\n\
         Error: The node 'cn02' is currently running. Use the -f flag to force the removal of the NIM client definition.\n\
         Error: The following NIM client machine definitions could NOT be removed.\n\n\
         Error: cn01\nError: cn02\nError: Return=1.\n"
    );
    assert_eq!(out.exit, 1);
    assert_eq!(
        sn1.calls(),
        [
            "0\tlsnim -l cn01",
            "0\tlsnim -a Mstate -Z cn01",
            "0\tlsnim -l cn02",
            "0\tlsnim -a Mstate -Z cn02",
        ]
    );
    assert!(rig.ssh_log(&[&sn1]).is_empty());
    sn1.reset_log();

    let out = run_on(&rig, &sn1, &["-fV", "cn01,cn02"], &["cn01", "cn02"]);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    for n in ["cn01", "cn02"] {
        let said = format!(
            "Running command on sn1: /usr/sbin/lsnim -a Mstate -Z {n}\n\n\
             Shutting down node '{n}'\nResetting NIM client node '{n}'\n"
        );
        assert!(out.stdout.contains(&said), "{}", out.stdout);
    }
    assert!(out.stdout.ends_with(REMOVED));
    let mut want = removal("cn01").to_vec();
    want.extend(removal("cn02"));
    assert_eq!(sn1.calls(), want);
    // Shutdowns run in parallel: their order is not fixed.
    let mut shutdowns = rig.ssh_log(&[&sn1]);
    shutdowns.sort();
    assert_eq!(
        shutdowns,
        ["cn01 /usr/sbin/shutdown -F", "cn02 /usr/sbin/shutdown -F"]
    );
}

#[test]
fn remdef_removes_running_nodes_without_shutdown_and_i_names_alternates() {
    let rig = rig();
    let sn1 = sim("sn1");
    define_init(&sn1, "cn01_71dskls", "cn01", "aabbccddee01");
    nimsim(
        &sn1,
        &["set", "cn01_71dskls", "Mstate", "currently running"],
    );
    let out = run_on(&rig, &sn1, &["-r", "-i", "71dskls", "cn01"], &["cn01"]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit),
        (REMOVED, "", 0)
    );
    assert_eq!(sn1.calls(), removal("cn01_71dskls"));
    assert!(rig.ssh_log(&[&sn1]).is_empty());
}

#[test]
fn failing_steps_are_named_with_and_without_verbose() {
    let rig = rig();
    let sn1 = sim("sn1");
    define_init(&sn1, "cn01", "cn01", "aabbccddee01");
    define_init(&sn1, "cn02", "cn02", "aabbccddee02");
    nimsim(&sn1, &["fault", "nim:remove:cn01", "fail", "2"]);
    let out = run_on(&rig, &sn1, &["cn01,cn02"], &["cn01", "cn02"]);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "Error: Could not remove the NIM machine definition 'cn01'.\n\n\
         Error: The following NIM client machine definitions could NOT be removed.\n\n\
         Error: cn01\nError: Return=1.\n"
    );
    assert_eq!(out.exit, 1);
    let mut want = removal("cn01").to_vec();
    want[4] = "1\tnim -Fo remove cn01".to_string();
    want.extend(removal("cn02"));
    assert_eq!(sn1.calls(), want);
    assert_eq!(sn1.machines(), ["master", "cn01"]);
    // With -V the NIM output follows the step's message.
    let out = run_on(&rig, &sn1, &["-V", "cn01"], &["cn01"]);
    assert!(
        out.stderr.starts_with(
            "Error: Could not remove the NIM machine definition 'cn01'.\n\n\
             Error: 0042-001 nim: processing error encountered on \"cn01\":\n"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.ends_with("Error: cn01\nError: Return=1.\n"));
    assert_eq!(out.exit, 1);
    // lsnim failing for another reason than "no such object" is an error
    // for the node, not "not defined".
    sn1.reset_log();
    nimsim(&sn1, &["fault", "lsnim:-l:cn02", "fail"]);
    let out = run_on(&rig, &sn1, &["cn02"], &["cn02"]);
    assert!(
        out.stderr.starts_with(
            "Error: Could not get the NIM definition of 'cn02'.\n\n\
             Error: 0042-001 lsnim: processing error encountered on \"cn02\":\n"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.ends_with("Error: cn02\nError: Return=1.\n"));
    assert_eq!(sn1.calls(), ["1\tlsnim -l cn02"]);
}

#[test]
fn bad_names_are_refused_before_any_command() {
    let rig = rig();
    let sn1 = sim("sn1");
    let out = run_on(&rig, &sn1, &["-i", "a;b", "cn01"], &["cn01", "-x"]);
    assert_eq!(
        out.stderr,
        "Error: Invalid value 'cn01_a;b' of attribute 'NIM machine name' for 'cn01': not a valid NIM object name.\n\
         Error: Invalid value '-x' of attribute 'node' for '-x': not a host name.\n\
         Error: The following NIM client machine definitions could NOT be removed.\n\n\
         Error: cn01_a;b\nError: -x_a;b\nError: Return=1.\n"
    );
    assert!(sn1.calls().is_empty());
}

#[test]
fn usage_version_and_refusals() {
    let rig = rig();
    let sn1 = sim("sn1");
    let usage = "\n  rmdsklsnode - Use this xCAT command to remove AIX/NIM diskless client definitions.\n  Usage: \n\trmdsklsnode [-h | --help ]\nor\n\trmdsklsnode [-V|--verbose] [-f|--force] [-r|--remdef]\n\t\t{-i image_name} [-p|--primarySN] [-b|--backupSN]  noderange\n";
    let out = run_all(&rig, &[&sn1], &[]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit),
        (usage, "", 0)
    );
    let out = run_all(&rig, &[&sn1], &["--help"]);
    assert_eq!((out.stdout.as_str(), out.exit), (usage, 0));
    let out = run_all(&rig, &[&sn1], &["-x", "cn01"]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit),
        (usage, "Error: Return=1.\n", 1)
    );
    let out = run_all(&rig, &[&sn1], &["-f", "a=b"]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit),
        (usage, "Error: A noderange is required.\n\n", 1)
    );
    let out = run_all(&rig, &[&sn1], &["-v"]);
    assert!(
        out.stdout.starts_with("rmdsklsnode Version "),
        "{}",
        out.stdout
    );
    assert_eq!(out.exit, 0);
    assert!(sn1.calls().is_empty());
}

#[test]
fn prescripts_run_before_and_after_and_a_failure_stops() {
    let rig = rig();
    let sn1 = sim("sn1");
    define_init(&sn1, "cn01", "cn01", "aabbccddee01");
    let log = rig.dir.path().join("pre.log");
    let script = format!(
        "#!/bin/sh\necho \"$0 NODES=$NODES ACTION=$ACTION\" >> '{}'\necho done\n",
        log.display()
    );
    for s in ["b1", "e1"] {
        write_exec(&rig.prescripts().join(s), &script);
    }
    ins(
        &rig.env,
        "prescripts",
        &[
            ("node", "compute"),
            ("begin", "diskless:x|remove:b1"),
            ("end", "e1"),
        ],
    );
    let out = run_on(&rig, &sn1, &["cn01,cn02"], &["cn01", "cn02"]);
    let dir = rig.prescripts().display().to_string();
    assert_eq!(
        out.stdout,
        format!(
            "sn1: Running begin script b1 for nodes cn01,cn02.\nsn1: b1: done\n\n{REMOVED}\
             sn1: Running end script e1 for nodes cn01,cn02.\nsn1: e1: done\n\n"
        )
    );
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        format!("{dir}/b1 NODES=cn01,cn02 ACTION=remove\n{dir}/e1 NODES=cn01,cn02 ACTION=remove\n")
    );
    // A failing begin script: nothing removed, stock's message, Return=1.
    write_exec(&rig.prescripts().join("b1"), "#!/bin/sh\necho no\nexit 3\n");
    define_init(&sn1, "cn01", "cn01", "aabbccddee01");
    let out = run_on(&rig, &sn1, &["cn01"], &["cn01"]);
    assert_eq!(out.stdout, "sn1: Running begin script b1 for nodes cn01.\n");
    assert_eq!(
        out.stderr,
        "Error: sn1: b1: return code=3. Error message=no\n\n\
         Error: Failed in running begin prescripts.\n\nError: Return=1.\n"
    );
    assert_eq!(out.exit, 1);
    assert!(sn1.calls().is_empty());
}
