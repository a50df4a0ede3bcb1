//! One NIM resource defined on a service node, as `make_SN_resource`
//! defines each type (xCAT-server/lib/xcat/plugins/aixinstall.pm:13330-13711,
//! `mkdumpres` 7088-7174, `mknimres` 7194-7293): the location each type takes
//! from nimprime's, the attributes each type accepts (from nimprime's
//! definition, then `nfs_vers=4` with NFSv4, then the command line's
//! `attr=val`; sorted, stock's order was Perl hash order) and the argument
//! layout of each command.  Every value is validated before the command is
//! built.

use crate::nim::model::Resources;
use crate::nim::validate::{self, Invalid};
use std::collections::BTreeMap;

/// The attributes a type may carry over (AIX:13434, 13493, 13545, 13597,
/// 13662, 7116, 7218).
pub fn allowed_attrs(ty: &str) -> &'static [&'static str] {
    match ty {
        "dump" => &[
            "dumpsize",
            "max_dumps",
            "notify",
            "snapcollect",
            "verbose",
            "nfs_vers",
            "group",
        ],
        "root" | "shared_root" | "tmp" | "home" | "shared_home" | "paging" => {
            &["nfs_vers", "verbose", "group"]
        }
        "lpp_source" => &[
            "verbose",
            "nfs_vers",
            "nfs_sec",
            "packages",
            "use_source_simages",
            "arch",
            "show_progress",
            "multi_volume",
            "group",
        ],
        "installp_bundle" | "script" => &[
            "verbose", "nfs_vers", "nfs_sec", "source", "dest_dir", "group",
        ],
        "mksysb" => &[
            "verbose",
            "nfs_vers",
            "nfs_sec",
            "dest_dir",
            "group",
            "source",
            "size_preview",
            "exclude_files",
            "mksysb_flags",
            "mk_image",
        ],
        "resolv_conf" | "bosinst_data" | "image_data" => {
            &["verbose", "nfs_vers", "nfs_sec", "group"]
        }
        "spot" => &[
            "verbose",
            "nfs_vers",
            "nfs_sec",
            "installp_flags",
            "auto_expand",
            "show_progress",
            "debug",
        ],
        _ => &[],
    }
}

/// The directory-type resources: defined empty, never copied.
pub const DIR_TYPES: &[&str] = &[
    "root",
    "shared_root",
    "tmp",
    "home",
    "shared_home",
    "paging",
];

/// What a define command is made from.
pub struct Source<'a> {
    /// nimprime's locations and attributes.
    pub nimprime: &'a Resources,
    /// The command line's `attr=val`.
    pub cmdline: &'a BTreeMap<String, String>,
    pub nfsv4: bool,
    /// `site.installdir` (the default layout `<installdir>/nim/<type>/<res>`).
    pub installdir: &'a str,
}

/// `k=v` words of the attributes `ty` accepts for `res`, sorted by name.
pub fn attr_words(src: &Source, ty: &str, res: &str) -> Result<Vec<String>, Invalid> {
    let allowed = allowed_attrs(ty);
    let mut attrs: BTreeMap<&str, &str> = BTreeMap::new();
    if let Some(theirs) = src.nimprime.attrs.get(res) {
        for (k, v) in theirs {
            if allowed.contains(&k.as_str()) {
                attrs.insert(k, v);
            }
        }
    }
    if src.nfsv4 {
        attrs.insert("nfs_vers", "4");
    }
    for (k, v) in src.cmdline {
        if allowed.contains(&k.as_str()) {
            attrs.insert(k, v);
        }
    }
    let mut words = Vec::new();
    for (k, v) in attrs {
        validate::nim_attr_value(res, k, v)?;
        words.push(format!("{k}={v}"));
    }
    Ok(words)
}

/// nimprime's location of `res`, checked.
fn nimprime_location<'s>(src: &'s Source, res: &str) -> Result<&'s str, Invalid> {
    let loc = src.nimprime.locations.get(res).map(String::as_str);
    validate::path(res, "location", loc.unwrap_or(""))
}

fn parent(path: &str) -> &str {
    match path.trim_end_matches('/').rsplit_once('/') {
        Some(("", _)) => "/",
        Some((dir, _)) => dir,
        None => ".",
    }
}

