//! The `xcataixscript` NIM script resource of standalone images (stock
//! `prenimnodeset`, xCAT-server/lib/xcat/plugins/aixinstall.pm:8653-8828): every standalone
//! osimage runs it after the installation ([`add_xcataixscript`], applied
//! wherever an osimage is read for a standalone node: on the management
//! node here and by nimnodeset's server part), and nimprime defines it
//! from `<installdir>/nim/scripts/xcataixscript`, a copy of
//! `<installdir>/postscripts/xcataixscript` ([`ensure`]).

use super::super::cmd::{self, Nim};
use super::super::model::Image;
use super::super::prime::files::{FileResult, Files};
use super::super::validate;
use super::Docs;
use std::collections::BTreeSet;

/// The resource's name.
pub const NAME: &str = "xcataixscript";

/// aixinstall.pm:8653-8672: a standalone image's `script` list gets
/// `xcataixscript` appended; `true` when `img` is standalone.
pub fn add_xcataixscript(img: &mut Image) -> bool {
    if !img.nimtype().contains("standalone") {
        return false;
    }
    let script = match img.get("script") {
        Some(s) => format!("{s},{NAME}"),
        None => NAME.to_string(),
    };
    img.attrs.insert("script".into(), script);
    true
}

/// aixinstall.pm:8678-8828 on nimprime: the resource kept when it is
/// defined at `<installdir>/nim/scripts/xcataixscript`, else (re)made:
/// removed when elsewhere, the file copied, the resource defined and added
/// to `names`; then the old `xcataixpost` export removed.  `false` after
/// the error message.
pub fn ensure(nim: &Nim, installdir: &str, names: &mut BTreeSet<String>, docs: &mut Docs) -> bool {
    let installdir = installdir.trim_end_matches('/');
    if let Err(e) = validate::path("site", "installdir", installdir) {
        docs.error(format!("{e}\n"));
        return false;
    }
    let dir = format!("{installdir}/nim/scripts");
    let location = format!("{dir}/{NAME}");
    let create = if nim.lsnim(&["-l", NAME]).ok() {
        let loc = nim.attr_fields("location", NAME).unwrap_or_default();
        let elsewhere = loc.first().map(String::as_str) != Some(location.as_str());
        if elsewhere {
            // Stock ignores a failed removal; the define below then fails.
            nim.nim(&["-Fo", "remove", NAME]);
        }
        elsewhere
    } else {
        true
    };
    if create {
        if copy_script(nim, installdir, &dir).is_err() {
            docs.error("Could not copy xcataixscript.");
            return false;
        }
        let loc = format!("location={location}");
        let args = [
            "-Fo",
            "define",
            "-t",
            "script",
            "-a",
            "server=master",
            "-a",
            &loc,
            NAME,
        ];
        if !nim.nim(&args).ok() {
            docs.error("Could not create a NIM resource for xcataixscript.\n");
            return false;
        }
        names.insert(NAME.to_string());
    }
    let old = format!("{installdir}/postscripts/xcataixpost");
    nim.run(cmd::RMNFSEXP, &["-d", &old, "-B"]);
    true
}

/// aixinstall.pm:8730-8743: `<installdir>/postscripts/xcataixscript` copied
/// into `dir` (made with mode 644 when missing) and made executable.  On a
/// remote nimprime these are `mkdir` / `cp` / `chmod` commands, counted as
/// `nim`'s so `-V` shows them before the define (stock showed its one
/// shell line, aixinstall.pm:8733); the first failing step ends it.
fn copy_script(nim: &Nim, installdir: &str, dir: &str) -> FileResult<()> {
    let files = Files::new(Nim::new(nim.runner(), nim.target().clone(), nim.config()));
    let source = format!("{installdir}/postscripts/{NAME}");
    let copied = files
        .mkdir_p(dir, 0o644)
        .and_then(|()| files.copy_file(&source, dir))
        .and_then(|()| files.make_executable(&format!("{dir}/{NAME}")));
    nim.note_lines(files.take_lines());
    copied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standalone_images_get_the_script() {
        let mut img = Image {
            name: "61std".into(),
            attrs: [("nimtype".to_string(), "standalone".to_string())].into(),
        };
        assert!(add_xcataixscript(&mut img));
        assert_eq!(img.get("script"), Some("xcataixscript"));
        img.attrs.insert("script".into(), "s1,s2".into());
        add_xcataixscript(&mut img);
        assert_eq!(img.get("script"), Some("s1,s2,xcataixscript"));
        let mut dskls = Image {
            name: "71dskls".into(),
            attrs: [("nimtype".to_string(), "diskless".to_string())].into(),
        };
        assert!(!add_xcataixscript(&mut dskls));
        assert_eq!(dskls.get("script"), None);
    }
}
