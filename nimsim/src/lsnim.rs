//! `lsnim`: lists NIM objects in the formats stock xCAT parses — the plain list
//! (`name class type`, cut on the first blank), `-l` / `-a` stanzas (`   attr = value`),
//! `-Z` colon lines with a `#name:attr:` header and a trailing colon (`-F` drops the
//! header), `-c class` / `-t type` filters, `-A attr` (next free index) and `-P -c
//! resources` (the resource types).

use crate::args;
use crate::nimerr;
use crate::objects::{self, is_multi_field, NimObject};
use crate::outcome::Outcome;
use crate::store::State;

const USAGE: &str = "Usage: lsnim [-l | -Z [-F]] [-c class | -t type] [-a attr ...] [name ...]\n       lsnim -A attr name\n       lsnim -P [-c class]";

/// Runs `lsnim` (read-only).
pub fn run(state: &State, argv: &[String]) -> Outcome {
    let parsed = match args::parse("lsnim", argv, "lZFc:t:a:A:PpO:q:s:", USAGE) {
        Ok(p) => p,
        Err(out) => return out,
    };
    if !state.nim_configured() {
        return nimerr::not_configured().outcome("lsnim");
    }
    if parsed.has('P') || parsed.has('p') {
        return predefined(parsed.value('c'));
    }
    if let Some(attr) = parsed.value('A') {
        return next_index(state, attr, &parsed.operands);
    }
    let selected = match select(state, &parsed) {
        Ok(s) => s,
        Err(out) => return out,
    };
    let attrs: Vec<&str> = parsed.values('a');
    if parsed.has('Z') {
        Outcome::ok(colon_format(&selected, &attrs, !parsed.has('F')))
    } else if parsed.has('l') || !attrs.is_empty() {
        Outcome::ok(stanzas(&selected, &attrs))
    } else {
        Outcome::ok(plain_list(&selected))
    }
}

/// The objects named, or all of them (in definition order) filtered by `-c` / `-t`.
fn select<'a>(
    state: &'a State,
    parsed: &args::Parsed,
) -> Result<Vec<(&'a str, &'a NimObject)>, Outcome> {
    if let Some(class) = parsed.value('c') {
        if !["machines", "networks", "resources", "groups"].contains(&class) {
            return Err(nimerr::bad_class(class).outcome("lsnim"));
        }
    }
    let mut chosen: Vec<(&str, &NimObject)> = Vec::new();
    if parsed.operands.is_empty() {
        chosen.extend(state.objects.iter().map(|(n, o)| (n.as_str(), o)));
        chosen.sort_by_key(|(_, o)| o.order);
    } else {
        for name in &parsed.operands {
            match state.objects.get_key_value(name.as_str()) {
                Some((n, o)) => chosen.push((n.as_str(), o)),
                None => return Err(nimerr::no_object(name).outcome("lsnim")),
            }
        }
    }
    let class = parsed.value('c');
    let otype = parsed.value('t');
    chosen
        .retain(|(_, o)| class.is_none_or(|c| o.class == c) && otype.is_none_or(|t| o.otype == t));
    Ok(chosen)
}

/// One line per object: name, class, type in columns separated by blanks.
pub fn plain_list(objects: &[(&str, &NimObject)]) -> String {
    objects
        .iter()
        .map(|(name, o)| format!("{:<14} {:<14} {}\n", name, o.class, o.otype))
        .collect()
}

/// `name:` then `   attr = value` lines; with `-a`, only those attributes (objects with
/// none of them set print nothing).
pub fn stanzas(objects: &[(&str, &NimObject)], only: &[&str]) -> String {
    let mut out = String::new();
    for (name, o) in objects {
        let pairs: Vec<(String, String)> = if only.is_empty() {
            o.all_attrs()
        } else {
            only.iter()
                .filter_map(|a| o.get(a).map(|v| (a.to_string(), v.to_string())))
                .collect()
        };
        if pairs.is_empty() {
            continue;
        }
        out.push_str(&format!("{name}:\n"));
        for (k, v) in pairs {
            out.push_str(&format!("   {k:<14} = {v}\n"));
        }
    }
    out
}

/// `-Z`: a `#name:attr…:` header (unless `-F`) and one `name:value…:` line per object.
/// Multi-field attributes (if*, routing*) print each word as its own field. With `-a`,
/// objects that have none of the attributes print nothing.
pub fn colon_format(objects: &[(&str, &NimObject)], only: &[&str], header: bool) -> String {
    let mut out = String::new();
    let mut last_header = String::new();
    for (name, o) in objects {
        let pairs: Vec<(String, Option<String>)> = if only.is_empty() {
            o.all_attrs()
                .into_iter()
                .map(|(k, v)| (k, Some(v)))
                .collect()
        } else {
            only.iter()
                .map(|a| (a.to_string(), o.get(a).map(str::to_string)))
                .collect()
        };
        if pairs.iter().all(|(_, v)| v.is_none()) {
            continue;
        }
        let head: String = format!(
            "#name:{}",
            pairs
                .iter()
                .map(|(k, _)| format!("{k}:"))
                .collect::<String>()
        );
        if header && head != last_header {
            out.push_str(&head);
            out.push('\n');
            last_header = head;
        }
        out.push_str(&format!("{name}:"));
        for (k, v) in &pairs {
            let v = v.as_deref().unwrap_or("");
            let field = if is_multi_field(k) {
                v.split_whitespace().collect::<Vec<_>>().join(":")
            } else {
                v.to_string()
            };
            out.push_str(&field);
            out.push(':');
        }
        out.push('\n');
    }
    out
}

/// `-A attr name`: the next free sequence number of a sequenced attribute.
fn next_index(state: &State, attr: &str, operands: &[String]) -> Outcome {
    let Some(name) = operands.first() else {
        return args::usage_error("lsnim", "the -A flag requires an object name", USAGE);
    };
    match state.objects.get(name) {
        Some(o) => Outcome::ok(format!("{}\n", o.next_index(attr))),
        None => nimerr::no_object(name).outcome("lsnim"),
    }
}

/// `-P [-c class]`: the predefined types, one per line as `type class`.
fn predefined(class: Option<&str>) -> Outcome {
    let classes: [(&str, &[&str]); 4] = [
        ("machines", objects::MACHINE_TYPES),
        ("networks", objects::NETWORK_TYPES),
        ("resources", objects::RESOURCE_TYPES),
        ("groups", objects::GROUP_TYPES),
    ];
    if let Some(c) = class {
        if !classes.iter().any(|(name, _)| *name == c) {
            return nimerr::bad_class(c).outcome("lsnim");
        }
    }
    let mut out = String::new();
    for (name, types) in classes
        .iter()
        .filter(|(name, _)| class.is_none_or(|c| c == *name))
    {
        for t in *types {
            out.push_str(&format!("{t:<14} {name}\n"));
        }
    }
    Outcome::ok(out)
}
