//! NIM objects as the simulator keeps them: class, type, ordered attributes, and the
//! catalogue of NIM classes/types and state strings (the values stock xCAT matches:
//! `Cstate =~ /ready/` at aixinstall.pm:1012, `Mstate =~ /currently running/` at
//! aixinstall.pm:13987).

use serde::{Deserialize, Serialize};

/// Cstate of a machine that can take a NIM operation.
pub const READY_FOR_OPERATION: &str = "ready for a NIM operation";
/// prev_state/Cstate while dkls_init / dtls_init runs.
pub const DKLS_INITIALIZING: &str = "diskless or dataless resources are being initialized";
/// Cstate after a bos_inst operation with boot_client=no.
pub const BOS_ENABLED: &str = "BOS installation has been enabled";
/// Mstate of a machine that is up.
pub const RUNNING: &str = "currently running";
/// Mstate of a machine that is down (every newly defined machine).
pub const NOT_RUNNING: &str = "not running";
/// Rstate of a usable resource.
pub const READY_FOR_USE: &str = "ready for use";

/// Resource types NIM knows (what `lsnim -P -c resources` lists).
pub const RESOURCE_TYPES: &[&str] = &[
    "lpp_source",
    "spot",
    "mksysb",
    "bosinst_data",
    "image_data",
    "installp_bundle",
    "script",
    "resolv_conf",
    "root",
    "shared_root",
    "paging",
    "dump",
    "home",
    "shared_home",
    "tmp",
    "boot",
    "nim_script",
    "exclude",
    "fix_bundle",
    "adapter_def",
    "savevg",
    "vg_data",
];
/// Machine types.
pub const MACHINE_TYPES: &[&str] = &[
    "master",
    "standalone",
    "diskless",
    "dataless",
    "alternate_master",
];
/// Network types.
pub const NETWORK_TYPES: &[&str] = &["ent", "hfi", "tok", "fddi", "atm", "generic"];
/// Group types.
pub const GROUP_TYPES: &[&str] = &["mac_group", "res_group"];

/// Resources whose location NIM creates below the given directory as `<dir>/<name>/usr`.
const SPOT_LIKE: &[&str] = &["spot"];

/// The class a type belongs to, or None for an unknown type.
pub fn class_of(otype: &str) -> Option<&'static str> {
    if MACHINE_TYPES.contains(&otype) {
        Some("machines")
    } else if NETWORK_TYPES.contains(&otype) {
        Some("networks")
    } else if GROUP_TYPES.contains(&otype) {
        Some("groups")
    } else if RESOURCE_TYPES.contains(&otype) {
        Some("resources")
    } else {
        None
    }
}

/// Whether a resource type is laid out by NIM as `<location>/<name>/usr` (a SPOT).
pub fn is_spot_like(otype: &str) -> bool {
    SPOT_LIKE.contains(&otype)
}

/// One NIM object (machine, network, resource or group).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct NimObject {
    pub class: String,
    #[serde(rename = "type")]
    pub otype: String,
    /// Definition order (NIM lists objects in the order its ODM holds them).
    pub order: u64,
    /// Attributes in display order (`lsnim -l`), class and type excluded.
    pub attrs: Vec<(String, String)>,
}

impl NimObject {
    /// A new object of a known type.
    pub fn new(otype: &str, class: &str, order: u64) -> Self {
        NimObject {
            class: class.to_string(),
            otype: otype.to_string(),
            order,
            attrs: Vec::new(),
        }
    }

    /// An attribute value; `class` and `type` are attributes too, as lsnim shows them.
    pub fn get(&self, name: &str) -> Option<&str> {
        match name {
            "class" => Some(&self.class),
            "type" => Some(&self.otype),
            _ => self
                .attrs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str()),
        }
    }

    /// Sets an attribute, keeping its place when it already exists.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self.attrs.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value,
            None => self.attrs.push((name.to_string(), value)),
        }
    }

    /// Removes an attribute; returns its old value.
    pub fn unset(&mut self, name: &str) -> Option<String> {
        let pos = self.attrs.iter().position(|(k, _)| k == name)?;
        Some(self.attrs.remove(pos).1)
    }

    /// All attributes including class and type, in display order.
    pub fn all_attrs(&self) -> Vec<(String, String)> {
        let mut all = vec![
            ("class".to_string(), self.class.clone()),
            ("type".to_string(), self.otype.clone()),
        ];
        all.extend(self.attrs.iter().cloned());
        all
    }

    /// The resource's allocation count (0 when not a resource or never allocated).
    pub fn alloc_count(&self) -> u64 {
        self.get("alloc_count")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// The smallest free index N such that `<prefix>N` is unset (what `lsnim -A` prints).
    pub fn next_index(&self, prefix: &str) -> u32 {
        (1..)
            .find(|i| self.get(&format!("{prefix}{i}")).is_none())
            .unwrap_or(1)
    }

    /// Members of a group (`member` attributes, in order).
    pub fn members(&self) -> Vec<String> {
        self.attrs
            .iter()
            .filter(|(k, _)| k.starts_with("member"))
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// True for the attributes whose value NIM shows as several colon fields under `lsnim -Z`
/// (`if1 = net host mac ent` → `net:host:mac:ent`; `routing1 = default gw` →
/// `default:gw`), as xcat2nim.pm:1622 and :1649 split them.
pub fn is_multi_field(attr: &str) -> bool {
    ["if", "routing", "net_definition", "net_settings"]
        .iter()
        .any(|p| {
            attr.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.chars().all(|c| c.is_ascii_digit()))
        })
}
