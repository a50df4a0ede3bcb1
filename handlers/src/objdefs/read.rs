//! Reading object definitions (stock getobjdefs): every attribute of a type
//! resolved in defspec order with `only_if` conditions; node objects through
//! group inheritance, hierarchical attributes and regex values, group objects
//! raw, other types by scanning their tables; site, monitoring and the two
//! log types as stock special-cases them.

use super::cache::{Cache, Table};
use super::spec;
use crate::api::HandlerError;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use xcat_schema::db::Conn;
use xcat_schema::inherit::ResolvedRow;
use xcat_schema::objects::{AttrDef, ObjectDef};

/// One object's attributes (`objtype` not included) and, with `-V`, where
/// each value came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Obj {
    pub attrs: BTreeMap<String, String>,
    pub sources: BTreeMap<String, String>,
}

/// Options of one read.
#[derive(Debug, Clone, Default)]
pub struct ReadOpts {
    /// Only these attributes (plus what their `only_if` conditions need).
    pub wanted: Option<BTreeSet<String>>,
    /// Record value sources for `-V`.
    pub verbose: bool,
    /// Group objects are read raw; `true` forces raw reads for nodes too.
    pub raw: bool,
}

/// Node/group attribute resolver bound to one command's cache.
pub struct Reader<'a> {
    pub conn: &'a mut Conn,
    pub cache: &'a mut Cache,
}