/// The location the SN's definition of `res` gets:
/// * dump: nimprime's (default `<installdir>/nim/dump/<res>`);
/// * directory types: `<dirname(dirname(nimprime's))>/<type>/<res>`
///   (default `<installdir>/nim/<type>/<res>`);
/// * spot: `dirname(dirname(nimprime's))` (NIM adds `<res>/usr`);
/// * the rest: nimprime's.
pub fn location(src: &Source, ty: &str, res: &str) -> Result<String, Invalid> {
    let known = src.nimprime.locations.contains_key(res);
    let default = || format!("{}/nim/{ty}/{res}", src.installdir.trim_end_matches('/'));
    let loc = match ty {
        "dump" if !known => default(),
        "dump" => nimprime_location(src, res)?.to_string(),
        t if DIR_TYPES.contains(&t) && !known => default(),
        t if DIR_TYPES.contains(&t) => {
            let l = parent(parent(nimprime_location(src, res)?));
            format!("{}/{ty}/{res}", l.trim_end_matches('/'))
        }
        "spot" => parent(parent(nimprime_location(src, res)?)).to_string(),
        _ => nimprime_location(src, res)?.to_string(),
    };
    validate::path(res, "location", &loc)?;
    Ok(loc)
}

/// The `nim` arguments that define `res` of type `ty` at `location`:
/// dump and directory types put the attributes before `spot=` and
/// `location=` (`mkdumpres` / `mknimres`), the others after `location=`.
pub fn define_args(
    ty: &str,
    res: &str,
    location: &str,
    attrs: &[String],
    spot: Option<&str>,
) -> Vec<String> {
    let mut args: Vec<String> = ["-Fo", "define", "-t", ty, "-a", "server=master"]
        .map(String::from)
        .to_vec();
    let attr_pairs = attrs.iter().flat_map(|w| ["-a".to_string(), w.clone()]);
    let loc = ["-a".to_string(), format!("location={location}")];
    if ty == "dump" || DIR_TYPES.contains(&ty) {
        args.extend(attr_pairs);
        if let (Some(spot), "shared_root") = (spot, ty) {
            args.extend(["-a".to_string(), format!("spot={spot}")]);
        }
        args.extend(loc);
    } else {
        args.extend(loc);
        args.extend(attr_pairs);
    }
    args.push(res.to_string());
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src<'a>(r: &'a Resources, cmd: &'a BTreeMap<String, String>) -> Source<'a> {
        Source {
            nimprime: r,
            cmdline: cmd,
            nfsv4: true,
            installdir: "/install",
        }
    }

    #[test]
    fn locations_per_type() {
        let mut r = Resources::default();
        for (n, l) in [
            ("sr", "/install/nim/shared_root/sr"),
            ("sp", "/install/nim/spot/sp/usr"),
            ("dm", "/export/dump/dm"),
            ("bad", "relative/x"),
        ] {
            r.locations.insert(n.into(), l.into());
        }
        let cmd = BTreeMap::new();
        let s = src(&r, &cmd);
        assert_eq!(
            location(&s, "shared_root", "sr").unwrap(),
            "/install/nim/shared_root/sr"
        );
        assert_eq!(location(&s, "spot", "sp").unwrap(), "/install/nim/spot");
        assert_eq!(location(&s, "dump", "dm").unwrap(), "/export/dump/dm");
        assert_eq!(
            location(&s, "paging", "pg").unwrap(),
            "/install/nim/paging/pg"
        );
        let e = location(&s, "mksysb", "bad").unwrap_err();
        assert_eq!((e.object.as_str(), e.attr.as_str()), ("bad", "location"));
        assert!(location(&s, "mksysb", "none").is_err());
    }

    #[test]
    fn attributes_sorted_and_overridden() {
        let mut r = Resources::default();
        let theirs = [("nfs_vers", "3"), ("verbose", "2"), ("Rstate", "x")];
        r.attrs.insert(
            "sp".into(),
            theirs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        let mut cmd = BTreeMap::new();
        cmd.insert("debug".to_string(), "yes".to_string());
        cmd.insert("verbose".to_string(), "5".to_string());
        let s = src(&r, &cmd);
        assert_eq!(
            attr_words(&s, "spot", "sp").unwrap(),
            ["debug=yes", "nfs_vers=4", "verbose=5"]
        );
        assert_eq!(
            define_args("shared_root", "sr", "/l/shared_root/sr", &["nfs_vers=4".into()], Some("sp")).join(" "),
            "-Fo define -t shared_root -a server=master -a nfs_vers=4 -a spot=sp -a location=/l/shared_root/sr sr"
        );
        assert_eq!(
            define_args("mksysb", "mk", "/l/mk", &["group=g".into()], None).join(" "),
            "-Fo define -t mksysb -a server=master -a location=/l/mk -a group=g mk"
        );
    }
}
