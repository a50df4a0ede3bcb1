//! `nim -o define` and `nim -o change`: the attributes each class requires, `find_net`
//! resolved to the NIM network holding the client's address, SPOT locations laid out as
//! `<location>/<name>/usr`, group membership (`add_member` / `rm_member`).

use crate::nim::Request;
use crate::nimerr::{self, NimError};
use crate::objects::{self, NimObject, NOT_RUNNING, READY_FOR_OPERATION, READY_FOR_USE};
use crate::resolve;
use crate::store::State;

/// `define`: refuses a name defined twice, unknown types and missing required attributes.
pub fn define(state: &mut State, req: &Request) -> Result<(), NimError> {
    let name = req.target.as_str();
    if state.objects.contains_key(name) {
        return Err(nimerr::already_exists(name));
    }
    let Some(otype) = req.otype.as_deref() else {
        return Err(nimerr::missing_attr("type", "define"));
    };
    let Some(class) = objects::class_of(otype) else {
        return Err(nimerr::bad_type(otype));
    };
    let order = state.take_order();
    let mut obj = NimObject::new(otype, class, order);
    match class {
        "machines" => define_machine(state, req, &mut obj)?,
        "networks" => define_network(req, &mut obj)?,
        "resources" => define_resource(state, req, &mut obj)?,
        _ => define_group(state, req, &mut obj)?,
    }
    state.objects.insert(name.to_string(), obj);
    Ok(())
}

fn define_machine(state: &State, req: &Request, obj: &mut NimObject) -> Result<(), NimError> {
    if obj.otype == "master" || obj.otype == "alternate_master" {
        return Err(nimerr::bad_operation("define", &req.target));
    }
    if req.attr("if1").is_none() {
        return Err(nimerr::missing_attr("if1", "define"));
    }
    for (k, v) in &req.attrs {
        let value = if k.starts_with("if") && objects::is_multi_field(k) {
            interface(state, k, v)?
        } else {
            v.clone()
        };
        obj.set(k, value);
    }
    obj.set("Cstate", READY_FOR_OPERATION);
    obj.set("prev_state", READY_FOR_OPERATION);
    obj.set("Mstate", NOT_RUNNING);
    Ok(())
}

/// An `if<N>` value `network host mac [adapter]` with `find_net` replaced by the network
/// that holds the host's address.
fn interface(state: &State, attr: &str, value: &str) -> Result<String, NimError> {
    let words: Vec<&str> = value.split_whitespace().collect();
    let [net, host, rest @ ..] = words.as_slice() else {
        return Err(nimerr::bad_value(attr, value));
    };
    let network = if *net == "find_net" {
        let ip = resolve::ipv4_of(host).ok_or_else(|| nimerr::unresolvable(host))?;
        let mut networks: Vec<(&String, &NimObject)> = state
            .objects
            .iter()
            .filter(|(_, o)| o.class == "networks")
            .collect();
        networks.sort_by_key(|(_, o)| o.order);
        let found = networks.into_iter().find(|(_, o)| {
            resolve::in_subnet(
                ip,
                o.get("net_addr").unwrap_or(""),
                o.get("snm").unwrap_or(""),
            )
        });
        found
            .map(|(n, _)| n.clone())
            .ok_or_else(|| nimerr::no_network(host))?
    } else {
        match state.objects.get(*net) {
            Some(o) if o.class == "networks" => net.to_string(),
            _ => return Err(nimerr::no_object(net)),
        }
    };
    if let Some(hw) = rest.first() {
        if !is_hardware_address(hw) {
            return Err(nimerr::bad_value(attr, value));
        }
    }
    let mut fields = vec![network, host.to_string()];
    fields.extend(rest.iter().map(|w| w.to_string()));
    Ok(fields.join(" "))
}

fn define_network(req: &Request, obj: &mut NimObject) -> Result<(), NimError> {
    for attr in ["net_addr", "snm"] {
        let value = req
            .attr(attr)
            .ok_or_else(|| nimerr::missing_attr(attr, "define"))?;
        if value.parse::<std::net::Ipv4Addr>().is_err() {
            return Err(nimerr::bad_value(attr, value));
        }
    }
    for (k, v) in &req.attrs {
        obj.set(k, v.clone());
    }
    obj.set("Nstate", READY_FOR_USE);
    Ok(())
}

