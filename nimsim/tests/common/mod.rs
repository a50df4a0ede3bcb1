//! Test support: one simulated host in a temporary directory (its own `NIMSIM_STATE`,
//! hosts file and tftp directory), running the real `nimsim` binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The result of one call.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub rc: i32,
}

/// A simulated host.
pub struct Host {
    pub dir: tempfile::TempDir,
}

impl Host {
    /// A fresh host with a hosts file naming the test addresses.
    pub fn new() -> Host {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("hosts"),
            "127.0.0.1 localhost\n198.18.0.11 sn1\n198.18.0.12 sn2\n198.18.0.101 cn01\n198.18.0.102 cn02\n",
        )
        .expect("hosts file");
        std::fs::create_dir(dir.path().join("tftpboot")).expect("tftp dir");
        Host { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    /// The command the binary runs as `nimsim <args>` with this host's environment.
    pub fn command(&self, program: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env("NIMSIM_STATE", self.state())
            .env("NIMSIM_HOSTS", self.dir.path().join("hosts"))
            .env("NIMSIM_TFTPDIR", self.dir.path().join("tftpboot"));
        cmd
    }

    /// Runs `nimsim <args…>` (a simulated command or a helper).
    pub fn run(&self, args: &[&str]) -> Run {
        let out = self
            .command(Path::new(env!("CARGO_BIN_EXE_nimsim")), args)
            .output()
            .expect("run nimsim");
        to_run(out)
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(r.rc, 0, "{args:?} failed: {r:?}");
        r.stdout
    }

    /// NIM configured with a network, a spot, a shared_root, a root, a paging and a
    /// dump resource (the diskless osimage of the seeds), locations under the temp dir.
    pub fn nim_with_image(&self) {
        self.ok(&["nim_master_setup", "-a", "mk_resource=no"]);
        let base = self.path().join("install/nim");
        for sub in ["shared_root/sr71", "root", "paging/pg71", "dump/dump71"] {
            std::fs::create_dir_all(base.join(sub)).expect("resource dir");
        }
        let loc = |sub: &str| format!("location={}", base.join(sub).display());
        self.ok(&[
            "nim",
            "-Fo",
            "define",
            "-t",
            "ent",
            "-a",
            "net_addr=198.18.0.0",
            "-a",
            "snm=255.255.255.0",
            "-a",
            "routing1=default 198.18.0.1",
            "net18",
        ]);
        self.ok(&[
            "nim",
            "-Fo",
            "define",
            "-t",
            "spot",
            "-a",
            "server=master",
            "-a",
            &loc("spot"),
            "spot71",
        ]);
        self.ok(&[
            "nim",
            "-Fo",
            "define",
            "-t",
            "shared_root",
            "-a",
            "server=master",
            "-a",
            &loc("shared_root/sr71"),
            "-a",
            "spot=spot71",
            "sr71",
        ]);
        self.ok(&[
            "nim",
            "-Fo",
            "define",
            "-t",
            "root",
            "-a",
            "server=master",
            "-a",
            &loc("root"),
            "root71",
        ]);
        self.ok(&[
            "nim",
            "-Fo",
            "define",
            "-t",
            "paging",
            "-a",
            "server=master",
            "-a",
            &loc("paging/pg71"),
            "pg71",
        ]);
        self.ok(&[
            "nim",
            "-Fo",
            "define",
            "-t",
            "dump",
            "-a",
            "server=master",
            "-a",
            &loc("dump/dump71"),
            "dump71",
        ]);
    }

    /// Defines diskless machine `name` on the simulated test network.
    pub fn define_diskless(&self, name: &str, mac: &str) -> Run {
        let if1 = format!("if1=find_net {name} {mac} ent");
        self.run(&[
            "nim",
            "-Fo",
            "define",
            "-t",
            "diskless",
            "-a",
            &if1,
            "-a",
            "cable_type1=N/A",
            "-a",
            "netboot_kernel=mp",
            name,
        ])
    }

    /// The call log as `rc<TAB>cmd args` lines.
    pub fn calls(&self) -> Vec<String> {
        self.ok(&["calls", "--plain"])
            .lines()
            .map(str::to_string)
            .collect()
    }
}

pub fn to_run(out: Output) -> Run {
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        rc: out.status.code().unwrap_or(-1),
    }
}
