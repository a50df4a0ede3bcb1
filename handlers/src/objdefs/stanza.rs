//! Stanza files (`lsdef -z` output, `mkdef -z` / `chdef -z` input): parsing
//! with `default-<type>:` stanzas and writing.

use std::collections::{BTreeMap, HashMap};

/// One object read from a stanza file; attributes include `objtype`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StanzaObject {
    pub name: String,
    pub attrs: BTreeMap<String, String>,
}

/// Parsed stanza input: objects in first-appearance order (a repeated name
/// merges into the first, like stock's hash).
#[derive(Debug, Clone, Default)]
pub struct Stanzas {
    pub objects: Vec<StanzaObject>,
}

/// Parse stanza text (stock readFileInput rules).
pub fn parse(text: &str) -> Stanzas {
    let mut out = Stanzas::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut defaults: HashMap<String, BTreeMap<String, String>> = HashMap::new();
    // What the following attr lines belong to.
    enum Cur {
        None,
        Default(String),
        Obj(usize),
    }
    let mut cur = Cur::None;
    for raw in text.split('\n') {
        let l = raw.trim_end_matches('\r');
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let is_header = t.ends_with(':') && !header_is_attr(t);
        if is_header {
            let name = t[..t.len() - 1].trim();
            if name.contains('=') {
                cur = Cur::None;
                continue;
            }
            if let Some(ty) = name
                .strip_prefix("default-")
                .filter(|r| !r.is_empty() && !r.contains('-'))
            {
                cur = Cur::Default(ty.to_string());
                continue;
            }
            let i = *index.entry(name.to_string()).or_insert_with(|| {
                out.objects.push(StanzaObject {
                    name: name.to_string(),
                    attrs: BTreeMap::new(),
                });
                out.objects.len() - 1
            });
            cur = Cur::Obj(i);
            continue;
        }
        let Some((a, v)) = t.split_once('=') else {
            cur = Cur::None;
            continue;
        };
        let attr = a.trim().to_string();
        let val = clean_value(v);
        match &cur {
            Cur::None => {}
            Cur::Default(ty) => {
                defaults.entry(ty.clone()).or_default().insert(attr, val);
            }
            Cur::Obj(i) => {
                let obj = &mut out.objects[*i];
                if attr == "objtype" {
                    if let Some(d) = defaults.get(&val) {
                        for (k, dv) in d {
                            obj.attrs.insert(k.clone(), dv.clone());
                        }
                    }
                }
                obj.attrs.insert(attr, val);
            }
        }
    }
    out
}

/// A line like `postscripts=a,b:` ends with a colon but is an attribute line.
/// (Stock treats it as a broken header and drops the rest of the stanza; we
/// keep it as the attribute an admin meant.)
fn header_is_attr(t: &str) -> bool {
    match (t.find('='), t.rfind(':')) {
        (Some(eq), Some(_)) => {
            // `name:` headers never contain '=' before their last colon
            // except this attribute case.
            let before = &t[..eq];
            !before.is_empty() && !before.contains(':')
        }
        _ => false,
    }
}

fn clean_value(v: &str) -> String {
    let mut s = v.trim();
    if let Some(r) = s.strip_prefix('"') {
        s = r.trim_start();
    }
    if let Some(r) = s.strip_suffix('"') {
        s = r.trim_end();
    }
    s.to_string()
}

/// First line of `lsdef -z`.
pub const HEADER: &str = "# <xCAT data object stanza file>";

/// The lines of one object in `lsdef -z` form (the first element carries the
/// blank separator line, as stock sends it).
pub fn object_lines(name: &str, objtype: &str) -> [String; 2] {
    [format!("\n{name}:"), format!("    objtype={objtype}")]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_quotes() {
        let s = parse(
            "# c\n\ndefault-node:\n  groups=all\n\ncn1:\n  objtype=node\n  os=\" rhels8 \"\n\
             cn2:\n objtype=node\n groups=x\n postscripts=a:\nfe80::1:\n objtype=node\n",
        );
        assert_eq!(s.objects.len(), 3);
        assert_eq!(s.objects[0].attrs["groups"], "all");
        assert_eq!(s.objects[0].attrs["os"], "rhels8");
        assert_eq!(s.objects[1].attrs["groups"], "x");
        assert_eq!(s.objects[1].attrs["postscripts"], "a:");
        assert_eq!(s.objects[2].name, "fe80::1");
    }
}
