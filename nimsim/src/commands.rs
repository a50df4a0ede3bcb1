//! The catalogue of simulated commands: each name, the absolute path stock xCAT or AIX
//! uses for it (where the cluster harness binds the binary), and the dispatch from a
//! command name to its family's function.

use crate::outcome::Outcome;
use crate::store::State;
use crate::{disk, host, ifconfig, lsnim, master, nfs, nim, src_ctl};

/// Every simulated command and its AIX path.
pub const COMMANDS: &[(&str, &str)] = &[
    ("lsnim", "/usr/sbin/lsnim"),
    ("nim", "/usr/sbin/nim"),
    ("nim_master_setup", "/usr/sbin/nim_master_setup"),
    ("niminit", "/usr/sbin/niminit"),
    ("mknfsexp", "/usr/sbin/mknfsexp"),
    ("chnfsexp", "/usr/sbin/chnfsexp"),
    ("rmnfsexp", "/usr/sbin/rmnfsexp"),
    ("lsnfsexp", "/usr/sbin/lsnfsexp"),
    ("exportfs", "/usr/sbin/exportfs"),
    ("chnfs", "/usr/sbin/chnfs"),
    ("chnfsdom", "/usr/sbin/chnfsdom"),
    ("startsrc", "/usr/bin/startsrc"),
    ("stopsrc", "/usr/bin/stopsrc"),
    ("lssrc", "/usr/bin/lssrc"),
    ("refresh", "/usr/bin/refresh"),
    ("bootlist", "/usr/bin/bootlist"),
    ("ifconfig", "/usr/sbin/ifconfig"),
    ("df", "/usr/bin/df"),
    ("chfs", "/usr/sbin/chfs"),
    ("mvdir", "/usr/sbin/mvdir"),
    ("sync", "/usr/sbin/sync"),
    ("shutdown", "/usr/sbin/shutdown"),
];

/// Whether `name` is a simulated command.
pub fn is_command(name: &str) -> bool {
    COMMANDS.iter().any(|(n, _)| *n == name)
}

/// Runs command `cmd` with its arguments (argv[0] excluded); the flag says whether the
/// state changed and must be saved.
pub fn run(cmd: &str, state: &mut State, args: &[String]) -> (Outcome, bool) {
    let read_only = |out: Outcome| (out, false);
    match cmd {
        "lsnim" => read_only(lsnim::run(state, args)),
        "nim" => nim::run(state, args),
        "nim_master_setup" => master::setup(state, args),
        "niminit" => master::niminit(state, args),
        "mknfsexp" => nfs::mknfsexp(state, args),
        "chnfsexp" => nfs::chnfsexp(state, args),
        "rmnfsexp" => nfs::rmnfsexp(state, args),
        "lsnfsexp" => read_only(nfs::lsnfsexp(state, args)),
        "exportfs" => nfs::exportfs(state, args),
        "chnfs" => nfs::chnfs(state, args),
        "chnfsdom" => nfs::chnfsdom(state, args),
        "startsrc" => src_ctl::startsrc(state, args),
        "stopsrc" => src_ctl::stopsrc(state, args),
        "lssrc" => read_only(src_ctl::lssrc(state, args)),
        "refresh" => read_only(src_ctl::refresh(state, args)),
        "bootlist" => host::bootlist(state, args),
        "ifconfig" => read_only(ifconfig::ifconfig(args)),
        "df" => read_only(disk::df(state, args)),
        "chfs" => disk::chfs(state, args),
        "mvdir" => read_only(host::mvdir(args)),
        "sync" => read_only(Outcome::ok("")),
        "shutdown" => host::shutdown(state, args),
        _ => read_only(Outcome::fail(
            127,
            format!("nimsim: {cmd}: not a simulated command"),
        )),
    }
}
