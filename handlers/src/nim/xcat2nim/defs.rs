//! The xCAT definitions behind the named objects (stock `getobjdefs` and
//! `getGroupMembers`): per node its service nodes, MAC and address; per group
//! its members and type; per network its address, mask and gateway; and
//! `site.nimprime` / `site.master`.  One read; objects that are not defined
//! are left out.

use super::objects::Named;
use crate::api::HandlerError;
use crate::objdefs::{cache::Cache, groups, list, read::ReadOpts, read::Reader};
use std::collections::BTreeSet;
use xcat_schema::db::Conn;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeDef {
    pub name: String,
    pub servicenode: Option<String>,
    pub mac: Option<String>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupDef {
    pub name: String,
    pub members: Vec<String>,
    pub dynamic: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetDef {
    pub name: String,
    pub net: String,
    pub mask: String,
    pub gateway: String,
}

#[derive(Debug, Clone, Default)]
pub struct Defs {
    /// Node objects in command order.
    pub nodes: Vec<NodeDef>,
    /// Group and network objects by name.
    pub groups: Vec<GroupDef>,
    pub networks: Vec<NetDef>,
    /// `site.nimprime`, else `site.master`, cut to the short name.
    pub nimprime: Option<String>,
}

impl Defs {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.groups.is_empty() && self.networks.is_empty()
    }

    /// Node objects plus group members, each once, in order (who needs a
    /// service node's attention).
    pub fn involved_nodes(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let all = self.nodes.iter().map(|n| &n.name);
        let members = self.groups.iter().flat_map(|g| g.members.iter());
        all.chain(members)
            .filter(|n| seen.insert(n.as_str()))
            .cloned()
            .collect()
    }
}

fn wanted(names: &[&str]) -> ReadOpts {
    ReadOpts {
        wanted: Some(names.iter().map(|s| s.to_string()).collect()),
        ..ReadOpts::default()
    }
}

/// Read the definitions of `named`.
pub fn load(conn: &mut Conn, named: &Named) -> Result<Defs, HandlerError> {
    let mut cache = Cache::new();
    let known_nodes = list::objects_of_type(conn, &mut cache, "node")?;
    let known_groups = list::objects_of_type(conn, &mut cache, "group")?;
    let known_nets = list::objects_of_type(conn, &mut cache, "network")?;
    let mut defs = Defs::default();
    let mut r = Reader::new(conn, &mut cache);
    let site = |r: &mut Reader, k: &str| -> Result<Option<String>, HandlerError> {
        Ok(r.site_value(k)?.filter(|v| !v.trim().is_empty()))
    };
    defs.nimprime = match site(&mut r, "nimprime")? {
        Some(v) => Some(v),
        None => site(&mut r, "master")?,
    }
    .map(|v| crate::nim::site::short_host(v.trim()));
    let mut group_names = BTreeSet::new();
    let mut net_names = BTreeSet::new();
    for (name, ty) in &named.objects {
        match ty.as_str() {
            "node" if known_nodes.contains(name) && defs.nodes.iter().all(|n| &n.name != name) => {
                defs.nodes.push(node(&mut r, name)?);
            }
            "group" if known_groups.contains(name) => {
                group_names.insert(name.clone());
            }
            "network" if known_nets.contains(name) => {
                net_names.insert(name.clone());
            }
            _ => {}
        }
    }
    for g in group_names {
        defs.groups.push(group(&mut r, &g)?);
    }
    for n in net_names {
        defs.networks.push(network(&mut r, &n)?);
    }
    Ok(defs)
}

fn node(r: &mut Reader, name: &str) -> Result<NodeDef, HandlerError> {
    let o = r.read_one("node", name, &wanted(&["servicenode", "mac", "ip"]))?;
    let get = |k: &str| o.attrs.get(k).filter(|v| !v.is_empty()).cloned();
    Ok(NodeDef {
        name: name.to_string(),
        servicenode: get("servicenode"),
        mac: get("mac"),
        ip: get("ip"),
    })
}

fn group(r: &mut Reader, name: &str) -> Result<GroupDef, HandlerError> {
    let o = r.read_one("group", name, &wanted(&["grouptype", "wherevals"]))?;
    let grouptype = o.attrs.get("grouptype").map(String::as_str);
    let dynamic = grouptype == Some("dynamic");
    let wherevals = o.attrs.get("wherevals").map(String::as_str);
    let members = groups::members_value(r.conn, r.cache, name, grouptype, wherevals)?;
    Ok(GroupDef {
        name: name.to_string(),
        members: members
            .split(',')
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .collect(),
        dynamic,
    })
}

fn network(r: &mut Reader, name: &str) -> Result<NetDef, HandlerError> {
    let o = r.read_one("network", name, &wanted(&["net", "mask", "gateway"]))?;
    let get = |k: &str| o.attrs.get(k).cloned().unwrap_or_default();
    Ok(NetDef {
        name: name.to_string(),
        net: get("net"),
        mask: get("mask"),
        gateway: get("gateway"),
    })
}
