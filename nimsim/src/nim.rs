//! `nim`: parses `nim [-F] -o op [-t type] [-a attr=value …] name` and runs the
//! operation against the host's NIM objects. Object definition lives in `nim_define`,
//! allocation and initialisation (dkls_init, dtls_init, bos_inst …) in `nim_alloc`;
//! this file holds the parsing, dispatch and the small operations (change, remove,
//! reset, check, sync_roots).

use crate::args;
use crate::nimerr::{self, NimError};
use crate::objects::{self, READY_FOR_OPERATION};
use crate::outcome::Outcome;
use crate::store::State;

const SPEC: &str = "o:Ft:a:S:";
const USAGE: &str = "Usage: nim -o operation [-F] [-t type] [-a attr=value ...] name";

/// One parsed `nim` call.
#[derive(Debug)]
pub struct Request {
    pub op: String,
    pub force: bool,
    pub otype: Option<String>,
    /// `-a` attributes in command-line order (names may repeat, e.g. add_member).
    pub attrs: Vec<(String, String)>,
    pub target: String,
}

impl Request {
    /// The last value of an attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The `-o` operation of a `nim` argv, for fault matching (None when unparsable).
pub fn operation(argv: &[String]) -> Option<String> {
    args::parse("nim", argv, SPEC, USAGE)
        .ok()?
        .value('o')
        .map(str::to_string)
}

/// Runs `nim`; returns whether the state changed.
pub fn run(state: &mut State, argv: &[String]) -> (Outcome, bool) {
    let request = match parse(argv) {
        Ok(r) => r,
        Err(out) => return (out, false),
    };
    if !state.nim_configured() {
        return (nimerr::not_configured().outcome("nim"), false);
    }
    let before = (state.objects.clone(), state.nfs.clone());
    match execute(state, &request) {
        Ok(stdout) => (Outcome::ok(stdout), true),
        Err(e) => {
            (state.objects, state.nfs) = before;
            (e.outcome("nim"), false)
        }
    }
}

fn parse(argv: &[String]) -> Result<Request, Outcome> {
    let parsed = args::parse("nim", argv, SPEC, USAGE)?;
    let Some(op) = parsed.value('o') else {
        return Err(args::usage_error("nim", "the -o flag is required", USAGE));
    };
    let mut attrs = Vec::new();
    for word in parsed.values('a') {
        match args::split_assignment(word) {
            Some((k, v)) => attrs.push((k.to_string(), v.to_string())),
            None => {
                return Err(args::usage_error(
                    "nim",
                    &format!("\"{word}\" is not of the form attr=value"),
                    USAGE,
                ))
            }
        }
    }
    let target = match parsed.operands.as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(args::usage_error(
                "nim",
                "an object name is required",
                USAGE,
            ))
        }
        _ => {
            return Err(args::usage_error(
                "nim",
                "only one object name may be given",
                USAGE,
            ))
        }
    };
    Ok(Request {
        op: op.to_string(),
        force: parsed.has('F'),
        otype: parsed.value('t').map(str::to_string),
        attrs,
        target,
    })
}

/// Runs one operation; `run` restores the objects and exports when it fails, so a
/// refused operation changes nothing.
fn execute(state: &mut State, req: &Request) -> Result<String, NimError> {
    if req.op == "define" {
        return crate::nim_define::define(state, req).map(|()| String::new());
    }
    if !state.objects.contains_key(&req.target) {
        return Err(nimerr::no_object(&req.target));
    }
    match req.op.as_str() {
        "change" => crate::nim_define::change(state, req).map(|()| String::new()),
        "remove" => remove(state, req).map(|()| String::new()),
        "reset" => reset(state, req).map(|()| String::new()),
        "allocate" => crate::nim_alloc::allocate(state, req).map(|()| String::new()),
        "deallocate" => crate::nim_alloc::deallocate(state, req).map(|()| String::new()),
        "dkls_init" | "dtls_init" => {
            crate::nim_alloc::init_diskless(state, req).map(|()| String::new())
        }
        "bos_inst" => crate::nim_alloc::bos_inst(state, req).map(|()| String::new()),
        "sync_roots" => require_type(state, req, "spot").map(|()| String::new()),
        "check" => Ok(String::new()),
        _ => Err(nimerr::bad_operation(&req.op, &req.target)),
    }
}

fn require_type(state: &State, req: &Request, otype: &str) -> Result<(), NimError> {
    match state.objects.get(&req.target) {
        Some(o) if o.otype == otype => Ok(()),
        Some(_) => Err(nimerr::bad_operation(&req.op, &req.target)),
        None => Err(nimerr::no_object(&req.target)),
    }
}

/// `remove`: refused for the master, allocated resources and networks in use; a machine
/// gives its allocations back first (and leaves its groups).
fn remove(state: &mut State, req: &Request) -> Result<(), NimError> {
    let name = req.target.as_str();
    let Some(obj) = state.objects.get(name) else {
        return Err(nimerr::no_object(name));
    };
    match obj.class.as_str() {
        "machines" if obj.otype == "master" => return Err(nimerr::bad_operation("remove", name)),
        "machines" => {
            let cstate = obj.get("Cstate").unwrap_or(READY_FOR_OPERATION).to_string();
            if !req.force && cstate != READY_FOR_OPERATION {
                return Err(nimerr::not_ready(name, &cstate));
            }
            crate::nim_alloc::release_all(state, name);
            for group in state.objects.values_mut().filter(|o| o.class == "groups") {
                group
                    .attrs
                    .retain(|(k, v)| !(k.starts_with("member") && v == name));
            }
        }
        "resources" if obj.alloc_count() > 0 => return Err(nimerr::allocated(name)),
        "networks" => {
            if let Some(user) = network_user(state, name) {
                return Err(nimerr::in_use(name, &user));
            }
        }
        _ => {}
    }
    state.objects.remove(name);
    Ok(())
}

/// The first machine whose interface names this network.
fn network_user(state: &State, network: &str) -> Option<String> {
    state.objects.iter().find_map(|(n, o)| {
        let uses = o.class == "machines"
            && o.attrs.iter().any(|(k, v)| {
                objects::is_multi_field(k)
                    && k.starts_with("if")
                    && v.split_whitespace().next() == Some(network)
            });
        uses.then(|| n.clone())
    })
}

/// `reset`: back to `ready for a NIM operation`, the previous Cstate kept in prev_state.
fn reset(state: &mut State, req: &Request) -> Result<(), NimError> {
    let Some(obj) = state.objects.get_mut(&req.target) else {
        return Err(nimerr::no_object(&req.target));
    };
    if obj.class != "machines" {
        return Err(nimerr::bad_operation("reset", &req.target));
    }
    let old = obj.get("Cstate").unwrap_or(READY_FOR_OPERATION).to_string();
    if old != READY_FOR_OPERATION {
        obj.set("prev_state", old);
        obj.set("Cstate", READY_FOR_OPERATION);
    }
    Ok(())
}
