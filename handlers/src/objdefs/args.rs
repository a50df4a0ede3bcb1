//! Stock processArgs for the four commands: defaults, option conflicts, the
//! object types and names (from -t, -o, a noderange, -a or a stanza on
//! stdin), `attr=val` pairs, `-w` and `-i`.  Returns a [`Plan`] or how the
//! command ends early (stock return codes 1/2/3).

use super::cache::Cache;
use super::options::{self, Opts};
use super::out::Out;
use super::selection::Selection;
use super::stanza::{self, Stanzas};
use super::{list, nr, spec};
use crate::api::HandlerError;
use std::collections::BTreeMap;
use xcat_schema::db::Conn;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Lsdef,
    Mkdef,
    Chdef,
    Rmdef,
}

impl Cmd {
    pub fn name(self) -> &'static str {
        match self {
            Cmd::Lsdef => "lsdef",
            Cmd::Mkdef => "mkdef",
            Cmd::Chdef => "chdef",
            Cmd::Rmdef => "rmdef",
        }
    }
}

/// How argument processing ended when it did not produce a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Early {
    /// rc 1: done (help, version), exit 0 unless an error was sent.
    Done,
    /// rc 2: print the usage.
    Usage,
    /// rc 3: fail.
    Fail,
}

/// What the command works on.
#[derive(Debug, Default)]
pub struct Plan {
    pub opts: Opts,
    pub types: Vec<String>,
    pub names: Vec<String>,
    /// (name, type) pairs from `-t` without names, or `-a`.
    pub typed: Vec<(String, String)>,
    pub from_opto: bool,
    pub from_nr: bool,
    pub from_args: bool,
    pub from_optt: bool,
    pub from_opta: bool,
    pub from_file: bool,
    pub noderange: Vec<String>,
    pub attrs: BTreeMap<String, String>,
    pub file: Stanzas,
    pub selection: Option<Selection>,
    pub attr_list: Vec<String>,
    pub nic_names: BTreeMap<String, Vec<String>>,
}

/// Stock default argument rewriting for lsdef.
fn default_args(cmd: Cmd, args: &[&str]) -> Option<Vec<String>> {
    let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    if v.is_empty() || (v.len() == 1 && v[0] == "-S") {
        if cmd != Cmd::Lsdef {
            return None;
        }
        v.extend(["-t", "node", "-s"].map(String::from));
    } else if cmd == Cmd::Lsdef
        && ((v.len() == 2 && v.contains(&"-l".to_string()) && v.contains(&"-S".to_string()))
            || (v.len() == 1 && v[0] == "-l"))
    {
        v.extend(["-t", "node"].map(String::from));
    }
    Some(v)
}

macro_rules! fail {
    ($out:expr, $rc:expr, $($msg:expr),+) => {{
        $out.error(&[$($msg),+])?;
        return Ok(Err($rc));
    }};
}

/// A phase of argument processing: go on, or end early.
type Flow = Result<Result<(), Early>, HandlerError>;

/// Run a phase; return its early end from the caller.
macro_rules! phase {
    ($e:expr) => {
        if let Err(early) = $e? {
            return Ok(Err(early));
        }
    };
}

pub fn plan(
    cmd: Cmd,
    args: &[&str],
    stdin: Option<&str>,
    version_line: &str,
    conn: &mut Conn,
    cache: &mut Cache,
    out: &mut Out,
) -> Result<Result<Plan, Early>, HandlerError> {
    let Some(words) = default_args(cmd, args) else {
        return Ok(Err(Early::Usage));
    };
    let wr: Vec<&str> = words.iter().map(String::as_str).collect();
    let mut o = match options::parse(&wr) {
        Ok(o) => o,
        Err(_) => fail!(out, Early::Usage, "Invalid option.."),
    };
    let mut p = Plan::default();
    let filedata = stdin.filter(|s| !s.trim().is_empty());
    phase!(check_flags(cmd, &mut o, filedata, out));
    phase!(check_newname_and_template(cmd, &o, conn, cache, out));
    phase!(positional(cmd, &o, &mut p, conn, cache, out));
    if o.help && o.types.is_none() {
        return Ok(Err(Early::Usage));
    }
    if o.version {
        out.info(&[format!("{} - {version_line}", cmd.name())])?;
        return Ok(Err(Early::Done));
    }
    if let Some(data) = filedata {
        p.file = stanza::parse(data);
        p.from_file = true;
    }
    phase!(object_types(&o, &mut p, out));
    if o.help {
        super::usage::attr_help(&p.types, o.attrs_i.as_deref(), out)?;
        return Ok(Err(Early::Done));
    }
    phase!(object_names(
        cmd,
        &o,
        filedata.is_some(),
        &mut p,
        conn,
        cache,
        out
    ));
    phase!(selection_and_attrs(cmd, &o, &mut p, out));
    p.opts = o;
    Ok(Ok(p))
}

