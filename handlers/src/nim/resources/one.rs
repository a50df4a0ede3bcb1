//! Defining one missing NIM resource on the service node
//! (xCAT-server/lib/xcat/plugins/aixinstall.pm:13330-13697): the location and
//! attributes of [`super::define`], the SPOT's "this could take a while"
//! note, and for a shared_root under `-d` / `sharedinstall=sns` the move
//! aside and back of the existing directory so its client data survives.

use super::define;
use super::make::{source, SnResources};
use crate::api::Aborted;
use crate::nim::cmd::{self, Nim};
use crate::nim::model::{Image, Reply};
use std::path::Path;

/// How one resource went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Made {
    Defined,
    /// NIM refused it (the caller reports it).
    Failed,
    /// A value was refused before any command ran (reported here).
    Refused,
}

/// Defines `res` of type `ty` for `image`.
pub fn define_one(
    nim: &Nim,
    reply: &mut Reply,
    p: &SnResources,
    image: &Image,
    ty: &str,
    res: &str,
) -> Result<Made, Aborted> {
    let src = source(p);
    let checked = define::location(&src, ty, res)
        .and_then(|loc| define::attr_words(&src, ty, res).map(|a| (loc, a)));
    let (location, attrs) = match checked {
        Ok(v) => v,
        Err(e) => {
            reply.error(format!("{e}\n"))?;
            return Ok(Made::Refused);
        }
    };
    let spot = image.get("spot");
    if ty == "shared_root" && spot.is_none() {
        let text = format!(
            "The osimage '{}' has no spot for its shared_root {res}.\n",
            image.name
        );
        reply.error(text)?;
        return Ok(Made::Refused);
    }
    if ty == "dump" || define::DIR_TYPES.contains(&ty) {
        reply.verbose(format!("Creating '{res}'.\n"))?;
    }
    if ty == "spot" {
        let text = format!(
            "Creating a SPOT resource on {}.  This could take a while.\n",
            p.sname
        );
        reply.info(text)?;
    }
    let args = define::define_args(ty, res, &location, &attrs, spot);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let moved = if ty == "shared_root" && p.keep_shared_root {
        move_aside(nim, reply, &location)?
    } else {
        false
    };
    let ran = if define::DIR_TYPES.contains(&ty) && reply.verbose {
        let line = crate::runner::Cmd::new(cmd::NIM, args.iter().copied()).to_shell_line();
        reply.info(format!("Running command: '{line}'.\n"))?;
        nim.nim(&args)
    } else {
        nim.nim(&args)
    };
    if moved {
        move_back(nim, reply, &location)?;
    }
    Ok(if ran.ok() {
        Made::Defined
    } else {
        Made::Failed
    })
}

/// `mvdir <loc> <loc>.bak` when the directory exists (a local check: this
/// runs on the SN); whether it was moved.
fn move_aside(nim: &Nim, reply: &mut Reply, loc: &str) -> Result<bool, Aborted> {
    if !Path::new(loc).is_dir() {
        return Ok(false);
    }
    let bak = format!("{loc}.bak");
    if !nim.run(cmd::MVDIR, &[loc, &bak]).ok() {
        reply.error(format!("Could not move {loc}.\n"))?;
    }
    Ok(true)
}

/// The directory NIM made is removed and the original put back.  Stock
/// left the original at `.bak` when the definition failed; here it is put
/// back either way (deliberate).
fn move_back(nim: &Nim, reply: &mut Reply, loc: &str) -> Result<(), Aborted> {
    let bak = format!("{loc}.bak");
    if Path::new(loc).exists() && !nim.run(cmd::RM, &["-R", loc]).ok() {
        reply.error(format!("Could not remove {loc}.\n"))?;
    }
    if !nim.run(cmd::MVDIR, &[&bak, loc]).ok() {
        reply.error(format!("Could not move {bak} to {loc}.\n"))?;
    }
    Ok(())
}
