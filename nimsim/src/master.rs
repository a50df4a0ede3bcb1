//! NIM master and client set-up: `nim_master_setup` (creates `master`, `boot`,
//! `nim_script` and `master_net` from the host's first IPv4 interface, starts nimesis)
//! and `niminit` (a client's `/etc/niminfo`: name and master).

use crate::args;
use crate::ifconfig;
use crate::objects::{NimObject, READY_FOR_OPERATION, READY_FOR_USE, RUNNING};
use crate::outcome::Outcome;
use crate::src_ctl::Subsystem;
use crate::store::State;

const SETUP_USAGE: &str = "Usage: nim_master_setup [-a mk_resource=yes|no] [-a file_system=fs] [-a device=dev] [-a volume_group=vg] [-B] [-v]";
const NIMINIT_USAGE: &str = "Usage: niminit -a name=Name -a master=MasterHost [-a attr=value ...]";

/// `nim_master_setup`: configures NIM once; a second run says so and changes nothing.
pub fn setup(state: &mut State, argv: &[String]) -> (Outcome, bool) {
    let parsed = match args::parse("nim_master_setup", argv, "a:Bv", SETUP_USAGE) {
        Ok(p) => p,
        Err(out) => return (out, false),
    };
    for word in parsed.values('a') {
        if args::split_assignment(word).is_none() {
            return (
                args::usage_error(
                    "nim_master_setup",
                    &format!("bad attribute {word}"),
                    SETUP_USAGE,
                ),
                false,
            );
        }
    }
    if state.nim_configured() {
        return (Outcome::ok("NIM master is already configured.\n"), false);
    }
    let hostname = host_name();
    let (net, mask) = ifconfig::primary_ipv4().map_or(
        ("127.0.0.0".to_string(), "255.0.0.0".to_string()),
        |(ip, mask)| {
            (
                crate::resolve::network_of(ip, mask).to_string(),
                mask.to_string(),
            )
        },
    );
    let mut master = new_object(state, "master", "machines");
    for (k, v) in [
        ("max_nimesis_threads", "20"),
        ("if_defined", "chrp.64.ent"),
        ("comments", "machine which controls the NIM environment"),
        ("platform", "chrp"),
        ("netboot_kernel", "64"),
        ("if1", &format!("master_net {hostname} 0")),
        ("cable_type1", "N/A"),
        ("Cstate", READY_FOR_OPERATION),
        ("prev_state", READY_FOR_OPERATION),
        ("Mstate", RUNNING),
        ("serves", "boot"),
    ] {
        master.set(k, v);
    }
    state.objects.insert("master".into(), master);
    for (name, location) in [("boot", "/tftpboot"), ("nim_script", "/export/nim/scripts")] {
        let mut res = new_object(state, name, "resources");
        for (k, v) in [
            ("Rstate", READY_FOR_USE),
            ("prev_state", READY_FOR_USE),
            ("location", location),
            ("alloc_count", "0"),
            ("server", "master"),
        ] {
            res.set(k, v);
        }
        state.objects.insert(name.into(), res);
    }
    let mut net_obj = new_object(state, "ent", "networks");
    net_obj.set("Nstate", READY_FOR_USE);
    net_obj.set("prev_state", READY_FOR_USE);
    net_obj.set("net_addr", net);
    net_obj.set("snm", mask);
    state.objects.insert("master_net".into(), net_obj);
    state
        .subsystems
        .insert("nimesis".into(), Subsystem::active("nim"));
    let out = format!("#######################################################################\n\n  NIM master setup on {hostname} complete.\n  Resources were not created (mk_resource=no).\n\n#######################################################################\n");
    (Outcome::ok(out), true)
}

fn new_object(state: &mut State, otype: &str, class: &str) -> NimObject {
    let order = state.take_order();
    NimObject::new(otype, class, order)
}

/// `niminit -a name=<n> -a master=<host>`: makes this host a NIM client of `master`.
pub fn niminit(state: &mut State, argv: &[String]) -> (Outcome, bool) {
    let parsed = match args::parse("niminit", argv, "a:", NIMINIT_USAGE) {
        Ok(p) => p,
        Err(out) => return (out, false),
    };
    let mut info = std::collections::BTreeMap::new();
    for word in parsed.values('a') {
        match args::split_assignment(word) {
            Some((k, v)) => info.insert(k.to_string(), v.to_string()),
            None => {
                return (
                    args::usage_error("niminit", &format!("bad attribute {word}"), NIMINIT_USAGE),
                    false,
                )
            }
        };
    }
    for required in ["name", "master"] {
        if info.get(required).is_none_or(|v| v.is_empty()) {
            return (
                crate::nimerr::missing_attr(required, "niminit").outcome("niminit"),
                false,
            );
        }
    }
    state.niminfo = info;
    (Outcome::ok(""), true)
}

/// This host's name: `NIMSIM_HOSTNAME`, else the UTS host name (each simulated host
/// should have its own UTS namespace), else `master`.
fn host_name() -> String {
    if let Ok(name) = std::env::var("NIMSIM_HOSTNAME") {
        if !name.is_empty() {
            return name;
        }
    }
    nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_else(|| "master".into())
}
