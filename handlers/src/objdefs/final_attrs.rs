//! The attributes mkdef/chdef apply (stock CLIATTRS/FILEATTRS → FINALATTRS):
//! command-line `attr=val` pairs for each named object, or stanza objects;
//! names are checked against the type, `nicX.nic=` pairs are collapsed
//! (chdef keeps the object's other NICs).

use super::args::{Cmd, Plan};
use super::cache::Cache;
use super::out::Out;
use super::read::{ReadOpts, Reader};
use super::{nics, spec};
use crate::api::HandlerError;
use std::collections::{BTreeMap, BTreeSet};
use xcat_schema::db::Conn;

/// One object to create or change; `attrs` includes `objtype`.
#[derive(Debug, Clone)]
pub struct FinalObj {
    pub name: String,
    pub attrs: BTreeMap<String, String>,
}

impl FinalObj {
    pub fn objtype(&self) -> &str {
        self.attrs.get("objtype").map(String::as_str).unwrap_or("")
    }

    /// The write request for this object (every attribute but `objtype`).
    pub fn write_req(&self) -> super::write::WriteReq {
        super::write::WriteReq {
            name: self.name.clone(),
            type_name: self.objtype().to_string(),
            attrs: self
                .attrs
                .iter()
                .filter(|(k, _)| *k != "objtype")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }
}

/// Result of building the final attributes.
pub struct Finals {
    pub objs: Vec<FinalObj>,
    /// An error was reported (stock `$error`).
    pub error: bool,
}

/// Validate command-line attributes for each named object (stock: inside
/// defmk/defch before setFINALattrs).  Returns the per-object CLI attrs.
pub fn cli_attrs(p: &Plan, out: &mut Out) -> Result<(Vec<FinalObj>, bool), HandlerError> {
    let mut error = false;
    let mut objs = Vec::new();
    let t = p.types.first().cloned().unwrap_or_default();
    if p.attrs.is_empty() && p.opts.types.as_deref() != Some("group") {
        return Ok((objs, false));
    }
    let def = spec::def(&t);
    let mut reported: BTreeSet<String> = BTreeSet::new();
    let mut valid: BTreeMap<String, String> = BTreeMap::new();
    for (a, v) in &p.attrs {
        let ok = spec::free_form(&t) || def.is_some_and(|d| spec::is_valid_attr(d, a));
        if ok {
            valid.insert(a.clone(), v.clone());
        } else {
            error = true;
            let base = nics::split_nic_attr(a)
                .map(|(b, _)| b.to_string())
                .unwrap_or_else(|| a.clone());
            if reported.insert(base.clone()) {
                out.error(&[
                    format!("'{base}' is not a valid attribute name for an object type of '{t}'."),
                    "Skipping to the next attribute.".to_string(),
                ])?;
            }
        }
    }
    for n in &p.names {
        let mut attrs = valid.clone();
        if !t.is_empty() {
            attrs.insert("objtype".into(), t.clone());
        }
        objs.push(FinalObj {
            name: n.clone(),
            attrs,
        });
    }
    Ok((objs, error))
}

/// Stock setFINALattrs: stanza objects first, then command-line objects.
pub fn finals(
    conn: &mut Conn,
    cache: &mut Cache,
    cmd: Cmd,
    p: &Plan,
    cli: Vec<FinalObj>,
    out: &mut Out,
) -> Result<Finals, HandlerError> {
    let mut error = false;
    let mut objs: Vec<FinalObj> = Vec::new();
    for so in &p.file.objects {
        let Some(t) = so.attrs.get("objtype").cloned() else {
            out.error1(format!(
                "\nNo objtype value was specified for '{}'. Cannot create object definition.",
                so.name
            ))?;
            error = true;
            continue;
        };
        let mut attrs = so.attrs.clone();
        if t == "node" || t == "group" {
            nics::collapse(&mut attrs);
        }
        let Some(def) = spec::def(&t) else {
            out.error1(format!("\nType '{t}' is not a valid xCAT object type."))?;
            error = true;
            continue;
        };
        let mut kept = BTreeMap::new();
        for (a, v) in attrs {
            if a == "objtype" || spec::free_form(&t) || spec::is_valid_attr(def, &a) {
                kept.insert(a, v);
            } else {
                // stock names the command-line type here; we name the object's
                out.error1(format!(
                    "'{a}' is not a valid attribute name for an object type of '{t}'."
                ))?;
                error = true;
            }
        }
        if t == "node" {
            kept.insert("node".into(), so.name.clone());
        }
        objs.push(FinalObj {
            name: so.name.clone(),
            attrs: kept,
        });
    }
    for mut c in cli {
        let t = c.objtype().to_string();
        if (t == "node" || t == "group")
            && c.attrs.keys().any(|k| nics::split_nic_attr(k).is_some())
        {
            if cmd == Cmd::Chdef {
                let bases: BTreeSet<String> = c
                    .attrs
                    .keys()
                    .filter_map(|k| nics::split_nic_attr(k).map(|(b, _)| b.to_string()))
                    .collect();
                let mut r = Reader::new(conn, cache);
                let cur = r.read_one(
                    &t,
                    &c.name,
                    &ReadOpts {
                        wanted: Some(bases.clone()),
                        ..Default::default()
                    },
                )?;
                for b in bases {
                    if let Some(v) = cur.attrs.get(&b) {
                        for (nic, val) in nics::entries(v) {
                            c.attrs.entry(format!("{b}.{nic}")).or_insert(val);
                        }
                    }
                }
            }
            nics::collapse(&mut c.attrs);
        }
        if t == "node" {
            c.attrs.insert("node".into(), c.name.clone());
        }
        objs.push(c);
    }
    Ok(Finals { objs, error })
}