/// Option defaults and the flag combinations stock refuses.
fn check_flags(cmd: Cmd, o: &mut Opts, filedata: Option<&str>, out: &mut Out) -> Flow {
    if o.setattr && cmd != Cmd::Chdef && cmd != Cmd::Mkdef {
        fail!(
            out,
            Early::Usage,
            format!("Option '-u' can not work with {}.", cmd.name())
        );
    }
    if o.cleanup && cmd != Cmd::Rmdef {
        fail!(
            out,
            Early::Usage,
            format!("Option '-C' can not be used with {}.", cmd.name())
        );
    }
    if o.setattr {
        if o.types.is_none() && filedata.is_none() {
            o.types = Some("osimage".into());
        } else if o.types.as_deref() != Some("osimage") {
            fail!(
                out,
                Early::Usage,
                "Option '-u' only work for objtype 'osimage'."
            );
        }
    }
    if o.types.is_none() && !o.all && !o.help && cmd == Cmd::Lsdef {
        o.types = Some("node".into());
    }
    if o.xml {
        fail!(
            out,
            Early::Usage,
            "The '-x' (XML format) option is not yet implemented."
        );
    }
    let pairs = [
        (
            o.attrs_i.is_some() && o.osimage,
            "The flags '-i' and '--osimage' cannot be used together.",
        ),
        (
            o.stanza && o.osimage,
            "The flags '-z' and '--osimage' cannot be used together.",
        ),
        (
            o.all && o.types.is_some(),
            "The flags '-a' and '-t' cannot be used together.",
        ),
        (
            o.long && o.short,
            "The flags '-l' and '-s' cannot be used together.",
        ),
        (
            o.nics && o.attrs_i.is_some(),
            "The flags '-i' and '--nics' cannot be used together.",
        ),
    ];
    for (bad, msg) in pairs {
        if bad {
            fail!(out, Early::Usage, msg);
        }
    }
    if o.nics {
        o.attrs_i = Some(
            "nicips,nichostnamesuffixes,nichostnameprefixes,nictypes,niccustomscripts,nicnetworks,nicaliases,nicextraparams,nicdevices"
                .into(),
        );
    }
    if o.attrs_i.is_some() && o.short {
        fail!(
            out,
            Early::Usage,
            "The flags '-i' and '-s' cannot be used together."
        );
    }
    if o.compress && o.attrs_i.is_none() {
        fail!(
            out,
            Early::Usage,
            "The flags '-c' and '-i' must be used together."
        );
    }
    Ok(Ok(()))
}

/// `chdef -n NEW` needs a valid name; `--template` is not supported.
fn check_newname_and_template(
    cmd: Cmd,
    o: &Opts,
    conn: &mut Conn,
    cache: &mut Cache,
    out: &mut Out,
) -> Flow {
    if cmd == Cmd::Chdef {
        if let Some(n) = &o.newname {
            if !super::names::valid_object_name(
                conn,
                cache,
                n,
                o.types.as_deref().unwrap_or("node"),
            )? {
                fail!(
                    out,
                    Early::Usage,
                    format!("The new object name '{n}' is not valid.Please refer to \"man xcatdb\" for the valid \"xCAT Object Name Format\" ")
                );
            }
        }
    }
    if o.template.is_some() {
        if cmd != Cmd::Mkdef && cmd != Cmd::Lsdef {
            fail!(
                out,
                Early::Usage,
                format!(
                    "The option '--template' can not be used with '{}'.",
                    cmd.name()
                )
            );
        }
        fail!(
            out,
            Early::Fail,
            "The '--template' option (object definition templates) is not supported by this xcatd."
        );
    }

    Ok(Ok(()))
}