impl<'a> Reader<'a> {
    pub fn new(conn: &'a mut Conn, cache: &'a mut Cache) -> Reader<'a> {
        Reader { conn, cache }
    }

    pub fn table(&mut self, name: &str) -> Result<Rc<Table>, HandlerError> {
        self.cache.active(self.conn, name)
    }

    /// One site key's value.
    pub fn site_value(&mut self, key: &str) -> Result<Option<String>, HandlerError> {
        let t = self.table("site")?;
        let (Some(k), Some(v)) = (t.col("key"), t.col("value")) else {
            return Ok(None);
        };
        Ok(t.rows_for(key).iter().find_map(|&i| {
            (t.get(i, k) == Some(key))
                .then(|| t.get(i, v).map(str::to_string))
                .flatten()
        }))
    }

    /// The value of one scan-path entry: the last active row matching every
    /// lookup pair.
    fn scan_value(&mut self, a: &AttrDef, name: &str) -> Result<Option<String>, HandlerError> {
        let t = self.table(spec::row_table(a))?;
        let Some(c) = t.col(a.column) else {
            return Ok(None);
        };
        let keys = spec::row_keys(a, name);
        Ok(t.rows_where(&keys)
            .last()
            .and_then(|&i| t.get(i, c))
            .map(str::to_string))
    }

    /// Read one object.
    pub fn read_one(
        &mut self,
        type_name: &str,
        name: &str,
        opts: &ReadOpts,
    ) -> Result<Obj, HandlerError> {
        match type_name {
            "site" => self.read_site(opts),
            "auditlog" | "eventlog" => self.read_log(type_name, name, opts),
            _ => {
                let Some(def) = spec::def(type_name) else {
                    return Ok(Obj::default());
                };
                let mut o = self.read_generic(def, type_name, name, opts)?;
                if type_name == "monitoring" {
                    self.add_monsettings(name, &mut o, opts)?;
                }
                Ok(o)
            }
        }
    }

    fn read_site(&mut self, opts: &ReadOpts) -> Result<Obj, HandlerError> {
        let t = self.table("site")?;
        let mut o = Obj::default();
        let (Some(k), Some(v)) = (t.col("key"), t.col("value")) else {
            return Ok(o);
        };
        for i in 0..t.rows.len() {
            if let (Some(key), Some(val)) = (t.get(i, k), t.get(i, v)) {
                o.attrs.insert(key.to_string(), val.to_string());
                if opts.verbose {
                    o.sources
                        .insert(key.to_string(), format!("Table:site - Key:{key}"));
                }
            }
        }
        Ok(o)
    }

    fn read_log(&mut self, table: &str, name: &str, opts: &ReadOpts) -> Result<Obj, HandlerError> {
        let t = self.table(table)?;
        let mut o = Obj::default();
        let Some(rc) = t.col("recid") else {
            return Ok(o);
        };
        let Some(i) = (0..t.rows.len()).find(|&i| t.get(i, rc) == Some(name)) else {
            return Ok(o);
        };
        for (ci, col) in t.cols.iter().enumerate() {
            if col == "recid" {
                continue;
            }
            if let Some(v) = t.get(i, ci) {
                o.attrs.insert(col.clone(), v.to_string());
                if opts.verbose {
                    o.sources
                        .insert(col.clone(), format!("Table:{table} - Key:{col}"));
                }
            }
        }
        Ok(o)
    }

    fn add_monsettings(
        &mut self,
        name: &str,
        o: &mut Obj,
        opts: &ReadOpts,
    ) -> Result<(), HandlerError> {
        let t = self.table("monsetting")?;
        let (Some(nc), Some(kc), Some(vc)) = (t.col("name"), t.col("key"), t.col("value")) else {
            return Ok(());
        };
        for i in 0..t.rows.len() {
            if t.get(i, nc) != Some(name) {
                continue;
            }
            if let (Some(k), Some(v)) = (t.get(i, kc), t.get(i, vc)) {
                o.attrs.insert(k.to_string(), v.to_string());
                if opts.verbose {
                    o.sources
                        .insert(k.to_string(), "Table:monsetting".to_string());
                }
            }
        }
        Ok(())
    }

    fn wanted_with_conditions(def: &ObjectDef, wanted: &BTreeSet<String>) -> BTreeSet<String> {
        let mut w = wanted.clone();
        loop {
            let before = w.len();
            for a in def.attrs {
                if w.contains(a.attr_name) {
                    if let Some(c) = a.only_if {
                        w.insert(c.attr.to_string());
                    }
                }
            }
            if w.len() == before {
                return w;
            }
        }
    }

    fn read_generic(
        &mut self,
        def: &ObjectDef,
        type_name: &str,
        name: &str,
        opts: &ReadOpts,
    ) -> Result<Obj, HandlerError> {
        let is_node = type_name == "node";
        let nodeish = is_node || type_name == "group";
        let wanted = opts
            .wanted
            .as_ref()
            .map(|w| Self::wanted_with_conditions(def, w));
        let inherit = is_node && !opts.raw;
        let plan = spec::plan(def);
        // node-keyed table slot -> resolved first row of this object
        let mut resolved: Vec<Option<Option<ResolvedRow>>> =
            (0..plan.tables.len()).map(|_| None).collect();
        let mut o = Obj::default();
        let order: Vec<usize> = match &wanted {
            Some(w) => plan.indexes(w.iter().map(String::as_str)),
            None => (0..def.attrs.len()).collect(),
        };
        for i in order {
            let (a, ep) = (&def.attrs[i], &plan.entries[i]);
            if a.attr_name == def.objkey {
                continue;
            }
            if let Some(c) = a.only_if {
                let ok = o
                    .attrs
                    .get(c.attr)
                    .is_some_and(|v| spec::word_match(v, c.value));
                if !ok {
                    continue;
                }
            }
            let table = ep.table;
            let value = if nodeish && ep.node_keyed {
                if resolved[ep.slot].is_none() {
                    let na = self.cache.node_attrs(self.conn, table)?;
                    let rows = if inherit {
                        na.resolve(name)
                    } else {
                        na.resolve_raw(name)
                    };
                    resolved[ep.slot] = Some(rows.into_iter().next());
                }
                // NodeAttrs columns are the registry columns of the table.
                ep.col.and_then(|i| {
                    let row = resolved[ep.slot].as_ref()?.as_ref()?;
                    row.get(i).filter(|v| !v.is_empty()).map(str::to_string)
                })
            } else {
                self.scan_value(a, name)?
            };
            if let Some(v) = value {
                if opts.verbose {
                    let source = if nodeish && ep.node_keyed {
                        format!(
                            "Table:{table} - Key:{} - Column:{}",
                            a.lookup[0].column, a.column
                        )
                    } else {
                        let keys: Vec<&str> = a.lookup.iter().map(|l| l.column).collect();
                        format!(
                            "Table:{table} - Key: {} - Column:{}",
                            keys.join(" "),
                            a.column
                        )
                    };
                    o.sources.insert(a.attr_name.to_string(), source);
                }
                o.attrs.insert(a.attr_name.to_string(), v);
            }
        }
        Ok(o)
    }
}