fn define_resource(state: &State, req: &Request, obj: &mut NimObject) -> Result<(), NimError> {
    if ["boot", "nim_script"].contains(&obj.otype.as_str()) {
        return Err(nimerr::bad_operation("define", &req.target));
    }
    let server = req
        .attr("server")
        .ok_or_else(|| nimerr::missing_attr("server", "define"))?;
    if state
        .objects
        .get(server)
        .is_none_or(|o| o.class != "machines")
    {
        return Err(nimerr::no_object(server));
    }
    let location = req
        .attr("location")
        .ok_or_else(|| nimerr::missing_attr("location", "define"))?;
    if !location.starts_with('/') {
        return Err(nimerr::bad_value("location", location));
    }
    if obj.otype == "shared_root" {
        let spot = req
            .attr("spot")
            .ok_or_else(|| nimerr::missing_attr("spot", "define"))?;
        match state.objects.get(spot) {
            Some(o) if o.otype == "spot" => {}
            Some(_) => return Err(nimerr::wrong_type(spot, "spot")),
            None => return Err(nimerr::no_object(spot)),
        }
    }
    obj.set("Rstate", READY_FOR_USE);
    obj.set("prev_state", READY_FOR_USE);
    let location = if objects::is_spot_like(&obj.otype) {
        format!("{}/{}/usr", location.trim_end_matches('/'), req.target)
    } else {
        location.to_string()
    };
    obj.set("location", location);
    for (k, v) in req.attrs.iter().filter(|(k, _)| k != "location") {
        obj.set(k, v.clone());
    }
    obj.set("alloc_count", "0");
    Ok(())
}

fn define_group(state: &State, req: &Request, obj: &mut NimObject) -> Result<(), NimError> {
    for (k, v) in &req.attrs {
        if k == "add_member" {
            add_member(state, obj, v)?;
        } else {
            obj.set(k, v.clone());
        }
    }
    Ok(())
}

fn add_member(state: &State, group: &mut NimObject, member: &str) -> Result<(), NimError> {
    let want = if group.otype == "mac_group" {
        "machines"
    } else {
        "resources"
    };
    match state.objects.get(member) {
        Some(o) if o.class == want => {}
        _ => return Err(nimerr::no_object(member)),
    }
    if !group.members().iter().any(|m| m == member) {
        let index = group.next_index("member");
        group.set(&format!("member{index}"), member);
    }
    Ok(())
}

/// `change`: sets attributes (an empty value removes one), resolves `find_net` in
/// interfaces, and adds or removes group members.
pub fn change(state: &mut State, req: &Request) -> Result<(), NimError> {
    let Some(mut obj) = state.objects.get(&req.target).cloned() else {
        return Err(nimerr::no_object(&req.target));
    };
    for (k, v) in &req.attrs {
        match k.as_str() {
            "add_member" if obj.class == "groups" => add_member(state, &mut obj, v)?,
            "rm_member" if obj.class == "groups" => obj
                .attrs
                .retain(|(a, m)| !(a.starts_with("member") && m == v)),
            "class" | "type" | "Cstate" | "Mstate" | "Rstate" | "alloc_count" => {
                return Err(nimerr::bad_attr(k, "change"))
            }
            _ if v.is_empty() => {
                obj.unset(k);
            }
            _ if k.starts_with("if") && objects::is_multi_field(k) => {
                let value = interface(state, k, v)?;
                obj.set(k, value);
            }
            _ => obj.set(k, v.clone()),
        }
    }
    state.objects.insert(req.target.clone(), obj);
    Ok(())
}

/// An interface's hardware address as NIM accepts it: `0` (unknown), 12 hex digits, or
/// an IPv6 link-local address (what stock puts there for `ent6`, aixinstall.pm:904).
fn is_hardware_address(word: &str) -> bool {
    word == "0"
        || (word.len() == 12 && word.chars().all(|c| c.is_ascii_hexdigit()))
        || (word.contains(':') && word.parse::<std::net::Ipv6Addr>().is_ok())
}
