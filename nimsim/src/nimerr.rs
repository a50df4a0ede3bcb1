//! NIM's error messages: `0042-NNN <command>: <text>` on stderr, and — as NIM commands
//! do — the three-digit code NNN as the exit status. The codes and texts the simulator
//! uses are all here, so callers never spell one twice.

use crate::outcome::Outcome;

/// One NIM error: code and text (without the `0042-NNN cmd:` prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NimError {
    pub code: u16,
    pub text: String,
}

impl NimError {
    fn new(code: u16, text: String) -> Self {
        NimError { code, text }
    }

    /// The failing outcome of `cmd` with this error.
    pub fn outcome(&self, cmd: &str) -> Outcome {
        Outcome::fail(
            i32::from(self.code),
            format!("0042-{:03} {cmd}: {}", self.code, self.text),
        )
    }
}

/// 0042-027: NIM is not configured on this host (`nim_master_setup` never ran).
pub fn not_configured() -> NimError {
    NimError::new(
        27,
        "the NIM master is not configured; use nim_master_setup to configure it".into(),
    )
}

/// 0042-053: the named object does not exist.
pub fn no_object(name: &str) -> NimError {
    NimError::new(53, format!("there is no NIM object named \"{name}\""))
}

/// 0042-032: an object with that name already exists.
pub fn already_exists(name: &str) -> NimError {
    NimError::new(32, format!("a NIM object named \"{name}\" already exists"))
}

/// 0042-041: a required attribute is missing for the operation.
pub fn missing_attr(attr: &str, op: &str) -> NimError {
    NimError::new(
        41,
        format!("the \"{attr}\" attribute is required for the \"{op}\" operation"),
    )
}

/// 0042-041 variant for "one of": dkls_init needs root or shared_root.
pub fn missing_one_of(attrs: &[&str], op: &str) -> NimError {
    let list = attrs
        .iter()
        .map(|a| format!("\"{a}\""))
        .collect::<Vec<_>>()
        .join(" or ");
    NimError::new(
        41,
        format!("one of the {list} attributes is required for the \"{op}\" operation"),
    )
}

/// 0042-023: an unknown NIM type.
pub fn bad_type(otype: &str) -> NimError {
    NimError::new(23, format!("\"{otype}\" is not a valid NIM object type"))
}

/// 0042-022: an unknown NIM class.
pub fn bad_class(class: &str) -> NimError {
    NimError::new(22, format!("\"{class}\" is not a valid NIM object class"))
}

/// 0042-024: an operation NIM does not know, or not valid for this object's type.
pub fn bad_operation(op: &str, name: &str) -> NimError {
    NimError::new(
        24,
        format!("\"{op}\" is not a valid operation for \"{name}\""),
    )
}

/// 0042-069: a resource that is allocated cannot be removed.
pub fn allocated(name: &str) -> NimError {
    NimError::new(
        69,
        format!("the \"{name}\" resource is currently allocated for client use"),
    )
}

/// 0042-081: a resource of that type is already allocated to the machine.
pub fn already_allocated(rtype: &str, machine: &str) -> NimError {
    NimError::new(
        81,
        format!("a resource of type \"{rtype}\" is already allocated to \"{machine}\""),
    )
}

/// 0042-101: the object named for an attribute is not of the expected type.
pub fn wrong_type(name: &str, expected: &str) -> NimError {
    NimError::new(
        101,
        format!("\"{name}\" is not a NIM resource of type \"{expected}\""),
    )
}

/// 0042-104: no NIM network contains the client's address (`find_net`).
pub fn no_network(host: &str) -> NimError {
    NimError::new(
        104,
        format!("unable to find a NIM network for the address of \"{host}\""),
    )
}

/// 0042-103: a host name that does not resolve.
pub fn unresolvable(host: &str) -> NimError {
    NimError::new(103, format!("unable to resolve the host name \"{host}\""))
}

/// 0042-109: an attribute value NIM rejects.
pub fn bad_value(attr: &str, value: &str) -> NimError {
    NimError::new(
        109,
        format!("\"{value}\" is not a valid value for the \"{attr}\" attribute"),
    )
}

/// 0042-157: the machine is in a state that does not allow the operation (use -F).
pub fn not_ready(name: &str, cstate: &str) -> NimError {
    NimError::new(157, format!("the machine \"{name}\" is not ready for this operation (Cstate = {cstate}); use the force option"))
}

/// 0042-158: removing something others depend on (the master, a network in use).
pub fn in_use(name: &str, by: &str) -> NimError {
    NimError::new(
        158,
        format!("\"{name}\" cannot be removed because it is used by \"{by}\""),
    )
}

/// 0042-110: an attribute the operation does not take.
pub fn bad_attr(attr: &str, op: &str) -> NimError {
    NimError::new(
        110,
        format!("\"{attr}\" is not a valid attribute for the \"{op}\" operation"),
    )
}
