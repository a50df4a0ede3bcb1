//! Usage texts of the four commands (stock layout) and `-h -t <type>`
//! attribute help with our own short descriptions (where each attribute is
//! stored, and under which condition).

use super::args::Cmd;
use super::out::Out;
use super::spec;
use crate::api::Aborted;

pub fn usage(cmd: Cmd, out: &mut Out) -> Result<(), Aborted> {
    let types = spec::sorted_type_names();
    let spaced: String = types.iter().map(|t| format!(" {t}")).collect();
    let mut l: Vec<String> = match cmd {
        Cmd::Mkdef => vec![
            "\nUsage: mkdef - Create xCAT data object definitions.\n".into(),
            "  mkdef [-h | --help ] [-t object-types]\n".into(),
            "  mkdef [-V | --verbose] [-t object-types] [--template template-object-name]".into(),
            "      [-o object-names] [-z|--stanza ]".into(),
            "      [-d | --dynamic] [-w attr==val [-w attr=~val] ...]".into(),
            "      [-f | --force] [noderange] [attr=val [attr=val...]]".into(),
            "\nThe following data object types are supported by xCAT:\n".into(),
            format!("{spaced}\n"),
        ],
        Cmd::Chdef => vec![
            "\nUsage: chdef - Change xCAT data object definitions.\n".into(),
            "  chdef [-h | --help ] [-t object-types]\n".into(),
            "  chdef [-t object-types] [-o object-names] [-n new-name] [node]\n".into(),
            "  chdef [-V | --verbose] [-t object-types] [-o object-names] [-d | --dynamic]".into(),
            "    [-z | --stanza] [-m | --minus] [-p | --plus]".into(),
            "    [-w attr==val [-w attr=~val] ... ] [noderange] [attr=val [attr=val...]]\n".into(),
            "\nThe following data object types are supported by xCAT:\n".into(),
            format!("{}\n", types.join(",")),
        ],
        Cmd::Lsdef => vec![
            "\nUsage: lsdef - List xCAT data object definitions.\n".into(),
            "  lsdef [-h | --help ] [-t object-types]\n".into(),
            "  lsdef [-l|--long] [-a|--all] [-t *object-types*] [-z|--stanza]".into(),
            "        [-i attr-list] [--template [template-object-name]] \n".into(),
            "  lsdef [-V | --verbose] [-t object-types] [-o object-names]".into(),
            "        [ -l | --long] [-s | --short] [-a | --all] [-z | --stanza ] [-S]".into(),
            "        [-i attr-list] [-w attr==val [-w attr=~val] ...] [noderange]\n".into(),
            "\nThe following data object types are supported by xCAT:\n".into(),
            format!("{spaced}\n"),
        ],
        Cmd::Rmdef => vec![
            "\nUsage: rmdef - Remove xCAT data object definitions.\n".into(),
            "  rmdef [-h | --help ] [-t object-types]\n".into(),
            "  rmdef [-V | --verbose] [-t object-types] [-a | --all] [-f | --force]".into(),
            "    [-o object-names] [-C | --cleanup] [noderange]\n".into(),
            "\nThe following data object types are supported by xCAT:\n".into(),
            format!("{spaced}\n"),
        ],
    };
    l.push("\nUse the '-h' option together with the '-t <object-types>' option to".into());
    l.push(" get a list of valid attribute names for each object type.\n".into());
    out.info(&l)
}

/// Our short description of an attribute: where it is stored.
fn describe(def: &xcat_schema::objects::ObjectDef, attr: &str) -> String {
    let mut places: Vec<String> = Vec::new();
    for a in def.entries(attr) {
        let mut p = format!("{}.{}", spec::row_table(a), a.column);
        if let Some(c) = a.only_if {
            p.push_str(&format!(" when {}={}", c.attr, c.value));
        }
        if !places.contains(&p) {
            places.push(p);
        }
    }
    if attr.starts_with("nic") {
        format!(
            "Per-NIC values ({attr}.<nic>=value), stored in {}.",
            places.join("; ")
        )
    } else {
        format!("Stored in {}.", places.join("; "))
    }
}

/// `-h -t types [-i attrs]`.
pub fn attr_help(types: &[String], only: Option<&str>, out: &mut Out) -> Result<(), Aborted> {
    for t in types {
        if t == "site" {
            if only.is_some() {
                out.warning(&["It is not supported to list the description of some specific site attributes, displaying the description for all site attributes instead."])?;
            }
            out.info(&[
                "\nThe site object (always named 'clustersite') holds the cluster-wide settings.\nEach attribute is one key of the site table; any key may be set.".to_string(),
                "Attribute names are site table keys; 'tabdump -d site' describes the known keys.".to_string(),
            ])?;
            continue;
        }
        let Some(def) = spec::def(t) else { continue };
        let wanted: Option<Vec<&str>> = only.map(|i| {
            i.split(',')
                .map(|a| super::nics::split_nic_attr(a).map(|(b, _)| b).unwrap_or(a))
                .collect()
        });
        let mut items: Vec<String> = Vec::new();
        for name in def.attr_names() {
            if wanted.as_ref().is_some_and(|w| !w.contains(&name)) {
                continue;
            }
            let space = if name.len() < 7 { "\t\t" } else { "\t" };
            items.push(format!("{name}:{space}{}\n\n", describe(def, name)));
        }
        items.sort();
        let mut text: String = items.concat();
        text.pop();
        text.pop();
        let mut lines: Vec<String> = Vec::new();
        if only.is_none() {
            lines.push(format!(
                "The valid attribute names for object type '{t}' are:"
            ));
        }
        lines.push("Attribute          Description\n".into());
        lines.push(text);
        if t == "monitoring" {
            lines.push("\nAny other attribute name is stored as a monitoring plug-in setting (monsetting table).".into());
        }
        out.info(&lines)?;
    }
    Ok(())
}