/// The positional noderange (or names) and the `attr=val` pairs.
fn positional(
    cmd: Cmd,
    o: &Opts,
    p: &mut Plan,
    conn: &mut Conn,
    cache: &mut Cache,
    out: &mut Out,
) -> Flow {
    // Positional words and attr=val pairs.
    if o.positional.len() > 1 {
        fail!(out, Early::Usage, "noderange can not contain spaces.");
    }
    if let Some(w) = o.bad_pairs.first() {
        fail!(
            out,
            Early::Fail,
            format!("Incorrect 'attr=val' pair - {w}.")
        );
    }
    let type_single = o.types.clone();
    if let Some(a) = o.positional.first().cloned() {
        if type_single.as_deref().is_some_and(|t| t != "node") {
            p.names = a
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            p.noderange = p.names.clone();
            p.from_args = true;
        } else {
            if cmd != Cmd::Mkdef
                && a.starts_with('/')
                && xcat_schema::user_regex::compile(&a[1..]).is_err()
            {
                fail!(
                    out,
                    Early::Fail,
                    format!("Invalid regular expression {a}, check the noderange syntax.")
                );
            }
            let verify = cmd != Cmd::Mkdef && a.starts_with('/');
            p.noderange = nr::expand(conn, cache, &a, verify)?;
            if p.noderange.is_empty() {
                fail!(
                    out,
                    Early::Fail,
                    format!("No node in '{a}', check the noderange syntax.")
                );
            }
        }
    }
    for (a, v) in &o.attr_pairs {
        p.attrs.insert(a.clone(), v.clone());
    }
    if (o.types.is_none() || o.types.as_deref() == Some("node"))
        && cmd == Cmd::Chdef
        && (o.minus || o.plus)
        && p.attrs
            .keys()
            .any(|k| super::nics::split_nic_attr(k).is_some())
    {
        fail!(
            out,
            Early::Fail,
            "chdef does not support to change the nic related attributes with -m or -p flag."
        );
    }
    if cmd == Cmd::Rmdef
        && (o.dynamic
            || o.attrs_i.is_some()
            || o.long
            || o.minus
            || o.plus
            || !o.wheres.is_empty()
            || o.xml
            || o.stanza
            || o.short)
    {
        fail!(
            out,
            Early::Usage,
            "Invalid flag specified, see rmdef manpage for details."
        );
    }
    Ok(Ok(()))
}

/// The object types from `-t` (node by default).
fn object_types(o: &Opts, p: &mut Plan, out: &mut Out) -> Flow {
    // Types.
    let tlist = o.type_list();
    if !tlist.is_empty() {
        if tlist.len() > 1 && !o.attr_pairs.is_empty() {
            fail!(
                out,
                Early::Fail,
                "Cannot combine multiple types with 'att=val' pairs on the command line."
            );
        }
        for t in &tlist {
            if spec::def(t).is_none() {
                fail!(
                    out,
                    Early::Fail,
                    format!("\nType '{t}' is not a valid xCAT object type.")
                );
            }
            p.types.push(t.clone());
        }
    }
    if p.types.is_empty() && p.file.objects.is_empty() && !o.all && o.types.is_none() {
        p.types.push("node".into());
    }
    Ok(Ok(()))
}

