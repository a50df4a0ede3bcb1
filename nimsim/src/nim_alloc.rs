//! Resource allocation: `allocate`, `deallocate`, `dkls_init` / `dtls_init` (which refuse
//! to run without a spot, a paging resource for diskless, and a root or shared_root) and
//! `bos_inst`. Allocation counts live on the resources (`alloc_count`), the allocations
//! on the machine (one attribute per resource type, as `lsnim -l` shows them).

use crate::clientfiles;
use crate::nim::Request;
use crate::nim_exports;
use crate::nimerr::{self, NimError};
use crate::objects::{BOS_ENABLED, DKLS_INITIALIZING, READY_FOR_OPERATION, RESOURCE_TYPES};
use crate::store::State;

/// Scalar (non-resource) attributes dkls_init / dtls_init accept.
const INIT_SCALARS: &[&str] = &[
    "size",
    "sparse_paging",
    "configdump",
    "dump_iscsi_port",
    "verbose",
    "group",
];

/// Resource types a machine may hold several of (nimnodeset passes `-a script=` and
/// `-a installp_bundle=` once per item).
const MULTIPLE: &[&str] = &["script", "installp_bundle", "fix_bundle"];

fn is_allocatable(attr: &str) -> bool {
    RESOURCE_TYPES.contains(&attr) && attr != "boot" && attr != "nim_script"
}

/// Allocates resource `name` of type `rtype` to `machine`. Types in `MULTIPLE` may be
/// allocated several times (one attribute line each); others once.
fn allocate_one(state: &mut State, machine: &str, rtype: &str, name: &str) -> Result<(), NimError> {
    match state.objects.get(name) {
        Some(r) if r.class == "resources" && r.otype == rtype => {}
        Some(_) => return Err(nimerr::wrong_type(name, rtype)),
        None => return Err(nimerr::no_object(name)),
    }
    let Some(m) = state.objects.get_mut(machine) else {
        return Err(nimerr::no_object(machine));
    };
    let held = m
        .attrs
        .iter()
        .any(|(k, v)| k == rtype && (v == name || !MULTIPLE.contains(&rtype)));
    if held {
        return Err(nimerr::already_allocated(rtype, machine));
    }
    m.attrs.push((rtype.to_string(), name.to_string()));
    if let Some(r) = state.objects.get_mut(name) {
        let count = r.alloc_count() + 1;
        r.set("alloc_count", count.to_string());
    }
    nim_exports::add(state, machine, rtype, name);
    Ok(())
}

/// Gives back the allocation of resource `name` (type `rtype`) by `machine`; false when
/// the machine does not hold it.
fn release_one(state: &mut State, machine: &str, rtype: &str, name: &str) -> bool {
    let held = state
        .objects
        .get(machine)
        .is_some_and(|m| m.attrs.iter().any(|(k, v)| k == rtype && v == name));
    if !held {
        return false;
    }
    nim_exports::remove(state, machine, rtype, name);
    if let Some(m) = state.objects.get_mut(machine) {
        m.attrs.retain(|(k, v)| !(k == rtype && v == name));
    }
    if let Some(r) = state.objects.get_mut(name) {
        let count = r.alloc_count().saturating_sub(1);
        r.set("alloc_count", count.to_string());
    }
    true
}

/// Gives back every allocation of `machine` and removes the client files NIM made.
pub fn release_all(state: &mut State, machine: &str) {
    clientfiles::remove(state, machine);
    let held: Vec<(String, String)> = match state.objects.get(machine) {
        Some(m) => m
            .attrs
            .iter()
            .filter(|(k, _)| is_allocatable(k))
            .cloned()
            .collect(),
        None => return,
    };
    for (rtype, name) in held {
        release_one(state, machine, &rtype, &name);
    }
}

fn machine_of<'a>(
    state: &'a State,
    req: &Request,
) -> Result<&'a crate::objects::NimObject, NimError> {
    match state.objects.get(&req.target) {
        Some(m) if m.class == "machines" && m.otype != "master" => Ok(m),
        Some(_) => Err(nimerr::bad_operation(&req.op, &req.target)),
        None => Err(nimerr::no_object(&req.target)),
    }
}

