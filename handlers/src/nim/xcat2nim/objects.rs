//! Which objects an xcat2nim command names (stock `processArgs`,
//! xCAT-server/lib/xcat/plugins/xcat2nim.pm:362-673): the noderange or object list, `-o`, `-t`,
//! `-a`, the `attr=val` pairs, and the messages stock sends while working
//! them out.  Node names come from the noderange without verification
//! (stock `noderange($a, 0)`).

use super::options::Options;
use crate::api::HandlerError;
use crate::objdefs::{cache::Cache, list, spec};
use std::collections::BTreeMap;
use xcat_proto::Response;
use xcat_schema::db::Conn;
use xcat_schema::noderange::{ExpandOpts, NodeRangeError};

/// The named objects: `(name, type)` in command order, and the `attr=val`
/// pairs by name (sorted: stock used Perl hash order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Named {
    pub objects: Vec<(String, String)>,
    pub attrs: BTreeMap<String, String>,
}

/// What `processArgs` decided: the objects, or a refusal (stock rc 3: the
/// caller prints the usage).  `msgs` go to the client first either way.
pub struct Resolution {
    pub msgs: Vec<Response>,
    pub named: Option<Named>,
}

struct Work<'a> {
    conn: &'a mut Conn,
    cache: Cache,
    range: &'a ExpandOpts,
    msgs: Vec<Response>,
}

impl Work<'_> {
    fn expand(&mut self, range: &str) -> Result<Option<Vec<String>>, HandlerError> {
        let opts = ExpandOpts {
            verify: false,
            ..self.range.clone()
        };
        match xcat_schema::noderange::expand(self.conn, range, &opts) {
            Ok(e) => Ok(Some(e.nodes)),
            Err(NodeRangeError::Db(d)) => Err(d.into()),
            Err(other) => {
                self.msgs.push(Response::new().error(other.to_string()));
                Ok(None)
            }
        }
    }

    fn info2(&mut self, first: String, second: &str) {
        self.msgs
            .push(Response::new().info(first).info(second.to_string()));
    }
}

/// Resolve the objects of `opts` (`msgstr` = `"<server>: "`).
pub fn resolve(
    conn: &mut Conn,
    opts: &Options,
    range: &ExpandOpts,
    msgstr: &str,
) -> Result<Resolution, HandlerError> {
    let mut w = Work {
        conn,
        cache: Cache::new(),
        range,
        msgs: Vec::new(),
    };
    let named = named(&mut w, opts, msgstr)?;
    Ok(Resolution {
        msgs: w.msgs,
        named,
    })
}

fn named(w: &mut Work, opts: &Options, msgstr: &str) -> Result<Option<Named>, HandlerError> {
    let mut attrs = BTreeMap::new();
    for p in &opts.pairs {
        let Some((a, v)) = crate::nim::split::attr_pair(p) else {
            w.msgs
                .push(Response::new().error(format!("Incorrect 'attr=val' pair - {p}\n")));
            return Ok(None);
        };
        attrs.insert(a, v);
    }
    let t_is_node = opts.types.as_deref().is_none_or(|t| t == "node");
    let mut names: Vec<String> = Vec::new();
    let mut from_range = false;
    for word in &opts.words {
        if t_is_node {
            let Some(nodes) = w.expand(word)? else {
                return Ok(None);
            };
            names = nodes;
            from_range = true;
        } else {
            names = word.split(',').map(str::to_string).collect();
        }
    }
    let Some(types) = types(w, opts, !attrs.is_empty(), msgstr) else {
        return Ok(None);
    };
    if let Some(o) = &opts.objects {
        names = o.split(',').map(str::to_string).collect();
        if t_is_node {
            let Some(nodes) = w.expand(o)? else {
                return Ok(None);
            };
            names = nodes;
            from_range = true;
        }
    }
    if opts.all && (opts.objects.is_some() || from_range) {
        w.msgs
            .push(Response::new().error("Cannot use '-a' with '-o' or a noderange.\n"));
        return Ok(None);
    }
    let objects = if opts.all {
        all_objects(w)?
    } else if opts.types.is_some() && names.is_empty() && opts.objects.is_none() {
        objects_of_types(w, &types)?
    } else {
        let t = types.first().cloned().unwrap_or_else(|| "node".to_string());
        names.into_iter().map(|n| (n, t.clone())).collect()
    };
    if objects.is_empty() {
        return Ok(None);
    }
    Ok(Some(Named { objects, attrs }))
}

/// The `-t` types (valid ones; `node` when none and no `-a`); `None` when
/// several types come with `attr=val` pairs.  Stock checked a type with a
/// substring match (`-t nod` passed); here the name must be exact.
fn types(w: &mut Work, opts: &Options, got_attrs: bool, msgstr: &str) -> Option<Vec<String>> {
    let mut valid = Vec::new();
    if let Some(t) = &opts.types {
        if t.contains(',') && got_attrs {
            w.msgs.push(Response::new().error(
                "Cannot combine multiple types with 'att=val' pairs on the command line.\n",
            ));
            return None;
        }
        for one in t.split(',') {
            if spec::def(one).is_some() {
                valid.push(one.to_string());
            } else {
                w.info2(
                    format!("{msgstr} Type '{one}' is not a valid xCAT object type.\n"),
                    "Skipping to the next type.\n",
                );
            }
        }
    }
    if valid.is_empty() && !opts.all {
        valid.push("node".to_string());
    }
    Some(valid)
}

fn objects_of_types(w: &mut Work, types: &[String]) -> Result<Vec<(String, String)>, HandlerError> {
    let mut out = Vec::new();
    for t in types {
        let names = list::objects_of_type(w.conn, &mut w.cache, t)?;
        if names.is_empty() {
            w.info2(
                format!("Could not get objects of type '{t}'.\n"),
                "Skipping to the next type.\n",
            );
            continue;
        }
        out.extend(names.into_iter().map(|n| (n, t.clone())));
    }
    Ok(out)
}

/// `-a`: every node, group and network object (in that order, each sorted).
fn all_objects(w: &mut Work) -> Result<Vec<(String, String)>, HandlerError> {
    let mut out = Vec::new();
    for t in ["node", "group", "network"] {
        let names = list::objects_of_type(w.conn, &mut w.cache, t)?;
        out.extend(names.into_iter().map(|n| (n, t.to_string())));
    }
    Ok(out)
}