/// The object names: `-o`, the noderange, every object of the `-t` types,
/// or `-a`.
fn object_names(
    cmd: Cmd,
    o: &Opts,
    has_file: bool,
    p: &mut Plan,
    conn: &mut Conn,
    cache: &mut Cache,
    out: &mut Out,
) -> Flow {
    let t0 = p.types.first().cloned().unwrap_or_default();
    if let Some(obj) = o.objects.clone() {
        p.from_opto = true;
        if t0 == "site" && obj != "clustersite" {
            p.names = vec![obj, "clustersite".into()];
        } else if t0 == "node" {
            let verify = cmd != Cmd::Mkdef && obj.starts_with('/');
            p.names = nr::expand(conn, cache, &obj, verify)?;
        } else {
            p.names = obj.split(',').map(str::to_string).collect();
        }
    } else if !p.noderange.is_empty() && t0 == "node" {
        p.names = p.noderange.clone();
        p.from_nr = true;
    }
    if t0 == "site" && o.objects.is_none() && o.types.is_some() {
        if !p.names.iter().any(|n| n == "clustersite") {
            p.names.push("clustersite".into());
        }
        p.from_opto = true;
    }
    if o.types.is_some()
        && o.objects.is_none()
        && !has_file
        && !o.all
        && p.noderange.is_empty()
        && p.names.is_empty()
    {
        if cmd == Cmd::Rmdef || cmd == Cmd::Chdef {
            fail!(out, Early::Usage, "No object names were provided.");
        }
        if cmd != Cmd::Mkdef {
            p.from_optt = true;
            for t in p.types.clone() {
                let objs = list::objects_of_type(conn, cache, &t)?;
                // lsdef of a type without objects is not an error
                // (xCAT-test cases filter this line from `lsdef -t osimage -l`).
                if objs.is_empty() && cmd == Cmd::Lsdef {
                    continue;
                }
                if objs.is_empty() {
                    fail!(
                        out,
                        Early::Fail,
                        format!("Could not get objects of type '{t}'.")
                    );
                }
                for n in objs {
                    p.names.push(n.clone());
                    p.typed.push((n, t.clone()));
                }
            }
        }
    }
    if o.all && (o.objects.is_some() || has_file || !p.noderange.is_empty()) {
        fail!(
            out,
            Early::Fail,
            "Cannot use '-a' with '-o', a noderange or file input."
        );
    }
    if o.all {
        for def in xcat_schema::objects::objects() {
            if def.name == "auditlog" || def.name == "eventlog" {
                continue;
            }
            p.from_opta = true;
            for n in list::objects_of_type(conn, cache, def.name)? {
                p.names.push(n.clone());
                p.typed.push((n, def.name.to_string()));
            }
        }
    }
    if p.names.is_empty() && p.file.objects.is_empty() && p.from_optt && cmd == Cmd::Lsdef {
        out.info(&["Could not find any object definitions to display."])?;
        return Ok(Err(Early::Done));
    }
    if p.names.is_empty() && p.file.objects.is_empty() {
        fail!(out, Early::Fail, "No object names were provided.");
    }
    Ok(Ok(()))
}

/// `-w` selections and `-i` attribute lists.
fn selection_and_attrs(cmd: Cmd, o: &Opts, p: &mut Plan, out: &mut Out) -> Flow {
    if !o.wheres.is_empty() {
        match Selection::parse(&o.wheres) {
            Ok(s) => {
                if o.types.as_deref() == Some("group") && o.dynamic {
                    if let Some(node) = spec::def("node") {
                        for a in s.attrs() {
                            if !node.attrs.iter().any(|x| x.attr_name == a) {
                                fail!(
                                    out,
                                    Early::Fail,
                                    format!("Incorrect attribute '{a}' in the selection string specified with -w flag.")
                                );
                            }
                        }
                    }
                }
                p.selection = Some(s);
            }
            Err(_) => fail!(
                out,
                Early::Fail,
                "Incorrect selection string specified with -w flag."
            ),
        }
    }
    if o.attrs_i.is_some() && cmd != Cmd::Lsdef {
        fail!(
            out,
            Early::Fail,
            "The '-i' option is only valid for the lsdef command."
        );
    }
    if let Some(i) = &o.attrs_i {
        for a in i.split(',') {
            match super::nics::split_nic_attr(a) {
                Some((base, nic)) => {
                    p.nic_names
                        .entry(base.to_string())
                        .or_default()
                        .push(nic.to_string());
                    p.attr_list.push(base.to_string());
                }
                None => p.attr_list.push(a.to_string()),
            }
        }
    }
    Ok(Ok(()))
}