/// `allocate -a <type>=<resource> …`.
pub fn allocate(state: &mut State, req: &Request) -> Result<(), NimError> {
    machine_of(state, req)?;
    for (k, v) in &req.attrs {
        if !is_allocatable(k) {
            return Err(nimerr::bad_attr(k, "allocate"));
        }
        allocate_one(state, &req.target, k, v)?;
    }
    Ok(())
}

/// `deallocate -a subclass=all` or `-a <type>=<resource> …`.
pub fn deallocate(state: &mut State, req: &Request) -> Result<(), NimError> {
    machine_of(state, req)?;
    for (k, v) in &req.attrs {
        if k == "subclass" && v == "all" {
            release_all(state, &req.target);
            continue;
        }
        if !is_allocatable(k) || !release_one(state, &req.target, k, v) {
            return Err(nimerr::bad_value(k, v));
        }
    }
    Ok(())
}

/// `dkls_init` (diskless machines) and `dtls_init` (dataless machines).
pub fn init_diskless(state: &mut State, req: &Request) -> Result<(), NimError> {
    let machine = machine_of(state, req)?;
    let want = if req.op == "dkls_init" {
        "diskless"
    } else {
        "dataless"
    };
    if machine.otype != want {
        return Err(nimerr::bad_operation(&req.op, &req.target));
    }
    check_ready(machine, req)?;
    if req.attr("spot").is_none() {
        return Err(nimerr::missing_attr("spot", &req.op));
    }
    if req.op == "dkls_init" && req.attr("paging").is_none() {
        return Err(nimerr::missing_attr("paging", &req.op));
    }
    if req.attr("root").is_none() && req.attr("shared_root").is_none() {
        return Err(nimerr::missing_one_of(&["root", "shared_root"], &req.op));
    }
    for (k, v) in &req.attrs {
        if is_allocatable(k) {
            allocate_one(state, &req.target, k, v)?;
        } else if !INIT_SCALARS.contains(&k.as_str()) {
            return Err(nimerr::bad_attr(k, &req.op));
        }
    }
    set_cstate(state, &req.target, READY_FOR_OPERATION, DKLS_INITIALIZING);
    clientfiles::write(state, &req.target);
    Ok(())
}

/// `bos_inst`: standalone machines; a spot and an lpp_source (source=rte, the default)
/// or a mksysb (source=mksysb).
pub fn bos_inst(state: &mut State, req: &Request) -> Result<(), NimError> {
    let machine = machine_of(state, req)?;
    if machine.otype != "standalone" {
        return Err(nimerr::bad_operation("bos_inst", &req.target));
    }
    check_ready(machine, req)?;
    let source = req.attr("source").unwrap_or("rte");
    let needed = match source {
        "rte" => "lpp_source",
        "mksysb" => "mksysb",
        other => return Err(nimerr::bad_value("source", other)),
    };
    for attr in ["spot", needed] {
        if req.attr(attr).is_none() {
            return Err(nimerr::missing_attr(attr, "bos_inst"));
        }
    }
    for (k, v) in req.attrs.iter().filter(|(k, _)| is_allocatable(k)) {
        allocate_one(state, &req.target, k, v)?;
    }
    set_cstate(state, &req.target, BOS_ENABLED, READY_FOR_OPERATION);
    Ok(())
}

fn check_ready(machine: &crate::objects::NimObject, req: &Request) -> Result<(), NimError> {
    let cstate = machine.get("Cstate").unwrap_or(READY_FOR_OPERATION);
    if !req.force && cstate != READY_FOR_OPERATION {
        return Err(nimerr::not_ready(&req.target, cstate));
    }
    Ok(())
}

fn set_cstate(state: &mut State, machine: &str, cstate: &str, prev: &str) {
    if let Some(m) = state.objects.get_mut(machine) {
        m.set("Cstate", cstate);
        m.set("prev_state", prev);
    }
}
